#include <stdio.h>
#include "t.h"

int main(void) {
    Small s = { 3 };
    Big b = { 5, { 0 } };
    struct Pair own = { 0.5 };
    unsigned r = 0;
    run_all_block_on(NULL, &r, &s, &b, Small_as_Counter(&s));
    printf("run_all = %u, own pair %.1f\n", r, own.unrelated);
    return 0;
}
