/* prelude.c: the leaf futures aitc always knows: ait_yield, ait_sleep_ms. */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"

/* ---- ait_yield ----------------------------------------------------------- */

void ait_yield_init(ait_yield_frame *f) { f->state = 0; }

ait_poll ait_yield_poll(ait_yield_frame *f, ait_cx *cx, ait_yield_output *out) {
    switch (f->state) {
    case 0:
        f->state = 1;
        ait_waker_wake_by_ref(&cx->waker);
        return AIT_PENDING;
    case 1:
        f->state = 2;
        if (out)
            out->unused_ = 0;
        return AIT_READY;
    default:
        return ait_fail(cx, AIT_EPOISONED);
    }
}

void ait_yield_drop(ait_yield_frame *f) { (void)f; }

AIT__DEFINE_BLOCK_ON(ait_yield, AIT__NOTHING(), AIT__NOTHING())

/* ---- ait_sleep_ms ---------------------------------------------------------- */

/* deadline_ns: 0 before the first poll, DONE after completion. */
#define DONE UINT64_MAX

void ait_sleep_ms_init(ait_sleep_ms_frame *f, uint64_t ms) {
    f->ms = ms;
    f->deadline_ns = 0;
    f->timer = NULL;
}

static void sleep_cancel(ait_sleep_ms_frame *f) {
    if (f->timer) {
        ait__timer_cancel(f->timer);
        f->timer = NULL;
    }
}

ait_poll ait_sleep_ms_poll(ait_sleep_ms_frame *f, ait_cx *cx, ait_sleep_ms_output *out) {
    if (f->deadline_ns == DONE)
        return ait_fail(cx, AIT_EPOISONED);
    uint64_t now = ait_now_ns();
    if (f->deadline_ns == 0) {
        uint64_t d = f->ms > (DONE - 1 - now) / 1000000u ? DONE - 1 : now + f->ms * 1000000u;
        f->deadline_ns = d ? d : 1;
    }
    if (now >= f->deadline_ns) {
        sleep_cancel(f);
        f->deadline_ns = DONE;
        if (out)
            out->unused_ = 0;
        return AIT_READY;
    }
    if (!cx->rt)
        return AIT_PENDING;     /* no runtime: the caller polls again */
    ait_timer *t = f->timer;
    int rc = ait__timer_register(cx->rt, &t, f->deadline_ns, &cx->waker);
    f->timer = t;
    if (rc < 0)
        return ait_fail(cx, rc);
    return AIT_PENDING;
}

void ait_sleep_ms_drop(ait_sleep_ms_frame *f) { sleep_cancel(f); }

AIT__DEFINE_BLOCK_ON(ait_sleep_ms, AIT__PARAMS_AFTER(uint64_t ms),
                     AIT__PARAMS_AFTER(ms))
