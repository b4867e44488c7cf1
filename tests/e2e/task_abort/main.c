#include <stdio.h>
#include "t.h"

int main(void) {
    ait_rt *rt = ait_rt_new(NULL);
    for (int steps = 0; steps <= 4; steps++) {
        int rc = 0;
        int err = abort_after_block_on(rt, &rc, steps);
        printf("block_on %d\n", err);
    }
    ait_rt_free(rt);
    return 0;
}
