#include <stdio.h>
#include "t.h"

int main(void) {
    int r = 0;
    block_end_block_on(NULL, &r);
    early_return_block_on(NULL, &r, 5);
    printf("-> %d\n", r);
    early_return_block_on(NULL, &r, 0);
    printf("-> %d\n", r);
    loop_exits_block_on(NULL, &r);
    printf("-> %d\n", r);
    tried_block_on(NULL, &r, 3);
    printf("-> %d\n", r);
    tried_block_on(NULL, &r, -5);
    printf("-> %d\n", r);
    not_reached_block_on(NULL, &r, 0);
    not_reached_block_on(NULL, &r, 1);
    return 0;
}
