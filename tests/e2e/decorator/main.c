#include <stdio.h>
#include "t.h"

int main(void) {
    Base base = { 10 };
    Logged l1 = { Base_as_Svc(&base), "l1" };
    Logged l2 = { Logged_as_Svc(&l1), "l2" };
    int r = 0;
    int rc = Logged_call_block_on(NULL, &r, &l2, 1);
    printf("l2(1) = %d rc=%d\n", r, rc);
    rc = Svc_call_dyn_block_on(NULL, &r, Logged_as_Svc(&l1), 5);
    printf("dyn l1(5) = %d rc=%d\n", r, rc);

    ait_alloc_stats_reset();
    Svc_call_dyn_frame f;
    Svc_call_dyn_init(&f, Logged_as_Svc(&l2), 7);
    int p1 = Svc_call_dyn_poll(&f, ait_cx_noop(), &r);
    printf("first poll pending: %d\n", p1 == AIT_PENDING);
    printf("drop:\n");
    Svc_call_dyn_drop(&f);
    ait_alloc_stats s = ait_alloc_stats_get();
    printf("boxed: %d, allocs == frees: %d\n", s.allocs > 0, s.allocs == s.frees);
    ait_alloc_trim();
    return 0;
}
