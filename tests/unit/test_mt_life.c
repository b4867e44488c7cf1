/* test_mt_life.c: the life of send tasks on the multi-threaded runtime:
 * abort in every state (and racing), clean shutdown with tasks pending
 * (every frame dropped exactly once, nothing leaked), handles outliving
 * the runtime, sleeps in worker tasks, ait_task_join's errno-style
 * output. Bounded in time; also run under TSan. */
#include "mt_util.h"

/* ---- tests: abort in every state ------------------------------------------------- */

/* spin: once polled, spins (in the poll) until released. */
static atomic_int spin_started, spin_release;
static atomic_long spin_drops;
static ait_poll spin_poll(void *fp, ait_cx *cx, void *out) {
    (void)fp;
    atomic_store(&spin_started, 1);
    while (!atomic_load(&spin_release))
        sched_yield();
    ait_waker_wake_by_ref(&cx->waker);      /* and stays pending: keeps going */
    (void)out;
    return AIT_PENDING;
}
static void spin_drop(void *fp) {
    (void)fp;
    atomic_fetch_add(&spin_drops, 1);
}

static void *abort_from_thread(void *p) {
    ait_task_abort(p);
    return NULL;
}

static void test_abort_states(void **state) {
    (void)state;
    use_counting_allocator();
    ait_rt *rt = mt_rt(2);
    atomic_store(&never_drops, 0);
    atomic_store(&val_drops, 0);
    atomic_store(&spin_drops, 0);
    atomic_store(&spin_started, 0);
    atomic_store(&spin_release, 0);

    /* (a) pending and idle: polled once, never woken */
    ait_task *idle = ait_spawn(rt, 8, 8, 0, NULL, NULL, never_poll, never_drop);
    /* (b) queued or just started: abort right after spawn */
    ait_task *fresh = ait_spawn(rt, 8, 8, 0, NULL, NULL, never_poll, never_drop);
    ait_task_abort(fresh);
    /* (c) running: abort while inside its poll, from another thread */
    ait_task *running = ait_spawn(rt, 8, 8, 0, NULL, NULL, spin_poll, spin_drop);
    /* (d) completed: abort has no effect */
    ait_task *done = spawn_val(rt, 21, 0, 0, false);
    assert_non_null(idle);
    assert_non_null(fresh);
    assert_non_null(running);
    assert_non_null(done);

    while (!atomic_load(&spin_started))
        sched_yield();
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, abort_from_thread, running), 0);
    pthread_join(th, NULL);
    assert_int_equal(atomic_load(&spin_drops), 0);  /* not while it runs */
    atomic_store(&spin_release, 1);

    int rc = 1, v = 0;
    assert_int_equal(ait_task_join_block_on(rt, &rc, done, &v), 0);
    assert_int_equal(rc, 0);
    assert_int_equal(v, 42);

    sleep_ms(5);                        /* (a) has surely been polled by now */
    ait_task_abort(idle);
    ait_task_abort(idle);               /* twice: harmless */
    assert_true(ait_task_is_finished(idle));

    assert_int_equal(ait_task_join_block_on(rt, &rc, idle, NULL), 0);
    assert_int_equal(rc, AIT_ECANCELED);
    assert_int_equal(ait_task_join_block_on(rt, &rc, fresh, NULL), 0);
    assert_int_equal(rc, AIT_ECANCELED);
    assert_int_equal(ait_task_join_block_on(rt, &rc, running, NULL), 0);
    assert_int_equal(rc, AIT_ECANCELED);
    assert_int_equal(atomic_load(&never_drops), 2);
    assert_int_equal(atomic_load(&spin_drops), 1);
    assert_int_equal(atomic_load(&val_drops), 1);
    ait_rt_free(rt);
    assert_int_equal(atomic_load(&never_drops), 2);  /* exactly once each */
    assert_int_equal(atomic_load(&spin_drops), 1);
    assert_int_equal(ca_live(), 0);
}

/* Many aborts racing with many wakes and polls: every frame dropped once. */
static void test_abort_races(void **state) {
    (void)state;
    use_counting_allocator();
    ait_rt *rt = mt_rt(2);
    atomic_store(&val_drops, 0);
    enum { N = 2000 };
    ait_task **ts = calloc(N, sizeof *ts);
    assert_non_null(ts);
    for (int i = 0; i < N; i++) {
        ts[i] = spawn_val(rt, i, i % 50, 0, false);
        assert_non_null(ts[i]);
        if (i % 3 == 0)
            ait_task_abort(ts[i]);      /* queued, or already on a worker */
    }
    int completed = 0, cancelled = 0;
    for (int i = 0; i < N; i++) {
        if (i % 7 == 1)
            ait_task_abort(ts[i]);
        int rc = 1, v = -1;
        assert_int_equal(ait_task_join_block_on(rt, &rc, ts[i], &v), 0);
        if (rc == 0) {
            assert_int_equal(v, 2 * i);
            completed++;
        } else {
            assert_int_equal(rc, AIT_ECANCELED);
            cancelled++;
        }
    }
    assert_int_equal(completed + cancelled, N);
    assert_true(cancelled >= 1);
    assert_int_equal(atomic_load(&val_drops), N);
    free(ts);
    ait_rt_free(rt);
    assert_int_equal(ca_live(), 0);
}

/* ---- tests: shutdown ------------------------------------------------------------------ */

/* forever: yields forever (keeps a worker busy). */
static atomic_long forever_drops;
static ait_poll forever_poll(void *fp, ait_cx *cx, void *out) {
    (void)fp;
    (void)out;
    ait_waker_wake_by_ref(&cx->waker);
    return AIT_PENDING;
}
static void forever_drop(void *fp) {
    (void)fp;
    atomic_fetch_add(&forever_drops, 1);
}

static void test_shutdown_with_pending(void **state) {
    (void)state;
    use_counting_allocator();
    atomic_store(&never_drops, 0);
    atomic_store(&forever_drops, 0);
    atomic_store(&sleeper_drops, 0);
    atomic_store(&val_drops, 0);
    ait_rt *rt = mt_rt(2);
    enum { N = 300 };
    ait_task *kept[N / 2];
    for (int i = 0; i < N; i++) {
        ait_task *a = ait_spawn(rt, 8, 8, 0, NULL, NULL, never_poll, never_drop);
        ait_task *b = ait_spawn(rt, 8, 8, 0, NULL, NULL, forever_poll, forever_drop);
        ait_task *c = spawn_sleeper(rt, 10000);
        ait_task *d = spawn_val(rt, i, 1000000, 0, false);
        assert_non_null(a);
        assert_non_null(b);
        assert_non_null(c);
        assert_non_null(d);
        ait_task_detach(a);
        ait_task_detach(b);
        ait_task_detach(c);
        if (i % 2) {
            ait_task_detach(d);
        } else {
            ait_task_abort(d);
            kept[i / 2] = d;        /* these handles outlive the runtime */
        }
    }
    sleep_ms(20);                   /* let the workers get busy */
    ait_rt_free(rt);               /* returns (a hang: the suite's timeout) */
    assert_int_equal(atomic_load(&never_drops), N);
    assert_int_equal(atomic_load(&forever_drops), N);
    assert_int_equal(atomic_load(&sleeper_drops), N);
    assert_int_equal(atomic_load(&val_drops), N);
    /* the kept handles hold their task blocks until released */
    assert_true(ca_live() == N / 2);
    for (int i = 0; i < N / 2; i++) {
        assert_true(ait_task_is_finished(kept[i]));
        ait_task_detach(kept[i]);
    }
    assert_int_equal(ca_live(), 0);
}

/* handles still held at ait_rt_free, joined afterwards: AIT_ECANCELED */
static void test_join_after_free(void **state) {
    (void)state;
    use_counting_allocator();
    atomic_store(&never_drops, 0);
    ait_rt *rt = mt_rt(2);
    ait_task *t = ait_spawn(rt, 8, 8, 4, NULL, NULL, never_poll, never_drop);
    assert_non_null(t);
    sleep_ms(2);
    ait_rt_free(rt);
    assert_int_equal(atomic_load(&never_drops), 1);
    assert_true(ait_task_is_finished(t));
    ait_task_join_frame j;
    ait_task_join_init(&j, t, NULL);
    int rc = 0;
    assert_int_equal(ait_task_join_poll(&j, ait_cx_noop(), &rc), AIT_READY);
    assert_int_equal(rc, AIT_ECANCELED);
    ait_task_join_drop(&j);
    assert_int_equal(ca_live(), 0);
}

/* The block_on forms of the join after ait_rt_free (rt NULL: the task's
 * runtime is gone, a temporary one reads the result). */
static void test_join_block_on_after_free(void **state) {
    (void)state;
    use_counting_allocator();
    atomic_store(&never_drops, 0);
    for (int workers = 0; workers <= 2; workers += 2) {
        ait_rt *rt = workers ? mt_rt(workers) : ait_rt_new(NULL);
        assert_non_null(rt);
        ait_task *t = ait_spawn(rt, 8, 8, 4, NULL, NULL, never_poll, never_drop);
        ait_task *u = ait_spawn(rt, 8, 8, 4, NULL, NULL, never_poll, never_drop);
        assert_non_null(t);
        assert_non_null(u);
        ait_rt_free(rt);
        ait_rt_free(rt);        /* misuse, but the handles hold it: a no-op */
        int rc = 0;
        assert_int_equal(ait_task_join_block_on(NULL, &rc, t, NULL), 0);
        assert_int_equal(rc, AIT_ECANCELED);
        assert_int_equal(ait_join_block_on(NULL, NULL, u), AIT_ECANCELED);
    }
    assert_int_equal(atomic_load(&never_drops), 4);
    assert_int_equal(ca_live(), 0);
}

/* ---- tests: timers on workers ----------------------------------------------------------- */

static void test_sleep_in_workers(void **state) {
    (void)state;
    use_counting_allocator();
    atomic_store(&sleeper_done, 0);
    atomic_store(&sleeper_drops, 0);
    ait_rt *rt = mt_rt(2);
    static const uint64_t ms[] = { 40, 10, 30, 0, 20, 50, 5, 25 };
    enum { N = sizeof ms / sizeof *ms };
    ait_task *ts[N];
    uint64_t t0 = ait_now_ns();
    for (int i = 0; i < N; i++) {
        ts[i] = spawn_sleeper(rt, ms[i]);
        assert_non_null(ts[i]);
    }
    for (int i = 0; i < N; i++) {
        uint64_t at = 0;
        int rc = 1;
        assert_int_equal(ait_task_join_block_on(rt, &rc, ts[i], &at), 0);
        assert_int_equal(rc, 0);
        uint64_t took = at - t0;
        assert_true(took >= ms[i] * 1000000u);     /* never early; late is load */
    }
    /* the root itself sleeps on the MT runtime: the driver wakes it */
    uint64_t t1 = ait_now_ns();
    assert_int_equal(ait_sleep_ms_block_on(rt, NULL, 15), 0);
    assert_true(ait_now_ns() - t1 >= 15000000u);
    assert_int_equal(atomic_load(&sleeper_done), N);
    ait_rt_free(rt);
    assert_int_equal(atomic_load(&sleeper_drops), N);
    assert_int_equal(ca_live(), 0);
}

/* ---- tests: ait_task_join --------------------------------------------------------------- */

static void test_task_join_errno(void **state) {
    (void)state;
    use_counting_allocator();
    atomic_store(&val_drops, 0);
    for (int workers = 0; workers <= 2; workers += 2) {
        ait_rt *rt = workers ? mt_rt(workers) : ait_rt_new(NULL);
        ait_task *ok = spawn_val(rt, 4, 3, 0, false);
        ait_task *bad = spawn_val(rt, 4, 2, -EIO, false);
        ait_task *gone = spawn_val(rt, 4, 1000000, 0, false);
        int rc = 1, v = 0;
        assert_int_equal(ait_task_join_block_on(rt, &rc, ok, &v), 0);
        assert_int_equal(rc, 0);
        assert_int_equal(v, 8);
        assert_int_equal(ait_task_join_block_on(NULL, &rc, bad, &v), 0);   /* NULL: its rt */
        assert_int_equal(rc, -EIO);
        /* dropped before completion: detached, keeps running */
        ait_task_join_frame j;
        ait_task_join_init(&j, gone, &v);
        ait_cx cx = { ait_waker_noop(), rt, 0 };
        assert_int_equal(ait_task_join_poll(&j, &cx, &rc), AIT_PENDING);
        ait_task_join_drop(&j);
        assert_null(j.task);
        /* polled after completion: poisoned */
        ait_task_join_frame p;
        ait_task_join_init(&p, NULL, NULL);
        assert_int_equal(ait_task_join_poll(&p, &cx, &rc), AIT_ERROR);
        assert_int_equal(cx.error, AIT_EPOISONED);
        ait_rt_free(rt);
    }
    assert_int_equal(atomic_load(&val_drops), 6);
    assert_int_equal(ca_live(), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_abort_states, teardown),
        cmocka_unit_test_teardown(test_abort_races, teardown),
        cmocka_unit_test_teardown(test_shutdown_with_pending, teardown),
        cmocka_unit_test_teardown(test_join_after_free, teardown),
        cmocka_unit_test_teardown(test_join_block_on_after_free, teardown),
        cmocka_unit_test_teardown(test_sleep_in_workers, teardown),
        cmocka_unit_test_teardown(test_task_join_errno, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    ait_alloc_trim();
    return rc;
}
