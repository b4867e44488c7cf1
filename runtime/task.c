/* task.c: tasks (spawned futures), their wakers and join handles.
 *
 * A task is one block from the allocator hook:
 *     [ait_task header][pad][frame][pad][output]
 * Its waker's data is the task itself; clone and drop adjust refs, so
 * waking costs no allocation. References are counted atomically, so a
 * waker may be woken or dropped from any thread; the block is freed when
 * the last reference goes, whatever the order of wake, completion, join
 * and handle drop.
 */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"

#include <errno.h>
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
        if (s & (AIT_TS_SCHEDULED | AIT_TS_CLOSING | AIT_TS_COMPLETE))
            return;
        if (atomic_compare_exchange_weak(&t->state, &s, s | AIT_TS_SCHEDULED))
            break;
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

static void jlock(ait_task *t) {
    while (atomic_flag_test_and_set_explicit(&t->jlock, memory_order_acquire)) {
    }
}

static void junlock(ait_task *t) {
    atomic_flag_clear_explicit(&t->jlock, memory_order_release);
}

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
        rt = ait__tls_rt;
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
    ait__rt_ref(rt);
    pthread_mutex_lock(&rt->lock);
    if (atomic_load(&rt->closed)) {
        pthread_mutex_unlock(&rt->lock);
        if (drop)
            drop(t->frame);
        ait_frame_free(t, total, align);
        ait__rt_unref(rt);
        errno = ECANCELED;
        return NULL;
    }
    t->all_next = rt->all;
    if (rt->all)
        rt->all->all_prev = t;
    rt->all = t;
    t->in_all = true;
    pthread_mutex_unlock(&rt->lock);
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

void ait__task_finish(ait_task *t, int err) {
    unsigned s = atomic_fetch_or(&t->state, AIT_TS_CLOSING);
    if (s & (AIT_TS_CLOSING | AIT_TS_COMPLETE))
        return;
    t->error = err;
    if (t->drop)
        t->drop(t->frame);
    ait_rt *rt = t->rt;
    pthread_mutex_lock(&rt->lock);
    if (t->in_all) {
        if (t->all_prev)
            t->all_prev->all_next = t->all_next;
        else
            rt->all = t->all_next;
        if (t->all_next)
            t->all_next->all_prev = t->all_prev;
        t->in_all = false;
    }
    pthread_mutex_unlock(&rt->lock);
    jlock(t);
    atomic_fetch_or(&t->state, AIT_TS_COMPLETE);
    ait_waker w = t->join_waker;
    t->join_waker.vt = NULL;
    junlock(t);
    ait_waker_wake(w);
    ait__task_unref(t);             /* the alive reference */
}

void ait__task_run(ait_rt *rt, ait_task *t) {
    unsigned s = atomic_fetch_and(&t->state, ~(unsigned)AIT_TS_SCHEDULED);
    if (s & (AIT_TS_CLOSING | AIT_TS_COMPLETE)) {
        ait__task_unref(t);
        return;
    }
    atomic_fetch_or(&t->state, AIT_TS_RUNNING);
    ait_cx cx = { { &ait__task_waker_vt, t }, rt, 0 };
    ait_poll r = t->poll(t->frame, &cx, t->out);
    s = atomic_fetch_and(&t->state, ~(unsigned)AIT_TS_RUNNING);
    if (r == AIT_READY)
        ait__task_finish(t, 0);
    else if (r == AIT_ERROR)
        ait__task_finish(t, cx.error < 0 ? cx.error : -EIO);
    else if (s & AIT_TS_CANCEL_REQ)
        ait__task_finish(t, AIT_ECANCELED);
    ait__task_unref(t);             /* the queue's reference */
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
    unsigned s = atomic_fetch_or(&t->state, AIT_TS_CANCEL_REQ);
    if (s & (AIT_TS_CLOSING | AIT_TS_COMPLETE | AIT_TS_RUNNING))
        return;                     /* done, or finished by the executor after its poll */
    ait__task_finish(t, AIT_ECANCELED);
}

bool ait_task_is_finished(const ait_task *t) {
    return (atomic_load(&((ait_task *)t)->state) & AIT_TS_COMPLETE) != 0;
}

void ait_join_init(ait_join_frame *f, ait_task *t) { f->task = t; }

ait_poll ait_join_poll(ait_join_frame *f, ait_cx *cx, void *out) {
    ait_task *t = f->task;
    if (!t)
        return ait_fail(cx, AIT_EPOISONED);
    if (!(atomic_load(&t->state) & AIT_TS_COMPLETE)) {
        ait_waker old = { NULL, NULL };
        bool pending = false;
        jlock(t);
        if (!(atomic_load(&t->state) & AIT_TS_COMPLETE)) {
            pending = true;
            if (!t->join_waker.vt || !ait_waker_will_wake(&t->join_waker, &cx->waker)) {
                old = t->join_waker;
                t->join_waker = ait_waker_clone(&cx->waker);
            }
        }
        junlock(t);
        ait_waker_drop(old);
        if (pending)
            return AIT_PENDING;
    }
    int err = t->error;
    if (err == 0 && out && t->out_size)
        memcpy(out, t->out, t->out_size);
    f->task = NULL;
    ait_task_detach(t);
    return err ? ait_fail(cx, err) : AIT_READY;
}

void ait_join_drop(ait_join_frame *f) {
    ait_task_detach(f->task);
    f->task = NULL;
}

static ait_poll join_poll_erased(void *f, ait_cx *cx, void *out) {
    return ait_join_poll(f, cx, out);
}

int ait_join_block_on(ait_rt *rt, void *out, ait_task *t) {
    ait_join_frame f;
    ait_join_init(&f, t);
    int rc = ait_block_on(rt, &f, join_poll_erased, out);
    ait_join_drop(&f);
    return rc;
}
