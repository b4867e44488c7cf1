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

/* ---- which futures this unit emits, in frame dependency order ------------ */

bool emit_here(Emit *e, Fut *f) { return f->emit && sema_home(f) == e->file; }

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

/* The text of a passthrough block: from the line after "%{". */
static const char *passthrough_start(Item *it, int *line) {
    *line = it->loc.line;
    if (it->text[0] == '\n')      /* the rest of the %{ line */
        return ++*line, it->text + 1;
    return it->text;
}

static Item *first_passthrough(File *f) {
    for (int i = 0; i < f->items.len; i++)
        if (((Item *)f->items.data[i])->kind == I_PASSTHROUGH)
            return f->items.data[i];
    return NULL;
}

/* "a.ait", or "a.ait, b.ait and c.ait" for a group. */
static const char *file_names(Unit *u) {
    Buf b = {0};
    for (int i = 0; i < u->files.len; i++)
        buf_printf(&b, "%s%s", i == 0 ? "" : i + 1 < u->files.len ? ", " : " and ",
                   path_base(src_name(((File *)u->files.data[i])->id)));
    const char *names = xstrdup(b.data);
    buf_free(&b);
    return names;
}

/* The guard, then the feature-test macros that open the first
 * passthrough block of each file, then ait.h and the imports' headers. */
static void header_top(Emit *e) {
    Buf *h = e->h.b;
    Unit *u = e->s->unit;
    char *guard = xprintf("AIT_GEN_%s", e->h.name);
    for (char *p = guard; *p; p++)
        *p = isalnum((unsigned char)*p) ? (char)toupper((unsigned char)*p) : '_';
    buf_printf(h, "/* %s: generated by aitc %s from %s. Do not edit. */\n", e->h.name,
               AITC_VERSION, file_names(u));
    if (u->files.len > 1)
        buf_puts(h, "/* One aitc run generated these files together, as each implements an\n"
                    " * interface another declares: their declarations are all here, so that\n"
                    " * the inline storage of a dyn call holds the frames of every impl. */\n");
    buf_printf(h, "#ifndef %s\n#define %s\n\n", guard, guard);
    for (int i = 0; i < u->files.len; i++) {
        Item *it = first_passthrough(u->files.data[i]);
        int line;
        const char *text = it ? passthrough_start(it, &line) : "";
        feature_macros(h, text, feature_prefix(text));
    }
    header_includes(e);
}

static void extern_c_open(Buf *h) {
    buf_puts(h, "\n#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n");
}

/* A file's passthrough C, but the feature-test macros that open it. */
static void file_passthrough(Emit *e, File *f) {
    bool first = true;
    for (int i = 0; i < f->items.len; i++) {
        Item *it = f->items.data[i];
        if (it->kind != I_PASSTHROUGH)
            continue;
        int line;
        const char *text = passthrough_start(it, &line);
        size_t n = first ? feature_prefix(text) : 0;
        first = false;
        passthrough_text(e, (Loc){it->loc.file, line + count_lines(text, n), 1}, text + n);
    }
    if (!first)   /* ait.h's frame macros follow an AIT_DEBUG the passthrough defined */
        buf_puts(e->h.b, "#include \"ait.h\"   /* again: AIT_DEBUG may be defined above */\n");
}

static void iface_types(Emit *e, Iface *x) {
    buf_printf(e->h.b, "/* interface %s: fat pointers (self + vtable) %s_dyn and %s_send_dyn. */\n"
                       "AIT_DECLARE_INTERFACE(%s)\n\n", x->name, x->name, x->name, x->name);
}

static void c_items(Emit *e, File *file) {
    Buf *h = e->h.b;
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
        emit_item_done(e, m);
    }
}

static void vtable_struct(Emit *e, Iface *x);
static void super_conversions(Emit *e, Iface *x);
static void dyn_plain_inlines(Emit *e, Iface *x);
static void impl_prototypes(Emit *e, File *f);

/* f's interfaces' vtables, conversions to their super-interfaces and dyn
 * calls of plain methods, and its impls' plain methods and T_as_I, right
 * after f's types: in a group, the passthrough C of a later file may use
 * them, as it could when its header included f's. Every vtable of f before any conversion: a
 * conversion to a transitive super-interface reads the vtables in
 * between, which f may declare after the interface that extends them
 * (an earlier file's are above). */
static void file_iface_api(Emit *e, File *f) {
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < e->s->ifaces.len; i++) {
            Iface *x = e->s->ifaces.data[i];
            if (!x->local || x->item->loc.file != f->id)
                continue;
            ArenaMark m = arena_mark();
            if (pass == 0) {
                vtable_struct(e, x);
            } else {
                super_conversions(e, x);
                dyn_plain_inlines(e, x);
            }
            emit_item_done(e, m);
        }
    impl_prototypes(e, f);
}

/* A file's part of the header before the frames: its passthrough C, its
 * interfaces' types, its structs and C declarations, then its
 * interfaces' vtables and inline functions, inside extern "C" (the
 * passthrough is outside: it may include C++-aware headers). */
static void file_types(Emit *e, File *f, bool first) {
    bool passthrough = first_passthrough(f);
    if (passthrough && !first)
        buf_puts(e->h.b, "#ifdef __cplusplus\n}\n#endif\n\n");
    if (e->s->unit->files.len > 1)
        buf_printf(e->h.b, "/* ---- %s ---- */\n", path_base(src_name(f->id)));
    file_passthrough(e, f);
    if (passthrough || first)
        extern_c_open(e->h.b);
    for (int i = 0; i < e->s->ifaces.len; i++) {
        Iface *x = e->s->ifaces.data[i];
        ArenaMark m = arena_mark();
        if (x->local && x->item->loc.file == f->id)
            iface_types(e, x);
        emit_item_done(e, m);
    }
    c_items(e, f);
    file_iface_api(e, f);
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

/* Each interface x reaches through its super-interfaces, once (a diamond
 * D : B, C with B, C : A has one A), with the vtable path to it:
 * "->B_vt->A_vt". The first path found; every path ends at the same
 * vtable, the impl's own for that interface. */
static void ancestors(Iface *x, const char *path, Vec *found, Vec *paths, int depth) {
    for (int i = 0; i < x->supers.len && depth < 64; i++) {
        Iface *a = x->supers.data[i];
        const char *p = xprintf("%s->%s_vt", path, a->name);
        if (!vec_contains(found, a)) {
            vec_push(found, a);
            vec_push(paths, (void *)p);
        }
        ancestors(a, p, found, paths, depth + 1);
    }
}

/* dyn B to dyn A for each super-interface A of B, direct or not: the
 * vtable of B points at the impl's vtable of each direct one. */
static void super_conversions(Emit *e, Iface *x) {
    Buf *h = e->h.b;
    const char *n = x->name;
    Vec found = {0}, paths = {0};
    ancestors(x, "", &found, &paths, 0);
    for (int i = 0; i < found.len; i++) {
        const char *a = ((Iface *)found.data[i])->name, *p = paths.data[i];
        buf_printf(h, "static inline %s_dyn %s_dyn_as_%s(%s_dyn d) {\n", a, n, a, n);
        buf_printf(h, "    %s_dyn r;\n    r.self = d.self;\n    r.vt = d.vt%s;\n"
                      "    return r;\n}\n", a, p);
        buf_printf(h, "static inline %s_send_dyn %s_send_dyn_as_%s_send(%s_send_dyn d) {\n",
                   a, n, a, n);
        buf_printf(h, "    %s_send_dyn r;\n    r.self = d.self;\n    r.vt = d.vt%s;\n"
                      "    return r;\n}\n", a, p);
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

/* One definition moved per instance (tags.c), for the instance being
 * emitted. A typedef's own names are spelled here (the declaration is
 * shared, so they are put back after), the rest by the hooks. */
static void inst_def(Emit *e, Decl *d) {
    Vec ids = {0}, names = {0};
    for (int k = 0; k < d->decls.len; k++) {
        Declarator *id = sema_declarator_ident(((InitDecl *)d->decls.data[k])->decl);
        if (!id || !id->name)
            continue;
        vec_push(&ids, id);
        vec_push(&names, (void *)id->name);
        id->name = emit_inst_name(e, id->name);
    }
    cprint_declaration(e->h.b, d, &e->hooks);
    buf_puts(e->h.b, "\n");
    for (int k = 0; k < ids.len; k++)
        ((Declarator *)ids.data[k])->name = names.data[k];
}

/* The definitions of f's body that mention Self or a type parameter,
 * before f's frame, which may hold them: the parameters substituted, the
 * names with f's suffix. */
static void inst_defs(Emit *e, Fut *f) {
    if (!f->func || (f->kind != FUT_METHOD && f->kind != FUT_GENERIC))
        return;
    e->fut = f;
    for (int i = 0; i < f->func->inst_defs.len; i++)
        inst_def(e, f->func->inst_defs.data[i]);
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
        /* also "int (*F_output)(int)" */
        buf_printf(h, "typedef %s;\n", written_output_decl(e, f, xprintf("%s_output", f->cname)));
        emit_item_done(e, m);
    }
    buf_putc(h, '\n');
    for (int i = 0; i < order->len; i++) {
        Fut *f = order->data[i];
        ArenaMark m = arena_mark();
        if (f->kind == FUT_DYN)
            inline_union(e, f);
        inst_defs(e, f);
        emit_frame_struct(e, f);
        emit_item_done(e, m);
    }
    for (int i = 0; i < order->len; i++) {
        Fut *f = order->data[i];
        ArenaMark m = arena_mark();
        if (f->kind == FUT_DYN)
            all_union(e, f);
        emit_item_done(e, m);
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

/* The plain methods and T_as_I conversions of f's impls. */
static void impl_prototypes(Emit *e, File *f) {
    Buf *h = e->h.b;
    bool any = false;
    for (int i = 0; i < e->s->plains.len; i++) {
        Fut *p = e->s->plains.data[i];
        if (!p->emit || !p->self_type || p->impl->item->loc.file != f->id)
            continue;
        any = true;
        ArenaMark m = arena_mark();
        e->fut = p;
        plain_signature(e, h, p);
        buf_puts(h, ";\n");
        emit_item_done(e, m);
    }
    for (int i = 0; i < e->s->impls.len; i++) {
        Impl *im = e->s->impls.data[i];
        if (!im->local || im->item->loc.file != f->id)
            continue;
        const char *n = im->iface->name, *t = im->type;
        buf_printf(h, "AIT_DECLARE_IMPL(%s, %s)\n", n, t);
        if (im->send)
            buf_printf(h, "AIT_DECLARE_SEND_IMPL(%s, %s)\n", n, t);
        any = true;
    }
    if (any)
        buf_putc(h, '\n');
}

static void plain_bodies(Emit *e) {
    Buf *c = e->c.b;
    for (int i = 0; i < e->s->plains.len; i++) {
        Fut *p = e->s->plains.data[i];
        if (!emit_here(e, p))
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
        emit_item_done(e, m);
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
        emit_item_done(e, m);
    }
}

/* The header of a file of a group but the first: the first's. */
static void forward_header(File *f, const GenOutput *out, const GenOutput *first) {
    buf_printf(out->header, "/* %s: generated by aitc %s from %s. Do not edit.\n"
               " * Generated in one aitc run with the files it implements interfaces of\n"
               " * (or that implement its): the declarations of all are in %s. */\n"
               "#include \"%s\"\n", out->header_name, AITC_VERSION,
               path_base(src_name(f->id)), first->header_name, first->header_name);
}

/* The header of the unit: each file's types, then what they share. */
static void emit_header(Emit *e, Vec *order) {
    Sema *s = e->s;
    header_top(e);
    for (int i = 0; i < s->unit->files.len; i++)
        file_types(e, s->unit->files.data[i], i == 0);
    if (s->unit->files.len > 1)
        buf_puts(e->h.b, "/* ---- frames and functions of the files above ---- */\n");
    frames(e, order);
    each_fut(e, order, emit_fut_prototypes);
    buf_printf(e->h.b, "#ifdef __cplusplus\n}\n#endif\n\n#endif\n");
}

/* The source of one file of the unit: the code of what it defines. */
static void emit_source(Emit *e, File *f, const GenOutput *out, Vec *order) {
    Buf *c = out->source;
    e->c = (Out){.b = c, .name = out->source_name};
    e->file = f->id;
    buf_printf(c, "/* %s: generated by aitc %s from %s. Do not edit. */\n", out->source_name,
               AITC_VERSION, path_base(src_name(f->id)));
    buf_printf(c, "#include \"%s\"\n\n#include <errno.h>\n#include <stdint.h>\n#include <string.h>\n\n",
               out->header_name);
    plain_bodies(e);
    Vec here = {0};
    for (int i = 0; i < order->len; i++)
        if (emit_here(e, order->data[i]))
            vec_push(&here, order->data[i]);
    each_fut(e, &here, emit_fut_code);
    for (int i = 0; i < e->s->impls.len; i++) {
        Impl *im = e->s->impls.data[i];
        ArenaMark m = arena_mark();
        if (im->local && im->item->loc.file == f->id)
            impl_vtable(e, im);
        emit_item_done(e, m);
    }
    e->c = (Out){0};
}

void emit_unit(Sema *s, const GenOptions *opt, GenOutput *outs) {
    Emit e = {.s = s, .opt = opt, .file = -1};
    e.h = (Out){.b = outs[0].header, .name = outs[0].header_name};
    e.hooks = emit_print_hooks(&e);
    Vec order = frame_order(&e);
    emit_header(&e, &order);
    for (int i = 0; i < s->unit->files.len; i++) {
        File *f = s->unit->files.data[i];
        if (i > 0)
            forward_header(f, &outs[i], &outs[0]);
        emit_source(&e, f, &outs[i], &order);
    }
}
