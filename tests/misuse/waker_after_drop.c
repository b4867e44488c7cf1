/* Misuse: waking a waker that was dropped already (its reference
 * released), after its task finished and was freed. ASan reports the
 * task block, poisoned by the allocator. (A waker still held -- cloned,
 * not yet dropped -- may be woken at any time, also after its task
 * finished or its runtime was freed: that does nothing, by design.)
 * expect: use-after-poison */
#include <stdio.h>

#include "ait.h"

static ait_waker kept;

static ait_poll grab_poll(void *frame, ait_cx *cx, void *out) {
    (void)frame;
    (void)out;
    kept = ait_waker_clone(&cx->waker);
    return AIT_READY;
}

int main(void) {
    ait_rt *rt = ait_rt_new(NULL);
    if (!rt)
        return 1;
    ait_task *t = ait_spawn_local(rt, 8, 8, 0, NULL, NULL, grab_poll, NULL);
    ait_join_block_on(rt, NULL, t);
    ait_waker copy = kept;
    ait_waker_wake_by_ref(&kept);           /* fine: a reference is held */
    ait_waker_drop(kept);                   /* the last reference: freed */
    ait_rt_free(rt);
    ait_waker_wake_by_ref(&copy);           /* misuse: released already */
    fprintf(stderr, "woken after drop\n");
    return 0;
}
