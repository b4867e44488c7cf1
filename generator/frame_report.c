/* frame_report.c: --frame-report, every future's frame (its size and, per
 * await, the variables held across it). */
#include "frame_est.h"

static void report_fut(Unit *u, Fut *f, FILE *out) {
    Func *fn = f->func;
    Est est = frame_estimate(u->frames, f);
    fprintf(out, "%s:%d:%d: %s: frame %s_frame, about %s%zu bytes, %d await%s\n",
            src_name(fn->loc.file), fn->loc.line, fn->loc.col, f->cname, f->cname,
            est.exact ? "" : ">= ", est.size, f->low->points.len,
            f->low->points.len == 1 ? "" : "s");
    for (int i = 0; i < f->low->points.len; i++) {
        AwaitPoint *ap = f->low->points.data[i];
        fprintf(out, "  state %d at %d:%d awaits ", ap->state, ap->await->loc.line,
                ap->await->loc.col);
        if (ap->comb) {
            fprintf(out, "%s(", ap->comb->select ? "select" : "join");
            for (int j = 0; j < ap->comb->calls.len; j++)
                fprintf(out, "%s%s", j ? ", " : "",
                        ((Target *)((Expr *)ap->comb->calls.data[j])->sema)->fut->cname);
            fputc(')', out);
        } else {
            fputs(((Target *)ap->await->lhs->sema)->fut->cname, out);
        }
        fputs("; live across it:", out);
        if (!ap->crossing.len)
            fputs(" (nothing)", out);
        for (int k = 0; k < ap->crossing.len; k++)
            fprintf(out, " %s", ((Var *)ap->crossing.data[k])->name);
        fputc('\n', out);
    }
}

/* The sizes here are aitc's estimates; the exact ones are the C
 * compiler's (the generated F_FRAME_SIZE). */
void frame_report(Unit *u, FILE *out) {
    Sema *s = u->sema;
    for (int i = 0; s && i < s->futs.len; i++) {
        Fut *f = s->futs.data[i];
        if (f->emit && gen_lowered(f) && f->low)
            report_fut(u, f, out);
    }
}
