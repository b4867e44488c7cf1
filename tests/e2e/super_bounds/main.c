#include <stdio.h>
#include "t.h"

int main(void) {
    ait_rt *rt = ait_rt_new(&(ait_rt_config){ .workers = 2 });
    if (!rt)
        return 1;
    Worker w = { .base = 10 };
    Local l = { 0 };
    int r = 0;
    Worker_call_twice_block_on(rt, &r, &w, 1);
    printf("Worker_call_twice(1) = %d\n", r);
    Local_call_twice_block_on(rt, &r, &l, 1);
    printf("Local_call_twice(1) = %d calls=%d\n", r, l.calls);
    run_all_Worker_block_on(rt, &r, &w, 5);
    printf("run_all_Worker(5) = %d closed=%d\n", r, w.closed);
    both_Worker_block_on(rt, &r, &w);
    printf("both_Worker = %d\n", r);
    both_Local_block_on(rt, &r, &l);
    printf("both_Local = %d\n", r);
    through_dyn_block_on(rt, &r, Worker_as_Service(&w), 2);
    printf("through_dyn(Worker) = %d closed=%d\n", r, w.closed);
    through_dyn_block_on(rt, &r, Local_as_Service(&l), 2);
    printf("through_dyn(Local) = %d\n", r);
    through_send_dyn_block_on(rt, &r, Worker_as_Service_send(&w), 3);
    printf("through_send_dyn(Worker) = %d\n", r);
    Named_dyn n = Service_dyn_as_Named(Worker_as_Service(&w));
    printf("from C: %s\n", Named_name(n));
    bridge_block_on(rt, &r, Local_as_Service(&l), Worker_as_Service_send(&w));
    printf("bridge = %d closed=%d\n", r, w.closed);
    tag_Named_dyn_block_on(rt, &r, &n);
    printf("tag_Named_dyn = %d\n", r);
    ait_rt_free(rt);
    return 0;
}
