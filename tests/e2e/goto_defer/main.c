#include <stdio.h>
#include "t.h"

int main(void) {
    int r = 0;
    for (int k = 0; k < 3; k++) {
        printf("f(%d):\n", k);
        f_block_on(NULL, &r, k);
    }
    for (int k = 0; k < 2; k++) {
        printf("skip(%d):\n", k);
        skip_block_on(NULL, &r, k);
    }
    return 0;
}
