/* deadline.c: ait_deadline, a timeout that moves (an idle-connection
 * timeout), and its future ait_deadline_wait.
 *
 * select(read, ait_sleep_ms(idle)) per wait registers a timer in the
 * runtime's heap and cancels it again, two trips under the runtime's lock
 * per request. A deadline instead owns one timer entry for its whole
 * life: ait_deadline_reset only moves `at` (a clock read and a store), and
 * the entry, armed for an earlier time, fires early; the wait then sees
 * that `at` moved and re-arms it once. So a busy connection touches the
 * timer heap about once per idle period, not once per request.
 *
 * The waker: the entry holds a clone of the waker it was armed with (the
 * heap's owner wakes it under the runtime's lock, as for any timer). The
 * deadline remembers which waker that was (`wk`, no reference), so a
 * poll from the same task costs no lock: armed, not fired, same waker:
 * pending. t->fired (set by whoever takes the entry out of the heap) is
 * the only field both sides look at.
 */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"

static uint64_t after_ms(uint64_t ms) {
    uint64_t now = ait_now_ns();
    return ms > (UINT64_MAX - 1 - now) / 1000000u ? UINT64_MAX - 1 : now + ms * 1000000u;
}

void ait_deadline_init(ait_deadline *d, uint64_t ms) {
    d->ms = ms;
    d->at = after_ms(ms);
    d->timer = NULL;
    d->wk.vt = NULL;
    d->wk.data = NULL;
}

void ait_deadline_reset(ait_deadline *d) { d->at = after_ms(d->ms); }

bool ait_deadline_expired(const ait_deadline *d) { return ait_now_ns() >= d->at; }

static void disarm(ait_deadline *d) {
    if (d->timer) {
        ait__timer_cancel(d->timer);
        d->timer = NULL;
    }
    d->wk.vt = NULL;
    d->wk.data = NULL;
}

void ait_deadline_free(ait_deadline *d) { disarm(d); }

/* ---- ait_deadline_wait --------------------------------------------------------- */

void ait_deadline_wait_init(ait_deadline_wait_frame *f, ait_deadline *d) { f->d = d; }

ait_poll ait_deadline_wait_poll(ait_deadline_wait_frame *f, ait_cx *cx,
                                ait_deadline_wait_output *out) {
    ait_deadline *d = f->d;
    ait_timer *t = d->timer;
    /* Armed for a time not after `at`, by this waker, not fired: nothing
     * to look at (not even the clock). */
    if (t && t->rt == cx->rt && !atomic_load_explicit(&t->fired, memory_order_acquire) &&
        ait_waker_will_wake(&d->wk, &cx->waker))
        return AIT_PENDING;
    if (ait_now_ns() >= d->at) {
        if (out)
            *out = 0;
        return AIT_READY;
    }
    if (!cx->rt)
        return AIT_PENDING;     /* no runtime: the caller polls again */
    disarm(d);                  /* fired early (`at` moved), or another waker */
    t = NULL;
    int rc = ait__timer_register(cx->rt, &t, d->at, &cx->waker);
    if (rc < 0)
        return ait_fail(cx, rc);
    d->timer = t;
    d->wk = cx->waker;
    return AIT_PENDING;
}

void ait_deadline_wait_drop(ait_deadline_wait_frame *f) { (void)f; }

AIT__DEFINE_BLOCK_ON(ait_deadline_wait, AIT__PARAMS_AFTER(ait_deadline *d),
                     AIT__PARAMS_AFTER(d))
