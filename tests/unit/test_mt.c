/* test_mt.c: the multi-threaded executor: send tasks on worker threads,
 * work stealing, wakes from other threads, abort, shutdown, timers on
 * workers, ait_task_join. Every shared counter is atomic (the file also
 * runs under TSan), and every test is bounded in time: a lost wake-up
 * shows as -EDEADLK or a failed assertion, not as a hang. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "ait.h"

#if defined(__SANITIZE_THREAD__)
#define UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define UNDER_TSAN 1
#endif
#endif
#ifndef UNDER_TSAN
#define UNDER_TSAN 0
#endif

/* ---- helpers ------------------------------------------------------------- */

/* A thread-safe counting allocator: live blocks must come back to 0. */
static atomic_long ca_allocs, ca_frees;

static void *ca_alloc(void *ud, size_t size, size_t align) {
    (void)ud;
    void *p = NULL;
    if (align < sizeof(void *))
        align = sizeof(void *);
    if (posix_memalign(&p, align, size) != 0)
        return NULL;
    atomic_fetch_add(&ca_allocs, 1);
    return p;
}

static void ca_free(void *ud, void *p, size_t size, size_t align) {
    (void)ud;
    (void)size;
    (void)align;
    atomic_fetch_add(&ca_frees, 1);
    free(p);
}

static void use_counting_allocator(void) {
    atomic_store(&ca_allocs, 0);
    atomic_store(&ca_frees, 0);
    ait_allocator a = { ca_alloc, ca_free, NULL };
    ait_set_allocator(&a);
}

static long ca_live(void) { return atomic_load(&ca_allocs) - atomic_load(&ca_frees); }

static int teardown(void **state) {
    (void)state;
    ait_set_allocator(NULL);
    return 0;
}

static void sleep_ms(long ms) {
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

static ait_rt *mt_rt(int workers) {
    ait_rt_config cfg = { .workers = workers };
    ait_rt *rt = ait_rt_new(&cfg);
    assert_non_null(rt);
    return rt;
}

/* The distinct threads that polled something, to see where tasks ran. */
#define MAX_SEEN 16
static pthread_mutex_t seen_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t seen[MAX_SEEN];
static int nseen;
static void note_thread(void) {
    pthread_t me = pthread_self();
    pthread_mutex_lock(&seen_lock);
    int i;
    for (i = 0; i < nseen; i++)
        if (pthread_equal(seen[i], me))
            break;
    if (i == nseen && nseen < MAX_SEEN)
        seen[nseen++] = me;
    pthread_mutex_unlock(&seen_lock);
}
static int seen_count(bool *main_seen) {
    pthread_mutex_lock(&seen_lock);
    int n = nseen;
    *main_seen = false;
    for (int i = 0; i < nseen; i++)
        if (pthread_equal(seen[i], pthread_self()))
            *main_seen = true;
    pthread_mutex_unlock(&seen_lock);
    return n;
}
static void seen_reset(void) {
    pthread_mutex_lock(&seen_lock);
    nseen = 0;
    pthread_mutex_unlock(&seen_lock);
}

/* ---- hand-written futures ----------------------------------------------------- */

/* val: yields `yields` times, then READY with v * 2 (or fails with err). */
static atomic_long val_drops;
typedef struct {
    int v, yields, err, done;
    bool note;
} val_frame;
static void val_init(void *fp, void *arg) { *(val_frame *)fp = *(val_frame *)arg; }
static ait_poll val_poll(void *fp, ait_cx *cx, void *out) {
    val_frame *f = fp;
    if (f->note)
        note_thread();
    if (f->done < f->yields) {
        f->done++;
        ait_waker_wake_by_ref(&cx->waker);
        return AIT_PENDING;
    }
    if (f->err)
        return ait_fail(cx, f->err);
    *(int *)out = f->v * 2;
    return AIT_READY;
}
static void val_drop(void *fp) {
    (void)fp;
    atomic_fetch_add(&val_drops, 1);
}
static ait_task *spawn_val(ait_rt *rt, int v, int yields, int err, bool note) {
    val_frame a = { .v = v, .yields = yields, .err = err, .note = note };
    return ait_spawn(rt, sizeof(val_frame), _Alignof(val_frame), sizeof(int), val_init, &a,
                     val_poll, val_drop);
}

/* many: spawns n val tasks on cx->rt, joins them all with ait_task_join,
 * sums their outputs. Runs as the root or as a send task itself. */
typedef struct {
    int n, yields;
    bool note;
    int state, i, errors;
    long long sum;
    ait_task **tasks;
    ait_task_join_frame j;
    int jv;
} many_frame;
static void many_init(void *fp, void *arg) {
    many_frame *f = fp;
    *f = *(many_frame *)arg;
    f->state = 0;
    f->tasks = NULL;
}
static ait_poll many_poll(void *fp, ait_cx *cx, void *out) {
    many_frame *f = fp;
    for (;;) {
        switch (f->state) {
        case 0:
            f->tasks = calloc((size_t)f->n, sizeof *f->tasks);
            if (!f->tasks)
                return ait_fail(cx, -ENOMEM);
            for (int k = 0; k < f->n; k++) {
                f->tasks[k] = spawn_val(cx->rt, k, f->yields, 0, f->note);
                if (!f->tasks[k])
                    return ait_fail(cx, -errno);
            }
            f->i = 0;
            f->state = 1;
            break;
        case 1:
            if (f->i == f->n) {
                f->state = 3;
                *(long long *)out = f->sum;
                return AIT_READY;
            }
            ait_task_join_init(&f->j, f->tasks[f->i], &f->jv);
            f->tasks[f->i] = NULL;
            f->state = 2;
            break;
        case 2: {
            int rc = 0;
            ait_poll r = ait_task_join_poll(&f->j, cx, &rc);
            if (r != AIT_READY)
                return r;
            if (rc != 0)
                f->errors++;
            else
                f->sum += f->jv;
            f->i++;
            f->state = 1;
            break;
        }
        default:
            return ait_fail(cx, AIT_EPOISONED);
        }
    }
}
static void many_drop(void *fp) {
    many_frame *f = fp;
    if (f->state == 2)
        ait_task_join_drop(&f->j);
    if (f->tasks) {
        for (int k = 0; k < f->n; k++)
            ait_task_detach(f->tasks[k]);
        free(f->tasks);
        f->tasks = NULL;
    }
}

/* never: pending forever, never registers its waker; counts drops. */
static atomic_long never_drops;
static ait_poll never_poll(void *fp, ait_cx *cx, void *out) {
    (void)fp;
    (void)cx;
    (void)out;
    return AIT_PENDING;
}
static void never_drop(void *fp) {
    (void)fp;
    atomic_fetch_add(&never_drops, 1);
}

/* ---- tests: spawn and join at scale ------------------------------------------- */

static long long expected_sum(int n) { return (long long)n * (n - 1); } /* sum of 2k */

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
           "%d worker thread(s) ran them\n", (double)(t1 - t0) / 1e6, threads);
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
    assert_int_equal(threads, 2);       /* 64 busy tasks: both workers took some */
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

/* sleeper: sleeps ms (a timer on the runtime), counts drops. */
static atomic_long sleeper_drops, sleeper_done;
typedef struct { uint64_t ms; ait_sleep_ms_frame s; } sleeper_frame;
static void sleeper_init(void *fp, void *arg) {
    sleeper_frame *f = fp;
    f->ms = *(uint64_t *)arg;
    ait_sleep_ms_init(&f->s, f->ms);
}
static ait_poll sleeper_poll(void *fp, ait_cx *cx, void *out) {
    sleeper_frame *f = fp;
    ait_unit u;
    ait_poll r = ait_sleep_ms_poll(&f->s, cx, &u);
    if (r == AIT_READY) {
        atomic_fetch_add(&sleeper_done, 1);
        *(uint64_t *)out = ait_now_ns();
    }
    return r;
}
static void sleeper_drop(void *fp) {
    ait_sleep_ms_drop(&((sleeper_frame *)fp)->s);
    atomic_fetch_add(&sleeper_drops, 1);
}
static ait_task *spawn_sleeper(ait_rt *rt, uint64_t ms) {
    return ait_spawn(rt, sizeof(sleeper_frame), _Alignof(sleeper_frame), sizeof(uint64_t),
                     sleeper_init, &ms, sleeper_poll, sleeper_drop);
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
    uint64_t t0 = ait_now_ns();
    ait_rt_free(rt);
    assert_true(ait_now_ns() - t0 < 2000000000u);
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
        assert_true(took >= ms[i] * 1000000u);
        assert_true(took < ms[i] * 1000000u + 500000000u);
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

/* ---- tests: deadlock detection on the MT runtime ----------------------------------------- */

static void test_mt_deadlock(void **state) {
    (void)state;
    atomic_store(&never_drops, 0);
    ait_rt *rt = mt_rt(2);
    /* a join of a send task that never wakes: -EDEADLK once it is idle */
    ait_task *t = ait_spawn(rt, 8, 8, 0, NULL, NULL, never_poll, never_drop);
    assert_non_null(t);
    uint64_t t0 = ait_now_ns();
    int rc = 1;
    assert_int_equal(ait_task_join_block_on(rt, &rc, t, NULL), -EDEADLK);
    assert_true(ait_now_ns() - t0 < 2000000000u);
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
        cmocka_unit_test_teardown(test_abort_states, teardown),
        cmocka_unit_test_teardown(test_abort_races, teardown),
        cmocka_unit_test_teardown(test_shutdown_with_pending, teardown),
        cmocka_unit_test_teardown(test_join_after_free, teardown),
        cmocka_unit_test_teardown(test_sleep_in_workers, teardown),
        cmocka_unit_test_teardown(test_mt_deadlock, teardown),
        cmocka_unit_test_teardown(test_task_join_errno, teardown),
        cmocka_unit_test_teardown(test_join_inside_worker, teardown),
        cmocka_unit_test_teardown(test_config_errors, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    ait_alloc_trim();
    return rc;
}
