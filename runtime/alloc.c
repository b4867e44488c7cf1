/* alloc.c: the allocator hook and the default, recycling allocator.
 *
 * Size classes (O(1), no loop, no division on the fast paths):
 *   1 B .. 1 KiB      64 classes in 16-byte steps: class = (size - 1) >> 4
 *   1 KiB .. 64 KiB   24 classes, 4 per doubling (1.25x .. 2x steps),
 *                     from the position of the highest bit (clz)
 * Requests aligned to more than 16 (up to 64) round their size up to a
 * multiple of the alignment first; larger sizes or alignments go straight
 * to malloc/posix_memalign.
 *
 * Per thread, each class has a LIFO free list (head, count, limit). The
 * fast paths are a pop and a push on it; those of the _class calls (a dyn
 * call's box) are inlined from ait.h, so the lists live in ait.h's
 * ait__frame_tls. Blocks are carved from chunks
 * (one posix_memalign per chunk, never per block) by a per-thread bump
 * pointer: a thread's first chunk is 256 KiB, every later one 2 MiB,
 * all of ordinary pages faulted in on first touch (see chunk_new for why
 * not huge pages); a block of class c sits at an address aligned to the
 * lowest set bit of its size (capped at 64), so every request that maps
 * to c finds its alignment. A block is plain memory: any thread may free
 * it, onto its own lists. When a list grows past its limit (2 batches,
 * a batch being ~128 KiB of blocks, 8..1024 of them) one batch moves to a
 * global depot, from which threads whose list is empty take a batch
 * before carving more: memory freed by one thread feeds the others, so a
 * producer/consumer pair does not grow without bound. Thread exit and
 * ait_alloc_trim() move a thread's lists to the depot. Chunks are kept
 * (listed globally) for reuse and never returned to malloc.
 *
 * Under AddressSanitizer a free block is poisoned (all of it; the free
 * list's link is unpoisoned only for the moment the allocator reads or
 * writes it) and unpoisoned when it is handed out again, so a task or a
 * boxed frame used after its free (a double join, a waker kept past its
 * task) is reported as use-after-poison instead of reading a recycled
 * block silently.
 */
#define _POSIX_C_SOURCE 200809L /* posix_memalign */
#include "internal.h"

#include <stdalign.h>
#include <stdlib.h>

#define SMALL_MAX 1024u         /* classes in 16-byte steps up to here */
#define NSMALL 64u
#define NMED 24u                /* 1 KiB .. 64 KiB, 4 per doubling */
#define NCLASS (NSMALL + NMED)
#define MAX_SIZE 65536u
#define MAX_ALIGN 64u
#define CHUNK_SIZE ((size_t)2 << 20)
#define FIRST_CHUNK_SIZE ((size_t)256 << 10)
#define CHUNK_HDR 64u           /* a chunk's first bytes: the global chunk list */
#define BATCH_BYTES (128u << 10)

#if defined(__SANITIZE_ADDRESS__)
#define AIT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define AIT_ASAN 1
#endif
#endif
#ifdef AIT_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* A free block starts with the address of the next: a void * (ait.h's
 * inline paths read and write it as one too). */
typedef void free_block;

/* The link of a free block (poisoned under ASan but for these moments). */
static inline free_block *next_of(free_block *b) {
    UNPOISON(b, sizeof(void *));
    free_block *n = *(void **)b;
    POISON(b, sizeof(void *));
    return n;
}
static inline void set_next(free_block *b, free_block *n) {
    UNPOISON(b, sizeof(void *));
    *(void **)b = n;
    POISON(b, sizeof(void *));
}

/* The free lists and the allocs/frees counters are ait.h's
 * ait__frame_tls (its _class calls inline their fast paths); the rest of
 * a thread's state is here. */
typedef ait__frame_bin bin;
_Static_assert(AIT__FRAME_NCLASS == NCLASS, "ait.h's class count");
_Thread_local ait__frame_cache ait__frame_tls;
#define BINS (ait__frame_tls.bins)

typedef struct tcache {
    char *cur, *end;            /* the chunk being carved */
    bool registered;
    bool grown;                 /* carved its first chunk: the next ones are big */
} tcache;

static _Thread_local tcache tc;
static _Thread_local uint64_t mallocs;

/* Under ASan every call takes the out-of-line paths, which poison. */
#ifdef AIT_ASAN
#define FAST_CLASSES 0
#else
#define FAST_CLASSES ((int)NSMALL)
#endif
int ait__frame_fast = FAST_CLASSES;

static ait_allocator g_custom;
static bool g_has_custom;

/* The depot and the chunk list, under g_lock. */
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static free_block *g_depot[NCLASS];
static _Atomic uint32_t g_depot_count[NCLASS];     /* lock-free peek */
static void *g_chunks;

static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static pthread_key_t key;
static bool key_ok;

/* ---- classes ------------------------------------------------------------- */

/* 1 <= size <= MAX_SIZE */
static inline unsigned class_of(size_t size) {
    if (size <= SMALL_MAX)
        return (unsigned)((size - 1) >> 4);
    size_t s = size - 1;
    unsigned sh = 63u - (unsigned)__builtin_clzll((unsigned long long)s);   /* 10..15 */
    return NSMALL + (sh - 10u) * 4u + (unsigned)((s >> (sh - 2u)) & 3u);
}

static size_t class_size(unsigned c) {
    if (c < NSMALL)
        return ((size_t)c + 1) * 16u;
    unsigned k = c - NSMALL;
    return (size_t)(5u + (k & 3u)) << (k / 4u + 8u);
}

static uint32_t batch_of(unsigned c) {
    size_t n = BATCH_BYTES / class_size(c);
    return n < 8 ? 8 : n > 1024 ? 1024 : (uint32_t)n;
}

/* The class of a request, or -1 when it bypasses the cache. */
static int class_for(size_t size, size_t align) {
    if (size == 0)
        size = 1;
    if (align > 16) {
        if (align > MAX_ALIGN)
            return -1;
        align = (size_t)1 << (64 - __builtin_clzll((unsigned long long)align - 1));
        size = (size + align - 1) & ~(align - 1);
    }
    if (size > MAX_SIZE)
        return -1;
    return (int)class_of(size);
}

static size_t norm_align(size_t align) {
    if (align <= 1)
        return 1;
    return (size_t)1 << (64 - __builtin_clzll((unsigned long long)align - 1));
}

/* ---- the depot and thread exit ------------------------------------------------ */

/* Moves the list first..last (n blocks) to the depot. */
static void depot_put(unsigned c, free_block *first, free_block *last, uint32_t n) {
    pthread_mutex_lock(&g_lock);
    set_next(last, g_depot[c]);
    g_depot[c] = first;
    atomic_store_explicit(&g_depot_count[c],
                          atomic_load_explicit(&g_depot_count[c], memory_order_relaxed) + n,
                          memory_order_relaxed);
    pthread_mutex_unlock(&g_lock);
}

/* Takes up to a batch of class c into this thread's (empty) list. */
static bool depot_take(unsigned c) {
    if (atomic_load_explicit(&g_depot_count[c], memory_order_relaxed) == 0)
        return false;
    uint32_t want = batch_of(c), n = 0;
    pthread_mutex_lock(&g_lock);
    free_block *first = g_depot[c], *last = NULL;
    for (free_block *b = first; b && n < want; b = next_of(b)) {
        last = b;
        n++;
    }
    if (n) {
        g_depot[c] = next_of(last);
        set_next(last, NULL);
        atomic_store_explicit(&g_depot_count[c],
                              atomic_load_explicit(&g_depot_count[c], memory_order_relaxed) - n,
                              memory_order_relaxed);
    }
    pthread_mutex_unlock(&g_lock);
    if (!n)
        return false;
    BINS[c].head = first;
    BINS[c].count = n;
    return true;
}

static void flush(ait__frame_cache *t) {
    for (unsigned c = 0; c < NCLASS; c++) {
        bin *b = &t->bins[c];
        if (!b->head)
            continue;
        free_block *last = b->head;
        uint32_t n = 1;
        for (free_block *b; (b = next_of(last)) != NULL; n++)
            last = b;
        depot_put(c, b->head, last, n);
        b->head = NULL;
        b->count = 0;
    }
}

static void thread_exit(void *p) { flush(p); }

static void make_key(void) { key_ok = pthread_key_create(&key, thread_exit) == 0; }

static void register_thread(void) {
    if (tc.registered)
        return;
    pthread_once(&key_once, make_key);
    if (key_ok)
        pthread_setspecific(key, &ait__frame_tls);
    tc.registered = true;
}

/* ---- slow paths ------------------------------------------------------------- */

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

/* A new chunk for this thread, listed globally (kept for reuse, never
 * freed), or NULL. A thread's first chunk is small, so that a thread that
 * allocates little stays small; the later ones are 2 MiB.
 *
 * Chunks are ordinary pages, faulted in on first touch, like any malloc'd
 * memory. They were once advised as transparent huge pages
 * (MADV_HUGEPAGE) and populated at once (MADV_POPULATE_WRITE), which cut
 * the fault count of 1M spawned tasks from ~14k to ~2k but made the
 * kernel's time unpredictable: on the 2-CPU benchmark VM about one run in
 * ten spent ~100 ms more in the kernel obtaining and zeroing the huge
 * pages (W6's CPU time over a run: 99-255 ms, against 102-118 ms with
 * plain pages, whose ~14k faults cost 14-42 ms every time). */
static void *chunk_new(size_t *size) {
    *size = tc.grown ? CHUNK_SIZE : FIRST_CHUNK_SIZE;
    void *m = NULL;
    if (posix_memalign(&m, CHUNK_HDR, *size) != 0)
        return NULL;
    tc.grown = true;
    pthread_mutex_lock(&g_lock);
    *(void **)m = g_chunks;
    g_chunks = m;
    pthread_mutex_unlock(&g_lock);
    return m;
}

/* A fresh block of class c from this thread's chunk. */
static void *carve(unsigned c) {
    size_t cs = class_size(c);
    size_t a = cs & (~cs + 1);
    if (a > MAX_ALIGN)
        a = MAX_ALIGN;
    uintptr_t p = ((uintptr_t)tc.cur + a - 1) & ~(uintptr_t)(a - 1);
    if (!tc.cur || p + cs > (uintptr_t)tc.end) {
        size_t size;
        char *m = chunk_new(&size);
        if (!m)
            return NULL;
        tc.cur = m + CHUNK_HDR;
        tc.end = m + size;
        p = (uintptr_t)tc.cur;          /* 64-aligned */
    }
    tc.cur = (char *)(p + cs);
    return (void *)p;
}

static void *alloc_custom(size_t size, size_t align) {
    return g_custom.alloc(g_custom.ud, size ? size : 1, norm_align(align));
}

static __attribute__((noinline)) void *alloc_slow(size_t size, size_t align) {
    int ci = class_for(size, align);
    if (ci < 0) {
        mallocs++;
        return raw_alloc(size ? size : 1, norm_align(align));
    }
    unsigned c = (unsigned)ci;
    bin *b = &BINS[c];
    if (!b->head) {
        if (b->lim == 0) {
            register_thread();
            b->lim = 2 * batch_of(c);
        }
        if (!depot_take(c)) {
            mallocs++;
            return carve(c);
        }
    }
    free_block *p = b->head;
    b->head = next_of(p);
    b->count--;
    UNPOISON(p, class_size(c));
    return p;
}

/* The list of class c grew past its limit (or was used for the first time). */
static __attribute__((noinline)) void bin_overflow(unsigned c) {
    bin *b = &BINS[c];
    if (b->lim == 0) {
        register_thread();
        b->lim = 2 * batch_of(c);
        if (b->count <= b->lim)
            return;
    }
    uint32_t n = batch_of(c);
    free_block *first = b->head, *last = first;
    for (uint32_t i = 1; i < n; i++)
        last = next_of(last);
    b->head = next_of(last);
    b->count -= n;
    depot_put(c, first, last, n);
}

static __attribute__((noinline)) void free_slow(void *p, size_t size, size_t align) {
    int ci = class_for(size, align);
    if (ci < 0) {
        free(p);
        return;
    }
    bin *b = &BINS[ci];
    free_block *f = p;
    POISON(f, class_size((unsigned)ci));
    set_next(f, b->head);
    b->head = f;
    if (++b->count > b->lim)
        bin_overflow((unsigned)ci);
}

/* ---- the API ------------------------------------------------------------------ */

void ait_set_allocator(const ait_allocator *a) {
    if (a) {
        g_custom = *a;
        g_has_custom = true;
        ait__frame_fast = 0;
    } else {
        g_has_custom = false;
        ait__frame_fast = FAST_CLASSES;
    }
}

ait_alloc_stats ait_alloc_stats_get(void) {
    return (ait_alloc_stats){ait__frame_tls.allocs, ait__frame_tls.frees, mallocs};
}

void ait_alloc_stats_reset(void) {
    ait__frame_tls.allocs = ait__frame_tls.frees = mallocs = 0;
}

void ait_alloc_trim(void) { flush(&ait__frame_tls); }

void *ait_frame_alloc(size_t size, size_t align) {
    ait__frame_tls.allocs++;
    if (unlikely(g_has_custom))
        return alloc_custom(size, align);
    if (likely(size - 1 < SMALL_MAX && align <= 16)) {
        bin *b = &BINS[(size - 1) >> 4];
        free_block *p = b->head;
        if (likely(p != NULL)) {
            b->head = next_of(p);
            b->count--;
            UNPOISON(p, (((size - 1) >> 4) + 1) << 4);
            return p;
        }
    }
    return alloc_slow(size, align);
}

void ait_frame_free(void *p, size_t size, size_t align) {
    if (unlikely(!p))
        return;
    ait__frame_tls.frees++;
    if (unlikely(g_has_custom)) {
        g_custom.free(g_custom.ud, p, size ? size : 1, norm_align(align));
        return;
    }
    if (likely(size - 1 < SMALL_MAX && align <= 16)) {
        unsigned c = (unsigned)((size - 1) >> 4);
        bin *b = &BINS[c];
        free_block *f = p;
        POISON(f, (size_t)(c + 1) << 4);
        set_next(f, b->head);
        b->head = f;
        if (unlikely(++b->count > b->lim))
            bin_overflow(c);
        return;
    }
    free_slow(p, size, align);
}

/* What ait.h's ait_frame_alloc_class/free_class do when their inline
 * fast paths do not apply (an empty list, a full one, a class they do not
 * serve, an installed allocator, an ASan build): the general paths, which
 * find the same class from the size. */
void *ait__frame_alloc_slow(int cls, size_t size, size_t align) {
    (void)cls;
    return ait_frame_alloc(size, align);
}

void ait__frame_free_slow(void *p, int cls, size_t size, size_t align) {
    (void)cls;
    ait_frame_free(p, size, align);
}
