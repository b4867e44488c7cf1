/* table.h: the in-memory key space of mini-redis: a hash table split in
 * shards, each behind its own mutex, so that connections on different
 * worker threads rarely wait for one another. Plain C, thread-safe; the
 * Store impls in store.ait are built on it. */
#ifndef MINI_REDIS_TABLE_H
#define MINI_REDIS_TABLE_H

#include <pthread.h>

#include "resp.h"

#define TABLE_SHARDS 16

typedef struct Entry Entry;

typedef struct Shard {
    pthread_mutex_t lock;
    Entry **slots;
    size_t nslots, count;
} Shard;

typedef struct Table {
    Shard shards[TABLE_SHARDS];
} Table;

int table_init(Table *t);                       /* 0 or -ENOMEM */
void table_destroy(Table *t);
/* Appends key's value to out: 1 found, 0 missing, -ENOMEM. */
int table_get(Table *t, Slice key, Buf *out);
int table_set(Table *t, Slice key, Slice val);  /* 0 or -ENOMEM */
int table_del(Table *t, Slice key);             /* 1 removed, 0 missing */
int table_exists(Table *t, Slice key);          /* 1 or 0 */
/* INCR: 0 and *v; -EINVAL (not an integer), -ERANGE (overflow), -ENOMEM. */
int table_incr(Table *t, Slice key, long long *v);
size_t table_count(Table *t);

#endif
