/* baseline.h: the hand-written state machines of W1, W3 and W3L (baseline.c). */
#ifndef BENCH_BASELINE_H
#define BENCH_BASELINE_H
#include "work.h"   /* Leaf, ait.h */

int base_w1_block_on(ait_rt *rt, uint64_t *out, Leaf *leaf, uint64_t n);
int base_w3_block_on(ait_rt *rt, uint64_t *out, Leaf *leaf, uint64_t n);
int base_w3l_block_on(ait_rt *rt, uint64_t *out, Leaf *leaf, uint64_t n);

#endif
