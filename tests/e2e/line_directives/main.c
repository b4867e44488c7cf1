#include <stdio.h>
#include "t.h"

int main(void) {
    printf("passthrough line: %d\n", passthrough_line());
    int r = 0;
    lines_block_on(NULL, &r);
    printf("return line: %d\n", r);
    await_line_block_on(NULL, &r);
    printf("await lines: %d %d\n", r / 100, r % 100);
    int seen[2] = { 0, 0 };
    defer_lines_block_on(NULL, &r, seen);
    printf("defer lines at return: %d %d\n", seen[0], seen[1]);
    seen[0] = seen[1] = 0;
    defer_lines_frame f;
    defer_lines_init(&f, seen);
    ait_poll p = defer_lines_poll(&f, ait_cx_noop(), &r);   /* suspends at the yield */
    defer_lines_drop(&f);
    printf("defer lines at drop: %d %d (%s)\n", seen[0], seen[1],
           p == AIT_PENDING ? "pending" : "not pending");
    return 0;
}
