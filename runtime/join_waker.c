/* join_waker.c: the joiners' wakers, in a table beside the tasks.
 *
 * A join that finds its task unfinished leaves a waker for the task to
 * wake at completion (the AIT_TS_JOIN_WAKER protocol, internal.h, says
 * who owns it when). Few tasks have one at a time: with 1M tasks spawned
 * and joined in order, one. So the task header keeps no word for it (24
 * bytes instead of 32); the waker sits in this table, keyed by the task's
 * address: a chained hash table split in shards by that address, each
 * under its own mutex and grown by doubling, so that joins on different
 * tasks seldom meet on a lock. Entries are the runtime's bookkeeping, like
 * the tasks' type records: made with malloc, kept on their shard's free
 * list when taken and reused, never freed (so a join costs no allocation
 * once the table is warm, and none from the allocator hook).
 */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"

#include <stdlib.h>

typedef struct jw_entry {
    ait_task *task;
    ait_waker waker;
    struct jw_entry *next;
} jw_entry;

typedef struct jw_shard {
    pthread_mutex_t lock;
    jw_entry **buckets;     /* nbuckets heads (a power of two), or NULL */
    size_t nbuckets, n;
    jw_entry *spare;        /* entries to reuse */
} jw_shard;

#define NSHARDS 16u
#define SHARD { PTHREAD_MUTEX_INITIALIZER, NULL, 0, 0, NULL }
static jw_shard shards[NSHARDS] = {
    SHARD, SHARD, SHARD, SHARD, SHARD, SHARD, SHARD, SHARD,
    SHARD, SHARD, SHARD, SHARD, SHARD, SHARD, SHARD, SHARD,
};

/* Blocks are at least 8-aligned: drop the low bits, spread the rest. */
static uint64_t hash(const ait_task *t) {
    return ((uint64_t)(uintptr_t)t >> 3) * 0x9E3779B97F4A7C15ull;
}

static jw_shard *shard_of(const ait_task *t) { return &shards[(hash(t) >> 60) & (NSHARDS - 1)]; }

/* Under s->lock: the link that points to t's entry (or the NULL at the
 * end of its chain). */
static jw_entry **find(jw_shard *s, const ait_task *t) {
    jw_entry **pp = &s->buckets[hash(t) & (s->nbuckets - 1)];
    while (*pp && (*pp)->task != t)
        pp = &(*pp)->next;
    return pp;
}

/* Under s->lock: doubles the buckets (at least 16); on failure keeps the
 * old ones (chains only grow longer). false when there are none at all. */
static bool grow(jw_shard *s) {
    size_t nb = s->nbuckets ? 2 * s->nbuckets : 16;
    jw_entry **b = calloc(nb, sizeof *b);
    if (!b)
        return s->buckets != NULL;
    for (size_t i = 0; i < s->nbuckets; i++) {
        jw_entry *e = s->buckets[i];
        while (e) {
            jw_entry *next = e->next;
            jw_entry **head = &b[hash(e->task) & (nb - 1)];
            e->next = *head;
            *head = e;
            e = next;
        }
    }
    free(s->buckets);
    s->buckets = b;
    s->nbuckets = nb;
    return true;
}

bool ait__jw_put(ait_task *t, ait_waker w) {
    jw_shard *s = shard_of(t);
    pthread_mutex_lock(&s->lock);
    jw_entry *e = s->spare;
    if (e)
        s->spare = e->next;
    else
        e = malloc(sizeof *e);
    if (!e || (s->n >= s->nbuckets && !grow(s))) {
        if (e) {
            e->next = s->spare;
            s->spare = e;
        }
        pthread_mutex_unlock(&s->lock);
        ait_waker_drop(w);
        return false;
    }
    e->task = t;
    e->waker = w;
    jw_entry **head = &s->buckets[hash(t) & (s->nbuckets - 1)];
    e->next = *head;
    *head = e;
    s->n++;
    pthread_mutex_unlock(&s->lock);
    return true;
}

ait_waker ait__jw_take(ait_task *t) {
    ait_waker w = { NULL, NULL };
    jw_shard *s = shard_of(t);
    pthread_mutex_lock(&s->lock);
    jw_entry *e = NULL;
    if (s->buckets) {
        jw_entry **pp = find(s, t);
        if ((e = *pp) != NULL) {
            *pp = e->next;
            s->n--;
            w = e->waker;
            e->next = s->spare;
            s->spare = e;
        }
    }
    pthread_mutex_unlock(&s->lock);
    return w;
}

bool ait__jw_will_wake(ait_task *t, const ait_waker *w) {
    jw_shard *s = shard_of(t);
    pthread_mutex_lock(&s->lock);
    jw_entry *e = s->buckets ? *find(s, t) : NULL;
    bool same = e && ait_waker_will_wake(&e->waker, w);
    pthread_mutex_unlock(&s->lock);
    return same;
}
