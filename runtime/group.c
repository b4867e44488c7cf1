/* group.c: task groups (tokio's JoinSet): ait_group_new / _free / _add /
 * _spawn / _abort_all / _try_join_next, and the futures
 * ait_group_join_next and ait_group_join_all.
 *
 * A group owns the join handles of its tasks, one member record each.
 * The member is the task's join waker (a tagged word in the task, no
 * allocation; see task.c): when the task completes, on whatever thread,
 * its completion wakes the member, which moves from the pending list to
 * the done queue (FIFO, under the group's mutex) and wakes the group's
 * joiner. So joining the next result is O(1), whatever the group's size.
 *
 * Lifetimes. The group is refcounted: the owner's reference (dropped by
 * ait_group_free) and one per member waker handed to a task (dropped by
 * the wake, or when the waker is taken back). Members are freed by the
 * join that takes their result, or with the group's memory, which goes
 * when the last reference does: a wake in flight on another thread never
 * finds its member or group freed. ait_group_free marks the group closed
 * (wakes then touch nothing but the reference count), aborts the pending
 * tasks and releases every handle.
 */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef struct member {
    struct ait_group *g;
    ait_task *t;
    struct member *prev, *next;     /* in pending, or next in done */
    struct member *abort_next;      /* ait_group_abort_all's list */
} member;

struct ait_group {
    pthread_mutex_t lock;
    atomic_uint refs;
    bool closed;                    /* under lock: ait_group_free began */
    member *pending;                /* under lock: tasks not finished */
    member *done, *done_tail;       /* under lock: finished, not joined (FIFO) */
    size_t len;                     /* under lock: members */
    ait_waker waiter;               /* under lock: the joiner's, or vt NULL */
};

static void free_list(member *m) {
    while (m) {
        member *next = m->next;
        ait_frame_free(m, sizeof *m, _Alignof(member));
        m = next;
    }
}

static void group_unref(ait_group *g) {
    if (atomic_fetch_sub_explicit(&g->refs, 1, memory_order_acq_rel) != 1)
        return;
    free_list(g->pending);
    free_list(g->done);
    pthread_mutex_destroy(&g->lock);
    ait_frame_free(g, sizeof *g, _Alignof(ait_group));
}

/* Under lock: pending -> done, and the joiner's waker to wake. */
static ait_waker move_to_done(ait_group *g, member *m) {
    if (m->prev)
        m->prev->next = m->next;
    else
        g->pending = m->next;
    if (m->next)
        m->next->prev = m->prev;
    m->prev = m->next = NULL;
    if (g->done_tail)
        g->done_tail->next = m;
    else
        g->done = m;
    g->done_tail = m;
    ait_waker w = g->waiter;
    g->waiter = (ait_waker){ NULL, NULL };
    return w;
}

/* ---- the member: a task's join waker ------------------------------------------------ */

static void member_wake_by_ref(void *data) {
    member *m = data;
    ait_group *g = m->g;
    ait_waker w = { NULL, NULL };
    pthread_mutex_lock(&g->lock);
    if (!g->closed)
        w = move_to_done(g, m);
    pthread_mutex_unlock(&g->lock);
    ait_waker_wake(w);
}

static void member_drop(void *data) { group_unref(((member *)data)->g); }

static void member_wake(void *data) {
    ait_group *g = ((member *)data)->g;     /* m may be joined and freed once moved */
    member_wake_by_ref(data);
    group_unref(g);
}

static void *member_clone(void *data) {
    atomic_fetch_add_explicit(&((member *)data)->g->refs, 1, memory_order_relaxed);
    return data;
}

const ait_waker_vtable ait__group_waker_vt = {
    member_wake, member_wake_by_ref, member_clone, member_drop
};

/* ---- the group ------------------------------------------------------------------------ */

ait_group *ait_group_new(void) {
    ait_group *g = ait_frame_alloc(sizeof *g, _Alignof(ait_group));
    if (!g) {
        errno = ENOMEM;
        return NULL;
    }
    memset(g, 0, sizeof *g);
    pthread_mutex_init(&g->lock, NULL);
    atomic_init(&g->refs, 1);
    return g;
}

static member *member_new(ait_group *g) {
    member *m = ait_frame_alloc(sizeof *m, _Alignof(member));
    if (m)
        *m = (member){ g, NULL, NULL, NULL, NULL };
    return m;
}

/* Lists m (holding t's handle) and hands it to t as its join waker. */
static void attach(ait_group *g, member *m, ait_task *t) {
    m->t = t;
    pthread_mutex_lock(&g->lock);
    m->next = g->pending;
    if (g->pending)
        g->pending->prev = m;
    g->pending = m;
    g->len++;
    pthread_mutex_unlock(&g->lock);
    ait_cx cx = { { &ait__group_waker_vt, m }, NULL, 0 };
    if (ait__task_join_register(t, &cx))
        member_wake_by_ref(m);      /* finished already */
}

int ait_group_add(ait_group *g, ait_task *t) {
    if (!t)
        return errno > 0 ? -errno : -EINVAL;
    member *m = member_new(g);
    if (!m) {
        ait_task_abort(t);
        ait_task_detach(t);
        return AIT_ENOMEM;
    }
    attach(g, m, t);
    return 0;
}

static int group_spawn(ait_group *g, bool send, ait_rt *rt, size_t frame_size,
                       size_t frame_align, size_t out_size, void (*init)(void *, void *),
                       void *arg, ait_poll_fn poll, ait_drop_fn drop) {
    member *m = member_new(g);
    if (!m)
        return AIT_ENOMEM;
    ait_task *t = send ? ait_spawn(rt, frame_size, frame_align, out_size, init, arg, poll, drop)
                       : ait_spawn_local(rt, frame_size, frame_align, out_size, init, arg,
                                         poll, drop);
    if (!t) {
        int err = -errno;
        ait_frame_free(m, sizeof *m, _Alignof(member));
        return err;
    }
    attach(g, m, t);
    return 0;
}

int ait_group_spawn(ait_group *g, ait_rt *rt, size_t frame_size, size_t frame_align,
                    size_t out_size, void (*init)(void *frame, void *arg), void *arg,
                    ait_poll_fn poll, ait_drop_fn drop) {
    return group_spawn(g, true, rt, frame_size, frame_align, out_size, init, arg, poll, drop);
}

int ait_group_spawn_local(ait_group *g, ait_rt *rt, size_t frame_size, size_t frame_align,
                          size_t out_size, void (*init)(void *frame, void *arg), void *arg,
                          ait_poll_fn poll, ait_drop_fn drop) {
    return group_spawn(g, false, rt, frame_size, frame_align, out_size, init, arg, poll,
                       drop);
}

size_t ait_group_len(ait_group *g) {
    pthread_mutex_lock(&g->lock);
    size_t n = g->len;
    pthread_mutex_unlock(&g->lock);
    return n;
}

void ait_group_abort_all(ait_group *g) {
    /* Aborting may finish a task on this thread, whose wake takes the
     * lock: collect under the lock, abort outside it. Members are freed
     * only by joins (the owner's, not concurrent with this) and the
     * group's memory, so the list stays valid. */
    member *list = NULL;
    pthread_mutex_lock(&g->lock);
    for (member *m = g->pending; m; m = m->next) {
        m->abort_next = list;
        list = m;
    }
    pthread_mutex_unlock(&g->lock);
    for (member *m = list; m; m = m->abort_next)
        ait_task_abort(m->t);
}

void ait_group_free(ait_group *g) {
    if (!g)
        return;
    pthread_mutex_lock(&g->lock);
    g->closed = true;               /* the lists are frozen from here on */
    ait_waker w = g->waiter;
    g->waiter = (ait_waker){ NULL, NULL };
    pthread_mutex_unlock(&g->lock);
    ait_waker_drop(w);
    for (member *m = g->pending; m; m = m->next) {
        ait_task_abort(m->t);
        ait_task_detach(m->t);      /* takes the member waker back, or it was woken */
    }
    for (member *m = g->done; m; m = m->next)
        ait_task_detach(m->t);
    group_unref(g);
}

/* ---- joining ---------------------------------------------------------------------------- */

/* The next finished member, or NULL: then *empty says whether the group
 * has no task at all; else cx's waker (if any) is the joiner's now. */
static member *next_done(ait_group *g, ait_cx *cx, bool *empty) {
    ait_waker old = { NULL, NULL };
    pthread_mutex_lock(&g->lock);
    member *m = g->done;
    if (m) {
        g->done = m->next;
        if (!g->done)
            g->done_tail = NULL;
        g->len--;
    } else if (g->pending && cx && !ait_waker_will_wake(&g->waiter, &cx->waker)) {
        old = g->waiter;
        g->waiter = ait_waker_clone(&cx->waker);
    }
    *empty = !m && !g->pending;
    pthread_mutex_unlock(&g->lock);
    ait_waker_drop(old);
    return m;
}

/* The finished task's result (output copied to out), its handle released. */
static int take(member *m, void *out) {
    int err = ait__task_take_result(m->t, out);
    ait_frame_free(m, sizeof *m, _Alignof(member));
    return err;
}

int ait_group_try_join_next(ait_group *g, void *out) {
    bool empty;
    member *m = next_done(g, NULL, &empty);
    if (m)
        return take(m, out);
    return empty ? -ECHILD : -EAGAIN;
}

static void forget_waiter(ait_group *g) {
    pthread_mutex_lock(&g->lock);
    ait_waker w = g->waiter;
    g->waiter = (ait_waker){ NULL, NULL };
    pthread_mutex_unlock(&g->lock);
    ait_waker_drop(w);
}

void ait_group_join_next_init(ait_group_join_next_frame *f, ait_group *g, void *out) {
    f->group = g;
    f->out = out;
    f->state = 0;
}

ait_poll ait_group_join_next_poll(ait_group_join_next_frame *f, ait_cx *cx,
                                  ait_group_join_next_output *out) {
    if (f->state == 2)
        return ait_fail(cx, AIT_EPOISONED);
    bool empty;
    member *m = next_done(f->group, cx, &empty);
    if (!m && !empty) {
        f->state = 1;               /* our waker is the group's */
        return AIT_PENDING;
    }
    if (f->state == 1)
        forget_waiter(f->group);
    f->state = 2;
    int r = m ? take(m, f->out) : -ECHILD;
    if (out)
        *out = r;
    return AIT_READY;
}

void ait_group_join_next_drop(ait_group_join_next_frame *f) {
    if (f->state == 1)
        forget_waiter(f->group);
    f->state = 2;
}

AIT__DEFINE_BLOCK_ON(ait_group_join_next, AIT__PARAMS_AFTER(ait_group *g, void *result),
                     AIT__PARAMS_AFTER(g, result))

void ait_group_join_all_init(ait_group_join_all_frame *f, ait_group *g) {
    f->group = g;
    f->first_error = 0;
    f->state = 0;
}

ait_poll ait_group_join_all_poll(ait_group_join_all_frame *f, ait_cx *cx,
                                 ait_group_join_all_output *out) {
    if (f->state == 2)
        return ait_fail(cx, AIT_EPOISONED);
    for (;;) {
        bool empty;
        member *m = next_done(f->group, cx, &empty);
        if (m) {
            int err = take(m, NULL);
            if (err && !f->first_error)
                f->first_error = err;
            continue;
        }
        if (!empty) {
            f->state = 1;
            return AIT_PENDING;
        }
        if (f->state == 1)
            forget_waiter(f->group);
        f->state = 2;
        if (out)
            *out = f->first_error;
        return AIT_READY;
    }
}

void ait_group_join_all_drop(ait_group_join_all_frame *f) {
    if (f->state == 1)
        forget_waiter(f->group);
    f->state = 2;
}

AIT__DEFINE_BLOCK_ON(ait_group_join_all, AIT__PARAMS_AFTER(ait_group *g),
                     AIT__PARAMS_AFTER(g))
