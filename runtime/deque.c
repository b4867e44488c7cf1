/* deque.c: a worker's local run queue, lock-free, with work stealing.
 *
 * A bounded ring of AIT_LQ_CAP task pointers (the algorithm of tokio's
 * local queue). Only its owner (the worker thread) pushes, at the tail,
 * and pops, at the head: the queue is FIFO for its owner, so a task that
 * keeps waking itself goes behind the others instead of starving them.
 * Other workers steal half of it, also from the head.
 *
 *   tail   u32, written by the owner only (release), read by thieves
 *          (acquire) to learn which slots hold tasks.
 *   head   u64 = (steal << 32) | real. `real` is the next slot to pop;
 *          `steal` trails it while a thief is copying slots [steal, real)
 *          out, and equals it otherwise. The owner never overwrites a slot
 *          at or after `steal` (the ring is full when tail - steal == CAP),
 *          so a thief may copy its claimed slots without holding anything.
 *
 * A thief claims a batch with one CAS that advances `real` (keeping
 * `steal`), copies the slots into its own queue, then releases the claim
 * with a CAS that sets `steal = real`. One thief at a time per queue: a
 * second one sees steal != real and looks elsewhere. The owner's pop is a
 * CAS on head too (it races with thieves on the same word). Slots are
 * atomics accessed relaxed; ordering comes from the release store of tail
 * and the acq_rel CASes of head, so a task's fields written before it was
 * pushed are visible to whoever pops or steals it.
 *
 * When the ring is full, push moves half of it (plus the new task) to an
 * overflow list that the caller hands to the runtime's injector queue.
 */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"

#define MASK (AIT_LQ_CAP - 1u)

static uint32_t real_of(uint64_t h) { return (uint32_t)h; }
static uint32_t steal_of(uint64_t h) { return (uint32_t)(h >> 32); }
static uint64_t pack(uint32_t steal, uint32_t real) {
    return ((uint64_t)steal << 32) | real;
}

void ait__lq_init(ait_lqueue *q) {
    atomic_init(&q->head, 0);
    atomic_init(&q->tail, 0);
    for (unsigned i = 0; i < AIT_LQ_CAP; i++)
        atomic_init(&q->buf[i], NULL);
}

bool ait__lq_push(ait_lqueue *q, ait_task *t, ait_task_queue *overflow) {
    for (;;) {
        uint64_t h = atomic_load_explicit(&q->head, memory_order_acquire);
        uint32_t steal = steal_of(h), real = real_of(h);
        uint32_t tail = atomic_load_explicit(&q->tail, memory_order_relaxed);
        if (tail - steal < AIT_LQ_CAP) {
            atomic_store_explicit(&q->buf[tail & MASK], t, memory_order_relaxed);
            atomic_store_explicit(&q->tail, tail + 1, memory_order_release);
            return true;
        }
        if (steal != real) {
            /* Full, and a thief is copying out: room soon, but not now. */
            ait__queue_push(overflow, t);
            return false;
        }
        /* Full: claim the older half for the injector. A thief may have
         * claimed some meanwhile; then there is room, try again. */
        uint32_t n = AIT_LQ_CAP / 2;
        if (!atomic_compare_exchange_strong_explicit(&q->head, &h, pack(real + n, real + n),
                                                     memory_order_acq_rel,
                                                     memory_order_acquire))
            continue;
        for (uint32_t i = 0; i < n; i++)
            ait__queue_push(overflow, atomic_load_explicit(&q->buf[(real + i) & MASK],
                                                           memory_order_relaxed));
        ait__queue_push(overflow, t);
        return false;
    }
}

ait_task *ait__lq_pop(ait_lqueue *q) {
    uint64_t h = atomic_load_explicit(&q->head, memory_order_acquire);
    for (;;) {
        uint32_t steal = steal_of(h), real = real_of(h);
        uint32_t tail = atomic_load_explicit(&q->tail, memory_order_relaxed);
        if (real == tail)
            return NULL;
        uint32_t next = real + 1;
        /* No thief: both halves advance; a thief copying: only real. */
        uint64_t nh = steal == real ? pack(next, next) : pack(steal, next);
        if (atomic_compare_exchange_weak_explicit(&q->head, &h, nh, memory_order_acq_rel,
                                                  memory_order_acquire))
            return atomic_load_explicit(&q->buf[real & MASK], memory_order_relaxed);
    }
}

size_t ait__lq_len(ait_lqueue *q) {
    uint64_t h = atomic_load_explicit(&q->head, memory_order_acquire);
    uint32_t tail = atomic_load_explicit(&q->tail, memory_order_acquire);
    return (size_t)(uint32_t)(tail - real_of(h));
}

ait_task *ait__lq_steal(ait_lqueue *src, ait_lqueue *dst) {
    /* dst is the caller's own queue: only it pushes there. */
    uint32_t dtail = atomic_load_explicit(&dst->tail, memory_order_relaxed);
    uint64_t dh = atomic_load_explicit(&dst->head, memory_order_acquire);
    if (dtail - steal_of(dh) > AIT_LQ_CAP / 2)
        return NULL;                    /* no room for a batch: it has work anyway */

    uint64_t h = atomic_load_explicit(&src->head, memory_order_acquire);
    uint32_t first, n;
    for (;;) {
        uint32_t steal = steal_of(h), real = real_of(h);
        if (steal != real)
            return NULL;                /* another thief is at work here */
        uint32_t tail = atomic_load_explicit(&src->tail, memory_order_acquire);
        n = tail - real;
        n -= n / 2;                     /* half, rounded up */
        if (n == 0)
            return NULL;
        if (n > AIT_LQ_CAP / 2)
            n = AIT_LQ_CAP / 2;
        if (atomic_compare_exchange_weak_explicit(&src->head, &h, pack(steal, real + n),
                                                  memory_order_acq_rel,
                                                  memory_order_acquire)) {
            first = real;
            break;
        }
    }
    for (uint32_t i = 0; i < n; i++) {
        ait_task *t = atomic_load_explicit(&src->buf[(first + i) & MASK], memory_order_relaxed);
        atomic_store_explicit(&dst->buf[(dtail + i) & MASK], t, memory_order_relaxed);
    }
    /* Release the claim: steal catches up with real (which the owner may
     * have advanced meanwhile by popping). */
    uint64_t cur = pack(first, first + n);
    for (;;) {
        uint32_t real = real_of(cur);
        if (atomic_compare_exchange_weak_explicit(&src->head, &cur, pack(real, real),
                                                  memory_order_acq_rel,
                                                  memory_order_acquire))
            break;
    }
    /* The last one stolen is returned to run at once; the rest become
     * visible in dst. */
    n--;
    ait_task *ret = atomic_load_explicit(&dst->buf[(dtail + n) & MASK], memory_order_relaxed);
    if (n)
        atomic_store_explicit(&dst->tail, dtail + n, memory_order_release);
    return ret;
}
