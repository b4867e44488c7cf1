/* gen_ait.c: a structure-aware generator of random, well-formed .ait
 * programs, deterministic from a seed.
 *
 *   gen_ait [-n COUNT] [-small] [-x FEATURE]... [+x FEATURE]... SEED DIR
 *
 * writes DIR/p0.ait ... DIR/p<COUNT-1>.ait, DIR/main.c and DIR/ref.c.
 * Program i (names prefixed p<i>_) has an interface with a default
 * method, two impls (one send), leaf futures that yield, a function that
 * uses try, a generic function, and a chain of functions p<i>_f<k> whose
 * bodies are random statements and expressions with awaits in every
 * position: conditions, loop heads (for: init, test and step), arguments,
 * initializers, ?:, && and ||, comma, return, switch; static, dyn,
 * default-method and generic calls; spawn, spawn_local (also as branches
 * of ?:), join, select; defer blocks and try (-small: fewer and shorter
 * functions, for a quick run). main.c block_on's each program's entry
 * and prints its result and a global that the defers update.
 *
 * ref.c is the meaning of the same programs in plain sequential C: the
 * same random choices printed a second time, with every await a direct
 * call, every spawn+join a call, join/select their operands in order,
 * and each defer written out at every exit of its block. tests/fuzz/
 * gen_run.sh compiles both and requires the same output: aitc must
 * preserve meaning, not only avoid crashing.
 *
 * Evaluation order cannot matter: leaf futures are pure, and the defers
 * only add to the global (addition commutes), so C's unspecified order
 * of operands gives one answer.
 *
 * The interface features (super-interfaces, bounds, a dyn passed to a
 * generic, default methods, Self) are gen_iface.c's; see its comment.
 *
 * FEATURE names (all on unless listed in known_bad below): spawn join
 * select defer try dyn generic loops switch cond-await spawn-cond
 * address array break join-stmt, and gen_iface.c's super bounds
 * dyn-generic defaults self send-upcast default-body. -x turns one off,
 * +x one on. */
#include "gen_ait.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- output: two texts written side by side ----------------------------- */

typedef struct Str {
    char *p;
    size_t len, cap;
} Str;

static Str A, S;                 /* the .ait program, its sequential meaning */
static char pa[16], ps[16];      /* name prefixes: "p3_" and "s3_" */

static void put(Str *s, const char *t, size_t n) {
    if (s->len + n + 1 > s->cap) {
        s->cap = (s->len + n + 1) * 2;
        s->p = realloc(s->p, s->cap);
        if (!s->p) {
            perror("gen_ait");
            exit(2);
        }
    }
    memcpy(s->p + s->len, t, n);
    s->len += n;
    s->p[s->len] = 0;
}

/* printf into s, with '$' standing for the side's prefix. */
static void vout(Str *s, const char *prefix, const char *fmt, va_list ap) {
    char buf[4096];
    vsnprintf(buf, sizeof buf, fmt, ap);
    for (const char *p = buf; *p; p++) {
        if (*p == '$')
            put(s, prefix, strlen(prefix));
        else
            put(s, p, 1);
    }
}

void ao(const char *fmt, ...) {       /* the .ait side only */
    va_list ap;
    va_start(ap, fmt);
    vout(&A, pa, fmt, ap);
    va_end(ap);
}

void so(const char *fmt, ...) {       /* the sequential side only */
    va_list ap;
    va_start(ap, fmt);
    vout(&S, ps, fmt, ap);
    va_end(ap);
}

void both(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vout(&A, pa, fmt, ap);
    va_end(ap);
    va_start(ap, fmt);
    vout(&S, ps, fmt, ap);
    va_end(ap);
}

void so_raw(const char *text) { put(&S, text, strlen(text)); }

/* ---- randomness ---------------------------------------------------------- */

static uint64_t rng_state;

unsigned rnd(unsigned n) {            /* uniform enough in [0, n) */
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return n ? (unsigned)(rng_state >> 11) % n : 0;
}

bool chance(unsigned percent) { return rnd(100) < percent; }

/* ---- features ------------------------------------------------------------ */

static const char *const feature_names[] = {
    "spawn", "join", "select", "defer", "try", "dyn", "generic", "loops",
    "switch", "cond-await", "spawn-cond", "address", "array", "break",
    "join-stmt", "super", "bounds", "dyn-generic", "defaults", "self", "send-upcast",
    "default-body",
};
_Static_assert(sizeof feature_names / sizeof *feature_names == F_COUNT, "a name per feature");
/* Constructs that find a known aitc bug are off until it is fixed (none
 * now; "join-stmt", a join's value unused, was one). */
static const char *const known_bad[] = {NULL};
static bool feature[F_COUNT];
static bool small;                          /* -small: fewer, shorter functions */

bool on(int f) { return feature[f]; }

static int feature_index(const char *name) {
    for (int i = 0; i < F_COUNT; i++)
        if (!strcmp(feature_names[i], name))
            return i;
    fprintf(stderr, "gen_ait: unknown feature '%s'\n", name);
    exit(2);
}

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
    both(") %s %uu)", cmp[rnd(4)], 1 + rnd(999));   /* never "< 0u" */
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
    both(") %s %uu)", chance(50) ? "&" : "%", 2 + rnd(9));
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
    case 0: case 1: case 2:
        both("(");
        expr(depth - 1, await_ok);
        both(" %s ", ops[rnd(6)]);
        expr(depth - 1, await_ok);
        both(")");
        break;
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
    snprintf(seq, 96, "%sg += acc * %uu + %uu;", ps, k1, k2);
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

/* A random body over a parameter x, outside the f<k> (leaf calls only):
 * written on the .ait side, "unsigned acc = x ^ K; statements", and
 * returned as its sequential text, for a default method's copies. */
char *random_body(int nstmts) {
    size_t start = S.len;
    nvars = 0;
    ndefers = 0;
    loop_defers = -1;
    budget = 4 + (int)rnd(6);
    both("        unsigned acc = x ^ %uu;\n", rnd(1u << 16));
    vars[nvars++] = "x";
    vars[nvars++] = "acc";
    stmts(1, nstmts);
    char *text = malloc(S.len - start + 1);
    if (!text) {
        perror("gen_ait");
        exit(2);
    }
    memcpy(text, S.p + start, S.len - start + 1);
    S.len = start;
    S.p[start] = 0;
    return text;
}

/* ---- one program ------------------------------------------------------------ */

static void gen_leaves(void) {
    for (int k = 0; k < 4; k++) {
        unsigned yields = rnd(3), m = 1 + rnd(50), c = rnd(1000);
        ao("async unsigned $leaf%d(unsigned v) {\n", k);
        for (unsigned y = 0; y < yields; y++)
            ao("    await ait_yield();\n");
        ao("    return v * %uu + %uu;\n}\n\n", m, c);
        so("static unsigned $leaf%d(unsigned v) { return v * %uu + %uu; }\n", k, m, c);
    }
    ao("async int $mayfail(unsigned v) {\n    await ait_yield();\n"
       "    return v %% 7u == 3u ? -3 : (int)(v & 1023u);\n}\n\n");
    so("static int $mayfail(unsigned v) { return v %% 7u == 3u ? -3 : (int)(v & 1023u); }\n");
    ao("async int $checked(unsigned v) {\n    int r = try await $mayfail(v);\n"
       "    return r + 1;\n}\n\n");
    so("static int $checked(unsigned v) { int r = $mayfail(v); if (r < 0) return r; return r + 1; }\n");
}

static void gen_types(void) {
    ao("%%{\n#include <stdint.h>\ntypedef struct $Ka { unsigned k; } $Ka;\n"
       "typedef struct $Kb { unsigned k; } $Kb;\ntypedef struct $Kc { unsigned k; } $Kc;\n"
       "extern unsigned $g;\n%%}\n\n");
    so("typedef struct $Ka { unsigned k; } $Ka;\ntypedef struct $Kb { unsigned k; } $Kb;\n"
       "typedef struct $Op { int which; void *self; } $Op;\nunsigned $g;\n");
    iface_types();
}

/* The impls' bodies: pure, built from leaves and self->k. */
static void gen_impl(const char *type, bool send) {
    unsigned m = 1 + rnd(9), c = rnd(100);
    int leaf = (int)rnd(4);
    ao("impl $Op for $%s%s {\n    async unsigned apply(unsigned v) {\n", type, send ? " send" : "");
    ao("        unsigned w = await $leaf%d(v + self->k);\n", leaf);
    ao("        return w * %uu + %uu;\n    }\n", m, c);
    ao("    unsigned id(void) { return self->k; }\n}\n\n");
    so("static unsigned $%s_apply($%s *self, unsigned v) {\n"
       "    unsigned w = $leaf%d(v + self->k);\n    return w * %uu + %uu;\n}\n",
       type, type, leaf, m, c);
    so("static unsigned $%s_twice($%s *self, unsigned v) { return $%s_apply(self, $%s_apply(self, v)) + 1u; }\n",
       type, type, type, type);
    so("static unsigned $gen_%s($%s *c, unsigned v) { return $%s_apply(c, v ^ 5u) + $%s_twice(c, v); }\n",
       type, type, type, type);
}

static void gen_program(int prog, int nfuncs) {
    snprintf(pa, sizeof pa, "p%d_", prog);
    snprintf(ps, sizeof ps, "s%d_", prog);
    gen_types();
    gen_leaves();
    ao("interface $Op {\n    async unsigned apply(unsigned v);\n    unsigned id(void);\n"
       "    async unsigned twice(unsigned v) {\n"
       "        return await self->apply(await self->apply(v)) + 1u;\n    }\n}\n\n");
    gen_impl("Ka", true);
    gen_impl("Kb", false);
    so("static unsigned $Op_apply($Op d, unsigned v) { return d.which ? $Kb_apply(d.self, v) : $Ka_apply(d.self, v); }\n");
    so("static unsigned $Op_twice($Op d, unsigned v) { return d.which ? $Kb_twice(d.self, v) : $Ka_twice(d.self, v); }\n");
    so("static unsigned $Op_id($Op d) { return d.which ? (($Kb *)d.self)->k : (($Ka *)d.self)->k; }\n");
    ao("async unsigned $gen<C: $Op>(C *c, unsigned v) {\n"
       "    return await c->apply(v ^ 5u) + await c->twice(v);\n}\n\n");
    /* -small (make test's quick run): every fourth program, as their
     * declarations double the C that the ASan build compiles */
    ext = iface_on() && (!small || prog % 4 == 1);
    if (ext)
        iface_decls();

    for (int f = 0; f < nfuncs; f++) {
        fn_index = f;
        in_fn = true;
        nvars = 0;
        ndefers = 0;
        loop_defers = -1;
        budget = small ? 6 + (int)rnd(6) : 12 + (int)rnd(12);
        ao("async unsigned $f%d(unsigned x, $Ka *a, $Kb *b, dyn $Op d", f);
        so("static unsigned $f%d(unsigned x, $Ka *a, $Kb *b, $Op d", f);
        if (ext) {
            iface_params(true);
            iface_params(false);
        }
        both(") {\n    (void)a; (void)b; (void)d;%s\n", ext ? " (void)h; (void)e;" : "");
        both("    unsigned acc = x ^ %uu;\n", rnd(1u << 16));
        vars[nvars++] = "x";
        vars[nvars++] = "acc";
        stmts(0, small ? 2 + (int)rnd(3) : 3 + (int)rnd(5));
        both("    return acc + ");
        expr(2, true);
        both(";\n}\n\n");
    }
    in_fn = false;

    unsigned k1 = rnd(100), k2 = rnd(100);
    ao("async unsigned $entry(unsigned seed) {\n    $Ka ka = {%uu};\n    $Kb kb = {%uu};\n"
       "    dyn $Op da = $Ka_as_$Op(&ka);\n    dyn $Op db = $Kb_as_$Op(&kb);\n", k1, k2);
    so("static unsigned $entry(unsigned seed) {\n    $Ka ka = {%uu};\n    $Kb kb = {%uu};\n"
       "    $Op da = {0, &ka};\n    $Op db = {1, &kb};\n", k1, k2);
    both("    unsigned sum = seed;\n    (void)da;\n");
    if (ext)
        iface_entry();
    for (int f = 0; f < nfuncs; f++) {
        const char *d = chance(50) ? "da" : "db";
        const char *more = ext ? iface_entry_args() : "";
        ao("    sum = sum * 31u + await $f%d(sum, &ka, &kb, %s%s);\n", f, d, more);
        so("    sum = sum * 31u + $f%d(sum, &ka, &kb, %s%s);\n", f, d, more);
    }
    both("    return sum + $Op_id(db) * 7u;\n}\n");
}

/* ---- files ------------------------------------------------------------------ */

static void write_file(const char *dir, const char *name, const char *text) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "w");
    if (!fp || fputs(text, fp) < 0 || fclose(fp) != 0) {
        perror(path);
        exit(2);
    }
}

int main(int argc, char **argv) {
    int count = 1, i = 1;
    for (int f = 0; f < F_COUNT; f++)
        feature[f] = true;
    for (int k = 0; known_bad[k]; k++)
        feature[feature_index(known_bad[k])] = false;
    for (; i < argc && (argv[i][0] == '-' || argv[i][0] == '+') && argv[i][1]; i++) {
        if (!strcmp(argv[i], "-n") && i + 1 < argc)
            count = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-small"))
            small = true;
        else if ((!strcmp(argv[i], "-x") || !strcmp(argv[i], "+x")) && i + 1 < argc) {
            bool enable = argv[i][0] == '+';
            feature[feature_index(argv[++i])] = enable;
        } else
            break;
    }
    if (argc - i != 2 || count < 1) {
        fprintf(stderr, "usage: gen_ait [-n COUNT] [-small] [-x|+x FEATURE]... SEED DIR\n");
        return 2;
    }
    unsigned long long seed = strtoull(argv[i], NULL, 10);
    const char *dir = argv[i + 1];

    Str main_c = {0}, ref_c = {0};
    put(&main_c, "", 0);
    put(&ref_c, "", 0);
    Str *m = &main_c;
    char line[512];
#define EMIT(s, ...) (snprintf(line, sizeof line, __VA_ARGS__), put((s), line, strlen(line)))
    EMIT(m, "/* generated by gen_ait %llu */\n#include <stdio.h>\n", seed);
    EMIT(&ref_c, "/* generated by gen_ait %llu: the sequential meaning */\n#include <stdio.h>\n", seed);
    for (int p = 0; p < count; p++)
        EMIT(m, "#include \"p%d.h\"\n", p);
    for (int p = 0; p < count; p++) {
        rng_state = seed * 0x9E3779B97F4A7C15ull + (unsigned long long)p * 0xBF58476D1CE4E5B9ull + 1;
        for (int w = 0; w < 8; w++)
            rnd(2);
        A.len = S.len = 0;
        put(&A, "", 0);
        put(&S, "", 0);
        ao("/* generated by gen_ait %llu, program %d */\n", seed, p);
        gen_program(p, small ? 1 + (int)rnd(2) : 2 + (int)rnd(4));
        char name[32];
        snprintf(name, sizeof name, "p%d.ait", p);
        write_file(dir, name, A.p);
        put(&ref_c, S.p, S.len);
        EMIT(m, "unsigned p%d_g;\n", p);
    }
    EMIT(m, "\nint main(void) {\n    unsigned out;\n    int rc;\n");
    EMIT(&ref_c, "\nint main(void) {\n");
    for (int p = 0; p < count; p++) {
        unsigned s = (unsigned)(seed * 7 + (unsigned)p);
        EMIT(m, "    out = 0;\n    rc = p%d_entry_block_on(NULL, &out, %uu);\n"
                "    printf(\"p%d %%d %%u %%u\\n\", rc, out, p%d_g);\n", p, s, p, p);
        EMIT(&ref_c, "    { unsigned out = s%d_entry(%uu);\n"
                     "      printf(\"p%d 0 %%u %%u\\n\", out, s%d_g); }\n", p, s, p, p);
    }
    EMIT(m, "    return 0;\n}\n");
    EMIT(&ref_c, "    return 0;\n}\n");
    write_file(dir, "main.c", main_c.p);
    write_file(dir, "ref.c", ref_c.p);
    return 0;
}
