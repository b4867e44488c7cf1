#include <stdio.h>
#include "t.h"

int main(void) {
    int r = 0;
    frame_init_block_on(NULL, &r);
    printf("frame_init = %d\n", r);
    loop_init_block_on(NULL, &r, 3);
    printf("loop_init(3) = %d\n", r);
    init_with_await_block_on(NULL, &r);
    printf("init_with_await = %d\n", r);
    return 0;
}
