/* internal.h: libait's private structures, shared by the runtime's files.
 * Not installed; nothing outside runtime/ includes it.
 *
 * Ownership in one place:
 *   ait_rt      refcounted (refs). ait_rt_new gives the owner's reference,
 *               ait_rt_free closes the runtime and drops it. Every task,
 *               every timer entry and every clone of the root waker holds
 *               one, so the struct (and its mutex) outlives them all.
 *   ait_task    refcounted (refs): its join handle, the runtime while the
 *               task is unfinished ("alive"), the run queue while it is
 *               queued, and each clone of its waker. The frame is dropped
 *               once, when the task finishes or is cancelled; the block
 *               (header + frame + output) is freed when refs reaches 0.
 *   ait_timer   owned by the sleep frame that registered it; the heap only
 *               points to it. A timer holds a reference to its runtime.
 */
#ifndef AIT_INTERNAL_H
#define AIT_INTERNAL_H

#include "ait.h"

#include <pthread.h>
#include <stdatomic.h>

/* ---- timers (timer.c) -------------------------------------------------- */

#define AIT_TIMER_NOT_IN_HEAP SIZE_MAX

typedef struct ait_timer {
    uint64_t deadline;      /* ait_now_ns() value at which it fires */
    uint64_t seq;           /* ties broken in registration order */
    size_t idx;             /* position in the heap, or AIT_TIMER_NOT_IN_HEAP */
    struct ait_rt *rt;      /* holds a reference */
    ait_waker waker;        /* a clone; vt NULL once fired or detached */
} ait_timer;

typedef struct ait_timer_heap {
    ait_timer **v;
    size_t len, cap;
    uint64_t seq;
} ait_timer_heap;

/* All of these take rt->lock themselves. */
int ait__timer_register(struct ait_rt *rt, ait_timer **slot, uint64_t deadline,
                        const ait_waker *w);
void ait__timer_cancel(ait_timer *t);                 /* frees t */
void ait__timers_fire(struct ait_rt *rt, uint64_t now);
/* Called with rt->lock held. */
bool ait__timers_next(struct ait_rt *rt, uint64_t *deadline);
/* At ait_rt_free: detaches every entry still in the heap, drops its waker. */
void ait__timers_close(struct ait_rt *rt);

/* ---- tasks (task.c) ---------------------------------------------------- */

enum {
    AIT_TS_SCHEDULED = 1u << 0,    /* in a run queue (the queue holds a ref) */
    AIT_TS_RUNNING = 1u << 1,      /* being polled */
    AIT_TS_CLOSING = 1u << 2,      /* finishing: its frame is being dropped */
    AIT_TS_COMPLETE = 1u << 3,     /* finished: output or error is final */
    AIT_TS_CANCEL_REQ = 1u << 4,   /* aborted while running */
    AIT_TS_SEND = 1u << 5          /* spawned with ait_spawn */
};

struct ait_task {
    atomic_uint refs;
    atomic_uint state;
    struct ait_rt *rt;              /* holds a reference */
    struct ait_task *next;          /* run-queue link */
    struct ait_task *all_prev, *all_next;   /* rt->all, under rt->lock */
    bool in_all;
    ait_poll_fn poll;
    ait_drop_fn drop;
    void *frame;
    void *out;
    size_t out_size;
    size_t alloc_size, alloc_align;
    int error;
    atomic_flag jlock;              /* guards join_waker */
    ait_waker join_waker;           /* vt NULL when none */
};

typedef struct ait_task_queue {
    ait_task *head, *tail;
    size_t len;
} ait_task_queue;

void ait__task_ref(ait_task *t);
void ait__task_unref(ait_task *t);
void ait__task_run(struct ait_rt *rt, ait_task *t);   /* consumes the queue ref */
void ait__task_finish(ait_task *t, int err);
extern const ait_waker_vtable ait__task_waker_vt;

/* ---- the runtime (exec.c) ---------------------------------------------- */

struct ait_rt {
    atomic_uint refs;
    atomic_bool closed;
    atomic_int root_woken;          /* the block_on waker: a flag */
    atomic_long holds;              /* ait_rt_hold count */
    atomic_bool in_block_on;
    int workers;
    ait_task_queue local;           /* block_on's thread only */
    pthread_mutex_t lock;
    pthread_cond_t cond;            /* signalled on remote wakes */
    bool sleeping;                  /* under lock: block_on waits on cond */
    ait_task_queue remote;          /* under lock: wakes from other threads */
    ait_task *all;                  /* under lock: unfinished tasks */
    ait_timer_heap timers;          /* under lock */
    atomic_uint_fast64_t timer_next;/* earliest deadline (UINT64_MAX: none), lock-free peek */
    atomic_bool has_remote;         /* remote queue non-empty, lock-free peek */
};

/* The runtime whose block_on runs on this thread, or NULL. */
extern _Thread_local struct ait_rt *ait__tls_rt;

void ait__rt_ref(struct ait_rt *rt);
void ait__rt_unref(struct ait_rt *rt);
/* Queues t (whose SCHEDULED bit the caller set; the ref passes to the queue). */
void ait__rt_schedule(struct ait_rt *rt, ait_task *t);
void ait__queue_push(ait_task_queue *q, ait_task *t);
ait_task *ait__queue_pop(ait_task_queue *q);

#endif
