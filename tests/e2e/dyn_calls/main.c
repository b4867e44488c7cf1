#include <stdio.h>
#include "t.h"

int main(void) {
    Adder add = { 3, 0 };
    Muler mul = { 2, { 0 } };
    Chain c = { { Adder_as_Op(&add), Muler_as_Op(&mul), Adder_as_Op(&add) }, 3 };
    int r = 0;
    printf("chain:\n");
    int rc = run_chain_block_on(NULL, &r, &c, 1);
    printf("run_chain(1) = %d rc=%d\n", r, rc);
    twice_all_block_on(NULL, &r, c.ops, 2, 5);
    printf("twice_all(5) = %d\n", r);
    Adder_apply_twice_block_on(NULL, &r, &add, 10);
    printf("Adder_apply_twice(10) = %d\n", r);
    Op_apply_twice_dyn_block_on(NULL, &r, Muler_as_Op(&mul), 10);
    printf("Op_apply_twice_dyn(muler, 10) = %d\n", r);
    Op_apply_dyn_block_on(NULL, &r, c.ops[0], 0);
    printf("Op_apply_dyn(adder, 0) = %d\n", r);
    printf("names: %s %s, adder calls: %d\n", Op_name(c.ops[0]), Op_name(c.ops[1]), add.calls);
    ait_alloc_trim();
    return 0;
}
