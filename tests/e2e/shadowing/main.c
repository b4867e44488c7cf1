#include <stdio.h>
#include "t.h"

int main(void) {
    int r = 0;
    int rc = shadow_block_on(NULL, &r, 1);
    printf("shadow(1) = %d rc=%d\n", r, rc);
    return 0;
}
