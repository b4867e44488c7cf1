/* fdslot.c: what the runtime knows about each fd number, process-wide:
 * whether the file under it was made by the runtime (ait_accept,
 * ait_tcp_connect, ait_tcp_listen), and a generation that changes
 * whenever the runtime makes or closes (ait_close) a file under that
 * number.
 *
 * The reactor keeps the epoll registration of such an fd for the fd's
 * lifetime (see reactor.c); an entry registered under another slot value
 * belongs to an older file and is registered again. Plain fds (made
 * elsewhere) have slot 0, or a generation with no kind once closed with
 * ait_close: their registration lasts while futures wait on them.
 *
 * The table is two levels of chunks, never moved or freed, so a lookup
 * takes no lock; chunks are made (under a mutex) the first time a number
 * in them is marked. Numbers beyond the table are never kept.
 */
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#define CHUNK_BITS 12
#define CHUNK (1u << CHUNK_BITS)
#define TOP 1024u                   /* up to 4M fds */
#define KIND_MASK (AIT_FD_KEPT | AIT_FD_STREAM)
#define GEN_ONE 4u                  /* the generation sits above the kind bits */

static _Atomic(atomic_uint *) chunks[TOP];
static pthread_mutex_t chunks_lock = PTHREAD_MUTEX_INITIALIZER;

static atomic_uint *slot_of(int fd, bool make) {
    if (fd < 0 || (unsigned)fd >= TOP * CHUNK)
        return NULL;
    unsigned top = (unsigned)fd >> CHUNK_BITS;
    atomic_uint *c = atomic_load_explicit(&chunks[top], memory_order_acquire);
    if (!c && make) {
        pthread_mutex_lock(&chunks_lock);
        c = atomic_load_explicit(&chunks[top], memory_order_relaxed);
        if (!c) {
            c = calloc(CHUNK, sizeof *c);       /* zero: plain fds */
            if (c)
                atomic_store_explicit(&chunks[top], c, memory_order_release);
        }
        pthread_mutex_unlock(&chunks_lock);
    }
    return c ? &c[(unsigned)fd & (CHUNK - 1)] : NULL;
}

uint32_t ait__fd_slot(int fd) {
    atomic_uint *s = slot_of(fd, false);
    return s ? atomic_load_explicit(s, memory_order_acquire) : 0;
}

void ait__fd_mark(int fd, unsigned kind) {
    atomic_uint *s = slot_of(fd, kind != 0);
    if (!s)
        return;                     /* out of memory or range: a plain fd */
    unsigned old = atomic_load_explicit(s, memory_order_relaxed);
    if (kind == 0 && (old & KIND_MASK) == 0)
        return;                     /* plain already: nothing registered is kept */
    unsigned gen = (old & ~KIND_MASK) + GEN_ONE;
    if (gen == 0)
        gen = GEN_ONE;              /* a kept slot is never 0 */
    atomic_store_explicit(s, gen | kind, memory_order_release);
}

int ait_close(int fd) {
    if (fd < 0)
        return -EBADF;
    ait__fd_mark(fd, 0);
    if (close(fd) < 0 && errno != EINTR)    /* Linux: the fd is gone after EINTR */
        return -errno;
    return 0;
}
