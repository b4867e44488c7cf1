/* emit_print.c: how the emitter prints. The #line bookkeeping of the two
 * outputs and their streaming to the files, the hooks through which user
 * code prints (locals by their C names, generic parameters substituted,
 * plain method calls made direct) and the C text of types and parameter
 * lists. emit.c, emit_fut.c and emit_stmt.c print through it. */
#include <string.h>
#include "emit.h"
#include "output.h"

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
    if (!o->b)   /* no source is being printed */
        return;
    if (e->opt->line_directives)
        out_lines(o);
    if (buf_spill(o->b))
        o->counted = 0;
}

/* The end of one item of a section (a future, an impl...): the strings
 * made for it are temporaries, in the output now, so their memory is
 * reused, and its text may go to the file. */
void emit_item_done(Emit *e, ArenaMark m) {
    arena_release_to(m);
    out_spill(e, &e->h);
    out_spill(e, &e->c);
}

void out_line_reset(Emit *e, Out *o) {
    if (!e->opt->line_directives || !o->map_out)   /* none in force */
        return;
    buf_printf(o->b, "#line %d \"%s\"\n", out_lines(o) + 2, o->name);
    o->map_out = 0;
}

/* ---- hooks: how user code prints ---------------------------------------- */

/* A name of a definition moved per instance (tags.c), with the suffix of
 * the instance being emitted, or NULL. */
const char *emit_inst_name(Emit *e, const char *name) {
    Fut *f = e->fut;
    if (!f || !f->func || (f->kind != FUT_METHOD && f->kind != FUT_GENERIC))
        return NULL;
    for (int i = 0; i < f->func->inst_names.len; i++)
        if (!strcmp(f->func->inst_names.data[i], name))
            return xprintf("%s_%s", name, f->cname);
    return NULL;
}

static const char *ident_hook(void *ctx, Expr *x) {
    return x->var ? x->var->cname : emit_inst_name(ctx, x->name);
}

static const char *type_hook(void *ctx, const char *name) {
    Emit *e = ctx;
    const char *inst = emit_inst_name(e, name);
    return inst ? inst : e->fut ? sema_subst(e->fut, name) : name;
}

static const char *tag_hook(void *ctx, const char *name) { return emit_inst_name(ctx, name); }

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

/* How user code prints in this unit. */
PrintHooks emit_print_hooks(Emit *e) {
    return (PrintHooks){.ctx = e, .ident = ident_hook, .type_name = type_hook, .tag_name = tag_hook, .expr = expr_hook};
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

/* NAME declared with type spec and f's return declarator, f's generic
 * parameters and Self substituted. */
static const char *return_decl(Emit *e, Fut *f, DeclSpec *spec, const char *name) {
    if (returns_void(f->func))
        return xprintf("ait_unit %s", name);
    Fut *was = e->fut;   /* the type hook substitutes for e->fut */
    e->fut = f;
    const char *s = decl_str(e, spec, f->func->ret_decl, name);
    e->fut = was;
    return s;
}

/* f's output declared as NAME: its return type as written ("int
 * (*NAME)(int)"); the typedef F_output is this. */
const char *written_output_decl(Emit *e, Fut *f, const char *name) {
    return return_decl(e, f, f->func->ret_spec, name);
}

/* The same where the generated code stores or reads the output, so that
 * the C compiler's messages name the user's type. A return type that
 * defines a struct, union or enum would define another type if written
 * again: it is spelled by its tag ("struct q"), or F_output when it has
 * none. */
const char *output_decl(Emit *e, Fut *f, const char *name) {
    DeclSpec *spec = f->func->ret_spec;
    if (spec->has_body && !spec->name)
        return xprintf("%s_output %s", f->cname, name);
    DeclSpec tag = *spec;
    tag.has_body = false;
    return return_decl(e, f, &tag, name);
}

/* A variable declared as NAME (its frame field, a parameter, its local).
 * An await's temporary has the awaited function's return type as written,
 * so the C compiler's messages about it name the user's type. */
const char *var_decl(Emit *e, Var *v, const char *name) {
    if (v->holds)
        return output_decl(e, v->holds, name);
    if (v->is_temp && !v->spec)
        return xprintf("%s %s", v->type_text, name);
    return decl_str(e, v->spec, v->decl, name);
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
