/* emit.c: the generated header and source of a unit.
 *
 * Header: passthrough C, interface types (I_vtable, I_dyn, I_send_dyn),
 * .ait structs and C declarations, output typedefs, frames in dependency
 * order (a frame embeds the frames it awaits), prototypes. Source: plain
 * methods, the futures' functions, dyn calls and the vtables. */
#include <ctype.h>
#include <string.h>
#include "check_graph.h"
#include "emit.h"
#include "output.h"
#include "parse.h"

/* ---- output helpers ---------------------------------------------------- */

static int out_lines(Out *o) {
    for (; o->counted < o->b->len; o->counted++)
        if (o->b->data[o->counted] == '\n')
            o->lines++;
    return o->lines;
}

/* Maps the next output line to loc's line, unless the last directive
 * already does (consecutive statements on consecutive lines). */
void out_line_directive(Emit *e, Out *o, Loc loc) {
    if (!e->opt->line_directives || loc.file < 0 || loc.line <= 0)
        return;
    if (o->map_out && o->map_file == loc.file &&
        o->map_line + (out_lines(o) - o->map_out) == loc.line)
        return;
    buf_printf(o->b, "#line %d \"%s\"\n", loc.line, src_name(loc.file));
    o->map_file = loc.file;
    o->map_line = loc.line;
    o->map_out = out_lines(o);
}

/* A point where nothing looks back at the text printed so far: when the
 * output streams to its file, the text may go (its lines counted first,
 * for the #line directives). */
static void out_spill(Emit *e, Out *o) {
    if (e->opt->line_directives)
        out_lines(o);
    if (buf_spill(o->b))
        o->counted = 0;
}

/* The end of one item of a section (a future, an impl...): the strings
 * made for it are temporaries, in the output now, so their memory is
 * reused, and its text may go to the file. */
static void item_done(Emit *e, ArenaMark m) {
    arena_release_to(m);
    out_spill(e, &e->h);
    out_spill(e, &e->c);
}

void out_line_reset(Emit *e, Out *o) {
    if (!e->opt->line_directives)
        return;
    buf_printf(o->b, "#line %d \"%s\"\n", out_lines(o) + 2, o->name);
    o->map_out = 0;
}

/* ---- hooks: how user code prints ---------------------------------------- */

static const char *ident_hook(void *ctx, Expr *x) {
    (void)ctx;
    return x->var ? x->var->cname : NULL;
}

static const char *type_hook(void *ctx, const char *name) {
    Emit *e = ctx;
    return e->fut ? sema_subst(e->fut, name) : name;
}

/* The self argument of a resolved call: &value for a T value, *p for a
 * pointer to a dyn, and a send dyn converted to the dyn the call takes. */
void emit_receiver(Emit *e, Buf *b, Target *t) {
    if (t->send_dyn)
        buf_printf(b, "%s_send_dyn_as_dyn(", t->iface);
    for (int i = t->upcasts.len - 1; i >= 0; i--)   /* a super-interface's method */
        buf_printf(b, "%s(", (char *)t->upcasts.data[i]);
    if (t->recv_addr)
        buf_putc(b, '&');
    if (t->recv_deref)
        buf_putc(b, '*');
    cprint_expr(b, t->recv, t->recv_addr || t->recv_deref ? PREC_UNARY : PREC_ASSIGN, &e->hooks);
    for (int i = 0; i < t->upcasts.len; i++)
        buf_putc(b, ')');
    if (t->send_dyn)
        buf_putc(b, ')');
}

/* Plain methods through impl types and dyn values become direct calls. */
static bool expr_hook(void *ctx, Expr *x, Buf *b, int prec) {
    Emit *e = ctx;
    (void)prec;
    if (x->kind != E_CALL || !x->call)
        return false;
    Target *t = x->call;
    if (t->kind == CT_ASYNC)
        return false;
    buf_printf(b, "%s(", t->cname);
    emit_receiver(e, b, t);
    for (int i = 0; i < x->args.len; i++) {
        buf_puts(b, ", ");
        cprint_expr(b, x->args.data[i], PREC_ASSIGN, &e->hooks);
    }
    buf_putc(b, ')');
    return true;
}

/* ---- type strings -------------------------------------------------------- */

const char *decl_str(Emit *e, DeclSpec *spec, Declarator *d, const char *name) {
    Buf b = {0};
    DeclPrint how = {.name = name, .with_storage = false, .drop_top_const = true};
    cprint_decl(&b, spec, d, &how, &e->hooks);
    char *s = xstrdup(b.data ? b.data : "");
    buf_free(&b);
    return s;
}

const char *type_str(Emit *e, DeclSpec *spec, Declarator *d) {
    Buf b = {0};
    cprint_typename(&b, spec, d, &e->hooks);
    char *s = xstrdup(b.data ? b.data : "");
    buf_free(&b);
    return s;
}

const char *params_str(Emit *e, Func *fn, const char *pfx) {
    Buf b = {0};
    for (int i = 0; i < fn->params.len; i++) {
        Param *p = fn->params.data[i];
        buf_printf(&b, ", %s", decl_str(e, p->spec, p->decl, xprintf("%s%d", pfx, i + 1)));
    }
    char *s = xstrdup(b.len ? b.data : "");
    buf_free(&b);
    return s;
}

const char *args_str(Func *fn, const char *pfx) {
    Buf b = {0};
    for (int i = 0; i < fn->params.len; i++)
        buf_printf(&b, ", %s%d", pfx, i + 1);
    char *s = xstrdup(b.len ? b.data : "");
    buf_free(&b);
    return s;
}

/* ---- which futures this unit emits, in frame dependency order ------------ */

static bool emitted(Fut *f) {
    return f->emit && (f->kind == FUT_FREE || f->kind == FUT_METHOD ||
                       f->kind == FUT_GENERIC || f->kind == FUT_DYN);
}

static void topo_visit(Emit *e, Fut *f, Vec *order) {
    if (f->visit)
        return;
    f->visit = 1;
    Vec edges = {0};
    sema_frame_edges(f, &edges);
    for (int i = 0; i < edges.len; i++)
        topo_visit(e, edges.data[i], order);
    if (emitted(f))
        vec_push(order, f);
}

static Vec frame_order(Emit *e) {
    Vec order = {0};
    for (int i = 0; i < e->s->futs.len; i++)
        ((Fut *)e->s->futs.data[i])->visit = 0;
    for (int i = 0; i < e->s->futs.len; i++)
        topo_visit(e, e->s->futs.data[i], &order);
    return order;
}

/* ---- header sections ---------------------------------------------------- */

/* Is the line at p (up to its newline) blank, or a feature-test macro
 * definition: "#define _GNU_SOURCE", "#define _POSIX_C_SOURCE 200809L"
 * (a macro reserved to the implementation: underscore, capital)? */
static bool feature_line(const char *p, bool *is_define) {
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == '\n' || !*p)
        return true;
    if (*p++ != '#')
        return false;
    while (*p == ' ' || *p == '\t')
        p++;
    if (strncmp(p, "define", 6))
        return false;
    p += 6;
    while (*p == ' ' || *p == '\t')
        p++;
    *is_define = true;
    return p[0] == '_' && isupper((unsigned char)p[1]);
}

/* The length of the leading feature-test macro lines of text (0 when it
 * has none): they must come before any system header, ait.h's included. */
static size_t feature_prefix(const char *text) {
    size_t end = 0;
    bool any = false;
    for (const char *p = text; *p;) {
        bool define = false;
        if (!feature_line(p, &define))
            break;
        const char *nl = strchr(p, '\n');
        if (!nl)
            break;
        p = nl + 1;
        if (define)
            any = true, end = (size_t)(p - text);
    }
    return any ? end : 0;
}

/* The feature-test macros of text[0..n), each kept when already defined
 * (compilers define some: g++ defines _GNU_SOURCE). */
static void feature_macros(Buf *h, const char *text, size_t n) {
    for (const char *p = text, *end = text + n; p < end;) {
        const char *nl = strchr(p, '\n');
        const char *name = strstr(p, "define");
        if (name && name < nl) {
            name += 6;
            while (*name == ' ' || *name == '\t')
                name++;
            size_t len = 0;
            while (isalnum((unsigned char)name[len]) || name[len] == '_')
                len++;
            buf_printf(h, "#ifndef %.*s\n%.*s\n#endif\n", (int)len, name, (int)(nl - p), p);
        }
        p = nl + 1;
    }
    if (n)
        buf_putc(h, '\n');
}

static int count_lines(const char *text, size_t n) {
    int lines = 0;
    for (size_t i = 0; i < n; i++)
        lines += text[i] == '\n';
    return lines;
}

/* One passthrough block, or the part of it from text on. */
static void passthrough_text(Emit *e, Loc at, const char *text) {
    Buf *h = e->h.b;
    if (!text[0])
        return;
    out_line_directive(e, &e->h, at);
    buf_puts(h, text);
    if (text[strlen(text) - 1] != '\n')
        buf_putc(h, '\n');
    out_line_reset(e, &e->h);
}

static void header_includes(Emit *e) {
    Unit *u = e->s->unit;
    buf_puts(e->h.b, "#include \"ait.h\"\n");
    for (int k = 0; k < u->import_headers.len; k++)
        buf_printf(e->h.b, "#include \"%s\"\n", (char *)u->import_headers.data[k]);
    buf_putc(e->h.b, '\n');
}

/* The guard, then the feature-test macros that open the first
 * passthrough block, then ait.h and the imports' headers, then the
 * passthrough C. */
static void header_top(Emit *e) {
    Buf *h = e->h.b;
    Unit *u = e->s->unit;
    char *guard = xprintf("AIT_GEN_%s", e->opt->header_name);
    for (char *p = guard; *p; p++)
        *p = isalnum((unsigned char)*p) ? (char)toupper((unsigned char)*p) : '_';
    buf_printf(h, "/* %s: generated by aitc %s from %s. Do not edit. */\n", e->opt->header_name,
               AITC_VERSION, path_base(src_name(u->file->id)));
    buf_printf(h, "#ifndef %s\n#define %s\n\n", guard, guard);
    bool first = true;
    for (int i = 0; i < u->file->items.len; i++) {
        Item *it = u->file->items.data[i];
        if (it->kind != I_PASSTHROUGH)
            continue;
        const char *text = it->text;
        int line = it->loc.line;
        if (text[0] == '\n')      /* the rest of the %{ line */
            text++, line++;
        size_t n = first ? feature_prefix(text) : 0;
        feature_macros(h, text, n);
        if (first)
            header_includes(e);
        first = false;
        passthrough_text(e, (Loc){it->loc.file, line + count_lines(text, n), 1}, text + n);
    }
    if (first)
        header_includes(e);
    else   /* ait.h's frame macros follow an AIT_DEBUG the passthrough defined */
        buf_puts(h, "#include \"ait.h\"   /* again: AIT_DEBUG may be defined above */\n");
    buf_puts(h, "\n#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n");
}

static void iface_types(Emit *e, Iface *x) {
    buf_printf(e->h.b, "/* interface %s: fat pointers (self + vtable) %s_dyn and %s_send_dyn. */\n"
                       "AIT_DECLARE_INTERFACE(%s)\n\n", x->name, x->name, x->name, x->name);
}

static void c_items(Emit *e) {
    Buf *h = e->h.b;
    File *file = e->s->unit->file;
    e->fut = NULL;
    for (int i = 0; i < file->items.len; i++) {
        Item *it = file->items.data[i];
        ArenaMark m = arena_mark();
        if (it->kind == I_STRUCT) {
            buf_printf(h, "typedef struct %s %s;\nstruct %s {\n", it->name, it->name, it->name);
            for (int k = 0; k < it->members.len; k++) {
                buf_puts(h, "    ");
                cprint_declaration(h, it->members.data[k], &e->hooks);
                buf_putc(h, '\n');
            }
            buf_puts(h, "};\n\n");
        } else if (it->kind == I_CDECL && it->decl) {
            cprint_declaration(h, it->decl, &e->hooks);
            buf_puts(h, "\n\n");
        } else if (it->kind == I_CDECL && it->func_def) {
            Func *fn = it->func_def;
            buf_printf(h, "%s %s", type_str(e, fn->ret_spec, fn->ret_decl), fn->name);
            cprint_params(h, &fn->params, fn->variadic, &e->hooks);
            buf_puts(h, ";\n\n");
        }
        item_done(e, m);
    }
}

/* A method's C signature after self: ", const char *a1" */
static const char *method_ret(Emit *e, Func *m) { return type_str(e, m->ret_spec, m->ret_decl); }

/* Members of x's vtable: its super-interfaces' vtables and its methods
 * but those whose signature mentions Self. */
static int vtable_entries(Iface *x) {
    int n = x->supers.len;
    for (int k = 0; k < x->item->methods.len; k++)
        n += !((Func *)x->item->methods.data[k])->self_typed;
    return n;
}

static void vtable_struct(Emit *e, Iface *x) {
    Buf *h = e->h.b;
    buf_printf(h, "struct %s_vtable {\n", x->name);
    for (int i = 0; i < x->supers.len; i++) {
        const char *sup = ((Iface *)x->supers.data[i])->name;
        buf_printf(h, "    const %s_vtable *%s_vt;   /* super-interface %s */\n", sup, sup, sup);
    }
    for (int k = 0; k < x->item->methods.len; k++) {
        Func *m = x->item->methods.data[k];
        if (m->self_typed)   /* static calls only */
            continue;
        const char *ps = params_str(e, m, "ait_a");
        if (m->is_async) {   /* the impl's future, and its body run from the start */
            buf_printf(h, "    ait_future %s;   /* async %s %s(...) */\n", m->name, method_ret(e, m), m->name);
            buf_printf(h, "    ait_poll (*%s_start)(void *ait_frame, ait_cx *ait_ctx, void *ait_out, "
                          "void *self%s);\n", m->name, ps);
        } else {
            buf_printf(h, "    %s (*%s)(void *self%s);\n", method_ret(e, m), m->name, ps);
        }
    }
    if (!vtable_entries(x))
        buf_puts(h, "    char ait_none;   /* nothing is called through a dyn */\n");
    buf_puts(h, "};\n\n");
}

/* dyn B to dyn A for each super-interface A of B: the vtable of B
 * points at the impl's vtable of A. */
static void super_conversions(Emit *e, Iface *x) {
    Buf *h = e->h.b;
    const char *n = x->name;
    for (int i = 0; i < x->supers.len; i++) {
        const char *a = ((Iface *)x->supers.data[i])->name;
        buf_printf(h, "static inline %s_dyn %s_dyn_as_%s(%s_dyn d) {\n", a, n, a, n);
        buf_printf(h, "    %s_dyn r;\n    r.self = d.self;\n    r.vt = d.vt->%s_vt;\n"
                      "    return r;\n}\n", a, a);
        buf_printf(h, "static inline %s_send_dyn %s_send_dyn_as_%s_send(%s_send_dyn d) {\n",
                   a, n, a, n);
        buf_printf(h, "    %s_send_dyn r;\n    r.self = d.self;\n    r.vt = d.vt->%s_vt;\n"
                      "    return r;\n}\n", a, a);
    }
}

/* Plain methods through a dyn: I_m(d, args). */
static void dyn_plain_inlines(Emit *e, Iface *x) {
    Buf *h = e->h.b;
    for (int k = 0; k < x->item->methods.len; k++) {
        Func *m = x->item->methods.data[k];
        if (m->is_async || m->self_typed)
            continue;
        buf_printf(h, "static inline %s %s_%s(%s_dyn self%s) {\n    %sself.vt->%s(self.self%s);\n}\n",
                   method_ret(e, m), x->name, m->name, x->name, params_str(e, m, "ait_a"),
                   returns_void(m) ? "" : "return ", m->name, args_str(m, "ait_a"));
    }
}

/* union I_m_frames: the impl frames a dyn call of m holds inline (all
 * the impls this unit sees, but a decorator whose frame contains the dyn
 * frame itself). I_m_MAX_FRAME is the largest frame of every impl seen. */
static void frame_union(Emit *e, Fut *d, const char *suffix, Vec *impls) {
    Buf *h = e->h.b;
    buf_printf(h, "union %s_%s_%s {\n", d->iface->name, d->func->name, suffix);
    for (int k = 0; k < impls->len; k++) {
        Fut *g = impls->data[k];
        buf_printf(h, "    %s_frame %s;\n", g->cname, g->self_type);
    }
    buf_puts(h, "};\n");
}

static void all_impls(Fut *d, Vec *out) {
    for (int i = 0; i < d->iface->impls.len; i++) {
        Fut *g = ((Impl *)d->iface->impls.data[i])->futs.data[d->method];
        if (g)
            vec_push(out, g);
    }
}

static void max_frame(Emit *e, Fut *d, const char *suffix) {
    const char *i = d->iface->name, *m = d->func->name;
    buf_printf(e->h.b, "/* The largest frame of %s.%s among the impls aitc saw. */\n", i, m);
    buf_printf(e->h.b, "#define %s_%s_MAX_FRAME sizeof(union %s_%s_%s)\n\n", i, m, i, m, suffix);
}

/* Before the dyn frame: its inline storage. */
static void inline_union(Emit *e, Fut *d) {
    Vec in = {0}, all = {0};
    sema_inline_impls(d, &in);
    all_impls(d, &all);
    if (in.len)
        frame_union(e, d, "frames", &in);
    if (in.len && in.len == all.len)
        max_frame(e, d, "frames");
}

/* After every frame: MAX_FRAME when it differs from the inline storage. */
static void all_union(Emit *e, Fut *d) {
    Vec in = {0}, all = {0};
    sema_inline_impls(d, &in);
    all_impls(d, &all);
    if (!all.len)
        buf_printf(e->h.b, "#define %s_%s_MAX_FRAME 0\n\n", d->iface->name, d->func->name);
    else if (in.len != all.len)
        frame_union(e, d, "all_frames", &all), max_frame(e, d, "all_frames");
}

static void frames(Emit *e, Vec *order) {
    Buf *h = e->h.b;
    for (int i = 0; i < order->len; i++) {
        Fut *f = order->data[i];
        buf_printf(h, "typedef struct %s_frame %s_frame;\n", f->cname, f->cname);
    }
    buf_putc(h, '\n');
    for (int i = 0; i < order->len; i++) {
        Fut *f = order->data[i];
        ArenaMark m = arena_mark();
        e->fut = f;
        const char *name = xprintf("%s_output", f->cname);   /* also "int (*F_output)(int)" */
        buf_printf(h, "typedef %s;\n", returns_void(f->func) ? xprintf("ait_unit %s", name)
                       : decl_str(e, f->func->ret_spec, f->func->ret_decl, name));
        item_done(e, m);
    }
    buf_putc(h, '\n');
    for (int i = 0; i < order->len; i++) {
        Fut *f = order->data[i];
        ArenaMark m = arena_mark();
        if (f->kind == FUT_DYN)
            inline_union(e, f);
        emit_frame_struct(e, f);
        item_done(e, m);
    }
    for (int i = 0; i < order->len; i++) {
        Fut *f = order->data[i];
        ArenaMark m = arena_mark();
        if (f->kind == FUT_DYN)
            all_union(e, f);
        item_done(e, m);
    }
}

/* ---- impls ------------------------------------------------------------ */

static void plain_signature(Emit *e, Buf *b, Fut *p) {
    Func *m = p->func;
    buf_printf(b, "%s %s(%s *self", method_ret(e, m), p->cname, p->self_type);
    for (int i = 0; i < m->params.len; i++) {
        Param *pr = m->params.data[i];
        buf_printf(b, ", %s", decl_str(e, pr->spec, pr->decl, NULL));
    }
    if (m->variadic)
        buf_puts(b, ", ...");
    buf_putc(b, ')');
}

static void impl_prototypes(Emit *e) {
    Buf *h = e->h.b;
    for (int i = 0; i < e->s->plains.len; i++) {
        Fut *p = e->s->plains.data[i];
        if (!p->emit || !p->self_type)
            continue;
        ArenaMark m = arena_mark();
        e->fut = p;
        plain_signature(e, h, p);
        buf_puts(h, ";\n");
        item_done(e, m);
    }
    for (int i = 0; i < e->s->impls.len; i++) {
        Impl *im = e->s->impls.data[i];
        if (!im->local)
            continue;
        const char *n = im->iface->name, *t = im->type;
        buf_printf(h, "AIT_DECLARE_IMPL(%s, %s)\n", n, t);
        if (im->send)
            buf_printf(h, "AIT_DECLARE_SEND_IMPL(%s, %s)\n", n, t);
    }
    buf_putc(h, '\n');
}

static void plain_bodies(Emit *e) {
    Buf *c = e->c.b;
    for (int i = 0; i < e->s->plains.len; i++) {
        Fut *p = e->s->plains.data[i];
        if (!p->emit)
            continue;
        ArenaMark m = arena_mark();
        e->fut = p;
        if (p->self_type) {
            plain_signature(e, c, p);
        } else {
            Func *fn = p->func;
            buf_printf(c, "%s %s", type_str(e, fn->ret_spec, fn->ret_decl), fn->name);
            cprint_params(c, &fn->params, fn->variadic, &e->hooks);
        }
        buf_puts(c, " {\n");
        if (p->self_type)
            buf_puts(c, "    (void)self;\n");
        for (int k = 0; k < p->body->items.len; k++) {
            Stmt *st = p->body->items.data[k];
            out_line_directive(e, &e->c, st->loc);
            cprint_stmt(c, st, 1, &e->hooks);
        }
        out_line_reset(e, &e->c);
        buf_puts(c, "}\n\n");
        item_done(e, m);
    }
}

/* The vtable of one impl, its type-erased adapters, and T_as_I. */
static void impl_vtable(Emit *e, Impl *im) {
    Buf *c = e->c.b;
    Item *ii = im->iface->item;
    const char *n = im->iface->name, *t = im->type;
    for (int k = 0; k < ii->methods.len; k++) {
        Func *m = ii->methods.data[k];
        if (m->self_typed)
            continue;
        const char *ps = params_str(e, m, "ait_a"), *as = args_str(m, "ait_a");
        const char *f = xprintf("%s_%s", t, m->name);
        if (m->is_async) {
            buf_printf(c, "AIT_DEFINE_START(%s, %s, %s)\n", f, ps[0] ? xprintf("(%s)", ps) : "()",
                       as[0] ? xprintf("(%s)", as) : "()");
        } else {
            buf_printf(c, "static %s %s_ait_any(void *self%s) {\n    %s%s(self%s);\n}\n",
                       method_ret(e, m), f, ps, returns_void(m) ? "" : "return ", f, as);
        }
    }
    buf_printf(c, "\nconst %s_vtable %s_%s_ait_vtable = {\n", n, t, n);
    for (int i = 0; i < im->iface->supers.len; i++) {
        const char *sup = ((Iface *)im->iface->supers.data[i])->name;
        buf_printf(c, "    &%s_%s_ait_vtable,\n", t, sup);
    }
    for (int k = 0; k < ii->methods.len; k++) {
        Func *m = ii->methods.data[k];
        const char *f = xprintf("%s_%s", t, m->name);
        if (m->self_typed)
            continue;
        if (m->is_async)
            buf_printf(c, "    AIT_FUTURE_INIT(%s), %s_ait_start,\n", f, f);
        else
            buf_printf(c, "    %s_ait_any,\n", f);
    }
    if (!vtable_entries(im->iface))
        buf_puts(c, "    0\n");
    buf_puts(c, "};\n\n");
}

/* ---- the unit ---------------------------------------------------------- */

/* Emits each future; the strings made for one are temporaries (they are
 * in the output buffer once it is done), so their memory is reused. */
static void each_fut(Emit *e, Vec *futs, void (*emit)(Emit *, Fut *)) {
    for (int i = 0; i < futs->len; i++) {
        ArenaMark m = arena_mark();
        emit(e, futs->data[i]);
        item_done(e, m);
    }
}

void emit_unit(Sema *s, const GenOptions *opt, Buf *h, Buf *c) {
    Emit e = {.s = s, .opt = opt};
    const char *source_name = opt->source_name;
    if (!source_name) {
        size_t n = strlen(opt->header_name);
        source_name = xprintf("%.*s.c", (int)(n > 2 ? n - 2 : n), opt->header_name);
    }
    e.h = (Out){.b = h, .name = opt->header_name};
    e.c = (Out){.b = c, .name = source_name};
    e.hooks = (PrintHooks){.ctx = &e, .ident = ident_hook, .type_name = type_hook, .expr = expr_hook};
    header_top(&e);
    for (int i = 0; i < s->ifaces.len; i++) {
        ArenaMark m = arena_mark();
        if (((Iface *)s->ifaces.data[i])->local)
            iface_types(&e, s->ifaces.data[i]);
        item_done(&e, m);
    }
    c_items(&e);
    for (int i = 0; i < s->ifaces.len; i++) {
        Iface *x = s->ifaces.data[i];
        ArenaMark m = arena_mark();
        if (x->local) {
            vtable_struct(&e, x);
            super_conversions(&e, x);
            dyn_plain_inlines(&e, x);
        }
        item_done(&e, m);
    }
    Vec order = frame_order(&e);
    frames(&e, &order);
    each_fut(&e, &order, emit_fut_prototypes);
    impl_prototypes(&e);
    buf_printf(h, "#ifdef __cplusplus\n}\n#endif\n\n#endif\n");

    buf_printf(c, "/* %s: generated by aitc %s from %s. Do not edit. */\n", source_name,
               AITC_VERSION, path_base(src_name(s->unit->file->id)));
    buf_printf(c, "#include \"%s\"\n\n#include <errno.h>\n#include <stdint.h>\n#include <string.h>\n\n", opt->header_name);
    plain_bodies(&e);
    each_fut(&e, &order, emit_fut_code);
    for (int i = 0; i < s->impls.len; i++) {
        Impl *im = s->impls.data[i];
        ArenaMark m = arena_mark();
        if (im->local)
            impl_vtable(&e, im);
        item_done(&e, m);
    }
}
