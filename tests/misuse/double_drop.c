/* Not misuse that needs catching: the runtime's leaf futures tolerate a
 * second drop (each drop clears what it released), pending or done. The
 * protocol still says "once": a hand-written future need not.
 * expect: double drops: ok */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "ait.h"

static intptr_t job(void *arg) { return (intptr_t)arg; }

static ait_poll never_poll(void *frame, ait_cx *cx, void *out) {
    (void)frame;
    (void)cx;
    (void)out;
    return AIT_PENDING;
}

int main(void) {
    ait_rt *rt = ait_rt_new(NULL);
    int p[2];
    if (!rt || pipe(p) != 0 || ait_fd_nonblock(p[0]) != 0)
        return 1;
    ait_cx cx = { ait_waker_noop(), rt, 0 };

    ait_sleep_ms_frame s;
    ait_unit u;
    ait_sleep_ms_init(&s, 100000);
    if (ait_sleep_ms_poll(&s, &cx, &u) != AIT_PENDING)
        return 1;
    ait_sleep_ms_drop(&s);
    ait_sleep_ms_drop(&s);

    char buf[4];
    ait_read_frame r;
    ssize_t n;
    ait_read_init(&r, p[0], buf, sizeof buf);
    if (ait_read_poll(&r, &cx, &n) != AIT_PENDING)
        return 1;
    ait_read_drop(&r);
    ait_read_drop(&r);

    ait_spawn_blocking_frame b;
    intptr_t out;
    ait_spawn_blocking_copy_init(&b, job, &out, sizeof out);
    ait_spawn_blocking_poll(&b, &cx, &out);
    ait_spawn_blocking_drop(&b);
    ait_spawn_blocking_drop(&b);

    ait_task *t = ait_spawn_local(rt, 8, 8, 0, NULL, NULL, never_poll, NULL);
    ait_task_join_frame j;
    ait_task_join_init(&j, t, NULL);
    ait_task_join_drop(&j);                 /* detaches */
    ait_task_join_drop(&j);

    ait_group *g = ait_group_new();
    ait_group_join_next_frame gj;
    ait_group_join_next_init(&gj, g, NULL);
    int rc;
    if (ait_group_join_next_poll(&gj, &cx, &rc) != AIT_READY || rc != -ECHILD)
        return 1;
    ait_group_join_next_drop(&gj);
    ait_group_join_next_drop(&gj);
    ait_group_free(g);

    ait_rt_free(rt);
    ait_blocking_shutdown();
    close(p[0]);
    close(p[1]);
    fprintf(stderr, "double drops: ok\n");
    return 0;
}
