/* table.c: the sharded hash table behind mini-redis's stores (table.h).
 * Each shard is an array of chains; an entry holds key and value in one
 * allocation. A shard doubles its slots when it holds more entries than
 * slots. */
#include "table.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct Entry {
    Entry *next;
    uint64_t hash;
    size_t klen, vlen;
    char data[];            /* key, then value */
};

static uint64_t hash_of(Slice k) {
    uint64_t h = 1469598103934665603ull;        /* FNV-1a */
    for (size_t i = 0; i < k.len; i++) {
        h ^= (unsigned char)k.p[i];
        h *= 1099511628211ull;
    }
    return h;
}

static Shard *shard_of(Table *t, uint64_t h) { return &t->shards[h % TABLE_SHARDS]; }

int table_init(Table *t) {
    for (int i = 0; i < TABLE_SHARDS; i++) {
        Shard *s = &t->shards[i];
        pthread_mutex_init(&s->lock, NULL);
        s->nslots = 64;
        s->count = 0;
        s->slots = calloc(s->nslots, sizeof *s->slots);
        if (!s->slots) {
            for (int j = 0; j <= i; j++)
                free(t->shards[j].slots);
            return -ENOMEM;
        }
    }
    return 0;
}

void table_destroy(Table *t) {
    for (int i = 0; i < TABLE_SHARDS; i++) {
        Shard *s = &t->shards[i];
        for (size_t j = 0; j < s->nslots; j++) {
            Entry *e = s->slots[j];
            while (e) {
                Entry *n = e->next;
                free(e);
                e = n;
            }
        }
        free(s->slots);
        pthread_mutex_destroy(&s->lock);
    }
}

/* Under s->lock: the link that points to key's entry (or the chain's end). */
static Entry **find(Shard *s, uint64_t h, Slice k) {
    Entry **l = &s->slots[(h / TABLE_SHARDS) % s->nslots];
    for (; *l; l = &(*l)->next)
        if ((*l)->hash == h && (*l)->klen == k.len && memcmp((*l)->data, k.p, k.len) == 0)
            break;
    return l;
}

static void grow(Shard *s) {
    size_t n = s->nslots * 2;
    Entry **v = calloc(n, sizeof *v);
    if (!v)
        return;                 /* longer chains, still correct */
    for (size_t i = 0; i < s->nslots; i++) {
        Entry *e = s->slots[i];
        while (e) {
            Entry *next = e->next;
            Entry **l = &v[(e->hash / TABLE_SHARDS) % n];
            e->next = *l;
            *l = e;
            e = next;
        }
    }
    free(s->slots);
    s->slots = v;
    s->nslots = n;
}

int table_get(Table *t, Slice key, Buf *out) {
    uint64_t h = hash_of(key);
    Shard *s = shard_of(t, h);
    pthread_mutex_lock(&s->lock);
    Entry *e = *find(s, h, key);
    int rc = 0;
    if (e)
        rc = buf_append(out, e->data + e->klen, e->vlen) < 0 ? -ENOMEM : 1;
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* Under s->lock: replaces or adds key's entry. */
static int put(Shard *s, uint64_t h, Slice key, Slice val) {
    Entry *e = malloc(sizeof *e + key.len + val.len);
    if (!e)
        return -ENOMEM;
    e->hash = h;
    e->klen = key.len;
    e->vlen = val.len;
    memcpy(e->data, key.p, key.len);
    memcpy(e->data + key.len, val.p, val.len);
    Entry **l = find(s, h, key);
    if (*l) {
        e->next = (*l)->next;
        free(*l);
        *l = e;
        return 0;
    }
    e->next = NULL;
    *l = e;
    if (++s->count > s->nslots)
        grow(s);
    return 0;
}

int table_set(Table *t, Slice key, Slice val) {
    uint64_t h = hash_of(key);
    Shard *s = shard_of(t, h);
    pthread_mutex_lock(&s->lock);
    int rc = put(s, h, key, val);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int table_del(Table *t, Slice key) {
    uint64_t h = hash_of(key);
    Shard *s = shard_of(t, h);
    pthread_mutex_lock(&s->lock);
    Entry **l = find(s, h, key);
    Entry *e = *l;
    if (e) {
        *l = e->next;
        s->count--;
    }
    pthread_mutex_unlock(&s->lock);
    free(e);
    return e != NULL;
}

int table_exists(Table *t, Slice key) {
    uint64_t h = hash_of(key);
    Shard *s = shard_of(t, h);
    pthread_mutex_lock(&s->lock);
    int found = *find(s, h, key) != NULL;
    pthread_mutex_unlock(&s->lock);
    return found;
}

int table_incr(Table *t, Slice key, long long *v) {
    uint64_t h = hash_of(key);
    Shard *s = shard_of(t, h);
    pthread_mutex_lock(&s->lock);
    Entry *e = *find(s, h, key);
    long long cur = 0;
    int rc = 0;
    if (e && !parse_i64((Slice){ e->data + e->klen, e->vlen }, &cur))
        rc = -EINVAL;
    else if (cur == 0x7fffffffffffffffLL)
        rc = -ERANGE;
    if (rc == 0) {
        char tmp[24];
        int n = snprintf(tmp, sizeof tmp, "%lld", cur + 1);
        rc = put(s, h, key, (Slice){ tmp, (size_t)n });
        *v = cur + 1;
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

size_t table_count(Table *t) {
    size_t n = 0;
    for (int i = 0; i < TABLE_SHARDS; i++) {
        pthread_mutex_lock(&t->shards[i].lock);
        n += t->shards[i].count;
        pthread_mutex_unlock(&t->shards[i].lock);
    }
    return n;
}
