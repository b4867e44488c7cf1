/* baseline.c: W1, W3 and W3L written by hand, the limit the generated code is
 * held against.
 *
 * The same protocol as aitc's output (ait_poll, ait_cx, frames that hold
 * what must survive a suspension, a switch on the state to resume), the same
 * leaf (one asm barrier per call, as in work.ait), written the way a careful
 * C programmer writes a state machine: a frame struct, an init, a poll that
 * handles PENDING and ERROR, and nothing else (no poisoned-state check, no
 * drop of a finished sub-frame, which has nothing to release).
 */
#include "baseline.h"

static inline uint64_t bb(uint64_t v) {
    __asm__ volatile("" : "+r"(v));
    return v;
}

/* ---- the leaf: n += x; return n ---------------------------------------- */

typedef struct hleaf_frame {
    Leaf *self;
    uint64_t x;
} hleaf_frame;

static inline void hleaf_init(hleaf_frame *f, Leaf *self, uint64_t x) {
    f->self = self;
    f->x = x;
}

static inline ait_poll hleaf_poll(hleaf_frame *f, ait_cx *cx, uint64_t *out) {
    (void)cx;
    f->self->n += bb(f->x);
    *out = f->self->n;
    return AIT_READY;
}

/* ---- the chain: mid and top add one to what they await ------------------- */

typedef struct hmid_frame {
    Leaf *leaf;
    hleaf_frame sub;
} hmid_frame;

static inline void hmid_init(hmid_frame *f, Leaf *leaf, uint64_t x) {
    f->leaf = leaf;
    hleaf_init(&f->sub, leaf, x);
}

static inline ait_poll hmid_poll(hmid_frame *f, ait_cx *cx, uint64_t *out) {
    uint64_t r;
    ait_poll p = hleaf_poll(&f->sub, cx, &r);
    if (p != AIT_READY)
        return p;
    *out = r + 1;
    return AIT_READY;
}

typedef struct htop_frame {
    hmid_frame sub;
} htop_frame;

static inline void htop_init(htop_frame *f, Leaf *leaf, uint64_t x) { hmid_init(&f->sub, leaf, x); }

static inline ait_poll htop_poll(htop_frame *f, ait_cx *cx, uint64_t *out) {
    uint64_t r;
    ait_poll p = hmid_poll(&f->sub, cx, &r);
    if (p != AIT_READY)
        return p;
    *out = r + 1;
    return AIT_READY;
}

/* ---- the loops ------------------------------------------------------------ */

#define LOOP(NAME, SUBT, SUBINIT, SUBPOLL)                                      \
    typedef struct NAME##_frame {                                               \
        int state;                                                              \
        Leaf *leaf;                                                             \
        uint64_t n, i, s;                                                       \
        SUBT sub;                                                               \
    } NAME##_frame;                                                             \
    static ait_poll NAME##_poll(NAME##_frame *f, ait_cx *cx, uint64_t *out) {   \
        switch (f->state) {                                                     \
        case 0:                                                                 \
            break;                                                              \
        case 1:                                                                 \
            goto s1;                                                            \
        default:                                                                \
            return ait_fail(cx, AIT_EPOISONED);                                 \
        }                                                                       \
        for (f->s = 0, f->i = 0; f->i < f->n; f->i++) {                         \
            SUBINIT(&f->sub, f->leaf, f->i);                                    \
            f->state = 1;                                                       \
        s1:;                                                                    \
            uint64_t r;                                                         \
            ait_poll p = SUBPOLL(&f->sub, cx, &r);                              \
            if (p == AIT_PENDING)                                               \
                return AIT_PENDING;                                             \
            if (p == AIT_ERROR) {                                               \
                f->state = -1;                                                  \
                return AIT_ERROR;                                               \
            }                                                                   \
            f->s += r;                                                          \
        }                                                                       \
        *out = f->s;                                                            \
        f->state = -1;                                                          \
        return AIT_READY;                                                       \
    }                                                                           \
    static ait_poll NAME##_poll_any(void *f, ait_cx *cx, void *out) {           \
        return NAME##_poll(f, cx, out);                                         \
    }                                                                           \
    int NAME##_block_on(ait_rt *rt, uint64_t *out, Leaf *leaf, uint64_t n) {    \
        NAME##_frame f = { .state = 0, .leaf = leaf, .n = n };                  \
        return ait_block_on(rt, &f, NAME##_poll_any, out);                      \
    }

LOOP(base_w1, hleaf_frame, hleaf_init, hleaf_poll)
LOOP(base_w3, htop_frame, htop_init, htop_poll)

/* ---- W3L: the chain in a loop that keeps state --------------------------
 * Each layer keeps k (x ^ 1) across the inner call; the loop keeps its
 * counter, accumulator and k. A hand-written machine holds them in the
 * frame, as it must for whatever survives a suspension. */

typedef struct hlmid_frame {
    int state;
    Leaf *leaf;
    uint64_t x, k;
    hleaf_frame sub;
} hlmid_frame;

static inline void hlmid_init(hlmid_frame *f, Leaf *leaf, uint64_t x) {
    f->state = 0;
    f->leaf = leaf;
    f->x = x;
}

static inline ait_poll hlmid_poll(hlmid_frame *f, ait_cx *cx, uint64_t *out) {
    if (f->state == 0) {
        f->k = f->x ^ 1;
        hleaf_init(&f->sub, f->leaf, f->k);
        f->state = 1;
    }
    uint64_t r;
    ait_poll p = hleaf_poll(&f->sub, cx, &r);
    if (p != AIT_READY)
        return p;
    *out = r + f->k;
    return AIT_READY;
}

typedef struct hltop_frame {
    int state;
    Leaf *leaf;
    uint64_t x, k;
    hlmid_frame sub;
} hltop_frame;

static inline void hltop_init(hltop_frame *f, Leaf *leaf, uint64_t x) {
    f->state = 0;
    f->leaf = leaf;
    f->x = x;
}

static inline ait_poll hltop_poll(hltop_frame *f, ait_cx *cx, uint64_t *out) {
    if (f->state == 0) {
        f->k = f->x ^ 1;
        hlmid_init(&f->sub, f->leaf, f->k);
        f->state = 1;
    }
    uint64_t r;
    ait_poll p = hlmid_poll(&f->sub, cx, &r);
    if (p != AIT_READY)
        return p;
    *out = r + f->k;
    return AIT_READY;
}

typedef struct base_w3l_frame {
    int state;
    Leaf *leaf;
    uint64_t n, acc, count, k;
    hltop_frame sub;
} base_w3l_frame;

static ait_poll base_w3l_poll(base_w3l_frame *f, ait_cx *cx, uint64_t *out) {
    switch (f->state) {
    case 0:
        break;
    case 1:
        goto s1;
    default:
        return ait_fail(cx, AIT_EPOISONED);
    }
    for (f->acc = 0, f->count = 0; f->count < f->n; f->count++) {
        f->k = f->count * 2;
        hltop_init(&f->sub, f->leaf, f->k);
        f->state = 1;
    s1:;
        uint64_t r;
        ait_poll p = hltop_poll(&f->sub, cx, &r);
        if (p == AIT_PENDING)
            return AIT_PENDING;
        if (p == AIT_ERROR) {
            f->state = -1;
            return AIT_ERROR;
        }
        f->acc += r ^ f->k;
    }
    *out = f->acc + f->count;
    f->state = -1;
    return AIT_READY;
}

static ait_poll base_w3l_poll_any(void *f, ait_cx *cx, void *out) { return base_w3l_poll(f, cx, out); }

int base_w3l_block_on(ait_rt *rt, uint64_t *out, Leaf *leaf, uint64_t n) {
    base_w3l_frame f = { .state = 0, .leaf = leaf, .n = n };
    return ait_block_on(rt, &f, base_w3l_poll_any, out);
}
