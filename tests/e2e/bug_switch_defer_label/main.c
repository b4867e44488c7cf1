#include <stdio.h>
#include "t.h"

int main(void) {
    int r = 0;
    f_block_on(NULL, &r, 0);
    printf("f(0) = %d\n", r);
    f_block_on(NULL, &r, 1);
    printf("f(1) = %d\n", r);
    return 0;
}
