#include <stdio.h>
#include "t.h"

int main(void) {
    int r = 0;
    prev_sum_block_on(NULL, &r, 5);
    printf("prev_sum(5) = %d\n", r);
    one_path_block_on(NULL, &r, 1);
    printf("one_path(1) = %d\n", r);
    one_path_block_on(NULL, &r, 0);
    printf("one_path(0) = %d\n", r);
    drain_block_on(NULL, &r, 4);
    printf("drain(4) = %d\n", r);
    cond_write_block_on(NULL, &r, 0);
    printf("cond_write(0) = %d\n", r);
    cond_write_block_on(NULL, &r, 1);
    printf("cond_write(1) = %d\n", r);
    cond_write_block_on(NULL, &r, 2);
    printf("cond_write(2) = %d\n", r);
    return 0;
}
