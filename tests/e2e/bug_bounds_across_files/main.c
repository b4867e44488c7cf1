#include <stdio.h>
#include "c.h"

int main(void) {
    T t = { 4 };
    int r = 0;
    int rc = run_block_on(NULL, &r, &t);
    printf("run = %d rc=%d\n", r, rc);
    rc = both_T_block_on(NULL, &r, &t);
    printf("both_T = %d rc=%d\n", r, rc);
    return 0;
}
