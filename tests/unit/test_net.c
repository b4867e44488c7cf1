/* test_net.c: the TCP helpers (ait_tcp_listen, ait_tcp_connect,
 * ait_tcp_local_port, ait_tcp_set_nodelay) and the whole-buffer futures
 * ait_read_exact / ait_write_all, over loopback sockets on 127.0.0.1 and
 * ::1 (port 0 only). Partial writes come from a small send buffer and a
 * slow reader thread; EOF part way through a read_exact from a peer that
 * closes. No timing assertions. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
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

static void sleep_ms(long ms) {
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

static unsigned char pattern(size_t i) { return (unsigned char)(i * 13u + (i >> 10)); }

/* A connected pair through a listener on host (port 0): *client from
 * ait_tcp_connect, *server from ait_accept. False when host's family is
 * not available here (no IPv6). */
static bool tcp_pair(const char *host, int *client, int *server) {
    int lfd = ait_tcp_listen(host, 0, 8);
    if (lfd == -EADDRNOTAVAIL || lfd == -EAFNOSUPPORT)
        return false;
    assert_true(lfd >= 0);
    int port = ait_tcp_local_port(lfd);
    assert_true(port > 0);
    int c = -1, s = -1;
    assert_int_equal(ait_tcp_connect_block_on(NULL, &c, host, (uint16_t)port), 0);
    assert_true(c >= 0);
    assert_int_equal(ait_accept_block_on(NULL, &s, lfd), 0);
    assert_true(s >= 0);
    ait_close(lfd);
    *client = c;
    *server = s;
    return true;
}

static void exchange(const char *host) {
    int c, s;
    if (!tcp_pair(host, &c, &s))
        skip();
    assert_int_equal(ait_tcp_set_nodelay(c, true), 0);
    int v = 0;
    socklen_t l = sizeof v;
    assert_int_equal(getsockopt(c, IPPROTO_TCP, TCP_NODELAY, &v, &l), 0);
    assert_int_not_equal(v, 0);
    assert_true(fcntl(c, F_GETFL) & O_NONBLOCK);
    int rc = -1;
    assert_int_equal(ait_write_all_block_on(NULL, &rc, c, "hello, tcp", 10), 0);
    assert_int_equal(rc, 0);
    char buf[10];
    assert_int_equal(ait_read_exact_block_on(NULL, &rc, s, buf, sizeof buf), 0);
    assert_int_equal(rc, 0);
    assert_memory_equal(buf, "hello, tcp", 10);
    ait_close(c);
    ait_close(s);
}

static void test_ipv4(void **state) { (void)state; exchange("127.0.0.1"); }
static void test_ipv6(void **state) { (void)state; exchange("::1"); }
static void test_name(void **state) { (void)state; exchange("localhost"); }

static void test_listen_errors(void **state) {
    (void)state;
    int a = ait_tcp_listen("127.0.0.1", 0, 0);
    assert_true(a >= 0);
    int port = ait_tcp_local_port(a);
    /* SO_REUSEADDR does not let two listeners share a port. */
    assert_int_equal(ait_tcp_listen("127.0.0.1", (uint16_t)port, 4), -EADDRINUSE);
    ait_close(a);
    assert_int_equal(ait_tcp_local_port(-1), -EBADF);
    assert_int_equal(ait_tcp_set_nodelay(-1, true), -EBADF);
}

static void test_connect_refused(void **state) {
    (void)state;
    int lfd = ait_tcp_listen("127.0.0.1", 0, 1);
    assert_true(lfd >= 0);
    int port = ait_tcp_local_port(lfd);
    ait_close(lfd);                     /* nobody listens there now */
    int rc = 0;
    assert_int_equal(ait_tcp_connect_block_on(NULL, &rc, "127.0.0.1", (uint16_t)port), 0);
    assert_int_equal(rc, -ECONNREFUSED);
}

/* ---- partial writes: a small send buffer and a slow reader --------------------- */

#define BIG (512u * 1024u)

typedef struct {
    int fd;
    size_t got;
    bool bad;
} slow_reader;

static void *slow_read(void *arg) {
    slow_reader *r = arg;
    int fl = fcntl(r->fd, F_GETFL);
    fcntl(r->fd, F_SETFL, fl & ~O_NONBLOCK);
    unsigned char buf[3000];
    while (r->got < BIG) {
        ssize_t n = read(r->fd, buf, sizeof buf);
        if (n <= 0)
            break;
        for (ssize_t i = 0; i < n; i++)
            if (buf[i] != pattern(r->got + (size_t)i))
                r->bad = true;
        r->got += (size_t)n;
        if (r->got % 16 == 0)
            sleep_ms(1);            /* slow: the writer fills its buffer */
    }
    return NULL;
}

static ait_poll write_all_erased(void *f, ait_cx *cx, void *out) {
    return ait_write_all_poll(f, cx, out);
}
static ait_poll read_exact_erased(void *f, ait_cx *cx, void *out) {
    return ait_read_exact_poll(f, cx, out);
}

static void write_all_partial(int workers) {
    int c, s;
    assert_true(tcp_pair("127.0.0.1", &c, &s));
    int small = 4096;
    setsockopt(c, SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
    setsockopt(s, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    unsigned char *data = malloc(BIG);
    assert_non_null(data);
    for (size_t i = 0; i < BIG; i++)
        data[i] = pattern(i);
    slow_reader r = { s, 0, false };
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, slow_read, &r), 0);
    ait_rt *rt = ait_rt_new(&(ait_rt_config){ .workers = workers });
    assert_non_null(rt);
    ait_write_all_frame f;
    ait_write_all_init(&f, c, data, BIG);
    int out = -1;
    assert_int_equal(ait_block_on(rt, &f, write_all_erased, &out), 0);
    assert_int_equal(out, 0);
    assert_int_equal(f.done, BIG);
    ait_write_all_drop(&f);
    /* Polled after completion: a defined error. */
    ait_cx *cx = ait_cx_noop();
    assert_int_equal(ait_write_all_poll(&f, cx, &out), AIT_ERROR);
    assert_int_equal(ait_cx_error(cx), AIT_EPOISONED);
    pthread_join(th, NULL);
    assert_int_equal(r.got, BIG);
    assert_false(r.bad);
    ait_rt_free(rt);
    free(data);
    ait_close(c);
    ait_close(s);
}

static void test_write_all_partial(void **state) { (void)state; write_all_partial(0); }
static void test_write_all_partial_mt(void **state) { (void)state; write_all_partial(2); }

/* read_exact across many small writes of a peer thread. */
typedef struct {
    int fd;
    size_t n;
} trickle;
static void *trickle_write(void *arg) {
    trickle *t = arg;
    int fl = fcntl(t->fd, F_GETFL);
    fcntl(t->fd, F_SETFL, fl & ~O_NONBLOCK);
    for (size_t off = 0; off < t->n;) {
        unsigned char b[700];
        size_t k = t->n - off < sizeof b ? t->n - off : sizeof b;
        for (size_t i = 0; i < k; i++)
            b[i] = pattern(off + i);
        ssize_t w = write(t->fd, b, k);
        if (w <= 0)
            break;
        off += (size_t)w;
        sleep_ms(1);
    }
    shutdown(t->fd, SHUT_WR);       /* EOF after n bytes */
    return NULL;
}

static void test_read_exact_eof(void **state) {
    (void)state;
    int c, s;
    assert_true(tcp_pair("127.0.0.1", &c, &s));
    trickle t = { c, 20000 };
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, trickle_write, &t), 0);
    unsigned char *buf = malloc(30000);
    assert_non_null(buf);
    /* The first 15000 bytes: exactly, from several writes. */
    int out = -1;
    assert_int_equal(ait_read_exact_block_on(NULL, &out, s, buf, 15000), 0);
    assert_int_equal(out, 0);
    for (size_t i = 0; i < 15000; i++)
        assert_int_equal(buf[i], pattern(i));
    /* Then 10000 more asked, 5000 left before EOF: AIT_EEOF, done 5000. */
    ait_read_exact_frame f;
    ait_read_exact_init(&f, s, buf, 10000);
    assert_int_equal(ait_block_on(NULL, &f, read_exact_erased, &out), 0);
    assert_int_equal(out, AIT_EEOF);
    assert_int_equal(f.done, 5000);
    for (size_t i = 0; i < 5000; i++)
        assert_int_equal(buf[i], pattern(15000 + i));
    ait_read_exact_drop(&f);
    /* Zero bytes: ready at once, even at EOF. */
    assert_int_equal(ait_read_exact_block_on(NULL, &out, s, buf, 0), 0);
    assert_int_equal(out, 0);
    pthread_join(th, NULL);
    free(buf);
    ait_close(c);
    ait_close(s);
}

/* Dropping a pending read_exact part way: the frame lets go of the fd. */
static void test_read_exact_drop_pending(void **state) {
    (void)state;
    int c, s;
    assert_true(tcp_pair("127.0.0.1", &c, &s));
    ait_rt *rt = ait_rt_new(NULL);
    assert_non_null(rt);
    assert_int_equal(write(c, "abc", 3), 3);
    char buf[8];
    ait_read_exact_frame f;
    ait_read_exact_init(&f, s, buf, sizeof buf);
    ait_cx cx = { ait_waker_noop(), rt, 0 };
    int out = 0;
    assert_int_equal(ait_read_exact_poll(&f, &cx, &out), AIT_PENDING);
    assert_int_equal(f.done, 3);
    ait_read_exact_drop(&f);
    ait_rt_free(rt);
    ait_close(c);
    ait_close(s);
}

/* ---- kept registrations: fds of the TCP helpers stay registered ---------------- */

static ait_poll read_erased(void *f, ait_cx *cx, void *out) { return ait_read_poll(f, cx, out); }

/* Reads from fd under rt with block_on: the bytes read. */
static ssize_t read_now(ait_rt *rt, int fd, char *buf, size_t n) {
    ait_read_frame f;
    ait_read_init(&f, fd, buf, n);
    ssize_t got = -1;
    assert_int_equal(ait_block_on(rt, &f, read_erased, &got), 0);
    ait_read_drop(&f);
    return got;
}

/* Lists a read waiter on fd (registering it), then drops it. */
static void register_fd(ait_rt *rt, int fd) {
    char buf[8];
    ait_read_frame f;
    ait_read_init(&f, fd, buf, sizeof buf);
    ait_cx cx = { ait_waker_noop(), rt, 0 };
    ssize_t got;
    assert_int_equal(ait_read_poll(&f, &cx, &got), AIT_PENDING);
    ait_read_drop(&f);
}

/* A connected pair on loopback and a runtime whose reactor keeps s. */
static ait_rt *kept_pair(int *c, int *s) {
    assert_true(tcp_pair("127.0.0.1", c, s));
    ait_rt *rt = ait_rt_new(NULL);
    assert_non_null(rt);
    register_fd(rt, *s);
    return rt;
}

/* A short read on a kept stream socket drains it: the next read waits for
 * the next event without a syscall (data that came meanwhile is not seen
 * until the reactor reports it), and that event wakes it. */
static void test_kept_short_read(void **state) {
    (void)state;
    int c, s;
    ait_rt *rt = kept_pair(&c, &s);
    char buf[16];
    assert_int_equal(write(c, "abc", 3), 3);
    assert_int_equal(read_now(rt, s, buf, sizeof buf), 3);     /* short: drained */
    assert_int_equal(write(c, "de", 2), 2);
    ait_read_frame f;
    ait_read_init(&f, s, buf, sizeof buf);
    ait_cx cx = { ait_waker_noop(), rt, 0 };
    ssize_t got = -1;
    assert_int_equal(ait_read_poll(&f, &cx, &got), AIT_PENDING);  /* no read(2) tried */
    assert_int_equal(ait_block_on(rt, &f, read_erased, &got), 0); /* the event wakes it */
    assert_int_equal(got, 2);
    assert_memory_equal(buf, "de", 2);
    ait_read_drop(&f);
    ait_rt_free(rt);
    ait_close(c);
    ait_close(s);
}

/* The peer's data and its end of file reach the reactor before the read:
 * the short read that takes the data does not make the fd idle, since the
 * EOF's event came and went already (the next read says 0, not waits). */
static void test_kept_eof_after_short_read(void **state) {
    (void)state;
    int c, s;
    ait_rt *rt = kept_pair(&c, &s);
    assert_int_equal(write(c, "ab", 2), 2);
    assert_int_equal(shutdown(c, SHUT_WR), 0);
    assert_int_equal(ait_sleep_ms_block_on(rt, NULL, 5), 0);  /* the reactor sees both */
    char buf[16];
    assert_int_equal(read_now(rt, s, buf, sizeof buf), 2);     /* short */
    assert_int_equal(read_now(rt, s, buf, sizeof buf), 0);     /* EOF */
    ait_rt_free(rt);
    ait_close(c);
    ait_close(s);
}

/* A read that drained a kept socket leaves the fd known idle, but what it
 * buffered is still handed out without waiting: the buffered reader's
 * futures skip only their syscall. */
static void test_kept_buffered_lines(void **state) {
    (void)state;
    int c, s;
    ait_rt *rt = kept_pair(&c, &s);
    ait_bufreader r;
    assert_int_equal(ait_bufreader_init(&r, s, 64), 0);
    assert_int_equal(write(c, "one\ntwo\n", 8), 8);
    ssize_t n = -1;
    char *line = NULL;
    assert_int_equal(ait_bufread_line_block_on(rt, &n, &r, &line), 0);   /* a short read */
    assert_int_equal(n, 4);
    ait_bufread_line_frame f;
    ait_bufread_line_init(&f, &r, &line);
    ait_cx cx = { ait_waker_noop(), rt, 0 };
    assert_int_equal(ait_bufread_line_poll(&f, &cx, &n), AIT_READY);   /* from the buffer */
    assert_int_equal(n, 4);
    assert_memory_equal(line, "two\n", 4);
    ait_bufread_line_drop(&f);
    ait_bufreader_free(&r);
    ait_rt_free(rt);
    ait_close(c);
    ait_close(s);
}

/* A new file under the number of a kept fd is registered afresh: after
 * ait_close, and after a plain close when ait_fd_nonblock says so. */
static void reuse_number(bool with_ait_close) {
    int c, s;
    ait_rt *rt = kept_pair(&c, &s);
    int num = s;
    if (with_ait_close)
        assert_int_equal(ait_close(s), 0);
    else
        close(s);
    int p[2];
    assert_int_equal(pipe(p), 0);
    if (p[0] != num) {                          /* a pipe under the socket's number */
        assert_int_equal(dup2(p[0], num), num);
        close(p[0]);
    }
    if (!with_ait_close)
        assert_int_equal(ait_fd_nonblock(num), 0);
    else
        assert_int_equal(fcntl(num, F_SETFL, O_NONBLOCK), 0);
    assert_int_equal(write(p[1], "xy", 2), 2);
    char buf[8];
    assert_int_equal(read_now(rt, num, buf, sizeof buf), 2);
    register_fd(rt, num);                       /* waits, woken by the next write */
    assert_int_equal(write(p[1], "z", 1), 1);
    assert_int_equal(read_now(rt, num, buf, sizeof buf), 1);
    ait_rt_free(rt);
    close(num);
    close(p[1]);
    ait_close(c);
}

static void test_reuse_after_ait_close(void **state) { (void)state; reuse_number(true); }
static void test_reuse_after_close_nonblock(void **state) { (void)state; reuse_number(false); }

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ipv4),
        cmocka_unit_test(test_ipv6),
        cmocka_unit_test(test_name),
        cmocka_unit_test(test_listen_errors),
        cmocka_unit_test(test_connect_refused),
        cmocka_unit_test(test_write_all_partial),
        cmocka_unit_test(test_write_all_partial_mt),
        cmocka_unit_test(test_read_exact_eof),
        cmocka_unit_test(test_read_exact_drop_pending),
        cmocka_unit_test(test_kept_short_read),
        cmocka_unit_test(test_kept_buffered_lines),
        cmocka_unit_test(test_kept_eof_after_short_read),
        cmocka_unit_test(test_reuse_after_ait_close),
        cmocka_unit_test(test_reuse_after_close_nonblock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
