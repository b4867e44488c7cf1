#include <stdio.h>
#include "t.h"

int main(void) {
    printf("passthrough line: %d\n", passthrough_line());
    int r = 0;
    lines_block_on(NULL, &r);
    printf("return line: %d\n", r);
    await_line_block_on(NULL, &r);
    printf("await lines: %d %d\n", r / 100, r % 100);
    return 0;
}
