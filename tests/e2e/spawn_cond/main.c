#include <stdio.h>
#include "t.h"

int main(void) {
    for (int x = 0; x < 3; x++) {
        int r = -1;
        int rc = pick_block_on(NULL, &r, x);
        printf("pick(%d) -> rc %d, result %d\n", x, rc, r);
    }
    return 0;
}
