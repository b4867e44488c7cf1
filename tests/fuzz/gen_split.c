/* gen_split.c: the split feature: one program over two or three files
 * of one aitc run, which aitc generates together (a group) since the
 * later files implement interfaces the first declares.
 *
 *   p<i>.ait    the types, leaves, interfaces (with their default
 *               methods), generics, $sum_ops (dyn calls through an array
 *               of dyn $Op) and some impls;
 *   p<i>_b.ait  imports p<i>.ait: the other impls of $Op, $Nm, $Lb, $Sv
 *               (an impl of $Sv at or after its type's impls of $Nm and
 *               $Lb, whose methods its bodies call statically), impls of
 *               $Op for new types $Kd and $Ke (a local array of random
 *               size, sometimes large, held across an await; send or
 *               not), and the first functions f<k>;
 *   p<i>_c.ait  sometimes: imports both (or p<i>_b.ait only): the other
 *               functions, which await those of p<i>_b.ait, and maybe
 *               $Kd, $Ke or the decorator.
 *
 * The decorator $Dc (a struct holding a dyn $Op, whose impl of $Op
 * awaits it) lives in p<i>_b or p<i>_c. The functions hold dyn $Op of
 * the types their file sees in arrays across awaits, call p<i>.ait's
 * generic $gen for them, wrap them in a decorator, spawn a send dyn
 * call, call p<i>_b.ait's passthrough C, which uses p<i>.ait's generated
 * C (a dyn call of a plain method, a conversion to a super-interface);
 * the entry and $probe (in the last file) pass dyn $Op of every
 * type on, so a function of p<i>_b makes dyn calls into the decorator of
 * p<i>_c, which it does not see.
 *
 * main.c calls $probe, which awaits $sum_ops over a dyn $Op of each type
 * but the decorator (and $sum_sv over a dyn $Sv of $Ka and $Kc); when
 * the files were generated as one group (gen_run.sh defines
 * GEN_GROUPED), main.c checks that those dyn calls made no allocation,
 * and that the MAX_FRAME of every async method of every interface is at
 * least the frame of each impl's method. One of the files asks for
 * "%instance $gen(dyn $Op);", which main.c calls with a dyn $Op that it
 * makes of a new type.
 *
 * Every draw here is made with split on only: with it off, a seed gives
 * the programs it gave before. */
#include "gen_ait.h"

#include <stdio.h>
#include <string.h>

enum { MAX_NEW = 3, FIRST_WHICH = 3 };   /* sequential $Op.which: Ka 0, Kb 1, new types 3.. */

typedef struct NewType {
    const char *name;           /* "Kd", "Ke" or, the decorator, "Dc" */
    int file;
    bool send, deco;
    unsigned pad;               /* plain: unsigned pad[pad] across the await */
} NewType;

static struct {
    int prog;                   /* p<prog>_ */
    int nfiles;                 /* 1: split off */
    int impl_file[4][3];        /* SPLIT_OP..SPLIT_SV, per type Ka Kb Kc */
    NewType nt[MAX_NEW];
    int nnew;
    int fn_in_b;                /* f<k>, k < fn_in_b, in p<i>_b, the rest in the last file */
    int fn_file;                /* the file of the function being written */
    bool peek_sv;               /* p<i>_b.ait's passthrough has $peek_sv */
} Q;

static const char *const plain_names[2] = {"Kd", "Ke"};
static const char *const entry_names[MAX_NEW] = {"nd0", "nd1", "nd2"};

int split_nfiles(void) { return Q.nfiles; }

int split_impl_file(int iface, int type) { return Q.nfiles > 1 ? Q.impl_file[iface][type] : 0; }

static int max_int(int a, int b) { return a > b ? a : b; }

bool split_on(void) { return Q.nfiles > 1; }

void split_begin(int prog, int nfuncs, bool split) {
    memset(&Q, 0, sizeof Q);
    Q.nfiles = 1;
    if (!split)
        return;
    Q.prog = prog;
    Q.nfiles = chance(40) ? 3 : 2;
    for (int t = 0; t < 3; t++) {
        Q.impl_file[SPLIT_OP][t] = (int)rnd(2);
        Q.impl_file[SPLIT_NM][t] = (int)rnd(2);
        Q.impl_file[SPLIT_LB][t] = (int)rnd(2);
        int sv = (int)rnd(2);
        sv = max_int(sv, Q.impl_file[SPLIT_NM][t]);
        Q.impl_file[SPLIT_SV][t] = max_int(sv, Q.impl_file[SPLIT_LB][t]);
    }
    int nplain = 1 + (int)rnd(2);
    for (int i = 0; i < nplain; i++) {
        NewType *n = &Q.nt[Q.nnew++];
        n->name = plain_names[i];
        n->file = Q.nfiles == 3 && chance(30) ? 2 : 1;
        n->send = chance(50);
        n->pad = chance(35) ? 128 + rnd(1024) : 1 + rnd(16);
    }
    if (chance(75)) {
        NewType *n = &Q.nt[Q.nnew++];
        n->name = "Dc";
        n->deco = true;
        n->file = Q.nfiles == 3 && chance(60) ? 2 : 1;
    }
    Q.fn_in_b = Q.nfiles == 3 ? (int)rnd((unsigned)nfuncs + 1) : nfuncs;
    to_file(1);
    ao("import \"p%d.ait\";\n\n", prog);
    if (Q.nfiles == 3) {
        to_file(2);
        if (chance(30))             /* p<i>.ait through p<i>_b.ait */
            ao("import \"p%d_b.ait\";\n\n", prog);
        else if (chance(50))
            ao("import \"p%d_b.ait\";\nimport \"p%d.ait\";\n\n", prog, prog);
        else
            ao("import \"p%d.ait\";\nimport \"p%d_b.ait\";\n\n", prog, prog);
    }
    to_file(0);
}

/* ---- the new types' impls of $Op ---------------------------------------------- */

static void plain_impl(NewType *n) {
    const char *T = n->name;
    unsigned m = 1 + rnd(9), c = rnd(100);
    int leaf = (int)rnd(4);
    if (chance(50))
        ao("%%{\ntypedef struct $%s { unsigned k; } $%s;\n%%}\n\n", T, T);
    else
        ao("struct $%s {\n    unsigned k;\n};\n\n", T);
    so("typedef struct $%s { unsigned k; } $%s;\n", T, T);
    ao("impl $Op for $%s%s {\n    async unsigned apply(unsigned v) {\n        unsigned pad[%u];\n"
       "        for (unsigned i = 0; i < %uu; i++)\n            pad[i] = v + i;\n",
       T, n->send ? " send" : "", n->pad, n->pad);
    ao("        unsigned w = await $leaf%d(v + self->k);\n"
       "        return w * %uu + %uu + pad[w %% %uu];\n    }\n", leaf, m, c, n->pad);
    ao("    unsigned id(void) { return self->k; }\n}\n\n");
    so("static unsigned $%s_apply($%s *self, unsigned v) {\n    unsigned w = $leaf%d(v + self->k);\n"
       "    return w * %uu + %uu + (v + w %% %uu);\n}\n", T, T, leaf, m, c, n->pad);
    op_seq_derived(T);
    so("static unsigned $%s_id($%s *self) { return self->k; }\n", T, T);
}

/* An impl holding a dyn of its own interface: aitc keeps it out of the
 * dyn frames' inline storage (it would contain itself). */
static void decorator_impl(void) {
    unsigned kx = rnd(1000), m = 1 + rnd(9);
    bool twice = chance(50);
    ao("struct $Dc {\n    dyn $Op inner;\n    unsigned k;\n};\n\n");
    so("typedef struct $Dc { $Op inner; unsigned k; } $Dc;\n");
    ao("impl $Op for $Dc {\n    async unsigned apply(unsigned v) {\n"
       "        unsigned w = await self->inner.apply(v ^ %uu);\n        return w * %uu + self->k;\n    }\n",
       kx, m);
    so("static unsigned $Dc_apply($Dc *self, unsigned v) { return $Op_apply(self->inner, v ^ %uu) * %uu + self->k; }\n",
       kx, m);
    if (twice) {                /* overrides the default, awaiting the inner's */
        ao("    async unsigned twice(unsigned v) {\n        return await self->inner.twice(v) + self->k;\n    }\n");
        so("static unsigned $Dc_twice($Dc *self, unsigned v) { return $Op_twice(self->inner, v) + self->k; }\n");
        so("static unsigned $gen_Dc($Dc *c, unsigned v) { return $Dc_apply(c, v ^ 5u) + $Dc_twice(c, v); }\n");
    } else {
        op_seq_derived("Dc");
    }
    ao("    unsigned id(void) { return self->k + self->inner.id(); }\n}\n\n");
    so("static unsigned $Dc_id($Dc *self) { return self->k + $Op_id(self->inner); }\n");
}

/* The sequential $Op's dyn calls: a switch on the type. */
static void dispatch(const char *m, bool arg) {
    so("static unsigned $Op_%s($Op d%s) {\n    switch (d.which) {\n", m, arg ? ", unsigned v" : "");
    if (arg)
        so("    case 0: return $Ka_%s(d.self, v);\n    case 1: return $Kb_%s(d.self, v);\n", m, m);
    else
        so("    case 0: return (($Ka *)d.self)->k;\n    case 1: return (($Kb *)d.self)->k;\n");
    for (int i = 0; i < Q.nnew; i++)
        so("    case %d: return $%s_%s(d.self%s);\n", FIRST_WHICH + i, Q.nt[i].name, m, arg ? ", v" : "");
    so("    }\n    return 0;\n}\n");
}

void split_impls(void) {
    so("static unsigned $Op_apply($Op d, unsigned v);\nstatic unsigned $Op_twice($Op d, unsigned v);\n"
       "static unsigned $Op_id($Op d);\n");
    for (int i = 0; i < Q.nnew; i++) {
        to_file(Q.nt[i].file);
        if (Q.nt[i].deco)
            decorator_impl();
        else
            plain_impl(&Q.nt[i]);
    }
    /* passthrough C of p<i>_b.ait using p<i>.ait's generated C: a dyn
     * call of a plain method */
    to_file(1);
    ao("%%{\nstatic inline unsigned $peek($Op_dyn d) { return $Op_id(d) * 3u + 1u; }\n%%}\n\n");
    to_file(0);
    dispatch("apply", true);
    dispatch("twice", true);
    dispatch("id", false);
    so("static unsigned $gen_sdyn($Op d, unsigned v) { return $Op_apply(d, v ^ 5u) + $Op_twice(d, v); }\n");
    so("static unsigned $peek($Op d) { return $Op_id(d) * 3u + 1u; }\n");
    /* in p<i>.ait: dyn calls into impls of the files that import it */
    ao("async unsigned $sum_ops(dyn $Op *ops, unsigned n, unsigned v) {\n    unsigned s = 0;\n"
       "    for (unsigned i = 0; i < n; i++)\n"
       "        s = s * 3u + await ops[i].apply(v + i) + await ops[i].twice(v ^ i);\n    return s;\n}\n\n");
    so("static unsigned $sum_ops($Op *ops, unsigned n, unsigned v) {\n    unsigned s = 0;\n"
       "    for (unsigned i = 0; i < n; i++)\n"
       "        s = s * 3u + $Op_apply(ops[i], v + i) + $Op_twice(ops[i], v ^ i);\n    return s;\n}\n");
}

/* With the interface features, after the interfaces: passthrough C of
 * p<i>_b.ait converting a dyn $Sv to its super-interface $Nm. */
void split_ext(bool ext) {
    if (!split_on() || !ext || !on(F_SUPER))
        return;
    Q.peek_sv = true;
    to_file(1);
    ao("%%{\nstatic inline unsigned $peek_sv($Sv_dyn e) { return $Nm_tag($Sv_dyn_as_$Nm(e)); }\n%%}\n\n");
    to_file(0);
    so("static unsigned $peek_sv($Sv e) { $Nm n = {e.which, e.self}; return $Nm_tag(n); }\n");
}

/* ---- the functions -------------------------------------------------------------- */

void split_to_function(int f) {
    if (Q.nfiles == 1)
        return;
    Q.fn_file = f < Q.fn_in_b ? 1 : Q.nfiles - 1;
    to_file(Q.fn_file);
}

/* A new type the function's file sees (index in Q.nt), deco or plain;
 * -1 when none. */
static int visible(bool deco) {
    int pick = -1, seen = 0;
    for (int i = 0; i < Q.nnew; i++)
        if (Q.nt[i].deco == deco && Q.nt[i].file <= Q.fn_file && rnd((unsigned)++seen) == 0)
            pick = i;
    return pick;
}

/* A send dyn $Op of obj, whose apply is spawned and joined. */
static void send_spawn(int depth, const char *type, int which, const char *obj) {
    const char *sd = new_name("sd"), *tk = new_name("stk"), *r = new_name("sr");
    indent(depth);
    ao("send dyn $Op %s = $%s_as_$Op_send(&%s);\n", sd, type, obj);
    so("$Op %s = {%d, &%s};\n", sd, which, obj);
    indent(depth);
    ao("ait_task *%s = spawn %s.apply(", tk, sd);
    so("unsigned %s = $Op_apply(%s, ", r, sd);
    expr(1, true);
    both(");\n");
    indent(depth);
    ao("unsigned %s = 0;\n", r);
    indent(depth);
    ao("await ait_task_join(%s, &%s);\n", tk, r);
    indent(depth);
    both("acc += %s;\n", r);
}

/* { T o = {K}; dyn $Op oa[2] = {T_as_$Op(&o), d}; acc += await oa[E].apply(E);
 *   the generic for T and for a dyn; a decorator around oa[i]; a spawn } */
bool split_stmt(int depth) {
    int n = chance(75) ? visible(false) : -1;
    const char *T = n >= 0 ? Q.nt[n].name : chance(50) ? "Ka" : "Kb";
    int which = n >= 0 ? FIRST_WHICH + n : !strcmp(T, "Ka") ? 0 : 1;
    bool send = n >= 0 ? Q.nt[n].send : which == 0;
    const char *o = new_name("o"), *arr = new_name("oa");
    bool first = chance(50);
    unsigned k = rnd(100);
    indent(depth);
    both("{\n");
    indent(depth + 1);
    both("$%s %s = {%uu};\n", T, o, k);
    indent(depth + 1);
    if (first) {
        ao("dyn $Op %s[2] = { $%s_as_$Op(&%s), d };\n", arr, T, o);
        so("$Op %s[2] = { {%d, &%s}, d };\n", arr, which, o);
    } else {
        ao("dyn $Op %s[2] = { d, $%s_as_$Op(&%s) };\n", arr, T, o);
        so("$Op %s[2] = { d, {%d, &%s} };\n", arr, which, o);
    }
    indent(depth + 1);
    ao("acc += await %s[(", arr);
    so("acc += $Op_apply(%s[(", arr);
    expr(1, true);
    ao(") %% 2u].apply(");
    so(") %% 2u], ");
    expr(1, true);
    both(");\n");
    if (on(F_GENERIC) && chance(60)) {  /* p<i>.ait's generic for a type of another file */
        indent(depth + 1);
        ao("acc += await $gen(&%s, ", o);
        so("acc += $gen_%s(&%s, ", T, o);
        expr(1, true);
        both(");\n");
    }
    if (on(F_DYN_GENERIC) && chance(40)) {
        indent(depth + 1);
        int i = (int)rnd(2);
        ao("acc += await $gen(&%s[%d], ", arr, i);
        so("acc += $gen_sdyn(%s[%d], ", arr, i);
        expr(1, true);
        both(");\n");
    }
    int dc = chance(60) ? visible(true) : -1;
    if (dc >= 0) {                      /* a decorator around one of them */
        const char *w = new_name("dw"), *dw = new_name("dd");
        int i = (int)rnd(2);
        unsigned kd = rnd(100);
        indent(depth + 1);
        both("$Dc %s = { %s[%d], %uu };\n", w, arr, i, kd);
        indent(depth + 1);
        ao("dyn $Op %s = $Dc_as_$Op(&%s);\n", dw, w);
        so("$Op %s = {%d, &%s};\n", dw, FIRST_WHICH + dc, w);
        indent(depth + 1);
        bool tw = chance(50);
        ao("acc += await %s.%s(", dw, tw ? "twice" : "apply");
        so("acc += $Op_%s(%s, ", tw ? "twice" : "apply", dw);
        expr(1, true);
        both(");\n");
    }
    if (chance(30)) {                   /* p<i>_b.ait's passthrough C */
        indent(depth + 1);
        if (Q.peek_sv && chance(50)) {
            both("acc += $peek_sv(e);\n");
        } else {
            int i = (int)rnd(2);
            both("acc += $peek(%s[%d]);\n", arr, i);
        }
    }
    if (send && on(F_SPAWN) && chance(40))
        send_spawn(depth + 1, T, which, o);
    indent(depth);
    both("}\n");
    return true;
}

/* ---- the entry and the probe ------------------------------------------------------ */

void split_entry(void) {
    for (int i = 0; i < Q.nnew; i++) {
        NewType *n = &Q.nt[i];
        unsigned k = rnd(100);
        if (n->deco) {
            int from = (int)rnd((unsigned)i + 2);   /* da, db or an earlier new one */
            const char *inner = from == 0 ? "da" : from == 1 ? "db" : entry_names[from - 2];
            both("    $Dc dc = { %s, %uu };\n", inner, k);
            ao("    dyn $Op %s = $Dc_as_$Op(&dc);\n", entry_names[i]);
            so("    $Op %s = {%d, &dc};\n", entry_names[i], FIRST_WHICH + i);
        } else {
            both("    $%s nk%d = {%uu};\n", n->name, i, k);
            ao("    dyn $Op %s = $%s_as_$Op(&nk%d);\n", entry_names[i], n->name, i);
            so("    $Op %s = {%d, &nk%d};\n", entry_names[i], FIRST_WHICH + i, i);
        }
        both("    (void)%s;\n", entry_names[i]);
    }
}

const char *split_entry_dyn(const char *d) {
    if (chance(40))
        return d;
    return entry_names[rnd((unsigned)Q.nnew)];
}

const char *split_entry_id(void) {
    static char text[32];
    text[0] = 0;
    for (int i = 0; i < Q.nnew; i++)
        if (Q.nt[i].deco)
            snprintf(text, sizeof text, " + $Op_id(%s)", entry_names[i]);
    return text;
}

/* $probe: $sum_ops over a dyn $Op of every type but the decorator. */
static void probe(bool ext) {
    const char *type[2 + MAX_NEW];
    int which[2 + MAX_NEW], n = 0;
    type[n] = "Ka", which[n++] = 0;
    type[n] = "Kb", which[n++] = 1;
    for (int i = 0; i < Q.nnew; i++)
        if (!Q.nt[i].deco)
            type[n] = Q.nt[i].name, which[n++] = FIRST_WHICH + i;
    for (int i = n - 1; i > 0; i--) {   /* in a random order */
        int r = (int)rnd((unsigned)i + 1);
        const char *t = type[i];
        int w = which[i];
        type[i] = type[r], which[i] = which[r];
        type[r] = t, which[r] = w;
    }
    ao("\nasync unsigned $probe(unsigned v) {\n");
    so("static unsigned $probe(unsigned v) {\n");
    for (int i = 0; i < n; i++) {
        unsigned k = rnd(100);
        both("    $%s q%d = {%uu};\n", type[i], i, k);
    }
    ao("    dyn $Op ops[%d] = {", n);
    so("    $Op ops[%d] = {", n);
    for (int i = 0; i < n; i++) {
        ao("%s$%s_as_$Op(&q%d)", i ? ", " : " ", type[i], i);
        so("%s{%d, &q%d}", i ? ", " : " ", which[i], i);
    }
    both(" };\n");
    int j = (int)rnd((unsigned)n);
    ao("    unsigned s = await $sum_ops(ops, %du, v);\n", n);
    so("    unsigned s = $sum_ops(ops, %du, v);\n", n);
    if (ext) {                          /* $Sv's impls for $Ka and $Kc */
        unsigned ka = rnd(100), kc = rnd(100);
        both("    $Ka sa = {%uu};\n    $Kc sc = {%uu};\n", ka, kc);
        ao("    dyn $Sv svs[2] = { $Ka_as_$Sv(&sa), $Kc_as_$Sv(&sc) };\n"
           "    s += await $sum_sv(svs, 2u, v);\n");
        so("    $Sv svs[2] = { {0, &sa}, {2, &sc} };\n    s += $sum_sv(svs, 2u, v);\n");
    }
    ao("    return s + await ops[%d].twice(v);\n}\n", j);
    so("    return s + $Op_twice(ops[%d], v);\n}\n", j);
}

/* In p<i>.ait, after the interfaces: dyn calls of $Sv's methods that
 * allocate nothing (mixed may spawn), the super-interface's bump too. */
static void sum_sv(void) {
    const char *more = on(F_DEFAULTS) ? " + await svs[i].served2(v ^ i)" : "";
    const char *super = on(F_SUPER) ? " + await svs[i].bump(v)" : "";
    to_file(0);
    ao("async unsigned $sum_sv(dyn $Sv *svs, unsigned n, unsigned v) {\n    unsigned s = 0;\n"
       "    for (unsigned i = 0; i < n; i++)\n        s = s * 5u + await svs[i].serve(v + i)%s%s;\n"
       "    return s;\n}\n\n", more, super);
    so("static unsigned $sum_sv($Sv *svs, unsigned n, unsigned v) {\n    unsigned s = 0;\n"
       "    for (unsigned i = 0; i < n; i++)\n        s = s * 5u + $Sv_serve(svs[i], v + i)%s%s;\n"
       "    return s;\n}\n", on(F_DEFAULTS) ? " + $Sv_served2(svs[i], v ^ i)" : "",
       on(F_SUPER) ? " + $Sv_bump(svs[i], v)" : "");
    to_file(Q.nfiles - 1);
}

static void frame_check(const char *iface, const char *method, const char *type) {
    mo("_Static_assert($%s_%s_MAX_FRAME >= $%s_%s_FRAME_SIZE, \"$%s_%s inline\");\n",
       iface, method, type, method, type, method);
}

/* %instance $gen(dyn $Op); in one of the files, for main.c to call with
 * a dyn $Op of a type of p<i>_b or p<i>_c (the instance is
 * $gen_$Op_dyn in p<i>.ait, which declares both, else
 * $gen_$Op_dyn_in_FILE). */
static void instance_line(void) {
    static const char *const suffix[3] = {"", "_b", "_c"};
    int file = (int)rnd((unsigned)Q.nfiles);
    Q.fn_file = Q.nfiles - 1;
    int n = visible(false);             /* a plain new type: there is one */
    unsigned k = rnd(100), v = rnd(1000);
    to_file(file);
    ao("%%instance $gen(dyn $Op);\n\n");
    to_file(Q.nfiles - 1);
    char name[64];
    if (file)
        snprintf(name, sizeof name, "$gen_$Op_dyn_in_p%d%s", Q.prog, suffix[file]);
    else
        snprintf(name, sizeof name, "$gen_$Op_dyn");
    const char *T = Q.nt[n].name;
    main_line("    { $%s mk = { %uu };\n      $Op_dyn md = $%s_as_$Op(&mk);\n"
              "      rc = %s_block_on(NULL, &out, &md, %uu);\n"
              "      printf(\"p%d inst %%d %%u\\n\", rc, out); }\n", T, k, T, name, v, Q.prog);
    ref_main_line("    { $%s mk = { %uu };\n      $Op md = {%d, &mk};\n"
                  "      printf(\"p%d inst 0 %%u\\n\", $gen_sdyn(md, %uu)); }\n",
                  T, k, FIRST_WHICH + n, Q.prog, v);
}

void split_end(bool ext) {
    if (ext)
        sum_sv();
    probe(ext);
    instance_line();
    static const char *const op_types[2] = {"Ka", "Kb"};
    for (int i = 0; i < 2 + Q.nnew; i++) {
        const char *T = i < 2 ? op_types[i] : Q.nt[i - 2].name;
        frame_check("Op", "apply", T);
        frame_check("Op", "twice", T);
    }
    if (!ext)
        return;
    static const char *const all[3] = {"Ka", "Kb", "Kc"};
    for (int t = 0; t < 3; t++) {
        frame_check("Nm", "bump", all[t]);
        if (on(F_DEFAULTS))
            frame_check("Nm", "spun", all[t]);
        if (t == 1)
            continue;
        frame_check("Sv", "serve", all[t]);
        if (on(F_DEFAULTS))
            frame_check("Sv", "served2", all[t]);
        if (on(F_DEFAULT_BODY))
            frame_check("Sv", "mixed", all[t]);
    }
}
