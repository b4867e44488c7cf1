/* frame_est.c: frame sizes as aitc estimates them, for the frame report
 * and the large-frame warning when no C compiler is asked.
 *
 * Exact sizes are the C compiler's (F_FRAME_SIZE; --frame-report=cc asks
 * it); aitc estimates from the types it can size (scalars, pointers,
 * arrays of literal length, frames) and says when a type it could not
 * size makes the figure a lower bound. Each future is estimated once and
 * remembered: a chain of n futures, each embedding the previous one's
 * frame, costs n, not n^2. */
#include <stdlib.h>
#include <string.h>
#include "check_graph.h"
#include "frame_est.h"

/* A future's entry: its estimate, or that it is being estimated (a cycle
 * through dyn storage, which the estimate does not follow twice). */
typedef struct EstEntry {
    Est est;
    bool busy;
} EstEntry;

static size_t word_size(const char *w) {
    if (strstr(w, "long double")) return 16;
    if (strstr(w, "double") || strstr(w, "long")) return 8;
    if (strstr(w, "char") || strstr(w, "_Bool")) return 1;
    if (strstr(w, "short")) return 2;
    return 4;
}

static size_t name_size(const char *n) {
    static const struct { const char *name; size_t size; } known[] = {
        {"size_t", 8}, {"ssize_t", 8}, {"intptr_t", 8}, {"uintptr_t", 8}, {"ptrdiff_t", 8},
        {"int64_t", 8}, {"uint64_t", 8}, {"int32_t", 4}, {"uint32_t", 4}, {"int16_t", 2},
        {"uint16_t", 2}, {"int8_t", 1}, {"uint8_t", 1}, {"bool", 1}, {"off_t", 8},
        {"time_t", 8}, {"ait_unit", 1}, {"ait_poll", 4}, {NULL, 0}};
    for (int i = 0; known[i].name; i++)
        if (!strcmp(known[i].name, n))
            return known[i].size;
    return 0;
}

static Est type_est(Fut *f, DeclSpec *spec, Declarator *d) {
    size_t mul = 1;
    for (; d; d = d->inner) {
        if (d->kind == D_POINTER)
            return (Est){8 * mul, true};
        if (d->kind == D_ARRAY) {
            if (!d->size || d->size->kind != E_INT)
                return (Est){0, false};
            mul *= strtoul(d->size->text, NULL, 0);
        }
    }
    switch (spec->kind) {
    case BT_WORDS: return (Est){word_size(spec->words) * mul, true};
    case BT_DYN: case BT_SEND_DYN: return (Est){16 * mul, true};
    case BT_NAME: {
        size_t n = name_size(sema_subst(f, spec->name));
        return (Est){n * mul, n != 0};
    }
    default: return (Est){0, false};
    }
}

static Est fut_est(FrameEstimator *fe, Fut *f);

static Est var_est(Fut *f, Var *v) {
    if (v->is_temp && !v->spec)
        return (Est){8, false};
    if (v->is_param && !strcmp(v->name, "self"))
        return (Est){8, true};
    return type_est(f, v->spec, v->decl);
}

static Est layout_est(Fut *f, Layout *ly) {
    Est e = {0, true}, kids = {0, true};
    for (int i = 0; i < ly->vars.len; i++) {
        Est v = var_est(f, ly->vars.data[i]);
        e.size += v.size;
        e.exact &= v.exact;
    }
    for (int i = 0; i < ly->kids.len; i++) {
        Est k = layout_est(f, ly->kids.data[i]);
        if (k.size > kids.size)
            kids.size = k.size;
        kids.exact &= k.exact;
    }
    return (Est){e.size + kids.size, e.exact && kids.exact};
}

static Est compute(FrameEstimator *fe, Fut *f) {
    switch (f->kind) {
    case FUT_PRELUDE: return (Est){strcmp(f->cname, "ait_yield") ? 24 : 4, true};
    case FUT_EXTERN: case FUT_ABSTRACT: return (Est){0, false};
    case FUT_DYN: {
        Est e = {24, true};
        if (!f->iface->local)   /* its inline storage was sized by its own file */
            return (Est){24, false};
        Vec in = {0};
        sema_inline_impls(f, &in);
        for (int i = 0; i < in.len; i++) {
            Fut *g = in.data[i];
            Est k = fut_est(fe, g);
            if (k.size + 24 > e.size)
                e.size = k.size + 24;
            e.exact &= k.exact;
        }
        return e;
    }
    default: break;
    }
    if (!f->low)
        return (Est){0, false};
    Est e = {4, true}, sub = {0, true};
    for (int i = 0; i < f->params.len; i++) {
        Est v = var_est(f, f->params.data[i]);
        e.size += v.size;
        e.exact &= v.exact;
    }
    for (int i = 0; i < f->low->points.len; i++) {
        AwaitPoint *ap = f->low->points.data[i];
        Est k = {0, true};
        if (ap->comb) {   /* operands side by side, with their outputs */
            for (int j = 0; j < ap->comb->calls.len; j++) {
                Est x = fut_est(fe, ((Expr *)ap->comb->calls.data[j])->call->fut);
                k.size += x.size + 8;
                k.exact &= x.exact;
            }
        } else {
            k = fut_est(fe, ap->await->lhs->call->fut);
        }
        if (k.size > sub.size)
            sub.size = k.size;
        sub.exact &= k.exact;
    }
    Est l = layout_est(f, f->low->layout);
    return (Est){e.size + sub.size + l.size, e.exact && sub.exact && l.exact};
}

static Est fut_est(FrameEstimator *fe, Fut *f) {
    EstEntry *en = map_get(&fe->memo, f->cname);
    if (en)
        return en->busy ? (Est){0, false} : en->est;
    en = xalloc(sizeof *en);
    en->busy = true;
    map_put(&fe->memo, f->cname, en);
    en->est = compute(fe, f);
    en->busy = false;
    return en->est;
}

Est frame_estimate(FrameEstimator *fe, Fut *f) { return fut_est(fe, f); }
