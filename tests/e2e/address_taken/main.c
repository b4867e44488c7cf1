#include <stdio.h>
#include "t.h"

int main(void) {
    int r = 0;
    addr_block_on(NULL, &r);
    printf("addr = %d\n", r);
    no_cross_block_on(NULL, &r, 5);
    printf("no_cross(5) = %d\n", r);
    return 0;
}
