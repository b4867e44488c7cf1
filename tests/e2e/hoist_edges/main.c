#include <stdio.h>
#include "t.h"

int main(void) {
    unsigned r = 0;
    int rc = comma_block_on(NULL, &r, 3);
    printf("comma(3) -> rc %d, result %u\n", rc, r);
    for (unsigned x = 2; x < 4; x++) {
        rc = parens_block_on(NULL, &r, x);
        printf("parens(%u) -> rc %d, result %u\n", x, rc, r);
    }
    return 0;
}
