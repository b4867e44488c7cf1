#include <stdio.h>
#include <stdlib.h>
#include "big.h"

static int budget;              /* allocations left before failing */
static long live;               /* blocks handed out and not freed */

static void *counting_alloc(void *ud, size_t size, size_t align) {
    (void)ud;
    (void)align;                /* malloc's alignment suffices here */
    if (budget <= 0)
        return NULL;
    budget--;
    live++;
    return malloc(size);
}

static void counting_free(void *ud, void *p, size_t size, size_t align) {
    (void)ud;
    (void)size;
    (void)align;
    live--;
    free(p);
}

int main(void) {
    ait_allocator a = { counting_alloc, counting_free, NULL };
    ait_set_allocator(&a);
    Huge h = { 100 };
    Work_dyn w = Huge_as_Work(&h);
    int r = -1;

    printf("no budget:\n");
    budget = 0;
    int rc = top_block_on(NULL, &r, w, 3);
    printf("rc=%d (AIT_ENOMEM=%d) r=%d live=%ld\n", rc, AIT_ENOMEM, r, live);

    printf("budget 2:\n");
    budget = 2;
    r = -1;
    rc = top_block_on(NULL, &r, w, 3);
    printf("rc=%d r=%d live=%ld\n", rc, r, live);

    printf("enough:\n");
    budget = 10;
    rc = top_block_on(NULL, &r, w, 2);
    printf("rc=%d r=%d live=%ld\n", rc, r, live);

    /* the inline (Tiny) path needs no allocation at all */
    Tiny t = { 1 };
    budget = 0;
    rc = top_block_on(NULL, &r, Tiny_as_Work(&t), 2);
    printf("tiny: rc=%d r=%d live=%ld\n", rc, r, live);
    ait_set_allocator(NULL);
    return 0;
}
