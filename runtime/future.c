/* future.c: futures as values (ait_future): block_on and spawn of a
 * descriptor, the shared parts of dyn calls, and the descriptors of the
 * runtime's own leaf futures. */
#include "internal.h"

int ait_block_on_future(ait_rt *rt, const ait_future *fut, void *frame, void *out) {
    int rc = ait_block_on(rt, frame, fut->poll, out);
    fut->drop(frame);
    return rc;
}

/* ---- dyn calls ------------------------------------------------------------ */

ait_poll ait_dyn_nomem(ait_dyn_call *c, ait_cx *cx) {
    c->state = AIT_DYN_DONE;
    return ait_fail(cx, AIT_ENOMEM);
}

static void dyn_release(ait_dyn_call *c) {
    const ait_future *fut = c->fut;
    if (c->state == AIT_DYN_BOXED)
        ait_frame_free_class(c->frame, fut->frame_class, fut->frame_size, fut->frame_align);
    c->frame = NULL;
    c->state = AIT_DYN_DONE;
}

ait_poll ait_dyn_resume(ait_dyn_call *c, ait_cx *cx, void *out) {
    if (c->state <= 0)
        return ait_fail(cx, AIT_EPOISONED);
    ait_poll r = c->fut->poll(c->frame, cx, out);
    if (r != AIT_PENDING)   /* finished: it holds nothing more */
        dyn_release(c);
    return r;
}

void ait_dyn_drop(void *frame) {
    ait_dyn_call *c = frame;
    if (c->state > 0) {
        c->fut->drop(c->frame);
        dyn_release(c);
    }
    c->state = AIT_DYN_DONE;
}

/* ---- the runtime's leaves as descriptors -------------------------------- */

#define LEAF(F) \
    static ait_poll F##_poll_any(void *f, ait_cx *cx, void *out) { \
        return F##_poll(f, cx, out); \
    } \
    static void F##_drop_any(void *f) { F##_drop(f); } \
    const ait_future F##_future = AIT_FUTURE_INIT(F);

LEAF(ait_task_join)
LEAF(ait_group_join_next)
LEAF(ait_group_join_all)
LEAF(ait_yield)
LEAF(ait_sleep_ms)
LEAF(ait_read)
LEAF(ait_write)
LEAF(ait_accept)
LEAF(ait_connect)
LEAF(ait_readable)
LEAF(ait_writable)
LEAF(ait_read_exact)
LEAF(ait_write_all)
LEAF(ait_tcp_connect)
LEAF(ait_bufread_until)
LEAF(ait_bufread_line)
LEAF(ait_bufread_exact)
LEAF(ait_bufflush)
LEAF(ait_bufwrite)
LEAF(ait_spawn_blocking)
LEAF(ait_spawn_blocking_copy)
LEAF(ait_chan_send)
LEAF(ait_chan_recv)
LEAF(ait_oneshot_recv)
