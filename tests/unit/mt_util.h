/* mt_util.h: helpers and hand-written futures shared by test_mt.c and
 * test_mt_life.c. Every shared counter is atomic (the tests also run under
 * TSan). Functions are static inline so that each test file may use a
 * subset without warnings. */
#ifndef MT_UTIL_H
#define MT_UTIL_H

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

static inline void *ca_alloc(void *ud, size_t size, size_t align) {
    (void)ud;
    void *p = NULL;
    if (align < sizeof(void *))
        align = sizeof(void *);
    if (posix_memalign(&p, align, size) != 0)
        return NULL;
    atomic_fetch_add(&ca_allocs, 1);
    return p;
}

static inline void ca_free(void *ud, void *p, size_t size, size_t align) {
    (void)ud;
    (void)size;
    (void)align;
    atomic_fetch_add(&ca_frees, 1);
    free(p);
}

static inline void use_counting_allocator(void) {
    atomic_store(&ca_allocs, 0);
    atomic_store(&ca_frees, 0);
    ait_allocator a = { ca_alloc, ca_free, NULL };
    ait_set_allocator(&a);
}

static inline long ca_live(void) { return atomic_load(&ca_allocs) - atomic_load(&ca_frees); }

static inline int teardown(void **state) {
    (void)state;
    ait_set_allocator(NULL);
    return 0;
}

static inline void sleep_ms(long ms) {
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

static inline ait_rt *mt_rt(int workers) {
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
static inline void note_thread(void) {
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
static inline int seen_count(bool *main_seen) {
    pthread_mutex_lock(&seen_lock);
    int n = nseen;
    *main_seen = false;
    for (int i = 0; i < nseen; i++)
        if (pthread_equal(seen[i], pthread_self()))
            *main_seen = true;
    pthread_mutex_unlock(&seen_lock);
    return n;
}
static inline void seen_reset(void) {
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
static inline void val_init(void *fp, void *arg) { *(val_frame *)fp = *(val_frame *)arg; }
static inline ait_poll val_poll(void *fp, ait_cx *cx, void *out) {
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
static inline void val_drop(void *fp) {
    (void)fp;
    atomic_fetch_add(&val_drops, 1);
}
static inline ait_task *spawn_val(ait_rt *rt, int v, int yields, int err, bool note) {
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
static inline void many_init(void *fp, void *arg) {
    many_frame *f = fp;
    *f = *(many_frame *)arg;
    f->state = 0;
    f->tasks = NULL;
}
static inline ait_poll many_poll(void *fp, ait_cx *cx, void *out) {
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
static inline void many_drop(void *fp) {
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
static inline ait_poll never_poll(void *fp, ait_cx *cx, void *out) {
    (void)fp;
    (void)cx;
    (void)out;
    return AIT_PENDING;
}
static inline void never_drop(void *fp) {
    (void)fp;
    atomic_fetch_add(&never_drops, 1);
}

static inline long long expected_sum(int n) { return (long long)n * (n - 1); } /* sum of 2k */

/* sleeper: sleeps ms (a timer on the runtime), counts drops. */
static atomic_long sleeper_drops, sleeper_done;
typedef struct { uint64_t ms; ait_sleep_ms_frame s; } sleeper_frame;
static inline void sleeper_init(void *fp, void *arg) {
    sleeper_frame *f = fp;
    f->ms = *(uint64_t *)arg;
    ait_sleep_ms_init(&f->s, f->ms);
}
static inline ait_poll sleeper_poll(void *fp, ait_cx *cx, void *out) {
    sleeper_frame *f = fp;
    ait_unit u;
    ait_poll r = ait_sleep_ms_poll(&f->s, cx, &u);
    if (r == AIT_READY) {
        atomic_fetch_add(&sleeper_done, 1);
        *(uint64_t *)out = ait_now_ns();
    }
    return r;
}
static inline void sleeper_drop(void *fp) {
    ait_sleep_ms_drop(&((sleeper_frame *)fp)->s);
    atomic_fetch_add(&sleeper_drops, 1);
}
static inline ait_task *spawn_sleeper(ait_rt *rt, uint64_t ms) {
    return ait_spawn(rt, sizeof(sleeper_frame), _Alignof(sleeper_frame), sizeof(uint64_t),
                     sleeper_init, &ms, sleeper_poll, sleeper_drop);
}

#endif
