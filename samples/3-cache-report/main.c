/* main.c: sample 3, one generic report over two cache implementations.
 *
 * report<C: Cache> was instantiated by aitc for each impl it saw:
 * report_HitCache and report_MissCache. Same source, two static futures. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"

static const char *const keys[] = { "user:1", "user:2", "user:3", "user:9" };
enum { NKEYS = sizeof keys / sizeof keys[0] };

static void must(int rc, const char *what) {
    if (rc < 0) {
        fprintf(stderr, "%s: runtime error %d\n", what, rc);
        exit(1);
    }
}

static void warm_pass(ait_rt *rt, HitCache *hot) {
    for (int i = 0; i < NKEYS; i++) {
        int r = 0;
        must(report_HitCache_block_on(rt, &r, hot, keys[i]), "report");
        if (r < 0)
            printf("  %-7s error %d\n", keys[i], r);
    }
}

int main(void) {
    ait_rt *rt = ait_rt_new(NULL);
    if (rt == NULL) {
        fprintf(stderr, "cannot create a runtime\n");
        return 1;
    }
    HitCache hot;
    MissCache cold;
    memset(&hot, 0, sizeof hot);
    memset(&cold, 0, sizeof cold);

    /* Methods are futures too: prime the warm cache (out may be NULL). */
    must(HitCache_store_block_on(rt, NULL, &hot, "user:1", "Ada"), "store");
    must(HitCache_store_block_on(rt, NULL, &hot, "user:2", "Grace"), "store");

    printf("warm cache:\n");
    warm_pass(rt, &hot);

    printf("cold cache:\n");
    for (int i = 0; i < NKEYS; i++) {
        int r = 0;
        must(report_MissCache_block_on(rt, &r, &cold, keys[i]), "report");
        if (r < 0)
            printf("  %-7s error %d\n", keys[i], r);
    }

    printf("warm cache again:\n");
    warm_pass(rt, &hot);

    printf("warm: %d hits, %d misses, %d entries\n", hot.hits, hot.misses, hot.len);
    printf("cold: %d misses, %d stores dropped\n", cold.misses, cold.dropped);

    ait_rt_free(rt);
    return 0;
}
