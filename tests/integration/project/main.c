#include <stdio.h>

#include "app.h"

int main(void) {
    MemStore s = { 10 };
    int sum = 0;
    if (total_block_on(NULL, &sum, &s, 4) < 0)
        return 1;
    printf("total %d\n", sum);
    return 0;
}
