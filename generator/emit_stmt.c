/* emit_stmt.c: prints a lowered async body inside its poll function.
 *
 * The C statement printer (cprint.c) lays the body out, with every body
 * braced; its statement hooks, here, print what is async. Variables keep
 * their names and declarations; those resident in the frame print as
 * ait_f->x (through the ident hook) and their declarations become
 * assignments. Each await becomes init, a resume label (where the kept
 * locals are restored) and a poll (after which, when it is pending, they
 * are saved), and every exit runs the defers the lowering listed for it,
 * as does every block's end. */
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include "emit.h"

static void stmt(Emit *e, Stmt *s, int level);

static Buf *B(Emit *e) { return e->c.b; }

/* One line of the poll function at an indentation level. */
static void line(Emit *e, int level, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    cprint_indent(B(e), level);
    buf_puts(B(e), xvprintf(fmt, ap));
    buf_putc(B(e), '\n');
    va_end(ap);
}

static void expr(Emit *e, Expr *x) { cprint_expr(B(e), x, PREC_COMMA, &e->hooks); }

/* Runs each defer that was reached (its flag is armed), disarming it.
 * Outside the poll function (a drop), the locals a defer reads come
 * back from the frame first, under their own names. Each copied body
 * is under the #line of its defer statement (its statements under their
 * own) wherever it runs; the generated code after it, under its own. */
void emit_defers(Emit *e, Vec *defers, bool from_frame, int level) {
    if (!defers || !defers->len)
        return;
    for (int i = 0; i < defers->len; i++) {
        Stmt *d = defers->data[i];
        int n = d->defer_flag;
        out_line_reset(e, &e->c);
        line(e, level, "if (ait_f->ait_defer%d) {   /* defer */", n);
        line(e, level + 1, "ait_f->ait_defer%d = 0;", n);
        Vec vars = {0};
        if (from_frame)
            stmt_vars(d->body, &vars);
        for (int k = 0; k < vars.len; k++) {
            Var *v = vars.data[k];
            if (v->in_frame && !v->resident && !v->is_temp)
                line(e, level + 1, "%s = ait_f->%s; (void)%s;",   /* it may only be written */
                     decl_str(e, v->spec, v->decl, v->name), v->field, v->name);
        }
        out_line_directive(e, &e->c, d->loc);
        stmt(e, d->body, level + 1);
        line(e, level, "}");
    }
    out_line_reset(e, &e->c);
}

/* A block's own defers run at its end, last registered first. */
static void block_defers(Emit *e, Vec *defers, int level) {
    if (!defers || !defers->len)
        return;
    Vec rev = {0};
    for (int i = defers->len - 1; i >= 0; i--)
        vec_push(&rev, defers->data[i]);
    emit_defers(e, &rev, false, level);
}

/* ---- declarations --------------------------------------------------- */


/* x = init; for a frame variable: arrays are copied from a compound
 * literal of their own type, braced lists become compound literals. */
static void assign_init(Emit *e, Var *v, Init *in, int level) {
    cprint_indent(B(e), level);
    if (var_is_array(v)) {
        buf_printf(B(e), "memcpy(%s, (%s)", v->cname, decl_str(e, v->spec, v->decl, ""));
        if (in->is_list) {
            cprint_init(B(e), in, &e->hooks);
        } else {
            buf_putc(B(e), '{');
            expr(e, in->expr);
            buf_putc(B(e), '}');
        }
        buf_printf(B(e), ", sizeof %s);\n", v->cname);
        return;
    }
    buf_printf(B(e), "%s = ", v->cname);
    if (in->is_list) {
        buf_printf(B(e), "(%s)", decl_str(e, v->spec, v->decl, ""));
        cprint_init(B(e), in, &e->hooks);
    } else {
        cprint_expr(B(e), in->expr, PREC_ASSIGN, &e->hooks);
    }
    buf_puts(B(e), ";\n");
}

/* The variable of d's first declarator; NULL when it has none ("struct T;"). */
static Var *first_var(Decl *d) {
    return d->decls.len ? ((InitDecl *)d->decls.data[0])->var : NULL;
}

/* A declaration of frame-resident variables becomes the assignments of
 * their initializers; any other is printed as written (returns false). */
static bool decl_stmt(Emit *e, Decl *d, int level) {
    Var *first = first_var(d);
    if (first && first->holds && !first->resident) {   /* an await's result, as lowered */
        line(e, level, "%s;", var_decl(e, first, first->cname));
        return true;
    }
    bool any_frame = false;
    for (int i = 0; i < d->decls.len; i++) {
        Var *v = ((InitDecl *)d->decls.data[i])->var;
        any_frame |= v && v->resident;
    }
    if (!any_frame)
        return false;
    for (int i = 0; i < d->decls.len; i++) {
        InitDecl *id = d->decls.data[i];
        if (id->init)
            assign_init(e, id->var, id->init, level);
    }
    return true;
}

/* for-init of resident variables: "ait_f->i = 0, ait_f->j = 1" */
static void for_init_assign(Emit *e, Decl *d) {
    bool first = true;
    for (int i = 0; i < d->decls.len; i++) {
        InitDecl *id = d->decls.data[i];
        Var *v = id->var;
        if (!id->init || id->init->is_list)
            continue;
        buf_printf(B(e), "%s%s = ", first ? "" : ", ", v->cname);
        cprint_expr(B(e), id->init->expr, PREC_ASSIGN, &e->hooks);
        first = false;
    }
}

/* ---- awaits --------------------------------------------------------- */

static void call_args(Emit *e, Target *t, Expr *call) {
    if (t->recv) {
        buf_puts(B(e), ", ");
        emit_receiver(e, B(e), t);
    }
    for (int i = 0; i < call->args.len; i++) {
        buf_puts(B(e), ", ");
        cprint_expr(B(e), call->args.data[i], PREC_ASSIGN, &e->hooks);
    }
}

/* The temporary first, then the statement's #line: the call's arguments
 * are on that line (stmt() leaves S_AWAIT and S_SPAWN to this). */
static void declare_temp(Emit *e, Stmt *s, Var *temp, int level) {
    if (!temp->resident)
        line(e, level, "%s;", var_decl(e, temp, temp->cname));
    out_line_directive(e, &e->c, s->loc);
}

static bool restores(AwaitPoint *ap) {
    for (int i = 0; i < ap->keep.len; i++)
        if (!((Var *)ap->keep.data[i])->is_param)
            return true;
    return false;
}

/* if (0) { ait_sN: the kept locals come back; then (resume code) } : the
 * top switch jumps in when the poll resumes at ap, and only then. */
static void resume_block(Emit *e, AwaitPoint *ap, int level, const char *resume) {
    line(e, level, "if (0) {");
    buf_printf(B(e), "ait_s%d:\n", ap->state);
    for (int i = 0; i < ap->keep.len; i++) {
        Var *v = ap->keep.data[i];
        if (!v->is_param)
            line(e, level + 1, "%s = ait_f->%s;", v->name, v->field);
    }
    if (resume)
        line(e, level + 1, "%s", resume);
    line(e, level, "}");
}

/* The label the poll jumps to when it resumes at ap, before code that
 * runs on every path: the kept locals come back on that path only. */
static void resume_label(Emit *e, AwaitPoint *ap, int level) {
    if (restores(ap))
        resume_block(e, ap, level, NULL);
    else
        buf_printf(B(e), "ait_s%d:\n", ap->state);
}

/* Suspending at ap (ait_r PENDING or ERROR): "return F_ait_saveN(ait_f,
 * state, ait_r, kept locals...);", or F_ait_suspend when it keeps none. */
static void suspend(Emit *e, AwaitPoint *ap, const char *r, int level) {
    cprint_indent(B(e), level);
    if (!ap->keep.len) {
        buf_printf(B(e), "return %s_ait_suspend(ait_f, %d, %s);\n", e->fut->cname, ap->state, r);
        return;
    }
    buf_printf(B(e), "return %s_ait_save%d(ait_f, %d, %s", e->fut->cname,
               emit_save_index(e, &ap->keep), ap->state, r);
    for (int i = 0; i < ap->keep.len; i++)
        buf_printf(B(e), ", %s", ((Var *)ap->keep.data[i])->name);
    buf_puts(B(e), ");\n");
}

/* G_init(&sub, receiver, args...); */
static void init_call(Emit *e, Expr *call, const char *field, int level) {
    Target *t = call->call;
    cprint_indent(B(e), level);
    buf_printf(B(e), "%s_init(&ait_f->%s", t->fut->cname, field);
    call_args(e, t, call);
    buf_puts(B(e), ");\n");
}

static const char *sub_name(AwaitPoint *ap, int i, const char *what) {
    return xprintf("%s.%s%d", ap->field, what, i + 1);
}

/* One operand of join/select, polled until it is done; for select the
 * first to finish sets the winner. */
static void comb_poll(Emit *e, AwaitPoint *ap, int i, int level) {
    Comb *c = ap->comb;
    const char *g = ((Expr *)c->calls.data[i])->call->fut->cname;
    const char *done = xprintf("ait_f->%s.ait_done", ap->field);
    line(e, level, "if (%s!(%s & %uu)) {", c->select ? xprintf("%s < 0 && ", ap->temp->cname) : "",
               done, 1u << i);
    line(e, level + 1, "ait_r = %s_poll(&ait_f->%s, ait_ctx, &ait_f->%s);", g, sub_name(ap, i, "s"),
               sub_name(ap, i, "o"));
    line(e, level + 1, "if (ait_r != AIT_PENDING) {");
    line(e, level + 2, "%s_drop(&ait_f->%s);", g, sub_name(ap, i, "s"));
    line(e, level + 2, "%s |= %uu;", done, 1u << i);
    line(e, level + 2, "if (ait_r == AIT_ERROR)");
    suspend(e, ap, "AIT_ERROR", level + 3);
    if (c->select) {
        line(e, level + 2, "%s = %d;", ap->temp->cname, i);
    }
    line(e, level + 1, "}");
    line(e, level, "}");
}

/* The outputs of join/select go to their targets once complete. */
static void comb_assign(Emit *e, AwaitPoint *ap, int level) {
    Comb *c = ap->comb;
    for (int i = 0; i < c->lhs.len; i++) {
        Expr *lhs = c->lhs.data[i];
        if (!lhs)
            continue;
        if (c->select)
            line(e, level, "if (%s == %d)", ap->temp->cname, i);
        out_line_directive(e, &e->c, lhs->loc);   /* the C compiler's errors point at it */
        cprint_indent(B(e), level + c->select);
        cprint_expr(B(e), lhs, PREC_UNARY, &e->hooks);
        buf_printf(B(e), " = ait_f->%s;\n", sub_name(ap, i, "o"));
    }
}

static void comb_stmt(Emit *e, Stmt *s, int level) {
    AwaitPoint *ap = s->await;
    Comb *c = ap->comb;
    declare_temp(e, s, ap->temp, level);
    for (int i = 0; i < c->calls.len; i++)
        init_call(e, c->calls.data[i], sub_name(ap, i, "s"), level);
    line(e, level, "ait_f->%s.ait_done = 0;", ap->field);
    line(e, level, "ait_f->ait_state = %d;", ap->state);
    resume_label(e, ap, level);
    line(e, level, "%s = %s;", ap->temp->cname, c->select ? "-1" : "0");
    if (!c->select)   /* a join's value is 0, often unused */
        line(e, level, "(void)%s;", ap->temp->cname);
    for (int i = 0; i < c->calls.len; i++)
        comb_poll(e, ap, i, level);
    cprint_indent(B(e), level);
    if (c->select)
        buf_printf(B(e), "if (%s < 0)", ap->temp->cname);
    else
        buf_printf(B(e), "if (ait_f->%s.ait_done != %uu)", ap->field, (1u << c->calls.len) - 1);
    buf_puts(B(e), "\n");
    suspend(e, ap, "AIT_PENDING", level + 1);
    for (int i = 0; c->select && i < c->calls.len; i++) {   /* the losers are dropped */
        line(e, level, "if (!(ait_f->%s.ait_done & %uu))", ap->field, 1u << i);
        line(e, level + 1, "%s_drop(&ait_f->%s);", ((Expr *)c->calls.data[i])->call->fut->cname,
             sub_name(ap, i, "s"));
    }
    if (c->select)
        line(e, level, "ait_f->%s.ait_done = %uu;", ap->field, (1u << c->calls.len) - 1);
    comb_assign(e, ap, level);
}

/* spawn: the task starts now; a failure to start fails this future. */
static void spawn_stmt(Emit *e, Stmt *s, int level) {
    SpawnPoint *sp = s->spawn;
    Expr *call = sp->spawn->lhs;
    Target *t = call->call;
    bool local = !strcmp(sp->spawn->op, "spawn_local");
    declare_temp(e, s, sp->temp, level);
    cprint_indent(B(e), level);
    buf_printf(B(e), "%s = %s_spawn%s(ait_ctx->rt", sp->temp->cname, t->fut->cname,
               local ? "_local" : "");
    if (t->recv) {
        Target raw = *t;   /* F_spawn of a dyn call takes the send dyn as it is */
        raw.send_dyn = t->send_dyn && local;
        buf_puts(B(e), ", ");
        emit_receiver(e, B(e), &raw);
    }
    for (int i = 0; i < call->args.len; i++) {
        buf_puts(B(e), ", ");
        cprint_expr(B(e), call->args.data[i], PREC_ASSIGN, &e->hooks);
    }
    buf_puts(B(e), ");\n");
    line(e, level, "if (!%s) {", sp->temp->cname);
    line(e, level + 1, "ait_fail(ait_ctx, errno ? -errno : AIT_ENOMEM);");
    emit_defers(e, &sp->unwind, false, level + 1);
    line(e, level + 1, "ait_f->ait_state = -1;");
    line(e, level + 1, "return AIT_ERROR;");
    line(e, level, "}");
}

/* A generated future releases everything as it completes or fails, so
 * its drop is then a no-op and is not called; hand-written leaves and dyn
 * frames (boxed memory) are dropped. */
static bool drop_is_empty_when_done(Fut *g) {
    return g->kind == FUT_FREE || g->kind == FUT_METHOD || g->kind == FUT_GENERIC ||
           g->kind == FUT_DYN;   /* a finished dyn call freed its box in its poll */
}

static void await_stmt(Emit *e, Stmt *s, int level) {
    AwaitPoint *ap = s->await;
    if (ap->comb) {
        comb_stmt(e, s, level);
        return;
    }
    Expr *call = ap->await->lhs;
    Target *t = call->call;
    const char *g = t->fut->cname;
    declare_temp(e, s, ap->temp, level);
    bool dyn = t->fut->kind == FUT_DYN;
    bool in_file = emit_here(e, t->fut) && !dyn && drop_is_empty_when_done(t->fut);
    if (in_file || dyn) {   /* from the start with the arguments; a resumption through a call */
        cprint_indent(B(e), level);
        if (dyn)
            buf_printf(B(e), "ait_r = %s_ait_start(&ait_f->%s, ait_ctx, &%s", g, ap->field,
                       ap->temp->cname);
        else
            buf_printf(B(e), "ait_r = %s_ait_run(&ait_f->%s, ait_ctx, &%s, 0", g, ap->field,
                       ap->temp->cname);
        call_args(e, t, call);
        buf_puts(B(e), ");\n");
        resume_block(e, ap, level, xprintf("ait_r = %s_poll(&ait_f->%s, ait_ctx, &%s);", g,
                                           ap->field, ap->temp->cname));
    } else {
        init_call(e, call, ap->field, level);
        resume_label(e, ap, level);
        line(e, level, "ait_r = %s_poll(&ait_f->%s, ait_ctx, &%s);", g, ap->field,
             ap->temp->cname);
    }
    /* the state is stored only when the poll returns without the output */
    line(e, level, "if (ait_r != AIT_READY)");
    suspend(e, ap, "ait_r", level + 1);
    if (!drop_is_empty_when_done(t->fut))
        line(e, level, "%s_drop(&ait_f->%s);", g, ap->field);
}

/* ---- exits ---------------------------------------------------------- */

/* *ait_out = value; the defers; done. */
static void return_stmt(Emit *e, Stmt *s, int level) {
    if (s->expr) {
        cprint_indent(B(e), level);
        buf_puts(B(e), "*ait_out = ");
        cprint_expr(B(e), s->expr, PREC_ASSIGN, &e->hooks);
        buf_puts(B(e), ";\n");
    }
    emit_defers(e, s->defers, false, level);
    line(e, level, "return AIT_READY;");
}

/* A jump that leaves defers behind runs them first; one that leaves none
 * is printed as written (returns false). */
static bool jump_stmt(Emit *e, Stmt *s, const char *jump, int level) {
    Vec *defers = s->defers;
    if (!defers || !defers->len)
        return false;
    line(e, level, "{");
    emit_defers(e, defers, false, level + 1);
    line(e, level + 1, "%s;", jump);
    line(e, level, "}");
    return true;
}

/* ---- blocks ---------------------------------------------------------- */

static bool is_jump(Stmt *s) {
    while (s && (s->kind == S_CASE || s->kind == S_DEFAULT || s->kind == S_LABEL))
        s = s->body;
    return s && (s->kind == S_RETURN || s->kind == S_BREAK || s->kind == S_CONTINUE ||
                 s->kind == S_GOTO);
}

/* Lowering puts code between a statement and the next case label, so
 * a fall-through the user marked in a comment is marked again here. */
static void mark_fallthrough(Emit *e, Stmt *s, int i, int level) {
    Stmt *x = s->items.data[i];
    if (i > 0 && (x->kind == S_CASE || x->kind == S_DEFAULT) && !is_jump(s->items.data[i - 1])) {
        line(e, level, "/* fallthrough */");
    }
}

/* The statements of a block and, at its end, its defers. */
static void items(Emit *e, Stmt *s, int level) {
    for (int i = 0; i < s->items.len; i++) {
        mark_fallthrough(e, s, i, level);
        stmt(e, s->items.data[i], level);
    }
    Stmt *last = s->items.len ? vec_last(&s->items) : NULL;
    bool jumps = last && (last->kind == S_RETURN || last->kind == S_BREAK ||
                          last->kind == S_CONTINUE || last->kind == S_GOTO);
    if (!jumps)   /* a block that ends in a jump ran its defers there */
        block_defers(e, s->defers, level);
}

/* ---- the statement hooks: cprint lays out the C, these print what is
 * async ---------------------------------------------------------------- */

static bool stmt_hook(void *ctx, Stmt *s, Buf *b, int level) {
    Emit *e = ctx;
    (void)b;   /* B(e) */
    if (s->kind != S_COMPOUND && s->kind != S_CASE && s->kind != S_DEFAULT &&
        s->kind != S_LABEL && s->kind != S_NULL && s->kind != S_AWAIT &&
        s->kind != S_SPAWN)   /* those print their #line after their temporary */
        out_line_directive(e, &e->c, s->loc);
    switch (s->kind) {
    case S_DECL: return decl_stmt(e, s->decl, level);
    case S_AWAIT: await_stmt(e, s, level); return true;
    case S_SPAWN: spawn_stmt(e, s, level); return true;
    case S_RETURN: return_stmt(e, s, level); return true;
    case S_BREAK: return jump_stmt(e, s, "break", level);
    case S_CONTINUE: return jump_stmt(e, s, "continue", level);
    case S_GOTO: return jump_stmt(e, s, xprintf("goto %s", s->name), level);
    case S_DEFER:
        line(e, level, "ait_f->ait_defer%d = 1;   /* armed */", s->defer_flag);
        return true;
    default:
        return false;
    }
}

/* Inside braces: a block's items and defers, or the one statement. */
static void body_hook(void *ctx, Stmt *s, Buf *b, int level) {
    Emit *e = ctx;
    (void)b;
    if (s->kind == S_COMPOUND)
        items(e, s, level);
    else
        stmt(e, s, level);
}

/* An await's or a spawn's temporary, or a local, is declared first. */
static bool starts_with_decl_hook(void *ctx, Stmt *s) {
    (void)ctx;
    if (s->kind == S_AWAIT)
        return !s->await->temp->resident;
    if (s->kind == S_SPAWN)
        return !s->spawn->temp->resident;
    if (s->kind != S_DECL)
        return false;
    Var *v = first_var(s->decl);
    return !v || !v->resident;
}

/* for (i = 0; ...) of frame-resident variables: "ait_f->i = 0". */
static bool for_init_hook(void *ctx, Decl *d, Buf *b) {
    (void)b;
    Var *v = first_var(d);
    if (!v || !v->resident)
        return false;
    for_init_assign(ctx, d);
    return true;
}

static void stmt(Emit *e, Stmt *s, int level) {
    PrintHooks h = e->hooks;
    h.stmt = stmt_hook;
    h.body = body_hook;
    h.starts_with_decl = starts_with_decl_hook;
    h.for_init = for_init_hook;
    h.brace_bodies = true;
    cprint_stmt(B(e), s, level, &h);
}

/* The body of a poll function: the lowered block's items and its defers. */
void emit_lowered(Emit *e, Stmt *s, int level) {
    if (s->kind == S_COMPOUND)
        items(e, s, level);
    else
        stmt(e, s, level);
}
