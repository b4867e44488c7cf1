/* Misuse: polling a future again after it returned AIT_READY. A defined
 * error: every leaf future of the runtime answers AIT_ERROR with
 * AIT_EPOISONED, and so does every generated future (tests/e2e/poisoned).
 * expect: poll after ready: AIT_EPOISONED from all 9 leaves */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "ait.h"

static intptr_t job(void *arg) { return (intptr_t)arg; }

static ait_poll ready_poll(void *frame, ait_cx *cx, void *out) {
    (void)frame;
    (void)cx;
    *(int *)out = 7;
    return AIT_READY;
}

static int poisoned;

/* The poll after READY: AIT_ERROR with AIT_EPOISONED, else says so. */
static void again(const char *what, ait_poll p, ait_cx *cx) {
    if (p == AIT_ERROR && ait_cx_error(cx) == AIT_EPOISONED)
        poisoned++;
    else
        fprintf(stderr, "%s: poll after ready gave %d, error %d\n", what, (int)p, ait_cx_error(cx));
    cx->error = 0;
}

/* Polls until READY (at most 1000 times); counts in bad if it never was. */
#define UNTIL_READY(poll_call) do { \
    int ready_ = 0; \
    for (int i_ = 0; i_ < 1000 && !ready_; i_++) \
        ready_ = (poll_call) == AIT_READY; \
    bad += !ready_; \
} while (0)

static ait_poll blocking_erased(void *f, ait_cx *cx, void *out) {
    return ait_spawn_blocking_poll(f, cx, out);
}

int main(void) {
    ait_rt *rt = ait_rt_new(NULL);
    int p[2];
    if (!rt || pipe(p) != 0 || ait_fd_nonblock(p[0]) != 0 || write(p[1], "abcd", 4) != 4)
        return 1;
    ait_cx cx = { ait_waker_noop(), rt, 0 };
    int bad = 0;

    ait_yield_frame y;
    ait_unit u;
    ait_yield_init(&y);
    UNTIL_READY(ait_yield_poll(&y, &cx, &u));
    again("yield", ait_yield_poll(&y, &cx, &u), &cx);
    ait_yield_drop(&y);

    ait_sleep_ms_frame s;
    ait_sleep_ms_init(&s, 0);
    UNTIL_READY(ait_sleep_ms_poll(&s, &cx, &u));
    again("sleep_ms", ait_sleep_ms_poll(&s, &cx, &u), &cx);
    ait_sleep_ms_drop(&s);

    char buf[4];
    ssize_t n;
    ait_read_frame r;
    ait_read_init(&r, p[0], buf, 2);
    UNTIL_READY(ait_read_poll(&r, &cx, &n));
    again("read", ait_read_poll(&r, &cx, &n), &cx);
    ait_read_drop(&r);

    ait_write_frame w;
    ait_write_init(&w, p[1], "x", 1);
    UNTIL_READY(ait_write_poll(&w, &cx, &n));
    again("write", ait_write_poll(&w, &cx, &n), &cx);
    ait_write_drop(&w);

    ait_readable_frame rd;
    int ev;
    ait_readable_init(&rd, p[0]);
    UNTIL_READY(ait_readable_poll(&rd, &cx, &ev));
    again("readable", ait_readable_poll(&rd, &cx, &ev), &cx);
    ait_readable_drop(&rd);

    ait_task *t = ait_spawn_local(rt, 8, 8, sizeof(int), NULL, NULL, ready_poll, NULL);
    if (!t || ait_yield_block_on(rt, &u) != 0)   /* runs the task */
        return 1;
    ait_join_frame j;
    int v;
    ait_join_init(&j, t);
    UNTIL_READY(ait_join_poll(&j, &cx, &v));
    again("join", ait_join_poll(&j, &cx, &v), &cx);
    ait_join_drop(&j);

    ait_chan *c = ait_chan_new(sizeof(int), 1);
    ait_chan_send_frame cs;
    ait_chan_recv_frame cr;
    int elem = 5, rc;
    ait_chan_send_init(&cs, c, &elem);
    UNTIL_READY(ait_chan_send_poll(&cs, &cx, &rc));
    again("chan_send", ait_chan_send_poll(&cs, &cx, &rc), &cx);
    ait_chan_send_drop(&cs);
    ait_chan_recv_init(&cr, c, &elem);
    UNTIL_READY(ait_chan_recv_poll(&cr, &cx, &rc));
    again("chan_recv", ait_chan_recv_poll(&cr, &cx, &rc), &cx);
    ait_chan_recv_drop(&cr);
    ait_chan_unref(c);

    ait_spawn_blocking_frame b;
    intptr_t out;
    ait_spawn_blocking_init(&b, job, (void *)3);
    if (ait_block_on(rt, &b, blocking_erased, &out) != 0)
        return 1;
    again("spawn_blocking", ait_spawn_blocking_poll(&b, &cx, &out), &cx);
    ait_spawn_blocking_drop(&b);

    ait_rt_free(rt);
    ait_blocking_shutdown();
    close(p[0]);
    close(p[1]);
    fprintf(stderr, "poll after ready: %s from %s%d leaves\n",
            poisoned == 9 && !bad ? "AIT_EPOISONED" : "NOT ALWAYS AIT_EPOISONED",
            poisoned == 9 ? "all " : "", poisoned);
    return 0;
}
