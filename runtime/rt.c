/* rt.c: the runtime object: creation, references, holds, shutdown.
 *
 * A runtime is refcounted (see internal.h). ait_rt_new makes the struct
 * and, for a multi-threaded runtime, the reactor and the workers (which
 * take turns waiting in it); a current-thread runtime creates its reactor lazily, the
 * first time block_on parks or an fd future waits. ait_rt_free stops the
 * threads, cancels what is unfinished and drops the owner's reference; the
 * memory (and the epoll and eventfd descriptors, which late drops of I/O
 * frames may still use) goes with the last reference.
 */
#define _GNU_SOURCE             /* PTHREAD_MUTEX_ADAPTIVE_NP */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

#define MAX_WORKERS 1024

/* ---- creation ------------------------------------------------------------ */

static int init_cond_monotonic(pthread_cond_t *c) {
    pthread_condattr_t ca;
    if (pthread_condattr_init(&ca) != 0)
        return -ENOMEM;
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    int rc = pthread_cond_init(c, &ca);
    pthread_condattr_destroy(&ca);
    return rc ? -rc : 0;
}

/* ---- the table of runtimes (a task's state word holds its index) ------- */

struct ait_rt **_Atomic ait__rt_table[1u << (AIT_RT_INDEX_BITS - AIT_RT_CHUNK_BITS)];
static pthread_mutex_t rt_table_lock = PTHREAD_MUTEX_INITIALIZER;
static uint32_t *rt_free_ids;       /* under rt_table_lock: a stack of freed ids */
static size_t rt_nfree, rt_free_cap;
static uint32_t rt_next_id = 1;     /* 0 is never used */

static int rt_index_get(ait_rt *rt) {
    const uint32_t chunk = 1u << AIT_RT_CHUNK_BITS;
    pthread_mutex_lock(&rt_table_lock);
    uint32_t id;
    if (rt_nfree) {
        id = rt_free_ids[--rt_nfree];
    } else {
        if (rt_next_id >= (1u << AIT_RT_INDEX_BITS)) {
            pthread_mutex_unlock(&rt_table_lock);
            return -ENOMEM;
        }
        id = rt_next_id;
        if (!atomic_load_explicit(&ait__rt_table[id / chunk], memory_order_relaxed)) {
            ait_rt **c = calloc(chunk, sizeof *c);
            if (!c) {
                pthread_mutex_unlock(&rt_table_lock);
                return -ENOMEM;
            }
            atomic_store_explicit(&ait__rt_table[id / chunk], c, memory_order_release);
        }
        /* Room to free it later, so that freeing cannot fail. */
        if (rt_next_id > rt_free_cap) {
            size_t cap = rt_free_cap ? 2 * rt_free_cap : 64;
            uint32_t *v = realloc(rt_free_ids, cap * sizeof *v);
            if (!v) {
                pthread_mutex_unlock(&rt_table_lock);
                return -ENOMEM;
            }
            rt_free_ids = v;
            rt_free_cap = cap;
        }
        rt_next_id++;
    }
    atomic_load_explicit(&ait__rt_table[id / chunk], memory_order_relaxed)[id % chunk] = rt;
    rt->index = id;
    pthread_mutex_unlock(&rt_table_lock);
    return 0;
}

static void rt_index_put(ait_rt *rt) {
    const uint32_t chunk = 1u << AIT_RT_CHUNK_BITS;
    uint32_t id = rt->index;
    if (!id)
        return;
    pthread_mutex_lock(&rt_table_lock);
    atomic_load_explicit(&ait__rt_table[id / chunk], memory_order_relaxed)[id % chunk] = NULL;
    rt_free_ids[rt_nfree++] = id;
    pthread_mutex_unlock(&rt_table_lock);
}

ait_rt *ait_rt_new(const ait_rt_config *cfg) {
    int nworkers = cfg ? cfg->workers : 0;
    if (nworkers < 0 || nworkers > MAX_WORKERS) {
        errno = EINVAL;
        return NULL;
    }
    ait_rt *rt = calloc(1, sizeof *rt);
    if (!rt) {
        errno = ENOMEM;
        return NULL;
    }
    atomic_init(&rt->refs, 1);
    atomic_init(&rt->closed, false);
    atomic_init(&rt->root_woken, 0);
    atomic_init(&rt->holds, 0);
    atomic_init(&rt->in_block_on, false);
    atomic_init(&rt->main_parked, false);
    atomic_init(&rt->active, 0);
    atomic_init(&rt->timer_next, UINT64_MAX);
    atomic_init(&rt->has_remote, false);
    atomic_init(&rt->shutdown, false);
    atomic_init(&rt->inject_len, 0);
    atomic_init(&rt->num_idle, 0);
    atomic_init(&rt->searching, 0);
    atomic_init(&rt->epfd, -1);
    atomic_init(&rt->io_waiters, 0);
    atomic_init(&rt->driving, false);
    atomic_init(&rt->local_done_x, 0);
    atomic_init(&rt->owned_done_x, 0);
    rt->evfd = -1;
    rt->nworkers = nworkers;
    /* The critical sections are a few instructions long: adaptive mutexes
     * spin a little before sleeping in the kernel. Initializing mutexes
     * and conds cannot fail on Linux; the monotonic cond can only fail for
     * lack of memory. */
    pthread_mutexattr_t ma;
    pthread_mutexattr_init(&ma);
    pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ADAPTIVE_NP);
    pthread_mutex_init(&rt->lock, &ma);
    pthread_mutex_init(&rt->inject_lock, &ma);
    pthread_mutex_init(&rt->idle_lock, &ma);
    pthread_mutex_init(&rt->io_lock, &ma);
    pthread_mutex_init(&rt->owned_lock, &ma);
    pthread_mutexattr_destroy(&ma);
    int rc = init_cond_monotonic(&rt->cond);
    if (rc == 0)
        rc = rt_index_get(rt);
    if (rc == 0 && nworkers > 0) {
        rc = ait__reactor_init(rt);
        if (rc == 0)
            rc = ait__workers_start(rt);
    } else if (rc == 0) {
        rt->nworkers = 0;
    }
    if (rc < 0) {
        ait__rt_unref(rt);          /* destroys what was made */
        errno = -rc;
        return NULL;
    }
    return rt;
}

void ait__rt_ref(ait_rt *rt) {
    atomic_fetch_add_explicit(&rt->refs, 1, memory_order_relaxed);
}

void ait__rt_unref(ait_rt *rt) {
    if (atomic_fetch_sub_explicit(&rt->refs, 1, memory_order_acq_rel) != 1)
        return;
    ait__workers_destroy(rt);
    ait__reactor_destroy(rt);
    free(rt->timers.v);
    pthread_cond_destroy(&rt->cond);
    pthread_mutex_destroy(&rt->owned_lock);
    pthread_mutex_destroy(&rt->io_lock);
    pthread_mutex_destroy(&rt->idle_lock);
    pthread_mutex_destroy(&rt->inject_lock);
    pthread_mutex_destroy(&rt->lock);
    rt_index_put(rt);
    free(rt);
}

/* ---- shutdown ------------------------------------------------------------ */

void ait_rt_free(ait_rt *rt) {
    if (!rt)
        return;
    pthread_mutex_lock(&rt->lock);
    bool again = atomic_exchange(&rt->closed, true);
    pthread_mutex_unlock(&rt->lock);
    if (again)
        return;     /* freed twice, while something still holds it */
    /* Pushes that saw closed == false under these locks are done now;
     * later ones release their task instead of queueing it. */
    pthread_mutex_lock(&rt->inject_lock);
    pthread_mutex_unlock(&rt->inject_lock);
    if (rt->nworkers > 0)
        ait__workers_stop(rt);
    ait__tasks_cancel_all(rt);
    /* Release the run queues' references. */
    ait_task_queue q = rt->local;
    rt->local.head = rt->local.tail = NULL;
    rt->local.len = 0;
    pthread_mutex_lock(&rt->lock);
    ait__queue_append(&q, &rt->remote);
    atomic_store(&rt->has_remote, false);
    pthread_mutex_unlock(&rt->lock);
    ait_task *t;
    while ((t = ait__queue_pop(&q)) != NULL)
        ait__task_unref(t);
    if (rt->nworkers > 0)
        ait__workers_drain(rt);
    ait__timers_close(rt);
    ait__reactor_close(rt);
    ait__rt_unref(rt);
}

ait_rt *ait_rt_current(void) {
    if (ait__tls_rt)
        return ait__tls_rt;
    return ait__tls_worker ? ait__tls_worker->rt : NULL;
}

/* ---- holds and unparking --------------------------------------------------- */

/* A hold is also a reference to the runtime's memory, so the documented
 * order -- wake the waker, then unhold -- is safe even when the wake
 * released the last other reference. */
void ait_rt_hold(ait_rt *rt) {
    ait__rt_ref(rt);
    atomic_fetch_add(&rt->holds, 1);
}

void ait_rt_unhold(ait_rt *rt) {
    /* The last hold gone: block_on may have to report -EDEADLK now. */
    if (atomic_fetch_sub(&rt->holds, 1) == 1)
        ait__rt_unpark_main(rt);
    ait__rt_unref(rt);
}

void ait__rt_active_sub(ait_rt *rt, long n) {
    /* The last active send task gone: block_on may be deadlocked now, but
     * only without holds (pending I/O, jobs): while there is one, its end
     * unparks block_on (ait_rt_unhold). Without this test, a server's
     * worker running out of tasks woke block_on's thread every time
     * (W9: 0.11 futex calls per request at 1 worker). */
    if (atomic_fetch_sub(&rt->active, n) == n && atomic_load(&rt->holds) == 0)
        ait__rt_unpark_main(rt);
}

void ait__rt_unpark_main_locked(ait_rt *rt) {
    if (!atomic_load(&rt->main_parked) || rt->main_notified)
        return;
    rt->main_notified = true;
    if (rt->nworkers > 0)
        pthread_cond_signal(&rt->cond);
    else
        ait__reactor_notify(rt);    /* it sleeps in epoll_wait */
}

void ait__rt_unpark_main(ait_rt *rt) {
    /* main_parked is stored (seq_cst) before block_on's thread looks at
     * what could wake it, and whoever changes one of those stores it
     * before this load: one of the two sees the other. */
    if (!atomic_load(&rt->main_parked))
        return;
    pthread_mutex_lock(&rt->lock);
    ait__rt_unpark_main_locked(rt);
    pthread_mutex_unlock(&rt->lock);
}

void ait__rt_timer_added_locked(ait_rt *rt, uint64_t deadline) {
    /* Whoever sleeps in epoll_wait must wake earlier than it planned. */
    if (rt->driver_parked && !rt->driver_notified &&
        (rt->park_deadline == 0 || deadline < rt->park_deadline)) {
        rt->driver_notified = true;
        ait__reactor_notify(rt);
    }
}
