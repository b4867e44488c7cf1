#include <stdio.h>
#include "echo.h"

int main(void) {
    int r = 0;
    int rc = echo_test_block_on(NULL, &r, "127.0.0.1", 5);
    printf("127.0.0.1: rc %d, echoed %d\n", rc, r);
    rc = echo_test_block_on(NULL, &r, "localhost", 3);
    printf("localhost: rc %d, echoed %d\n", rc, r);
    char got[64] = "";
    rc = shout_test_block_on(NULL, &r, got, sizeof got);
    printf("shout: rc %d, flushes %d\n%s", rc, r, got);
    return 0;
}
