#include <stdio.h>
#include "t.h"

const char *frame = "frame";

int main(void) {
    Box box = {100};
    int v = 0;
    int rc_ = Box_total_block_on(NULL, &v, &box, 3);
    printf("total: rc %d, %d\n", rc_, v);
    rc_ = helpers_block_on(NULL, &v, 1);
    printf("helpers: rc %d, %d\n", rc_, v);
    rc_ = sized_block_on(NULL, &v, 5);
    printf("sized: rc %d, %d\n", rc_, v);
    rc_ = arrays_block_on(NULL, &v);
    printf("arrays: rc %d, %d\n", rc_, v);
    rc_ = consts_block_on(NULL, &v, 4);
    printf("consts: rc %d, %d\n", rc_, v);
    return 0;
}
