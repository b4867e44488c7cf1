/* test_channel.c: channels (ait_chan) and oneshots, driven by hand-written
 * futures (as aitc would generate them), by hand with a counting waker,
 * and across threads. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "ait.h"

/* ---- helpers ------------------------------------------------------------- */

static void sleep_ms(long ms) {
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/* A waker that counts what is done to it. */
typedef struct {
    atomic_int wakes, clones, drops;
} cw;
static void cw_wake_by_ref(void *d) { atomic_fetch_add(&((cw *)d)->wakes, 1); }
static void cw_drop(void *d) { atomic_fetch_add(&((cw *)d)->drops, 1); }
static void cw_wake(void *d) {
    cw_wake_by_ref(d);
    cw_drop(d);
}
static void *cw_clone(void *d) {
    atomic_fetch_add(&((cw *)d)->clones, 1);
    return d;
}
static const ait_waker_vtable cw_vt = { cw_wake, cw_wake_by_ref, cw_clone, cw_drop };
static ait_cx cx_of(cw *c) {
    ait_cx cx = { { &cw_vt, c }, NULL, 0 };
    return cx;
}
/* every clone released */
static void assert_balanced(cw *c) {
    assert_int_equal(atomic_load(&c->clones), atomic_load(&c->drops));
}

/* joinall: the root: joins tasks[0..n) in order, summing int outputs. */
typedef struct {
    ait_task **tasks;
    int n, i;
    bool joining;
    long sum;
    ait_join_frame j;
} joinall_frame;
static ait_poll joinall_poll(void *fp, ait_cx *cx, void *out) {
    joinall_frame *f = fp;
    while (f->i < f->n) {
        if (!f->joining) {
            ait_join_init(&f->j, f->tasks[f->i]);
            f->tasks[f->i] = NULL;
            f->joining = true;
        }
        int v = 0;
        ait_poll p = ait_join_poll(&f->j, cx, &v);
        if (p != AIT_READY)
            return p;
        f->joining = false;
        f->sum += v;
        f->i++;
    }
    *(long *)out = f->sum;
    return AIT_READY;
}

/* ---- ping-pong ------------------------------------------------------------ */

/* pinger: n times: send i on out, receive i + 1 on in; then closes out.
 * Output: the round trips done. */
typedef struct {
    ait_chan *out, *in;
    int n, i, state, val, got;
    ait_chan_send_frame s;
    ait_chan_recv_frame r;
} pinger_frame;
static void pinger_init(void *fp, void *arg) {
    pinger_frame *f = fp;
    *f = *(pinger_frame *)arg;
    f->i = f->state = 0;
}
static ait_poll pinger_poll(void *fp, ait_cx *cx, void *out) {
    pinger_frame *f = fp;
    int rc;
    ait_poll p;
    for (;;) {
        switch (f->state) {
        case 0:
            if (f->i == f->n) {
                ait_chan_close(f->out);
                *(int *)out = f->i;
                f->state = 3;
                return AIT_READY;
            }
            f->val = f->i;
            ait_chan_send_init(&f->s, f->out, &f->val);
            f->state = 1;
            break;
        case 1:
            if ((p = ait_chan_send_poll(&f->s, cx, &rc)) != AIT_READY)
                return p;
            ait_chan_send_drop(&f->s);
            if (rc != 0)
                return ait_fail(cx, rc);
            ait_chan_recv_init(&f->r, f->in, &f->got);
            f->state = 2;
            break;
        case 2:
            if ((p = ait_chan_recv_poll(&f->r, cx, &rc)) != AIT_READY)
                return p;
            ait_chan_recv_drop(&f->r);
            if (rc != 0 || f->got != f->i + 1)
                return ait_fail(cx, -EPROTO);
            f->i++;
            f->state = 0;
            break;
        default:
            return ait_fail(cx, AIT_EPOISONED);
        }
    }
}
static void pinger_drop(void *fp) {
    pinger_frame *f = fp;
    if (f->state == 1)
        ait_chan_send_drop(&f->s);
    if (f->state == 2)
        ait_chan_recv_drop(&f->r);
}

/* ponger: receives v on in and sends v + 1 on out until in is closed.
 * Output: the values answered. */
typedef struct {
    ait_chan *in, *out;
    int count, state, val, reply;
    ait_chan_recv_frame r;
    ait_chan_send_frame s;
} ponger_frame;
static void ponger_init(void *fp, void *arg) {
    ponger_frame *f = fp;
    *f = *(ponger_frame *)arg;
    f->count = f->state = 0;
}
static ait_poll ponger_poll(void *fp, ait_cx *cx, void *out) {
    ponger_frame *f = fp;
    int rc;
    ait_poll p;
    for (;;) {
        switch (f->state) {
        case 0:
            ait_chan_recv_init(&f->r, f->in, &f->val);
            f->state = 1;
            break;
        case 1:
            if ((p = ait_chan_recv_poll(&f->r, cx, &rc)) != AIT_READY)
                return p;
            ait_chan_recv_drop(&f->r);
            if (rc == -EPIPE) {
                *(int *)out = f->count;
                f->state = 3;
                return AIT_READY;
            }
            f->reply = f->val + 1;
            ait_chan_send_init(&f->s, f->out, &f->reply);
            f->state = 2;
            break;
        case 2:
            if ((p = ait_chan_send_poll(&f->s, cx, &rc)) != AIT_READY)
                return p;
            ait_chan_send_drop(&f->s);
            if (rc != 0)
                return ait_fail(cx, rc);
            f->count++;
            f->state = 0;
            break;
        default:
            return ait_fail(cx, AIT_EPOISONED);
        }
    }
}
static void ponger_drop(void *fp) {
    ponger_frame *f = fp;
    if (f->state == 1)
        ait_chan_recv_drop(&f->r);
    if (f->state == 2)
        ait_chan_send_drop(&f->s);
}

static void test_ping_pong(void **state) {
    (void)state;
    ait_chan *a = ait_chan_new(sizeof(int), 1), *b = ait_chan_new(sizeof(int), 1);
    assert_non_null(a);
    assert_non_null(b);
    ait_rt *rt = ait_rt_new(NULL);
    assert_non_null(rt);
    pinger_frame pi = { .out = a, .in = b, .n = 1000 };
    ponger_frame po = { .in = a, .out = b };
    ait_task *tasks[2];
    /* the ponger first: it waits before anything was sent */
    tasks[0] = ait_spawn_local(rt, sizeof po, _Alignof(ponger_frame), sizeof(int), ponger_init,
                               &po, ponger_poll, ponger_drop);
    tasks[1] = ait_spawn_local(rt, sizeof pi, _Alignof(pinger_frame), sizeof(int), pinger_init,
                               &pi, pinger_poll, pinger_drop);
    assert_non_null(tasks[0]);
    assert_non_null(tasks[1]);
    joinall_frame jf = { tasks, 2, 0, false, 0, { NULL } };
    long sum = 0;
    assert_int_equal(ait_block_on(rt, &jf, joinall_poll, &sum), 0);
    assert_int_equal(sum, 2000);
    assert_true(ait_chan_is_closed(a));
    assert_false(ait_chan_is_closed(b));
    assert_int_equal(ait_chan_len(a), 0);
    assert_int_equal(ait_chan_len(b), 0);
    ait_rt_free(rt);
    ait_chan_unref(a);
    ait_chan_unref(b);
}

/* ---- producer / consumer ------------------------------------------------------- */

/* producer: sends 1..n, then closes. Output: how often a send was pending. */
typedef struct {
    ait_chan *c;
    int n, i, val, pendings, state;
    size_t max_len;
    ait_chan_send_frame s;
} producer_frame;
static void producer_init(void *fp, void *arg) {
    producer_frame *f = fp;
    *f = *(producer_frame *)arg;
}
static ait_poll producer_poll(void *fp, ait_cx *cx, void *out) {
    producer_frame *f = fp;
    for (;;) {
        if (f->state == 0) {
            if (f->i == f->n) {
                ait_chan_close(f->c);
                *(int *)out = f->pendings;
                return AIT_READY;
            }
            f->val = ++f->i;
            ait_chan_send_init(&f->s, f->c, &f->val);
            f->state = 1;
        }
        int rc;
        ait_poll p = ait_chan_send_poll(&f->s, cx, &rc);
        if (p == AIT_PENDING)
            f->pendings++;
        if (p != AIT_READY)
            return p;
        ait_chan_send_drop(&f->s);
        f->state = 0;
        if (rc != 0)
            return ait_fail(cx, rc);
        size_t len = ait_chan_len(f->c);
        if (len > f->max_len)
            f->max_len = len;
    }
}
static void producer_drop(void *fp) {
    producer_frame *f = fp;
    if (f->state == 1)
        ait_chan_send_drop(&f->s);
}

/* consumer: receives until -EPIPE, yielding `yields` times after each
 * element; checks the elements come as 1, 2, 3... Output: their count
 * (or -1 when out of order). */
typedef struct {
    ait_chan *c;
    int yields, count, val, left, state;
    ait_chan_recv_frame r;
    ait_yield_frame y;
} consumer_frame;
static void consumer_init(void *fp, void *arg) {
    consumer_frame *f = fp;
    *f = *(consumer_frame *)arg;
}
static ait_poll consumer_poll(void *fp, ait_cx *cx, void *out) {
    consumer_frame *f = fp;
    ait_poll p;
    int rc;
    for (;;) {
        switch (f->state) {
        case 0:
            ait_chan_recv_init(&f->r, f->c, &f->val);
            f->state = 1;
            break;
        case 1:
            if ((p = ait_chan_recv_poll(&f->r, cx, &rc)) != AIT_READY)
                return p;
            ait_chan_recv_drop(&f->r);
            if (rc == -EPIPE) {
                *(int *)out = f->count;
                f->state = 3;
                return AIT_READY;
            }
            if (rc != 0 || f->val != f->count + 1) {
                *(int *)out = -1;
                f->state = 3;
                return AIT_READY;
            }
            f->count++;
            f->left = f->yields;
            f->state = 2;
            ait_yield_init(&f->y);
            break;
        case 2: {
            if (f->left == 0) {
                f->state = 0;
                break;
            }
            ait_unit u;
            if ((p = ait_yield_poll(&f->y, cx, &u)) != AIT_READY)
                return p;
            ait_yield_init(&f->y);
            f->left--;
            break;
        }
        default:
            return ait_fail(cx, AIT_EPOISONED);
        }
    }
}
static void consumer_drop(void *fp) {
    consumer_frame *f = fp;
    if (f->state == 1)
        ait_chan_recv_drop(&f->r);
}

static void test_backpressure_tasks(void **state) {
    (void)state;
    ait_chan *c = ait_chan_new(sizeof(int), 2);
    assert_non_null(c);
    ait_rt *rt = ait_rt_new(NULL);
    assert_non_null(rt);
    producer_frame pf = { .c = c, .n = 50 };
    consumer_frame cf = { .c = c, .yields = 3 };
    ait_task *tasks[2];
    tasks[0] = ait_spawn_local(rt, sizeof pf, _Alignof(producer_frame), sizeof(int),
                               producer_init, &pf, producer_poll, producer_drop);
    tasks[1] = ait_spawn_local(rt, sizeof cf, _Alignof(consumer_frame), sizeof(int),
                               consumer_init, &cf, consumer_poll, consumer_drop);
    assert_non_null(tasks[0]);
    assert_non_null(tasks[1]);
    int pendings = 0, count = 0;
    ait_task *t0 = tasks[0], *t1 = tasks[1];
    assert_int_equal(ait_join_block_on(rt, &pendings, t0), 0);
    assert_int_equal(ait_join_block_on(rt, &count, t1), 0);
    assert_int_equal(count, 50);
    /* the consumer is slower: the producer waited on a full channel */
    assert_true(pendings >= 10);
    ait_rt_free(rt);
    ait_chan_unref(c);
}

static void test_backpressure_by_hand(void **state) {
    (void)state;
    ait_chan *c = ait_chan_new(sizeof(int), 2);
    assert_non_null(c);
    assert_int_equal(ait_chan_capacity(c), 2);
    int v1 = 1, v2 = 2, v3 = 3, v4 = 4, got = 0, rc = 99;
    assert_int_equal(ait_chan_try_recv(c, &got), -EAGAIN);
    assert_int_equal(ait_chan_try_send(c, &v1), 0);
    assert_int_equal(ait_chan_try_send(c, &v2), 0);
    assert_int_equal(ait_chan_try_send(c, &v3), -EAGAIN);
    assert_int_equal(ait_chan_len(c), 2);

    /* two senders wait on the full channel, served in order */
    cw w3 = { 0 }, w4 = { 0 };
    ait_cx cx3 = cx_of(&w3), cx4 = cx_of(&w4);
    ait_chan_send_frame s3, s4;
    ait_chan_send_init(&s3, c, &v3);
    ait_chan_send_init(&s4, c, &v4);
    assert_int_equal(ait_chan_send_poll(&s3, &cx3, &rc), AIT_PENDING);
    assert_int_equal(ait_chan_send_poll(&s4, &cx4, &rc), AIT_PENDING);
    assert_int_equal(ait_chan_send_poll(&s3, &cx3, &rc), AIT_PENDING);  /* spurious poll */
    assert_int_equal(atomic_load(&w3.clones), 1);    /* same waker: kept */
    assert_int_equal(ait_chan_try_recv(c, &got), 0);
    assert_int_equal(got, 1);
    assert_int_equal(atomic_load(&w3.wakes), 1);     /* the first sender only */
    assert_int_equal(atomic_load(&w4.wakes), 0);
    /* the freed slot is promised to s3: s4 and try_send must wait */
    assert_int_equal(ait_chan_send_poll(&s4, &cx4, &rc), AIT_PENDING);
    assert_int_equal(ait_chan_try_send(c, &v4), -EAGAIN);
    rc = 99;
    assert_int_equal(ait_chan_send_poll(&s3, &cx3, &rc), AIT_READY);
    assert_int_equal(rc, 0);
    ait_cx *ncx = ait_cx_noop();
    assert_int_equal(ait_chan_send_poll(&s3, ncx, &rc), AIT_ERROR);
    assert_int_equal(ait_cx_error(ncx), AIT_EPOISONED);
    ait_chan_send_drop(&s3);
    assert_int_equal(ait_chan_try_recv(c, &got), 0);
    assert_int_equal(got, 2);
    assert_int_equal(atomic_load(&w4.wakes), 1);
    assert_int_equal(ait_chan_send_poll(&s4, &cx4, &rc), AIT_READY);
    assert_int_equal(rc, 0);
    ait_chan_send_drop(&s4);
    assert_int_equal(ait_chan_try_recv(c, &got), 0);
    assert_int_equal(got, 3);
    assert_int_equal(ait_chan_try_recv(c, &got), 0);
    assert_int_equal(got, 4);
    assert_int_equal(ait_chan_try_recv(c, &got), -EAGAIN);
    assert_balanced(&w3);
    assert_balanced(&w4);

    /* a waiting receiver is woken by a send and gets the element */
    cw wr = { 0 };
    ait_cx cxr = cx_of(&wr);
    ait_chan_recv_frame r;
    ait_chan_recv_init(&r, c, &got);
    assert_int_equal(ait_chan_recv_poll(&r, &cxr, &rc), AIT_PENDING);
    assert_int_equal(ait_chan_try_send(c, &v2), 0);
    assert_int_equal(atomic_load(&wr.wakes), 1);
    assert_int_equal(ait_chan_try_recv(c, &got), -EAGAIN);   /* promised to r */
    got = 0;
    assert_int_equal(ait_chan_recv_poll(&r, &cxr, &rc), AIT_READY);
    assert_int_equal(rc, 0);
    assert_int_equal(got, 2);
    ait_chan_recv_drop(&r);
    assert_balanced(&wr);
    ait_chan_unref(c);
}

static void test_close(void **state) {
    (void)state;
    ait_chan *c = ait_chan_new(sizeof(int), 4);
    assert_non_null(c);
    int v = 10, got = 0, rc = 99;
    /* a receiver waiting on an empty channel gets -EPIPE at close */
    cw wr = { 0 };
    ait_cx cxr = cx_of(&wr);
    ait_chan_recv_frame r;
    ait_chan_recv_init(&r, c, &got);
    assert_int_equal(ait_chan_recv_poll(&r, &cxr, &rc), AIT_PENDING);
    ait_chan_close(c);
    assert_int_equal(atomic_load(&wr.wakes), 1);
    assert_int_equal(ait_chan_recv_poll(&r, &cxr, &rc), AIT_READY);
    assert_int_equal(rc, -EPIPE);
    ait_chan_recv_drop(&r);
    assert_balanced(&wr);
    ait_chan_unref(c);

    /* buffered elements are drained first; senders fail */
    c = ait_chan_new(sizeof(int), 2);
    assert_non_null(c);
    assert_int_equal(ait_chan_try_send(c, &v), 0);
    v = 11;
    assert_int_equal(ait_chan_try_send(c, &v), 0);
    cw ws = { 0 };
    ait_cx cxs = cx_of(&ws);
    ait_chan_send_frame s;
    ait_chan_send_init(&s, c, &v);
    assert_int_equal(ait_chan_send_poll(&s, &cxs, &rc), AIT_PENDING);
    ait_chan_close(c);
    ait_chan_close(c);              /* idempotent */
    assert_true(ait_chan_is_closed(c));
    assert_int_equal(atomic_load(&ws.wakes), 1);
    assert_int_equal(ait_chan_send_poll(&s, &cxs, &rc), AIT_READY);
    assert_int_equal(rc, -EPIPE);
    ait_chan_send_drop(&s);
    assert_balanced(&ws);
    assert_int_equal(ait_chan_try_send(c, &v), -EPIPE);
    assert_int_equal(ait_chan_send_block_on(NULL, &rc, c, &v), 0);
    assert_int_equal(rc, -EPIPE);
    assert_int_equal(ait_chan_recv_block_on(NULL, &rc, c, &got), 0);
    assert_int_equal(rc, 0);
    assert_int_equal(got, 10);
    assert_int_equal(ait_chan_try_recv(c, &got), 0);
    assert_int_equal(got, 11);
    assert_int_equal(ait_chan_try_recv(c, &got), -EPIPE);
    assert_int_equal(ait_chan_recv_block_on(NULL, &rc, c, &got), 0);
    assert_int_equal(rc, -EPIPE);
    ait_chan_unref(c);

    /* bad arguments */
    errno = 0;
    assert_null(ait_chan_new(sizeof(int), 0));
    assert_int_equal(errno, EINVAL);
    assert_null(ait_chan_new(SIZE_MAX / 2, 4));
    ait_chan_recv_init(&r, NULL, &got);
    ait_cx *ncx = ait_cx_noop();
    assert_int_equal(ait_chan_recv_poll(&r, ncx, &rc), AIT_ERROR);
    assert_int_equal(ait_cx_error(ncx), -EINVAL);
    ait_chan_recv_drop(&r);
}

static void test_drop_pending(void **state) {
    (void)state;
    ait_chan *c = ait_chan_new(sizeof(int), 1);
    assert_non_null(c);
    int v = 5, got = 0, rc = 99;
    /* a dropped waiting receiver leaves the list: nobody is woken */
    cw w1 = { 0 }, w2 = { 0 }, w3 = { 0 };
    ait_cx cx1 = cx_of(&w1), cx2 = cx_of(&w2), cx3 = cx_of(&w3);
    ait_chan_recv_frame r1, r2;
    ait_chan_recv_init(&r1, c, &got);
    assert_int_equal(ait_chan_recv_poll(&r1, &cx1, &rc), AIT_PENDING);
    ait_chan_recv_drop(&r1);
    assert_balanced(&w1);
    assert_int_equal(ait_chan_try_send(c, &v), 0);
    assert_int_equal(atomic_load(&w1.wakes), 0);
    assert_int_equal(ait_chan_try_recv(c, &got), 0);

    /* a receiver woken, then dropped, passes the element on */
    ait_chan_recv_init(&r1, c, &got);
    ait_chan_recv_init(&r2, c, &got);
    assert_int_equal(ait_chan_recv_poll(&r1, &cx1, &rc), AIT_PENDING);
    assert_int_equal(ait_chan_recv_poll(&r2, &cx2, &rc), AIT_PENDING);
    assert_int_equal(ait_chan_try_send(c, &v), 0);
    assert_int_equal(atomic_load(&w1.wakes), 1);
    assert_int_equal(atomic_load(&w2.wakes), 0);
    ait_chan_recv_drop(&r1);
    assert_int_equal(atomic_load(&w2.wakes), 1);
    got = 0;
    assert_int_equal(ait_chan_recv_poll(&r2, &cx2, &rc), AIT_READY);
    assert_int_equal(got, 5);
    ait_chan_recv_drop(&r2);

    /* a sender woken, then dropped, passes the slot on; a waiting one
     * dropped just leaves */
    ait_chan_send_frame s1, s2, s3;
    int a = 1, b = 2, d = 3;
    assert_int_equal(ait_chan_try_send(c, &a), 0);
    ait_chan_send_init(&s1, c, &a);
    ait_chan_send_init(&s2, c, &b);
    ait_chan_send_init(&s3, c, &d);
    assert_int_equal(ait_chan_send_poll(&s1, &cx1, &rc), AIT_PENDING);
    assert_int_equal(ait_chan_send_poll(&s2, &cx2, &rc), AIT_PENDING);
    assert_int_equal(ait_chan_send_poll(&s3, &cx3, &rc), AIT_PENDING);
    ait_chan_send_drop(&s2);        /* listed: leaves */
    assert_int_equal(ait_chan_try_recv(c, &got), 0);
    assert_int_equal(got, 1);
    assert_int_equal(atomic_load(&w1.wakes), 2);
    ait_chan_send_drop(&s1);        /* woken: passes on to s3 */
    assert_int_equal(atomic_load(&w3.wakes), 1);
    assert_int_equal(ait_chan_send_poll(&s3, &cx3, &rc), AIT_READY);
    assert_int_equal(rc, 0);
    ait_chan_send_drop(&s3);
    assert_int_equal(ait_chan_try_recv(c, &got), 0);
    assert_int_equal(got, 3);
    assert_int_equal(atomic_load(&w2.wakes), 1);     /* never woken as a sender */
    assert_balanced(&w1);
    assert_balanced(&w2);
    assert_balanced(&w3);

    /* a pending future keeps the channel alive after its owner let go */
    ait_chan_recv_init(&r1, c, &got);
    assert_int_equal(ait_chan_recv_poll(&r1, &cx1, &rc), AIT_PENDING);
    assert_ptr_equal(ait_chan_ref(c), c);
    ait_chan_unref(c);
    ait_chan_unref(c);              /* the owner's reference */
    ait_chan_recv_drop(&r1);        /* frees it (ASan checks) */
    assert_balanced(&w1);

    /* a channel of signals */
    c = ait_chan_new(0, 3);
    assert_non_null(c);
    assert_int_equal(ait_chan_try_send(c, NULL), 0);
    assert_int_equal(ait_chan_recv_block_on(NULL, &rc, c, NULL), 0);
    assert_int_equal(rc, 0);
    ait_chan_unref(c);
}

/* ---- across threads ------------------------------------------------------------ */

enum { XN = 2000 };

/* Sends 1..XN: odd ones with try_send (spinning while full), even ones
 * with ait_chan_send under a runtime of its own; then closes. */
static void *producer_thread(void *arg) {
    ait_chan *c = arg;
    ait_rt *rt = ait_rt_new(NULL);
    long bad = 0;
    for (int i = 1; i <= XN; i++) {
        if (i % 2) {
            int rc;
            while ((rc = ait_chan_try_send(c, &i)) == -EAGAIN)
                sched_yield();
            bad += rc != 0;
        } else {
            int rc = 99;
            bad += ait_chan_send_block_on(rt, &rc, c, &i) != 0 || rc != 0;
        }
    }
    ait_chan_close(c);
    ait_rt_free(rt);
    ait_chan_unref(c);
    return (void *)bad;
}

static void test_cross_thread(void **state) {
    (void)state;
    ait_chan *c = ait_chan_new(sizeof(int), 4);
    assert_non_null(c);
    ait_rt *rt = ait_rt_new(NULL);
    assert_non_null(rt);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, producer_thread, ait_chan_ref(c)), 0);
    /* the consumer, as a task on the main runtime; its pending receive
     * holds the runtime, so a slow producer is no deadlock */
    consumer_frame cf = { .c = c };
    ait_task *t = ait_spawn_local(rt, sizeof cf, _Alignof(consumer_frame), sizeof(int),
                                  consumer_init, &cf, consumer_poll, consumer_drop);
    assert_non_null(t);
    int count = 0;
    assert_int_equal(ait_join_block_on(rt, &count, t), 0);
    void *bad;
    pthread_join(th, &bad);
    assert_null(bad);
    assert_int_equal(count, XN);
    ait_rt_free(rt);
    ait_chan_unref(c);
}

/* ---- oneshot ---------------------------------------------------------------------- */

static void *late_sender(void *arg) {
    ait_oneshot *o = arg;
    sleep_ms(20);
    long v = 77;
    long rc = ait_oneshot_send(o, &v);
    ait_oneshot_unref(o);
    return (void *)rc;
}

static void *late_closer(void *arg) {
    ait_oneshot *o = arg;
    sleep_ms(20);
    ait_oneshot_close(o);
    ait_oneshot_unref(o);
    return NULL;
}

static void test_oneshot(void **state) {
    (void)state;
    long v = 5, got = 0;
    int rc = 99;
    /* sent first, then received */
    ait_oneshot *o = ait_oneshot_new(sizeof(long));
    assert_non_null(o);
    assert_int_equal(ait_oneshot_send(o, &v), 0);
    assert_int_equal(ait_oneshot_send(o, &v), -EALREADY);
    ait_oneshot_close(o);           /* after the send: the value still comes */
    assert_int_equal(ait_oneshot_recv_block_on(NULL, &rc, o, &got), 0);
    assert_int_equal(rc, 0);
    assert_int_equal(got, 5);
    assert_int_equal(ait_oneshot_recv_block_on(NULL, &rc, o, &got), 0);
    assert_int_equal(rc, -EPIPE);   /* taken already */
    ait_oneshot_unref(o);

    /* the receiver waits; the value comes from another thread */
    o = ait_oneshot_new(sizeof(long));
    assert_non_null(o);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, late_sender, ait_oneshot_ref(o)), 0);
    got = 0;
    assert_int_equal(ait_oneshot_recv_block_on(NULL, &rc, o, &got), 0);
    assert_int_equal(rc, 0);
    assert_int_equal(got, 77);
    void *res;
    pthread_join(th, &res);
    assert_null(res);
    ait_oneshot_unref(o);

    /* closed by the sender without a value, from another thread */
    o = ait_oneshot_new(sizeof(long));
    assert_non_null(o);
    assert_int_equal(pthread_create(&th, NULL, late_closer, ait_oneshot_ref(o)), 0);
    assert_int_equal(ait_oneshot_recv_block_on(NULL, &rc, o, &got), 0);
    assert_int_equal(rc, -EPIPE);
    pthread_join(th, NULL);
    assert_int_equal(ait_oneshot_send(o, &v), -EPIPE);
    ait_oneshot_unref(o);

    /* by hand: wake on send; a dropped receiver; the receiver gives up */
    o = ait_oneshot_new(sizeof(long));
    assert_non_null(o);
    cw w1 = { 0 }, w2 = { 0 };
    ait_cx cx1 = cx_of(&w1), cx2 = cx_of(&w2);
    ait_oneshot_recv_frame r1, r2;
    ait_oneshot_recv_init(&r1, o, &got);
    ait_oneshot_recv_init(&r2, o, &got);
    assert_int_equal(ait_oneshot_recv_poll(&r1, &cx1, &rc), AIT_PENDING);
    assert_int_equal(ait_oneshot_recv_poll(&r2, &cx2, &rc), AIT_PENDING);
    ait_oneshot_recv_drop(&r2);
    assert_balanced(&w2);
    v = 9;
    assert_int_equal(ait_oneshot_send(o, &v), 0);
    assert_int_equal(atomic_load(&w1.wakes), 1);
    assert_int_equal(atomic_load(&w2.wakes), 0);
    assert_int_equal(ait_oneshot_recv_poll(&r1, &cx1, &rc), AIT_READY);
    assert_int_equal(rc, 0);
    assert_int_equal(got, 9);
    ait_cx *ncx = ait_cx_noop();
    assert_int_equal(ait_oneshot_recv_poll(&r1, ncx, &rc), AIT_ERROR);
    assert_int_equal(ait_cx_error(ncx), AIT_EPOISONED);
    ait_oneshot_recv_drop(&r1);
    assert_balanced(&w1);
    ait_oneshot_unref(o);

    o = ait_oneshot_new(0);
    assert_non_null(o);
    ait_oneshot_close(o);           /* the receiver gave up */
    assert_int_equal(ait_oneshot_send(o, NULL), -EPIPE);
    ait_oneshot_unref(o);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ping_pong),
        cmocka_unit_test(test_backpressure_tasks),
        cmocka_unit_test(test_backpressure_by_hand),
        cmocka_unit_test(test_close),
        cmocka_unit_test(test_drop_pending),
        cmocka_unit_test(test_cross_thread),
        cmocka_unit_test(test_oneshot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
