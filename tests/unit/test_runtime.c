/* test_runtime.c: unit tests of libait, with hand-written futures (a frame
 * struct and a poll function written by hand, as aitc would generate). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <pthread.h>
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

/* A counting allocator: every live block is tracked, so a double free or a
 * leak shows in the counts (and ASan catches the rest). */
static struct {
    long allocs, frees, live;
    long fail_after;            /* < 0: never fail; N: fail after N allocs */
} ca;

static void *ca_alloc(void *ud, size_t size, size_t align) {
    (void)ud;
    if (ca.fail_after >= 0 && ca.allocs >= ca.fail_after)
        return NULL;
    void *p = NULL;
    if (align < sizeof(void *))
        align = sizeof(void *);
    if (posix_memalign(&p, align, size) != 0)
        return NULL;
    ca.allocs++;
    ca.live++;
    return p;
}

static void ca_free(void *ud, void *p, size_t size, size_t align) {
    (void)ud;
    (void)size;
    (void)align;
    ca.frees++;
    ca.live--;
    free(p);
}

static void use_counting_allocator(long fail_after) {
    memset(&ca, 0, sizeof ca);
    ca.fail_after = fail_after;
    ait_allocator a = { ca_alloc, ca_free, NULL };
    ait_set_allocator(&a);
}

static int teardown(void **state) {
    (void)state;
    ait_set_allocator(NULL);
    return 0;
}

static void sleep_ms(long ms) {
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* ---- hand-written futures --------------------------------------------------- */

/* ready: READY at once with 42. */
typedef struct { int polls; } ready_frame;
static ait_poll ready_poll(void *fp, ait_cx *cx, void *out) {
    (void)cx;
    ((ready_frame *)fp)->polls++;
    *(int *)out = 42;
    return AIT_READY;
}

/* selfwake: PENDING n times, each time waking itself by reference first. */
typedef struct { int n, polls; } selfwake_frame;
static ait_poll selfwake_poll(void *fp, ait_cx *cx, void *out) {
    selfwake_frame *f = fp;
    if (f->polls++ < f->n) {
        ait_waker_wake_by_ref(&cx->waker);
        return AIT_PENDING;
    }
    *(int *)out = f->polls;
    return AIT_READY;
}

/* clonewake: first poll clones the waker and wakes the clone (consuming it)
 * before returning PENDING. */
typedef struct { int polls; } clonewake_frame;
static ait_poll clonewake_poll(void *fp, ait_cx *cx, void *out) {
    clonewake_frame *f = fp;
    if (f->polls++ == 0) {
        ait_waker w = ait_waker_clone(&cx->waker);
        ait_waker_wake(w);
        return AIT_PENDING;
    }
    *(int *)out = 7;
    return AIT_READY;
}

/* yields: awaits ait_yield() n times (a sub-frame, as aitc nests them). */
typedef struct {
    int n, done, polls;
    bool in_yield;
    ait_yield_frame y;
} yields_frame;
static ait_poll yields_poll(void *fp, ait_cx *cx, void *out) {
    yields_frame *f = fp;
    f->polls++;
    while (f->done < f->n) {
        if (!f->in_yield) {
            ait_yield_init(&f->y);
            f->in_yield = true;
        }
        ait_yield_output u;
        ait_poll r = ait_yield_poll(&f->y, cx, &u);
        if (r != AIT_READY)
            return r;
        ait_yield_drop(&f->y);
        f->in_yield = false;
        f->done++;
    }
    *(int *)out = f->done;
    return AIT_READY;
}

/* never: PENDING forever without registering its waker. */
static int never_drops;
static ait_poll never_poll(void *fp, ait_cx *cx, void *out) {
    (void)fp;
    (void)cx;
    (void)out;
    return AIT_PENDING;
}
static void never_drop(void *fp) {
    (void)fp;
    never_drops++;
}

/* worker: a task body: yields `yields` times, sleeps `ms` ms (if nonzero),
 * appends its id to a log, returns id * 10. Counts its drops. */
static int wlog[16], wlog_len, worker_drops;
static uint64_t wdeadline[16];   /* by worker id: when its sleep was set to end */
typedef struct {
    int id, yields, ms;
    int state, done;
    ait_yield_frame y;
    ait_sleep_ms_frame s;
} worker_frame;
static void worker_init(void *fp, void *arg) {
    worker_frame *f = fp;
    *f = *(worker_frame *)arg;
    f->state = 0;
    f->done = 0;
}
static ait_poll worker_poll(void *fp, ait_cx *cx, void *out) {
    worker_frame *f = fp;
    ait_unit u;
    for (;;) {
        switch (f->state) {
        case 0:
            if (f->done == f->yields) {
                ait_sleep_ms_init(&f->s, (uint64_t)f->ms);
                wdeadline[f->id] = ait_now_ns() + (uint64_t)f->ms * 1000000u;
                f->state = 2;
                break;
            }
            ait_yield_init(&f->y);
            f->state = 1;
            break;
        case 1: {
            ait_poll r = ait_yield_poll(&f->y, cx, &u);
            if (r != AIT_READY)
                return r;
            ait_yield_drop(&f->y);
            f->done++;
            f->state = 0;
            break;
        }
        case 2: {
            if (f->ms) {
                ait_poll r = ait_sleep_ms_poll(&f->s, cx, &u);
                if (r != AIT_READY)
                    return r;
            }
            ait_sleep_ms_drop(&f->s);
            f->state = 3;
            wlog[wlog_len++] = f->id;
            *(int *)out = f->id * 10;
            return AIT_READY;
        }
        default:
            return ait_fail(cx, AIT_EPOISONED);
        }
    }
}
static void worker_drop(void *fp) {
    worker_frame *f = fp;
    if (f->state == 2)
        ait_sleep_ms_drop(&f->s);
    worker_drops++;
}

static ait_task *spawn_worker(ait_rt *rt, int id, int yields, int ms) {
    worker_frame arg = { .id = id, .yields = yields, .ms = ms };
    return ait_spawn_local(rt, sizeof(worker_frame), _Alignof(worker_frame), sizeof(int),
                           worker_init, &arg, worker_poll, worker_drop);
}

static void reset_workers(void) {
    memset(wlog, 0, sizeof wlog);
    memset(wdeadline, 0, sizeof wdeadline);
    wlog_len = 0;
    worker_drops = 0;
}

/* gather: the root future of the task tests. Spawns n workers (spec[i] =
 * {yields, ms}), yields pre_yields times, then joins them in join_order
 * (detaching those with join_order[i] < 0) and sums their outputs. */
typedef struct {
    int n, pre_yields;
    int spec[8][2];
    int join_order[8];
    int state, i, sum, yielded;
    bool finished_before_join[8];
    ait_task *tasks[8];
    ait_yield_frame y;
    ait_join_frame j;
} gather_frame;
static ait_poll gather_poll(void *fp, ait_cx *cx, void *out) {
    gather_frame *f = fp;
    for (;;) {
        switch (f->state) {
        case 0:
            for (int k = 0; k < f->n; k++) {
                f->tasks[k] = spawn_worker(cx->rt, k + 1, f->spec[k][0], f->spec[k][1]);
                if (!f->tasks[k])
                    return ait_fail(cx, -errno);
            }
            f->state = 1;
            break;
        case 1:
            if (f->yielded == f->pre_yields) {
                f->state = 3;
                f->i = 0;
                break;
            }
            ait_yield_init(&f->y);
            f->state = 2;
            break;
        case 2: {
            ait_unit u;
            ait_poll r = ait_yield_poll(&f->y, cx, &u);
            if (r != AIT_READY)
                return r;
            f->yielded++;
            f->state = 1;
            break;
        }
        case 3: {
            if (f->i == f->n) {
                f->state = 5;
                *(int *)out = f->sum;
                return AIT_READY;
            }
            int k = f->join_order[f->i];
            if (k < 0) {            /* detach task -k-1 */
                ait_task_detach(f->tasks[-k - 1]);
                f->tasks[-k - 1] = NULL;
                f->i++;
                break;
            }
            f->finished_before_join[k] = ait_task_is_finished(f->tasks[k]);
            ait_join_init(&f->j, f->tasks[k]);
            f->tasks[k] = NULL;
            f->state = 4;
            break;
        }
        case 4: {
            int v = 0;
            ait_poll r = ait_join_poll(&f->j, cx, &v);
            if (r != AIT_READY)
                return r;
            f->sum += v;
            f->i++;
            f->state = 3;
            break;
        }
        default:
            return ait_fail(cx, AIT_EPOISONED);
        }
    }
}
static void gather_drop(gather_frame *f) {
    if (f->state == 4)
        ait_join_drop(&f->j);
    for (int k = 0; k < f->n; k++)
        ait_task_detach(f->tasks[k]);
}

/* ---- tests: block_on ------------------------------------------------------ */

static void test_block_on_ready(void **state) {
    (void)state;
    ready_frame f = { 0 };
    int out = 0;
    assert_int_equal(ait_block_on(NULL, &f, ready_poll, &out), 0);
    assert_int_equal(out, 42);
    assert_int_equal(f.polls, 1);

    ait_rt *rt = ait_rt_new(NULL);
    assert_non_null(rt);
    f.polls = 0;
    out = 0;
    assert_int_equal(ait_block_on(rt, &f, ready_poll, &out), 0);
    assert_int_equal(out, 42);
    ait_rt_free(rt);
}

static void test_block_on_pending_selfwake(void **state) {
    (void)state;
    selfwake_frame f = { 5, 0 };
    int out = 0;
    assert_int_equal(ait_block_on(NULL, &f, selfwake_poll, &out), 0);
    assert_int_equal(f.polls, 6);
    assert_int_equal(out, 6);
}

static void test_wake_before_return_pending(void **state) {
    (void)state;
    clonewake_frame f = { 0 };
    int out = 0;
    assert_int_equal(ait_block_on(NULL, &f, clonewake_poll, &out), 0);
    assert_int_equal(out, 7);
    assert_int_equal(f.polls, 2);
}

static void test_yield_counts(void **state) {
    (void)state;
    ait_rt *rt = ait_rt_new(NULL);
    for (int n = 0; n < 5; n++) {
        yields_frame f = { .n = n };
        int out = -1;
        assert_int_equal(ait_block_on(rt, &f, yields_poll, &out), 0);
        assert_int_equal(out, n);
        assert_int_equal(f.polls, n + 1);   /* one trip through the executor each */
    }
    ait_rt_free(rt);
    assert_int_equal(ait_yield_block_on(NULL, NULL), 0);
}

static void test_deadlock_detected(void **state) {
    (void)state;
    never_drops = 0;
    int out;
    assert_int_equal(ait_block_on(NULL, NULL, never_poll, &out), -EDEADLK);

    /* a root joining a task that never finishes: deadlock, and freeing the
     * runtime drops the task's frame exactly once */
    use_counting_allocator(-1);
    ait_rt *rt = ait_rt_new(NULL);
    ait_task *t = ait_spawn_local(rt, 16, 8, 0, NULL, NULL, never_poll, never_drop);
    assert_non_null(t);
    assert_int_equal(ait_join_block_on(rt, NULL, t), -EDEADLK);
    assert_int_equal(never_drops, 0);
    ait_rt_free(rt);
    assert_int_equal(never_drops, 1);
    assert_int_equal(ca.allocs, 1);
    assert_int_equal(ca.frees, 1);
}

static void test_block_on_busy(void **state);

/* nested: polls block_on on its own runtime from inside the root. */
typedef struct { int rc; } nested_frame;
static ait_poll nested_poll(void *fp, ait_cx *cx, void *out) {
    nested_frame *f = fp;
    ready_frame r = { 0 };
    int v;
    f->rc = ait_block_on(cx->rt, &r, ready_poll, &v);
    /* a block_on of another (temporary) runtime may nest */
    int rc2 = ait_block_on(NULL, &r, ready_poll, &v);
    *(int *)out = rc2;
    assert_ptr_equal(ait_rt_current(), cx->rt);
    return AIT_READY;
}
static void test_block_on_busy(void **state) {
    (void)state;
    nested_frame f = { 1 };
    int out = -1;
    ait_rt *rt = ait_rt_new(NULL);
    assert_int_equal(ait_block_on(rt, &f, nested_poll, &out), 0);
    assert_int_equal(f.rc, -EBUSY);
    assert_int_equal(out, 0);
    assert_null(ait_rt_current());
    ait_rt_free(rt);
}

/* ---- tests: sleep and timers ------------------------------------------------ */

static void test_sleep_block_on(void **state) {
    (void)state;
    uint64_t t0 = ait_now_ns();
    assert_int_equal(ait_sleep_ms_block_on(NULL, NULL, 5), 0);
    assert_true(ait_now_ns() - t0 >= 5000000u);
    assert_int_equal(ait_sleep_ms_block_on(NULL, NULL, 0), 0);
}

static void test_sleep_ordering(void **state) {
    (void)state;
    reset_workers();
    use_counting_allocator(-1);
    gather_frame g = {
        .n = 4, .spec = { { 0, 30 }, { 0, 10 }, { 2, 20 }, { 0, 5 } },
        .join_order = { 0, 1, 2, 3 },
    };
    int out = 0;
    assert_int_equal(ait_block_on(NULL, &g, gather_poll, &out), 0);
    gather_drop(&g);
    assert_int_equal(out, 10 + 20 + 30 + 40);
    assert_int_equal(wlog_len, 4);
    /* Sleeps end in the order of their deadlines, as each was registered
     * (not of their lengths: a thread held off the CPU between two
     * registrations moves the later deadline; 1 ms covers the runtime's
     * own clock read being a little after the test's). */
    for (int k = 1; k < 4; k++)
        assert_true(wdeadline[wlog[k - 1]] <= wdeadline[wlog[k]] + 1000000u);
    assert_int_equal(worker_drops, 4);
    assert_int_equal(ca.live, 0);   /* tasks and timer entries all freed */
    assert_int_equal(ca.allocs, ca.frees);
}

/* the root itself sleeping on several timers in sequence and in a block_on
 * of a runtime reused across calls */
static void test_sleep_root_reuse_rt(void **state) {
    (void)state;
    ait_rt *rt = ait_rt_new(NULL);
    for (int i = 0; i < 3; i++)
        assert_int_equal(ait_sleep_ms_block_on(rt, NULL, 2), 0);
    ait_rt_free(rt);
}

/* sleepfail: registers a timer, then fails in the same poll: block_on of a
 * temporary runtime returns, the runtime is freed, and the frame (still
 * holding the timer entry) is dropped afterwards. */
typedef struct { ait_sleep_ms_frame s; } sleepfail_frame;
static ait_poll sleepfail_poll(void *fp, ait_cx *cx, void *out) {
    sleepfail_frame *f = fp;
    ait_unit u;
    (void)out;
    ait_poll r = ait_sleep_ms_poll(&f->s, cx, &u);
    assert_int_equal(r, AIT_PENDING);
    assert_non_null(f->s.timer);
    return ait_fail(cx, -EIO);
}
static void test_sleep_drop_after_rt_free(void **state) {
    (void)state;
    use_counting_allocator(-1);
    sleepfail_frame f;
    ait_sleep_ms_init(&f.s, 1000);
    int out;
    assert_int_equal(ait_block_on(NULL, &f, sleepfail_poll, &out), -EIO);
    ait_sleep_ms_drop(&f.s);
    assert_null(f.s.timer);
    assert_int_equal(ca.live, 0);
}

/* sleep dropped before it fires cancels its timer: the runtime then has
 * no timer left, so a root that is otherwise stuck deadlocks at once */
typedef struct { int state; ait_sleep_ms_frame s; } sleepcancel_frame;
static ait_poll sleepcancel_poll(void *fp, ait_cx *cx, void *out) {
    sleepcancel_frame *f = fp;
    ait_unit u;
    (void)out;
    if (f->state == 0) {
        ait_sleep_ms_init(&f->s, 3600000);   /* if it stayed registered: a hang */
        assert_int_equal(ait_sleep_ms_poll(&f->s, cx, &u), AIT_PENDING);
        ait_sleep_ms_drop(&f->s);
        f->state = 1;
    }
    return AIT_PENDING;
}
static void test_sleep_cancel(void **state) {
    (void)state;
    sleepcancel_frame f = { 0 };
    int out;
    /* the dropped sleep is gone: nothing can wake the root, at once */
    assert_int_equal(ait_block_on(NULL, &f, sleepcancel_poll, &out), -EDEADLK);
}

/* ---- tests: local tasks ------------------------------------------------------- */

static void test_tasks_join_before_completion(void **state) {
    (void)state;
    reset_workers();
    use_counting_allocator(-1);
    gather_frame g = {
        .n = 3, .spec = { { 3, 0 }, { 1, 0 }, { 5, 0 } },
        .join_order = { 2, 0, 1 },
    };
    int out = 0;
    assert_int_equal(ait_block_on(NULL, &g, gather_poll, &out), 0);
    gather_drop(&g);
    assert_int_equal(out, 60);
    assert_false(g.finished_before_join[2]);
    assert_int_equal(worker_drops, 3);
    assert_int_equal(wlog[0], 2);   /* fewest yields first */
    assert_int_equal(wlog[1], 1);
    assert_int_equal(wlog[2], 3);
    assert_int_equal(ca.live, 0);
}

static void test_tasks_join_after_completion(void **state) {
    (void)state;
    reset_workers();
    use_counting_allocator(-1);
    gather_frame g = {
        .n = 3, .pre_yields = 10, .spec = { { 0, 0 }, { 2, 0 }, { 1, 0 } },
        .join_order = { 1, 2, 0 },
    };
    int out = 0;
    assert_int_equal(ait_block_on(NULL, &g, gather_poll, &out), 0);
    gather_drop(&g);
    assert_int_equal(out, 60);
    for (int k = 0; k < 3; k++)
        assert_true(g.finished_before_join[k]);
    assert_int_equal(worker_drops, 3);
    assert_int_equal(ca.live, 0);
}

static void test_tasks_detach_early(void **state) {
    (void)state;
    reset_workers();
    use_counting_allocator(-1);
    gather_frame g = {
        .n = 3, .spec = { { 4, 0 }, { 1, 0 }, { 2, 3 } },
        .join_order = { -1, 1, -3 },   /* detach 0, join 1, detach 2 */
    };
    int out = 0;
    ait_rt *rt = ait_rt_new(NULL);
    assert_int_equal(ait_block_on(rt, &g, gather_poll, &out), 0);
    gather_drop(&g);
    assert_int_equal(out, 20);
    /* the detached ones still run to completion in later block_ons (as
     * many as it takes: how many is the machine's load, not behaviour) */
    for (int i = 0; i < 10000 && wlog_len < 3; i++)
        assert_int_equal(ait_sleep_ms_block_on(rt, NULL, 1), 0);
    assert_int_equal(wlog_len, 3);
    assert_int_equal(worker_drops, 3);
    assert_int_equal(ca.live, 0);
    ait_rt_free(rt);
    assert_int_equal(ca.live, 0);
}

static void test_tasks_drop_join_pending_and_rt_free(void **state) {
    (void)state;
    reset_workers();
    use_counting_allocator(-1);
    ait_rt *rt = ait_rt_new(NULL);
    /* spawned before any block_on, from the thread that will run it */
    ait_task *a = spawn_worker(rt, 1, 0, 10000);     /* never finishes in time */
    ait_task *b = spawn_worker(rt, 2, 1, 0);
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(ait_yield_block_on(rt, NULL), 0);
    assert_int_equal(ait_yield_block_on(rt, NULL), 0);
    assert_true(ait_task_is_finished(b));
    assert_false(ait_task_is_finished(a));
    int v = 0;
    assert_int_equal(ait_join_block_on(rt, &v, b), 0);
    assert_int_equal(v, 20);
    /* a join future polled once (registering its waker), then dropped */
    ait_join_frame j;
    ait_join_init(&j, a);
    ait_cx cx = { ait_waker_noop(), rt, 0 };
    assert_int_equal(ait_join_poll(&j, &cx, &v), AIT_PENDING);
    ait_join_drop(&j);
    assert_int_equal(worker_drops, 1);
    ait_rt_free(rt);                /* cancels a: its frame dropped once */
    assert_int_equal(worker_drops, 2);
    assert_int_equal(ca.live, 0);
}

static void test_task_abort(void **state) {
    (void)state;
    reset_workers();
    use_counting_allocator(-1);
    ait_rt *rt = ait_rt_new(NULL);
    ait_task *a = spawn_worker(rt, 1, 0, 10000);
    ait_task *b = spawn_worker(rt, 2, 0, 0);
    assert_int_equal(ait_yield_block_on(rt, NULL), 0);
    ait_task_abort(a);
    ait_task_abort(a);              /* twice is harmless */
    ait_task_abort(b);              /* already complete: no effect */
    assert_int_equal(worker_drops, 2);
    assert_true(ait_task_is_finished(a));
    int v = 0;
    assert_int_equal(ait_join_block_on(rt, &v, a), AIT_ECANCELED);
    assert_int_equal(ait_join_block_on(rt, &v, b), 0);
    assert_int_equal(v, 20);
    ait_rt_free(rt);
    assert_int_equal(ca.live, 0);
}

/* keepwaker: a task that stores a clone of its waker in a global and
 * completes; the waker outlives the task, its runtime, everything. */
static ait_waker kept;
static ait_poll keepwaker_poll(void *fp, ait_cx *cx, void *out) {
    (void)fp;
    kept = ait_waker_clone(&cx->waker);
    *(int *)out = 5;
    return AIT_READY;
}
static void test_task_freed_exactly_once(void **state) {
    (void)state;
    use_counting_allocator(-1);
    ait_rt *rt = ait_rt_new(NULL);
    ait_task *t = ait_spawn_local(rt, 8, 8, sizeof(int), NULL, NULL, keepwaker_poll, NULL);
    assert_non_null(t);
    int v = 0;
    assert_int_equal(ait_join_block_on(rt, &v, t), 0);
    assert_int_equal(v, 5);
    assert_int_equal(ca.allocs, 1);
    assert_int_equal(ca.frees, 0);  /* the kept waker holds it */
    ait_rt_free(rt);
    assert_int_equal(ca.frees, 0);
    ait_waker_wake_by_ref(&kept);   /* waking a finished task does nothing */
    ait_waker w2 = ait_waker_clone(&kept);
    ait_waker_drop(kept);
    assert_int_equal(ca.frees, 0);
    ait_waker_wake(w2);             /* consumes the last reference */
    assert_int_equal(ca.frees, 1);
    assert_int_equal(ca.live, 0);
}

/* wake from another thread: a thread wakes the root after a delay; the
 * hold keeps block_on from reporting a deadlock meanwhile. */
typedef struct { ait_waker w; ait_rt *rt; } waker_arg;
static void *wake_later(void *p) {
    waker_arg *a = p;
    sleep_ms(20);
    ait_waker_wake(a->w);
    ait_rt_unhold(a->rt);
    return NULL;
}
typedef struct { int state; pthread_t th; waker_arg arg; } remote_frame;
static ait_poll remote_poll(void *fp, ait_cx *cx, void *out) {
    remote_frame *f = fp;
    if (f->state == 0) {
        f->state = 1;
        f->arg.w = ait_waker_clone(&cx->waker);
        f->arg.rt = cx->rt;
        ait_rt_hold(cx->rt);
        assert_int_equal(pthread_create(&f->th, NULL, wake_later, &f->arg), 0);
        return AIT_PENDING;
    }
    *(int *)out = 1;
    return AIT_READY;
}
static void test_remote_wake_with_hold(void **state) {
    (void)state;
    remote_frame f = { 0 };
    int out = 0;
    assert_int_equal(ait_block_on(NULL, &f, remote_poll, &out), 0);
    assert_int_equal(out, 1);
    pthread_join(f.th, NULL);
}

/* ---- tests: allocator ------------------------------------------------------- */

static void test_allocator_recycles(void **state) {
    (void)state;
    void *p[8];
    for (int round = 0; round < 2; round++) {
        ait_alloc_stats_reset();
        for (int i = 0; i < 8; i++) {
            p[i] = ait_frame_alloc(100 + (size_t)i, 8);
            assert_non_null(p[i]);
            memset(p[i], 0xab, 100);
        }
        for (int i = 0; i < 8; i++)
            ait_frame_free(p[i], 100 + (size_t)i, 8);
        ait_alloc_stats s = ait_alloc_stats_get();
        assert_int_equal(s.allocs, 8);
        assert_int_equal(s.frees, 8);
        if (round == 1)
            assert_int_equal(s.mallocs, 0);
    }
    /* spawning and joining tasks: the second round makes no malloc */
    for (int round = 0; round < 2; round++) {
        reset_workers();
        ait_alloc_stats_reset();
        gather_frame g = {
            .n = 3, .spec = { { 1, 0 }, { 0, 1 }, { 2, 0 } }, .join_order = { 0, 1, 2 },
        };
        int out = 0;
        ait_rt *rt = ait_rt_new(NULL);
        assert_int_equal(ait_block_on(rt, &g, gather_poll, &out), 0);
        gather_drop(&g);
        ait_rt_free(rt);
        ait_alloc_stats s = ait_alloc_stats_get();
        assert_int_equal(s.allocs, s.frees);
        assert_true(s.allocs >= 4);     /* 3 tasks + a timer entry */
        if (round == 1)
            assert_int_equal(s.mallocs, 0);
    }
    ait_alloc_trim();
}

/* The _class calls (a dyn call's box, inlined from ait.h): past the
 * list's limit (2048 blocks of 48 bytes) the pushes go to the shared pool
 * and the pops come back from it; counted like ait_frame_alloc/free, no
 * malloc the second time; an installed allocator gets every call. */
enum { CLASS_N = 3000, CLASS_SIZE = 48 };
static void test_allocator_class_calls(void **state) {
    (void)state;
    static void *p[CLASS_N];
    const int cls = AIT_FRAME_CLASS(CLASS_SIZE, 8);
    for (int round = 0; round < 2; round++) {
        ait_alloc_stats_reset();
        for (int i = 0; i < CLASS_N; i++) {
            p[i] = ait_frame_alloc_class(cls, CLASS_SIZE, 8);
            assert_non_null(p[i]);
            memset(p[i], i & 0xff, CLASS_SIZE);
        }
        for (int i = 0; i < CLASS_N; i++) {
            assert_int_equal(((unsigned char *)p[i])[CLASS_SIZE - 1], i & 0xff);
            ait_frame_free_class(p[i], cls, CLASS_SIZE, 8);
        }
        ait_alloc_stats s = ait_alloc_stats_get();
        assert_int_equal(s.allocs, CLASS_N);
        assert_int_equal(s.frees, CLASS_N);
        if (round == 1)
            assert_int_equal(s.mallocs, 0);
    }
    ait_frame_free_class(NULL, cls, CLASS_SIZE, 8);     /* a no-op */
    use_counting_allocator(-1);
    void *q = ait_frame_alloc_class(cls, CLASS_SIZE, 8);
    assert_non_null(q);
    ait_frame_free_class(q, cls, CLASS_SIZE, 8);
    assert_int_equal(ca.allocs, 1);
    assert_int_equal(ca.frees, 1);
    ait_set_allocator(NULL);
    ait_alloc_trim();
}

static void test_allocator_alignment(void **state) {
    (void)state;
    static const size_t sizes[] = { 1, 16, 24, 100, 4096, 65536, 70000, 1 << 20 };
    static const size_t aligns[] = { 1, 8, 16, 32, 64, 128, 4096 };
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        for (size_t k = 0; k < sizeof aligns / sizeof *aligns; k++) {
            for (int round = 0; round < 2; round++) {
                char *p = ait_frame_alloc(sizes[i], aligns[k]);
                assert_non_null(p);
                assert_int_equal((uintptr_t)p % aligns[k], 0);
                p[0] = 1;
                p[sizes[i] - 1] = 2;
                ait_frame_free(p, sizes[i], aligns[k]);
            }
        }
    }
    ait_alloc_trim();
}

static void test_failing_allocator_enomem(void **state) {
    (void)state;
    reset_workers();
    use_counting_allocator(0);
    /* a spawn that cannot allocate: the root fails with AIT_ENOMEM */
    gather_frame g = { .n = 1, .spec = { { 0, 0 } }, .join_order = { 0 } };
    int out = 0;
    assert_int_equal(ait_block_on(NULL, &g, gather_poll, &out), AIT_ENOMEM);
    gather_drop(&g);
    assert_null(g.tasks[0]);
    /* a sleep whose timer entry cannot be allocated */
    assert_int_equal(ait_sleep_ms_block_on(NULL, NULL, 50), AIT_ENOMEM);
    /* the second of three spawns fails: the first task is freed with the
     * runtime, nothing leaks */
    reset_workers();
    use_counting_allocator(1);
    gather_frame g2 = { .n = 3, .spec = { { 5, 0 }, { 0, 0 }, { 0, 0 } },
                        .join_order = { 0, 1, 2 } };
    assert_int_equal(ait_block_on(NULL, &g2, gather_poll, &out), AIT_ENOMEM);
    gather_drop(&g2);
    assert_int_equal(ca.live, 0);
    assert_int_equal(worker_drops, 1);
}

/* ---- tests: ait_cx_noop -------------------------------------------------------- */

static void test_cx_noop(void **state) {
    (void)state;
    ait_cx *cx = ait_cx_noop();
    assert_null(cx->rt);
    cx->error = -5;
    cx = ait_cx_noop();
    assert_int_equal(cx->error, 0);

    ait_yield_frame y;
    ait_yield_output u;
    ait_yield_init(&y);
    assert_int_equal(ait_yield_poll(&y, cx, &u), AIT_PENDING);
    assert_int_equal(ait_yield_poll(&y, cx, &u), AIT_READY);
    assert_int_equal(ait_yield_poll(&y, cx, &u), AIT_ERROR);
    assert_int_equal(ait_cx_error(cx), AIT_EPOISONED);
    ait_yield_drop(&y);

    cx = ait_cx_noop();
    ait_sleep_ms_frame s;
    ait_sleep_ms_init(&s, 3);
    assert_int_equal(ait_sleep_ms_poll(&s, cx, &u), AIT_PENDING);
    assert_null(s.timer);
    sleep_ms(5);
    assert_int_equal(ait_sleep_ms_poll(&s, cx, &u), AIT_READY);
    assert_int_equal(ait_sleep_ms_poll(&s, cx, &u), AIT_ERROR);
    ait_sleep_ms_drop(&s);

    ait_sleep_ms_init(&s, 0);
    assert_int_equal(ait_sleep_ms_poll(&s, ait_cx_noop(), &u), AIT_READY);
    ait_sleep_ms_drop(&s);

    /* noop waker operations are all harmless */
    ait_waker w = ait_waker_noop();
    ait_waker c = ait_waker_clone(&w);
    assert_true(ait_waker_will_wake(&w, &c));
    ait_waker_wake_by_ref(&c);
    ait_waker_wake(c);
    ait_waker_drop(w);
}

static void test_spawn_errors(void **state) {
    (void)state;
    errno = 0;
    assert_null(ait_spawn_local(NULL, 8, 8, 0, NULL, NULL, never_poll, NULL));
    assert_int_equal(errno, EINVAL);
    ait_rt *rt = ait_rt_new(NULL);
    errno = 0;
    assert_null(ait_spawn_local(rt, 8, 3, 0, NULL, NULL, never_poll, NULL));
    assert_int_equal(errno, EINVAL);
    ait_rt_free(rt);
    ait_rt_config bad = { -1 };
    assert_null(ait_rt_new(&bad));
    ait_rt_config two = { 2 };
    rt = ait_rt_new(&two);
    assert_non_null(rt);
    ait_task *t = ait_spawn(rt, sizeof(worker_frame), _Alignof(worker_frame), sizeof(int),
                            worker_init, &(worker_frame){ .id = 3, .yields = 1 },
                            worker_poll, worker_drop);
    assert_non_null(t);
    int v = 0;
    assert_int_equal(ait_join_block_on(rt, &v, t), 0);
    assert_int_equal(v, 30);
    ait_rt_free(rt);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_block_on_ready, teardown),
        cmocka_unit_test_teardown(test_block_on_pending_selfwake, teardown),
        cmocka_unit_test_teardown(test_wake_before_return_pending, teardown),
        cmocka_unit_test_teardown(test_yield_counts, teardown),
        cmocka_unit_test_teardown(test_deadlock_detected, teardown),
        cmocka_unit_test_teardown(test_block_on_busy, teardown),
        cmocka_unit_test_teardown(test_sleep_block_on, teardown),
        cmocka_unit_test_teardown(test_sleep_ordering, teardown),
        cmocka_unit_test_teardown(test_sleep_root_reuse_rt, teardown),
        cmocka_unit_test_teardown(test_sleep_drop_after_rt_free, teardown),
        cmocka_unit_test_teardown(test_sleep_cancel, teardown),
        cmocka_unit_test_teardown(test_tasks_join_before_completion, teardown),
        cmocka_unit_test_teardown(test_tasks_join_after_completion, teardown),
        cmocka_unit_test_teardown(test_tasks_detach_early, teardown),
        cmocka_unit_test_teardown(test_tasks_drop_join_pending_and_rt_free, teardown),
        cmocka_unit_test_teardown(test_task_abort, teardown),
        cmocka_unit_test_teardown(test_task_freed_exactly_once, teardown),
        cmocka_unit_test_teardown(test_remote_wake_with_hold, teardown),
        cmocka_unit_test_teardown(test_allocator_recycles, teardown),
        cmocka_unit_test_teardown(test_allocator_class_calls, teardown),
        cmocka_unit_test_teardown(test_allocator_alignment, teardown),
        cmocka_unit_test_teardown(test_failing_allocator_enomem, teardown),
        cmocka_unit_test_teardown(test_cx_noop, teardown),
        cmocka_unit_test_teardown(test_spawn_errors, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    ait_alloc_trim();
    return rc;
}
