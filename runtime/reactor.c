/* reactor.c: epoll readiness for fds, the eventfd that interrupts it, and
 * the turn of the reactor that multi-threaded runtimes' workers take.
 *
 * Per runtime: one epoll instance and one eventfd (level-triggered, data
 * NULL) to interrupt epoll_wait. Per fd number: a readiness entry (made on
 * first use, kept until the runtime's memory goes, so an event that names
 * it is never stale memory; found without a lock: the table's chunks never
 * move), holding per direction (read, write) a list of waiters -- the
 * ait_io_wait structs inside pending frames -- and an event counter
 * ("tick").
 *
 * The fd is registered edge-triggered (EPOLLIN|EPOLLOUT|EPOLLRDHUP|
 * EPOLLET) when a waiter is listed and it is not registered yet. A plain
 * fd is deregistered when its last waiter goes; a kept one (made by the
 * TCP helpers, see fdslot.c) stays registered until its slot changes
 * (ait_close, or a new file under the number), so a connection waits
 * without epoll_ctl. An event bumps the tick of its direction(s) and wakes
 * every waiter listed there, under the entry's mutex.
 *
 * Known idle: on a kept fd, an operation that found a direction not ready
 * (EAGAIN, or a short read on a stream) stores the tick it snapshotted
 * before its syscall as idle_tick. While the tick still equals it, the
 * next operation skips the syscall and waits (ait__io_prepare). An event
 * after the snapshot moved the tick on, so nothing is missed; an EOF,
 * hang-up or error seen once (hup) ends "idle" for good, since a short
 * read of the last data says nothing of an EOF already reported.
 *
 * No lost wake-up: a future snapshots the tick (ait__io_prepare) before
 * its syscall; after EAGAIN, ait__io_arm lists it (or refreshes its
 * waker) and compares the tick under the entry's mutex. An event after the
 * snapshot has either bumped the tick already (arm says "try again") or
 * will find the waiter listed and wake it. A waiter listed for the first
 * time on a registration that already existed has no snapshot: it tries
 * again once, listed. A fresh registration needs no retry: EPOLL_CTL_ADD
 * reports an fd that is ready already as an event.
 *
 * Who waits in epoll_wait: block_on's park on a current-thread runtime
 * (exec.c); on a multi-threaded one, a parked worker (worker.c), one at a
 * time, so an event wakes its task straight onto that worker's queue with
 * no thread in between (ait__reactor_turn, below). Whoever waits also
 * fires the timers: it sleeps until the next deadline, and a timer
 * registered with an earlier one writes the eventfd.
 */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define MAX_EVENTS 64
#define RD_EVENTS (EPOLLIN | EPOLLPRI | EPOLLRDHUP | EPOLLHUP | EPOLLERR)
#define WR_EVENTS (EPOLLOUT | EPOLLHUP | EPOLLERR)

/* ---- the epoll instance ------------------------------------------------------- */

int ait__reactor_init(ait_rt *rt) {
    if (atomic_load(&rt->epfd) >= 0)
        return 0;
    int rc = 0;
    pthread_mutex_lock(&rt->io_lock);
    if (atomic_load(&rt->epfd) < 0) {
        int ep = epoll_create1(EPOLL_CLOEXEC);
        int ev = ep >= 0 ? eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC) : -1;
        struct epoll_event e;
        memset(&e, 0, sizeof e);
        e.events = EPOLLIN;
        e.data.ptr = NULL;
        if (ep < 0 || ev < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, ev, &e) < 0) {
            rc = -errno;
            if (ev >= 0)
                close(ev);
            if (ep >= 0)
                close(ep);
        } else {
            rt->evfd = ev;
            atomic_store(&rt->epfd, ep);
        }
    }
    pthread_mutex_unlock(&rt->io_lock);
    return rc;
}

void ait__reactor_notify(ait_rt *rt) {
    uint64_t one = 1;
    ssize_t r;
    do
        r = write(rt->evfd, &one, sizeof one);
    while (r < 0 && errno == EINTR);
    /* EAGAIN: the counter is full, so it is readable anyway. */
}

static void drain_eventfd(ait_rt *rt) {
    uint64_t v;
    ssize_t r;
    do
        r = read(rt->evfd, &v, sizeof v);
    while (r < 0 && errno == EINTR);
}

static void dispatch(ait_rt *rt, const struct epoll_event *ev) {
    ait_io_entry *e = ev->data.ptr;
    if (!e) {
        drain_eventfd(rt);
        return;
    }
    bool dir[2] = { (ev->events & RD_EVENTS) != 0, (ev->events & WR_EVENTS) != 0 };
    if (ev->events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))
        atomic_store(&e->hup[AIT_IO_READ], true);
    if (ev->events & (EPOLLHUP | EPOLLERR))
        atomic_store(&e->hup[AIT_IO_WRITE], true);
    pthread_mutex_lock(&e->lock);
    for (int d = 0; d < 2; d++) {
        if (!dir[d])
            continue;
        atomic_fetch_add(&e->tick[d], 1);
        /* Wakes only schedule (they do not poll), so under the mutex is
         * safe, and the listed wakers cannot change meanwhile. */
        for (ait_io_wait *w = e->waiters[d]; w; w = w->next)
            ait_waker_wake_by_ref(&w->waker);
    }
    pthread_mutex_unlock(&e->lock);
}

int ait__reactor_wait(ait_rt *rt, int timeout_ms) {
    struct epoll_event evs[MAX_EVENTS];
    int n = epoll_wait(atomic_load(&rt->epfd), evs, MAX_EVENTS, timeout_ms);
    if (n < 0)
        return -errno;
    for (int i = 0; i < n; i++)
        dispatch(rt, &evs[i]);
    return n;
}

/* ---- entries ------------------------------------------------------------------- */

static ait_io_entry *find_entry(ait_rt *rt, int fd) {
    if (fd < 0 || (unsigned)fd >= AIT_IO_TOP << AIT_IO_CHUNK_BITS)
        return NULL;
    _Atomic(ait_io_entry *) *c =
        atomic_load_explicit(&rt->fds[(unsigned)fd >> AIT_IO_CHUNK_BITS], memory_order_acquire);
    if (!c)
        return NULL;
    return atomic_load_explicit(&c[(unsigned)fd & ((1u << AIT_IO_CHUNK_BITS) - 1)],
                                memory_order_acquire);
}

/* fd's entry, made on first use (NULL: out of memory, or an fd number
 * beyond the table). */
static ait_io_entry *get_entry(ait_rt *rt, int fd) {
    ait_io_entry *e = find_entry(rt, fd);
    if (e || fd < 0 || (unsigned)fd >= AIT_IO_TOP << AIT_IO_CHUNK_BITS)
        return e;
    unsigned top = (unsigned)fd >> AIT_IO_CHUNK_BITS;
    unsigned i = (unsigned)fd & ((1u << AIT_IO_CHUNK_BITS) - 1);
    pthread_mutex_lock(&rt->io_lock);
    _Atomic(ait_io_entry *) *c = atomic_load_explicit(&rt->fds[top], memory_order_relaxed);
    if (!c) {
        c = calloc(1u << AIT_IO_CHUNK_BITS, sizeof *c);
        if (c)
            atomic_store_explicit(&rt->fds[top], c, memory_order_release);
    }
    if (c) {
        e = atomic_load_explicit(&c[i], memory_order_relaxed);
        if (!e && (e = calloc(1, sizeof *e)) != NULL) {
            pthread_mutex_init(&e->lock, NULL);
            e->fd = fd;
            for (int d = 0; d < 2; d++) {
                atomic_init(&e->tick[d], 0);
                atomic_init(&e->idle_tick[d], UINT_MAX);    /* not known idle */
                atomic_init(&e->hup[d], false);
            }
            atomic_init(&e->live_slot, 0);
            atomic_store_explicit(&c[i], e, memory_order_release);
        }
    }
    pthread_mutex_unlock(&rt->io_lock);
    return e;
}

/* Calls fn on every entry of rt (at shutdown: no entry is being made). */
static void each_entry(ait_rt *rt, void (*fn)(ait_io_entry *e)) {
    for (unsigned t = 0; t < AIT_IO_TOP; t++) {
        _Atomic(ait_io_entry *) *c = atomic_load(&rt->fds[t]);
        for (unsigned i = 0; c && i < 1u << AIT_IO_CHUNK_BITS; i++) {
            ait_io_entry *e = atomic_load(&c[i]);
            if (e)
                fn(e);
        }
    }
}

bool ait__io_prepare(ait_io_wait *w, ait_rt *rt, int fd, int dir) {
    w->drained = false;
    ait_io_entry *e;
    if (w->rt)
        e = w->rt == rt ? w->entry : NULL;  /* listed (under another runtime: arm moves it) */
    else
        e = rt ? find_entry(rt, fd) : NULL;
    w->seen = e;
    if (!e)
        return false;
    unsigned t = atomic_load_explicit(&e->tick[dir], memory_order_acquire);
    w->tick = t;
    unsigned live = atomic_load_explicit(&e->live_slot, memory_order_relaxed);
    return live != 0 && live == ait__fd_slot(fd) &&
           !atomic_load_explicit(&e->hup[dir], memory_order_relaxed) &&
           atomic_load_explicit(&e->idle_tick[dir], memory_order_relaxed) == t;
}

void ait__io_note_idle(ait_io_wait *w, int dir, bool eagain) {
    ait_io_entry *e = w->seen;
    if (!e)
        return;
    if (!eagain && !(atomic_load_explicit(&e->live_slot, memory_order_relaxed) & AIT_FD_STREAM))
        return;                     /* a short read proves nothing on datagrams, pipes... */
    /* An event after the snapshot has moved the tick on: storing the
     * snapshot then still says "ready". */
    atomic_store_explicit(&e->idle_tick[dir], w->tick, memory_order_relaxed);
}

/* Under e->lock: register the fd with epoll (edge-triggered, both
 * directions). A fresh registration reports the readiness the fd has
 * already as an event. */
static int epoll_add(ait_rt *rt, ait_io_entry *e, uint32_t slot) {
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
    ev.data.ptr = e;
    int ep = atomic_load(&rt->epfd);
    if (epoll_ctl(ep, EPOLL_CTL_ADD, e->fd, &ev) < 0) {
        /* EEXIST: still registered from a file the fd number named before
         * (closed while a future used it, or dup'ed): take it over. */
        if (errno != EEXIST || epoll_ctl(ep, EPOLL_CTL_MOD, e->fd, &ev) < 0)
            return -errno;
    }
    e->registered = true;
    e->reg_slot = slot;
    for (int d = 0; d < 2; d++) {   /* a new file: nothing known about it */
        atomic_store(&e->idle_tick[d], atomic_load(&e->tick[d]) - 1);
        atomic_store(&e->hup[d], false);
    }
    atomic_store(&e->live_slot, (slot & AIT_FD_KEPT) ? slot : 0);
    return 0;
}

/* Under e->lock: off the epoll set (a plain fd's last waiter went). */
static void epoll_del(ait_rt *rt, ait_io_entry *e) {
    epoll_ctl(atomic_load(&rt->epfd), EPOLL_CTL_DEL, e->fd, NULL);
    e->registered = false;
    atomic_store(&e->live_slot, 0);
}

int ait__io_arm(ait_io_wait *w, ait_cx *cx, int fd, int dir) {
    ait_rt *rt = cx->rt;
    if (w->rt && (w->rt != rt || w->dir != dir))
        ait__io_release(w);             /* polled under another runtime now */
    if (w->rt) {
        /* Listed already: keep the waker current, look at the tick. */
        ait_io_entry *e = w->entry;
        ait_waker old = { NULL, NULL };
        pthread_mutex_lock(&e->lock);
        if (!ait_waker_will_wake(&w->waker, &cx->waker)) {
            old = w->waker;
            w->waker = ait_waker_clone(&cx->waker);
        }
        bool moved = atomic_load(&e->tick[dir]) != w->tick;
        pthread_mutex_unlock(&e->lock);
        ait_waker_drop(old);
        return moved ? 1 : 0;
    }
    if (fd < 0)
        return -EBADF;
    if (atomic_load(&rt->closed))
        return AIT_ECANCELED;
    int rc = ait__reactor_init(rt);
    if (rc < 0)
        return rc == -ENOMEM ? AIT_ENOMEM : rc;
    ait_io_entry *e = get_entry(rt, fd);
    if (!e)
        return fd >= 0 && (unsigned)fd >= AIT_IO_TOP << AIT_IO_CHUNK_BITS ? -EMFILE : AIT_ENOMEM;
    bool snapshot = w->seen == e;
    uint32_t slot = ait__fd_slot(fd);
    w->dir = dir;
    w->waker = ait_waker_clone(&cx->waker);
    pthread_mutex_lock(&e->lock);
    if (e->registered && e->reg_slot != slot && e->users == 0)
        e->registered = false;          /* an older file's: register this one */
    bool fresh = !e->registered;
    if (fresh && (rc = epoll_add(rt, e, slot)) < 0) {
        pthread_mutex_unlock(&e->lock);
        ait_waker_drop(w->waker);
        w->waker.vt = NULL;
        return rc;
    }
    e->users++;
    w->prev = NULL;
    w->next = e->waiters[dir];
    if (w->next)
        w->next->prev = w;
    e->waiters[dir] = w;
    /* Without a snapshot (the entry is new to this future), try once more,
     * listed: an event before now may have been missed. */
    bool moved = !snapshot || atomic_load(&e->tick[dir]) != w->tick;
    w->tick = atomic_load(&e->tick[dir]);
    pthread_mutex_unlock(&e->lock);
    w->entry = e;
    w->seen = e;
    w->rt = rt;
    ait_rt_hold(rt);        /* pending I/O may wake the runtime; keeps rt's memory */
    atomic_fetch_add(&rt->io_waiters, 1);
    return fresh ? 0 : moved ? 1 : 0;
}

void ait__io_release(ait_io_wait *w) {
    ait_rt *rt = w->rt;
    if (!rt)
        return;
    ait_io_entry *e = w->entry;
    pthread_mutex_lock(&e->lock);
    if (w->prev)
        w->prev->next = w->next;
    else
        e->waiters[w->dir] = w->next;
    if (w->next)
        w->next->prev = w->prev;
    w->prev = w->next = NULL;
    /* A kept fd stays registered (until ait_close changes its slot); a
     * plain one goes with its last waiter. */
    if (--e->users == 0 && e->registered && !(e->reg_slot & AIT_FD_KEPT))
        epoll_del(rt, e);
    ait_waker wk = w->waker;
    w->waker.vt = NULL;
    w->waker.data = NULL;
    pthread_mutex_unlock(&e->lock);
    ait_waker_drop(wk);
    w->rt = NULL;
    w->entry = NULL;
    atomic_fetch_sub(&rt->io_waiters, 1);
    ait_rt_unhold(rt);                  /* may free rt */
}

/* ---- shutdown ------------------------------------------------------------------ */

static void drop_wakers(ait_io_entry *e) {
    pthread_mutex_lock(&e->lock);
    for (int d = 0; d < 2; d++) {
        for (ait_io_wait *w = e->waiters[d]; w; w = w->next) {
            ait_waker wk = w->waker;
            w->waker.vt = NULL;
            w->waker.data = NULL;
            ait_waker_drop(wk);
        }
    }
    pthread_mutex_unlock(&e->lock);
}

void ait__reactor_close(ait_rt *rt) {
    pthread_mutex_lock(&rt->io_lock);
    each_entry(rt, drop_wakers);
    pthread_mutex_unlock(&rt->io_lock);
}

static void free_entry(ait_io_entry *e) {
    pthread_mutex_destroy(&e->lock);
    free(e);
}

void ait__reactor_destroy(ait_rt *rt) {
    each_entry(rt, free_entry);
    for (unsigned t = 0; t < AIT_IO_TOP; t++) {
        free(atomic_load(&rt->fds[t]));
        atomic_store(&rt->fds[t], NULL);
    }
    int ep = atomic_load(&rt->epfd);
    if (ep >= 0) {
        close(rt->evfd);
        close(ep);
        atomic_store(&rt->epfd, -1);
    }
}

/* ---- a turn of the reactor on a worker (multi-threaded runtimes) ----------------- */

void ait__reactor_turn(ait_rt *rt, bool block) {
    int timeout = 0;
    if (block) {
        pthread_mutex_lock(&rt->lock);
        uint64_t dl = 0;
        bool has = ait__timers_next(rt, &dl);
        if (!atomic_load(&rt->shutdown) && !(has && dl <= ait_now_ns())) {
            /* Registered as the sleeper in one step with reading the
             * deadline: an earlier timer added later writes the eventfd. */
            rt->driver_parked = true;
            rt->park_deadline = has ? dl : 0;
            timeout = has ? ait__ms_until(dl) : -1;
        }
        pthread_mutex_unlock(&rt->lock);
    }
    ait__reactor_wait(rt, timeout);
    if (timeout != 0) {
        pthread_mutex_lock(&rt->lock);
        rt->driver_parked = false;
        rt->driver_notified = false;
        pthread_mutex_unlock(&rt->lock);
    }
    if (atomic_load(&rt->timer_next) <= ait_now_ns()) {
        /* Held while an expired timer is out of the heap but its task not
         * yet queued: block_on must not see a deadlock. */
        ait_rt_hold(rt);
        ait__timers_fire(rt, ait_now_ns());
        ait_rt_unhold(rt);
    }
}
