/* task.c: tasks (spawned futures), their wakers and join handles.
 *
 * A task is one block from the allocator hook:
 *     [ait_task header][pad][frame][pad][output]
 * Its waker's data is the task itself; clone and drop adjust refs, so
 * waking costs no allocation. References are counted atomically, so a
 * waker may be woken or dropped from any thread; the block is freed when
 * the last reference goes, whatever the order of wake, completion, join
 * and handle drop.
 *
 * Polling is serialized by the state word (see internal.h): a wake while
 * the task is being polled only sets NOTIFIED, and the executor queues it
 * again after the poll, so a task is never in two queues nor polled by
 * two threads at once. Unfinished tasks are listed in one of the
 * runtime's AIT_OWNED_SHARDS lists (chosen by address), so spawning and
 * finishing on several workers rarely contend on one lock.
 */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"

#include <errno.h>
#include <sched.h>
#include <stdalign.h>
#include <string.h>

static size_t round_up(size_t n, size_t a) { return (n + a - 1) & ~(a - 1); }

void ait__task_ref(ait_task *t) {
    atomic_fetch_add_explicit(&t->refs, 1, memory_order_relaxed);
}

void ait__task_unref(ait_task *t) {
    if (atomic_fetch_sub_explicit(&t->refs, 1, memory_order_acq_rel) != 1)
        return;
    ait_rt *rt = t->rt;
    ait_frame_free(t, t->alloc_size, t->alloc_align);
    ait__rt_unref(rt);
}

/* ---- the task's waker ---------------------------------------------------- */

static void task_wake_by_ref(void *data) {
    ait_task *t = data;
    unsigned s = atomic_load(&t->state);
    for (;;) {
        unsigned n;
        if (s & (AIT_TS_CLOSING | AIT_TS_COMPLETE))
            return;
        if (s & AIT_TS_RUNNING) {
            if (s & AIT_TS_NOTIFIED)
                return;
            n = s | AIT_TS_NOTIFIED;        /* queued again after the poll */
        } else if (s & AIT_TS_SCHEDULED) {
            return;
        } else {
            n = s | AIT_TS_SCHEDULED;
        }
        if (atomic_compare_exchange_weak(&t->state, &s, n)) {
            if (n & AIT_TS_NOTIFIED)
                return;
            break;
        }
    }
    ait__task_ref(t);               /* the queue's reference */
    ait__rt_schedule(t->rt, t);
}

static void task_wake(void *data) {
    task_wake_by_ref(data);
    ait__task_unref(data);
}

static void *task_clone(void *data) {
    ait__task_ref(data);
    return data;
}

static void task_drop(void *data) { ait__task_unref(data); }

const ait_waker_vtable ait__task_waker_vt = {
    task_wake, task_wake_by_ref, task_clone, task_drop
};

/* ---- the join waker, under a spin flag ------------------------------------ */

void ait__task_jlock(ait_task *t) {
    unsigned spins = 0;
    while (atomic_flag_test_and_set_explicit(&t->jlock, memory_order_acquire)) {
        if (++spins % 64 == 0)
            sched_yield();          /* the holder may have been preempted */
    }
}

void ait__task_junlock(ait_task *t) {
    atomic_flag_clear_explicit(&t->jlock, memory_order_release);
}

#define jlock(t) ait__task_jlock(t)
#define junlock(t) ait__task_junlock(t)

static ait_waker take_join_waker(ait_task *t) {
    jlock(t);
    ait_waker w = t->join_waker;
    t->join_waker.vt = NULL;
    t->join_waker.data = NULL;
    junlock(t);
    return w;
}

/* ---- spawn, run, finish ----------------------------------------------------- */

static ait_task *spawn(ait_rt *rt, size_t frame_size, size_t frame_align,
                       size_t out_size, void (*init)(void *frame, void *arg),
                       void *arg, ait_poll_fn poll, ait_drop_fn drop, unsigned flags) {
    if (!rt)
        rt = ait_rt_current();
    if (!rt || !poll || (frame_align & (frame_align - 1)) != 0) {
        errno = EINVAL;
        return NULL;
    }
    if (atomic_load(&rt->closed)) {
        errno = ECANCELED;
        return NULL;
    }
    if (frame_align == 0)
        frame_align = 1;
    size_t align = frame_align > alignof(max_align_t) ? frame_align : alignof(max_align_t);
    size_t frame_off = round_up(sizeof(ait_task), frame_align);
    size_t out_off = round_up(frame_off + frame_size, alignof(max_align_t));
    size_t total = out_off + out_size;
    ait_task *t = ait_frame_alloc(total, align);
    if (!t) {
        errno = ENOMEM;
        return NULL;
    }
    memset(t, 0, sizeof *t);
    atomic_init(&t->refs, 3);       /* handle, alive, queue */
    atomic_init(&t->state, AIT_TS_SCHEDULED | flags);
    atomic_flag_clear(&t->jlock);
    t->rt = rt;
    t->poll = poll;
    t->drop = drop;
    t->frame = (char *)t + frame_off;
    t->out = (char *)t + out_off;
    t->out_size = out_size;
    t->alloc_size = total;
    t->alloc_align = align;
    if (init)
        init(t->frame, arg);
    t->send = (flags & AIT_TS_SEND) != 0;
    t->shard = (unsigned)(((uintptr_t)t >> 6) % AIT_OWNED_SHARDS);
    ait__rt_ref(rt);
    ait_owned *o = &rt->owned[t->shard];
    pthread_mutex_lock(&o->lock);
    if (atomic_load(&rt->closed)) {
        pthread_mutex_unlock(&o->lock);
        if (drop)
            drop(t->frame);
        ait_frame_free(t, total, align);
        ait__rt_unref(rt);
        errno = ECANCELED;
        return NULL;
    }
    t->all_prev = NULL;
    t->all_next = o->head;
    if (o->head)
        o->head->all_prev = t;
    o->head = t;
    t->in_all = true;
    pthread_mutex_unlock(&o->lock);
    ait__rt_schedule(rt, t);
    return t;
}

ait_task *ait_spawn_local(ait_rt *rt, size_t frame_size, size_t frame_align,
                          size_t out_size, void (*init)(void *frame, void *arg),
                          void *arg, ait_poll_fn poll, ait_drop_fn drop) {
    return spawn(rt, frame_size, frame_align, out_size, init, arg, poll, drop, 0);
}

ait_task *ait_spawn(ait_rt *rt, size_t frame_size, size_t frame_align,
                    size_t out_size, void (*init)(void *frame, void *arg),
                    void *arg, ait_poll_fn poll, ait_drop_fn drop) {
    return spawn(rt, frame_size, frame_align, out_size, init, arg, poll, drop,
                 AIT_TS_SEND);
}

void ait__task_unlist(ait_task *t) {
    ait_owned *o = &t->rt->owned[t->shard];
    pthread_mutex_lock(&o->lock);
    if (t->in_all) {
        if (t->all_prev)
            t->all_prev->all_next = t->all_next;
        else
            o->head = t->all_next;
        if (t->all_next)
            t->all_next->all_prev = t->all_prev;
        t->in_all = false;
    }
    pthread_mutex_unlock(&o->lock);
}

void ait__task_finish(ait_task *t, int err) {
    /* Whoever sets CLOSING first drops the frame: exactly once. */
    unsigned s = atomic_fetch_or(&t->state, AIT_TS_CLOSING);
    if (s & (AIT_TS_CLOSING | AIT_TS_COMPLETE))
        return;
    t->error = err;
    if (t->drop)
        t->drop(t->frame);
    ait__task_unlist(t);
    jlock(t);
    atomic_fetch_or(&t->state, AIT_TS_COMPLETE);
    ait_waker w = t->join_waker;
    t->join_waker.vt = NULL;
    junlock(t);
    ait_waker_wake(w);
    ait__task_unref(t);             /* the alive reference */
}

void ait__task_run(ait_rt *rt, ait_task *t) {
    /* SCHEDULED -> RUNNING, unless it was finished or aborted meanwhile. */
    unsigned s = atomic_load(&t->state);
    for (;;) {
        if (s & (AIT_TS_CLOSING | AIT_TS_COMPLETE)) {
            ait__task_unref(t);
            return;
        }
        if (s & AIT_TS_CANCEL_REQ) {
            ait__task_finish(t, AIT_ECANCELED);
            ait__task_unref(t);
            return;
        }
        unsigned n = (s & ~(unsigned)AIT_TS_SCHEDULED) | AIT_TS_RUNNING;
        if (atomic_compare_exchange_weak(&t->state, &s, n))
            break;
    }
    ait_cx cx = { { &ait__task_waker_vt, t }, rt, 0 };
    ait_poll r = t->poll(t->frame, &cx, t->out);
    /* RUNNING stays set through finish: an abort meanwhile leaves the
     * task to us, and cannot turn a completion into a cancellation. */
    if (r == AIT_READY) {
        ait__task_finish(t, 0);
        ait__task_unref(t);
        return;
    }
    if (r == AIT_ERROR) {
        ait__task_finish(t, cx.error < 0 ? cx.error : -EIO);
        ait__task_unref(t);
        return;
    }
    s = atomic_load(&t->state);
    for (;;) {
        if (s & AIT_TS_CANCEL_REQ) {
            ait__task_finish(t, AIT_ECANCELED);
            ait__task_unref(t);
            return;
        }
        unsigned n = s & ~(unsigned)(AIT_TS_RUNNING | AIT_TS_NOTIFIED);
        if (s & AIT_TS_NOTIFIED)
            n |= AIT_TS_SCHEDULED;
        if (atomic_compare_exchange_weak(&t->state, &s, n))
            break;
    }
    if (s & AIT_TS_NOTIFIED)
        ait__rt_schedule(rt, t);    /* woken during the poll: the ref goes on */
    else
        ait__task_unref(t);         /* the queue's reference */
}

/* ---- handles ---------------------------------------------------------------- */

void ait_task_detach(ait_task *t) {
    if (!t)
        return;
    ait_waker_drop(take_join_waker(t));
    ait__task_unref(t);
}

void ait_task_abort(ait_task *t) {
    if (!t)
        return;
    /* One atomic step against the executor's SCHEDULED -> RUNNING: either
     * it sees CANCEL_REQ and never polls, or we see RUNNING and leave the
     * finish to it (after the poll). */
    unsigned s = atomic_fetch_or(&t->state, AIT_TS_CANCEL_REQ);
    if (s & (AIT_TS_CLOSING | AIT_TS_COMPLETE | AIT_TS_RUNNING))
        return;
    ait__task_finish(t, AIT_ECANCELED);
}

bool ait_task_is_finished(const ait_task *t) {
    return (atomic_load(&((ait_task *)t)->state) & AIT_TS_COMPLETE) != 0;
}

