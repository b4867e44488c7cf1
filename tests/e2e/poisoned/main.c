#include <stdio.h>
#include "t.h"

static const char *name(ait_poll p) {
    return p == AIT_READY ? "READY" : p == AIT_PENDING ? "PENDING" : "ERROR";
}

int main(void) {
    Cnt c = { 0 };
    int out = 0;
    ait_cx *cx;
    ait_poll p;

    once_frame f;
    once_init(&f, &c);
    int polls = 0;
    do {
        p = once_poll(&f, ait_cx_noop(), &out);
        polls++;
    } while (p == AIT_PENDING);
    printf("once: %s after %d polls, out=%d\n", name(p), polls, out);
    for (int i = 0; i < 2; i++) {
        out = -1;
        cx = ait_cx_noop();
        p = once_poll(&f, cx, &out);
        printf("again: %s error=%d out=%d\n", name(p), ait_cx_error(cx), out);
    }
    once_drop(&f);

    Cnt_bump_frame m;
    Cnt_bump_init(&m, &c);
    while ((p = Cnt_bump_poll(&m, ait_cx_noop(), &out)) == AIT_PENDING) {}
    cx = ait_cx_noop();
    p = Cnt_bump_poll(&m, cx, &out);
    printf("method again: %s error=%d n=%d\n", name(p), ait_cx_error(cx), c.n);
    Cnt_bump_drop(&m);

    Bump_bump_dyn_frame d;
    Bump_bump_dyn_init(&d, Cnt_as_Bump(&c));
    while ((p = Bump_bump_dyn_poll(&d, ait_cx_noop(), &out)) == AIT_PENDING) {}
    printf("dyn: %s out=%d\n", name(p), out);
    cx = ait_cx_noop();
    p = Bump_bump_dyn_poll(&d, cx, &out);
    printf("dyn again: %s error=%d n=%d\n", name(p), ait_cx_error(cx), c.n);
    Bump_bump_dyn_drop(&d);
    printf("EPOISONED=%d\n", AIT_EPOISONED);
    return 0;
}
