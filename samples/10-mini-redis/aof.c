/* aof.c: mini-redis's append-only file (aof.h). */
#define _POSIX_C_SOURCE 200809L
#include "aof.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int write_all_fd(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Replays the records of buf[0..len): returns how many bytes were whole
 * records (the rest is a truncated tail), *count the commands applied. */
static size_t replay(Aof *a, const char *buf, size_t len, long *count) {
    static Cmd cmd;             /* large; used at start-up only */
    size_t pos = 0;
    const char *err = NULL;
    for (;;) {
        size_t at = pos;
        int r = resp_parse(buf, len, &pos, &cmd, &err);
        if (r <= 0)
            return at;
        Slice *v = cmd.argv;
        if (cmd.argc == 3 && slice_eq_nocase(v[0], "SET"))
            table_set(&a->table, v[1], v[2]);
        else if (cmd.argc == 2 && slice_eq_nocase(v[0], "DEL"))
            table_del(&a->table, v[1]);
        else
            return at;          /* not ours: keep what came before */
        (*count)++;
    }
}

long aof_open(Aof *a, const char *path) {
    memset(a, 0, sizeof *a);
    if (table_init(&a->table) < 0)
        return -ENOMEM;
    pthread_mutex_init(&a->lock, NULL);
    pthread_mutex_init(&a->file_lock, NULL);
    a->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (a->fd < 0)
        return -errno;
    Buf all = { 0 };
    char chunk[65536];
    for (;;) {
        ssize_t r = read(a->fd, chunk, sizeof chunk);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            buf_free(&all);
            return -errno;
        }
        if (r == 0)
            break;
        if (buf_append(&all, chunk, (size_t)r) < 0) {
            buf_free(&all);
            return -ENOMEM;
        }
    }
    long count = 0;
    size_t whole = replay(a, all.p ? all.p : "", all.len, &count);
    int rc = 0;
    if (whole < all.len && ftruncate(a->fd, (off_t)whole) < 0)
        rc = -errno;
    if (rc == 0 && lseek(a->fd, (off_t)whole, SEEK_SET) < 0)
        rc = -errno;
    buf_free(&all);
    return rc < 0 ? rc : count;
}

int aof_apply(Aof *a, int argc, const Slice *argv) {
    pthread_mutex_lock(&a->lock);
    int rc = slice_eq_nocase(argv[0], "DEL") ? table_del(&a->table, argv[1])
                                             : table_set(&a->table, argv[1], argv[2]);
    if (rc >= 0 && !(slice_eq_nocase(argv[0], "DEL") && rc == 0) &&
        resp_write_cmd(&a->pending, argc, argv) < 0)
        rc = -ENOMEM;
    pthread_mutex_unlock(&a->lock);
    return rc;
}

int aof_incr(Aof *a, Slice key, long long *v) {
    pthread_mutex_lock(&a->lock);
    int rc = table_incr(&a->table, key, v);
    if (rc == 0) {
        Buf val = { 0 };
        rc = table_get(&a->table, key, &val) < 0 ? -ENOMEM : 0;
        Slice argv[3] = { { "SET", 3 }, key, { val.p, val.len } };
        if (rc == 0 && resp_write_cmd(&a->pending, 3, argv) < 0)
            rc = -ENOMEM;
        buf_free(&val);
    }
    pthread_mutex_unlock(&a->lock);
    return rc;
}

intptr_t aof_flush_job(void *arg) {
    Aof *a = arg;
    pthread_mutex_lock(&a->file_lock);
    pthread_mutex_lock(&a->lock);
    Buf out = a->pending;
    a->pending = (Buf){ 0 };
    pthread_mutex_unlock(&a->lock);
    int rc = out.len ? write_all_fd(a->fd, out.p, out.len) : 0;
    if (rc < 0 && a->error == 0)
        a->error = rc;
    rc = a->error;
    pthread_mutex_unlock(&a->file_lock);
    buf_free(&out);
    return rc;
}

int aof_close(Aof *a) {
    int rc = (int)aof_flush_job(a);
    if (a->fd >= 0) {
        if (fsync(a->fd) < 0 && rc == 0)
            rc = -errno;
        close(a->fd);
        a->fd = -1;
    }
    buf_free(&a->pending);
    table_destroy(&a->table);
    pthread_mutex_destroy(&a->file_lock);
    pthread_mutex_destroy(&a->lock);
    return rc;
}
