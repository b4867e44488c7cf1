#include <errno.h>
#include <stdio.h>
#include "t.h"

int main(void) {
    Svc svc = { 9 };
    int r = -1;
    printf("ok run:\n");
    int rc = top_block_on(NULL, &r, Svc_as_Step(&svc), 0);
    printf("rc=%d r=%d\n", rc, r);

    printf("failing run:\n");
    r = -1;
    rc = top_block_on(NULL, &r, Svc_as_Step(&svc), -EIO);
    printf("rc=%d (-EIO=%d) r=%d\n", rc, -EIO, r);

    printf("by hand:\n");
    top_frame f;
    top_init(&f, Svc_as_Step(&svc), -ENOSPC);
    ait_cx *cx = ait_cx_noop();
    ait_poll p;
    int polls = 0;
    do {
        p = top_poll(&f, cx, &r);
        polls++;
    } while (p == AIT_PENDING);
    printf("poll %d: %s error=%d\n", polls, p == AIT_ERROR ? "ERROR" : "other", ait_cx_error(cx));
    cx = ait_cx_noop();
    p = top_poll(&f, cx, &r);
    printf("again: %s error=%d (EPOISONED=%d)\n", p == AIT_ERROR ? "ERROR" : "other",
           ait_cx_error(cx), AIT_EPOISONED);
    top_drop(&f);
    printf("dropped\n");
    return 0;
}
