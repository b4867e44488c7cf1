#include <stdio.h>
#include "t.h"

int main(void) {
    int r = 0;
    for_jumps_block_on(NULL, &r, 10, 100);
    printf("for_jumps(10,100) = %d\n", r);
    for_jumps_block_on(NULL, &r, 10, 6);
    printf("for_jumps(10,6) = %d\n", r);
    do_continue_block_on(NULL, &r, 5);
    printf("do_continue(5) = %d\n", r);
    while_continue_block_on(NULL, &r, 3);
    printf("while_continue(3) = %d\n", r);
    find_block_on(NULL, &r, 21);
    printf("find(21) = %d\n", r);
    find_block_on(NULL, &r, 99);
    printf("find(99) = %d\n", r);
    return 0;
}
