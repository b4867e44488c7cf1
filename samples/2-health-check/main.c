/* main.c: sample 2, health checks through a default async method.
 *
 * Runs the report over three services, then shows what dropping an
 * in-flight check does: the probe's pending defer closes its connection. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "health.h"

static void must(int rc, const char *what) {
    if (rc < 0) {
        fprintf(stderr, "%s: runtime error %d\n", what, rc);
        exit(1);
    }
}

int main(void) {
    ait_rt *rt = ait_rt_new(NULL);
    if (rt == NULL) {
        fprintf(stderr, "cannot create a runtime\n");
        return 1;
    }
    CacheService cache;
    DbService db;
    QueueService queue;
    memset(&cache, 0, sizeof cache);
    memset(&db, 0, sizeof db);
    memset(&queue, 0, sizeof queue);
    db.warmup = 2;
    queue.timeout_ms = 3;

    printf("health report:\n");
    int down = 0;
    must(health_report_block_on(rt, &down, &cache, &db, &queue), "health_report");
    printf("services down: %d\n", down);

    /* A default method is an ordinary static future of each impl. Poll
     * DbService_check by hand once: it stops inside probe, connection open. */
    DbService_check_frame frame;
    DbService_check_output probes = 0;
    DbService_check_init(&frame, &db, 1, 0);
    ait_poll p = DbService_check_poll(&frame, ait_cx_noop(), &probes);
    printf("db check polled once: %s, open connections %d\n",
           p == AIT_PENDING ? "pending" : "not pending", db.open);
    DbService_check_drop(&frame);           /* cancel: runs the pending defer */
    printf("db check dropped: open connections %d, probes %d\n", db.open, db.probes);

    must(DbService_check_block_on(rt, &probes, &db, 1, 0), "check");
    printf("db: healthy after %d probe(s), open connections %d\n", probes, db.open);

    ait_rt_free(rt);
    return 0;
}
