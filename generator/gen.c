/* gen.c: the generator's pipeline after parsing: checks, graph checks,
 * lowering, emission; and the frame report. */
#include <stdlib.h>
#include <string.h>
#include "lower.h"

static Sema sema;

static bool lowered(Fut *f) {
    return f->body && f->kind != FUT_ABSTRACT && f->kind != FUT_EXTERN;
}

/* ---- frame size estimates ------------------------------------------
 * Exact sizes are the C compiler's (F_FRAME_SIZE); aitc estimates from
 * the types it can size (scalars, pointers, arrays of literal length,
 * frames) for the report and the large-frame warning, and says when a
 * type it could not size makes the figure a lower bound. */

typedef struct Est {
    size_t size;
    bool exact;
} Est;

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

static Est fut_est(Sema *s, Fut *f);

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

static Est fut_est(Sema *s, Fut *f) {
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
            Est k = fut_est(s, g);
            if (k.size + 24 > e.size)
                e.size = k.size + 24;
            e.exact &= k.exact;
        }
        return e;
    }
    default: break;
    }
    if (!f->low || f->visit == 3)   /* 3: being estimated (a cycle) */
        return (Est){0, false};
    int saved = f->visit;
    f->visit = 3;
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
                Est x = fut_est(s, ((Target *)((Expr *)ap->comb->calls.data[j])->sema)->fut);
                k.size += x.size + 8;
                k.exact &= x.exact;
            }
        } else {
            k = fut_est(s, ((Target *)ap->await->lhs->sema)->fut);
        }
        if (k.size > sub.size)
            sub.size = k.size;
        sub.exact &= k.exact;
    }
    Est l = layout_est(f, f->low->layout);
    f->visit = saved;
    return (Est){e.size + sub.size + l.size, e.exact && sub.exact && l.exact};
}

static void report_fut(Fut *f, FILE *out) {
    Func *fn = f->func;
    Est est = fut_est(&sema, f);
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

bool generate(Unit *u, const GenOptions *opt, Buf *header, Buf *source) {
    memset(&sema, 0, sizeof sema);
    bool ok = check_unit(&sema, u);
    ok = check_graph(&sema) && ok;
    if (!ok)
        return false;
    for (int i = 0; i < sema.futs.len; i++) {
        Fut *f = sema.futs.data[i];
        if (lowered(f))
            lower_fut(&sema, f);
    }
    if (error_count())
        return false;
    for (int i = 0; i < sema.futs.len; i++) {
        Fut *f = sema.futs.data[i];
        size_t limit = opt->large_frame ? opt->large_frame : 16384;
        if (f->emit && f->low && fut_est(&sema, f).size > limit)
            warn_at(f->loc, "large-frame", "the frame of '%s' is about %zu bytes; consider "
                    "boxing a large callee with a dyn call", f->cname, fut_est(&sema, f).size);
    }
    emit_unit(&sema, opt, header, source);
    return error_count() == 0;
}
