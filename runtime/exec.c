/* exec.c: the current-thread executor (ait_block_on) and task scheduling.
 *
 * block_on polls the root future whenever its waker (a flag in the
 * runtime, rt->root_woken) was woken, runs the local tasks that were ready
 * when the round began, and otherwise parks:
 *   - current-thread runtime: it fires expired timers itself and parks in
 *     epoll_wait (the reactor), timeout = the next timer deadline; an
 *     eventfd interrupts it for wakes from other threads;
 *   - multi-threaded runtime: timers and fds belong to the workers (a
 *     parked one waits in epoll_wait); block_on's thread parks on a
 *     condition variable.
 * When nothing can ever wake it (nothing ready, no timer, no hold, no
 * pending I/O, no send task queued or running) it reports -EDEADLK rather
 * than hang.
 *
 * Scheduling (ait__rt_schedule): send tasks of a multi-threaded runtime go
 * to the workers (worker.c); local tasks (and send tasks of a
 * current-thread runtime) go to the local queue when woken on block_on's
 * thread, else to the mutex-protected remote queue, which block_on drains.
 */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"

#include <errno.h>
#include <stdlib.h>

_Thread_local ait_rt *ait__tls_rt;

/* Under a busy current-thread loop, look at the fds every this many rounds. */
#define IO_POLL_ROUNDS 32u

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

void ait__queue_append(ait_task_queue *dst, ait_task_queue *src) {
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

/* ---- scheduling --------------------------------------------------------------- */

void ait__rt_schedule(ait_rt *rt, ait_task *t) {
    if (rt->nworkers > 0 && ait__task_is_send(t)) {
        ait__workers_schedule(rt, t);
        return;
    }
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
    ait__rt_unpark_main_locked(rt);
    pthread_mutex_unlock(&rt->lock);
}

/* ---- the root waker: a flag in the runtime ------------------------------- */

static void root_wake_by_ref(void *data) {
    ait_rt *rt = data;
    if (ait__tls_rt == rt) {
        /* On block_on's own thread (the root or a local task woke it):
         * a plain flag, looked at before the next park. */
        rt->root_woken_here = true;
        return;
    }
    atomic_store(&rt->root_woken, 1);
    ait__rt_unpark_main(rt);
}

/* Takes the root's wake-up, from this thread or from another. */
static inline bool root_take_woken(ait_rt *rt) {
    if (rt->root_woken_here) {
        rt->root_woken_here = false;
        return true;
    }
    return atomic_load_explicit(&rt->root_woken, memory_order_relaxed) &&
           atomic_exchange(&rt->root_woken, 0);
}

static inline bool root_is_woken(ait_rt *rt) {
    return rt->root_woken_here || atomic_load(&rt->root_woken);
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

const ait_waker_vtable ait__root_waker_vt = {
    root_wake, root_wake_by_ref, root_clone, root_drop
};

/* ---- block_on ---------------------------------------------------------------- */

static void drain_remote(ait_rt *rt) {
    if (!atomic_load(&rt->has_remote))
        return;
    pthread_mutex_lock(&rt->lock);
    ait__queue_append(&rt->local, &rt->remote);
    atomic_store(&rt->has_remote, false);
    pthread_mutex_unlock(&rt->lock);
}

/* Sleeps until something may have changed: a wake from another thread, a
 * timer deadline, an fd event, the end of the last hold or of the last
 * active send task. Returns -EDEADLK when nothing could ever wake the
 * runtime (or the reactor's creation error). */
static int park(ait_rt *rt) {
    bool ct = rt->nworkers == 0;
    int rc = 0;
    if (ct) {
        rc = ait__reactor_init(rt);
        if (rc < 0)
            return rc;
    }
    pthread_mutex_lock(&rt->lock);
    /* Parked first, then look: a waker stores its news, then looks at
     * main_parked (ait__rt_unpark_main), so one of the two sees the other. */
    atomic_store(&rt->main_parked, true);
    uint64_t dl = 0;
    bool has_timer = ait__timers_next(rt, &dl);
    if (rt->remote.len || root_is_woken(rt)) {
        /* ready already */
    } else if (!has_timer && atomic_load(&rt->holds) == 0 && atomic_load(&rt->active) == 0) {
        rc = -EDEADLK;
    } else if (ct) {
        rt->driver_parked = true;
        rt->park_deadline = has_timer ? dl : 0;
        pthread_mutex_unlock(&rt->lock);
        ait__reactor_wait(rt, has_timer ? ait__ms_until(dl) : -1);
        pthread_mutex_lock(&rt->lock);
        rt->driver_parked = false;
        rt->driver_notified = false;
    } else {
        while (!rt->main_notified)
            pthread_cond_wait(&rt->cond, &rt->lock);
    }
    atomic_store(&rt->main_parked, false);
    rt->main_notified = false;
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
    if (atomic_load(&rt->closed) || (ait__tls_worker && ait__tls_worker->rt == rt) ||
        !atomic_compare_exchange_strong(&rt->in_block_on, &idle, true)) {
        if (temp)
            ait_rt_free(rt);
        return -EBUSY;
    }
    ait_rt *prev = ait__tls_rt;
    /* Nested in a poll of prev's: its batched send tasks must not wait
     * for this block_on to return. */
    if (prev && prev->nworkers > 0)
        ait__workers_flush(prev);
    ait__tls_rt = rt;
    rt->root_woken_here = true;
    bool ct = rt->nworkers == 0;
    unsigned rounds = 0;
    int rc;
    for (;;) {
        if (root_take_woken(rt)) {
            ait_cx cx = { { &ait__root_waker_vt, rt }, rt, 0 };
            ait_poll r = poll(frame, &cx, out);
            if (r == AIT_READY) {
                rc = 0;
                break;
            }
            if (r == AIT_ERROR) {
                rc = cx.error < 0 ? cx.error : -EIO;
                break;
            }
            if (!ct)
                ait__workers_flush(rt);
        }
        /* The clock only when a timer is pending. */
        if (ct && atomic_load_explicit(&rt->timer_next, memory_order_relaxed) != UINT64_MAX)
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
        if (!ct)
            ait__workers_flush(rt);
        if (root_is_woken(rt) || rt->local.len) {
            /* Busy: still look at the fds now and then. */
            if (ct && ++rounds % IO_POLL_ROUNDS == 0 && atomic_load(&rt->io_waiters) > 0)
                ait__reactor_wait(rt, 0);
            continue;
        }
        /* Idle: release what finished tasks hold, if they are many. */
        ait__tasks_maybe_sweep(rt, false);
        rc = park(rt);
        if (rc < 0)
            break;
    }
    /* Wakes of this runtime from here on go through the remote queue, send
     * tasks straight to the injector. */
    if (!ct)
        ait__workers_flush(rt);
    drain_remote(rt);
    /* Finished tasks give their memory back now, unless most of the
     * listed ones are still running. */
    ait__tasks_maybe_sweep(rt, true);
    ait__tls_rt = prev;
    atomic_store(&rt->in_block_on, false);
    if (temp)
        ait_rt_free(rt);
    return rc;
}
