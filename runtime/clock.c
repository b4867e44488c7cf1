/* clock.c: the monotonic clock. */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"

#include <limits.h>
#include <time.h>

uint64_t ait_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int ait__ms_until(uint64_t deadline) {
    uint64_t now = ait_now_ns();
    if (deadline <= now)
        return 0;
    uint64_t ms = (deadline - now + 999999u) / 1000000u;   /* never early */
    return ms > INT_MAX ? INT_MAX : (int)ms;
}
