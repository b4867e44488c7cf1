/* worker.c: the multi-threaded executor's workers.
 *
 * Each worker thread owns a lock-free local run queue (deque.c). A send
 * task woken or spawned on a worker goes to that worker's queue; from any
 * other thread it goes to the runtime's injector, a mutex-protected FIFO.
 * A worker looks for work in this order: its own queue (every
 * GLOBAL_INTERVAL tasks the injector first, so injected tasks cannot
 * starve), the injector (taking a batch into its queue), then steals half
 * of another worker's queue (victims in random order). With nothing
 * found it parks (below). One parked worker at a time holds the reactor
 * (rt->driving): it waits in epoll_wait instead of on its condition
 * variable, and the tasks an fd event or a timer wakes go to its own queue
 * (ait__reactor_turn), so readiness reaches a task with no thread in
 * between. Busy workers take a non-blocking turn every GLOBAL_INTERVAL
 * tasks when no one holds the reactor, so events are never starved.
 *
 *   park:   under idle_lock push itself on the idle stack (num_idle++),
 *           then -- after a seq_cst fence -- look at every queue once
 *           more; work seen: unregister and search again; else take the
 *           reactor if it is free and wait in epoll_wait, or sleep on its
 *           condition variable until `notified`.
 *   notify: whoever queues work does so, then a seq_cst fence, then reads
 *           num_idle; if a worker is idle it takes one from the stack
 *           (one on a condition variable rather than the one in
 *           epoll_wait) and signals it (or writes the eventfd).
 * Both sides store, fence, then load: either the pusher sees the worker
 * idle and wakes it, or the worker sees the work. No wake-up is lost, and
 * the hot path (a push when no worker is idle) takes no lock. A worker
 * that takes a batch (from the injector, or by stealing) notifies too
 * when work is left over, so parked workers join in one after another.
 *
 * `active` counts send tasks queued or running on the workers (incremented
 * on queueing -- for block_on's batches, at the hand-over -- and
 * decremented after the poll, by each worker ACTIVE_BATCH tasks at a time
 * and whenever it finds no task), so block_on can tell "a send task may
 * still wake me" from a deadlock.
 */
#define _GNU_SOURCE             /* pthread_setname_np */
#include "internal.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

_Thread_local ait_worker *ait__tls_worker;

#define GLOBAL_INTERVAL 61u
/* Look again this many times before parking. Few: on a loaded machine a
 * sched_yield may give the CPU away for milliseconds, and fd events wait
 * while nobody is in epoll_wait (W9 at 2 workers, redis-benchmark on the
 * same 2 cores: 16 rounds gave p99 latencies of 30-55 ms, 2 rounds 1.4-4.8
 * ms). */
#define SEARCH_ROUNDS 2u
#define INJECT_BATCH 32u        /* send tasks queued on block_on's thread per hand-over */
#define ACTIVE_BATCH 32         /* tasks run per update of rt->active */

static void notify_work(ait_rt *rt);

/* ---- the injector ----------------------------------------------------------- */

static void release_all(ait_task_queue *q) {
    ait_task *t;
    while ((t = ait__queue_pop(q)) != NULL)
        ait__task_unref(t);
}

/* Appends q (tasks counted in active already) to the injector; false
 * when the runtime is closed (then the tasks are released instead: its
 * shutdown cancels them). */
static bool inject(ait_rt *rt, ait_task_queue *q) {
    pthread_mutex_lock(&rt->inject_lock);
    if (atomic_load(&rt->closed)) {
        pthread_mutex_unlock(&rt->inject_lock);
        atomic_fetch_sub(&rt->active, (long)q->len);
        release_all(q);
        return false;
    }
    atomic_fetch_add(&rt->inject_len, q->len);
    ait__queue_append(&rt->inject, q);
    pthread_mutex_unlock(&rt->inject_lock);
    return true;
}

/* Takes one task from the injector for w, and a batch more into w's queue. */
static ait_task *inject_pop(ait_worker *w) {
    ait_rt *rt = w->rt;
    if (atomic_load_explicit(&rt->inject_len, memory_order_acquire) == 0)
        return NULL;
    /* Room for a batch (a push may still find the ring full: see below). */
    size_t len = ait__lq_len(&w->q);
    size_t room = len < AIT_LQ_CAP / 2 ? AIT_LQ_CAP / 2 - len : 0;
    pthread_mutex_lock(&rt->inject_lock);
    ait_task *first = ait__queue_pop(&rt->inject);
    size_t n = first ? 1 : 0;
    if (first) {
        size_t batch = rt->inject.len / (size_t)rt->nworkers;
        if (batch > room)
            batch = room;
        for (size_t i = 0; i < batch; i++) {
            ait_task *t = ait__queue_pop(&rt->inject);
            ait_task_queue back = { NULL, NULL, 0 };
            if (!ait__lq_push(&w->q, t, &back)) {
                /* Full after all: the owner's pops advance `real` while a
                 * thief copies out, so the claimed span [steal, real) may
                 * exceed CAP/2. Put what came back (t, maybe half of the
                 * ring) at the injector's head and stop. */
                back.tail->next = rt->inject.head;
                if (!rt->inject.head)
                    rt->inject.tail = back.tail;
                rt->inject.head = back.head;
                rt->inject.len += back.len;
                atomic_fetch_add(&rt->inject_len, back.len - 1);  /* t was never counted out */
                break;
            }
            n++;
        }
    }
    atomic_fetch_sub(&rt->inject_len, n);
    bool more = rt->inject.len > 0 || n > 1;
    pthread_mutex_unlock(&rt->inject_lock);
    if (more)
        notify_work(rt);            /* a parked peer can take some of it */
    return first;
}

/* ---- parking ------------------------------------------------------------------ */

/* Wakes one parked worker: preferably one sleeping on its condition
 * variable, so that the one in epoll_wait (if any) keeps the reactor. */
static void notify_work(ait_rt *rt) {
    atomic_thread_fence(memory_order_seq_cst);
    /* A searching worker will find the work (it looks again, registered
     * idle, before it sleeps): no wake-up needed. */
    if (atomic_load(&rt->searching) > 0 || atomic_load(&rt->num_idle) == 0)
        return;
    pthread_mutex_lock(&rt->idle_lock);
    if (rt->nidle > 0) {
        int i = rt->nidle - 1;
        if (i > 0 && rt->workers[rt->idle[i]].in_driver)
            i--;                    /* only one worker drives */
        ait_worker *w = &rt->workers[rt->idle[i]];
        rt->idle[i] = rt->idle[--rt->nidle];
        atomic_store(&rt->num_idle, rt->nidle);
        w->notified = true;
        if (w->in_driver)
            ait__reactor_notify(rt);
        else
            pthread_cond_signal(&w->cond);
    }
    pthread_mutex_unlock(&rt->idle_lock);
}

static bool work_visible(ait_rt *rt) {
    if (atomic_load(&rt->shutdown) || atomic_load(&rt->inject_len) > 0)
        return true;
    for (int i = 0; i < rt->nworkers; i++)
        if (ait__lq_len(&rt->workers[i].q) > 0)
            return true;
    return false;
}

/* Takes w off the idle stack (unless a notify did), under idle_lock. */
static void unlist_locked(ait_worker *w) {
    ait_rt *rt = w->rt;
    if (!w->notified) {
        for (int i = 0; i < rt->nidle; i++) {
            if (rt->idle[i] == w->id) {
                rt->idle[i] = rt->idle[--rt->nidle];
                break;
            }
        }
        atomic_store(&rt->num_idle, rt->nidle);
    }
    w->notified = false;
    w->in_driver = false;
}

/* A turn of the reactor, the driver role taken: the tasks it wakes go to
 * w's queue, without a notify each (the caller notifies once). */
static void drive(ait_worker *w, bool block) {
    w->batching = true;
    ait__reactor_turn(w->rt, block);
    w->batching = false;
}

/* Parks w until there may be work. Registered idle first, then one more
 * look (see notify_work). Then, if no other worker has the reactor, w
 * waits in epoll_wait itself: an fd event or a timer wakes its task onto
 * w's queue, no thread in between (a notify writes the eventfd). Else it
 * sleeps on its condition variable. */
static void park(ait_worker *w) {
    ait_rt *rt = w->rt;
    pthread_mutex_lock(&rt->idle_lock);
    if (atomic_load(&rt->shutdown)) {
        pthread_mutex_unlock(&rt->idle_lock);
        return;
    }
    rt->idle[rt->nidle++] = w->id;
    atomic_store(&rt->num_idle, rt->nidle);
    pthread_mutex_unlock(&rt->idle_lock);
    atomic_thread_fence(memory_order_seq_cst);
    bool again = work_visible(rt);
    if (!again && !atomic_exchange(&rt->driving, true)) {
        pthread_mutex_lock(&rt->idle_lock);
        bool go = !w->notified;
        w->in_driver = go;
        pthread_mutex_unlock(&rt->idle_lock);
        if (go)
            drive(w, true);
        pthread_mutex_lock(&rt->idle_lock);
        unlist_locked(w);
        pthread_mutex_unlock(&rt->idle_lock);
        atomic_store(&rt->driving, false);
        if (ait__lq_len(&w->q) > 1)
            notify_work(rt);        /* several tasks woken: a peer shares them */
        return;
    }
    pthread_mutex_lock(&rt->idle_lock);
    while (!again && !w->notified && !atomic_load(&rt->shutdown))
        pthread_cond_wait(&w->cond, &rt->idle_lock);
    unlist_locked(w);
    pthread_mutex_unlock(&rt->idle_lock);
}

/* Collects the fd events and the expired timers without waiting, unless
 * another worker has the reactor or there is nothing to collect: true
 * when it took a turn. */
static bool collect(ait_worker *w) {
    ait_rt *rt = w->rt;
    if (atomic_load_explicit(&rt->io_waiters, memory_order_relaxed) == 0 &&
        atomic_load_explicit(&rt->timer_next, memory_order_relaxed) == UINT64_MAX)
        return false;
    if (atomic_load_explicit(&rt->driving, memory_order_relaxed) ||
        atomic_exchange(&rt->driving, true))
        return false;
    drive(w, false);
    atomic_store(&rt->driving, false);
    return true;
}

/* While busy, every GLOBAL_INTERVAL tasks: a turn of collect. */
static void poll_reactor(ait_worker *w) {
    /* A peer that parked meanwhile found the reactor taken and sleeps on
     * its condition variable: wake it, so that it takes the reactor (or
     * shares the tasks this turn woke). */
    if (collect(w))
        notify_work(w->rt);
}

/* ---- the worker loop ------------------------------------------------------------ */

static uint32_t next_rand(ait_worker *w) {
    uint32_t x = w->rng;            /* xorshift32 */
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    w->rng = x;
    return x;
}

static ait_task *steal(ait_worker *w) {
    ait_rt *rt = w->rt;
    int n = rt->nworkers;
    if (n > 1) {
        int start = (int)(next_rand(w) % (uint32_t)n);
        for (int i = 0; i < n; i++) {
            ait_worker *v = &rt->workers[(start + i) % n];
            if (v == w)
                continue;
            ait_task *t = ait__lq_steal(&v->q, &w->q);
            if (t) {
                if (ait__lq_len(&w->q) > 0)
                    notify_work(rt);    /* more than one stolen: share */
                return t;
            }
        }
    }
    return inject_pop(w);
}

static ait_task *next_task(ait_worker *w) {
    ait_task *t;
    if (++w->tick % GLOBAL_INTERVAL == 0) {
        poll_reactor(w);
        if ((t = inject_pop(w)) != NULL)
            return t;
    }
    if ((t = ait__lq_pop(&w->q)) != NULL)
        return t;
    if ((t = inject_pop(w)) != NULL)
        return t;
    return steal(w);
}

static void *worker_main(void *arg) {
    ait_worker *w = arg;
    ait_rt *rt = w->rt;
    ait__tls_worker = w;
    unsigned idle_rounds = 0;
    while (!atomic_load(&rt->shutdown)) {
        ait_task *t = next_task(w);
        if (t) {
            if (idle_rounds) {
                /* Found work: the last searcher wakes a parked peer (which
                 * searches in turn), since pushers skip the wake-up while
                 * someone searches. */
                idle_rounds = 0;
                if (atomic_fetch_sub(&rt->searching, 1) == 1)
                    notify_work(rt);
            }
            ait__task_run(rt, t);
            /* Out of rt->active in batches: late only while this worker
             * still finds work, so a deadlock is still seen. */
            if (++w->ran >= ACTIVE_BATCH) {
                ait__rt_active_sub(rt, w->ran);
                w->ran = 0;
            }
        } else if (w->ran > 0) {
            ait__rt_active_sub(rt, w->ran);
            w->ran = 0;
        } else if (rt->nworkers > 1 && ++idle_rounds < SEARCH_ROUNDS) {
            if (idle_rounds == 1)
                atomic_fetch_add(&rt->searching, 1);
            /* Searching: work often comes back within microseconds, and
             * parking and unparking cost two syscalls and a context
             * switch. Meanwhile collect ready fds if nobody waits in
             * epoll (the events would wait for the search to end), else
             * yield the CPU (the pusher may need it). A lone worker has
             * no peer to wait for: it parks at once, in epoll_wait. */
            if (collect(w)) {
                if (ait__lq_len(&w->q) > 1)
                    notify_work(rt);    /* several woken: a peer shares them */
            } else {
                sched_yield();
            }
        } else if (idle_rounds == 0) {
            park(w);                    /* a lone worker: nothing to search */
        } else {
            /* No longer searching, then (in park) registered idle, a
             * fence, one more look: a pusher that saw us searching has
             * queued its work before that look. */
            idle_rounds = 0;
            atomic_fetch_sub(&rt->searching, 1);
            park(w);
        }
    }
    if (w->ran > 0)
        ait__rt_active_sub(rt, w->ran);
    w->ran = 0;
    ait__tls_worker = NULL;
    return NULL;
}

/* ---- scheduling ------------------------------------------------------------------ */

void ait__workers_schedule(ait_rt *rt, ait_task *t) {
    ait_worker *w = ait__tls_worker;
    ait_task_queue q = { NULL, NULL, 0 };
    if (!(ait__tls_rt == rt && !(w && w->rt == rt)))
        atomic_fetch_add(&rt->active, 1);   /* batched ones: at the flush */
    if (w && w->rt == rt) {
        if (ait__lq_push(&w->q, t, &q)) {
            if (w->batching)
                return;             /* its reactor turn notifies once, after */
        } else {
            inject(rt, &q);         /* the ring was full: half of it */
        }
    } else if (ait__tls_rt == rt) {
        /* On block_on's thread: batched, handed over by ait__workers_flush
         * (block_on calls it after each poll of the root and each round of
         * local tasks, before it parks and when it returns). */
        ait__queue_push(&rt->inject_buf, t);
        if (rt->inject_buf.len >= INJECT_BATCH)
            ait__workers_flush(rt);
        return;
    } else {
        ait__queue_push(&q, t);
        if (!inject(rt, &q))
            return;                 /* closed: no worker to wake */
    }
    notify_work(rt);
}

void ait__workers_flush(ait_rt *rt) {
    if (rt->inject_buf.len == 0)
        return;
    ait_task_queue q = rt->inject_buf;
    rt->inject_buf.head = rt->inject_buf.tail = NULL;
    rt->inject_buf.len = 0;
    atomic_fetch_add(&rt->active, (long)q.len);
    if (inject(rt, &q))
        notify_work(rt);
}

/* ---- start and stop --------------------------------------------------------------- */

static void stop_started(ait_rt *rt) {
    atomic_store(&rt->shutdown, true);
    pthread_mutex_lock(&rt->idle_lock);
    for (int i = 0; i < rt->nworkers; i++) {
        rt->workers[i].notified = true;
        pthread_cond_signal(&rt->workers[i].cond);
    }
    pthread_mutex_unlock(&rt->idle_lock);
    ait__reactor_notify(rt);        /* the one in epoll_wait, if any */
    for (int i = 0; i < rt->nworkers; i++) {
        if (rt->workers[i].started) {
            pthread_join(rt->workers[i].thread, NULL);
            rt->workers[i].started = false;
        }
    }
}

int ait__workers_start(ait_rt *rt) {
    int n = rt->nworkers;
    void *mem = NULL;
    if (posix_memalign(&mem, 64, (size_t)n * sizeof(ait_worker)) != 0)
        return -ENOMEM;
    rt->idle = calloc((size_t)n, sizeof *rt->idle);
    if (!rt->idle) {
        free(mem);
        return -ENOMEM;
    }
    rt->workers = mem;
    for (int i = 0; i < n; i++) {
        ait_worker *w = &rt->workers[i];
        ait__lq_init(&w->q);
        w->rt = rt;
        w->id = i;
        w->notified = false;
        w->in_driver = false;
        w->batching = false;
        w->started = false;
        w->rng = 0x9e3779b9u * (uint32_t)(i + 1);
        w->tick = 0;
        w->ran = 0;
        atomic_init(&w->done, 0);
        pthread_cond_init(&w->cond, NULL);
    }
    /* Workers block every signal: signals go to the program's threads. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        ait_worker *w = &rt->workers[i];
        rc = pthread_create(&w->thread, NULL, worker_main, w);
        if (rc == 0) {
            char name[16];
            snprintf(name, sizeof name, "ait-worker-%u", (unsigned)i % 1000u);
            pthread_setname_np(w->thread, name);
            w->started = true;
        }
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        stop_started(rt);
        return -rc;
    }
    return 0;
}

void ait__workers_stop(ait_rt *rt) { stop_started(rt); }

void ait__workers_drain(ait_rt *rt) {
    release_all(&rt->inject_buf);   /* empty: block_on flushes it when it returns */
    for (int i = 0; i < rt->nworkers; i++) {
        ait_task *t;
        while ((t = ait__lq_pop(&rt->workers[i].q)) != NULL)
            ait__task_unref(t);
    }
    pthread_mutex_lock(&rt->inject_lock);
    ait_task_queue q = rt->inject;
    rt->inject.head = rt->inject.tail = NULL;
    rt->inject.len = 0;
    atomic_store(&rt->inject_len, 0);
    pthread_mutex_unlock(&rt->inject_lock);
    release_all(&q);
}

void ait__workers_destroy(ait_rt *rt) {
    if (rt->workers) {
        for (int i = 0; i < rt->nworkers; i++)
            pthread_cond_destroy(&rt->workers[i].cond);
        free(rt->workers);
        rt->workers = NULL;
    }
    free(rt->idle);
    rt->idle = NULL;
}
