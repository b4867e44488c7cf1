/* waker.c: waker helpers, the noop waker and the noop context. */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"

static void noop_wake(void *data) { (void)data; }
static void *noop_clone(void *data) { return data; }

static const ait_waker_vtable noop_vt = {
    noop_wake, noop_wake, noop_clone, noop_wake
};

ait_waker ait_waker_noop(void) {
    ait_waker w = { &noop_vt, NULL };
    return w;
}

ait_waker ait_waker_clone(const ait_waker *w) {
    ait_waker c = { w->vt, NULL };
    if (w->vt)
        c.data = w->vt->clone(w->data);
    return c;
}

void ait_waker_wake(ait_waker w) {
    if (w.vt)
        w.vt->wake(w.data);
}

void ait_waker_wake_by_ref(const ait_waker *w) {
    if (w->vt)
        w->vt->wake_by_ref(w->data);
}

void ait_waker_drop(ait_waker w) {
    if (w.vt)
        w.vt->drop(w.data);
}

bool ait_waker_will_wake(const ait_waker *a, const ait_waker *b) {
    return a->vt == b->vt && a->data == b->data;
}

static _Thread_local ait_cx noop_cx;

ait_cx *ait_cx_noop(void) {
    noop_cx.waker = ait_waker_noop();
    noop_cx.rt = NULL;
    noop_cx.error = 0;
    return &noop_cx;
}
