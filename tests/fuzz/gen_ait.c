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
 * The statements and expressions are gen_body.c's; the interface
 * features (super-interfaces, bounds, a dyn passed to a generic, default
 * methods, Self) gen_iface.c's, see its comment. A seed gives the same
 * programs whatever compiler built gen_ait: no two random draws are
 * arguments of one call (their order would be unspecified).
 *
 * With split (gen_split.c, see its comment), a program spreads over two
 * or three files of one aitc run: p<i>.ait (interfaces, generics, some
 * impls), p<i>_b.ait importing it (the other impls, impls of new types
 * with frames of random sizes, a decorator, functions) and sometimes
 * p<i>_c.ait importing both; main.c includes the headers in a random
 * order, calls p<i>_probe too and, when gen_run.sh defines GEN_GROUPED
 * (the files generated together), checks that dyn calls into the other
 * files' impls make no allocation and fit every impl's frame in
 * MAX_FRAME. -small splits every other program.
 *
 * FEATURE names (all on unless listed in known_bad below): spawn join
 * select defer try dyn generic loops switch cond-await spawn-cond
 * address array break join-stmt, gen_iface.c's super bounds
 * dyn-generic defaults self send-upcast default-body self-struct, and
 * gen_split.c's split. -x turns one off, +x one on. With split off a
 * seed gives the programs it gave before split existed. */
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

static Str A[3], S;              /* the .ait program's files, its sequential meaning */
static int af;                   /* the file ao() writes: 0 p<i>.ait, 1 p<i>_b, 2 p<i>_c */
static Str MD;                   /* main.c's checks of grouped programs (mo) */
static Str MC, RC;               /* this program's lines in main.c's and ref.c's main */
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
    vout(&A[af], pa, fmt, ap);
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
    vout(&A[af], pa, fmt, ap);
    va_end(ap);
    va_start(ap, fmt);
    vout(&S, ps, fmt, ap);
    va_end(ap);
}

void mo(const char *fmt, ...) {       /* main.c, under #ifdef GEN_GROUPED */
    va_list ap;
    va_start(ap, fmt);
    vout(&MD, pa, fmt, ap);
    va_end(ap);
}

void main_line(const char *fmt, ...) {  /* main.c's main, after the program's entry */
    va_list ap;
    va_start(ap, fmt);
    vout(&MC, pa, fmt, ap);
    va_end(ap);
}

void ref_main_line(const char *fmt, ...) {  /* the same in ref.c */
    va_list ap;
    va_start(ap, fmt);
    vout(&RC, ps, fmt, ap);
    va_end(ap);
}

void to_file(int k) { af = k; }

const char *seq_prefix(void) { return ps; }

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
    "default-body", "self-struct", "split",
};
_Static_assert(sizeof feature_names / sizeof *feature_names == F_COUNT, "a name per feature");
/* Constructs that find a known aitc bug are off until it is fixed
 * ("join-stmt", a join's value unused, was one; "self-struct", a struct
 * of Self or a type parameter declared in a body and kept in the frame,
 * was another). None now. */
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

static char *dup_text(const char *t) {
    char *d = malloc(strlen(t) + 1);
    if (!d) {
        perror("gen_ait");
        exit(2);
    }
    return strcpy(d, t);
}

/* A random body over a parameter x, outside the f<k> (leaf calls only):
 * written on the .ait side, "unsigned acc = x ^ K; statements", and
 * returned as its sequential text, for a default method's copies. */
char *random_body(int nstmts) {
    size_t start = S.len;
    int awaits = 4 + (int)rnd(6);
    both("        unsigned acc = x ^ %uu;\n", rnd(1u << 16));
    body_statements(1, nstmts, awaits, -1, false);
    char *text = dup_text(S.p + start);
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

/* The sequential side of $Op's default twice, and of $gen, for a type
 * with $type_apply. */
void op_seq_derived(const char *type) {
    so("static unsigned $%s_twice($%s *self, unsigned v) { return $%s_apply(self, $%s_apply(self, v)) + 1u; }\n",
       type, type, type, type);
    so("static unsigned $gen_%s($%s *c, unsigned v) { return $%s_apply(c, v ^ 5u) + $%s_twice(c, v); }\n",
       type, type, type, type);
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
    op_seq_derived(type);
}

static void gen_program(int prog, int nfuncs) {
    snprintf(pa, sizeof pa, "p%d_", prog);
    snprintf(ps, sizeof ps, "s%d_", prog);
    to_file(0);
    /* -small: every other program, ext's among them (the C of split
     * programs is larger) */
    split_begin(prog, nfuncs, on(F_SPLIT) && (!small || prog % 2 == 1));
    gen_types();
    gen_leaves();
    ao("interface $Op {\n    async unsigned apply(unsigned v);\n    unsigned id(void);\n"
       "    async unsigned twice(unsigned v) {\n"
       "        return await self->apply(await self->apply(v)) + 1u;\n    }\n}\n\n");
    to_file(split_impl_file(SPLIT_OP, 0));
    gen_impl("Ka", true);
    to_file(split_impl_file(SPLIT_OP, 1));
    gen_impl("Kb", false);
    to_file(0);
    if (split_on()) {
        split_impls();
    } else {
        so("static unsigned $Op_apply($Op d, unsigned v) { return d.which ? $Kb_apply(d.self, v) : $Ka_apply(d.self, v); }\n");
        so("static unsigned $Op_twice($Op d, unsigned v) { return d.which ? $Kb_twice(d.self, v) : $Ka_twice(d.self, v); }\n");
        so("static unsigned $Op_id($Op d) { return d.which ? (($Kb *)d.self)->k : (($Ka *)d.self)->k; }\n");
    }
    ao("async unsigned $gen<C: $Op>(C *c, unsigned v) {\n"
       "    return await c->apply(v ^ 5u) + await c->twice(v);\n}\n\n");
    /* -small (make test's quick run): every fourth program, as their
     * declarations double the C that the ASan build compiles */
    bool ext = iface_on() && (!small || prog % 4 == 1);
    if (ext)
        iface_decls();
    split_ext(ext);

    for (int f = 0; f < nfuncs; f++) {
        split_to_function(f);
        int budget = small ? 6 + (int)rnd(6) : 12 + (int)rnd(12);
        ao("async unsigned $f%d(unsigned x, $Ka *a, $Kb *b, dyn $Op d", f);
        so("static unsigned $f%d(unsigned x, $Ka *a, $Kb *b, $Op d", f);
        if (ext) {
            iface_params(true);
            iface_params(false);
        }
        both(") {\n    (void)a; (void)b; (void)d;%s\n", ext ? " (void)h; (void)e;" : "");
        both("    unsigned acc = x ^ %uu;\n", rnd(1u << 16));
        body_statements(0, small ? 2 + (int)rnd(3) : 3 + (int)rnd(5), budget, f, ext);
        both("    return acc + ");
        expr(2, true);
        both(";\n}\n\n");
    }
    end_functions();
    to_file(split_nfiles() - 1);

    unsigned k1 = rnd(100), k2 = rnd(100);
    ao("async unsigned $entry(unsigned seed) {\n    $Ka ka = {%uu};\n    $Kb kb = {%uu};\n"
       "    dyn $Op da = $Ka_as_$Op(&ka);\n    dyn $Op db = $Kb_as_$Op(&kb);\n", k1, k2);
    so("static unsigned $entry(unsigned seed) {\n    $Ka ka = {%uu};\n    $Kb kb = {%uu};\n"
       "    $Op da = {0, &ka};\n    $Op db = {1, &kb};\n", k1, k2);
    both("    unsigned sum = seed;\n    (void)da;\n");
    if (ext)
        iface_entry();
    if (split_on())
        split_entry();
    for (int f = 0; f < nfuncs; f++) {
        const char *d = chance(50) ? "da" : "db";
        if (split_on())
            d = split_entry_dyn(d);
        const char *more = ext ? iface_entry_args() : "";
        ao("    sum = sum * 31u + await $f%d(sum, &ka, &kb, %s%s);\n", f, d, more);
        so("    sum = sum * 31u + $f%d(sum, &ka, &kb, %s%s);\n", f, d, more);
    }
    both("    return sum + $Op_id(db) * 7u%s;\n}\n", split_on() ? split_entry_id() : "");
    if (split_on())
        split_end(ext);
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
    Str globals = {0}, *gl = &globals;
    put(gl, "", 0);
    int *nfiles = calloc((size_t)count, sizeof *nfiles);
    bool *probe = calloc((size_t)count, sizeof *probe);
    char **calls = calloc((size_t)count, sizeof *calls), **ref_calls = calloc((size_t)count, sizeof *calls);
    if (!nfiles || !probe || !calls || !ref_calls) {
        perror("gen_ait");
        return 2;
    }
    static const char *const suffix[3] = {"", "_b", "_c"};
    for (int p = 0; p < count; p++) {
        rng_state = seed * 0x9E3779B97F4A7C15ull + (unsigned long long)p * 0xBF58476D1CE4E5B9ull + 1;
        for (int w = 0; w < 8; w++)
            rnd(2);
        for (int k = 0; k < 3; k++) {
            A[k].len = 0;
            put(&A[k], "", 0);
        }
        S.len = MC.len = RC.len = 0;
        put(&S, "", 0);
        put(&MC, "", 0);
        put(&RC, "", 0);
        to_file(0);
        ao("/* generated by gen_ait %llu, program %d */\n", seed, p);
        to_file(1);
        ao("/* generated by gen_ait %llu, program %d, its second file */\n", seed, p);
        to_file(2);
        ao("/* generated by gen_ait %llu, program %d, its third file */\n", seed, p);
        gen_program(p, small ? 1 + (int)rnd(2) : 2 + (int)rnd(4));
        nfiles[p] = split_nfiles();
        probe[p] = split_on();
        calls[p] = dup_text(MC.p);
        ref_calls[p] = dup_text(RC.p);
        for (int k = 0; k < nfiles[p]; k++) {
            char name[32];
            snprintf(name, sizeof name, "p%d%s.ait", p, suffix[k]);
            write_file(dir, name, A[k].p);
        }
        put(&ref_c, S.p, S.len);
        EMIT(gl, "unsigned p%d_g;\n", p);
    }
    /* the headers, in a random order with split: any may come first */
    int nh = 0;
    char (*headers)[32] = calloc((size_t)count * 3, sizeof *headers);
    if (!headers) {
        perror("gen_ait");
        return 2;
    }
    for (int p = 0; p < count; p++)
        for (int k = 0; k < nfiles[p]; k++)
            snprintf(headers[nh++], sizeof *headers, "p%d%s.h", p, suffix[k]);
    if (on(F_SPLIT)) {
        rng_state = seed * 0xD6E8FEB86659FD93ull + 7;
        for (int k = nh - 1; k > 0; k--) {
            int r = (int)rnd((unsigned)k + 1);
            char tmp[32];
            memcpy(tmp, headers[k], sizeof tmp);
            memcpy(headers[k], headers[r], sizeof tmp);
            memcpy(headers[r], tmp, sizeof tmp);
        }
    }
    for (int k = 0; k < nh; k++)
        EMIT(m, "#include \"%s\"\n", headers[k]);
    put(m, globals.p, globals.len);
    if (MD.len) {        /* checks that hold when each program's files are one group */
        EMIT(m, "\n#ifdef GEN_GROUPED\n");
        put(m, MD.p, MD.len);
        EMIT(m, "#endif\n");
    }
    EMIT(m, "\nint main(void) {\n    unsigned out;\n    int rc;\n");
    if (on(F_SPLIT))
        EMIT(m, "    ait_alloc_stats st;\n    (void)st;\n");
    EMIT(&ref_c, "\nint main(void) {\n");
    for (int p = 0; p < count; p++) {
        unsigned s = (unsigned)(seed * 7 + (unsigned)p);
        EMIT(m, "    out = 0;\n    rc = p%d_entry_block_on(NULL, &out, %uu);\n"
                "    printf(\"p%d %%d %%u %%u\\n\", rc, out, p%d_g);\n", p, s, p, p);
        EMIT(&ref_c, "    { unsigned out = s%d_entry(%uu);\n"
                     "      printf(\"p%d 0 %%u %%u\\n\", out, s%d_g); }\n", p, s, p, p);
        if (!probe[p])
            continue;
        /* dyn calls into impls of the program's other files: no
         * allocation when the files are generated together (the second
         * call: the first may fill the allocator's caches) */
        EMIT(m, "    rc = p%d_probe_block_on(NULL, &out, %uu);\n    ait_alloc_stats_reset();\n"
                "    rc = p%d_probe_block_on(NULL, &out, %uu);\n    st = ait_alloc_stats_get();\n"
                "    printf(\"p%d probe %%d %%u\\n\", rc, out);\n", p, s, p, s, p);
        EMIT(m, "#ifdef GEN_GROUPED\n    if (st.allocs)\n"
                "        printf(\"p%d probe: %%llu allocations\\n\", (unsigned long long)st.allocs);\n"
                "#endif\n", p);
        EMIT(&ref_c, "    printf(\"p%d probe 0 %%u\\n\", s%d_probe(%uu));\n", p, p, s);
        put(m, calls[p], strlen(calls[p]));
        put(&ref_c, ref_calls[p], strlen(ref_calls[p]));
    }
    EMIT(m, "    return 0;\n}\n");
    EMIT(&ref_c, "    return 0;\n}\n");
    write_file(dir, "main.c", main_c.p);
    write_file(dir, "ref.c", ref_c.p);
    return 0;
}
