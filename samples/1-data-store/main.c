/* main.c: sample 1, an in-memory key-value store called statically.
 *
 * Plain C driving the futures that aitc generated from store.ait: whole
 * async functions with F_block_on, and one method polled by hand. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

static const char *const defaults[] = {
    "region", "eu-west-1",
    "retries", "3",
    "timeout_ms", "250",
};

static const char *const more[] = {
    "a", "1", "b", "2", "c", "3", "d", "4", "e", "5", "f", "6",
};

/* block_on fails only when the runtime does (no memory, cancelled). */
static void must(int rc, const char *what) {
    if (rc < 0) {
        fprintf(stderr, "%s: runtime error %d\n", what, rc);
        exit(1);
    }
}

static void show(ait_rt *rt, MemStore *store, const char *key) {
    const char *value = NULL;
    must(MemStore_get_block_on(rt, &value, store, key), "get");
    printf("get %s -> %s\n", key, value != NULL ? value : "(none)");
}

int main(void) {
    ait_rt *rt = ait_rt_new(NULL);          /* a current-thread runtime */
    if (rt == NULL) {
        fprintf(stderr, "cannot create a runtime\n");
        return 1;
    }
    MemStore store;
    memset(&store, 0, sizeof store);

    /* A free async function, run to completion. */
    int loaded = 0;
    must(store_load_block_on(rt, &loaded, &store, defaults, 3), "load");
    printf("loaded %d settings, size %d\n", loaded, MemStore_size(&store));
    show(rt, &store, "retries");
    show(rt, &store, "colour");

    /* The protocol by hand: init captures the arguments and runs nothing;
     * each poll advances to the next await. set suspends once (its
     * ait_yield), so the first poll is pending and the second ready. */
    MemStore_set_frame frame;
    MemStore_set_output result = -1;
    MemStore_set_init(&frame, &store, "retries", "5");
    ait_poll p = MemStore_set_poll(&frame, ait_cx_noop(), &result);
    printf("set retries=5: first poll %s\n", p == AIT_PENDING ? "pending" : "not pending");
    p = MemStore_set_poll(&frame, ait_cx_noop(), &result);
    printf("set retries=5: second poll %s, result %d\n",
           p == AIT_READY ? "ready" : "not ready", result);
    MemStore_set_drop(&frame);
    show(rt, &store, "retries");

    /* store_rename awaits get, set and erase in turn. */
    int rc = 0;
    must(store_rename_block_on(rt, &rc, &store, "timeout_ms", "timeout"), "rename");
    printf("rename timeout_ms -> timeout: %d\n", rc);
    show(rt, &store, "timeout");
    show(rt, &store, "timeout_ms");
    must(store_rename_block_on(rt, &rc, &store, "colour", "color"), "rename");
    printf("rename colour -> color: %s\n", rc == -ENOENT ? "-ENOENT" : "unexpected");

    /* try: the load stops at the first set that fails. */
    must(store_load_block_on(rt, &rc, &store, more, 6), "load");
    printf("load 6 more: %s, size %d\n", rc == -ENOSPC ? "-ENOSPC" : "unexpected",
           MemStore_size(&store));

    printf("keys:");
    for (int i = 0; i < store.len; i++)
        printf(" %s=%s", store.slots[i].key, store.slots[i].value);
    printf("\nround trips: %u\n", store.round_trips);

    ait_rt_free(rt);
    return 0;
}
