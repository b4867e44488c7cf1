/* alloc.c: the allocator hook and the default, recycling allocator.
 *
 * The default allocator keeps, per thread, a free list per size class:
 * powers of two from 16 B to 64 KiB. A block freed goes to the freeing
 * thread's list (a block is plain memory, so any thread may reuse it), up
 * to a cap per class; steady state makes no malloc call. Blocks of 64 B and
 * more are 64-byte aligned, so requests aligned up to 64 are recycled too;
 * larger sizes or alignments go straight to malloc/posix_memalign.
 */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"

#include <stdalign.h>
#include <stdlib.h>

#define MIN_SHIFT 4u            /* 16 B */
#define MAX_SHIFT 16u           /* 64 KiB */
#define NCLASS (MAX_SHIFT - MIN_SHIFT + 1u)
#define BIG_ALIGN 64u           /* alignment of blocks of 64 B and more */
#define CACHE_BYTES (1u << 20)  /* per class: keep at most ~1 MiB ... */
#define CACHE_MIN 8u            /* ... but at least this many blocks */

typedef struct free_block {
    struct free_block *next;
} free_block;

typedef struct tcache {
    free_block *head[NCLASS];
    uint32_t count[NCLASS];
    bool registered;
} tcache;

static _Thread_local tcache tc;
static _Thread_local ait_alloc_stats stats;

static ait_allocator g_custom;
static bool g_has_custom;

static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static pthread_key_t key;
static bool key_ok;

static void cache_trim(tcache *c) {
    for (unsigned i = 0; i < NCLASS; i++) {
        free_block *b = c->head[i];
        while (b) {
            free_block *n = b->next;
            free(b);
            b = n;
        }
        c->head[i] = NULL;
        c->count[i] = 0;
    }
}

static void thread_exit(void *p) { cache_trim(p); }

static void make_key(void) { key_ok = pthread_key_create(&key, thread_exit) == 0; }

void ait_set_allocator(const ait_allocator *a) {
    if (a) {
        g_custom = *a;
        g_has_custom = true;
    } else {
        g_has_custom = false;
    }
}

ait_alloc_stats ait_alloc_stats_get(void) { return stats; }

void ait_alloc_stats_reset(void) {
    stats.allocs = stats.frees = stats.mallocs = 0;
}

void ait_alloc_trim(void) { cache_trim(&tc); }

/* The class of a request, or -1 when it bypasses the cache. */
static int size_class(size_t size, size_t align) {
    if (align > BIG_ALIGN || size > ((size_t)1 << MAX_SHIFT))
        return -1;
    if (align > alignof(max_align_t) && size < BIG_ALIGN)
        size = BIG_ALIGN;
    unsigned s = MIN_SHIFT;
    while (((size_t)1 << s) < size)
        s++;
    return (int)(s - MIN_SHIFT);
}

static void *raw_alloc(size_t size, size_t align) {
    if (align <= alignof(max_align_t))
        return malloc(size);
    void *p = NULL;
    if (align < sizeof(void *))
        align = sizeof(void *);
    if (posix_memalign(&p, align, size) != 0)
        return NULL;
    return p;
}

static size_t norm_align(size_t align) {
    if (align == 0)
        return 1;
    /* round up to a power of two */
    size_t a = 1;
    while (a < align)
        a <<= 1;
    return a;
}

void *ait_frame_alloc(size_t size, size_t align) {
    if (size == 0)
        size = 1;
    align = norm_align(align);
    stats.allocs++;
    if (g_has_custom)
        return g_custom.alloc(g_custom.ud, size, align);
    int c = size_class(size, align);
    if (c < 0) {
        stats.mallocs++;
        return raw_alloc(size, align);
    }
    free_block *b = tc.head[c];
    if (b) {
        tc.head[c] = b->next;
        tc.count[c]--;
        return b;
    }
    size_t csize = (size_t)1 << (c + (int)MIN_SHIFT);
    stats.mallocs++;
    return raw_alloc(csize, csize >= BIG_ALIGN ? BIG_ALIGN : 1);
}

void ait_frame_free(void *p, size_t size, size_t align) {
    if (!p)
        return;
    if (size == 0)
        size = 1;
    align = norm_align(align);
    stats.frees++;
    if (g_has_custom) {
        g_custom.free(g_custom.ud, p, size, align);
        return;
    }
    int c = size_class(size, align);
    if (c < 0) {
        free(p);
        return;
    }
    size_t csize = (size_t)1 << (c + (int)MIN_SHIFT);
    uint32_t cap = (uint32_t)(CACHE_BYTES / csize);
    if (cap < CACHE_MIN)
        cap = CACHE_MIN;
    if (tc.count[c] >= cap) {
        free(p);
        return;
    }
    if (!tc.registered) {
        pthread_once(&key_once, make_key);
        if (key_ok)
            pthread_setspecific(key, &tc);
        tc.registered = true;
    }
    free_block *b = p;
    b->next = tc.head[c];
    tc.head[c] = b;
    tc.count[c]++;
}
