#include <stdio.h>
#include "t.h"

int g_joined;

int main(void) {
    int r = 0;
    printf("both -> rc %d", both_block_on(NULL, &r));
    printf(", result %d\n", r);
    printf("first -> rc %d", first_block_on(NULL, &r));
    printf(", result %d\n", r);
    printf("with_timeout(1, 1000) -> rc %d", with_timeout_block_on(NULL, &r, 1, 1000));
    printf(", result %d\n", r);
    printf("to_globals -> rc %d", to_globals_block_on(NULL, &r));
    printf(", result %d\n", r);
    /* polled by hand under the noop context, the sleep never fires */
    with_timeout_frame f;
    with_timeout_init(&f, 3, 100000);
    ait_poll p = with_timeout_poll(&f, ait_cx_noop(), &r);
    printf("by hand: %s\n", p == AIT_PENDING ? "pending" : "?");
    with_timeout_drop(&f);
    printf("dropped\n");
    return 0;
}
