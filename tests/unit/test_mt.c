/* test_mt.c: the multi-threaded executor: send tasks on worker threads,
 * spawn and join at scale, work stealing, local tasks staying home, wakes
 * from other threads, ping-pong, deadlock detection. Every test is bounded
 * in time: a lost wake-up shows as -EDEADLK or a failed assertion, not as
 * a hang. (Abort, shutdown, timers: test_mt_life.c.) */
#include "mt_util.h"

/* ---- tests: spawn and join at scale ------------------------------------------- */

static void test_100k_spawn_join(void **state) {
    (void)state;
    const int n = 100000;
    ait_rt *rt = mt_rt(2);
    atomic_store(&val_drops, 0);
    many_frame m = { .n = n };
    many_init(&m, &m);
    long long sum = 0;
    uint64_t t0 = ait_now_ns();
    assert_int_equal(ait_block_on(rt, &m, many_poll, &sum), 0);
    uint64_t t1 = ait_now_ns();
    many_drop(&m);
    assert_int_equal(m.errors, 0);
    assert_true(sum == expected_sum(n));
    assert_int_equal(atomic_load(&val_drops), n);
    printf("[ timing   ] 100k spawn+join on 2 workers (spawned from block_on): %.1f ms\n",
           (double)(t1 - t0) / 1e6);
    ait_rt_free(rt);
}

/* The spawner is itself a send task: its spawns go to its worker's local
 * queue (overflowing to the injector), the other worker steals. */
static void test_100k_spawn_from_worker(void **state) {
    (void)state;
    const int n = 100000;
    ait_rt *rt = mt_rt(2);
    atomic_store(&val_drops, 0);
    seen_reset();
    many_frame arg = { .n = n, .note = true };
    uint64_t t0 = ait_now_ns();
    ait_task *t = ait_spawn(rt, sizeof(many_frame), _Alignof(many_frame), sizeof(long long),
                            many_init, &arg, many_poll, many_drop);
    assert_non_null(t);
    long long sum = 0;
    int rc = -1;
    assert_int_equal(ait_task_join_block_on(rt, &rc, t, &sum), 0);
    uint64_t t1 = ait_now_ns();
    assert_int_equal(rc, 0);
    assert_true(sum == expected_sum(n));
    assert_int_equal(atomic_load(&val_drops), n);
    bool main_seen;
    int threads = seen_count(&main_seen);
    assert_false(main_seen);            /* send tasks never ran on block_on's thread */
    assert_true(threads >= 1 && threads <= 2);
    printf("[ timing   ] 100k spawn+join on 2 workers (spawned from a worker): %.1f ms, "
           "children polled on %d worker thread(s)\n", (double)(t1 - t0) / 1e6, threads);
    ait_rt_free(rt);
}

/* ---- tests: yields, stealing, local tasks -------------------------------------- */

static void test_yield_many(void **state) {
    (void)state;
    use_counting_allocator();
    ait_rt *rt = mt_rt(2);
    atomic_store(&val_drops, 0);
    seen_reset();
    many_frame m = { .n = 64, .yields = UNDER_TSAN ? 200 : 2000, .note = true };
    many_init(&m, &m);
    long long sum = 0;
    assert_int_equal(ait_block_on(rt, &m, many_poll, &sum), 0);
    many_drop(&m);
    assert_true(sum == expected_sum(64));
    assert_int_equal(atomic_load(&val_drops), 64);
    bool main_seen;
    int threads = seen_count(&main_seen);
    assert_false(main_seen);
    /* Only the workers polled them: one or both (which ones took work is
     * the scheduler's business, not something a test can count on). */
    assert_true(threads >= 1 && threads <= 2);
    ait_rt_free(rt);
    assert_int_equal(ca_live(), 0);
}

/* A local task on a multi-threaded runtime stays on block_on's thread. */
static pthread_t local_ran_on;
static atomic_int local_polls;
static ait_poll local_poll(void *fp, ait_cx *cx, void *out) {
    (void)fp;
    local_ran_on = pthread_self();
    if (atomic_fetch_add(&local_polls, 1) < 5) {
        ait_waker_wake_by_ref(&cx->waker);
        return AIT_PENDING;
    }
    *(int *)out = 9;
    return AIT_READY;
}
static void test_local_tasks_stay_home(void **state) {
    (void)state;
    ait_rt *rt = mt_rt(2);
    atomic_store(&local_polls, 0);
    ait_task *t = ait_spawn_local(rt, 8, 8, sizeof(int), NULL, NULL, local_poll, NULL);
    assert_non_null(t);
    int v = 0;
    assert_int_equal(ait_join_block_on(rt, &v, t), 0);
    assert_int_equal(v, 9);
    assert_true(pthread_equal(local_ran_on, pthread_self()));
    assert_int_equal(atomic_load(&local_polls), 6);
    ait_rt_free(rt);
}

/* ---- tests: wakes from other threads -------------------------------------------- */

/* counter: a send task that waits until a pthread has bumped `seq` to
 * target, one wake per bump; the pthread waits for the task to have seen
 * each value before bumping again (a handshake, so every wake matters). */
typedef struct {
    pthread_mutex_t lock;
    int seq, seen, target;
    ait_waker waker;            /* a clone, under lock */
    ait_rt *rt;
    bool held;
} counter_shared;
typedef struct { counter_shared *s; } counter_frame;
static void counter_init(void *fp, void *arg) { ((counter_frame *)fp)->s = arg; }
static ait_poll counter_poll(void *fp, ait_cx *cx, void *out) {
    counter_shared *s = ((counter_frame *)fp)->s;
    note_thread();
    pthread_mutex_lock(&s->lock);
    s->seen = s->seq;
    if (s->seq >= s->target) {
        ait_waker old = s->waker;
        s->waker.vt = NULL;
        pthread_mutex_unlock(&s->lock);
        ait_waker_drop(old);
        *(int *)out = s->seen;
        return AIT_READY;
    }
    if (!s->waker.vt || !ait_waker_will_wake(&s->waker, &cx->waker)) {
        ait_waker_drop(s->waker);
        s->waker = ait_waker_clone(&cx->waker);
    }
    pthread_mutex_unlock(&s->lock);
    return AIT_PENDING;
}
static void *counter_thread(void *p) {
    counter_shared *s = p;
    for (;;) {
        pthread_mutex_lock(&s->lock);
        if (s->seq >= s->target) {
            pthread_mutex_unlock(&s->lock);
            break;
        }
        if (s->seen != s->seq || !s->waker.vt) {    /* not seen yet: wait */
            pthread_mutex_unlock(&s->lock);
            sched_yield();
            continue;
        }
        s->seq++;
        ait_waker w = ait_waker_clone(&s->waker);
        pthread_mutex_unlock(&s->lock);
        ait_waker_wake(w);
    }
    ait_rt_unhold(s->rt);
    return NULL;
}
static void test_wake_from_other_thread(void **state) {
    (void)state;
    use_counting_allocator();
    ait_rt *rt = mt_rt(2);
    seen_reset();
    counter_shared s = { .target = UNDER_TSAN ? 500 : 5000, .rt = rt };
    pthread_mutex_init(&s.lock, NULL);
    ait_rt_hold(rt);                    /* the pthread may wake: no deadlock */
    ait_task *t = ait_spawn(rt, sizeof(counter_frame), _Alignof(counter_frame), sizeof(int),
                            counter_init, &s, counter_poll, NULL);
    assert_non_null(t);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, counter_thread, &s), 0);
    int v = 0;
    assert_int_equal(ait_join_block_on(rt, &v, t), 0);
    assert_int_equal(v, s.target);
    pthread_join(th, NULL);
    bool main_seen;
    seen_count(&main_seen);
    assert_false(main_seen);
    ait_rt_free(rt);
    pthread_mutex_destroy(&s.lock);
    assert_int_equal(ca_live(), 0);
}

/* The root future of an MT runtime woken from a pthread. */
static void test_root_woken_from_thread(void **state) {
    (void)state;
    ait_rt *rt = mt_rt(2);
    counter_shared s = { .target = 300, .rt = rt };
    pthread_mutex_init(&s.lock, NULL);
    ait_rt_hold(rt);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, counter_thread, &s), 0);
    counter_frame f = { &s };
    int v = 0;
    assert_int_equal(ait_block_on(rt, &f, counter_poll, &v), 0);
    assert_int_equal(v, 300);
    pthread_join(th, NULL);
    pthread_mutex_destroy(&s.lock);
    ait_rt_free(rt);
}

/* ---- tests: ping-pong between two send tasks ------------------------------------- */

typedef struct {
    pthread_mutex_t lock;
    int turn, count, rounds;
    ait_waker w[2];             /* each side's waker, a clone */
} pingpong_shared;
typedef struct { pingpong_shared *s; int side; } pingpong_frame;
static void pingpong_init(void *fp, void *arg) { *(pingpong_frame *)fp = *(pingpong_frame *)arg; }
static ait_poll pingpong_poll(void *fp, ait_cx *cx, void *out) {
    pingpong_frame *f = fp;
    pingpong_shared *s = f->s;
    ait_waker other = { NULL, NULL };
    pthread_mutex_lock(&s->lock);
    while (s->turn == f->side && s->count < s->rounds) {
        s->count++;
        s->turn = !f->side;
        other = ait_waker_clone(&s->w[!f->side]);   /* may be empty yet */
    }
    bool done = s->count >= s->rounds;
    if (!done && (!s->w[f->side].vt || !ait_waker_will_wake(&s->w[f->side], &cx->waker))) {
        ait_waker_drop(s->w[f->side]);
        s->w[f->side] = ait_waker_clone(&cx->waker);
    }
    ait_waker mine = { NULL, NULL };
    if (done) {
        mine = s->w[f->side];
        s->w[f->side].vt = NULL;
        if (!other.vt)
            other = ait_waker_clone(&s->w[!f->side]);   /* let it see the end */
    }
    pthread_mutex_unlock(&s->lock);
    ait_waker_wake(other);
    ait_waker_drop(mine);
    if (done) {
        *(int *)out = f->side;
        return AIT_READY;
    }
    return AIT_PENDING;
}
static void test_ping_pong(void **state) {
    (void)state;
    use_counting_allocator();
    ait_rt *rt = mt_rt(2);
    pingpong_shared s = { .rounds = UNDER_TSAN ? 2000 : 20000 };
    pthread_mutex_init(&s.lock, NULL);
    ait_task *t[2];
    for (int side = 0; side < 2; side++) {
        pingpong_frame a = { &s, side };
        t[side] = ait_spawn(rt, sizeof a, _Alignof(pingpong_frame), sizeof(int),
                            pingpong_init, &a, pingpong_poll, NULL);
        assert_non_null(t[side]);
    }
    /* A lost wake leaves both idle: block_on reports -EDEADLK, no hang. */
    for (int side = 0; side < 2; side++) {
        int v = -1;
        assert_int_equal(ait_join_block_on(rt, &v, t[side]), 0);
        assert_int_equal(v, side);
    }
    assert_int_equal(s.count, s.rounds);
    ait_rt_free(rt);
    ait_waker_drop(s.w[0]);
    ait_waker_drop(s.w[1]);
    pthread_mutex_destroy(&s.lock);
    assert_int_equal(ca_live(), 0);
}

/* ---- tests: deadlock detection on the MT runtime ----------------------------------------- */

static void test_mt_deadlock(void **state) {
    (void)state;
    atomic_store(&never_drops, 0);
    ait_rt *rt = mt_rt(2);
    /* a join of a send task that never wakes: -EDEADLK once it is idle */
    ait_task *t = ait_spawn(rt, 8, 8, 0, NULL, NULL, never_poll, never_drop);
    assert_non_null(t);
    int rc = 1;
    /* (No time bound: a hang is caught by the suite's timeout.) */
    assert_int_equal(ait_task_join_block_on(rt, &rc, t, NULL), -EDEADLK);
    /* but a join of a busy or sleeping task is no deadlock */
    ait_task *busy = spawn_val(rt, 5, 20000, 0, false);
    ait_task *sl = spawn_sleeper(rt, 20);
    assert_int_equal(ait_task_join_block_on(rt, &rc, busy, NULL), 0);
    assert_int_equal(rc, 0);
    assert_int_equal(ait_task_join_block_on(rt, &rc, sl, NULL), 0);
    assert_int_equal(rc, 0);
    ait_rt_free(rt);
    assert_int_equal(atomic_load(&never_drops), 1);
}

/* A send task joining other send tasks (join wakers are task wakers), and
 * spawning through cx->rt and ait_rt_current() on a worker. */
static void test_join_inside_worker(void **state) {
    (void)state;
    ait_rt *rt = mt_rt(2);
    atomic_store(&val_drops, 0);
    enum { M = 8 };
    ait_task *ts[M];
    for (int i = 0; i < M; i++) {
        many_frame arg = { .n = 500, .yields = i % 3 };
        ts[i] = ait_spawn(rt, sizeof(many_frame), _Alignof(many_frame), sizeof(long long),
                          many_init, &arg, many_poll, many_drop);
        assert_non_null(ts[i]);
    }
    for (int i = 0; i < M; i++) {
        long long sum = 0;
        int rc = 1;
        assert_int_equal(ait_task_join_block_on(rt, &rc, ts[i], &sum), 0);
        assert_int_equal(rc, 0);
        assert_true(sum == expected_sum(500));
    }
    assert_int_equal(atomic_load(&val_drops), M * 500);
    ait_rt_free(rt);
}

static void test_config_errors(void **state) {
    (void)state;
    ait_rt_config bad = { .workers = -1 };
    errno = 0;
    assert_null(ait_rt_new(&bad));
    assert_int_equal(errno, EINVAL);
    ait_rt_config huge = { .workers = 100000 };
    assert_null(ait_rt_new(&huge));
    /* one worker, many runtimes made and freed */
    for (int i = 0; i < 20; i++) {
        ait_rt *rt = mt_rt(1 + i % 3);
        ait_task *t = spawn_val(rt, i, 2, 0, false);
        int v = 0;
        assert_int_equal(ait_join_block_on(rt, &v, t), 0);
        assert_int_equal(v, 2 * i);
        ait_rt_free(rt);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_100k_spawn_join, teardown),
        cmocka_unit_test_teardown(test_100k_spawn_from_worker, teardown),
        cmocka_unit_test_teardown(test_yield_many, teardown),
        cmocka_unit_test_teardown(test_local_tasks_stay_home, teardown),
        cmocka_unit_test_teardown(test_wake_from_other_thread, teardown),
        cmocka_unit_test_teardown(test_root_woken_from_thread, teardown),
        cmocka_unit_test_teardown(test_ping_pong, teardown),
        cmocka_unit_test_teardown(test_mt_deadlock, teardown),
        cmocka_unit_test_teardown(test_join_inside_worker, teardown),
        cmocka_unit_test_teardown(test_config_errors, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    ait_alloc_trim();
    return rc;
}
