/* aof.h: the append-only file of mini-redis: every write command, in the
 * order it changed the key space, as RESP. Plain C; AofStore (store.ait)
 * applies a write and queues its record in one step (aof_apply, on the
 * calling worker), then hands the writing to the blocking pool
 * (aof_flush_job), so a slow disk never holds up a worker thread. */
#ifndef MINI_REDIS_AOF_H
#define MINI_REDIS_AOF_H

#include <pthread.h>
#include <stdint.h>

#include "table.h"

typedef struct Aof {
    Table table;
    int fd;
    pthread_mutex_t lock;       /* table changes and `pending`, in one order */
    Buf pending;                /* records applied, not yet written */
    pthread_mutex_t file_lock;  /* one writer at a time, in order */
    int error;                  /* the first write error (under file_lock) */
} Aof;

/* Opens (creates) path and replays it into a->table: the number of
 * commands replayed, or a negative errno. A truncated last record (a
 * crash mid-write) is dropped from the file. */
long aof_open(Aof *a, const char *path);
/* Applies SET / DEL (argv[0]) to the table and queues its record:
 * for DEL 1 removed or 0, else 0; or -ENOMEM. */
int aof_apply(Aof *a, int argc, const Slice *argv);
/* INCR: the new value is applied and logged as a SET. 0, -EINVAL,
 * -ERANGE or -ENOMEM. */
int aof_incr(Aof *a, Slice key, long long *v);
/* On a pool thread (ait_spawn_blocking; arg: the Aof): writes every
 * pending record. 0 or a negative errno. When it returns, the records
 * queued before the call are in the file (the kernel's cache). */
intptr_t aof_flush_job(void *arg);
/* Writes what is pending, fsyncs and closes: 0 or a negative errno. */
int aof_close(Aof *a);

#endif
