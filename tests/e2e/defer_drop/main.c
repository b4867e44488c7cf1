#include <stdio.h>
#include "t.h"

static const char *name(ait_poll p) {
    return p == AIT_READY ? "READY" : p == AIT_PENDING ? "PENDING" : "ERROR";
}

int main(void) {
    Worker w = { 40 };
    for (int k = 0; k <= 8; k++) {
        staged_frame f;
        staged_init(&f, Worker_as_Job(&w));
        printf("polls before drop: %d\n", k);
        ait_poll p = AIT_PENDING;
        for (int i = 0; i < k && p == AIT_PENDING; i++) {
            int out = -1;
            p = staged_poll(&f, ait_cx_noop(), &out);
            printf(" poll %d: %s", i + 1, name(p));
            if (p == AIT_READY)
                printf(" out=%d", out);
            printf("\n");
        }
        printf(" drop\n");
        staged_drop(&f);
    }
    return 0;
}
