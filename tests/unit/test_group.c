/* test_group.c: task groups. Join in finish order, join_all with an
 * error, abort_all and free with pending tasks (every frame dropped once,
 * every block freed), spawn failure inside a loop under an allocator that
 * fails (nothing leaks, at every failure point), try_join_next, a
 * pending join dropped, and many send tasks on 2 workers (also under
 * TSan). Tasks finish by yielding or by waiting for ever on a timer: no
 * test depends on timing. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "ait.h"

/* ---- a counting allocator that can fail ------------------------------------------ */

static struct {
    atomic_long allocs, frees;
    long fail_after;            /* < 0: never; N: every alloc after the first N fails */
} ca;

static void *ca_alloc(void *ud, size_t size, size_t align) {
    (void)ud;
    if (ca.fail_after >= 0 && atomic_load(&ca.allocs) >= ca.fail_after)
        return NULL;
    void *p = NULL;
    if (align < sizeof(void *))
        align = sizeof(void *);
    if (posix_memalign(&p, align, size) != 0)
        return NULL;
    atomic_fetch_add(&ca.allocs, 1);
    return p;
}
static void ca_free(void *ud, void *p, size_t size, size_t align) {
    (void)ud;
    (void)size;
    (void)align;
    atomic_fetch_add(&ca.frees, 1);
    free(p);
}
static void use_counting_allocator(long fail_after) {
    atomic_store(&ca.allocs, 0);
    atomic_store(&ca.frees, 0);
    ca.fail_after = fail_after;
    ait_allocator a = { ca_alloc, ca_free, NULL };
    ait_set_allocator(&a);
}
static long ca_live(void) { return atomic_load(&ca.allocs) - atomic_load(&ca.frees); }
static int teardown(void **state) {
    (void)state;
    ait_set_allocator(NULL);
    return 0;
}

/* ---- work: yields `yields` times, then outputs value (< 0: fails with it);
 * forever: waits on a one-hour timer instead (pending until aborted). -------- */

typedef struct {
    int yields, value;
    bool forever;
} work_spec;

typedef struct {
    work_spec spec;
    bool sleeping;
    ait_sleep_ms_frame sleep;
} work_frame;

static atomic_int work_drops;

static void work_init(void *fp, void *arg) {
    work_frame *f = fp;
    f->spec = *(work_spec *)arg;
    f->sleeping = false;
}
static ait_poll work_poll(void *fp, ait_cx *cx, void *out) {
    work_frame *f = fp;
    if (f->spec.forever) {
        if (!f->sleeping) {
            ait_sleep_ms_init(&f->sleep, 3600 * 1000);
            f->sleeping = true;
        }
        ait_unit u;
        return ait_sleep_ms_poll(&f->sleep, cx, &u) == AIT_PENDING ? AIT_PENDING : ait_fail(cx, -EIO);
    }
    if (f->spec.yields > 0) {
        f->spec.yields--;
        ait_waker_wake_by_ref(&cx->waker);
        return AIT_PENDING;
    }
    if (f->spec.value < 0)
        return ait_fail(cx, f->spec.value);
    *(int *)out = f->spec.value;
    return AIT_READY;
}
static void work_drop(void *fp) {
    work_frame *f = fp;
    if (f->sleeping)
        ait_sleep_ms_drop(&f->sleep);
    atomic_fetch_add(&work_drops, 1);
}

static int spawn_work(ait_group *g, ait_rt *rt, bool send, work_spec spec) {
    return (send ? ait_group_spawn : ait_group_spawn_local)(
        g, rt, sizeof(work_frame), _Alignof(work_frame), sizeof(int), work_init, &spec,
        work_poll, work_drop);
}

/* ---- tests ----------------------------------------------------------------------- */

static void test_join_next_order(void **state) {
    (void)state;
    use_counting_allocator(-1);
    atomic_store(&work_drops, 0);
    ait_rt *rt = ait_rt_new(NULL);
    assert_non_null(rt);
    ait_group *g = ait_group_new();
    assert_non_null(g);
    int rc, out = 0;
    assert_int_equal(ait_group_try_join_next(g, &out), -ECHILD);
    assert_int_equal(spawn_work(g, rt, false, (work_spec){ 3, 30, false }), 0);
    assert_int_equal(spawn_work(g, rt, false, (work_spec){ 1, 10, false }), 0);
    assert_int_equal(spawn_work(g, rt, true, (work_spec){ 2, 20, false }), 0);
    assert_int_equal(ait_group_len(g), 3);
    assert_int_equal(ait_group_try_join_next(g, &out), -EAGAIN);   /* none ran yet */
    /* Current-thread, round robin: they finish in order of their yields. */
    int want[] = { 10, 20, 30 };
    for (int i = 0; i < 3; i++) {
        assert_int_equal(ait_group_join_next_block_on(rt, &rc, g, &out), 0);
        assert_int_equal(rc, 0);
        assert_int_equal(out, want[i]);
        assert_int_equal(ait_group_len(g), (size_t)(2 - i));
    }
    assert_int_equal(ait_group_join_next_block_on(rt, &rc, g, &out), 0);
    assert_int_equal(rc, -ECHILD);
    assert_int_equal(atomic_load(&work_drops), 3);
    ait_group_free(g);
    ait_rt_free(rt);
    assert_int_equal(ca_live(), 0);
}

static void test_join_all_error(void **state) {
    (void)state;
    use_counting_allocator(-1);
    ait_rt *rt = ait_rt_new(NULL);
    assert_non_null(rt);
    ait_group *g = ait_group_new();
    assert_non_null(g);
    assert_int_equal(spawn_work(g, rt, false, (work_spec){ 0, 1, false }), 0);
    assert_int_equal(spawn_work(g, rt, false, (work_spec){ 2, -EIO, false }), 0);
    assert_int_equal(spawn_work(g, rt, false, (work_spec){ 4, -EPIPE, false }), 0);
    int rc = 0;
    assert_int_equal(ait_group_join_all_block_on(rt, &rc, g), 0);
    assert_int_equal(rc, -EIO);                 /* the first error to finish */
    assert_int_equal(ait_group_len(g), 0);
    assert_int_equal(ait_group_join_all_block_on(rt, &rc, g), 0);
    assert_int_equal(rc, 0);                    /* empty: nothing failed */
    ait_group_free(g);
    ait_rt_free(rt);
    assert_int_equal(ca_live(), 0);
}

static void test_abort_all(void **state) {
    (void)state;
    use_counting_allocator(-1);
    atomic_store(&work_drops, 0);
    ait_rt *rt = ait_rt_new(NULL);
    assert_non_null(rt);
    ait_group *g = ait_group_new();
    assert_non_null(g);
    for (int i = 0; i < 5; i++)
        assert_int_equal(spawn_work(g, rt, i % 2, (work_spec){ 0, 0, true }), 0);
    assert_int_equal(spawn_work(g, rt, false, (work_spec){ 0, 7, false }), 0);
    /* Let them all start; the one that can finish does. */
    int rc, out = 0;
    assert_int_equal(ait_group_join_next_block_on(rt, &rc, g, &out), 0);
    assert_int_equal(rc, 0);
    assert_int_equal(out, 7);
    assert_int_equal(ait_group_try_join_next(g, &out), -EAGAIN);
    ait_group_abort_all(g);
    assert_int_equal(atomic_load(&work_drops), 6);  /* dropped now, defers run */
    assert_int_equal(ait_group_len(g), 5);
    for (int i = 0; i < 5; i++)
        assert_int_equal(ait_group_try_join_next(g, NULL), AIT_ECANCELED);
    assert_int_equal(ait_group_try_join_next(g, NULL), -ECHILD);
    ait_group_free(g);
    ait_rt_free(rt);
    assert_int_equal(ca_live(), 0);
}

/* Dropping a group with pending tasks aborts them and releases them; a
 * pending join_next dropped first leaves the group as it was. */
static void test_free_pending(void **state) {
    (void)state;
    use_counting_allocator(-1);
    atomic_store(&work_drops, 0);
    ait_rt *rt = ait_rt_new(NULL);
    assert_non_null(rt);
    ait_group *g = ait_group_new();
    assert_non_null(g);
    for (int i = 0; i < 4; i++)
        assert_int_equal(spawn_work(g, rt, false, (work_spec){ 0, 0, true }), 0);
    ait_group_join_next_frame j;
    ait_group_join_next_init(&j, g, NULL);
    ait_cx cx = { ait_waker_noop(), rt, 0 };
    int rc = 0;
    assert_int_equal(ait_group_join_next_poll(&j, &cx, &rc), AIT_PENDING);
    ait_group_join_next_drop(&j);
    assert_int_equal(ait_group_len(g), 4);
    ait_group_free(g);
    assert_int_equal(atomic_load(&work_drops), 4);
    ait_rt_free(rt);
    assert_int_equal(ca_live(), 0);
}

/* A spawn loop that fails part way, at every possible allocation: what
 * was spawned is released by ait_group_free, nothing leaks. */
static void test_spawn_failure_in_loop(void **state) {
    (void)state;
    for (long fail_at = 0; fail_at < 24; fail_at++) {
        use_counting_allocator(-1);
        atomic_store(&work_drops, 0);
        ait_rt *rt = ait_rt_new(NULL);
        assert_non_null(rt);
        ca.fail_after = fail_at + atomic_load(&ca.allocs);
        ait_group *g = ait_group_new();
        int spawned = 0, rc = 0;
        if (g) {
            for (int i = 0; i < 10; i++) {
                rc = spawn_work(g, rt, i % 2, (work_spec){ 0, 0, true });
                if (rc < 0)
                    break;
                spawned++;
            }
            assert_true(spawned == 10 || rc == AIT_ENOMEM);
            ait_group_free(g);
        }
        assert_int_equal(atomic_load(&work_drops), spawned);
        ca.fail_after = -1;
        ait_rt_free(rt);
        assert_int_equal(ca_live(), 0);
    }
}

/* ait_group_add: a NULL handle (a failed spawn) and a failed record. */
static void test_add(void **state) {
    (void)state;
    use_counting_allocator(-1);
    atomic_store(&work_drops, 0);
    ait_rt *rt = ait_rt_new(NULL);
    assert_non_null(rt);
    ait_group *g = ait_group_new();
    assert_non_null(g);
    errno = ENOMEM;
    assert_int_equal(ait_group_add(g, NULL), -ENOMEM);
    work_spec spec = { 0, 5, false };
    ait_task *t = ait_spawn_local(rt, sizeof(work_frame), _Alignof(work_frame), sizeof(int),
                                  work_init, &spec, work_poll, work_drop);
    assert_non_null(t);
    ca.fail_after = atomic_load(&ca.allocs);    /* the record cannot be made */
    assert_int_equal(ait_group_add(g, t), AIT_ENOMEM);
    assert_int_equal(atomic_load(&work_drops), 1);     /* aborted, released */
    ca.fail_after = -1;
    t = ait_spawn_local(rt, sizeof(work_frame), _Alignof(work_frame), sizeof(int), work_init,
                        &spec, work_poll, work_drop);
    assert_int_equal(ait_group_add(g, t), 0);
    int rc, out = 0;
    assert_int_equal(ait_group_join_next_block_on(rt, &rc, g, &out), 0);
    assert_int_equal(out, 5);
    ait_group_free(g);
    ait_group_free(NULL);
    ait_rt_free(rt);
    assert_int_equal(ca_live(), 0);
}

/* Many send tasks on two workers: every result once. Then a group freed
 * while its tasks run on the workers. */
static void test_mt(void **state) {
    (void)state;
    use_counting_allocator(-1);
    atomic_store(&work_drops, 0);
    ait_rt *rt = ait_rt_new(&(ait_rt_config){ .workers = 2 });
    assert_non_null(rt);
    ait_group *g = ait_group_new();
    assert_non_null(g);
    enum { N = 300 };
    for (int i = 0; i < N; i++)
        assert_int_equal(spawn_work(g, rt, true, (work_spec){ i % 5, i, false }), 0);
    long sum = 0;
    static bool seen[N];
    memset(seen, 0, sizeof seen);
    for (int i = 0; i < N; i++) {
        int rc = -1, out = -1;
        assert_int_equal(ait_group_join_next_block_on(rt, &rc, g, &out), 0);
        assert_int_equal(rc, 0);
        assert_true(out >= 0 && out < N && !seen[out]);
        seen[out] = true;
        sum += out;
    }
    assert_int_equal(sum, (long)N * (N - 1) / 2);
    for (int i = 0; i < N; i++)
        assert_int_equal(spawn_work(g, rt, true, (work_spec){ i % 50, i, i % 3 == 0 }), 0);
    ait_group_free(g);                  /* racing the workers */
    ait_rt_free(rt);
    assert_int_equal(atomic_load(&work_drops), 2 * N);
    assert_int_equal(ca_live(), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_join_next_order, teardown),
        cmocka_unit_test_teardown(test_join_all_error, teardown),
        cmocka_unit_test_teardown(test_abort_all, teardown),
        cmocka_unit_test_teardown(test_free_pending, teardown),
        cmocka_unit_test_teardown(test_spawn_failure_in_loop, teardown),
        cmocka_unit_test_teardown(test_add, teardown),
        cmocka_unit_test_teardown(test_mt, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
