/* join.c: the join futures of task handles.
 *
 * ait_join (AIT_ERROR-style: the task's error fails the awaiting future)
 * and ait_task_join (errno-style: the error is the int output), both over
 * one helper. The join waker lives in the task, handed over and taken
 * back with the JOIN_WAKER bit of its state word (task.c); the task's
 * completion (on whatever thread) sets COMPLETE and wakes it if it was
 * handed over, so a join never misses the completion and reads the output
 * only after COMPLETE is visible (the atomic state orders it).
 */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"

#include <errno.h>
#include <string.h>

int ait__task_take_result(ait_task *t, void *out) {
    int err = ait__task_error(t);
    if (err == 0 && out && t->vt->out_size)
        memcpy(out, ait__task_out(t), t->vt->out_size);
    ait_task_detach(t);
    return err;
}

/* ---- ait_join ------------------------------------------------------------ */

void ait_join_init(ait_join_frame *f, ait_task *t) { f->task = t; }

ait_poll ait_join_poll(ait_join_frame *f, ait_cx *cx, void *out) {
    ait_task *t = f->task;
    if (!t)
        return ait_fail(cx, AIT_EPOISONED);
    if (!ait__task_join_register(t, cx))
        return AIT_PENDING;
    f->task = NULL;
    int err = ait__task_take_result(t, out);
    return err ? ait_fail(cx, err) : AIT_READY;
}

void ait_join_drop(ait_join_frame *f) {
    ait_task_detach(f->task);
    f->task = NULL;
}

static ait_poll join_poll_erased(void *f, ait_cx *cx, void *out) {
    return ait_join_poll(f, cx, out);
}

int ait_join_block_on(ait_rt *rt, void *out, ait_task *t) {
    ait_join_frame f;
    ait_join_init(&f, t);
    int rc = ait_block_on(rt, &f, join_poll_erased, out);
    ait_join_drop(&f);
    return rc;
}

/* ---- ait_task_join: errno style -------------------------------------------- */

void ait_task_join_init(ait_task_join_frame *f, ait_task *task, void *out) {
    f->task = task;
    f->out = out;
}

ait_poll ait_task_join_poll(ait_task_join_frame *f, ait_cx *cx, ait_task_join_output *out) {
    ait_task *t = f->task;
    if (!t)
        return ait_fail(cx, AIT_EPOISONED);
    if (!ait__task_join_register(t, cx))
        return AIT_PENDING;
    f->task = NULL;
    int err = ait__task_take_result(t, f->out);
    if (out)
        *out = err;
    return AIT_READY;
}

void ait_task_join_drop(ait_task_join_frame *f) {
    ait_task_detach(f->task);
    f->task = NULL;
}

static ait_poll task_join_poll_erased(void *f, ait_cx *cx, void *out) {
    return ait_task_join_poll(f, cx, out);
}

int ait_task_join_block_on(ait_rt *rt, ait_task_join_output *out, ait_task *task,
                           void *result) {
    if (!rt && task) {
        rt = ait__task_rt(task);
        /* Freed already: the task is finished (cancelled, or done before),
         * and a temporary runtime reads its result. */
        if (atomic_load_explicit(&rt->closed, memory_order_acquire))
            rt = NULL;
    }
    ait_task_join_frame f;
    ait_task_join_output o;
    ait_task_join_init(&f, task, result);
    int rc = ait_block_on(rt, &f, task_join_poll_erased, out ? out : &o);
    ait_task_join_drop(&f);
    return rc;
}
