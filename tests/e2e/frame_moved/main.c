#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "t.h"

/* A move the protocol forbids, into fresh memory; the old copy is freed,
 * so under ASan any use of it is reported. */
static through_dyn_frame *moved(through_dyn_frame *from) {
    through_dyn_frame *to = malloc(sizeof *to);
    memcpy(to, from, sizeof *to);
    free(from);
    return to;
}

int main(void) {
    counter_frame a, b;
    int out = 0;
    counter_init(&a, 3);
    ait_poll p = counter_poll(&a, ait_cx_noop(), &out);
    printf("first poll: %s\n", p == AIT_PENDING ? "pending" : "?");
    p = counter_poll(&a, ait_cx_noop(), &out);
    printf("same place: %s\n", p == AIT_PENDING ? "pending" : "?");
    memcpy(&b, &a, sizeof a);               /* a move, which the protocol forbids */
    ait_cx *cx = ait_cx_noop();
    p = counter_poll(&b, cx, &out);
    printf("moved: %s, error %d\n", p == AIT_ERROR ? "AIT_ERROR" : "?", ait_cx_error(cx));
    counter_drop(&b);                       /* safe: it releases nothing */
    counter_drop(&a);
    printf("block_on: rc %d", counter_block_on(NULL, &out, 4));
    printf(", total %d\n", out);

    /* suspended inside a dyn call whose frame is inline in the moved frame */
    Waiter wt = {2};
    through_dyn_frame *f = malloc(sizeof *f);
    through_dyn_init(f, Waiter_as_Wait(&wt));
    p = through_dyn_poll(f, ait_cx_noop(), &out);
    printf("dyn first poll: %s\n", p == AIT_PENDING ? "pending" : "?");
    f = moved(f);
    cx = ait_cx_noop();
    p = through_dyn_poll(f, cx, &out);
    printf("dyn moved: %s, error %d\n", p == AIT_ERROR ? "AIT_ERROR" : "?", ait_cx_error(cx));
    through_dyn_drop(f);                    /* must not follow the dyn pointer into the freed copy */
    p = through_dyn_poll(f, cx, &out);
    printf("poll after that: %s\n", p == AIT_ERROR ? "AIT_ERROR (poisoned)" : "?");
    free(f);
    printf("dyn block_on: rc %d", through_dyn_block_on(NULL, &out, Waiter_as_Wait(&wt)));
    printf(", got %d\n", out);
    return 0;
}
