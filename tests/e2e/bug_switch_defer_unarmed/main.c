#include <stdio.h>
#include "t.h"

int main(void) {
    for (int k = 0; k < 3; k++) {
        int r = 0;
        printf("f(%d):\n", k);
        f_block_on(NULL, &r, k);
        printf("= %d\n", r);
    }
    /* dropped while suspended in case 1: the case-0 defer is not armed */
    f_frame fr;
    f_init(&fr, 1);
    int out = 0;
    printf("poll: %d\n", (int)f_poll(&fr, ait_cx_noop(), &out));
    printf("drop:\n");
    f_drop(&fr);
    printf("dropped\n");
    return 0;
}
