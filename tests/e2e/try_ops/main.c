#include <stdio.h>
#include "t.h"

int main(void) {
    int r = 0;
    chain_block_on(NULL, &r, 2, 3);
    printf("chain(2,3) = %d\n", r);
    chain_block_on(NULL, &r, -4, 3);
    printf("chain(-4,3) = %d\n", r);
    chain_block_on(NULL, &r, 2, -9);
    printf("chain(2,-9) = %d\n", r);
    long l = 0;
    as_long_block_on(NULL, &l, 21);
    printf("as_long(21) = %ld\n", l);
    as_long_block_on(NULL, &l, -2);
    printf("as_long(-2) = %ld\n", l);
    int64_t v = 0;
    as_i64_block_on(NULL, &v, 1);
    printf("as_i64(1) = %lld\n", (long long)v);
    as_i64_block_on(NULL, &v, -7);
    printf("as_i64(-7) = %lld\n", (long long)v);
    in_loop_block_on(NULL, &r, 4, 99);
    printf("in_loop(4,99) = %d\n", r);
    in_loop_block_on(NULL, &r, 4, 2);
    printf("in_loop(4,2) = %d\n", r);
    return 0;
}
