#include <stdio.h>
#include "lookup.h"

/* Under ASan: report a frame used after its function returned. */
const char *__asan_default_options(void);
const char *__asan_default_options(void) {
    return "detect_stack_use_after_return=1:detect_leaks=1";
}

int main(void) {
    char name[32] = "";
    int r = 0;
    /* The timeout wins: the frame (and job) are gone while the job runs. */
    for (int i = 0; i < 3; i++) {
        int rc = lookup_block_on(NULL, &r, 7, 50, 1, name);
        printf("timed out: rc %d, %d\n", rc, r);
    }
    ait_blocking_shutdown();        /* the jobs finish, with their own copies */
    int rc = lookup_block_on(NULL, &r, 21, 1, 10000, name);
    printf("in time: rc %d, %d, %s\n", rc, r, name);
    return 0;
}
