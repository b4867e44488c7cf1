#include <stdio.h>
#include "t.h"

int main(void) {
    int r = 0;
    while_body_block_on(NULL, &r, 5);
    printf("while_body(5) = %d\n", r);
    while_cond_block_on(NULL, &r, 5);
    printf("while_cond(5) = %d\n", r);
    do_body_cond_block_on(NULL, &r, 3);
    printf("do_body_cond(3) = %d\n", r);
    do_body_cond_block_on(NULL, &r, 0);
    printf("do_body_cond(0) = %d\n", r);
    for_all_block_on(NULL, &r, 6);
    printf("for_all(6) = %d\n", r);
    nested_block_on(NULL, &r, 5);
    printf("nested(5) = %d\n", r);
    return 0;
}
