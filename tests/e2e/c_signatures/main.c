#include <stdio.h>
#include "t.h"

int main(void) {
    int r = 0, a[2] = { 3, 4 }, m[2][3] = { { 1, 2, 3 }, { 4, 5, 6 } };
    sum2_block_on(NULL, &r, a);
    printf("sum2 = %d\n", r);
    sum_rows_block_on(NULL, &r, 2, m);
    printf("sum_rows = %d\n", r);
    apply_block_on(NULL, &r, mul, 5);
    printf("apply(mul, 5) = %d\n", r);
    binop f = NULL;
    pick_block_on(NULL, &f, 1);
    printf("pick(1)(6, 7) = %d\n", f(6, 7));
    pick_raw_output g = NULL;
    pick_raw_block_on(NULL, &g, 1);
    printf("pick_raw(1)(6, 7) = %d\n", g(6, 7));
    counter_block_on(NULL, &r);
    counter_block_on(NULL, &r);
    printf("counter = %d\n", r);
    local_types_block_on(NULL, &r, 1);
    printf("local_types = %d\n", r);
    local_types_again_block_on(NULL, &r, 1);
    local_types_again_block_on(NULL, &r, 1);
    printf("local_types_again = %d\n", r);
    shadowing_block_on(NULL, &r);
    printf("shadowing = %d\n", r);
    find_block_on(NULL, &r, "hello world", "wor");
    printf("find = %d\n", r);
    return 0;
}
