#include <stdio.h>
#include "t.h"

int main(void) {
    int r = 0;
    f_block_on(NULL, &r, 1);
    f_block_on(NULL, &r, 0);
    return 0;
}
