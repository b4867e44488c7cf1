#include <stdio.h>
#include "group.h"

int main(void) {
    int r = 0;
    int rc = sum_squares_block_on(NULL, &r, 4);
    printf("sum_squares(4): rc %d, %d\n", rc, r);
    rc = first_of_block_on(NULL, &r);
    printf("first_of: rc %d, %d\n", rc, r);
    ait_rt *rt = ait_rt_new(&(ait_rt_config){ .workers = 2 });
    if (!rt)
        return 1;
    rc = sum_squares_block_on(rt, &r, 1);
    printf("on 2 workers: rc %d, %d\n", rc, r);
    ait_rt_free(rt);
    return 0;
}
