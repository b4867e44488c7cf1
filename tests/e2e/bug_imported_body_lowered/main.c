#include <stdio.h>
#include "b.h"

int main(void) {
    Box box = { 4 };
    int r = 0;
    int rc = run_block_on(NULL, &r, 5, &box);
    printf("run(5) = %d rc=%d\n", r, rc);
    rc = run_block_on(NULL, &r, 1, &box);
    printf("run(1) = %d rc=%d\n", r, rc);
    return 0;
}
