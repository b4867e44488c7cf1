/* blocking.c: the blocking pool and its futures, ait_spawn_blocking and
 * ait_spawn_blocking_copy (the job owns a copy of its argument).
 *
 * One process-wide pool: a FIFO of jobs under a mutex, and up to
 * max_threads threads started lazily (while there are more queued jobs
 * than idle threads) that exit after IDLE_MS without work, on
 * ait_blocking_shutdown, or (when idle) at process exit.
 *
 * A job record is one block from ait_frame_alloc, owned jointly by the
 * frame and the pool, with one atomic word for both the ownership and a
 * spin lock over the waker slot:
 *   LOCK  guards waker and rt;
 *   DONE  set by the pool thread, with the release of LOCK, once the
 *         result is written and the waker taken out: from then on the
 *         pool thread no longer touches the record (unless GONE);
 *   GONE  set by a frame dropped before DONE, with the release of LOCK,
 *         after it took the waker out: the record is the pool's to free.
 * So the record is freed exactly once: by the frame (at its READY poll or
 * its drop) when DONE came first, which keeps the normal path's alloc and
 * free on the executor's thread (the default allocator's cache), or by
 * the pool thread when GONE came first. Whoever takes the waker out does
 * the runtime's unhold, after the wake.
 *
 * ait_spawn_blocking_copy puts a copy of the argument at the end of the
 * record, so fn never reads the caller's memory: a frame dropped while
 * the job runs cannot leave it reading freed memory. The copy goes back
 * to the caller's argument at the READY poll, so fn's results come back.
 *
 * Only the public API (ait.h) is used: the waker clone in the record keeps
 * the runtime alive (root and task wakers hold references to it) until the
 * unhold that follows the wake.
 */
#define _POSIX_C_SOURCE 200809L
#include "ait.h"
#include "internal.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEFAULT_MAX_THREADS 8
#define IDLE_MS 5000

enum { J_LOCK = 1u, J_DONE = 2u, J_GONE = 4u };

typedef struct job {
    atomic_uint st;                 /* J_* */
    intptr_t (*fn)(void *arg);
    void *arg;
    intptr_t result;                /* written before DONE */
    ait_waker waker;                /* a clone, under LOCK; vt NULL once taken */
    ait_rt *rt;                     /* held (ait_rt_hold) while set, under LOCK */
    struct job *next;               /* queue link, under the pool lock */
    size_t size;                    /* bytes of data (ait_spawn_blocking_copy) */
    max_align_t data[];             /* the job's copy of the argument */
} job;

typedef struct worker {
    pthread_t tid;
    struct worker *next;
} worker;

static struct {
    pthread_mutex_t lock;
    pthread_cond_t work;            /* jobs queued, or a reason to exit (pool_init) */
    pthread_cond_t gone;            /* a thread exited or left idle wait */
    job *head, *tail;
    size_t queued;
    int nthreads, nidle, max;
    int stoppers;                   /* ait_blocking_shutdown calls running */
    bool exiting;                   /* the atexit handler ran */
    worker *exited;                 /* threads to join */
    clockid_t clock;                /* of pool.work */
} pool = { .lock = PTHREAD_MUTEX_INITIALIZER, .gone = PTHREAD_COND_INITIALIZER,
           .max = DEFAULT_MAX_THREADS, .clock = CLOCK_MONOTONIC };

static pthread_once_t pool_once = PTHREAD_ONCE_INIT;
static _Thread_local bool on_pool_thread;

/* ---- the job record ------------------------------------------------------ */

static void job_lock(job *j) {
    unsigned s = atomic_load_explicit(&j->st, memory_order_relaxed);
    for (;;) {
        if (s & J_LOCK)
            s = atomic_load_explicit(&j->st, memory_order_relaxed);
        else if (atomic_compare_exchange_weak_explicit(&j->st, &s, s | J_LOCK,
                                                       memory_order_acquire,
                                                       memory_order_relaxed))
            return;
    }
}

/* Releases LOCK, setting the bits in set at the same time; returns the
 * state before. */
static unsigned job_unlock(job *j, unsigned set) {
    return atomic_fetch_xor_explicit(&j->st, J_LOCK | set, memory_order_acq_rel);
}

static void job_free(job *j) { ait_frame_free(j, sizeof *j + j->size, _Alignof(job)); }

/* Takes the waker and the hold out of j (locked); they are the caller's. */
static void job_take(job *j, ait_waker *w, ait_rt **rt) {
    *w = j->waker;
    *rt = j->rt;
    j->waker.vt = NULL;
    j->waker.data = NULL;
    j->rt = NULL;
}

/* Wakes, then unholds (so the runtime never sees "no hold, nothing
 * ready" in between), then drops the clone (which kept rt alive). */
static void wake_release(ait_waker w, ait_rt *rt, bool wake) {
    if (wake)
        ait_waker_wake_by_ref(&w);
    if (rt)
        ait_rt_unhold(rt);
    ait_waker_drop(w);
}

static void job_complete(job *j, intptr_t r) {
    j->result = r;
    ait_waker w;
    ait_rt *rt;
    job_lock(j);
    job_take(j, &w, &rt);
    unsigned old = job_unlock(j, J_DONE);   /* the last touch, unless GONE */
    if (old & J_GONE)
        job_free(j);
    wake_release(w, rt, true);
}

/* ---- the pool ---------------------------------------------------------------- */

static void join_all(worker *w) {
    while (w) {
        worker *n = w->next;
        pthread_join(w->tid, NULL);
        free(w);
        w = n;
    }
}

static void reap(void) {
    pthread_mutex_lock(&pool.lock);
    worker *w = pool.exited;
    pool.exited = NULL;
    pthread_mutex_unlock(&pool.lock);
    join_all(w);
}

/* At exit: idle threads leave (busy ones finish their job, run what is
 * queued, and leave too, unless the process is gone by then). */
static void at_exit(void) {
    pthread_mutex_lock(&pool.lock);
    pool.exiting = true;
    pthread_cond_broadcast(&pool.work);
    while (pool.nidle > 0)
        pthread_cond_wait(&pool.gone, &pool.lock);
    pthread_mutex_unlock(&pool.lock);
    reap();
}

static void pool_init(void) {
    pthread_condattr_t ca;
    bool mono = false;
    if (pthread_condattr_init(&ca) == 0) {
        mono = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0 &&
               pthread_cond_init(&pool.work, &ca) == 0;
        pthread_condattr_destroy(&ca);
    }
    if (!mono) {
        pool.clock = CLOCK_REALTIME;
        pthread_cond_init(&pool.work, NULL);
    }
    atexit(at_exit);
}

/* Every entry point that touches the pool's condition variables. */
static void pool_ready(void) { pthread_once(&pool_once, pool_init); }

static bool should_exit(void) {
    return pool.exiting || pool.stoppers > 0 || pool.nthreads > pool.max;
}

static void *worker_main(void *arg) {
    worker *self = arg;
    on_pool_thread = true;
    pthread_mutex_lock(&pool.lock);
    for (;;) {
        while (!pool.head) {
            if (should_exit())
                goto out;
            struct timespec ts;
            clock_gettime(pool.clock, &ts);
            ts.tv_sec += IDLE_MS / 1000;
            ts.tv_nsec += (long)(IDLE_MS % 1000) * 1000000L;
            if (ts.tv_nsec >= 1000000000L) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000L;
            }
            pool.nidle++;
            int rc = pthread_cond_timedwait(&pool.work, &pool.lock, &ts);
            pool.nidle--;
            if (pool.exiting)
                pthread_cond_broadcast(&pool.gone);
            if (rc == ETIMEDOUT && !pool.head)
                goto out;
        }
        job *j = pool.head;
        pool.head = j->next;
        if (!pool.head)
            pool.tail = NULL;
        pool.queued--;
        pthread_mutex_unlock(&pool.lock);
        job_complete(j, j->fn(j->arg));
        pthread_mutex_lock(&pool.lock);
    }
out:
    pool.nthreads--;
    self->next = pool.exited;
    pool.exited = self;
    pthread_cond_broadcast(&pool.gone);
    pthread_mutex_unlock(&pool.lock);
    return NULL;
}

/* Starts a thread; called with pool.lock held (so the new thread, which
 * takes the lock first thing, cannot exit before its tid is stored). */
static bool start_thread(void) {
    worker *w = malloc(sizeof *w);
    if (!w)
        return false;
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&w->tid, NULL, worker_main, w);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        free(w);
        return false;
    }
    pool.nthreads++;
    return true;
}

/* Queues j; 0, or -EAGAIN when no thread exists and none can be made. */
static int submit(job *j) {
    pool_ready();
    pthread_mutex_lock(&pool.lock);
    worker *gone = pool.exited;     /* joined after the unlock */
    pool.exited = NULL;
    j->next = NULL;
    if (pool.tail)
        pool.tail->next = j;
    else
        pool.head = j;
    pool.tail = j;
    pool.queued++;
    int rc = 0;
    if ((size_t)pool.nidle < pool.queued && pool.nthreads < pool.max &&
        !start_thread() && pool.nthreads == 0) {
        /* No thread took anything, so the queue holds j alone (threads
         * never leave while jobs are queued). */
        pool.head = pool.tail = NULL;
        pool.queued = 0;
        rc = -EAGAIN;
    } else if (pool.nidle > 0) {
        pthread_cond_signal(&pool.work);
    }
    pthread_mutex_unlock(&pool.lock);
    join_all(gone);
    return rc;
}

int ait_blocking_config(int max_threads) {
    if (max_threads < 0)
        return -EINVAL;
    pool_ready();
    pthread_mutex_lock(&pool.lock);
    pool.max = max_threads ? max_threads : DEFAULT_MAX_THREADS;
    pthread_cond_broadcast(&pool.work);
    pthread_mutex_unlock(&pool.lock);
    return 0;
}

int ait_blocking_shutdown(void) {
    if (on_pool_thread)
        return -EDEADLK;
    pool_ready();
    pthread_mutex_lock(&pool.lock);
    pool.stoppers++;
    pthread_cond_broadcast(&pool.work);
    while (pool.nthreads > 0)
        pthread_cond_wait(&pool.gone, &pool.lock);
    pool.stoppers--;
    pthread_mutex_unlock(&pool.lock);
    reap();
    return 0;
}

int ait_blocking_threads(void) {
    pthread_mutex_lock(&pool.lock);
    int n = pool.nthreads;
    pthread_mutex_unlock(&pool.lock);
    return n;
}

/* ---- the future ------------------------------------------------------------- */

enum { F_NEW, F_SUBMITTED, F_DONE };

void ait_spawn_blocking_init(ait_spawn_blocking_frame *f, intptr_t (*fn)(void *arg),
                             void *arg) {
    f->fn = fn;
    f->arg = arg;
    f->size = 0;
    f->job = NULL;
    f->state = F_NEW;
}

void ait_spawn_blocking_copy_init(ait_spawn_blocking_copy_frame *f, intptr_t (*fn)(void *arg),
                                  void *arg, size_t size) {
    ait_spawn_blocking_init(f, fn, arg);
    f->size = size;
}

/* After DONE: the record is the frame's. The job's copy of the argument
 * goes back to the caller's (the caller is polling: it is alive). */
static ait_poll finish(ait_spawn_blocking_frame *f, job *j, ait_spawn_blocking_output *out) {
    if (out)
        *out = j->result;
    if (j->size)
        memcpy(f->arg, j->data, j->size);
    f->job = NULL;
    f->state = F_DONE;
    job_free(j);
    return AIT_READY;
}

ait_poll ait_spawn_blocking_poll(ait_spawn_blocking_frame *f, ait_cx *cx,
                                 ait_spawn_blocking_output *out) {
    if (f->state == F_DONE)
        return ait_fail(cx, AIT_EPOISONED);
    if (f->state == F_NEW) {
        if (!f->fn) {
            f->state = F_DONE;
            return ait_fail(cx, -EINVAL);
        }
        size_t size = f->arg ? f->size : 0;
        job *j = size <= SIZE_MAX - sizeof *j ? ait_frame_alloc(sizeof *j + size, _Alignof(job))
                                               : NULL;
        if (!j) {
            f->state = F_DONE;
            return ait_fail(cx, AIT_ENOMEM);
        }
        atomic_init(&j->st, 0);
        j->fn = f->fn;
        j->size = size;
        j->arg = size ? memcpy(j->data, f->arg, size) : f->arg;
        j->result = 0;
        j->waker = ait_waker_clone(&cx->waker);
        j->rt = cx->rt;
        j->next = NULL;
        if (j->rt)
            ait_rt_hold(j->rt);
        int rc = submit(j);
        if (rc < 0) {
            wake_release(j->waker, j->rt, false);
            job_free(j);
            f->state = F_DONE;
            return ait_fail(cx, rc);
        }
        f->job = j;
        f->state = F_SUBMITTED;
        return AIT_PENDING;
    }
    job *j = f->job;
    if (atomic_load_explicit(&j->st, memory_order_acquire) & J_DONE)
        return finish(f, j, out);
    /* Still running: make sure the waker (and the runtime held) are the
     * current ones. */
    job_lock(j);
    if (atomic_load_explicit(&j->st, memory_order_relaxed) & J_DONE) {
        job_unlock(j, 0);
        return finish(f, j, out);
    }
    ait_waker old = { NULL, NULL };
    ait_rt *old_rt = NULL;
    if (!ait_waker_will_wake(&j->waker, &cx->waker)) {
        old = j->waker;
        j->waker = ait_waker_clone(&cx->waker);
    }
    if (j->rt != cx->rt) {
        old_rt = j->rt;
        j->rt = cx->rt;
        if (j->rt)
            ait_rt_hold(j->rt);
    }
    job_unlock(j, 0);
    wake_release(old, old_rt, false);
    return AIT_PENDING;
}

void ait_spawn_blocking_drop(ait_spawn_blocking_frame *f) {
    job *j = f->job;
    if (!j)
        return;
    f->job = NULL;
    job_lock(j);
    if (atomic_load_explicit(&j->st, memory_order_relaxed) & J_DONE) {
        job_unlock(j, 0);
        job_free(j);                /* the result is discarded */
        return;
    }
    ait_waker w;
    ait_rt *rt;
    job_take(j, &w, &rt);
    job_unlock(j, J_GONE);          /* the pool thread frees it */
    wake_release(w, rt, false);
}

AIT__DEFINE_BLOCK_ON(ait_spawn_blocking, AIT__PARAMS_AFTER(intptr_t (*fn)(void *arg), void *arg),
                     AIT__PARAMS_AFTER(fn, arg))

ait_poll ait_spawn_blocking_copy_poll(ait_spawn_blocking_copy_frame *f, ait_cx *cx,
                                      ait_spawn_blocking_copy_output *out) {
    return ait_spawn_blocking_poll(f, cx, out);
}
void ait_spawn_blocking_copy_drop(ait_spawn_blocking_copy_frame *f) {
    ait_spawn_blocking_drop(f);
}

AIT__DEFINE_BLOCK_ON(ait_spawn_blocking_copy,
                     AIT__PARAMS_AFTER(intptr_t (*fn)(void *arg), void *arg, size_t size),
                     AIT__PARAMS_AFTER(fn, arg, size))
