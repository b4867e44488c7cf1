/* exec.c: runtimes and the current-thread executor (ait_block_on).
 *
 * block_on polls the root future whenever its waker (a flag in the
 * runtime, rt->root_woken) was woken, runs the local tasks that were ready
 * when the round began, fires expired timers, and otherwise sleeps on a
 * condition variable (CLOCK_MONOTONIC) until the next timer deadline or a
 * wake from another thread. With nothing ready, no timer and no hold
 * (ait_rt_hold) it reports -EDEADLK rather than hang.
 */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

_Thread_local ait_rt *ait__tls_rt;

/* ---- queues (intrusive, FIFO) -------------------------------------------- */

void ait__queue_push(ait_task_queue *q, ait_task *t) {
    t->next = NULL;
    if (q->tail)
        q->tail->next = t;
    else
        q->head = t;
    q->tail = t;
    q->len++;
}

ait_task *ait__queue_pop(ait_task_queue *q) {
    ait_task *t = q->head;
    if (!t)
        return NULL;
    q->head = t->next;
    if (!q->head)
        q->tail = NULL;
    q->len--;
    t->next = NULL;
    return t;
}

static void queue_append(ait_task_queue *dst, ait_task_queue *src) {
    if (!src->head)
        return;
    if (dst->tail)
        dst->tail->next = src->head;
    else
        dst->head = src->head;
    dst->tail = src->tail;
    dst->len += src->len;
    src->head = src->tail = NULL;
    src->len = 0;
}

/* ---- the runtime object ---------------------------------------------------- */

ait_rt *ait_rt_new(const ait_rt_config *cfg) {
    if (cfg && cfg->workers < 0) {
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
    atomic_init(&rt->timer_next, UINT64_MAX);
    atomic_init(&rt->has_remote, false);
    rt->workers = cfg ? cfg->workers : 0;
    pthread_condattr_t ca;
    if (pthread_mutex_init(&rt->lock, NULL) != 0) {
        free(rt);
        errno = ENOMEM;
        return NULL;
    }
    if (pthread_condattr_init(&ca) != 0) {
        pthread_mutex_destroy(&rt->lock);
        free(rt);
        errno = ENOMEM;
        return NULL;
    }
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    int rc = pthread_cond_init(&rt->cond, &ca);
    pthread_condattr_destroy(&ca);
    if (rc != 0) {
        pthread_mutex_destroy(&rt->lock);
        free(rt);
        errno = ENOMEM;
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
    pthread_cond_destroy(&rt->cond);
    pthread_mutex_destroy(&rt->lock);
    free(rt);
}

void ait_rt_free(ait_rt *rt) {
    if (!rt)
        return;
    pthread_mutex_lock(&rt->lock);
    atomic_store(&rt->closed, true);
    pthread_mutex_unlock(&rt->lock);
    /* Cancel the unfinished tasks: each frame is dropped once, join handles
     * still held then report AIT_ECANCELED. */
    for (;;) {
        pthread_mutex_lock(&rt->lock);
        ait_task *t = rt->all;
        if (t)
            ait__task_ref(t);
        pthread_mutex_unlock(&rt->lock);
        if (!t)
            break;
        ait__task_finish(t, AIT_ECANCELED);
        pthread_mutex_lock(&rt->lock);
        if (t->in_all) {            /* being finished further up the stack */
            if (t->all_prev)
                t->all_prev->all_next = t->all_next;
            else
                rt->all = t->all_next;
            if (t->all_next)
                t->all_next->all_prev = t->all_prev;
            t->in_all = false;
        }
        pthread_mutex_unlock(&rt->lock);
        ait__task_unref(t);
    }
    /* Release the run queues' references. */
    ait_task_queue q = rt->local;
    rt->local.head = rt->local.tail = NULL;
    rt->local.len = 0;
    pthread_mutex_lock(&rt->lock);
    queue_append(&q, &rt->remote);
    atomic_store(&rt->has_remote, false);
    pthread_mutex_unlock(&rt->lock);
    ait_task *t;
    while ((t = ait__queue_pop(&q)) != NULL)
        ait__task_unref(t);
    ait__timers_close(rt);
    ait__rt_unref(rt);
}

ait_rt *ait_rt_current(void) { return ait__tls_rt; }

void ait_rt_hold(ait_rt *rt) { atomic_fetch_add(&rt->holds, 1); }

void ait_rt_unhold(ait_rt *rt) {
    if (atomic_fetch_sub(&rt->holds, 1) == 1) {
        pthread_mutex_lock(&rt->lock);
        if (rt->sleeping)
            pthread_cond_signal(&rt->cond);
        pthread_mutex_unlock(&rt->lock);
    }
}

void ait__rt_schedule(ait_rt *rt, ait_task *t) {
    if (ait__tls_rt == rt) {
        ait__queue_push(&rt->local, t);
        return;
    }
    pthread_mutex_lock(&rt->lock);
    if (atomic_load(&rt->closed)) {
        pthread_mutex_unlock(&rt->lock);
        ait__task_unref(t);
        return;
    }
    ait__queue_push(&rt->remote, t);
    atomic_store(&rt->has_remote, true);
    if (rt->sleeping)
        pthread_cond_signal(&rt->cond);
    pthread_mutex_unlock(&rt->lock);
}

/* ---- the root waker: a flag in the runtime ------------------------------- */

static void root_wake_by_ref(void *data) {
    ait_rt *rt = data;
    atomic_store(&rt->root_woken, 1);
    if (ait__tls_rt != rt) {
        pthread_mutex_lock(&rt->lock);
        if (rt->sleeping)
            pthread_cond_signal(&rt->cond);
        pthread_mutex_unlock(&rt->lock);
    }
}

static void root_wake(void *data) {
    root_wake_by_ref(data);
    ait__rt_unref(data);
}

static void *root_clone(void *data) {
    ait__rt_ref(data);
    return data;
}

static void root_drop(void *data) { ait__rt_unref(data); }

static const ait_waker_vtable root_vt = {
    root_wake, root_wake_by_ref, root_clone, root_drop
};

/* ---- block_on ---------------------------------------------------------------- */

static void drain_remote(ait_rt *rt) {
    if (!atomic_load(&rt->has_remote))
        return;
    pthread_mutex_lock(&rt->lock);
    queue_append(&rt->local, &rt->remote);
    atomic_store(&rt->has_remote, false);
    pthread_mutex_unlock(&rt->lock);
}

/* Sleeps until a remote wake, a timer deadline or a hold's end; returns
 * -EDEADLK when nothing could ever wake the runtime. */
static int park(ait_rt *rt) {
    int rc = 0;
    pthread_mutex_lock(&rt->lock);
    if (rt->remote.len == 0 && !atomic_load(&rt->root_woken)) {
        uint64_t dl = 0;
        bool has = ait__timers_next(rt, &dl);
        if (!has && atomic_load(&rt->holds) == 0) {
            rc = -EDEADLK;
        } else {
            rt->sleeping = true;
            if (!has) {
                pthread_cond_wait(&rt->cond, &rt->lock);
            } else if (dl > ait_now_ns()) {
                struct timespec ts;
                ts.tv_sec = (time_t)(dl / 1000000000u);
                ts.tv_nsec = (long)(dl % 1000000000u);
                pthread_cond_timedwait(&rt->cond, &rt->lock, &ts);
            }
            rt->sleeping = false;
        }
    }
    pthread_mutex_unlock(&rt->lock);
    return rc;
}

int ait_block_on(ait_rt *rt, void *frame, ait_poll_fn poll, void *out) {
    if (!poll)
        return -EINVAL;
    bool temp = false;
    if (!rt) {
        rt = ait_rt_new(NULL);
        if (!rt)
            return AIT_ENOMEM;
        temp = true;
    }
    bool idle = false;
    if (atomic_load(&rt->closed) ||
        !atomic_compare_exchange_strong(&rt->in_block_on, &idle, true)) {
        if (temp)
            ait_rt_free(rt);
        return -EBUSY;
    }
    ait_rt *prev = ait__tls_rt;
    ait__tls_rt = rt;
    atomic_store(&rt->root_woken, 1);
    int rc;
    for (;;) {
        if (atomic_exchange(&rt->root_woken, 0)) {
            ait_cx cx = { { &root_vt, rt }, rt, 0 };
            ait_poll r = poll(frame, &cx, out);
            if (r == AIT_READY) {
                rc = 0;
                break;
            }
            if (r == AIT_ERROR) {
                rc = cx.error < 0 ? cx.error : -EIO;
                break;
            }
        }
        ait__timers_fire(rt, ait_now_ns());
        drain_remote(rt);
        /* One round: the tasks ready now, not those they wake, so a task
         * that keeps yielding cannot starve the root future. */
        for (size_t n = rt->local.len; n > 0; n--) {
            ait_task *t = ait__queue_pop(&rt->local);
            if (!t)
                break;
            ait__task_run(rt, t);
        }
        if (atomic_load(&rt->root_woken) || rt->local.len)
            continue;
        rc = park(rt);
        if (rc < 0)
            break;
    }
    /* Wakes of this runtime from here on go through the remote queue. */
    drain_remote(rt);
    ait__tls_rt = prev;
    atomic_store(&rt->in_block_on, false);
    if (temp)
        ait_rt_free(rt);
    return rc;
}
