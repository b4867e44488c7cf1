/* emit_fut.c: one future's frame struct (header) and its init, poll,
 * drop and block_on (source). Dyn calls (FUT_DYN) get a frame that
 * holds the impl's frame inline or boxed, and functions that go through
 * the vtable. */
#include <string.h>
#include "check_graph.h"
#include "emit.h"
#include "output.h"

/* ---- frame layout ----------------------------------------------------- */

static void field(Emit *e, Var *v, int level) {
    cprint_indent(e->h.b, level);
    if (v->is_temp && !v->spec)
        buf_printf(e->h.b, "%s %s;\n", v->type_text, v->field);
    else
        buf_printf(e->h.b, "%s;\n", decl_str(e, v->spec, v->decl, v->field));
}

/* A block's variables, then its child blocks overlapped in a union. */
static void layout(Emit *e, Layout *ly, int level) {
    for (int i = 0; i < ly->vars.len; i++)
        field(e, ly->vars.data[i], level);
    if (ly->kids.len == 1) {
        layout(e, ly->kids.data[0], level);
        return;
    }
    if (ly->kids.len == 0)
        return;
    cprint_indent(e->h.b, level);
    buf_puts(e->h.b, "union {\n");
    for (int i = 0; i < ly->kids.len; i++) {
        cprint_indent(e->h.b, level + 1);
        buf_puts(e->h.b, "struct {\n");
        layout(e, ly->kids.data[i], level + 2);
        cprint_indent(e->h.b, level + 1);
        buf_puts(e->h.b, "};\n");
    }
    cprint_indent(e->h.b, level);
    buf_puts(e->h.b, "};\n");
}

static const char *sub_frame_type(AwaitPoint *ap) {
    return xprintf("%s_frame", ap->await->lhs->call->fut->cname);
}

static void dyn_frame_struct(Emit *e, Fut *f);

static Fut *comb_fut(AwaitPoint *ap, int i) {
    return ((Expr *)ap->comb->calls.data[i])->call->fut;
}

/* join/select: the operands' frames and outputs side by side. */
static void comb_struct(Emit *e, AwaitPoint *ap) {
    Buf *h = e->h.b;
    buf_printf(h, "        struct {   /* %s */\n", ap->comb->select ? "select" : "join");
    for (int i = 0; i < ap->comb->calls.len; i++) {
        const char *g = comb_fut(ap, i)->cname;
        buf_printf(h, "            %s_frame s%d;\n            %s_output o%d;\n", g, i + 1, g, i + 1);
    }
    buf_printf(h, "            unsigned ait_done;   /* bit i: operand i finished */\n");
    buf_printf(h, "        } %s;\n", ap->field);
}

static const char *describe(Fut *f) {
    Func *fn = f->func;
    const char *where = fn->loc.file >= 0 ? xprintf(" (%s:%d)", path_base(src_name(fn->loc.file)), fn->loc.line) : "";
    switch (f->kind) {
    case FUT_METHOD:
        return xprintf("async method %s of impl %s for %s%s", fn->name, f->iface->name,
                       f->self_type, where);
    case FUT_GENERIC:
        return xprintf("async %s, instantiated as %s%s", fn->name, f->cname, where);
    default:
        return xprintf("async %s%s", fn->name, where);
    }
}

void emit_frame_struct(Emit *e, Fut *f) {
    if (f->kind == FUT_DYN) {
        dyn_frame_struct(e, f);
        return;
    }
    Buf *h = e->h.b;
    e->fut = f;
    buf_printf(h, "/* The frame of %s. */\n", describe(f));
    buf_printf(h, "struct %s_frame {\n    AIT_FRAME_STATE;\n", f->cname);
    for (int i = 0; i < f->params.len; i++)
        field(e, f->params.data[i], 1);
    Vec *pts = &f->low->points;
    if (pts->len) {
        buf_puts(h, "    union {   /* the future awaited at each state */\n");
        for (int i = 0; i < pts->len; i++) {
            AwaitPoint *ap = pts->data[i];
            if (ap->comb)
                comb_struct(e, ap);
            else
                buf_printf(h, "        %s %s;\n", sub_frame_type(ap), ap->field);
        }
        buf_puts(h, "    };\n");
    }
    for (int i = 1; i <= f->low->ndefers; i++)
        buf_printf(h, "    unsigned char ait_defer%d;   /* armed: the defer was reached */\n", i);
    layout(e, f->low->layout, 1);
    buf_printf(h, "};\n#define %s_FRAME_SIZE sizeof(%s_frame)\n", f->cname, f->cname);
    buf_printf(h, "#define %s_FRAME_ALIGN AIT_ALIGNOF(%s_frame)\n\n", f->cname, f->cname);
}

/* ---- prototypes --------------------------------------------------------- */

/* "MemStore *self, const char *key" for the init/block_on of f. */
static const char *self_params(Emit *e, Fut *f) {
    Buf b = {0};
    if (f->kind == FUT_DYN)
        buf_printf(&b, "%s_dyn self", f->iface->name);
    for (int i = 0; i < f->params.len; i++) {
        Var *v = f->params.data[i];
        buf_printf(&b, "%s%s", b.len ? ", " : "", decl_str(e, v->spec, v->decl, v->field));
    }
    if (f->kind == FUT_DYN)
        buf_puts(&b, params_str(e, f->func, "ait_a"));
    char *s = xstrdup(b.len ? b.data : "");
    buf_free(&b);
    return s;
}

static const char *self_args(Fut *f) {
    Buf b = {0};
    if (f->kind == FUT_DYN)
        buf_puts(&b, "self");
    for (int i = 0; i < f->params.len; i++)
        buf_printf(&b, "%s%s", b.len ? ", " : "", ((Var *)f->params.data[i])->field);
    if (f->kind == FUT_DYN)
        buf_puts(&b, args_str(f->func, "ait_a"));
    char *s = xstrdup(b.len ? b.data : "");
    buf_free(&b);
    return s;
}

static const char *comma(const char *s) { return *s ? xprintf(", %s", s) : ""; }

/* A parameter or argument list for ait.h's AIT_* macros: "(, a, b)", or
 * "()". list_tail: the list of params_str/args_str without its ", ". */
static const char *macro_list(const char *s) { return *s ? xprintf("(, %s)", s) : "()"; }
static const char *list_tail(const char *s) { return *s ? s + 2 : s; }

/* Header: F_init, F_poll, F_drop, F_block_on, F_spawn_local (and F_spawn
 * for a send future) by ait.h's macros; a dyn call's own inlines first. */
void emit_fut_prototypes(Emit *e, Fut *f) {
    Buf *h = e->h.b;
    e->fut = f;
    const char *n = f->cname;
    if (f->kind == FUT_DYN) {
        Vec in = {0};
        sema_inline_impls(f, &in);
        buf_printf(h, "AIT_DECLARE_%sDYN_CALL(%s, %s, %s, %s, %s)\n\n", in.len ? "" : "BOXED_", n,
                   f->iface->name, f->func->name, macro_list(list_tail(params_str(e, f->func, "ait_a"))),
                   macro_list(list_tail(args_str(f->func, "ait_a"))));
        return;
    }
    const char *ps = macro_list(self_params(e, f)), *as = macro_list(self_args(f));
    buf_printf(h, "AIT_DECLARE_FUTURE(%s, %s, %s)\n", n, ps, as);
    if (f->send)
        buf_printf(h, "AIT_DECLARE_SPAWN(%s, %s, %s)\n", n, ps, as);
    buf_putc(h, '\n');
}

/* ---- dyn calls ---------------------------------------------------------- */

static void dyn_frame_struct(Emit *e, Fut *f) {
    Buf *h = e->h.b;
    const char *n = f->cname, *m = f->func->name, *i = f->iface->name;
    Vec in = {0};
    sema_inline_impls(f, &in);
    bool inline_ = in.len > 0;
    buf_printf(h, "/* A call of %s.%s through dyn %s: the impl's frame sits in %s. */\n", i, m,
               i, inline_ ? "ait_inline when it fits, else in a box from the allocator"
                          : "a box from the allocator");
    buf_printf(h, "typedef struct %s_args {\n    %s_dyn self;\n", n, i);
    for (int k = 0; k < f->func->params.len; k++) {
        Param *p = f->func->params.data[k];
        buf_printf(h, "    %s;\n", decl_str(e, p->spec, p->decl, xprintf("ait_a%d", k + 1)));
    }
    buf_printf(h, "} %s_args;\n", n);
    buf_printf(h, "struct %s_frame {\n    ait_dyn_call ait_call;\n    %s_args ait_args;\n", n, n);
    if (inline_)
        buf_printf(h, "    union %s_%s_frames ait_inline;\n", i, m);
    buf_printf(h, "};\n#define %s_FRAME_SIZE sizeof(%s_frame)\n", n, n);
    buf_printf(h, "#define %s_FRAME_ALIGN AIT_ALIGNOF(%s_frame)\n\n", n, n);
}

/* The dyn call's erased poll and drop, and its descriptor. */
static void dyn_code(Emit *e, Fut *f) {
    const char *stored = args_str(f->func, "ait_f->ait_args.ait_a");
    buf_printf(e->c.b, "AIT_DEFINE_DYN_CALL(%s, %s)\n\n", f->cname, macro_list(list_tail(stored)));
}

/* ---- generated futures -------------------------------------------------- */

/* F_init captures the arguments for F_poll. A static await in this file
 * skips it: it runs the body from its start with the arguments in hand
 * (F_ait_run(..., 0, args)), so nothing is written to the callee's frame
 * unless it suspends. */
static void init_fn(Emit *e, Fut *f) {
    Buf *c = e->c.b;
    const char *n = f->cname;
    buf_printf(c, "void %s_init(%s_frame *ait_f%s) {\n    ait_f->ait_state = 0;\n", n, n,
               comma(self_params(e, f)));
    for (int i = 0; i < f->params.len; i++) {
        Var *v = f->params.data[i];
        buf_printf(c, "    ait_f->%s = %s;\n", v->field, v->field);
    }
    buf_puts(c, "}\n\n");
}

/* F_ait_release: what the frame holds at the state it is in, released:
 * the awaited future (for join/select, the operands not finished yet),
 * then the pending defers. A generated future or a dyn call that finished
 * or failed holds nothing, so this is safe at the state of a failed await
 * too; F_ait_suspend (ait.h) calls it then, F_drop_any at any time. */
static void release_fn(Emit *e, Fut *f) {
    Buf *c = e->c.b;
    Vec *pts = &f->low->points;
    buf_printf(c, "static void %s_ait_release(%s_frame *ait_f) {\n", f->cname, f->cname);
    if (!pts->len) {
        buf_puts(c, "    (void)ait_f;\n}\n\n");
        return;
    }
    buf_puts(c, "    switch (ait_f->ait_state) {\n");
    for (int i = 0; i < pts->len; i++) {
        AwaitPoint *ap = pts->data[i];
        buf_printf(c, "    case %d:\n", ap->state);
        for (int k = 0; ap->comb && k < ap->comb->calls.len; k++) {
            buf_printf(c, "        if (!(ait_f->%s.ait_done & %uu))\n", ap->field, 1u << k);
            buf_printf(c, "            %s_drop(&ait_f->%s.s%d);\n", comb_fut(ap, k)->cname,
                       ap->field, k + 1);
        }
        if (ap->comb)
            buf_printf(c, "        ait_f->%s.ait_done = %uu;\n", ap->field,
                       (1u << ap->comb->calls.len) - 1);
        else
            buf_printf(c, "        %s_drop(&ait_f->%s);\n", ap->await->lhs->call->fut->cname,
                       ap->field);
        emit_defers(e, &ap->unwind, true, 2);
        buf_puts(c, "        break;\n");
    }
    buf_puts(c, "    }\n}\n\n");
    buf_printf(c, "AIT_DEFINE_SUSPEND(%s)\n\n", f->cname);
}

/* The locals an await keeps, as parameters: ", int s, int i". */
static const char *kept_params(Emit *e, Vec *keep) {
    Buf b = {0};
    for (int i = 0; i < keep->len; i++) {
        Var *v = keep->data[i];
        if (v->is_temp && !v->spec)
            buf_printf(&b, ", %s %s", v->type_text, v->name);
        else
            buf_printf(&b, ", %s", decl_str(e, v->spec, v->decl, v->name));
    }
    char *s = xstrdup(b.len ? b.data : "");
    buf_free(&b);
    return s;
}

static bool same_vars(Vec *a, Vec *b) {
    if (a->len != b->len)
        return false;
    for (int i = 0; i < a->len; i++)
        if (a->data[i] != b->data[i])
            return false;
    return true;
}

/* One F_ait_saveN per distinct set of kept locals: it stores them and
 * suspends. Awaits keeping the same set share it (e->keeps lists them). */
static void save_fns(Emit *e, Fut *f) {
    Buf *c = e->c.b;
    e->keeps = (Vec){0};
    for (int i = 0; i < f->low->points.len; i++) {
        Vec *keep = &((AwaitPoint *)f->low->points.data[i])->keep;
        if (!keep->len || emit_save_index(e, keep) >= 0)
            continue;
        vec_push(&e->keeps, keep);
        buf_printf(c, "static ait_poll %s_ait_save%d(%s_frame *ait_f, int ait_at, ait_poll ait_r%s) {\n",
                   f->cname, e->keeps.len, f->cname, kept_params(e, keep));
        for (int k = 0; k < keep->len; k++) {
            Var *v = keep->data[k];
            buf_printf(c, "    ait_f->%s = %s;\n", v->field, v->name);
        }
        buf_printf(c, "    return %s_ait_suspend(ait_f, ait_at, ait_r);\n}\n\n", f->cname);
    }
}

int emit_save_index(Emit *e, Vec *keep) {
    for (int i = 0; i < e->keeps.len; i++)
        if (same_vars(e->keeps.data[i], keep))
            return i + 1;
    return -1;
}

/* What the body does when it starts: the defers are not armed yet, and
 * the parameters that live in the frame go there. A parameter no code
 * mentions may still be named by a macro. */
static void start_state(Emit *e, Fut *f) {
    Buf *c = e->c.b;
    bool any = f->low->ndefers > 0;
    for (int i = 0; i < f->params.len && !any; i++) {
        Var *v = f->params.data[i];
        any = v->resident || !v->refs.len;
    }
    if (any)
        buf_putc(c, '\n');
    for (int i = 1; i <= f->low->ndefers; i++)
        buf_printf(c, "        ait_f->ait_defer%d = 0;\n", i);
    for (int i = 0; i < f->params.len; i++) {
        Var *v = f->params.data[i];
        if (v->resident)
            buf_printf(c, "        ait_f->%s = %s;\n", v->field, v->name);
        else if (!v->refs.len)
            buf_printf(c, "        (void)%s;\n", v->name);
    }
}

/* ", Leaf *self, uint64_t x": the parameters under their own names. */
static const char *run_params(Emit *e, Fut *f) {
    Buf b = {0};
    for (int i = 0; i < f->params.len; i++) {
        Var *v = f->params.data[i];
        buf_printf(&b, ", %s", decl_str(e, v->spec, v->decl, v->name));
    }
    char *s = xstrdup(b.len ? b.data : "");
    buf_free(&b);
    return s;
}

/* F_ait_run, the body run from state ait_from (0: the start, with the
 * arguments in hand; a static await in this file runs it in line), then
 * AIT_DEFINE_FUTURE: F_poll_any, the poll of everyone else, which resumes
 * it and poisons a finished frame, F_drop_any and F_future. */
static void poll_fn(Emit *e, Fut *f) {
    Buf *c = e->c.b;
    const char *n = f->cname;
    Vec *pts = &f->low->points;
    /* the output spelled as the user wrote its type (the same type as
     * F_output): a mismatched return reads in the user's terms */
    buf_printf(c, "static inline ait_poll %s_ait_run(%s_frame *ait_f, ait_cx *ait_ctx, %s, "
                  "int ait_from%s) {\n", n, n, output_decl(e, f, "*ait_out"), run_params(e, f));
    if (pts->len)
        buf_puts(c, "    ait_poll ait_r;\n");
    buf_puts(c, "    AIT_RUN_BEGIN(ait_f, ait_out, ait_from, ait_ctx);\n");
    buf_puts(c, "    switch (ait_from) {\n    case 0:");
    size_t at = c->len;
    start_state(e, f);
    buf_puts(c, c->len == at ? " break;\n" : "        break;\n");
    for (int i = 0; i < pts->len; i++)
        buf_printf(c, "    case %d: goto ait_s%d;\n", i + 1, i + 1);
    buf_puts(c, "    default: return ait_fail(ait_ctx, AIT_EPOISONED);\n    }\n");
    emit_lowered(e, f->low->body, 1);
    out_line_reset(e, &e->c);
    Stmt *body = f->low->body;
    Stmt *last = body->kind == S_COMPOUND && body->items.len ? vec_last(&body->items) : body;
    if (last->kind != S_RETURN)   /* falling off the end: void, or no value */
        buf_puts(c, "    return AIT_READY;\n");
    buf_puts(c, "}\n\n");
    Buf args = {0};
    for (int i = 0; i < f->params.len; i++)
        buf_printf(&args, "%sait_f->%s", i ? ", " : "", ((Var *)f->params.data[i])->field);
    buf_printf(c, "AIT_DEFINE_FUTURE(%s, %s)\n\n", n, macro_list(args.len ? args.data : ""));
    buf_free(&args);
}

void emit_fut_code(Emit *e, Fut *f) {
    e->fut = f;
    buf_printf(e->c.b, "/* ---- %s ---- */\n\n", describe(f));
    if (f->kind == FUT_DYN) {
        dyn_code(e, f);
        return;
    }
    release_fn(e, f);
    save_fns(e, f);
    init_fn(e, f);
    poll_fn(e, f);
}
