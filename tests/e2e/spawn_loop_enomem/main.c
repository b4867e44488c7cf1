#define _POSIX_C_SOURCE 200809L
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "loop.h"

static atomic_long allocs, frees, fail_after = -1;

static void *alloc(void *ud, size_t size, size_t align) {
    (void)ud;
    if (fail_after >= 0 && atomic_load(&allocs) >= fail_after)
        return NULL;
    void *p = NULL;
    if (align < sizeof(void *))
        align = sizeof(void *);
    if (posix_memalign(&p, align, size) != 0)
        return NULL;
    atomic_fetch_add(&allocs, 1);
    return p;
}
static void release(void *ud, void *p, size_t size, size_t align) {
    (void)ud;
    (void)size;
    (void)align;
    atomic_fetch_add(&frees, 1);
    free(p);
}

int main(void) {
    ait_allocator a = { alloc, release, NULL };
    ait_set_allocator(&a);
    for (int which = 0; which < 2; which++) {
        int ok = 0, failed = 0, leaks = 0;
        for (long k = 0; k < 40; k++) {
            ait_rt *rt = ait_rt_new(&(ait_rt_config){ .workers = 2 });
            if (!rt)
                return 1;
            atomic_store(&allocs, 0);
            atomic_store(&frees, 0);
            atomic_store(&fail_after, k);
            int sum = 0;
            int rc = which ? with_group_block_on(rt, &sum) : with_handles_block_on(rt, &sum);
            ait_rt_free(rt);
            atomic_store(&fail_after, -1);
            if (rc == 0 && sum == 12)
                ok++;
            else
                failed++;
            if (atomic_load(&allocs) != atomic_load(&frees))
                leaks++;
        }
        printf("%s: some runs failed: %s, some succeeded: %s, leaks: %d\n",
               which ? "group" : "handles", failed ? "yes" : "no", ok ? "yes" : "no", leaks);
    }
    return 0;
}
