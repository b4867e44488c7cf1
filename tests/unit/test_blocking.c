/* test_blocking.c: the blocking pool (ait_spawn_blocking) with hand-written
 * futures around it, as aitc would generate them. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "ait.h"

/* ---- helpers ------------------------------------------------------------- */

/* A counting allocator, atomic: job records are freed on pool threads. */
static atomic_long ca_allocs, ca_live, ca_fail_after;

static void *ca_alloc(void *ud, size_t size, size_t align) {
    (void)ud;
    long fa = atomic_load(&ca_fail_after);
    if (fa >= 0 && atomic_load(&ca_allocs) >= fa)
        return NULL;
    void *p = NULL;
    if (align < sizeof(void *))
        align = sizeof(void *);
    if (posix_memalign(&p, align, size) != 0)
        return NULL;
    atomic_fetch_add(&ca_allocs, 1);
    atomic_fetch_add(&ca_live, 1);
    return p;
}

static void ca_free(void *ud, void *p, size_t size, size_t align) {
    (void)ud;
    (void)size;
    (void)align;
    atomic_fetch_sub(&ca_live, 1);
    free(p);
}

static void use_counting_allocator(long fail_after) {
    atomic_store(&ca_allocs, 0);
    atomic_store(&ca_live, 0);
    atomic_store(&ca_fail_after, fail_after);
    ait_allocator a = { ca_alloc, ca_free, NULL };
    ait_set_allocator(&a);
}

static int teardown(void **state) {
    (void)state;
    ait_set_allocator(NULL);
    ait_blocking_config(0);
    return 0;
}

static void sleep_ms(long ms) {
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* Waits until *v == want; false only if it never comes (60 s: far past
 * any load, short of the suite's timeout). */
static bool wait_for(atomic_long *v, long want) {
    for (int i = 0; i < 60000; i++) {
        if (atomic_load(v) == want)
            return true;
        sleep_ms(1);
    }
    return atomic_load(v) == want;
}

/* ---- jobs ---------------------------------------------------------------- */

static intptr_t job_double(void *arg) { return (intptr_t)arg * 2; }

static intptr_t job_sleep(void *arg) {
    sleep_ms((long)(intptr_t)arg);
    return (intptr_t)arg + 1;
}

static atomic_long active, max_active, jobs_run;
static intptr_t job_counted(void *arg) {
    long a = atomic_fetch_add(&active, 1) + 1;
    long m = atomic_load(&max_active);
    while (a > m && !atomic_compare_exchange_weak(&max_active, &m, a)) {
    }
    if ((intptr_t)arg % 50 == 0)
        sleep_ms(1);
    atomic_fetch_sub(&active, 1);
    atomic_fetch_add(&jobs_run, 1);
    return (intptr_t)arg * 3;
}

/* job_slow_flag: sleeps arg ms, or (arg GATED) until the gate opens. */
#define GATED ((void *)(intptr_t)-1)
static atomic_long slow_done, gate;
static intptr_t job_slow_flag(void *arg) {
    if (arg == GATED)
        wait_for(&gate, 1);
    else
        sleep_ms((long)(intptr_t)arg);
    atomic_fetch_add(&slow_done, 1);
    return 7;
}

/* job_until_count: returns 51 once *arg (a spinner's count) reaches 20,
 * or -1 if it never does. */
static intptr_t job_until_count(void *arg) {
    atomic_long *count = arg;
    for (int i = 0; i < 60000 && atomic_load(count) < 20; i++)
        sleep_ms(1);
    return atomic_load(count) >= 20 ? 51 : -1;
}

static intptr_t job_shutdown(void *arg) {
    (void)arg;
    return ait_blocking_shutdown();
}

/* ---- hand-written futures ---------------------------------------------------- */

/* bjob: a task body awaiting ait_spawn_blocking(job_counted, n); output int. */
typedef struct {
    intptr_t n;
    int state;
    ait_spawn_blocking_frame b;
} bjob_frame;
static void bjob_init(void *fp, void *arg) {
    bjob_frame *f = fp;
    f->n = *(intptr_t *)arg;
    f->state = 0;
}
static ait_poll bjob_poll(void *fp, ait_cx *cx, void *out) {
    bjob_frame *f = fp;
    if (f->state == 0) {
        ait_spawn_blocking_init(&f->b, job_counted, (void *)f->n);
        f->state = 1;
    }
    intptr_t r;
    ait_poll p = ait_spawn_blocking_poll(&f->b, cx, &r);
    if (p != AIT_READY)
        return p;
    *(int *)out = (int)r;
    return AIT_READY;
}
static void bjob_drop(void *fp) {
    bjob_frame *f = fp;
    if (f->state == 1)
        ait_spawn_blocking_drop(&f->b);
}

/* joinall: the root: joins tasks[0..n) in order, summing int outputs. */
typedef struct {
    ait_task **tasks;
    int n, i;
    bool joining;
    long sum;
    ait_join_frame j;
} joinall_frame;
static ait_poll joinall_poll(void *fp, ait_cx *cx, void *out) {
    joinall_frame *f = fp;
    while (f->i < f->n) {
        if (!f->joining) {
            ait_join_init(&f->j, f->tasks[f->i]);
            f->tasks[f->i] = NULL;
            f->joining = true;
        }
        int v = 0;
        ait_poll p = ait_join_poll(&f->j, cx, &v);
        if (p != AIT_READY)
            return p;
        f->joining = false;
        f->sum += v;
        f->i++;
    }
    *(long *)out = f->sum;
    return AIT_READY;
}

/* spinner: a task that yields until *stop, counting its trips. */
typedef struct {
    atomic_int *stop;
    atomic_long *count;
    bool in_yield;
    ait_yield_frame y;
} spinner_frame;
static void spinner_init(void *fp, void *arg) {
    spinner_frame *f = fp;
    *f = *(spinner_frame *)arg;
    f->in_yield = false;
}
static ait_poll spinner_poll(void *fp, ait_cx *cx, void *out) {
    spinner_frame *f = fp;
    while (!atomic_load(f->stop)) {
        if (!f->in_yield) {
            ait_yield_init(&f->y);
            f->in_yield = true;
        }
        ait_unit u;
        ait_poll p = ait_yield_poll(&f->y, cx, &u);
        if (p != AIT_READY)
            return p;
        f->in_yield = false;
        atomic_fetch_add(f->count, 1);
    }
    *(int *)out = 0;
    return AIT_READY;
}

/* sleeper_root: spawns a spinner, awaits a blocking job that returns
 * only once the spinner has run 20 times (so the executor must keep
 * running tasks while the job blocks), stops the spinner and joins it. */
typedef struct {
    int state;
    atomic_int stop;
    atomic_long count;
    ait_task *spin;
    ait_spawn_blocking_frame b;
    ait_join_frame j;
} sleeper_frame;
static ait_poll sleeper_poll(void *fp, ait_cx *cx, void *out) {
    sleeper_frame *f = fp;
    for (;;) {
        switch (f->state) {
        case 0: {
            spinner_frame arg = { &f->stop, &f->count, false, { 0 } };
            f->spin = ait_spawn_local(cx->rt, sizeof(spinner_frame), _Alignof(spinner_frame),
                                      sizeof(int), spinner_init, &arg, spinner_poll, NULL);
            if (!f->spin)
                return ait_fail(cx, -errno);
            ait_spawn_blocking_init(&f->b, job_until_count, &f->count);
            f->state = 1;
            break;
        }
        case 1: {
            intptr_t r;
            ait_poll p = ait_spawn_blocking_poll(&f->b, cx, &r);
            if (p != AIT_READY)
                return p;
            ait_spawn_blocking_drop(&f->b);
            *(intptr_t *)out = r;
            atomic_store(&f->stop, 1);
            ait_join_init(&f->j, f->spin);
            f->spin = NULL;
            f->state = 2;
            break;
        }
        case 2: {
            int v;
            ait_poll p = ait_join_poll(&f->j, cx, &v);
            if (p != AIT_READY)
                return p;
            f->state = 3;
            return AIT_READY;
        }
        default:
            return ait_fail(cx, AIT_EPOISONED);
        }
    }
}

/* poll_once_drop: polls a blocking job once, drops it, READY. */
typedef struct {
    void *arg;                      /* job_slow_flag's */
    ait_poll first;
} once_frame;
static ait_poll once_poll(void *fp, ait_cx *cx, void *out) {
    once_frame *f = fp;
    ait_spawn_blocking_frame b;
    intptr_t r;
    ait_spawn_blocking_init(&b, job_slow_flag, f->arg);
    f->first = ait_spawn_blocking_poll(&b, cx, &r);
    ait_spawn_blocking_drop(&b);    /* b leaves scope: the record must not need it */
    *(int *)out = 1;
    return AIT_READY;
}

/* never: PENDING forever, registers nothing. */
static ait_poll never_poll(void *fp, ait_cx *cx, void *out) {
    (void)fp;
    (void)cx;
    (void)out;
    return AIT_PENDING;
}

static ait_poll blocking_erased(void *f, ait_cx *cx, void *out) {
    return ait_spawn_blocking_poll(f, cx, out);
}

/* ---- tests ----------------------------------------------------------------- */

static void test_result(void **state) {
    (void)state;
    intptr_t out = 0;
    assert_int_equal(ait_spawn_blocking_block_on(NULL, &out, job_double, (void *)21), 0);
    assert_int_equal(out, 42);
    /* a job that takes a while: the hold keeps block_on from -EDEADLK */
    ait_rt *rt = ait_rt_new(NULL);
    assert_non_null(rt);
    assert_int_equal(ait_spawn_blocking_block_on(rt, &out, job_sleep, (void *)(intptr_t)30), 0);
    assert_int_equal(out, 31);
    assert_int_equal(ait_spawn_blocking_block_on(rt, NULL, job_double, (void *)-5), 0);
    ait_rt_free(rt);

    /* by hand, under the noop context (no runtime, no hold) */
    ait_spawn_blocking_frame f;
    ait_spawn_blocking_init(&f, job_double, (void *)100);
    ait_poll p;
    for (int i = 0; i < 60000 &&
                    (p = ait_spawn_blocking_poll(&f, ait_cx_noop(), &out)) == AIT_PENDING; i++)
        sleep_ms(1);
    assert_int_equal(p, AIT_READY);
    assert_int_equal(out, 200);
    ait_cx *cx = ait_cx_noop();
    assert_int_equal(ait_spawn_blocking_poll(&f, cx, &out), AIT_ERROR);
    assert_int_equal(ait_cx_error(cx), AIT_EPOISONED);
    ait_spawn_blocking_drop(&f);

    /* fn NULL */
    ait_spawn_blocking_init(&f, NULL, NULL);
    cx = ait_cx_noop();
    assert_int_equal(ait_spawn_blocking_poll(&f, cx, &out), AIT_ERROR);
    assert_int_equal(ait_cx_error(cx), -EINVAL);
    ait_spawn_blocking_drop(&f);
}

static void test_many_jobs_bounded(void **state) {
    (void)state;
    enum { N = 1000 };
    assert_int_equal(ait_blocking_config(-1), -EINVAL);
    assert_int_equal(ait_blocking_shutdown(), 0);
    assert_int_equal(ait_blocking_config(4), 0);
    atomic_store(&active, 0);
    atomic_store(&max_active, 0);
    atomic_store(&jobs_run, 0);
    ait_rt *rt = ait_rt_new(NULL);
    assert_non_null(rt);
    static ait_task *tasks[N];
    long want = 0;
    for (intptr_t i = 0; i < N; i++) {
        tasks[i] = ait_spawn_local(rt, sizeof(bjob_frame), _Alignof(bjob_frame), sizeof(int),
                                   bjob_init, &i, bjob_poll, bjob_drop);
        assert_non_null(tasks[i]);
        want += (long)i * 3;
    }
    joinall_frame jf = { tasks, N, 0, false, 0, { NULL } };
    long sum = 0;
    assert_int_equal(ait_block_on(rt, &jf, joinall_poll, &sum), 0);
    assert_int_equal(sum, want);
    assert_int_equal(atomic_load(&jobs_run), N);
    assert_true(atomic_load(&max_active) >= 1);
    assert_true(atomic_load(&max_active) <= 4);
    assert_true(ait_blocking_threads() >= 1);
    assert_true(ait_blocking_threads() <= 4);
    ait_rt_free(rt);

    /* shutdown joins every thread; the pool restarts lazily */
    assert_int_equal(ait_blocking_shutdown(), 0);
    assert_int_equal(ait_blocking_threads(), 0);
    intptr_t out = 0;
    assert_int_equal(ait_spawn_blocking_block_on(NULL, &out, job_double, (void *)4), 0);
    assert_int_equal(out, 8);
    assert_int_equal(ait_blocking_threads(), 1);
    /* not from a pool thread */
    assert_int_equal(ait_spawn_blocking_block_on(NULL, &out, job_shutdown, NULL), 0);
    assert_int_equal(out, -EDEADLK);
}

static void test_concurrent_with_tasks(void **state) {
    (void)state;
    sleeper_frame f;
    memset(&f, 0, sizeof f);
    atomic_init(&f.stop, 0);
    atomic_init(&f.count, 0);
    intptr_t out = 0;
    assert_int_equal(ait_block_on(NULL, &f, sleeper_poll, &out), 0);
    /* the job saw the spinner run while it blocked */
    assert_int_equal(out, 51);
}

static void test_drop_before_completion(void **state) {
    (void)state;
    use_counting_allocator(-1);
    atomic_store(&slow_done, 0);
    atomic_store(&gate, 0);

    /* under the noop context: poll (submits), drop at once */
    ait_spawn_blocking_frame *f = malloc(sizeof *f);
    assert_non_null(f);
    intptr_t out = 0;
    ait_spawn_blocking_init(f, job_slow_flag, (void *)(intptr_t)30);
    assert_int_equal(ait_spawn_blocking_poll(f, ait_cx_noop(), &out), AIT_PENDING);
    assert_int_equal(atomic_load(&ca_live), 1);
    ait_spawn_blocking_drop(f);
    free(f);                        /* the frame's memory goes now */
    assert_true(wait_for(&slow_done, 1));
    assert_true(wait_for(&ca_live, 0));   /* the pool thread freed the record */

    /* under a runtime: the hold is released at the drop, so a root that
     * can never complete is reported as a deadlock, not waited on */
    ait_rt *rt = ait_rt_new(NULL);
    assert_non_null(rt);
    once_frame of = { GATED, AIT_READY };
    int one = 0;
    assert_int_equal(ait_block_on(rt, &of, once_poll, &one), 0);
    assert_int_equal(of.first, AIT_PENDING);
    assert_int_equal(ait_block_on(rt, &of, never_poll, &one), -EDEADLK);
    assert_int_equal(atomic_load(&slow_done), 1);   /* reported while the job still ran */
    atomic_store(&gate, 1);
    ait_rt_free(rt);
    assert_true(wait_for(&slow_done, 2));
    assert_true(wait_for(&ca_live, 0));

    /* a task waiting on a job, cancelled by ait_rt_free */
    rt = ait_rt_new(NULL);
    assert_non_null(rt);
    intptr_t arg = 50;
    ait_task *t = ait_spawn_local(rt, sizeof(bjob_frame), _Alignof(bjob_frame), sizeof(int),
                                  bjob_init, &arg, bjob_poll, bjob_drop);
    assert_non_null(t);
    ait_unit u;
    assert_int_equal(ait_yield_block_on(rt, &u), 0);   /* runs the task once */
    ait_task_detach(t);
    ait_rt_free(rt);                /* drops its frame while the job runs */
    sleep_ms(5);
    assert_true(wait_for(&ca_live, 0));
    ait_set_allocator(NULL);
}

static void test_enomem(void **state) {
    (void)state;
    use_counting_allocator(0);
    intptr_t out = 0;
    assert_int_equal(ait_spawn_blocking_block_on(NULL, &out, job_double, (void *)1), AIT_ENOMEM);
    ait_spawn_blocking_frame f;
    ait_spawn_blocking_init(&f, job_double, (void *)1);
    ait_cx *cx = ait_cx_noop();
    assert_int_equal(ait_spawn_blocking_poll(&f, cx, &out), AIT_ERROR);
    assert_int_equal(ait_cx_error(cx), AIT_ENOMEM);
    cx = ait_cx_noop();
    assert_int_equal(ait_spawn_blocking_poll(&f, cx, &out), AIT_ERROR);
    assert_int_equal(ait_cx_error(cx), AIT_EPOISONED);
    ait_spawn_blocking_drop(&f);
    assert_int_equal(atomic_load(&ca_live), 0);

    /* a failure inside a task reaches its join: the task is the first
     * allocation, the job record the second (refused) */
    ait_rt *rt = ait_rt_new(NULL);
    assert_non_null(rt);
    use_counting_allocator(1);
    intptr_t arg = 3;
    ait_task *t = ait_spawn_local(rt, sizeof(bjob_frame), _Alignof(bjob_frame), sizeof(int),
                                  bjob_init, &arg, bjob_poll, bjob_drop);
    assert_non_null(t);
    int v = 0;
    assert_int_equal(ait_join_block_on(rt, &v, t), AIT_ENOMEM);
    ait_rt_free(rt);
    assert_int_equal(atomic_load(&ca_live), 0);
    ait_set_allocator(NULL);

    /* and everything works again */
    ait_spawn_blocking_init(&f, job_double, (void *)8);
    assert_int_equal(ait_block_on(NULL, &f, blocking_erased, &out), 0);
    ait_spawn_blocking_drop(&f);
    assert_int_equal(out, 16);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_result, teardown),
        cmocka_unit_test_teardown(test_many_jobs_bounded, teardown),
        cmocka_unit_test_teardown(test_concurrent_with_tasks, teardown),
        cmocka_unit_test_teardown(test_drop_before_completion, teardown),
        cmocka_unit_test_teardown(test_enomem, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
