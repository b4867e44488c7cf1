/* internal.h: libait's private structures, shared by the runtime's files.
 * Not installed; nothing outside runtime/ includes it.
 *
 * Ownership in one place:
 *   ait_rt      refcounted (refs). ait_rt_new gives the owner's reference,
 *               ait_rt_free closes the runtime and drops it. Every task,
 *               every timer entry and every clone of the root waker holds
 *               one, so the struct (and its mutex) outlives them all
 *               (local spawns take theirs 256 at a time: local_ref_credit,
 *               returned by ait_rt_free).
 *   ait_task    refcounted (refs): its join handle, the runtime's task
 *               list until a sweep finds it finished, the run queue while
 *               it is queued, and each clone of its waker. The frame is dropped
 *               once, when the task finishes or is cancelled; the block
 *               (header + frame + output) is freed when refs reaches 0.
 *   ait_timer   owned by the sleep frame that registered it; the heap only
 *               points to it. A timer holds a reference to its runtime.
 *   ait_io_wait lives in a pending fd future's frame; listed on its fd's
 *               entry while it waits, with a clone of the frame's waker and
 *               a hold (which is also a reference) on the runtime.
 *   entries     per fd number, owned by the runtime, freed with its memory.
 *   workers     threads owned by the runtime: started by ait_rt_new,
 *               joined by ait_rt_free (before any task is cancelled).
 *
 * Files: rt.c (lifecycle), exec.c (block_on, scheduling), task.c (task
 * states), join.c, join_waker.c (the joiners' wakers), group.c (task
 * groups), deque.c (local run queue), worker.c (workers,
 * injector, parking), reactor.c (epoll, the workers' turn), io.c (fd
 * futures), timer.c, prelude.c, waker.c, alloc.c, clock.c.
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
    atomic_bool fired;      /* out of the heap (fired or detached): its owner may look */
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

/* A task's state word (t->state, atomic, 64 bits): flags in the low
 * 10 bits, the index of its type record (AIT_TS_VT_*, immutable; the
 * record names the runtime) in bits 12..31, the reference count above
 * them, so that one
 * atomic operation can change both (complete: set COMPLETE and drop the
 * queue's reference). The life of a poll:
 *   idle --wake--> SCHEDULED (pushed on a queue, which holds a reference)
 *   SCHEDULED --popped--> RUNNING (SCHEDULED cleared), polled by one thread
 *   RUNNING --wake--> RUNNING|NOTIFIED (not queued: it runs now)
 *   after a PENDING poll: NOTIFIED ? SCHEDULED (queued again) : idle
 * So a task is in at most one queue and polled by one thread at a time.
 * CLOSING decides who drops the frame (set once: by the poller when the
 * poll finished it, else by ait__task_finish); COMPLETE follows when the
 * output or error is final.
 * JOIN_WAKER: the joiner's waker is in the table of join wakers
 * (join_waker.c), keyed by the task. The joiner owns that slot while
 * the bit is clear (it puts the waker there, then sets the bit unless
 * COMPLETE came first); while set the task owns it, and the
 * joiner takes it back by clearing the bit (unless COMPLETE came first).
 * Whoever sets COMPLETE while the bit is set wakes that waker. */
#define AIT_TS_SCHEDULED 0x1ull     /* in a run queue (the queue holds a ref) */
#define AIT_TS_RUNNING 0x2ull       /* being polled */
#define AIT_TS_CLOSING 0x4ull       /* finishing: its frame is being dropped */
#define AIT_TS_COMPLETE 0x8ull      /* finished: output or error is final */
#define AIT_TS_CANCEL_REQ 0x10ull   /* aborted (while running: finished after the poll) */
#define AIT_TS_SEND 0x20ull         /* immutable: spawned with ait_spawn */
#define AIT_TS_NOTIFIED 0x40ull     /* woken while RUNNING: queued again after the poll */
#define AIT_TS_JOIN_WAKER 0x80ull   /* a join waker is in the table, owned by the task */
#define AIT_TS_ERRORED 0x100ull     /* failed: the error (int) is in the output area */
#define AIT_TS_LOCAL_LIST 0x200ull  /* immutable: listed on rt->local_all (no lock) */
/* Bits 12..31: the index of the task's type record (immutable; task.c). */
#define AIT_TS_VT_SHIFT 12
#define AIT_TS_VT_BITS 20
#define AIT_TS_VT_MASK (((1ull << AIT_TS_VT_BITS) - 1) << AIT_TS_VT_SHIFT)
#define AIT_TS_REF_SHIFT 32
#define AIT_TS_REF_ONE (1ull << AIT_TS_REF_SHIFT)

/* A task's type record: the layout of its block, its frame's functions
 * and its runtime, shared by every task of one (poll, drop, frame size,
 * frame align, output size, runtime index): interned once (task.c), never
 * freed, found by its index in a global two-level table (the state word
 * holds the index, so the header needs no pointer for it). */
typedef struct ait_task_vt {
    ait_poll_fn poll;
    ait_drop_fn drop;
    size_t frame_size, frame_align, out_size;   /* the key, with rt_index */
    uint32_t rt_index;                          /* in ait__rt_table */
    uint32_t index;                             /* in ait__vt_table */
    uint32_t frame_off, out_off;
    size_t alloc_size, alloc_align;
    struct ait_task_vt *next;                   /* in the intern table */
} ait_task_vt;

/* A task block: [header, 24 B][pad][frame][pad][output, at least an int]. */
struct ait_task {
    _Atomic uint64_t state;         /* flags | type record index | refs << AIT_TS_REF_SHIFT */
    struct ait_task *next;          /* link in a list queue (local, remote, injector) */
    /* The link in its runtime's list of spawned tasks, which ait_rt_free
     * cancels: rt->local_all (LOCAL_LIST: touched by block_on's thread
     * only, no lock) or rt->owned under owned_lock. The list holds a
     * reference; finished tasks are unlinked lazily, by a sweep (task.c). */
    struct ait_task *all_next;
};

/* The runtime of index i (rt.c): a global table, two levels, never shrunk;
 * a slot is valid while its runtime is referenced (a task holds a ref). */
#define AIT_RT_INDEX_BITS 20
#define AIT_RT_CHUNK_BITS 12
extern struct ait_rt **_Atomic ait__rt_table[1u << (AIT_RT_INDEX_BITS - AIT_RT_CHUNK_BITS)];
static inline struct ait_rt *ait__rt_of_index(uint32_t i) {
    struct ait_rt **c = atomic_load_explicit(&ait__rt_table[i >> AIT_RT_CHUNK_BITS],
                                             memory_order_acquire);
    return c[i & ((1u << AIT_RT_CHUNK_BITS) - 1)];
}

/* The type record of index i (task.c): the same kind of table; a record
 * never goes away. */
#define AIT_VT_CHUNK_BITS 10
extern const ait_task_vt **_Atomic ait__vt_table[1u << (AIT_TS_VT_BITS - AIT_VT_CHUNK_BITS)];
static inline const ait_task_vt *ait__vt_of_state(uint64_t s) {
    uint32_t i = (uint32_t)((s & AIT_TS_VT_MASK) >> AIT_TS_VT_SHIFT);
    const ait_task_vt **c = atomic_load_explicit(&ait__vt_table[i >> AIT_VT_CHUNK_BITS],
                                                 memory_order_acquire);
    return c[i & ((1u << AIT_VT_CHUNK_BITS) - 1)];
}
static inline const ait_task_vt *ait__task_vt(ait_task *t) {
    return ait__vt_of_state(atomic_load_explicit(&t->state, memory_order_relaxed));
}

static inline void *ait__task_frame(ait_task *t) { return (char *)t + ait__task_vt(t)->frame_off; }
static inline void *ait__task_out(ait_task *t) { return (char *)t + ait__task_vt(t)->out_off; }
static inline struct ait_rt *ait__task_rt(ait_task *t) {
    return ait__rt_of_index(ait__task_vt(t)->rt_index);
}
static inline bool ait__task_is_send(ait_task *t) {
    return (atomic_load_explicit(&t->state, memory_order_relaxed) & AIT_TS_SEND) != 0;
}

typedef struct ait_task_queue {
    ait_task *head, *tail;
    size_t len;
} ait_task_queue;

void ait__task_ref(ait_task *t);
void ait__task_unref(ait_task *t);
void ait__task_run(struct ait_rt *rt, ait_task *t);   /* consumes the queue ref */
void ait__task_finish(ait_task *t, int err);
/* The join: true when t completed, else registers cx's waker as its join
 * waker (see AIT_TS_JOIN_WAKER) and returns false. */
bool ait__task_join_register(ait_task *t, ait_cx *cx);
/* After COMPLETE: 0, or the task's negative errno. */
int ait__task_error(ait_task *t);
/* After COMPLETE: copies the output (when it completed and out is not
 * NULL), releases the handle, returns 0 or the task's error (join.c). */
int ait__task_take_result(ait_task *t, void *out);
/* Sweeps rt's task lists when at least half of the listed tasks finished
 * (the local list only on block_on's thread); any: however short the
 * list (else only lists of 64 tasks or more). */
void ait__tasks_maybe_sweep(struct ait_rt *rt, bool any);
/* At ait_rt_free: finishes (cancels) every listed task, empties the lists. */
void ait__tasks_cancel_all(struct ait_rt *rt);
extern const ait_waker_vtable ait__task_waker_vt;

/* The table of join wakers (join_waker.c), for the owner of t's slot (see
 * AIT_TS_JOIN_WAKER). put: stores w (consumed); false when out of memory
 * (w dropped). take: removes and returns t's waker (vt NULL: none).
 * will_wake: t's waker is there and wakes what w wakes. */
bool ait__jw_put(ait_task *t, ait_waker w);
ait_waker ait__jw_take(ait_task *t);
bool ait__jw_will_wake(ait_task *t, const ait_waker *w);
extern const ait_waker_vtable ait__root_waker_vt;   /* exec.c */
/* A task group's member as a task's join waker (group.c), held in the
 * table of join wakers like any other. */
extern const ait_waker_vtable ait__group_waker_vt;

/* ---- the local run queue of a worker (deque.c) -------------------------- */

#define AIT_LQ_CAP 256u     /* a power of two */

typedef struct ait_lqueue {
    _Alignas(64) _Atomic uint64_t head;    /* (steal << 32) | real */
    _Alignas(64) _Atomic uint32_t tail;    /* written by the owner only */
    _Atomic(ait_task *) buf[AIT_LQ_CAP];
} ait_lqueue;

void ait__lq_init(ait_lqueue *q);
/* Owner only. False when the ring was full: then t and half of the ring
 * went to *overflow (for the injector). */
bool ait__lq_push(ait_lqueue *q, ait_task *t, ait_task_queue *overflow);
ait_task *ait__lq_pop(ait_lqueue *q);                     /* owner only */
/* Any thread: moves about half of src into dst (the caller's own queue)
 * and returns one of them, or NULL. */
ait_task *ait__lq_steal(ait_lqueue *src, ait_lqueue *dst);
size_t ait__lq_len(ait_lqueue *q);                        /* a snapshot */

/* ---- workers (worker.c) ------------------------------------------------- */

typedef struct ait_worker {
    ait_lqueue q;
    struct ait_rt *rt;
    int id;
    pthread_t thread;
    pthread_cond_t cond;            /* parking, under rt->idle_lock */
    bool notified;                  /* under rt->idle_lock */
    bool in_driver;                 /* under rt->idle_lock: parked in epoll_wait, not on cond */
    bool batching;                  /* its own only: in a reactor turn, wakes queue without notifying */
    bool started;
    uint32_t rng;                   /* victim choice */
    uint32_t tick;
    atomic_size_t done;             /* send tasks finished here (only it writes) */
    long ran;                       /* tasks run, not yet subtracted from rt->active */
} ait_worker;

/* The worker running on this thread, or NULL. */
extern _Thread_local ait_worker *ait__tls_worker;

int ait__workers_start(struct ait_rt *rt);     /* 0 or -errno (rt->nworkers > 0) */
void ait__workers_stop(struct ait_rt *rt);     /* sets shutdown, wakes, joins */
/* Queues a send task on the workers: this worker's local queue when
 * called on one of rt's workers, else the injector. */
void ait__workers_schedule(struct ait_rt *rt, ait_task *t);
/* On block_on's thread: hands the send tasks it queued (batched in
 * rt->inject_buf) to the injector. */
void ait__workers_flush(struct ait_rt *rt);
/* At ait_rt_free, after the workers stopped: releases queued tasks. */
void ait__workers_drain(struct ait_rt *rt);
void ait__workers_destroy(struct ait_rt *rt);

/* ---- the reactor: epoll + eventfd (reactor.c) --------------------------- */

typedef struct ait_io_entry {
    pthread_mutex_t lock;
    int fd;
    int users;                      /* under lock: linked waiters */
    bool registered;                /* under lock: in the epoll set */
    uint32_t reg_slot;              /* under lock: the fd's slot (fdslot.c) when registered */
    /* reg_slot while registered for good (a kept fd), else 0: a
     * lock-free "the registration is this file's". */
    atomic_uint live_slot;
    atomic_uint tick[2];            /* events seen, per direction */
    /* The tick at which an operation last found the direction not ready
     * (EAGAIN, or a short read on a stream): equal to tick, the next
     * operation waits without trying its syscall. */
    atomic_uint idle_tick[2];
    /* The fd reported end of file, hang-up or an error in this direction:
     * never idle again (a short read before the EOF does not see it, and
     * its edge is not reported twice). Until registered anew. */
    atomic_bool hup[2];
    ait_io_wait *waiters[2];        /* under lock: per direction (AIT_IO_READ, AIT_IO_WRITE) */
} ait_io_entry;

/* The per-runtime table of entries: chunks of pointers, never moved, so a
 * lookup takes no lock (made under io_lock). */
#define AIT_IO_CHUNK_BITS 12
#define AIT_IO_TOP 1024u            /* up to 4M fds */

/* The process-wide slot of an fd number (fdslot.c): a generation and a
 * kind, changed whenever the runtime makes a file under that number or
 * ait_close closes it. 0: never marked. */
enum { AIT_FD_KEPT = 1,             /* made by the runtime: registered for its lifetime */
       AIT_FD_STREAM = 2 };         /* a stream socket: a short read drains it */
uint32_t ait__fd_slot(int fd);
void ait__fd_mark(int fd, unsigned kind);

enum { AIT_IO_READ = 0, AIT_IO_WRITE = 1 };

/* Creates the epoll instance and the eventfd, once (any thread). */
int ait__reactor_init(struct ait_rt *rt);
/* epoll_wait up to timeout_ms (-1: no limit), then wakes the waiters of
 * the fds that became ready. Returns the number of events or -errno. */
int ait__reactor_wait(struct ait_rt *rt, int timeout_ms);
/* Makes a reactor_wait in progress (or the next one) return. */
void ait__reactor_notify(struct ait_rt *rt);
/* At ait_rt_free: drops the wakers of every waiter still listed. */
void ait__reactor_close(struct ait_rt *rt);
/* When the runtime's memory goes: closes the fds, frees the entries. */
void ait__reactor_destroy(struct ait_rt *rt);
/* A worker's turn of the reactor, with rt->driving taken: block: wait in
 * epoll_wait until an fd event, the next timer deadline or a notify; else
 * only collect what is ready. Then wake the fds' waiters and fire the
 * expired timers (their tasks land on this worker's queue). */
void ait__reactor_turn(struct ait_rt *rt, bool block);

/* Readiness waits of the leaf futures (io.c). prepare: before trying the
 * syscall, snapshot fd's event count for dir (w->tick); true when the fd
 * is known not to be ready (a kept registration, and nothing happened
 * since an operation last found it idle): skip the syscall, wait. arm:
 * after EAGAIN, list w (with a clone of cx's waker) on fd's entry for
 * dir, registering fd with epoll if it is not: 0 pending, 1 an event
 * came meanwhile (try again), or a negative errno; release: unlist w
 * (deregistering a plain fd when it was the last waiter), drop its
 * waker and its hold. note_idle: the operation found the direction
 * drained (EAGAIN, or drained: a short read, believed on streams only). */
bool ait__io_prepare(ait_io_wait *w, struct ait_rt *rt, int fd, int dir);
int ait__io_arm(ait_io_wait *w, ait_cx *cx, int fd, int dir);
void ait__io_note_idle(ait_io_wait *w, int dir, bool eagain);
void ait__io_release(ait_io_wait *w);
/* The loop of every fd future (io.c): prepare, op(frame); anything but
 * -EAGAIN is the result (*res; w released, READY); -EAGAIN arms w and
 * returns PENDING (or tries again when an event came meanwhile). AIT_ERROR
 * for runtime failures only. The caller marks its frame done unless this
 * returns PENDING. */
typedef long (*ait__io_op)(void *frame);
ait_poll ait__io_drive(void *frame, ait_io_wait *w, ait_cx *cx, int fd, int dir,
                       ait__io_op op, long *res);
/* The poll of a one-shot fd operation: ait__io_drive, then *state = 1
 * (done) unless PENDING; polled when done: AIT_EPOISONED. */
ait_poll ait__io_drive_once(void *frame, int *state, ait_io_wait *w, ait_cx *cx, int fd,
                            int dir, ait__io_op op, long *res);
/* send() on sockets (MSG_NOSIGNAL), write() on anything else (remembered
 * in *not_socket); EINTR retried: bytes written or a negative errno. */
long ait__io_write_some(int fd, const void *buf, size_t n, bool *not_socket);

/* ---- the runtime (rt.c, exec.c) ----------------------------------------- */

struct ait_rt {
    atomic_uint refs;
    uint32_t index;                 /* in ait__rt_table (>= 1) */
    atomic_bool closed;
    atomic_int root_woken;          /* the block_on waker: a flag (wakes from other threads) */
    bool root_woken_here;           /* the same, woken on block_on's thread (no atomics) */
    atomic_long holds;              /* ait_rt_hold count (pending I/O counts too) */
    atomic_bool in_block_on;
    atomic_bool main_parked;        /* block_on's thread sleeps (written under lock) */
    atomic_long active;             /* send tasks queued or running on the workers */
    int nworkers;

    /* the block_on thread */
    ait_task_queue local;           /* block_on's thread only */
    pthread_mutex_t lock;
    pthread_cond_t cond;            /* MT: block_on's thread sleeps on it */
    bool main_notified;             /* under lock: an unpark is on its way */
    ait_task_queue remote;          /* under lock: local tasks woken from other threads */
    atomic_bool has_remote;         /* remote queue non-empty, lock-free peek */

    /* timers, under lock */
    ait_timer_heap timers;
    atomic_uint_fast64_t timer_next;/* earliest deadline (UINT64_MAX: none), lock-free peek */
    bool driver_parked;             /* under lock: whoever drives I/O sleeps in epoll_wait */
    bool driver_notified;           /* under lock */
    uint64_t park_deadline;         /* under lock: when it wakes by itself (0: never) */

    /* Spawned tasks, each listed until a sweep finds it finished (task.c):
     * local tasks spawned on block_on's thread (that thread only, no lock)
     * and the others (under owned_lock). listed/swept count pushes and
     * removals; done counts finishes (a plain counter for those on
     * block_on's thread, per worker in ait_worker.done, atomic otherwise). */
    ait_task *local_all;
    size_t local_listed, local_swept, local_done;
    unsigned local_ref_credit;      /* references to rt taken ahead by local spawns */
    atomic_size_t local_done_x;
    pthread_mutex_t owned_lock;
    ait_task *owned;
    size_t owned_listed, owned_swept;
    atomic_size_t owned_done_x;

    /* the workers (worker.c) */
    ait_worker *workers;
    atomic_bool shutdown;
    pthread_mutex_t inject_lock;
    ait_task_queue inject;          /* under inject_lock: send tasks from other threads */
    ait_task_queue inject_buf;      /* block_on's thread only: its send tasks, not yet injected */
    atomic_size_t inject_len;
    pthread_mutex_t idle_lock;
    int *idle;                      /* under idle_lock: a stack of parked worker ids */
    int nidle;
    atomic_int num_idle;            /* == nidle, lock-free peek */
    atomic_int searching;           /* workers looking for work before parking */

    /* the reactor (reactor.c) */
    pthread_mutex_t io_lock;        /* the fd table and lazy creation */
    atomic_int epfd;                /* -1 until created */
    int evfd;
    _Atomic(_Atomic(ait_io_entry *) *) fds[AIT_IO_TOP];   /* chunks, made under io_lock */
    atomic_long io_waiters;         /* waiters listed on entries */
    atomic_bool driving;            /* a worker has the reactor (in or about to be in epoll_wait) */
};

/* The runtime whose block_on runs on this thread, or NULL. */
extern _Thread_local struct ait_rt *ait__tls_rt;

void ait__rt_ref(struct ait_rt *rt);
void ait__rt_unref(struct ait_rt *rt);
/* Queues t (whose SCHEDULED bit the caller set; the ref passes to the queue). */
void ait__rt_schedule(struct ait_rt *rt, ait_task *t);
/* Wakes block_on's thread if it sleeps, so it looks again. */
void ait__rt_unpark_main(struct ait_rt *rt);
void ait__rt_unpark_main_locked(struct ait_rt *rt);
/* Under lock, by timer registration: a new earliest deadline. */
void ait__rt_timer_added_locked(struct ait_rt *rt, uint64_t deadline);
/* active: a send task was queued / a worker is done with one. */
void ait__rt_active_sub(struct ait_rt *rt, long n);
void ait__queue_push(ait_task_queue *q, ait_task *t);
ait_task *ait__queue_pop(ait_task_queue *q);
void ait__queue_append(ait_task_queue *dst, ait_task_queue *src);
/* Moves the tasks woken from other threads to the local queue (exec.c). */
void ait__rt_drain_remote(struct ait_rt *rt);
/* Milliseconds from now until deadline (ait_now_ns), rounded up (clock.c). */
int ait__ms_until(uint64_t deadline);


/* F_block_on of a leaf future F: init on the stack, ait_block_on, drop.
 * PARAMS is the parameter list after (rt, out), ARGS the init arguments:
 *   AIT__DEFINE_BLOCK_ON(ait_read, AIT__PARAMS_AFTER(int fd, void *buf, size_t n),
 *                        AIT__PARAMS_AFTER(fd, buf, n))
 * expands to the type-erased poll and
 *   int ait_read_block_on(ait_rt *rt, ait_read_output *out, int fd, void *buf, size_t n)
 * A future without parameters passes AIT__NOTHING() for both. */
#define AIT__PARAMS_AFTER(...) , __VA_ARGS__
#define AIT__NOTHING()
#define AIT__DEFINE_BLOCK_ON(F, PARAMS, ARGS)                                    \
    static ait_poll F##_poll_erased(void *f, ait_cx *cx, void *out) {           \
        return F##_poll(f, cx, out);                                            \
    }                                                                           \
    int F##_block_on(ait_rt *rt, F##_output *out PARAMS) {                      \
        F##_frame f;                                                            \
        F##_output o;                                                           \
        F##_init(&f ARGS);                                                      \
        int rc = ait_block_on(rt, &f, F##_poll_erased, out ? out : &o);        \
        F##_drop(&f);                                                           \
        return rc;                                                              \
    }

#endif
