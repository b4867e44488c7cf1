#include <stdio.h>
#include "big.h"

int main(void) {
    ait_rt *rt = ait_rt_new(NULL);
    Tiny t = { 1 };
    Huge h = { 100 };
    Work_dyn ws[2] = { Tiny_as_Work(&t), Huge_as_Work(&h) };
    printf("Huge boxed: %d\n", Huge_run_FRAME_SIZE > Work_run_MAX_FRAME);
    int r = 0;
    /* warm-up: the first boxed call may malloc a block */
    drive_block_on(rt, &r, ws, 2, 2);
    printf("warm-up = %d\n", r);

    ait_alloc_stats_reset();
    drive_block_on(rt, &r, ws, 2, 100);
    ait_alloc_stats s = ait_alloc_stats_get();
    printf("steady = %d\n", r);
    printf("allocs: %llu frees: %llu\n", (unsigned long long)s.allocs, (unsigned long long)s.frees);
    printf("mallocs in steady state: %llu\n", (unsigned long long)s.mallocs);

    ait_alloc_stats_reset();
    for (int i = 0; i < 50; i++)
        Work_run_dyn_block_on(rt, &r, ws[1], i);
    s = ait_alloc_stats_get();
    printf("direct dyn calls: allocs %llu mallocs %llu last=%d\n",
           (unsigned long long)s.allocs, (unsigned long long)s.mallocs, r);
    ait_rt_free(rt);
    ait_alloc_trim();
    return 0;
}
