#include <stdio.h>
#include "t.h"

int main(void) {
    for (int polls = 1; polls <= 5; polls++) {
        printf("%d poll(s):\n", polls);
        steps_frame fr;
        int out = 0;
        steps_init(&fr, 7);
        ait_poll p = AIT_PENDING;
        for (int i = 0; i < polls && p == AIT_PENDING; i++)
            p = steps_poll(&fr, ait_cx_noop(), &out);
        if (p == AIT_READY) {
            printf("  ready %d\n", out);
        } else {
            printf("  dropped\n");
            steps_drop(&fr);
        }
    }
    return 0;
}
