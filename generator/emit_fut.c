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
static void dyn_inlines(Emit *e, Fut *f);

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
    buf_printf(h, "struct %s_frame {\n    int ait_state;\n", f->cname);
    buf_puts(h, "#ifdef AIT_DEBUG\n    const void *ait_home;   /* where it was first polled */\n#endif\n");
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
    buf_printf(h, "#define %s_FRAME_ALIGN _Alignof(%s_frame)\n\n", f->cname, f->cname);
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

void emit_fut_prototypes(Emit *e, Fut *f) {
    Buf *h = e->h.b;
    e->fut = f;
    const char *n = f->cname, *ps = self_params(e, f);
    if (f->kind == FUT_DYN) {
        dyn_inlines(e, f);
    } else {
        buf_printf(h, "void %s_init(%s_frame *ait_frame%s);\n", n, n, comma(ps));
        buf_printf(h, "ait_poll %s_poll(%s_frame *ait_f, ait_cx *ait_ctx, %s_output *ait_out);\n", n, n, n);
        buf_printf(h, "void %s_drop(%s_frame *ait_f);\n", n, n);
    }
    buf_printf(h, "int %s_block_on(ait_rt *ait_runtime, %s_output *ait_out%s);\n", n, n, comma(ps));
    buf_printf(h, "ait_task *%s_spawn_local(ait_rt *ait_runtime%s);\n", n, comma(ps));
    if (f->kind == FUT_DYN)
        buf_printf(h, "ait_task *%s_spawn(ait_rt *ait_runtime, %s_send_dyn self%s);   /* send dyn only */\n",
                   n, f->iface->name, params_str(e, f->func, "ait_a"));
    else if (f->send)
        buf_printf(h, "ait_task *%s_spawn(ait_rt *ait_runtime%s);   /* a send future */\n", n, comma(ps));
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
               i, inline_ ? "ait_inline when it fits, else in memory from ait_frame_alloc"
                          : "memory from ait_frame_alloc");
    buf_printf(h, "struct %s_frame {\n    void *ait_fr;\n    const %s_vtable *ait_vt;\n", n, i);
    buf_puts(h, "    int ait_boxed;\n");
    if (inline_)
        buf_printf(h, "    union %s_%s_frames ait_inline;\n", i, m);
    buf_printf(h, "};\n#define %s_FRAME_SIZE sizeof(%s_frame)\n", n, n);
    buf_printf(h, "#define %s_FRAME_ALIGN _Alignof(%s_frame)\n\n", n, n);
}

/* A dyn call's init, poll and drop: static inline in the header, so the
 * C compiler sees through to the one indirect call per step. A finished
 * call releases its boxed frame at once, so its drop is then a no-op. */
static void dyn_inlines(Emit *e, Fut *f) {
    Buf *c = e->h.b;
    const char *n = f->cname, *m = f->func->name, *ps = self_params(e, f);
    Vec in = {0};
    sema_inline_impls(f, &in);
    const char *args = args_str(f->func, "ait_a");
    buf_printf(c, "static inline void %s_init_in(%s_frame *ait_f, void *ait_storage, size_t ait_size, %s) {\n",
               n, n, ps);
    buf_printf(c, "    ait_f->ait_vt = self.vt;\n    ait_f->ait_boxed = 0;\n    ait_f->ait_fr = ait_storage;\n");
    buf_printf(c, "    if (!ait_storage || self.vt->%s_size > ait_size || "
                  "((uintptr_t)ait_storage & (self.vt->%s_align - 1)) != 0) {\n", m, m);
    buf_printf(c, "        ait_f->ait_boxed = 1;\n");
    buf_printf(c, "        ait_f->ait_fr = ait_frame_alloc(self.vt->%s_size, self.vt->%s_align);\n", m, m);
    buf_printf(c, "        if (!ait_f->ait_fr)\n            return;   /* the first poll fails with AIT_ENOMEM */\n    }\n");
    buf_printf(c, "    self.vt->%s_init(ait_f->ait_fr, self.self%s);\n}\n\n", m, args);
    buf_printf(c, "static inline void %s_init(%s_frame *ait_f, %s) {\n", n, n, ps);
    if (in.len)
        buf_printf(c, "    %s_init_in(ait_f, &ait_f->ait_inline, sizeof ait_f->ait_inline, self%s);\n}\n\n", n, args);
    else
        buf_printf(c, "    %s_init_in(ait_f, NULL, 0, self%s);\n}\n\n", n, args);
    buf_printf(c, "/* Frees a boxed frame (ait_boxed 1); ait_boxed 2 marks a finished call. */\n");
    buf_printf(c, "static inline void %s_release(%s_frame *ait_f) {\n", n, n);
    buf_printf(c, "    if (ait_f->ait_boxed == 1)\n        ait_frame_free(ait_f->ait_fr, ait_f->ait_vt->%s_size, "
                  "ait_f->ait_vt->%s_align);\n", m, m);
    buf_puts(c, "    ait_f->ait_fr = NULL;\n}\n\n");
    buf_printf(c, "static inline ait_poll %s_poll(%s_frame *ait_f, ait_cx *ait_ctx, %s_output *ait_out) {\n", n, n, n);
    buf_printf(c, "    if (!ait_f->ait_fr)\n        return ait_fail(ait_ctx, ait_f->ait_boxed == 2 ? AIT_EPOISONED : AIT_ENOMEM);\n");
    buf_printf(c, "    ait_poll ait_r = ait_f->ait_vt->%s_poll(ait_f->ait_fr, ait_ctx, ait_out);\n", m);
    buf_printf(c, "    if (ait_r != AIT_PENDING) {   /* finished: it holds nothing more */\n");
    buf_printf(c, "        %s_release(ait_f);\n        ait_f->ait_boxed = 2;\n    }\n    return ait_r;\n}\n\n", n);
    buf_printf(c, "static inline void %s_drop(%s_frame *ait_f) {\n    if (!ait_f->ait_fr)\n        return;\n", n, n);
    buf_printf(c, "    ait_f->ait_vt->%s_drop(ait_f->ait_fr);\n    %s_release(ait_f);\n}\n\n", m, n);
}

/* ---- generated futures -------------------------------------------------- */

/* F_init captures the arguments for F_poll. A static await in this file
 * skips it: it runs the body from its start with the arguments in hand
 * (F_ait_run(..., 0, args)), so nothing is written to the callee's frame
 * unless it suspends. */
static void init_fn(Emit *e, Fut *f) {
    Buf *c = e->c.b;
    const char *n = f->cname;
    buf_printf(c, "void %s_init(%s_frame *ait_frame%s) {\n    ait_frame->ait_state = 0;\n", n, n,
               comma(self_params(e, f)));
    for (int i = 0; i < f->params.len; i++) {
        Var *v = f->params.data[i];
        buf_printf(c, "    ait_frame->%s = %s;\n", v->field, v->field);
    }
    buf_puts(c, "}\n\n");
}

static bool has_unwind(Fut *f) {
    for (int i = 0; i < f->low->points.len; i++)
        if (((AwaitPoint *)f->low->points.data[i])->unwind.len)
            return true;
    return false;
}

/* Runs the defers pending at the state the frame is suspended in. */
static void unwind_fn(Emit *e, Fut *f) {
    Buf *c = e->c.b;
    buf_printf(c, "static void %s_ait_unwind(%s_frame *ait_f) {\n    switch (ait_f->ait_state) {\n",
               f->cname, f->cname);
    for (int i = 0; i < f->low->points.len; i++) {
        AwaitPoint *ap = f->low->points.data[i];
        if (!ap->unwind.len)
            continue;
        buf_printf(c, "    case %d:\n", ap->state);
        emit_defers(e, &ap->unwind, true, 2);
        buf_puts(c, "        break;\n");
    }
    buf_puts(c, "    default:\n        break;\n    }\n}\n\n");
}

static void fail_fn(Emit *e, Fut *f) {
    Buf *c = e->c.b;
    buf_printf(c, "/* An awaited future failed: run the pending defers, poison the frame. */\n");
    buf_printf(c, "static ait_poll %s_ait_fail(%s_frame *ait_f) {\n", f->cname, f->cname);
    if (has_unwind(f))
        buf_printf(c, "    %s_ait_unwind(ait_f);\n", f->cname);
    buf_puts(c, "    ait_f->ait_state = -1;\n    return AIT_ERROR;\n}\n\n");
}

/* What the body does when it starts: the defers are not armed yet, and
 * the parameters that live in the frame go there. A parameter no code
 * mentions may still be named by a macro. */
static void start_state(Emit *e, Fut *f) {
    Buf *c = e->c.b;
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

static void poll_fn(Emit *e, Fut *f) {
    Buf *c = e->c.b;
    const char *n = f->cname;
    Vec *pts = &f->low->points;
    buf_printf(c, "/* The body, run from state ait_from. A static await in this file runs it\n"
                  " * from 0 in line, so the C compiler can fold a chain of static calls\n"
                  " * into one function. Finished, it leaves the state as it was (its caller\n"
                  " * moves on); %s_poll, the entry for everyone else, poisons it. */\n", n);
    buf_printf(c, "static inline ait_poll %s_ait_run(%s_frame *ait_f, ait_cx *ait_ctx, %s_output *ait_out, "
                  "int ait_from%s) {\n", n, n, n, run_params(e, f));
    if (pts->len)
        buf_puts(c, "    ait_poll ait_r;\n");
    buf_puts(c, "    (void)ait_f;\n    (void)ait_out;\n");
    buf_puts(c, "#ifdef AIT_DEBUG\n    if (ait_from > 0 && ait_f->ait_home != ait_f) {   /* moved after its first poll */\n"
                "        ait_f->ait_state = -1;   /* what it holds is its old copy's: the drop leaves it */\n"
                "        return ait_fail(ait_ctx, -EFAULT);\n    }\n#endif\n");
    buf_puts(c, "    switch (ait_from) {\n    case 0:\n");
    buf_puts(c, "#ifdef AIT_DEBUG\n        ait_f->ait_home = ait_f;\n#endif\n");
    start_state(e, f);
    buf_puts(c, "        break;\n");
    for (int i = 0; i < pts->len; i++)
        buf_printf(c, "    case %d:\n        goto ait_s%d;\n", i + 1, i + 1);
    buf_puts(c, "    default:\n        return ait_fail(ait_ctx, AIT_EPOISONED);\n    }\n");
    emit_lowered(e, f->low->body, 1);
    out_line_reset(e, &e->c);
    Stmt *body = f->low->body;
    Stmt *last = body->kind == S_COMPOUND && body->items.len ? vec_last(&body->items) : body;
    if (last->kind != S_RETURN)   /* falling off the end: void, or no value */
        buf_puts(c, "    return AIT_READY;\n");
    buf_puts(c, "}\n\n");
    buf_printf(c, "/* A resumption (and a vtable's poll): from the state it stopped in. */\n");
    buf_printf(c, "static AIT_NOINLINE ait_poll %s_ait_poll(%s_frame *ait_f, ait_cx *ait_ctx, "
                  "%s_output *ait_out) {\n", n, n, n);
    buf_printf(c, "    return %s_ait_run(ait_f, ait_ctx, ait_out, ait_f->ait_state", n);
    for (int i = 0; i < f->params.len; i++)
        buf_printf(c, ", ait_f->%s", ((Var *)f->params.data[i])->field);
    buf_puts(c, ");\n}\n\n");
    buf_printf(c, "ait_poll %s_poll(%s_frame *ait_f, ait_cx *ait_ctx, %s_output *ait_out) {\n", n, n, n);
    buf_printf(c, "    ait_poll ait_r = %s_ait_poll(ait_f, ait_ctx, ait_out);\n", n);
    buf_puts(c, "    if (ait_r == AIT_READY)\n        ait_f->ait_state = -1;   /* a later poll is an error */\n");
    buf_puts(c, "    return ait_r;\n}\n\n");
}

/* Drops what the frame awaits in its current state (for join/select,
 * the operands not finished yet). */
static void drop_awaited_fn(Emit *e, Fut *f) {
    Buf *c = e->c.b;
    Vec *pts = &f->low->points;
    buf_printf(c, "static void %s_ait_drop_awaited(%s_frame *ait_f) {\n    switch (ait_f->ait_state) {\n",
               f->cname, f->cname);
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
        buf_puts(c, "        break;\n");
    }
    buf_puts(c, "    default:\n        break;\n    }\n}\n\n");
}

static void drop_fn(Emit *e, Fut *f) {
    Buf *c = e->c.b;
    buf_printf(c, "void %s_drop(%s_frame *ait_f) {\n", f->cname, f->cname);
    buf_puts(c, "#ifdef AIT_DEBUG\n    if (ait_f->ait_state > 0 && ait_f->ait_home != ait_f)\n"
                "        ait_f->ait_state = -1;   /* moved: its pointers may lead into the old copy */\n#endif\n");
    if (f->low->points.len)
        buf_printf(c, "    %s_ait_drop_awaited(ait_f);\n", f->cname);
    if (has_unwind(f))
        buf_printf(c, "    %s_ait_unwind(ait_f);\n", f->cname);
    buf_puts(c, "    ait_f->ait_state = -1;\n}\n\n");
}

/* Type-erased poll and drop: for block_on, tasks and vtables. */
static void erased_fns(Emit *e, Fut *f) {
    Buf *c = e->c.b;
    const char *n = f->cname;
    buf_printf(c, "static ait_poll %s_ait_poll_any(void *ait_f, ait_cx *ait_ctx, void *ait_out) {\n", n);
    buf_printf(c, "    return %s_poll(ait_f, ait_ctx, ait_out);\n}\n\n", n);
    buf_printf(c, "static void %s_ait_drop_any(void *ait_f) {\n    %s_drop(ait_f);\n}\n\n", n, n);
}

/* The parameters of f's init after the frame, as declarations and names. */
static void init_params(Emit *e, Fut *f, Vec *decls, Vec *names) {
    if (f->kind == FUT_DYN) {
        vec_push(decls, xprintf("%s_dyn self", f->iface->name));
        vec_push(names, "self");
        for (int i = 0; i < f->func->params.len; i++) {
            Param *p = f->func->params.data[i];
            const char *name = xprintf("ait_a%d", i + 1);
            vec_push(decls, (void *)decl_str(e, p->spec, p->decl, name));
            vec_push(names, (void *)name);
        }
        return;
    }
    for (int i = 0; i < f->params.len; i++) {
        Var *v = f->params.data[i];
        vec_push(decls, (void *)decl_str(e, v->spec, v->decl, v->field));
        vec_push(names, (void *)v->field);
    }
}

/* F_spawn / F_spawn_local: the arguments travel in a struct to an init
 * adapter that the runtime calls before the task is first polled. */
static void spawn_fn(Emit *e, Fut *f, bool local, Vec *decls, Vec *names) {
    Buf *c = e->c.b;
    const char *n = f->cname;
    bool send_dyn = !local && f->kind == FUT_DYN;   /* only a send dyn may go to other threads */
    buf_printf(c, "ait_task *%s_spawn%s(ait_rt *ait_runtime", n, local ? "_local" : "");
    for (int i = 0; i < decls->len; i++)
        buf_printf(c, ", %s", i == 0 && send_dyn ? xprintf("%s_send_dyn self", f->iface->name)
                                                 : (char *)decls->data[i]);
    buf_puts(c, ") {\n");
    if (names->len)
        buf_printf(c, "    %s_ait_args ait_a;\n", n);
    for (int i = 0; i < names->len; i++) {
        const char *name = names->data[i];
        if (i == 0 && send_dyn)
            buf_printf(c, "    ait_a.self = %s_send_dyn_as_dyn(self);\n", f->iface->name);
        else
            buf_printf(c, "    ait_a.%s = %s;\n", name, name);
    }
    buf_printf(c, "    return ait_spawn%s(ait_runtime, sizeof(%s_frame), _Alignof(%s_frame), "
                  "sizeof(%s_output),\n        %s_ait_spawn_init, %s, %s_ait_poll_any, "
                  "%s_ait_drop_any);\n}\n\n", local ? "_local" : "", n, n, n, n,
               names->len ? "&ait_a" : "NULL", n, n);
}

static void spawn_fns(Emit *e, Fut *f) {
    Buf *c = e->c.b;
    const char *n = f->cname;
    Vec decls = {0}, names = {0};
    init_params(e, f, &decls, &names);
    if (names.len) {
        buf_printf(c, "typedef struct %s_ait_args {\n", n);
        for (int i = 0; i < decls.len; i++)
            buf_printf(c, "    %s;\n", (char *)decls.data[i]);
        buf_printf(c, "} %s_ait_args;\n\n", n);
    }
    buf_printf(c, "static void %s_ait_spawn_init(void *ait_frame, void *ait_arg) {\n", n);
    if (names.len) {
        buf_printf(c, "    %s_ait_args *ait_a = ait_arg;\n    %s_init(ait_frame", n, n);
        for (int i = 0; i < names.len; i++)
            buf_printf(c, ", ait_a->%s", (char *)names.data[i]);
        buf_puts(c, ");\n}\n\n");
    } else {
        buf_printf(c, "    (void)ait_arg;\n    %s_init(ait_frame);\n}\n\n", n);
    }
    spawn_fn(e, f, true, &decls, &names);
    if (f->send || f->kind == FUT_DYN)
        spawn_fn(e, f, false, &decls, &names);
}

static void block_on_fn(Emit *e, Fut *f) {
    Buf *c = e->c.b;
    const char *n = f->cname;
    buf_printf(c, "int %s_block_on(ait_rt *ait_runtime, %s_output *ait_out%s) {\n", n, n,
               comma(self_params(e, f)));
    buf_printf(c, "    %s_frame ait_frame;\n    %s_output ait_result;\n", n, n);
    buf_printf(c, "    %s_init(&ait_frame%s);\n", n, comma(self_args(f)));
    buf_printf(c, "    int ait_rc = ait_block_on(ait_runtime, &ait_frame, %s_ait_poll_any, ait_out ? ait_out : &ait_result);\n", n);
    buf_printf(c, "    %s_drop(&ait_frame);\n    return ait_rc;\n}\n\n", n);
}

void emit_fut_code(Emit *e, Fut *f) {
    e->fut = f;
    buf_printf(e->c.b, "/* ---- %s ---- */\n\n", describe(f));
    if (f->kind != FUT_DYN) {
        if (has_unwind(f))
            unwind_fn(e, f);
        if (f->low->points.len) {
            drop_awaited_fn(e, f);
            fail_fn(e, f);
        }
        init_fn(e, f);
        poll_fn(e, f);
        drop_fn(e, f);
    }
    erased_fns(e, f);
    block_on_fn(e, f);
    spawn_fns(e, f);
}
