#include <stdio.h>
#include "t.h"

#define CHECK(what, cond) printf("%s: %s\n", what, (cond) ? "ok" : "FAILED")

int main(void) {
    int r = 0;
    siblings_block_on(NULL, &r, 1);
    printf("siblings(1) = %d\n", r);
    two_calls_block_on(NULL, &r, 1);
    printf("two_calls(1) = %d\n", r);
    dead_local_block_on(NULL, &r, 2);
    printf("dead_local(2) = %d\n", r);

    CHECK("siblings overlap", siblings_FRAME_SIZE >= 256 && siblings_FRAME_SIZE < 600);
    CHECK("callee holds its buffer", big_callee_FRAME_SIZE >= 256);
    CHECK("sub-frames overlap", two_calls_FRAME_SIZE >= big_callee_FRAME_SIZE &&
                                two_calls_FRAME_SIZE < 2 * big_callee_FRAME_SIZE);
    CHECK("dead local not in frame", dead_local_FRAME_SIZE < 256);
    CHECK("MAX_FRAME >= Small_run", Work_run_MAX_FRAME >= Small_run_FRAME_SIZE);
    CHECK("MAX_FRAME >= Large_run", Work_run_MAX_FRAME >= Large_run_FRAME_SIZE);
    CHECK("Large_run holds buf", Large_run_FRAME_SIZE >= 300);
    CHECK("dyn frame holds inline storage", Work_run_dyn_FRAME_SIZE >= Work_run_MAX_FRAME);
    CHECK("alignment", Work_run_dyn_FRAME_ALIGN >= Large_run_FRAME_ALIGN &&
                       siblings_FRAME_ALIGN >= 1);

    /* both impls run inline through dyn: no allocation */
    Small s = { 1 };
    Large l = { 2 };
    Work_dyn ws[2] = { Small_as_Work(&s), Large_as_Work(&l) };
    ait_alloc_stats_reset();
    for (int i = 0; i < 2; i++) {
        Work_run_dyn_block_on(NULL, &r, ws[i], 10);
        printf("run[%d](10) = %d\n", i, r);
    }
    /* Note: F_block_on with rt NULL creates a temporary runtime (which may
     * allocate from the heap), but not through ait_frame_alloc. */
    CHECK("inline dyn frames: no ait_frame_alloc", ait_alloc_stats_get().allocs == 0);
    return 0;
}
