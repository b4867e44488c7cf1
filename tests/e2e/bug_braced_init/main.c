#include <stdio.h>
#include "t.h"

int main(void) {
    int r = 0;
    f_block_on(NULL, &r);
    printf("f() = %d\n", r);
    return 0;
}
