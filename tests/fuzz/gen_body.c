/* gen_body.c: gen_ait's random expressions and statements, on the .ait
 * side and the sequential side at once (see gen_ait.c's comment for what
 * they exercise and why evaluation order cannot matter). */
#include "gen_ait.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the state of the function being generated ---------------------------- */

enum { MAX_VARS = 256, MAX_DEFERS = 64 };

static const char *vars[MAX_VARS];          /* unsigned variables in scope */
static int nvars;
static char *defers[MAX_DEFERS];            /* sequential text of pending defers */
static int ndefers;
static int loop_defers = -1;                /* ndefers at the innermost loop, or -1 */
static int fresh;                           /* counter for local names */
static int budget;                          /* awaits left for this function */
static int fn_index;                        /* p<i>_f<fn_index>: may call f<k> for k < it */
static bool in_fn;                          /* in an f<k> (a, b, d in scope) */
static bool ext;                            /* and h, e: the interface features are on */

const char *new_name(const char *stem) {
    char *s = malloc(32);
    snprintf(s, 32, "%s%d", stem, fresh++);
    return s;
}

/* ---- expressions ---------------------------------------------------------- */

static void cond(int depth, bool await_ok);
static void truth(int depth, bool await_ok);

static void leaf_value(void) {
    if (nvars && chance(70))
        both("%s", vars[rnd((unsigned)nvars)]);
    else
        both("%uu", rnd(1000));
}

/* An awaited call. whole: nothing around the await (a branch of ?: may
 * only be that; the left of a comma must be free of a cast). */
static void await_call(int depth, bool whole) {
    budget--;
    int kind = (int)rnd(ext ? 12 : 9);
    if (!in_fn && kind >= 1)
        kind = 0;
    if (kind >= 9) {                          /* the interface features */
        iface_await_head();
        expr(depth - 1, true);
        both(")");
        return;
    }
    if (whole && kind == 5)
        kind = 0;
    switch (kind) {
    case 1:                                   /* static method call */
        if (chance(50)) {
            ao("await a->apply(");
            so("$Ka_apply(a, ");
        } else {
            ao("await b->apply(");
            so("$Kb_apply(b, ");
        }
        break;
    case 2:                                   /* default method, static */
        ao("await a->twice(");
        so("$Ka_twice(a, ");
        break;
    case 3:
        if (on(F_DYN)) {                      /* dyn calls */
            if (chance(50)) {
                ao("await d.apply(");
                so("$Op_apply(d, ");
            } else {
                ao("await d.twice(");
                so("$Op_twice(d, ");
            }
            break;
        }
        /* fall through */
    case 4:
        if (on(F_GENERIC)) {
            if (chance(50)) {
                ao("await $gen(a, ");
                so("$gen_Ka(a, ");
            } else {
                ao("await $gen(b, ");
                so("$gen_Kb(b, ");
            }
            break;
        }
        /* fall through */
    case 5:
        if (on(F_TRY)) {
            ao("(unsigned)await $checked(");
            so("(unsigned)$checked(");
            break;
        }
        /* fall through */
    case 6:
        if (fn_index > 0) {                   /* an earlier function */
            int k = (int)rnd((unsigned)fn_index);
            ao("await $f%d(", k);
            so("$f%d(", k);
            expr(depth - 1, true);
            both(", a, b, d%s)", ext ? ", h, e" : "");
            return;
        }
        /* fall through */
    default:
        ao("await ");
        both("$leaf%u(", rnd(4));
        break;
    }
    expr(depth - 1, true);
    both(")");
}

/* A condition: a whole await, or a comparison with a constant (never
 * "x < x", which compilers flag, nor "a * b" used as a truth value). */
static void cond(int depth, bool await_ok) {
    if (await_ok && budget > 0 && chance(25)) {
        both("(");
        await_call(depth, false);
        both(")");
        return;
    }
    static const char *const cmp[] = {"!=", "<", ">", "=="};
    both("((%s ^ ", nvars ? vars[rnd((unsigned)nvars)] : "0u");   /* never decidable */
    expr(depth, await_ok);
    const char *op = cmp[rnd(4)];             /* one statement each: a seed gives */
    unsigned k = 1 + rnd(999);                /* one program whatever the compiler */
    both(") %s %uu)", op, k);                 /* never "< 0u" */
}

/* An operand of && or ||: not a comparison (clang flags overlapping
 * ones, "x != 1 || x < 5"), not a product. */
static void truth(int depth, bool await_ok) {
    if (await_ok && budget > 0 && chance(30)) {
        both("(");
        await_call(depth, false);
        both(")");
        return;
    }
    both("((%s ^ ", nvars ? vars[rnd((unsigned)nvars)] : "0u");
    expr(depth, await_ok);
    const char *op = chance(50) ? "&" : "%";
    unsigned k = 2 + rnd(9);
    both(") %s %uu)", op, k);
}

/* An expression of type unsigned, fully parenthesized (no warning about
 * precedence, no mixed signedness). */
void expr(int depth, bool await_ok) {
    if (await_ok && budget <= 0)
        await_ok = false;
    if (depth <= 0 || chance(20)) {
        if (in_fn && ext && chance(10) && iface_plain_call(depth, await_ok))
            return;
        if (await_ok && chance(35))
            await_call(depth, false);
        else
            leaf_value();
        return;
    }
    static const char *const ops[] = {"+", "-", "*", "^", "&", "|"};
    switch (rnd(12)) {
    case 0: case 1: case 2: {
        /* The right side of ^ in parentheses: clang's -Wxor-used-as-pow
         * takes "10u ^ 669u" for a mistyped power. */
        both("(");
        expr(depth - 1, await_ok);
        const char *op = ops[rnd(6)];
        bool xor = !strcmp(op, "^");
        both(" %s %s", op, xor ? "(" : "");
        expr(depth - 1, await_ok);
        both(xor ? "))" : ")");
        break;
    }
    case 3:
        both("(");
        expr(depth - 1, await_ok);
        both(" << (");
        expr(depth - 1, await_ok);
        both(" & 7u))");
        break;
    case 4:
        both("(");
        expr(depth - 1, await_ok);
        both(" %s (", chance(50) ? "/" : "%");
        expr(depth - 1, await_ok);
        both(" | 1u))");
        break;
    case 5:                                   /* a truth value, made a number (never compared as such) */
        both("((unsigned)");
        cond(depth - 1, await_ok);
        both(" + %uu)", 1 + rnd(9));
        break;
    case 6:                                   /* && and ||: the right side runs only when C runs it */
        both("((unsigned)(");
        truth(depth - 1, await_ok);
        both(" %s ", chance(50) ? "&&" : "||");
        truth(depth - 1, await_ok);
        both(") + %uu)", 1 + rnd(9));
        break;
    case 7: {                                 /* ?: : a branch is a whole await or has none */
        both("(");
        cond(depth - 1, await_ok);
        both(" ? ");
        for (int i = 0; i < 2; i++) {
            if (i)
                both(" : ");
            if (await_ok && on(F_COND_AWAIT) && chance(40))
                await_call(depth, true);
            else
                expr(depth - 1, false);
        }
        both(")");
        break;
    }
    case 8:
        if (await_ok) {                       /* comma: an await, then a value */
            both("(");
            await_call(depth, true);
            both(", ");
            expr(depth - 1, await_ok);
            both(")");
            break;
        }
        /* fall through */
    case 9:
        both("%s(", chance(50) ? "~" : "-");
        expr(depth - 1, await_ok);
        both(")");
        break;
    default:
        if (await_ok)
            await_call(depth, false);
        else
            leaf_value();
        break;
    }
}

/* ---- statements ------------------------------------------------------------ */

static void stmts(int depth, int n);

void indent(int depth) {
    for (int i = 0; i < depth + 1; i++)
        both("    ");
}

/* The sequential side runs the pending defers (innermost first) down to
 * level `down_to` where the .ait side leaves their blocks. */
static void run_defers(int depth, int down_to) {
    for (int i = ndefers - 1; i >= down_to; i--) {
        for (int k = 0; k < depth + 1; k++)
            so("    ");
        so("%s\n", defers[i]);
    }
}

static void block(int depth, int n) {
    int saved_vars = nvars, saved_defers = ndefers;
    both("{\n");
    stmts(depth + 1, n);
    run_defers(depth + 1, saved_defers);
    for (int i = saved_defers; i < ndefers; i++)
        free(defers[i]);
    ndefers = saved_defers;
    nvars = saved_vars;
    indent(depth);
    both("}");
}

static void stmt_return(int depth) {
    indent(depth);
    /* the value is computed before the defers run */
    ao("return ");
    so("{ unsigned ret_ = ");
    expr(2, true);
    ao(";\n");
    so(";\n");
    run_defers(depth, 0);
    indent(depth);
    so("return ret_; }\n");
}

static void stmt_try(int depth) {
    /* acc += (unsigned)try await checked(E); */
    indent(depth);
    both("acc += (unsigned)");
    ao("try await $checked(");
    so("({ long long try_ = $checked(");
    expr(1, true);
    ao(");\n");
    so("); if (try_ < 0) {\n");
    run_defers(depth, 0);
    indent(depth);
    so("return (unsigned)try_; } try_; });\n");
    budget--;
}

static void stmt_loop(int depth) {
    int saved = loop_defers;
    loop_defers = ndefers;
    const char *i = new_name("i");
    indent(depth);
    switch (rnd(3)) {
    case 0:
        if (chance(50)) {                     /* awaits in the init and the step too */
            both("for (unsigned %s = (", i);
            expr(1, true);
            both(") & 0u; %s < ((%s ^ ", i, i);   /* never decidable: no "< 0" */
            expr(2, true);
            both(")) %% 3u; %s += 1u + ((", i);
            expr(1, true);
            both(") & 0u)) ");
        } else {
            both("for (unsigned %s = 0; %s < ((%s ^ ", i, i, i);
            expr(2, true);
            both(")) %% 3u; %s++) ", i);
        }
        block(depth, 1 + (int)rnd(3));
        both("\n");
        break;
    case 1:
        both("unsigned %s = 0;\n", i);
        indent(depth);
        both("while (%s < 2u && ((%s ^ ", i, i);   /* never decidable, as in cond() */
        expr(2, true);
        both(") != 5u)) {\n");
        indent(depth + 1);
        both("%s++;\n", i);
        indent(depth + 1);
        block(depth + 1, 1 + (int)rnd(3));
        both("\n");
        indent(depth);
        both("}\n");
        break;
    default:
        both("unsigned %s = 0;\n", i);
        indent(depth);
        both("do {\n");
        indent(depth + 1);
        both("%s++;\n", i);
        indent(depth + 1);
        block(depth + 1, 1 + (int)rnd(3));
        both("\n");
        indent(depth);
        both("} while (%s < 2u && (", i);
        expr(2, true);
        both(") %% 2u);\n");
        break;
    }
    loop_defers = saved;
}

static void stmt_switch(int depth) {
    indent(depth);
    both("switch ((");
    expr(2, true);
    both(") %% 4u) {\n");
    for (int c = 0; c < 3; c++) {
        indent(depth);
        if (c < 2)
            both("case %d: ", c);
        else
            both("default: ");
        block(depth, 1 + (int)rnd(2));
        both("\n");
        indent(depth + 1);
        both("break;\n");
    }
    indent(depth);
    both("}\n");
}

static void stmt_spawn(int depth) {
    const char *t = new_name("tk"), *r = new_name("r");
    indent(depth);
    ao("{\n");
    so("{\n");
    indent(depth + 1);
    ao("ait_task *%s = ", t);
    so("unsigned %s = ", r);
    if (on(F_SPAWN_COND) && chance(40)) {
        cond(1, true);
        both(" ? ");
        ao("spawn ");
        both("$leaf%u(", rnd(4));
        expr(1, false);
        both(") : ");
        ao("spawn_local ");
        both("$leaf%u(", rnd(4));
        expr(1, false);
        both(");\n");
    } else {
        ao(chance(50) ? "spawn " : "spawn_local ");
        both("$leaf%u(", rnd(4));
        expr(1, true);
        both(");\n");
    }
    indent(depth + 1);
    ao("unsigned %s = 0;\n", r);
    indent(depth + 1);
    ao("await ait_task_join(%s, &%s);\n", t, r);
    indent(depth + 1);
    both("acc += %s;\n", r);
    indent(depth);
    both("}\n");
    budget -= 2;
}

static void stmt_join(int depth) {
    const char *j = new_name("j"), *k = new_name("j");
    indent(depth);
    both("{\n");
    indent(depth + 1);
    both("unsigned %s = 0, %s = 0;\n", j, k);
    const char *jr = new_name("jr");
    indent(depth + 1);
    if (on(F_JOIN_STMT) && chance(50)) {      /* the join's own value unused */
        ao("int %s = 0; await join(%s = ", jr, j);
        so("int %s = 0; %s = ", jr, j);
    } else {
        ao("int %s = await join(%s = ", jr, j);
        so("int %s = 0; %s = ", jr, j);
    }
    both("$leaf%u(", rnd(4));
    expr(1, false);
    ao("), %s = ", k);
    so(");\n");
    indent(depth + 1);
    so("%s = ", k);
    if (in_fn && chance(50)) {
        ao("a->apply(");
        so("$Ka_apply(a, ");
    } else {
        both("$leaf%u(", rnd(4));
    }
    expr(1, false);
    ao("));\n");
    so(");\n");
    indent(depth + 1);
    both("acc += %s * 3u + %s + (unsigned)%s;\n", j, k, jr);
    indent(depth);
    both("}\n");
    budget -= 2;
}

static void stmt_select(int depth) {
    const char *v = new_name("sv"), *w = new_name("sw");
    indent(depth);
    both("{\n");
    indent(depth + 1);
    both("unsigned %s = 0;\n", v);
    indent(depth + 1);
    ao("int %s = await select(%s = ", w, v);
    so("int %s = 0; %s = ", w, v);
    both("$leaf%u(", rnd(4));
    expr(1, false);
    ao("), ait_sleep_ms(100000));\n");
    so(");\n");
    indent(depth + 1);
    both("acc += %s + (unsigned)%s;\n", v, w);
    indent(depth);
    both("}\n");
    budget -= 1;
}

static void stmt_defer_block(int depth) {
    indent(depth);
    both("{\n");
    int saved_vars = nvars, saved_defers = ndefers;
    unsigned k1 = rnd(100), k2 = rnd(1000);
    char *text = malloc(96);
    snprintf(text, 96, "$g += acc * %uu + %uu;", k1, k2);
    indent(depth + 1);
    ao("defer ");
    ao("%s\n", text);
    /* the sequential side's copy, with its own prefix */
    char *seq = malloc(96);
    snprintf(seq, 96, "%sg += acc * %uu + %uu;", seq_prefix(), k1, k2);
    free(text);
    if (ndefers < MAX_DEFERS)
        defers[ndefers++] = seq;
    stmts(depth + 1, 1 + (int)rnd(3));
    run_defers(depth + 1, saved_defers);
    for (int i = saved_defers; i < ndefers; i++)
        free(defers[i]);
    ndefers = saved_defers;
    nvars = saved_vars;
    indent(depth);
    both("}\n");
}

static void stmt(int depth) {
    int pick = (int)rnd(20);
    if (depth > 4 && pick >= 4 && pick < 16)
        pick = 0;                             /* keep nesting shallow */
    switch (pick) {
    case 0: case 1: case 2:
        indent(depth);
        both("acc = (acc * 31u) + ");
        expr(3, true);
        both(";\n");
        return;
    case 3: {
        const char *t = new_name("t");
        indent(depth);
        both("unsigned %s = ", t);
        expr(3, true);
        both(";\n");
        indent(depth);
        both("acc ^= %s;\n", t);
        if (nvars < MAX_VARS)
            vars[nvars++] = t;
        return;
    }
    case 4: case 5:
        indent(depth);
        both("if ");
        cond(2, true);
        both(" ");
        block(depth, 1 + (int)rnd(3));
        if (chance(50)) {
            both(" else ");
            block(depth, 1 + (int)rnd(3));
        }
        both("\n");
        return;
    case 6: case 7: case 8: case 9: case 10: case 11: case 12: {
        static const struct { int feature; void (*gen)(int); } kinds[] = {
            {F_LOOPS, stmt_loop}, {F_SWITCH, stmt_switch}, {F_DEFER, stmt_defer_block},
            {F_SPAWN, stmt_spawn}, {F_JOIN, stmt_join}, {F_SELECT, stmt_select},
            {F_TRY, stmt_try},
        };
        if (on(kinds[pick - 6].feature)) {
            kinds[pick - 6].gen(depth);
            return;
        }
        break;
    }
    case 13:
        if (on(F_ADDRESS)) {
            const char *p = new_name("pp");
            indent(depth);
            both("{ unsigned *%s = &acc; *%s += ", p, p);
            expr(2, true);
            both("; }\n");
            return;
        }
        break;
    case 14:
        if (on(F_ARRAY)) {
            const char *arr = new_name("arr");
            indent(depth);
            both("{ unsigned %s[3] = {", arr);
            for (int i = 0; i < 3; i++) {
                if (i)
                    both(", ");
                expr(1, true);
            }
            both("}; acc += %s[(", arr);
            expr(1, true);
            both(") %% 3u]; }\n");
            return;
        }
        break;
    case 15:
        if (on(F_BREAK) && loop_defers == ndefers) {
            indent(depth);
            both("if ");
            cond(1, true);
            both(" %s;\n", chance(50) ? "break" : "continue");
            return;
        }
        break;
    case 17:
        if (in_fn && ext && iface_stmt(depth))
            return;
        break;
    case 18:
        if (split_on() && in_fn && split_stmt(depth))
            return;
        break;
    case 16:
        indent(depth);
        both("if ");
        cond(1, true);
        both(" {\n");
        stmt_return(depth + 1);
        indent(depth);
        both("}\n");
        return;
    default:
        break;
    }
    indent(depth);
    both("acc += ");
    expr(2, true);
    both(";\n");
}

static void stmts(int depth, int n) {
    for (int i = 0; i < n; i++)
        stmt(depth);
}


/* nstmts random statements at depth, with about `awaits` awaits, after
 * the caller's "unsigned acc = x ^ K;". fn >= 0: in p<i>_f<fn>, which
 * has a, b, d (and with ext_on, h and e) in scope and may call f<k>,
 * k < fn. */
void body_statements(int depth, int nstmts, int awaits, int fn, bool ext_on) {
    fn_index = fn < 0 ? 0 : fn;
    in_fn = fn >= 0;
    ext = ext_on;
    nvars = 0;
    ndefers = 0;
    loop_defers = -1;
    budget = awaits;
    vars[nvars++] = "x";
    vars[nvars++] = "acc";
    stmts(depth, nstmts);
}

/* The function's final expression is written: no f<k> in scope now. */
void end_functions(void) { in_fn = false; }
