/* test_lower.c: the checks (check*.c, resolve.c) and the lowering
 * (lower.c), through their internal API: which variables a frame keeps,
 * the await points and their states, defers per exit, instances, and
 * the graph checks (recursion, boxing, send). */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "check_graph.h"
#include "lower.h"
#include "parse.h"

/* ---- helpers ---------------------------------------------------------- */

static char *diag_buf;
static size_t diag_len;
static FILE *diag;
static int errors_before;

/* Parses, checks and lowers text (one file, no imports). */
static Sema *lower_text(const char *text) {
    if (diag)
        fclose(diag);
    free(diag_buf);
    diag_buf = NULL;
    diag = open_memstream(&diag_buf, &diag_len);
    diag_set_stream(diag);
    errors_before = error_count();
    static int n;
    char *name = xprintf("t%d.ait", ++n);
    Unit *u = xalloc(sizeof *u);
    u->file = parse_file(src_add(name, xstrdup(text), strlen(text)));
    Sema *s = xalloc(sizeof *s);
    bool ok = check_unit(s, u);
    ok = check_graph(s) && ok;
    for (int i = 0; ok && i < s->futs.len; i++) {
        Fut *f = s->futs.data[i];
        if (f->body && f->kind != FUT_ABSTRACT && f->kind != FUT_EXTERN)
            lower_fut(s, f);
    }
    fflush(diag);
    return s;
}

static int errors(void) { return error_count() - errors_before; }
static const char *messages(void) { return diag_buf ? diag_buf : ""; }

static Fut *fut(Sema *s, const char *cname) {
    Fut *f = sema_fut(s, cname);
    if (!f)
        fail_msg("no future %s", cname);
    return f;
}

static Var *var(Fut *f, const char *name) {
    for (int i = 0; i < f->vars.len; i++) {
        Var *v = f->vars.data[i];
        if (!strcmp(v->name, name))
            return v;
    }
    fail_msg("no variable %s in %s", name, f->cname);
    return NULL;
}

static bool in_frame(Sema *s, const char *fn, const char *name) {
    return var(fut(s, fn), name)->in_frame;
}

static bool has_var(Vec *vars, const char *name) {
    for (int i = 0; i < vars->len; i++)
        if (!strcmp(((Var *)vars->data[i])->name, name))
            return true;
    return false;
}

static AwaitPoint *point(Fut *f, int state) { return f->low->points.data[state - 1]; }

/* Is v kept (saved, restored) at the await with this state? */
static bool kept_at(Fut *f, int state, const char *name) {
    return has_var(&point(f, state)->keep, name);
}

/* May v be unwritten where the await with this state suspends? */
static bool unassigned_at(Fut *f, int state, const char *name) {
    return has_var(&point(f, state)->unassigned, name);
}

/* ---- liveness (liveness.c) ------------------------------------------ */

/* Kept only where some path from the resumption reads before writing. */
static void test_liveness_per_await(void **state) {
    (void)state;
    Sema *s = lower_text(
        "async int one(void) { return 1; }\n"
        "async int f(int n) {\n"
        "    int rc = -1, keep = 7;\n"
        "    for (int i = 0; i < n; i++) {\n"
        "        rc = await one();\n"          /* state 1: rc written first */
        "        if (rc == 0) return i;\n"
        "        await one();\n"               /* state 2: rc read after */
        "    }\n"
        "    int late = await one();\n"        /* state 3 */
        "    return rc + late + keep;\n"
        "}\n");
    assert_int_equal(errors(), 0);
    Fut *f = fut(s, "f");
    assert_false(kept_at(f, 1, "rc"));
    assert_true(kept_at(f, 1, "i"));
    assert_true(kept_at(f, 1, "keep"));
    assert_true(kept_at(f, 1, "n"));
    assert_true(kept_at(f, 2, "rc"));
    assert_true(kept_at(f, 2, "i"));
    assert_true(kept_at(f, 3, "rc"));
    assert_false(kept_at(f, 3, "i"));      /* out of scope */
    assert_false(kept_at(f, 3, "n"));      /* not read again */
    assert_false(kept_at(f, 3, "late"));   /* written by the await */
    assert_false(var(f, "rc")->resident);
}

/* A declaration writes: a loop-body local is not loop-carried, and what
 * a pending defer reads is kept for a drop. */
static void test_liveness_decl_and_defer(void **state) {
    (void)state;
    Sema *s = lower_text(
        "%{\n#include <stdio.h>\n%}\n"
        "async int one(void) { return 1; }\n"
        "async int g(int n) {\n"
        "    int total = 0;\n"
        "    defer printf(\"%d\\n\", total);\n"
        "    while (n-- > 0) {\n"
        "        int t;\n"
        "        t = await one();\n"
        "        total += t;\n"
        "    }\n"
        "    return 0;\n"
        "}\n");
    assert_int_equal(errors(), 0);
    Fut *f = fut(s, "g");
    assert_false(kept_at(f, 1, "t"));
    assert_true(kept_at(f, 1, "total"));
    assert_true(kept_at(f, 1, "n"));
}

/* A write inside a condition ends a live range when it always happens,
 * not under && or ?:; a kept local that a suspension may reach unwritten
 * gets a zero initializer, so its save reads a value. */
static void test_liveness_writes_in_conditions(void **state) {
    (void)state;
    Sema *s = lower_text(
        "async int one(void) { return 1; }\n"
        "async int h(int c) {\n"
        "    int rc, x = 1, prev, sum = 0;\n"
        "    while ((rc = await one()) != 0) {\n"   /* state 1 */
        "        if (c && (x = rc)) break;\n"
        "        sum += rc;\n"
        "    }\n"
        "    for (int i = 0; i < c; i++) {\n"
        "        await one();\n"                    /* state 2 */
        "        if (i) sum += prev;\n"
        "        prev = i;\n"
        "    }\n"
        "    return sum + x;\n"
        "}\n");
    assert_int_equal(errors(), 0);
    Fut *f = fut(s, "h");
    assert_false(kept_at(f, 1, "rc"));
    assert_true(kept_at(f, 1, "x"));
    assert_true(kept_at(f, 2, "prev"));
    assert_true(unassigned_at(f, 2, "prev"));
    assert_false(unassigned_at(f, 2, "x"));   /* initialized */
}

/* Address-taken locals, arrays and const locals live in the frame. */
static void test_resident_locals(void **state) {
    (void)state;
    Sema *s = lower_text(
        "%{\ntypedef struct P { int x; } P;\n%}\n"
        "async int one(void) { return 1; }\n"
        "async int h(void) {\n"
        "    int a = 1, b = 2;\n"
        "    int *pa = &a;\n"
        "    int arr[2] = {0, 0};\n"
        "    const int c = 3;\n"
        "    P p = {4};\n"
        "    int *px = &p.x;\n"
        "    await one();\n"
        "    return *pa + b + arr[0] + c + *px;\n"
        "}\n");
    assert_int_equal(errors(), 0);
    Fut *f = fut(s, "h");
    assert_true(var(f, "a")->resident);
    assert_true(var(f, "arr")->resident);
    assert_true(var(f, "c")->resident);
    assert_true(var(f, "p")->resident);
    assert_false(var(f, "b")->resident);
    assert_true(kept_at(f, 1, "b"));
    assert_true(kept_at(f, 1, "pa"));
}

/* ---- placement ------------------------------------------------------ */

static void test_only_live_locals_in_frame(void **state) {
    (void)state;
    Sema *s = lower_text(
        "async int f(int n) {\n"
        "    int before = n * 2;\n"
        "    int kept = n + 1;\n"
        "    n = before;\n"
        "    await ait_yield();\n"
        "    int after = kept;\n"
        "    return after;\n"
        "}\n");
    assert_int_equal(errors(), 0);
    assert_false(in_frame(s, "f", "before"));
    assert_true(in_frame(s, "f", "kept"));
    assert_false(in_frame(s, "f", "after"));
    assert_true(in_frame(s, "f", "n"));            /* parameters always */
}

static void test_loop_carried_in_frame(void **state) {
    (void)state;
    Sema *s = lower_text(
        "async int g(void) {\n"
        "    int count = 0, scratch = 0;\n"
        "    scratch = count + 1;\n"
        "    count = scratch;\n"
        "    while (count < 3) {\n"
        "        count++;\n"
        "        await ait_yield();\n"
        "    }\n"
        "    return count;\n"
        "}\n");
    assert_int_equal(errors(), 0);
    assert_true(in_frame(s, "g", "count"));
    assert_false(in_frame(s, "g", "scratch"));
}

static void test_address_taken_and_arrays_in_frame(void **state) {
    (void)state;
    Sema *s = lower_text(
        "async int h(void) {\n"
        "    int x = 1;\n"
        "    int *p = &x;\n"
        "    char buf[16];\n"
        "    char *ptrs[2];\n"
        "    buf[0] = 0;\n"
        "    ptrs[0] = buf;\n"
        "    await ait_yield();\n"
        "    return *p;\n"
        "}\n");
    assert_int_equal(errors(), 0);
    assert_true(in_frame(s, "h", "x"));    /* p points at it across the await */
    assert_true(in_frame(s, "h", "p"));
    assert_true(in_frame(s, "h", "buf"));  /* arrays decay to pointers */
    assert_true(in_frame(s, "h", "ptrs")); /* an array of pointers is an array */
}

static void test_sibling_blocks_overlap(void **state) {
    (void)state;
    Sema *s = lower_text(
        "async int k(int c) {\n"
        "    if (c) { char a[100]; a[0] = 1; await ait_yield(); return a[0]; }\n"
        "    else   { char b[100]; b[0] = 2; await ait_yield(); return b[0]; }\n"
        "}\n");
    assert_int_equal(errors(), 0);
    Layout *ly = fut(s, "k")->low->layout;
    while (ly->kids.len == 1 && !ly->vars.len)
        ly = ly->kids.data[0];
    assert_int_equal(ly->kids.len, 2);     /* a union of the two blocks */
}

/* ---- await points, hoisting, defers --------------------------------- */

static void test_points_and_short_circuit(void **state) {
    (void)state;
    Sema *s = lower_text(
        "async int one(void) { return 1; }\n"
        "async int m(int a) {\n"
        "    if (a && await one())\n"
        "        return await one() + await one();\n"
        "    return 0;\n"
        "}\n");
    assert_int_equal(errors(), 0);
    Lowered *low = fut(s, "m")->low;
    assert_int_equal(low->points.len, 3);
    for (int i = 0; i < low->points.len; i++)
        assert_int_equal(((AwaitPoint *)low->points.data[i])->state, i + 1);
    /* the first output is live across the second await */
    AwaitPoint *second = low->points.data[1];
    assert_true(second->temp->in_frame);
}

static void test_defers_per_exit(void **state) {
    (void)state;
    Sema *s = lower_text(
        "%{\n#include <stdio.h>\n%}\n"
        "async int d(int n) {\n"
        "    defer puts(\"outer\");\n"
        "    {\n"
        "        defer puts(\"inner\");\n"
        "        await ait_yield();\n"
        "        if (n) return 1;\n"
        "    }\n"
        "    await ait_yield();\n"
        "    return 0;\n"
        "}\n");
    assert_int_equal(errors(), 0);
    Lowered *low = fut(s, "d")->low;
    assert_int_equal(low->ndefers, 2);
    assert_int_equal(((AwaitPoint *)low->points.data[0])->unwind.len, 2);
    assert_int_equal(((AwaitPoint *)low->points.data[1])->unwind.len, 1);
}

static void test_join_select(void **state) {
    (void)state;
    Sema *s = lower_text(
        "async int one(void) { return 1; }\n"
        "async int j(void) {\n"
        "    int a = 0, b = 0;\n"
        "    await join(a = one(), b = one());\n"
        "    return await select(one(), ait_sleep_ms(5)) + a + b;\n"
        "}\n");
    assert_int_equal(errors(), 0);
    Lowered *low = fut(s, "j")->low;
    assert_int_equal(low->points.len, 2);
    AwaitPoint *jp = low->points.data[0], *sp = low->points.data[1];
    assert_non_null(jp->comb);
    assert_false(jp->comb->select);
    assert_int_equal(jp->comb->calls.len, 2);
    assert_true(sp->comb->select);
    assert_true(in_frame(s, "j", "a"));    /* written when the join completes */
}

/* ---- checks --------------------------------------------------------- */

static const char *iface_src =
    "%{\ntypedef struct A { int n; } A;\ntypedef struct B { int n; } B;\n%}\n"
    "interface Cache {\n"
    "    async int get(int k);\n"
    "    async int twice(int k) { return await self->get(k) * 2; }\n"
    "}\n"
    "impl Cache for A { async int get(int k) { return k + self->n; } }\n"
    "impl Cache for B send { async int get(int k) { await ait_yield(); return k; } }\n"
    "async int report<C: Cache>(C *c) { return await c->twice(1); }\n";

static void test_instances(void **state) {
    (void)state;
    Sema *s = lower_text(iface_src);
    assert_int_equal(errors(), 0);
    assert_non_null(sema_fut(s, "A_twice"));   /* default per impl */
    assert_non_null(sema_fut(s, "B_twice"));
    assert_non_null(sema_fut(s, "report_A"));  /* generic per impl type */
    assert_non_null(sema_fut(s, "report_B"));
    assert_non_null(sema_fut(s, "Cache_get_dyn"));
    assert_true(fut(s, "report_B")->send);     /* inferred from its awaits */
    assert_false(fut(s, "report_A")->send);
}

static void test_missing_method_and_arity(void **state) {
    (void)state;
    lower_text(
        "%{\ntypedef struct M { int n; } M;\n%}\n"
        "interface I { async int a(void); async int b(int x); }\n"
        "impl I for M { async int a(void) { return await self->b(); } }\n");
    assert_int_equal(errors(), 2);
    assert_non_null(strstr(messages(), "missing method 'b'"));
    assert_non_null(strstr(messages(), "too few arguments"));
}

static void test_static_recursion_is_an_error(void **state) {
    (void)state;
    lower_text("async int r(int n) { return n ? await r(n - 1) : 0; }\n");
    assert_int_equal(errors(), 1);
    assert_non_null(strstr(messages(), "recursive await: 'r' -> 'r'"));
}

static void test_decorator_is_boxed_alone(void **state) {
    (void)state;
    Sema *s = lower_text(
        "interface P { async int run(int x); }\n"
        "struct Wrap { dyn P inner; };\n"
        "struct Leaf { int n; };\n"
        "impl P for Wrap { async int run(int x) { return await self->inner.run(x); } }\n"
        "impl P for Leaf { async int run(int x) { return x + self->n; } }\n");
    assert_int_equal(errors(), 0);
    Fut *d = fut(s, "P_run_dyn");
    assert_int_equal(d->excluded.len, 1);          /* the decorator's frame holds d */
    assert_ptr_equal(d->excluded.data[0], fut(s, "Wrap_run"));
    Vec in = {0};
    sema_inline_impls(d, &in);
    assert_int_equal(in.len, 1);                   /* Leaf stays inline */
    assert_ptr_equal(in.data[0], fut(s, "Leaf_run"));
}

static void test_send_impl_awaiting_local(void **state) {
    (void)state;
    lower_text(
        "%{\ntypedef struct L { int n; } L;\ntypedef struct S { int n; } S;\n%}\n"
        "interface Q { async int q(void); }\n"
        "impl Q for L { async int q(void) { return 1; } }\n"
        "impl Q for S send { async int q(void) { L l = {0}; return await l.q(); } }\n");
    assert_int_equal(errors(), 1);
    assert_non_null(strstr(messages(), "future is not send"));
    assert_non_null(strstr(messages(), "'L' is not declared send"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_liveness_per_await),
        cmocka_unit_test(test_liveness_decl_and_defer),
        cmocka_unit_test(test_liveness_writes_in_conditions),
        cmocka_unit_test(test_resident_locals),
        cmocka_unit_test(test_only_live_locals_in_frame),
        cmocka_unit_test(test_loop_carried_in_frame),
        cmocka_unit_test(test_address_taken_and_arrays_in_frame),
        cmocka_unit_test(test_sibling_blocks_overlap),
        cmocka_unit_test(test_points_and_short_circuit),
        cmocka_unit_test(test_defers_per_exit),
        cmocka_unit_test(test_join_select),
        cmocka_unit_test(test_instances),
        cmocka_unit_test(test_missing_method_and_arity),
        cmocka_unit_test(test_static_recursion_is_an_error),
        cmocka_unit_test(test_decorator_is_boxed_alone),
        cmocka_unit_test(test_send_impl_awaiting_local),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    if (diag)
        fclose(diag);
    free(diag_buf);
    arena_release();
    return failed;
}
