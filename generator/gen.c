/* gen.c: the generator's pipeline after parsing: checks, graph checks,
 * lowering, emission; and the frame report. */
#include <string.h>
#include "lower.h"

static Sema sema;

static bool lowered(Fut *f) {
    return f->body && f->kind != FUT_ABSTRACT && f->kind != FUT_EXTERN;
}

bool generate(Unit *u, const GenOptions *opt, Buf *header, Buf *source) {
    memset(&sema, 0, sizeof sema);
    if (!check_unit(&sema, u) || !check_graph(&sema))
        return false;
    for (int i = 0; i < sema.futs.len; i++) {
        Fut *f = sema.futs.data[i];
        if (lowered(f))
            lower_fut(&sema, f);
    }
    if (error_count())
        return false;
    emit_unit(&sema, opt, header, source);
    return error_count() == 0;
}

static void report_fut(Fut *f, FILE *out) {
    Func *fn = f->func;
    fprintf(out, "%s:%d:%d: %s: frame %s_frame, %d await%s\n", src_name(fn->loc.file),
            fn->loc.line, fn->loc.col, f->cname, f->cname, f->low->points.len,
            f->low->points.len == 1 ? "" : "s");
    for (int i = 0; i < f->low->points.len; i++) {
        AwaitPoint *ap = f->low->points.data[i];
        Target *t = ap->await->lhs->sema;
        fprintf(out, "  state %d at %d:%d awaits %s; live across it:", ap->state,
                ap->await->loc.line, ap->await->loc.col, t->fut->cname);
        if (!ap->live.len)
            fputs(" (nothing)", out);
        for (int k = 0; k < ap->live.len; k++)
            fprintf(out, " %s", ((Var *)ap->live.data[k])->name);
        fputc('\n', out);
    }
}

/* Frame sizes are the C compiler's to know: the report lists each
 * frame's contents; `sizeof` figures come from the generated
 * F_FRAME_SIZE macros (tests print them). */
void frame_report(Unit *u, FILE *out) {
    (void)u;
    for (int i = 0; i < sema.futs.len; i++) {
        Fut *f = sema.futs.data[i];
        if (f->emit && lowered(f) && f->low)
            report_fut(f, out);
    }
}
