#include <stdio.h>
#include <string.h>
#include "t.h"

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
    counter_drop(&a);
    printf("block_on: rc %d", counter_block_on(NULL, &out, 4));
    printf(", total %d\n", out);
    return 0;
}
