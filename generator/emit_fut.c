/* emit_fut.c: one future's frame struct (header) and its init, poll,
 * drop and block_on (source). Dyn calls (FUT_DYN) get a frame that
 * holds the impl's frame inline or boxed, and functions that go through
 * the vtable. */
#include <string.h>
#include "emit.h"

/* ---- frame layout ----------------------------------------------------- */

static void field(Emit *e, Var *v, int level) {
    indent(e->h.b, level);
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
    indent(e->h.b, level);
    buf_puts(e->h.b, "union {\n");
    for (int i = 0; i < ly->kids.len; i++) {
        indent(e->h.b, level + 1);
        buf_puts(e->h.b, "struct {\n");
        layout(e, ly->kids.data[i], level + 2);
        indent(e->h.b, level + 1);
        buf_puts(e->h.b, "};\n");
    }
    indent(e->h.b, level);
    buf_puts(e->h.b, "};\n");
}

static const char *sub_frame_type(AwaitPoint *ap) {
    return xprintf("%s_frame", ((Target *)ap->await->lhs->sema)->fut->cname);
}

static void dyn_frame_struct(Emit *e, Fut *f);
static void dyn_inlines(Emit *e, Fut *f);

static Fut *comb_fut(AwaitPoint *ap, int i) {
    return ((Target *)((Expr *)ap->comb->calls.data[i])->sema)->fut;
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
    const char *where = fn->loc.file >= 0 ? xprintf(" (%s:%d)", base_name(src_name(fn->loc.file)), fn->loc.line) : "";
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
        buf_puts(&b, params_str(e, f->func, "a"));
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
        buf_puts(&b, args_str(f->func, "a"));
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
        buf_printf(h, "void %s_init(%s_frame *frame_%s);\n", n, n, comma(ps));
        buf_printf(h, "ait_poll %s_poll(%s_frame *f, ait_cx *cx, %s_output *out);\n", n, n, n);
        buf_printf(h, "void %s_drop(%s_frame *f);\n", n, n);
    }
    buf_printf(h, "int %s_block_on(ait_rt *rt_, %s_output *out_%s);\n", n, n, comma(ps));
    buf_printf(h, "ait_task *%s_spawn_local(ait_rt *rt_%s);\n", n, comma(ps));
    if (f->kind == FUT_DYN)
        buf_printf(h, "ait_task *%s_spawn(ait_rt *rt_, %s_send_dyn self%s);   /* send dyn only */\n",
                   n, f->iface->name, params_str(e, f->func, "a"));
    else if (f->send)
        buf_printf(h, "ait_task *%s_spawn(ait_rt *rt_%s);   /* a send future */\n", n, comma(ps));
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
    const char *args = args_str(f->func, "a");
    buf_printf(c, "static inline void %s_init_in(%s_frame *f, void *storage_, size_t size_, %s) {\n",
               n, n, ps);
    buf_printf(c, "    f->ait_vt = self.vt;\n    f->ait_boxed = 0;\n    f->ait_fr = storage_;\n");
    buf_printf(c, "    if (!storage_ || self.vt->%s_size > size_ || "
                  "((uintptr_t)storage_ & (self.vt->%s_align - 1)) != 0) {\n", m, m);
    buf_printf(c, "        f->ait_boxed = 1;\n");
    buf_printf(c, "        f->ait_fr = ait_frame_alloc(self.vt->%s_size, self.vt->%s_align);\n", m, m);
    buf_printf(c, "        if (!f->ait_fr)\n            return;   /* the first poll fails with AIT_ENOMEM */\n    }\n");
    buf_printf(c, "    self.vt->%s_init(f->ait_fr, self.self%s);\n}\n\n", m, args);
    buf_printf(c, "static inline void %s_init(%s_frame *f, %s) {\n", n, n, ps);
    if (in.len)
        buf_printf(c, "    %s_init_in(f, &f->ait_inline, sizeof f->ait_inline, self%s);\n}\n\n", n, args);
    else
        buf_printf(c, "    %s_init_in(f, NULL, 0, self%s);\n}\n\n", n, args);
    buf_printf(c, "/* Frees a boxed frame (ait_boxed 1); ait_boxed 2 marks a finished call. */\n");
    buf_printf(c, "static inline void %s_release(%s_frame *f) {\n", n, n);
    buf_printf(c, "    if (f->ait_boxed == 1)\n        ait_frame_free(f->ait_fr, f->ait_vt->%s_size, "
                  "f->ait_vt->%s_align);\n", m, m);
    buf_puts(c, "    f->ait_fr = NULL;\n}\n\n");
    buf_printf(c, "static inline ait_poll %s_poll(%s_frame *f, ait_cx *cx, %s_output *out) {\n", n, n, n);
    buf_printf(c, "    if (!f->ait_fr)\n        return ait_fail(cx, f->ait_boxed == 2 ? AIT_EPOISONED : AIT_ENOMEM);\n");
    buf_printf(c, "    ait_poll r = f->ait_vt->%s_poll(f->ait_fr, cx, out);\n", m);
    buf_printf(c, "    if (r != AIT_PENDING) {   /* finished: it holds nothing more */\n");
    buf_printf(c, "        %s_release(f);\n        f->ait_boxed = 2;\n    }\n    return r;\n}\n\n", n);
    buf_printf(c, "static inline void %s_drop(%s_frame *f) {\n    if (!f->ait_fr)\n        return;\n", n, n);
    buf_printf(c, "    f->ait_vt->%s_drop(f->ait_fr);\n    %s_release(f);\n}\n\n", m, n);
}

/* ---- generated futures -------------------------------------------------- */

static void init_fn(Emit *e, Fut *f) {
    Buf *c = e->c.b;
    const char *n = f->cname;
    buf_printf(c, "void %s_init(%s_frame *frame_%s) {\n    frame_->ait_state = 0;\n", n, n,
               comma(self_params(e, f)));
    for (int i = 1; i <= f->low->ndefers; i++)
        buf_printf(c, "    frame_->ait_defer%d = 0;\n", i);
    for (int i = 0; i < f->params.len; i++) {
        Var *v = f->params.data[i];
        buf_printf(c, "    frame_->%s = %s;\n", v->field, v->field);
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
    buf_printf(c, "static void %s_ait_unwind(%s_frame *f) {\n    switch (f->ait_state) {\n",
               f->cname, f->cname);
    for (int i = 0; i < f->low->points.len; i++) {
        AwaitPoint *ap = f->low->points.data[i];
        if (!ap->unwind.len)
            continue;
        buf_printf(c, "    case %d:\n", ap->state);
        emit_defers(e, &ap->unwind, 2);
        buf_puts(c, "        break;\n");
    }
    buf_puts(c, "    default:\n        break;\n    }\n}\n\n");
}

static void fail_fn(Emit *e, Fut *f) {
    Buf *c = e->c.b;
    buf_printf(c, "/* An awaited future failed: run the pending defers, poison the frame. */\n");
    buf_printf(c, "static ait_poll %s_ait_fail(%s_frame *f) {\n", f->cname, f->cname);
    if (has_unwind(f))
        buf_printf(c, "    %s_ait_unwind(f);\n", f->cname);
    buf_puts(c, "    f->ait_state = -1;\n    return AIT_ERROR;\n}\n\n");
}

static void poll_fn(Emit *e, Fut *f) {
    Buf *c = e->c.b;
    const char *n = f->cname;
    Vec *pts = &f->low->points;
    buf_printf(c, "/* The body; static awaits in this file call it directly, so the C\n"
                  " * compiler can inline a chain of static calls into one function. */\n");
    buf_printf(c, "static inline ait_poll %s_ait_poll(%s_frame *f, ait_cx *cx, %s_output *out) {\n",
               n, n, n);
    if (pts->len)
        buf_puts(c, "    ait_poll ait_r;\n");
    buf_puts(c, "    (void)out;\n");
    buf_puts(c, "#ifdef AIT_DEBUG\n    if (f->ait_state > 0 && f->ait_home != f)\n"
                "        return ait_fail(cx, -EFAULT);   /* moved after its first poll */\n#endif\n");
    buf_puts(c, "    switch (f->ait_state) {\n    case 0:\n");
    buf_puts(c, "#ifdef AIT_DEBUG\n        f->ait_home = f;\n#endif\n        break;\n");
    for (int i = 0; i < pts->len; i++)
        buf_printf(c, "    case %d:\n        goto ait_s%d;\n", i + 1, i + 1);
    buf_puts(c, "    default:\n        return ait_fail(cx, AIT_EPOISONED);\n    }\n");
    emit_lowered(e, f->low->body, 1);
    out_line_reset(e, &e->c);
    Stmt *body = f->low->body;
    Stmt *last = body->kind == S_COMPOUND && body->items.len ? vec_last(&body->items) : body;
    if (last->kind != S_RETURN)   /* falling off the end: void, or no value */
        buf_puts(c, "    f->ait_state = -1;\n    return AIT_READY;\n");
    buf_puts(c, "}\n\n");
    buf_printf(c, "ait_poll %s_poll(%s_frame *f, ait_cx *cx, %s_output *out) {\n", n, n, n);
    buf_printf(c, "    return %s_ait_poll(f, cx, out);\n}\n\n", n);
}

/* Drops what the frame awaits in its current state (for join/select,
 * the operands not finished yet). */
static void drop_awaited_fn(Emit *e, Fut *f) {
    Buf *c = e->c.b;
    Vec *pts = &f->low->points;
    buf_printf(c, "static void %s_ait_drop_awaited(%s_frame *f) {\n    switch (f->ait_state) {\n",
               f->cname, f->cname);
    for (int i = 0; i < pts->len; i++) {
        AwaitPoint *ap = pts->data[i];
        buf_printf(c, "    case %d:\n", ap->state);
        for (int k = 0; ap->comb && k < ap->comb->calls.len; k++) {
            buf_printf(c, "        if (!(f->%s.ait_done & %uu))\n", ap->field, 1u << k);
            buf_printf(c, "            %s_drop(&f->%s.s%d);\n", comb_fut(ap, k)->cname,
                       ap->field, k + 1);
        }
        if (ap->comb)
            buf_printf(c, "        f->%s.ait_done = %uu;\n", ap->field,
                       (1u << ap->comb->calls.len) - 1);
        else
            buf_printf(c, "        %s_drop(&f->%s);\n", ((Target *)ap->await->lhs->sema)->fut->cname,
                       ap->field);
        buf_puts(c, "        break;\n");
    }
    buf_puts(c, "    default:\n        break;\n    }\n}\n\n");
}

static void drop_fn(Emit *e, Fut *f) {
    Buf *c = e->c.b;
    buf_printf(c, "void %s_drop(%s_frame *f) {\n", f->cname, f->cname);
    if (f->low->points.len)
        buf_printf(c, "    %s_ait_drop_awaited(f);\n", f->cname);
    if (has_unwind(f))
        buf_printf(c, "    %s_ait_unwind(f);\n", f->cname);
    buf_puts(c, "    f->ait_state = -1;\n}\n\n");
}

/* Type-erased poll and drop: for block_on, tasks and vtables. */
static void erased_fns(Emit *e, Fut *f) {
    Buf *c = e->c.b;
    const char *n = f->cname;
    buf_printf(c, "static ait_poll %s_ait_poll_any(void *f, ait_cx *cx, void *out) {\n", n);
    buf_printf(c, "    return %s_poll(f, cx, out);\n}\n\n", n);
    buf_printf(c, "static void %s_ait_drop_any(void *f) {\n    %s_drop(f);\n}\n\n", n, n);
}

/* The parameters of f's init after the frame, as declarations and names. */
static void init_params(Emit *e, Fut *f, Vec *decls, Vec *names) {
    if (f->kind == FUT_DYN) {
        vec_push(decls, xprintf("%s_dyn self", f->iface->name));
        vec_push(names, "self");
        for (int i = 0; i < f->func->params.len; i++) {
            Param *p = f->func->params.data[i];
            const char *name = xprintf("a%d", i + 1);
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
    buf_printf(c, "ait_task *%s_spawn%s(ait_rt *rt_", n, local ? "_local" : "");
    for (int i = 0; i < decls->len; i++)
        buf_printf(c, ", %s", i == 0 && send_dyn ? xprintf("%s_send_dyn self", f->iface->name)
                                                 : (char *)decls->data[i]);
    buf_puts(c, ") {\n");
    if (names->len)
        buf_printf(c, "    %s_ait_args a_;\n", n);
    for (int i = 0; i < names->len; i++) {
        const char *name = names->data[i];
        if (i == 0 && send_dyn)
            buf_printf(c, "    a_.self = %s_send_dyn_as_dyn(self);\n", f->iface->name);
        else
            buf_printf(c, "    a_.%s = %s;\n", name, name);
    }
    buf_printf(c, "    return ait_spawn%s(rt_, sizeof(%s_frame), _Alignof(%s_frame), "
                  "sizeof(%s_output),\n        %s_ait_spawn_init, %s, %s_ait_poll_any, "
                  "%s_ait_drop_any);\n}\n\n", local ? "_local" : "", n, n, n, n,
               names->len ? "&a_" : "NULL", n, n);
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
    buf_printf(c, "static void %s_ait_spawn_init(void *frame, void *arg) {\n", n);
    if (names.len) {
        buf_printf(c, "    %s_ait_args *a_ = arg;\n    %s_init(frame", n, n);
        for (int i = 0; i < names.len; i++)
            buf_printf(c, ", a_->%s", (char *)names.data[i]);
        buf_puts(c, ");\n}\n\n");
    } else {
        buf_printf(c, "    (void)arg;\n    %s_init(frame);\n}\n\n", n);
    }
    spawn_fn(e, f, true, &decls, &names);
    if (f->send || f->kind == FUT_DYN)
        spawn_fn(e, f, false, &decls, &names);
}

static void block_on_fn(Emit *e, Fut *f) {
    Buf *c = e->c.b;
    const char *n = f->cname;
    buf_printf(c, "int %s_block_on(ait_rt *rt_, %s_output *out_%s) {\n", n, n,
               comma(self_params(e, f)));
    buf_printf(c, "    %s_frame frame_;\n    %s_output result_;\n", n, n);
    buf_printf(c, "    %s_init(&frame_%s);\n", n, comma(self_args(f)));
    buf_printf(c, "    int rc_ = ait_block_on(rt_, &frame_, %s_ait_poll_any, out_ ? out_ : &result_);\n", n);
    buf_printf(c, "    %s_drop(&frame_);\n    return rc_;\n}\n\n", n);
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
