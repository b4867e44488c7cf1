/* test_io.c: the reactor and the fd futures: pipes, loopback TCP (an echo
 * server with 200 concurrent connections, on the current-thread and the
 * multi-threaded runtime), connection refused, a read timeout raced by
 * hand against ait_sleep_ms, pending I/O and deadlock detection, late
 * drops. Every test is bounded in time. */
#define _GNU_SOURCE             /* pipe2 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "ait.h"

/* ---- helpers --------------------------------------------------------------- */

static atomic_long ca_allocs, ca_frees;
static void *ca_alloc(void *ud, size_t size, size_t align) {
    (void)ud;
    void *p = NULL;
    if (align < sizeof(void *))
        align = sizeof(void *);
    if (posix_memalign(&p, align, size) != 0)
        return NULL;
    atomic_fetch_add(&ca_allocs, 1);
    return p;
}
static void ca_free(void *ud, void *p, size_t size, size_t align) {
    (void)ud;
    (void)size;
    (void)align;
    atomic_fetch_add(&ca_frees, 1);
    free(p);
}
static void use_counting_allocator(void) {
    atomic_store(&ca_allocs, 0);
    atomic_store(&ca_frees, 0);
    ait_allocator a = { ca_alloc, ca_free, NULL };
    ait_set_allocator(&a);
}
static long ca_live(void) { return atomic_load(&ca_allocs) - atomic_load(&ca_frees); }

static int teardown(void **state) {
    (void)state;
    ait_set_allocator(NULL);
    return 0;
}

static void sleep_ms(long ms) {
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

static ait_rt *rt_with(int workers) {
    ait_rt_config cfg = { .workers = workers };
    ait_rt *rt = ait_rt_new(&cfg);
    assert_non_null(rt);
    return rt;
}

static ait_task *spawn_on(ait_rt *rt, bool send, size_t size, size_t align, size_t out,
                          void (*init)(void *, void *), void *arg, ait_poll_fn poll,
                          ait_drop_fn drop) {
    return send ? ait_spawn(rt, size, align, out, init, arg, poll, drop)
                : ait_spawn_local(rt, size, align, out, init, arg, poll, drop);
}

/* 127.0.0.1, port 0, nonblocking; the bound address in *addr. */
static int listen_loopback(struct sockaddr_in *addr, int backlog) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(addr, 0, sizeof *addr);
    addr->sin_family = AF_INET;
    addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof *addr;
    assert_int_equal(bind(fd, (struct sockaddr *)addr, sizeof *addr), 0);
    assert_int_equal(listen(fd, backlog), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)addr, &len), 0);
    assert_int_equal(ait_fd_nonblock(fd), 0);
    return fd;
}

/* ---- a pipe: writer and reader tasks ------------------------------------------ */

#define PIPE_TOTAL (1u << 20)       /* 1 MiB: far more than the pipe buffer */

static unsigned char pattern(size_t i) { return (unsigned char)(i * 7u + (i >> 9)); }

typedef struct {
    int fd, state;
    size_t off;
    unsigned char buf[4096];
    ait_write_frame w;
} pwriter_frame;
static void pwriter_init(void *fp, void *arg) {
    pwriter_frame *f = fp;
    f->fd = *(int *)arg;
    f->state = 0;
    f->off = 0;
}
static ait_poll pwriter_poll(void *fp, ait_cx *cx, void *out) {
    pwriter_frame *f = fp;
    for (;;) {
        if (f->state == 0) {
            if (f->off == PIPE_TOTAL) {
                close(f->fd);           /* EOF for the reader */
                f->fd = -1;
                *(long *)out = (long)f->off;
                return AIT_READY;
            }
            size_t n = PIPE_TOTAL - f->off < 3000 ? PIPE_TOTAL - f->off : 3000;
            for (size_t i = 0; i < n; i++)
                f->buf[i] = pattern(f->off + i);
            ait_write_init(&f->w, f->fd, f->buf, n);
            f->state = 1;
        }
        ssize_t r = 0;
        ait_poll p = ait_write_poll(&f->w, cx, &r);
        if (p != AIT_READY)
            return p;
        ait_write_drop(&f->w);
        f->state = 0;
        if (r <= 0)
            return ait_fail(cx, r < 0 ? (int)r : -EIO);
        f->off += (size_t)r;        /* partial writes: go on from there */
    }
}
static void pwriter_drop(void *fp) {
    pwriter_frame *f = fp;
    if (f->state == 1)
        ait_write_drop(&f->w);
    if (f->fd >= 0)
        close(f->fd);
}

typedef struct {
    int fd, state;
    size_t total;
    bool bad;
    unsigned char buf[5000];
    ait_read_frame r;
} preader_frame;
static void preader_init(void *fp, void *arg) {
    preader_frame *f = fp;
    f->fd = *(int *)arg;
    f->state = 0;
    f->total = 0;
    f->bad = false;
}
static ait_poll preader_poll(void *fp, ait_cx *cx, void *out) {
    preader_frame *f = fp;
    for (;;) {
        if (f->state == 0) {
            ait_read_init(&f->r, f->fd, f->buf, sizeof f->buf);
            f->state = 1;
        }
        ssize_t r = 0;
        ait_poll p = ait_read_poll(&f->r, cx, &r);
        if (p != AIT_READY)
            return p;
        ait_read_drop(&f->r);
        f->state = 0;
        if (r < 0)
            return ait_fail(cx, (int)r);
        if (r == 0) {
            *(long *)out = f->bad ? -1 : (long)f->total;
            return AIT_READY;
        }
        for (ssize_t i = 0; i < r; i++)
            if (f->buf[i] != pattern(f->total + (size_t)i))
                f->bad = true;
        f->total += (size_t)r;
    }
}
static void preader_drop(void *fp) {
    preader_frame *f = fp;
    if (f->state == 1)
        ait_read_drop(&f->r);
    close(f->fd);
}

static void pipe_pair(int workers, bool send) {
    use_counting_allocator();
    ait_rt *rt = rt_with(workers);
    int p[2];
    assert_int_equal(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
    ait_task *rd = spawn_on(rt, send, sizeof(preader_frame), _Alignof(preader_frame),
                            sizeof(long), preader_init, &p[0], preader_poll, preader_drop);
    ait_task *wr = spawn_on(rt, send, sizeof(pwriter_frame), _Alignof(pwriter_frame),
                            sizeof(long), pwriter_init, &p[1], pwriter_poll, pwriter_drop);
    assert_non_null(rd);
    assert_non_null(wr);
    long got = 0, put = 0;
    int rc = 1;
    assert_int_equal(ait_task_join_block_on(rt, &rc, wr, &put), 0);
    assert_int_equal(rc, 0);
    assert_int_equal(ait_task_join_block_on(rt, &rc, rd, &got), 0);
    assert_int_equal(rc, 0);
    assert_int_equal(put, PIPE_TOTAL);
    assert_int_equal(got, PIPE_TOTAL);  /* -1 would mean corrupted bytes */
    ait_rt_free(rt);
    assert_int_equal(ca_live(), 0);
}

static void test_pipe_ct(void **state) {
    (void)state;
    pipe_pair(0, false);
}
static void test_pipe_mt(void **state) {
    (void)state;
    pipe_pair(2, true);
}

/* ---- loopback TCP echo, many concurrent connections ------------------------------ */

#define CONNS 200
#define MSG_LEN 1500                /* more than one segment's worth, no matter */

static atomic_int conns_served;

/* echo: one server-side connection: read, write it all back, until EOF. */
typedef struct {
    int fd, state;
    ssize_t have, off;
    char buf[512];
    union { ait_read_frame r; ait_write_frame w; } u;
} echo_frame;
static void echo_init(void *fp, void *arg) {
    echo_frame *f = fp;
    f->fd = *(int *)arg;
    f->state = 0;
}
static ait_poll echo_poll(void *fp, ait_cx *cx, void *out) {
    echo_frame *f = fp;
    ssize_t r = 0;
    ait_poll p;
    for (;;) {
        switch (f->state) {
        case 0:
            ait_read_init(&f->u.r, f->fd, f->buf, sizeof f->buf);
            f->state = 1;
            /* fall through */
        case 1:
            if ((p = ait_read_poll(&f->u.r, cx, &r)) != AIT_READY)
                return p;
            ait_read_drop(&f->u.r);
            if (r <= 0) {
                close(f->fd);
                f->state = 4;
                atomic_fetch_add(&conns_served, 1);
                *(int *)out = (int)r;
                return AIT_READY;
            }
            f->have = r;
            f->off = 0;
            f->state = 2;
            break;
        case 2:
            ait_write_init(&f->u.w, f->fd, f->buf + f->off, (size_t)(f->have - f->off));
            f->state = 3;
            /* fall through */
        case 3:
            if ((p = ait_write_poll(&f->u.w, cx, &r)) != AIT_READY)
                return p;
            ait_write_drop(&f->u.w);
            if (r < 0) {
                close(f->fd);
                f->state = 4;
                *(int *)out = (int)r;
                return AIT_READY;
            }
            f->off += r;
            f->state = f->off == f->have ? 0 : 2;
            break;
        default:
            return ait_fail(cx, AIT_EPOISONED);
        }
    }
}
static void echo_drop(void *fp) {
    echo_frame *f = fp;
    if (f->state == 1)
        ait_read_drop(&f->u.r);
    else if (f->state == 3)
        ait_write_drop(&f->u.w);
    if (f->state != 4)
        close(f->fd);
}

/* acceptor: accepts n connections, spawns (and detaches) an echo each. */
typedef struct {
    int lfd, n, accepted, state;
    bool send;
    ait_accept_frame a;
} acceptor_frame;
static void acceptor_init(void *fp, void *arg) { *(acceptor_frame *)fp = *(acceptor_frame *)arg; }
static ait_poll acceptor_poll(void *fp, ait_cx *cx, void *out) {
    acceptor_frame *f = fp;
    while (f->accepted < f->n) {
        if (f->state == 0) {
            ait_accept_init(&f->a, f->lfd);
            f->state = 1;
        }
        int fd = -1;
        ait_poll p = ait_accept_poll(&f->a, cx, &fd);
        if (p != AIT_READY)
            return p;
        ait_accept_drop(&f->a);
        f->state = 0;
        if (fd < 0)
            return ait_fail(cx, fd);
        int fl = fcntl(fd, F_GETFL);
        assert_true(fl & O_NONBLOCK);
        ait_task *t = spawn_on(cx->rt, f->send, sizeof(echo_frame), _Alignof(echo_frame),
                               sizeof(int), echo_init, &fd, echo_poll, echo_drop);
        if (!t) {
            close(fd);
            return ait_fail(cx, -errno);
        }
        ait_task_detach(t);
        f->accepted++;
    }
    *(int *)out = f->accepted;
    return AIT_READY;
}
static void acceptor_drop(void *fp) {
    acceptor_frame *f = fp;
    if (f->state == 1)
        ait_accept_drop(&f->a);
}

/* client: connect, send MSG_LEN bytes, read them back, compare. */
typedef struct {
    struct sockaddr_in addr;
    int id, fd, state;
    size_t off;
    char msg[MSG_LEN], back[MSG_LEN];
    union { ait_connect_frame c; ait_write_frame w; ait_read_frame r; } u;
} client_frame;
static void client_init(void *fp, void *arg) {
    client_frame *f = fp;
    const client_frame *a = arg;
    f->addr = a->addr;
    f->id = a->id;
    f->fd = -1;
    f->state = 0;
    for (size_t i = 0; i < MSG_LEN; i++)
        f->msg[i] = (char)('a' + (f->id + (int)i) % 26);
}
static ait_poll client_poll(void *fp, ait_cx *cx, void *out) {
    client_frame *f = fp;
    ait_poll p;
    for (;;) {
        switch (f->state) {
        case 0:
            f->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            if (f->fd < 0)
                return ait_fail(cx, -errno);
            ait_connect_init(&f->u.c, f->fd, (struct sockaddr *)&f->addr, sizeof f->addr);
            f->state = 1;
            /* fall through */
        case 1: {
            int rc = 0;
            if ((p = ait_connect_poll(&f->u.c, cx, &rc)) != AIT_READY)
                return p;
            ait_connect_drop(&f->u.c);
            if (rc < 0)
                return ait_fail(cx, rc);
            f->off = 0;
            f->state = 2;
            break;
        }
        case 2:
            ait_write_init(&f->u.w, f->fd, f->msg + f->off, MSG_LEN - f->off);
            f->state = 3;
            /* fall through */
        case 3: {
            ssize_t r = 0;
            if ((p = ait_write_poll(&f->u.w, cx, &r)) != AIT_READY)
                return p;
            ait_write_drop(&f->u.w);
            if (r <= 0)
                return ait_fail(cx, r < 0 ? (int)r : -EIO);
            f->off += (size_t)r;
            f->state = f->off == MSG_LEN ? 4 : 2;
            if (f->state == 4)
                f->off = 0;
            break;
        }
        case 4:
            ait_read_init(&f->u.r, f->fd, f->back + f->off, MSG_LEN - f->off);
            f->state = 5;
            /* fall through */
        case 5: {
            ssize_t r = 0;
            if ((p = ait_read_poll(&f->u.r, cx, &r)) != AIT_READY)
                return p;
            ait_read_drop(&f->u.r);
            if (r <= 0)
                return ait_fail(cx, r < 0 ? (int)r : -EPIPE);
            f->off += (size_t)r;
            if (f->off < MSG_LEN) {
                f->state = 4;
                break;
            }
            close(f->fd);           /* the server's echo reads EOF */
            f->fd = -1;
            f->state = 6;
            *(int *)out = memcmp(f->msg, f->back, MSG_LEN) == 0 ? 0 : -EBADMSG;
            return AIT_READY;
        }
        default:
            return ait_fail(cx, AIT_EPOISONED);
        }
    }
}
static void client_drop(void *fp) {
    client_frame *f = fp;
    if (f->state == 1)
        ait_connect_drop(&f->u.c);
    else if (f->state == 3)
        ait_write_drop(&f->u.w);
    else if (f->state == 5)
        ait_read_drop(&f->u.r);
    if (f->fd >= 0)
        close(f->fd);
}

static void echo_many(int workers, bool send, const char *what) {
    use_counting_allocator();
    atomic_store(&conns_served, 0);
    ait_rt *rt = rt_with(workers);
    struct sockaddr_in addr;
    int lfd = listen_loopback(&addr, 1024);
    uint64_t t0 = ait_now_ns();
    acceptor_frame aarg = { .lfd = lfd, .n = CONNS, .send = send };
    ait_task *acc = spawn_on(rt, send, sizeof aarg, _Alignof(acceptor_frame), sizeof(int),
                             acceptor_init, &aarg, acceptor_poll, acceptor_drop);
    assert_non_null(acc);
    ait_task **clients = calloc(CONNS, sizeof *clients);
    assert_non_null(clients);
    for (int i = 0; i < CONNS; i++) {
        client_frame *arg = calloc(1, sizeof *arg);
        assert_non_null(arg);
        arg->addr = addr;
        arg->id = i;
        clients[i] = spawn_on(rt, send, sizeof(client_frame), _Alignof(client_frame),
                              sizeof(int), client_init, arg, client_poll, client_drop);
        free(arg);
        assert_non_null(clients[i]);
    }
    for (int i = 0; i < CONNS; i++) {
        int rc = 1, v = 1;
        assert_int_equal(ait_task_join_block_on(rt, &rc, clients[i], &v), 0);
        assert_int_equal(rc, 0);
        assert_int_equal(v, 0);         /* echoed byte for byte */
    }
    int rc = 1, accepted = 0;
    assert_int_equal(ait_task_join_block_on(rt, &rc, acc, &accepted), 0);
    assert_int_equal(rc, 0);
    assert_int_equal(accepted, CONNS);
    /* the echo tasks finish when they read the clients' EOF (60 s: far
     * past any load; the assert below is about behaviour, not speed) */
    uint64_t limit = ait_now_ns() + 60000000000u;
    while (atomic_load(&conns_served) < CONNS && ait_now_ns() < limit)
        assert_int_equal(ait_sleep_ms_block_on(rt, NULL, 1), 0);
    uint64_t t1 = ait_now_ns();
    assert_int_equal(atomic_load(&conns_served), CONNS);
    printf("[ timing   ] TCP echo, %d concurrent connections x %d bytes, %s: %.1f ms\n",
           CONNS, MSG_LEN, what, (double)(t1 - t0) / 1e6);
    free(clients);
    ait_rt_free(rt);
    close(lfd);
    assert_int_equal(ca_live(), 0);
}

static void test_tcp_echo_ct(void **state) {
    (void)state;
    echo_many(0, false, "current-thread runtime");
}
static void test_tcp_echo_mt(void **state) {
    (void)state;
    echo_many(2, true, "2 workers");
}

/* ---- connect refused ------------------------------------------------------------- */

static void test_connect_refused(void **state) {
    (void)state;
    /* a port that was free a moment ago and has no listener */
    int probe = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = { .sin_family = AF_INET };
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    assert_int_equal(bind(probe, (struct sockaddr *)&addr, sizeof addr), 0);
    assert_int_equal(getsockname(probe, (struct sockaddr *)&addr, &len), 0);
    close(probe);
    for (int workers = 0; workers <= 2; workers += 2) {
        ait_rt *rt = rt_with(workers);
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        int rc = 0;
        assert_int_equal(ait_connect_block_on(rt, &rc, fd, (struct sockaddr *)&addr, sizeof addr),
                         0);
        assert_int_equal(rc, -ECONNREFUSED);
        close(fd);
        /* a bad length is the output, not a runtime error */
        fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        assert_int_equal(ait_connect_block_on(rt, &rc, fd, (struct sockaddr *)&addr, 1000), 0);
        assert_int_equal(rc, -EINVAL);
        close(fd);
        ait_rt_free(rt);
    }
}

/* ---- a read timeout, raced by hand ------------------------------------------------ */

/* timed_read: polls a read and a sleep; the first READY wins, the other is
 * dropped at once (the read's registration goes with it). */
typedef struct {
    ait_read_frame r;
    ait_sleep_ms_frame s;
    char buf[16];
    int done;
} timed_read_frame;
static void timed_read_init(timed_read_frame *f, int fd, uint64_t ms) {
    ait_read_init(&f->r, fd, f->buf, sizeof f->buf);
    ait_sleep_ms_init(&f->s, ms);
    f->done = 0;
}
static ait_poll timed_read_poll(void *fp, ait_cx *cx, void *out) {
    timed_read_frame *f = fp;
    ssize_t r = 0;
    ait_poll p = ait_read_poll(&f->r, cx, &r);
    if (p == AIT_ERROR)
        return p;
    if (p == AIT_READY) {
        ait_sleep_ms_drop(&f->s);
        f->done = 1;
        *(ssize_t *)out = r;
        return AIT_READY;
    }
    ait_unit u;
    p = ait_sleep_ms_poll(&f->s, cx, &u);
    if (p == AIT_ERROR)
        return p;
    if (p == AIT_READY) {
        ait_read_drop(&f->r);      /* deregisters the fd */
        f->done = 2;
        *(ssize_t *)out = -ETIMEDOUT;
        return AIT_READY;
    }
    return AIT_PENDING;
}
static void timed_read_drop(timed_read_frame *f) {
    if (f->done != 1)
        ait_sleep_ms_drop(&f->s);
    if (f->done != 2)
        ait_read_drop(&f->r);
}

typedef struct { int fd; long ms; } later_arg;
static void *write_later(void *p) {
    later_arg *a = p;
    sleep_ms(a->ms);
    assert_int_equal(write(a->fd, "late", 4), 4);
    return NULL;
}

static void test_read_timeout(void **state) {
    (void)state;
    use_counting_allocator();
    for (int workers = 0; workers <= 2; workers += 2) {
        ait_rt *rt = rt_with(workers);
        int p[2];
        assert_int_equal(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
        /* nothing comes: the sleep wins */
        timed_read_frame f;
        timed_read_init(&f, p[0], 30);
        ssize_t out = 0;
        uint64_t t0 = ait_now_ns();
        assert_int_equal(ait_block_on(rt, &f, timed_read_poll, &out), 0);
        uint64_t took = ait_now_ns() - t0;
        timed_read_drop(&f);
        assert_int_equal(out, -ETIMEDOUT);
        assert_true(took >= 30000000u);            /* never early */
        /* data comes in time: the read wins (against a sleep no load
         * reaches, so only a read that never completes can lose) */
        pthread_t th;
        later_arg la = { p[1], 10 };
        assert_int_equal(pthread_create(&th, NULL, write_later, &la), 0);
        timed_read_init(&f, p[0], 60000);
        assert_int_equal(ait_block_on(rt, &f, timed_read_poll, &out), 0);
        timed_read_drop(&f);
        pthread_join(th, NULL);
        assert_int_equal(out, 4);
        assert_memory_equal(f.buf, "late", 4);
        ait_rt_free(rt);
        close(p[0]);
        close(p[1]);
    }
    assert_int_equal(ca_live(), 0);
}

/* ---- pending I/O is no deadlock; readiness; EOF; EPIPE -------------------------------- */

static void test_pending_io_no_deadlock(void **state) {
    (void)state;
    for (int workers = 0; workers <= 2; workers += 2) {
        ait_rt *rt = rt_with(workers);
        int p[2];
        assert_int_equal(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
        pthread_t th;
        later_arg la = { p[1], 40 };
        assert_int_equal(pthread_create(&th, NULL, write_later, &la), 0);
        int rc = 1;
        assert_int_equal(ait_readable_block_on(rt, &rc, p[0]), 0);   /* not -EDEADLK */
        assert_int_equal(rc, 0);
        char buf[8];
        ssize_t n = 0;
        assert_int_equal(ait_read_block_on(rt, &n, p[0], buf, sizeof buf), 0);
        assert_int_equal(n, 4);
        pthread_join(th, NULL);
        assert_int_equal(ait_writable_block_on(rt, &rc, p[1]), 0);
        assert_int_equal(rc, 0);
        close(p[1]);
        assert_int_equal(ait_read_block_on(rt, &n, p[0], buf, sizeof buf), 0);
        assert_int_equal(n, 0);                         /* EOF */
        assert_int_equal(ait_readable_block_on(rt, &rc, p[0]), 0);
        assert_int_equal(rc, 0);                        /* hung up counts */
        close(p[0]);
        assert_int_equal(ait_readable_block_on(rt, &rc, p[0]), 0);
        assert_int_equal(rc, -EBADF);
        assert_int_equal(ait_read_block_on(rt, &n, p[0], buf, sizeof buf), 0);
        assert_int_equal(n, -EBADF);
        /* a write whose reader is gone: -EPIPE (SIGPIPE is ignored in main) */
        assert_int_equal(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
        close(p[0]);
        assert_int_equal(ait_write_block_on(rt, &n, p[1], "x", 1), 0);
        assert_int_equal(n, -EPIPE);
        close(p[1]);
        ait_rt_free(rt);
    }
}

/* Several futures on one fd in one direction: two accepts on one socket. */
static void test_two_accepts_one_fd(void **state) {
    (void)state;
    use_counting_allocator();
    ait_rt *rt = rt_with(2);
    struct sockaddr_in addr;
    int lfd = listen_loopback(&addr, 16);
    ait_task *acc[2];
    for (int i = 0; i < 2; i++) {
        acceptor_frame a = { .lfd = lfd, .n = 3, .send = true };
        atomic_store(&conns_served, 0);
        acc[i] = ait_spawn(rt, sizeof a, _Alignof(acceptor_frame), sizeof(int), acceptor_init,
                           &a, acceptor_poll, acceptor_drop);
        assert_non_null(acc[i]);
    }
    sleep_ms(10);                       /* both are waiting on lfd now */
    ait_task *cl[6];
    for (int i = 0; i < 6; i++) {
        client_frame *arg = calloc(1, sizeof *arg);
        arg->addr = addr;
        arg->id = i;
        cl[i] = ait_spawn(rt, sizeof(client_frame), _Alignof(client_frame), sizeof(int),
                          client_init, arg, client_poll, client_drop);
        free(arg);
        assert_non_null(cl[i]);
    }
    for (int i = 0; i < 6; i++) {
        int rc = 1, v = 1;
        assert_int_equal(ait_task_join_block_on(rt, &rc, cl[i], &v), 0);
        assert_int_equal(rc, 0);
        assert_int_equal(v, 0);
    }
    for (int i = 0; i < 2; i++) {
        int rc = 1, n = 0;
        assert_int_equal(ait_task_join_block_on(rt, &rc, acc[i], &n), 0);
        assert_int_equal(n, 3);
    }
    ait_rt_free(rt);
    close(lfd);
    assert_int_equal(ca_live(), 0);
}

/* Polled by hand: under ait_cx_noop() only the syscall; a registered
 * frame dropped after its runtime was freed. */
static void test_noop_cx_and_late_drop(void **state) {
    (void)state;
    use_counting_allocator();
    int p[2];
    assert_int_equal(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
    char buf[8];
    ait_read_frame r;
    ait_read_init(&r, p[0], buf, sizeof buf);
    ssize_t n = 0;
    assert_int_equal(ait_read_poll(&r, ait_cx_noop(), &n), AIT_PENDING);
    assert_null(r.w.rt);
    assert_int_equal(write(p[1], "ab", 2), 2);
    assert_int_equal(ait_read_poll(&r, ait_cx_noop(), &n), AIT_READY);
    assert_int_equal(n, 2);
    assert_int_equal(ait_read_poll(&r, ait_cx_noop(), &n), AIT_ERROR);  /* poisoned */
    ait_read_drop(&r);

    for (int workers = 0; workers <= 2; workers += 2) {
        ait_rt *rt = rt_with(workers);
        ait_read_init(&r, p[0], buf, sizeof buf);
        ait_cx cx = { ait_waker_noop(), rt, 0 };
        assert_int_equal(ait_read_poll(&r, &cx, &n), AIT_PENDING);
        assert_non_null(r.w.rt);        /* listed on rt's reactor */
        ait_rt_free(rt);
        ait_read_drop(&r);              /* after the runtime: still safe */
        assert_null(r.w.rt);
    }
    close(p[0]);
    close(p[1]);
    assert_int_equal(ca_live(), 0);
}

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_pipe_ct, teardown),
        cmocka_unit_test_teardown(test_pipe_mt, teardown),
        cmocka_unit_test_teardown(test_tcp_echo_ct, teardown),
        cmocka_unit_test_teardown(test_tcp_echo_mt, teardown),
        cmocka_unit_test_teardown(test_connect_refused, teardown),
        cmocka_unit_test_teardown(test_read_timeout, teardown),
        cmocka_unit_test_teardown(test_pending_io_no_deadlock, teardown),
        cmocka_unit_test_teardown(test_two_accepts_one_fd, teardown),
        cmocka_unit_test_teardown(test_noop_cx_and_late_drop, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    ait_alloc_trim();
    return rc;
}
