#include <stdio.h>
#include "t.h"

int main(void) {
    int r = 0;
    with_goto_block_on(NULL, &r, 4);
    printf("with_goto(4) = %d\n", r);
    with_goto_block_on(NULL, &r, 20);
    printf("with_goto(20) = %d\n", r);
    counter_block_on(NULL, &r);
    counter_block_on(NULL, &r);
    printf("counter = %d\n", r);
    int d = 7;
    maybe_block_on(NULL, NULL, &d, -1);
    printf("maybe(-1): %d\n", d);
    maybe_block_on(NULL, NULL, &d, 9);
    printf("maybe(9): %d\n", d);
    consts_block_on(NULL, &r, 3);
    Pair p = { 0, 0 };
    make_pair_block_on(NULL, &p, 4);
    printf("pair = %d,%d\n", p.a, p.b);
    const char *s = NULL;
    pick_block_on(NULL, &s, 1);
    printf("pick(1) = %s\n", s);
    clash_block_on(NULL, &r, 1, 2, 3, 4);
    printf("clash = %d\n", r);
    discard_block_on(NULL, &r);
    printf("discard = %d\n", r);
    forward_tag_block_on(NULL, &r);
    printf("forward_tag = %d\n", r);
    return 0;
}
