#include <stdio.h>
#include "t.h"

int main(void) {
    for (int k = 0; k <= 4; k++) {
        int r = 0;
        sw_block_on(NULL, &r, k);
        printf("sw(%d) = %d\n", k, r);
    }
    int r = 0;
    sw_loop_block_on(NULL, &r, 6);
    printf("sw_loop(6) = %d\n", r);
    for (int n = 1; n <= 7; n++) {
        duff_block_on(NULL, &r, n);
        printf("duff(%d) = %d\n", n, r);
    }
    return 0;
}
