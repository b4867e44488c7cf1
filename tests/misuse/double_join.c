/* Misuse: joining a task twice. The first join released the handle, and
 * ait_rt_free the runtime's reference: the task block is free. The
 * recycling allocator poisons free blocks under ASan, so the second join
 * is reported (without ASan it would read a recycled block).
 * expect: use-after-poison */
#include <stdio.h>

#include "ait.h"

static ait_poll ready_poll(void *frame, ait_cx *cx, void *out) {
    (void)frame;
    (void)cx;
    *(int *)out = 7;
    return AIT_READY;
}

int main(void) {
    ait_rt *rt = ait_rt_new(NULL);
    if (!rt)
        return 1;
    ait_task *t = ait_spawn_local(rt, 8, 8, sizeof(int), NULL, NULL, ready_poll, NULL);
    int v = 0;
    int rc = ait_join_block_on(rt, &v, t);
    fprintf(stderr, "join: %d, %d\n", rc, v);
    ait_rt_free(rt);
    int again = 0;
    rc = ait_task_join_block_on(NULL, &again, t, &v);  /* misuse: t was released */
    fprintf(stderr, "second join: %d, %d\n", rc, again);
    return 0;
}
