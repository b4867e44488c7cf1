/* task.c: tasks (spawned futures), their wakers and join handles.
 *
 * A task is one block from the allocator hook:
 *     [ait_task header, 64 B][pad][frame][pad][output]
 * sized exactly (the output area is aligned to the largest power of two
 * dividing its size, up to max_align_t, and holds at least an int: a
 * failed task's error goes there). The layout and the frame's poll/drop
 * are one interned ait_task_vt shared by every task of the same future
 * type, so the header carries one pointer for them.
 *
 * Its waker's data is the task itself; clone and drop adjust the
 * reference count in the state word, so waking costs no allocation.
 * References are counted atomically, so a waker may be woken or dropped
 * from any thread; the block is freed when the last reference goes,
 * whatever the order of wake, completion, join and handle drop.
 *
 * Polling is serialized by the state word (see internal.h): a wake while
 * the task is being polled only sets NOTIFIED, and the executor queues it
 * again after the poll, so a task is never in two queues nor polled by
 * two threads at once. A poll that finishes the task drops the frame and
 * publishes COMPLETE with one compare-and-swap that also releases the
 * alive and queue references.
 *
 * Unfinished tasks are listed for ait_rt_free: local tasks spawned on
 * block_on's thread on rt->local_all, which only that thread touches (no
 * lock); the others (send tasks, spawns from other threads) on one of
 * AIT_OWNED_SHARDS mutex-protected lists chosen by address.
 */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"

#include <errno.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#define REF_ONE AIT_TS_REF_ONE
#define REFS(s) ((s) >> AIT_TS_REF_SHIFT)

static size_t round_up(size_t n, size_t a) { return (n + a - 1) & ~(a - 1); }

/* ---- interned layouts ------------------------------------------------------ */

#define VT_BUCKETS 64u
#define VT_CACHE 8u

static pthread_mutex_t vt_lock = PTHREAD_MUTEX_INITIALIZER;
static ait_task_vt *vt_table[VT_BUCKETS];
static _Thread_local const ait_task_vt *vt_cache[VT_CACHE];

static unsigned vt_hash(ait_poll_fn poll) {
    uintptr_t h = (uintptr_t)poll;
    return (unsigned)((h >> 4) ^ (h >> 10));
}

static bool vt_is(const ait_task_vt *v, ait_poll_fn poll, ait_drop_fn drop, size_t fs,
                  size_t fa, size_t os) {
    return v->poll == poll && v->drop == drop && v->frame_size == fs &&
           v->frame_align == fa && v->out_size == os;
}

static const ait_task_vt *vt_make(ait_poll_fn poll, ait_drop_fn drop, size_t fs, size_t fa,
                                  size_t os) {
    unsigned b = vt_hash(poll) % VT_BUCKETS;
    pthread_mutex_lock(&vt_lock);
    ait_task_vt *v = vt_table[b];
    while (v && !vt_is(v, poll, drop, fs, fa, os))
        v = v->next;
    if (!v) {
        size_t oa = os ? (os & (~os + 1)) : 1;
        if (oa > alignof(max_align_t))
            oa = alignof(max_align_t);
        if (oa < alignof(int))
            oa = alignof(int);
        size_t ocap = os < sizeof(int) ? sizeof(int) : os;
        size_t frame_off = round_up(sizeof(ait_task), fa);
        size_t out_off = round_up(frame_off + fs, oa);
        size_t total = out_off + ocap;
        size_t align = fa > alignof(ait_task) ? fa : alignof(ait_task);
        if (out_off > UINT32_MAX || total < out_off ||
            (v = malloc(sizeof *v)) == NULL) {
            pthread_mutex_unlock(&vt_lock);
            return NULL;
        }
        v->poll = poll;
        v->drop = drop;
        v->frame_size = fs;
        v->frame_align = fa;
        v->out_size = os;
        v->frame_off = (uint32_t)frame_off;
        v->out_off = (uint32_t)out_off;
        v->alloc_size = total;
        v->alloc_align = align;
        v->next = vt_table[b];
        vt_table[b] = v;
    }
    pthread_mutex_unlock(&vt_lock);
    return v;
}

static inline const ait_task_vt *vt_get(ait_poll_fn poll, ait_drop_fn drop, size_t fs,
                                        size_t fa, size_t os) {
    unsigned i = vt_hash(poll) % VT_CACHE;
    const ait_task_vt *v = vt_cache[i];
    if (v && vt_is(v, poll, drop, fs, fa, os))
        return v;
    v = vt_make(poll, drop, fs, fa, os);
    if (v)
        vt_cache[i] = v;
    return v;
}

/* ---- references ------------------------------------------------------------ */

static void task_free(ait_task *t) {
    ait_rt *rt = t->rt;
    const ait_task_vt *vt = t->vt;
    ait_frame_free(t, vt->alloc_size, vt->alloc_align);
    ait__rt_unref(rt);
}

void ait__task_ref(ait_task *t) {
    atomic_fetch_add_explicit(&t->state, REF_ONE, memory_order_relaxed);
}

void ait__task_unref(ait_task *t) {
    if (REFS(atomic_fetch_sub_explicit(&t->state, REF_ONE, memory_order_acq_rel)) == 1)
        task_free(t);
}

/* ---- the task's waker ---------------------------------------------------- */

static void task_wake_by_ref(void *data) {
    ait_task *t = data;
    uint64_t s = atomic_load_explicit(&t->state, memory_order_acquire);
    for (;;) {
        uint64_t n;
        if (s & (AIT_TS_CLOSING | AIT_TS_COMPLETE))
            return;
        if (s & AIT_TS_RUNNING) {
            if (s & AIT_TS_NOTIFIED)
                return;
            n = s | AIT_TS_NOTIFIED;        /* queued again after the poll */
        } else if (s & AIT_TS_SCHEDULED) {
            return;
        } else {
            n = (s | AIT_TS_SCHEDULED) + REF_ONE;   /* the queue's reference */
        }
        if (atomic_compare_exchange_weak_explicit(&t->state, &s, n, memory_order_acq_rel,
                                                  memory_order_acquire)) {
            if (n & AIT_TS_NOTIFIED)
                return;
            break;
        }
    }
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

/* ---- the lists of unfinished tasks ----------------------------------------- */

static ait_owned *shard_of(ait_task *t) {
    return &t->rt->owned[((uintptr_t)t >> 6) % AIT_OWNED_SHARDS];
}

static void link_into(ait_task **head, ait_task *t) {
    t->all_prev = NULL;
    t->all_next = *head;
    if (*head)
        (*head)->all_prev = t;
    *head = t;
}

static void unlink_from(ait_task **head, ait_task *t) {
    if (t->all_prev == t)
        return;                     /* not listed */
    if (t->all_prev)
        t->all_prev->all_next = t->all_next;
    else
        *head = t->all_next;
    if (t->all_next)
        t->all_next->all_prev = t->all_prev;
    t->all_prev = t->all_next = t;
}

void ait__task_unlist(ait_task *t) {
    if (atomic_load_explicit(&t->state, memory_order_relaxed) & AIT_TS_LOCAL_LIST) {
        unlink_from(&t->rt->local_all, t);
        return;
    }
    ait_owned *o = shard_of(t);
    pthread_mutex_lock(&o->lock);
    unlink_from(&o->head, t);
    pthread_mutex_unlock(&o->lock);
}

/* ---- spawn ------------------------------------------------------------------ */

static ait_task *spawn(ait_rt *rt, size_t frame_size, size_t frame_align,
                       size_t out_size, void (*init)(void *frame, void *arg),
                       void *arg, ait_poll_fn poll, ait_drop_fn drop, uint64_t flags) {
    if (!rt)
        rt = ait_rt_current();
    if (!rt || !poll || (frame_align & (frame_align - 1)) != 0) {
        errno = EINVAL;
        return NULL;
    }
    if (atomic_load_explicit(&rt->closed, memory_order_acquire)) {
        errno = ECANCELED;
        return NULL;
    }
    if (frame_align == 0)
        frame_align = 1;
    const ait_task_vt *vt = vt_get(poll, drop, frame_size, frame_align, out_size);
    ait_task *t = vt ? ait_frame_alloc(vt->alloc_size, vt->alloc_align) : NULL;
    if (!t) {
        errno = ENOMEM;
        return NULL;
    }
    /* Local tasks spawned on block_on's thread: listed without a lock. */
    bool local = !(flags & AIT_TS_SEND) && ait__tls_rt == rt;
    if (local)
        flags |= AIT_TS_LOCAL_LIST;
    /* handle, alive, queue */
    atomic_init(&t->state, AIT_TS_SCHEDULED | flags | 3 * REF_ONE);
    t->next = NULL;
    t->vt = vt;
    t->rt = rt;
    t->join_waker.vt = NULL;
    t->join_waker.data = NULL;
    if (init)
        init((char *)t + vt->frame_off, arg);
    ait__rt_ref(rt);
    if (local) {
        link_into(&rt->local_all, t);
    } else {
        ait_owned *o = shard_of(t);
        pthread_mutex_lock(&o->lock);
        if (atomic_load(&rt->closed)) {
            pthread_mutex_unlock(&o->lock);
            if (drop)
                drop((char *)t + vt->frame_off);
            ait_frame_free(t, vt->alloc_size, vt->alloc_align);
            ait__rt_unref(rt);
            errno = ECANCELED;
            return NULL;
        }
        link_into(&o->head, t);
        pthread_mutex_unlock(&o->lock);
    }
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

/* ---- finishing ------------------------------------------------------------------ */

/* The caller owns the right to finish t (it set CLOSING, or it is the
 * poller whose poll finished it: nobody else sets CLOSING meanwhile).
 * Drops the frame, unlists t, publishes COMPLETE (with err, if any) and
 * releases `refs` references (the alive one, and the queue's when the
 * poller finishes). */
static void complete(ait_task *t, int err, uint64_t refs) {
    const ait_task_vt *vt = t->vt;
    if (vt->drop)
        vt->drop((char *)t + vt->frame_off);
    ait__task_unlist(t);
    uint64_t set = AIT_TS_CLOSING | AIT_TS_COMPLETE;
    if (err) {
        memcpy((char *)t + vt->out_off, &err, sizeof err);
        set |= AIT_TS_ERRORED;
    }
    uint64_t s = atomic_load_explicit(&t->state, memory_order_relaxed), n;
    do {
        /* With a join waker to wake, keep one reference until it is read. */
        uint64_t drop_refs = (s & AIT_TS_JOIN_WAKER) ? refs - 1 : refs;
        n = (s | set) - drop_refs * REF_ONE;
    } while (!atomic_compare_exchange_weak_explicit(&t->state, &s, n, memory_order_acq_rel,
                                                    memory_order_relaxed));
    if (s & AIT_TS_JOIN_WAKER) {
        ait_waker_wake(t->join_waker);      /* the task owned it: consumed */
        ait__task_unref(t);
    } else if (REFS(n) == 0) {
        task_free(t);
    }
}

void ait__task_finish(ait_task *t, int err) {
    /* Whoever sets CLOSING first drops the frame: exactly once. */
    uint64_t s = atomic_fetch_or(&t->state, AIT_TS_CLOSING);
    if (s & (AIT_TS_CLOSING | AIT_TS_COMPLETE))
        return;
    complete(t, err, 1);            /* the alive reference */
}

void ait__task_run(ait_rt *rt, ait_task *t) {
    /* SCHEDULED -> RUNNING, unless it was finished or aborted meanwhile. */
    uint64_t s = atomic_load_explicit(&t->state, memory_order_acquire);
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
        uint64_t n = (s & ~AIT_TS_SCHEDULED) | AIT_TS_RUNNING;
        if (atomic_compare_exchange_weak_explicit(&t->state, &s, n, memory_order_acq_rel,
                                                  memory_order_acquire))
            break;
    }
    const ait_task_vt *vt = t->vt;
    ait_cx cx = { { &ait__task_waker_vt, t }, rt, 0 };
    ait_poll r = vt->poll((char *)t + vt->frame_off, &cx, (char *)t + vt->out_off);
    /* RUNNING stays set through the finish: an abort meanwhile leaves the
     * task to us, and cannot turn a completion into a cancellation. */
    if (r != AIT_PENDING) {
        int err = r == AIT_READY ? 0 : cx.error < 0 ? cx.error : -EIO;
        complete(t, err, 2);        /* alive + queue */
        return;
    }
    s = atomic_load_explicit(&t->state, memory_order_acquire);
    for (;;) {
        if (s & AIT_TS_CANCEL_REQ) {
            ait__task_finish(t, AIT_ECANCELED);
            ait__task_unref(t);
            return;
        }
        uint64_t n = s & ~(AIT_TS_RUNNING | AIT_TS_NOTIFIED);
        if (s & AIT_TS_NOTIFIED)
            n |= AIT_TS_SCHEDULED;  /* woken during the poll: the ref goes on */
        else
            n -= REF_ONE;           /* the queue's reference (alive remains) */
        if (atomic_compare_exchange_weak_explicit(&t->state, &s, n, memory_order_acq_rel,
                                                  memory_order_acquire))
            break;
    }
    if (s & AIT_TS_NOTIFIED)
        ait__rt_schedule(rt, t);
}

/* ---- handles ---------------------------------------------------------------- */

/* Takes the join waker back from the task (unless it completed, which
 * consumed it). */
static void take_join_waker(ait_task *t) {
    uint64_t s = atomic_load_explicit(&t->state, memory_order_acquire);
    while ((s & AIT_TS_JOIN_WAKER) && !(s & AIT_TS_COMPLETE)) {
        if (atomic_compare_exchange_weak_explicit(&t->state, &s, s & ~AIT_TS_JOIN_WAKER,
                                                  memory_order_acq_rel,
                                                  memory_order_acquire)) {
            ait_waker w = t->join_waker;
            t->join_waker.vt = NULL;
            ait_waker_drop(w);
            return;
        }
    }
}

void ait_task_detach(ait_task *t) {
    if (!t)
        return;
    take_join_waker(t);
    ait__task_unref(t);
}

bool ait__task_join_register(ait_task *t, ait_cx *cx) {
    uint64_t s = atomic_load_explicit(&t->state, memory_order_acquire);
    if (s & AIT_TS_COMPLETE)
        return true;
    if (s & AIT_TS_JOIN_WAKER) {
        /* The slot is the task's: reading it is safe (nobody writes it). */
        if (ait_waker_will_wake(&t->join_waker, &cx->waker))
            return false;
        for (;;) {
            if (s & AIT_TS_COMPLETE)
                return true;
            if (atomic_compare_exchange_weak_explicit(&t->state, &s, s & ~AIT_TS_JOIN_WAKER,
                                                      memory_order_acq_rel,
                                                      memory_order_acquire))
                break;
        }
        ait_waker old = t->join_waker;
        t->join_waker.vt = NULL;
        ait_waker_drop(old);
    }
    /* The slot is ours: fill it, then hand it over unless COMPLETE came. */
    t->join_waker = ait_waker_clone(&cx->waker);
    s = atomic_load_explicit(&t->state, memory_order_acquire);
    for (;;) {
        if (s & AIT_TS_COMPLETE) {
            ait_waker w = t->join_waker;
            t->join_waker.vt = NULL;
            ait_waker_drop(w);
            return true;
        }
        if (atomic_compare_exchange_weak_explicit(&t->state, &s, s | AIT_TS_JOIN_WAKER,
                                                  memory_order_acq_rel,
                                                  memory_order_acquire))
            return false;
    }
}

int ait__task_error(ait_task *t) {
    if (!(atomic_load_explicit(&t->state, memory_order_acquire) & AIT_TS_ERRORED))
        return 0;
    int err;
    memcpy(&err, ait__task_out(t), sizeof err);
    return err;
}

void ait_task_abort(ait_task *t) {
    if (!t)
        return;
    /* One atomic step against the executor's SCHEDULED -> RUNNING: either
     * it sees CANCEL_REQ and never polls, or we see RUNNING and leave the
     * finish to it (after the poll). */
    uint64_t s = atomic_fetch_or(&t->state, AIT_TS_CANCEL_REQ);
    if (s & (AIT_TS_CLOSING | AIT_TS_COMPLETE | AIT_TS_RUNNING))
        return;
    ait__task_finish(t, AIT_ECANCELED);
}

bool ait_task_is_finished(const ait_task *t) {
    return (atomic_load(&((ait_task *)t)->state) & AIT_TS_COMPLETE) != 0;
}
