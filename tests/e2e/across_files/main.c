#include <stdio.h>
#include "b.h"
#include "c.h"

int main(void) {
    Box x = { 5 };
    int r = 0;
    here_block_on(NULL, &r, Box_as_Get(&x));
    printf("here = %d\n", r);
    in_b_block_on(NULL, &r, Box_as_Get(&x));
    printf("in_b = %d\n", r);
    in_c_block_on(NULL, &r, Box_as_Get(&x));
    printf("in_c = %d\n", r);
    return 0;
}
