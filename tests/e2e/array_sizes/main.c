#include <stdio.h>
#include "t.h"

int main(void) {
    int v = 0;
    int rc = sized_block_on(NULL, &v);
    printf("sized: rc %d, %d\n", rc, v);
    rc = joined_block_on(NULL, &v);
    printf("joined: rc %d, %d\n", rc, v);
    return 0;
}
