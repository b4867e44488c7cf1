/* channel.c: bounded channels (ait_chan) and oneshots (ait_oneshot).
 *
 * A channel is one malloc block: the header and a ring buffer of
 * capacity elements. Everything is under the channel's mutex. A pending
 * send or recv future links its waiter (an entry in its own frame, which
 * does not move after the first poll) into the channel's senders or
 * receivers list, with a clone of its waker and a hold on its runtime.
 *
 * Wake-ups hand out reservations so that waiters are served in order
 * and no wake-up is lost:
 *   - a receiver that frees a slot takes the first waiting sender off the
 *     list (state NOTIFIED) and reserves the slot for it (sres++); a new
 *     sender (or try_send) may only use a slot when len + sres < cap;
 *   - symmetrically a sender that adds an element notifies the first
 *     waiting receiver and reserves the element for it (rres++); others
 *     take one only when len > rres;
 *   - a notified future releases its reservation when it is polled (and
 *     then uses it) or dropped (and then it passes to the next waiter).
 * Invariants: senders waiting => len + sres == cap; receivers waiting =>
 * len == rres (while open). close takes every waiter off (state WOKEN,
 * no reservation); after it, reservations no longer matter: senders get
 * -EPIPE, receivers take what is buffered.
 *
 * Wakers are copied out of the waiters under the lock and woken after it
 * is released (the frame may be gone by then): wake, unhold the runtime,
 * drop the clone, in that order, so the runtime never sees "no hold and
 * nothing ready" in between and stays alive for the unhold (the clone of
 * a root or task waker holds a reference to it).
 */
#define _POSIX_C_SOURCE 200809L
#include "ait.h"
#include "internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

enum { W_IDLE, W_QUEUED, W_NOTIFIED, W_WOKEN };

typedef struct wlist {
    ait_chan_waiter *head, *tail;
} wlist;

struct ait_chan {
    pthread_mutex_t lock;
    atomic_uint refs;
    size_t elem_size, cap;
    size_t head, len;               /* ring buffer: first element, count */
    size_t sres, rres;              /* slots / elements reserved for notified waiters */
    bool closed;
    wlist senders, receivers;
    unsigned char *buf;             /* right after the header */
};

struct ait_oneshot {
    pthread_mutex_t lock;
    atomic_uint refs;
    size_t size;
    bool sent, taken, closed;
    wlist receivers;
    unsigned char value[];
};

/* ---- wait lists and wakes ------------------------------------------------ */

static void wl_push(wlist *l, ait_chan_waiter *w, bool front) {
    if (front) {
        w->prev = NULL;
        w->next = l->head;
        if (l->head)
            l->head->prev = w;
        else
            l->tail = w;
        l->head = w;
    } else {
        w->next = NULL;
        w->prev = l->tail;
        if (l->tail)
            l->tail->next = w;
        else
            l->head = w;
        l->tail = w;
    }
}

static void wl_remove(wlist *l, ait_chan_waiter *w) {
    if (w->prev)
        w->prev->next = w->next;
    else
        l->head = w->next;
    if (w->next)
        w->next->prev = w->prev;
    else
        l->tail = w->prev;
    w->prev = w->next = NULL;
}

/* A waker (and its runtime's hold) to release after the lock. */
typedef struct wake {
    ait_waker w;
    ait_rt *rt;
} wake;

#define WMAX 4
typedef struct wakes {
    wake v[WMAX];
    int n;
    bool more;                      /* stopped because v was full */
} wakes;

static void take_out(ait_chan_waiter *w, wake *out) {
    out->w = w->waker;
    out->rt = w->rt;
    w->waker.vt = NULL;
    w->waker.data = NULL;
    w->rt = NULL;
}

/* Takes the head of l off with state st into ws; false when ws is full. */
static bool wl_take(wlist *l, int st, wakes *ws) {
    if (ws->n == WMAX) {
        ws->more = true;
        return false;
    }
    ait_chan_waiter *w = l->head;
    wl_remove(l, w);
    w->state = st;
    take_out(w, &ws->v[ws->n++]);
    return true;
}

static void run_wakes(wakes *ws) {
    for (int i = 0; i < ws->n; i++) {
        ait_waker_wake_by_ref(&ws->v[i].w);
        if (ws->v[i].rt)
            ait_rt_unhold(ws->v[i].rt);
        ait_waker_drop(ws->v[i].w);
    }
    ws->n = 0;
}

/* A waiter's old waker/hold, released without a wake. */
static void release(wake *s) {
    if (s->rt)
        ait_rt_unhold(s->rt);
    ait_waker_drop(s->w);
    s->rt = NULL;
    s->w.vt = NULL;
}

/* Under the lock: lists w in l (at the front when it had been served
 * before and lost its turn), or refreshes its waker and runtime when it is
 * listed already; what it replaces goes to stale. */
static void wait_on(wlist *l, ait_chan_waiter *w, ait_cx *cx, bool front, wake *stale) {
    if (w->state == W_QUEUED) {
        if (!ait_waker_will_wake(&w->waker, &cx->waker)) {
            stale->w = w->waker;
            w->waker = ait_waker_clone(&cx->waker);
        }
        if (w->rt != cx->rt) {
            stale->rt = w->rt;
            w->rt = cx->rt;
            if (w->rt)
                ait_rt_hold(w->rt);
        }
        return;
    }
    w->waker = ait_waker_clone(&cx->waker);
    w->rt = cx->rt;
    if (w->rt)
        ait_rt_hold(w->rt);
    wl_push(l, w, front);
    w->state = W_QUEUED;
}

static void waiter_init(ait_chan_waiter *w) {
    w->prev = w->next = NULL;
    w->waker.vt = NULL;
    w->waker.data = NULL;
    w->rt = NULL;
    w->state = W_IDLE;
}

/* ---- channels: the state under the lock ------------------------------------ */

static unsigned char *slot(ait_chan *c, size_t i) {
    return c->buf + ((c->head + i) % c->cap) * c->elem_size;
}

static void put(ait_chan *c, const void *elem) {
    if (c->elem_size)
        memcpy(slot(c, c->len), elem, c->elem_size);
    c->len++;
}

static void take(ait_chan *c, void *elem) {
    if (c->elem_size && elem)
        memcpy(elem, slot(c, 0), c->elem_size);
    c->head = (c->head + 1) % c->cap;
    c->len--;
}

/* Collects the waiters that can go now: every one when closed, else those
 * the free slots and buffered elements make room for. */
static void collect(ait_chan *c, wakes *ws) {
    if (c->closed) {
        while (c->senders.head && wl_take(&c->senders, W_WOKEN, ws)) {
        }
        while (c->receivers.head && wl_take(&c->receivers, W_WOKEN, ws)) {
        }
        return;
    }
    while (c->senders.head && c->len + c->sres < c->cap && wl_take(&c->senders, W_NOTIFIED, ws))
        c->sres++;
    while (c->receivers.head && c->len > c->rres && wl_take(&c->receivers, W_NOTIFIED, ws))
        c->rres++;
}

/* Collects, unlocks, wakes; again while a batch was not enough. */
static void settle_unlock(ait_chan *c) {
    wakes ws;
    ws.n = 0;
    do {
        ws.more = false;
        collect(c, &ws);
        pthread_mutex_unlock(&c->lock);
        run_wakes(&ws);
        if (ws.more)
            pthread_mutex_lock(&c->lock);
    } while (ws.more);
}

/* ---- channels: the object ----------------------------------------------------- */

ait_chan *ait_chan_new(size_t elem_size, size_t capacity) {
    if (capacity == 0 || (elem_size && capacity > (SIZE_MAX - sizeof(ait_chan)) / elem_size)) {
        errno = EINVAL;
        return NULL;
    }
    ait_chan *c = malloc(sizeof *c + elem_size * capacity);
    if (!c) {
        errno = ENOMEM;
        return NULL;
    }
    memset(c, 0, sizeof *c);
    if (pthread_mutex_init(&c->lock, NULL) != 0) {
        free(c);
        errno = ENOMEM;
        return NULL;
    }
    atomic_init(&c->refs, 1);
    c->elem_size = elem_size;
    c->cap = capacity;
    c->buf = (unsigned char *)(c + 1);
    return c;
}

/* Reference counts of channels and oneshots: the last unref frees. */
static void ref_take(atomic_uint *refs) {
    atomic_fetch_add_explicit(refs, 1, memory_order_relaxed);
}

static bool ref_drop_last(atomic_uint *refs) {
    return atomic_fetch_sub_explicit(refs, 1, memory_order_acq_rel) == 1;
}

ait_chan *ait_chan_ref(ait_chan *c) {
    if (c)
        ref_take(&c->refs);
    return c;
}

void ait_chan_unref(ait_chan *c) {
    if (c && ref_drop_last(&c->refs)) {
        pthread_mutex_destroy(&c->lock);
        free(c);
    }
}

void ait_chan_close(ait_chan *c) {
    if (!c)
        return;
    pthread_mutex_lock(&c->lock);
    c->closed = true;
    settle_unlock(c);
}

int ait_chan_try_send(ait_chan *c, const void *elem) {
    if (!c)
        return -EINVAL;
    pthread_mutex_lock(&c->lock);
    int rc = 0;
    if (c->closed)
        rc = -EPIPE;
    else if (c->len + c->sres < c->cap)
        put(c, elem);
    else
        rc = -EAGAIN;
    settle_unlock(c);
    return rc;
}

int ait_chan_try_recv(ait_chan *c, void *elem) {
    if (!c)
        return -EINVAL;
    pthread_mutex_lock(&c->lock);
    int rc = 0;
    if (c->len > c->rres || (c->closed && c->len > 0))
        take(c, elem);
    else
        rc = c->closed ? -EPIPE : -EAGAIN;
    settle_unlock(c);
    return rc;
}

size_t ait_chan_len(ait_chan *c) {
    pthread_mutex_lock(&c->lock);
    size_t n = c->len;
    pthread_mutex_unlock(&c->lock);
    return n;
}

size_t ait_chan_capacity(const ait_chan *c) { return c->cap; }

bool ait_chan_is_closed(ait_chan *c) {
    pthread_mutex_lock(&c->lock);
    bool b = c->closed;
    pthread_mutex_unlock(&c->lock);
    return b;
}

/* ---- channels: the futures ------------------------------------------------------ */

/* Under the lock: ends w's wait. A notified waiter gives its reservation
 * back (*res--) and reports that it had been served (so it keeps its turn
 * if it must wait again); a listed one leaves the list (its waker and
 * hold go to stale). */
static bool settle_waiter(ait_chan_waiter *w, wlist *l, size_t *res, wake *stale) {
    bool served = false;
    if (w->state == W_NOTIFIED) {
        (*res)--;
        served = true;
    } else if (w->state == W_QUEUED) {
        wl_remove(l, w);
        take_out(w, stale);
    }
    w->state = W_IDLE;
    return served;
}

void ait_chan_send_init(ait_chan_send_frame *f, ait_chan *c, const void *elem) {
    f->chan = ait_chan_ref(c);
    f->elem = elem;
    waiter_init(&f->w);
    f->done = 0;
}

static ait_poll chan_done(ait_chan **cp, int *done, int rc, int *out) {
    ait_chan_unref(*cp);
    *cp = NULL;
    *done = 1;
    if (out)
        *out = rc;
    return AIT_READY;
}

ait_poll ait_chan_send_poll(ait_chan_send_frame *f, ait_cx *cx, ait_chan_send_output *out) {
    if (f->done)
        return ait_fail(cx, AIT_EPOISONED);
    ait_chan *c = f->chan;
    if (!c) {
        f->done = 1;
        return ait_fail(cx, -EINVAL);
    }
    wake stale = { { NULL, NULL }, NULL };
    int rc = 1;
    pthread_mutex_lock(&c->lock);
    bool waiting = f->w.state == W_QUEUED;
    if (c->closed) {
        settle_waiter(&f->w, &c->senders, &c->sres, &stale);
        rc = -EPIPE;
    } else {
        bool served = f->w.state == W_NOTIFIED;
        if (served) {
            c->sres--;
            f->w.state = W_IDLE;
        } else if (f->w.state == W_WOKEN) {
            f->w.state = W_IDLE;
        }
        /* A sender still listed has no slot: senders waiting means full. */
        if (!waiting && c->len + c->sres < c->cap) {
            put(c, f->elem);
            rc = 0;
        } else {
            wait_on(&c->senders, &f->w, cx, served, &stale);
        }
    }
    settle_unlock(c);
    release(&stale);
    if (rc > 0)
        return AIT_PENDING;
    return chan_done(&f->chan, &f->done, rc, out);
}

/* The drop of a send or recv: leaves its wait list (a reservation it
 * held passes to the next waiter) and releases the channel. */
static void leave_chan(ait_chan **chanp, ait_chan_waiter *w, bool sender) {
    ait_chan *c = *chanp;
    if (!c)
        return;
    wake stale = { { NULL, NULL }, NULL };
    pthread_mutex_lock(&c->lock);
    if (sender)
        settle_waiter(w, &c->senders, &c->sres, &stale);
    else
        settle_waiter(w, &c->receivers, &c->rres, &stale);
    settle_unlock(c);
    release(&stale);
    ait_chan_unref(c);
    *chanp = NULL;
}

void ait_chan_send_drop(ait_chan_send_frame *f) { leave_chan(&f->chan, &f->w, true); }

void ait_chan_recv_init(ait_chan_recv_frame *f, ait_chan *c, void *elem) {
    f->chan = ait_chan_ref(c);
    f->elem = elem;
    waiter_init(&f->w);
    f->done = 0;
}

ait_poll ait_chan_recv_poll(ait_chan_recv_frame *f, ait_cx *cx, ait_chan_recv_output *out) {
    if (f->done)
        return ait_fail(cx, AIT_EPOISONED);
    ait_chan *c = f->chan;
    if (!c) {
        f->done = 1;
        return ait_fail(cx, -EINVAL);
    }
    wake stale = { { NULL, NULL }, NULL };
    int rc = 1;
    pthread_mutex_lock(&c->lock);
    bool waiting = f->w.state == W_QUEUED;
    if (c->closed) {
        settle_waiter(&f->w, &c->receivers, &c->rres, &stale);
        if (c->len > 0) {
            take(c, f->elem);
            rc = 0;
        } else {
            rc = -EPIPE;
        }
    } else {
        bool served = f->w.state == W_NOTIFIED;
        if (served) {
            c->rres--;
            f->w.state = W_IDLE;
        } else if (f->w.state == W_WOKEN) {
            f->w.state = W_IDLE;
        }
        /* A receiver still listed has no element: receivers waiting means
         * every element is promised. */
        if (!waiting && c->len > c->rres) {
            take(c, f->elem);
            rc = 0;
        } else {
            wait_on(&c->receivers, &f->w, cx, served, &stale);
        }
    }
    settle_unlock(c);
    release(&stale);
    if (rc > 0)
        return AIT_PENDING;
    return chan_done(&f->chan, &f->done, rc, out);
}

void ait_chan_recv_drop(ait_chan_recv_frame *f) { leave_chan(&f->chan, &f->w, false); }

AIT__DEFINE_BLOCK_ON(ait_chan_send, AIT__PARAMS_AFTER(ait_chan *c, const void *elem),
                     AIT__PARAMS_AFTER(c, elem))

AIT__DEFINE_BLOCK_ON(ait_chan_recv, AIT__PARAMS_AFTER(ait_chan *c, void *elem),
                     AIT__PARAMS_AFTER(c, elem))

/* ---- oneshot ---------------------------------------------------------------------- */

ait_oneshot *ait_oneshot_new(size_t size) {
    if (size > SIZE_MAX - sizeof(ait_oneshot)) {
        errno = ENOMEM;
        return NULL;
    }
    ait_oneshot *o = malloc(sizeof *o + size);
    if (!o) {
        errno = ENOMEM;
        return NULL;
    }
    memset(o, 0, sizeof *o);
    if (pthread_mutex_init(&o->lock, NULL) != 0) {
        free(o);
        errno = ENOMEM;
        return NULL;
    }
    atomic_init(&o->refs, 1);
    o->size = size;
    return o;
}

ait_oneshot *ait_oneshot_ref(ait_oneshot *o) {
    if (o)
        ref_take(&o->refs);
    return o;
}

void ait_oneshot_unref(ait_oneshot *o) {
    if (o && ref_drop_last(&o->refs)) {
        pthread_mutex_destroy(&o->lock);
        free(o);
    }
}

/* Wakes every waiting receiver (once the oneshot is sent or closed). */
static void shot_settle_unlock(ait_oneshot *o) {
    wakes ws;
    ws.n = 0;
    do {
        ws.more = false;
        if (o->sent || o->closed) {
            while (o->receivers.head && wl_take(&o->receivers, W_WOKEN, &ws)) {
            }
        }
        pthread_mutex_unlock(&o->lock);
        run_wakes(&ws);
        if (ws.more)
            pthread_mutex_lock(&o->lock);
    } while (ws.more);
}

int ait_oneshot_send(ait_oneshot *o, const void *value) {
    if (!o)
        return -EINVAL;
    pthread_mutex_lock(&o->lock);
    int rc = 0;
    if (o->sent) {
        rc = -EALREADY;
    } else if (o->closed) {
        rc = -EPIPE;
    } else {
        if (o->size)
            memcpy(o->value, value, o->size);
        o->sent = true;
    }
    shot_settle_unlock(o);
    return rc;
}

void ait_oneshot_close(ait_oneshot *o) {
    if (!o)
        return;
    pthread_mutex_lock(&o->lock);
    o->closed = true;
    shot_settle_unlock(o);
}

void ait_oneshot_recv_init(ait_oneshot_recv_frame *f, ait_oneshot *o, void *out) {
    f->shot = ait_oneshot_ref(o);
    f->out = out;
    waiter_init(&f->w);
    f->done = 0;
}

ait_poll ait_oneshot_recv_poll(ait_oneshot_recv_frame *f, ait_cx *cx,
                               ait_oneshot_recv_output *out) {
    if (f->done)
        return ait_fail(cx, AIT_EPOISONED);
    ait_oneshot *o = f->shot;
    if (!o) {
        f->done = 1;
        return ait_fail(cx, -EINVAL);
    }
    wake stale = { { NULL, NULL }, NULL };
    int rc = 1;
    pthread_mutex_lock(&o->lock);
    if (o->sent && !o->taken) {
        if (o->size && f->out)
            memcpy(f->out, o->value, o->size);
        o->taken = true;
        rc = 0;
    } else if (o->sent || o->closed) {
        rc = -EPIPE;
    }
    if (rc <= 0) {
        if (f->w.state == W_QUEUED) {
            wl_remove(&o->receivers, &f->w);
            take_out(&f->w, &stale);
        }
        f->w.state = W_IDLE;
    } else {
        if (f->w.state == W_WOKEN)
            f->w.state = W_IDLE;
        wait_on(&o->receivers, &f->w, cx, false, &stale);
    }
    pthread_mutex_unlock(&o->lock);
    release(&stale);
    if (rc > 0)
        return AIT_PENDING;
    ait_oneshot_unref(o);
    f->shot = NULL;
    f->done = 1;
    if (out)
        *out = rc;
    return AIT_READY;
}

void ait_oneshot_recv_drop(ait_oneshot_recv_frame *f) {
    ait_oneshot *o = f->shot;
    if (!o)
        return;
    wake stale = { { NULL, NULL }, NULL };
    pthread_mutex_lock(&o->lock);
    if (f->w.state == W_QUEUED) {
        wl_remove(&o->receivers, &f->w);
        take_out(&f->w, &stale);
    }
    f->w.state = W_IDLE;
    pthread_mutex_unlock(&o->lock);
    release(&stale);
    ait_oneshot_unref(o);
    f->shot = NULL;
}

AIT__DEFINE_BLOCK_ON(ait_oneshot_recv, AIT__PARAMS_AFTER(ait_oneshot *shot, void *value),
                     AIT__PARAMS_AFTER(shot, value))
