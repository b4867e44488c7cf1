/* task.c: tasks (spawned futures), their wakers and join handles.
 *
 * A task is one block from the allocator hook:
 *     [ait_task header, 24 B][pad][frame][pad][output]
 * sized exactly (the output area is aligned to the largest power of two
 * dividing its size, up to max_align_t, and holds at least an int: a
 * failed task's error goes there). The layout, the frame's poll/drop and
 * the runtime are one interned ait_task_vt shared by every task of the
 * same future type and runtime; the state word holds its index, so the
 * header carries no pointer for them.
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
 * queue's reference.
 *
 * Spawned tasks are listed for ait_rt_free: local tasks spawned on
 * block_on's thread on rt->local_all, which only that thread touches (no
 * lock); the others (send tasks, spawns from other threads) on rt->owned,
 * under owned_lock. The lists are singly linked and hold a reference;
 * finishing takes no lock, and finished tasks are unlinked by a sweep
 * (see "the lists of spawned tasks" below).
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

const ait_task_vt **_Atomic ait__vt_table[1u << (AIT_TS_VT_BITS - AIT_VT_CHUNK_BITS)];
static pthread_mutex_t vt_lock = PTHREAD_MUTEX_INITIALIZER;
static ait_task_vt *vt_buckets[VT_BUCKETS];
static uint32_t vt_count;               /* under vt_lock: records made */
static _Thread_local const ait_task_vt *vt_cache[VT_CACHE];

static unsigned vt_hash(ait_poll_fn poll, uint32_t rt_index) {
    uintptr_t h = (uintptr_t)poll;
    return (unsigned)((h >> 4) ^ (h >> 10)) + rt_index * 7u;
}

static bool vt_is(const ait_task_vt *v, ait_poll_fn poll, ait_drop_fn drop, size_t fs,
                  size_t fa, size_t os, uint32_t rt_index) {
    return v->poll == poll && v->drop == drop && v->frame_size == fs &&
           v->frame_align == fa && v->out_size == os && v->rt_index == rt_index;
}

/* Under vt_lock: gives v the next index in ait__vt_table; false when the
 * table is full or out of memory. */
static bool vt_publish(ait_task_vt *v) {
    const uint32_t chunk = 1u << AIT_VT_CHUNK_BITS;
    uint32_t i = vt_count;
    if (i >= (1u << AIT_TS_VT_BITS))
        return false;
    const ait_task_vt **c = atomic_load_explicit(&ait__vt_table[i / chunk],
                                                 memory_order_relaxed);
    if (!c) {
        if ((c = calloc(chunk, sizeof *c)) == NULL)
            return false;
        atomic_store_explicit(&ait__vt_table[i / chunk], c, memory_order_release);
    }
    v->index = i;
    c[i % chunk] = v;
    vt_count++;
    return true;
}

static const ait_task_vt *vt_make(ait_poll_fn poll, ait_drop_fn drop, size_t fs, size_t fa,
                                  size_t os, uint32_t rt_index) {
    unsigned b = vt_hash(poll, rt_index) % VT_BUCKETS;
    pthread_mutex_lock(&vt_lock);
    ait_task_vt *v = vt_buckets[b];
    while (v && !vt_is(v, poll, drop, fs, fa, os, rt_index))
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
        v->rt_index = rt_index;
        v->frame_off = (uint32_t)frame_off;
        v->out_off = (uint32_t)out_off;
        v->alloc_size = total;
        v->alloc_align = align;
        if (!vt_publish(v)) {
            free(v);
            pthread_mutex_unlock(&vt_lock);
            return NULL;
        }
        v->next = vt_buckets[b];
        vt_buckets[b] = v;
    }
    pthread_mutex_unlock(&vt_lock);
    return v;
}

static inline const ait_task_vt *vt_get(ait_poll_fn poll, ait_drop_fn drop, size_t fs,
                                        size_t fa, size_t os, uint32_t rt_index) {
    unsigned i = vt_hash(poll, rt_index) % VT_CACHE;
    const ait_task_vt *v = vt_cache[i];
    if (v && vt_is(v, poll, drop, fs, fa, os, rt_index))
        return v;
    v = vt_make(poll, drop, fs, fa, os, rt_index);
    if (v)
        vt_cache[i] = v;
    return v;
}

/* ---- references ------------------------------------------------------------ */

static void task_free(ait_task *t) {
    const ait_task_vt *vt = ait__task_vt(t);
    ait_rt *rt = ait__rt_of_index(vt->rt_index);
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
    ait__rt_schedule(ait__task_rt(t), t);
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

/* ---- the lists of spawned tasks -------------------------------------------- */

/* Each spawned task is pushed on one list of its runtime, which holds a
 * reference to it (spawn's "list" reference). Finishing a task does not
 * touch the list: a sweep unlinks and releases the finished ones once at
 * least half of the listed tasks are finished (counted by note_done), so
 * the work is O(1) per task, amortized, and a finish takes no lock. The
 * memory of a finished task is freed by its last reference: the sweep, or
 * the handle or a waker if they outlive the sweep. */

#define SWEEP_MIN 64u           /* do not sweep shorter lists */
#define SWEEP_CHECK 32u         /* look at the shared counters every so many spawns */

/* Counts a finish of a task in state s of runtime rt (before COMPLETE is
 * published: rt is still referenced). */
static void note_done(uint64_t s, ait_rt *rt) {
    if (s & AIT_TS_LOCAL_LIST) {
        if (ait__tls_rt == rt)
            rt->local_done++;
        else
            atomic_fetch_add_explicit(&rt->local_done_x, 1, memory_order_relaxed);
        return;
    }
    ait_worker *w = ait__tls_worker;
    if (w && w->rt == rt)
        atomic_store_explicit(&w->done,
                              atomic_load_explicit(&w->done, memory_order_relaxed) + 1,
                              memory_order_relaxed);
    else
        atomic_fetch_add_explicit(&rt->owned_done_x, 1, memory_order_relaxed);
}

/* Unlinks the finished tasks of *head onto *dead (linked by all_next);
 * returns how many. */
static size_t sweep(ait_task **head, ait_task **dead) {
    size_t n = 0;
    ait_task **pp = head, *t;
    while ((t = *pp) != NULL) {
        if (atomic_load_explicit(&t->state, memory_order_acquire) & AIT_TS_COMPLETE) {
            *pp = t->all_next;
            t->all_next = *dead;
            *dead = t;
            n++;
        } else {
            pp = &t->all_next;
        }
    }
    return n;
}

/* rt: the runtime of every task on the list t, referenced by the caller. */
static void release_dead(ait_rt *rt, ait_task *t) {
    unsigned freed = 0;
    while (t) {
        ait_task *next = t->all_next;
        /* The list's reference. The only one left: nobody else can take
         * one, so no atomic step is needed; the blocks' references to rt
         * are released in one step below. */
        if (REFS(atomic_load_explicit(&t->state, memory_order_acquire)) == 1) {
            const ait_task_vt *vt = ait__task_vt(t);
            ait_frame_free(t, vt->alloc_size, vt->alloc_align);
            freed++;
        } else {
            ait__task_unref(t);
        }
        t = next;
    }
    if (freed)
        atomic_fetch_sub_explicit(&rt->refs, freed, memory_order_acq_rel);
}

static void sweep_local(ait_rt *rt, size_t min) {
    size_t done = rt->local_done +
                  atomic_load_explicit(&rt->local_done_x, memory_order_relaxed);
    size_t listed = rt->local_listed - rt->local_swept;
    if (listed < min || done < rt->local_swept || 2 * (done - rt->local_swept) < listed)
        return;
    ait_task *dead = NULL;
    rt->local_swept += sweep(&rt->local_all, &dead);
    release_dead(rt, dead);
}

/* Under owned_lock; the released tasks go to *dead. */
static void sweep_owned_locked(ait_rt *rt, size_t min, ait_task **dead) {
    size_t listed = rt->owned_listed - rt->owned_swept;
    if (listed < min || listed == 0)
        return;
    size_t done = atomic_load_explicit(&rt->owned_done_x, memory_order_relaxed);
    for (int i = 0; i < rt->nworkers; i++)
        done += atomic_load_explicit(&rt->workers[i].done, memory_order_relaxed);
    if (done < rt->owned_swept || 2 * (done - rt->owned_swept) < listed)
        return;
    rt->owned_swept += sweep(&rt->owned, dead);
}

void ait__tasks_maybe_sweep(ait_rt *rt, bool any) {
    size_t min = any ? 1 : SWEEP_MIN;
    if (ait__tls_rt == rt)
        sweep_local(rt, min);
    ait_task *dead = NULL;
    pthread_mutex_lock(&rt->owned_lock);
    if (!atomic_load(&rt->closed))
        sweep_owned_locked(rt, min, &dead);
    pthread_mutex_unlock(&rt->owned_lock);
    release_dead(rt, dead);
}

static void cancel_list(ait_task *t) {
    while (t) {
        ait_task *next = t->all_next;
        ait__task_finish(t, AIT_ECANCELED);     /* nothing if it finished */
        ait__task_unref(t);                     /* the list's reference */
        t = next;
    }
}

void ait__tasks_cancel_all(ait_rt *rt) {
    /* Local tasks spawned on block_on's thread: this is that thread. A
     * frame's drop may not spawn here (rt is closed), so the lists only
     * shrink. */
    ait_task *t = rt->local_all;
    rt->local_all = NULL;
    /* rt's references taken ahead for local spawns (the owner's keeps rt). */
    if (rt->local_ref_credit)
        atomic_fetch_sub_explicit(&rt->refs, rt->local_ref_credit, memory_order_relaxed);
    rt->local_ref_credit = 0;
    rt->local_swept = rt->local_listed;
    cancel_list(t);
    pthread_mutex_lock(&rt->owned_lock);
    t = rt->owned;
    rt->owned = NULL;
    rt->owned_swept = rt->owned_listed;
    pthread_mutex_unlock(&rt->owned_lock);
    cancel_list(t);
}

/* ---- spawn ------------------------------------------------------------------ */

/* The first half of a spawn: the task's block, its state word (scheduled,
 * three references: handle, list, queue), not yet listed or queued. */
static ait_task *spawn_alloc(ait_rt **rtp, size_t frame_size, size_t frame_align,
                             size_t out_size, ait_poll_fn poll, ait_drop_fn drop,
                             uint64_t flags, const ait_task_vt **vtp) {
    ait_rt *rt = *rtp ? *rtp : ait_rt_current();
    *rtp = rt;
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
    const ait_task_vt *vt = vt_get(poll, drop, frame_size, frame_align, out_size, rt->index);
    ait_task *t = vt ? ait_frame_alloc(vt->alloc_size, vt->alloc_align) : NULL;
    if (!t) {
        errno = ENOMEM;
        return NULL;
    }
    /* Local tasks spawned on block_on's thread: listed without a lock. */
    if (!(flags & AIT_TS_SEND) && ait__tls_rt == rt)
        flags |= AIT_TS_LOCAL_LIST;
    atomic_init(&t->state, AIT_TS_SCHEDULED | flags |
                               ((uint64_t)vt->index << AIT_TS_VT_SHIFT) | 3 * REF_ONE);
    t->next = NULL;
    *vtp = vt;
    return t;
}

/* The second half, once the frame is initialized: a reference to rt, the
 * list of spawned tasks, the run queue. */
static ait_task *spawn_start(ait_rt *rt, ait_task *t, const ait_task_vt *vt, uint64_t flags) {
    if (ait__tls_rt == rt) {
        /* References to rt taken 256 at a time on block_on's thread. */
        if (rt->local_ref_credit == 0) {
            atomic_fetch_add_explicit(&rt->refs, 256, memory_order_relaxed);
            rt->local_ref_credit = 256;
        }
        rt->local_ref_credit--;
    } else {
        ait__rt_ref(rt);
    }
    if (flags & AIT_TS_LOCAL_LIST) {
        sweep_local(rt, SWEEP_MIN);
        t->all_next = rt->local_all;
        rt->local_all = t;
        rt->local_listed++;
    } else {
        ait_task *dead = NULL;
        pthread_mutex_lock(&rt->owned_lock);
        if (atomic_load(&rt->closed)) {
            pthread_mutex_unlock(&rt->owned_lock);
            if (vt->drop)
                vt->drop((char *)t + vt->frame_off);
            ait_frame_free(t, vt->alloc_size, vt->alloc_align);
            ait__rt_unref(rt);
            errno = ECANCELED;
            return NULL;
        }
        if (++rt->owned_listed % SWEEP_CHECK == 0)
            sweep_owned_locked(rt, SWEEP_MIN, &dead);
        t->all_next = rt->owned;
        rt->owned = t;
        pthread_mutex_unlock(&rt->owned_lock);
        release_dead(rt, dead);
    }
    ait__rt_schedule(rt, t);
    return t;
}

static ait_task *spawn(ait_rt *rt, size_t frame_size, size_t frame_align,
                       size_t out_size, void (*init)(void *frame, void *arg),
                       void *arg, ait_poll_fn poll, ait_drop_fn drop, uint64_t flags) {
    const ait_task_vt *vt;
    ait_task *t = spawn_alloc(&rt, frame_size, frame_align, out_size, poll, drop, flags, &vt);
    if (!t)
        return NULL;
    if (init)
        init((char *)t + vt->frame_off, arg);
    return spawn_start(rt, t, vt, atomic_load_explicit(&t->state, memory_order_relaxed));
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

void *ait_spawn_future(ait_rt *rt, const ait_future *fut, bool send, ait_task **task) {
    const ait_task_vt *vt;
    ait_task *t = spawn_alloc(&rt, fut->frame_size, fut->frame_align, fut->out_size, fut->poll,
                              fut->drop, send ? AIT_TS_SEND : 0, &vt);
    *task = t;
    return t ? (char *)t + vt->frame_off : NULL;
}

ait_task *ait_spawn_start(ait_task *t) {
    uint64_t s = atomic_load_explicit(&t->state, memory_order_relaxed);
    const ait_task_vt *vt = ait__vt_of_state(s);
    return spawn_start(ait__rt_of_index(vt->rt_index), t, vt, s);
}

/* ---- finishing ------------------------------------------------------------------ */

/* The caller owns the right to finish t (it set CLOSING, or it is the
 * poller whose poll finished it: nobody else sets CLOSING meanwhile) and
 * holds a reference meanwhile. Drops the frame, counts the finish for the
 * sweeps, publishes COMPLETE (with err, if any) and releases `refs`
 * references (1: the queue's, when the poller finishes; else 0). */
static void complete(ait_task *t, const ait_task_vt *vt, int err, uint64_t refs) {
    if (vt->drop)
        vt->drop((char *)t + vt->frame_off);
    uint64_t s = atomic_load_explicit(&t->state, memory_order_relaxed), n;
    note_done(s, ait__rt_of_index(vt->rt_index));
    uint64_t set = AIT_TS_CLOSING | AIT_TS_COMPLETE;
    if (err) {
        memcpy((char *)t + vt->out_off, &err, sizeof err);
        set |= AIT_TS_ERRORED;
    }
    do {
        /* With a join waker to wake, keep the reference until it is read. */
        uint64_t drop_refs = (s & AIT_TS_JOIN_WAKER) ? 0 : refs;
        n = (s | set) - drop_refs * REF_ONE;
    } while (!atomic_compare_exchange_weak_explicit(&t->state, &s, n, memory_order_acq_rel,
                                                    memory_order_relaxed));
    if (s & AIT_TS_JOIN_WAKER) {
        ait_waker_wake(ait__jw_take(t));    /* the task owned it: consumed */
        if (refs)
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
    complete(t, ait__task_vt(t), err, 0);
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
    const ait_task_vt *vt = ait__vt_of_state(s);
    ait_cx cx = { { &ait__task_waker_vt, t }, rt, 0 };
    ait_poll r = vt->poll((char *)t + vt->frame_off, &cx, (char *)t + vt->out_off);
    /* RUNNING stays set through the finish: an abort meanwhile leaves the
     * task to us, and cannot turn a completion into a cancellation. */
    if (r != AIT_PENDING) {
        int err = r == AIT_READY ? 0 : cx.error < 0 ? cx.error : -EIO;
        complete(t, vt, err, 1);    /* the queue's */
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
            n -= REF_ONE;           /* the queue's reference (the list's remains) */
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
            ait_waker_drop(ait__jw_take(t));
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
        if (ait__jw_will_wake(t, &cx->waker))
            return false;
        for (;;) {
            if (s & AIT_TS_COMPLETE)
                return true;
            if (atomic_compare_exchange_weak_explicit(&t->state, &s, s & ~AIT_TS_JOIN_WAKER,
                                                      memory_order_acq_rel,
                                                      memory_order_acquire))
                break;
        }
        ait_waker_drop(ait__jw_take(t));
    }
    /* The slot is ours: fill it, then hand it over unless COMPLETE came. */
    if (!ait__jw_put(t, ait_waker_clone(&cx->waker))) {
        /* No memory for the entry: poll again soon rather than miss the
         * completion. */
        ait_waker_wake_by_ref(&cx->waker);
        return false;
    }
    s = atomic_load_explicit(&t->state, memory_order_acquire);
    for (;;) {
        if (s & AIT_TS_COMPLETE) {
            ait_waker_drop(ait__jw_take(t));
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

#if UINTPTR_MAX == UINT64_MAX
_Static_assert(sizeof(ait_task) == 24, "the task header is 24 bytes on 64-bit targets");
#endif
