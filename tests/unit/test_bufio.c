/* test_bufio.c: ait_bufreader (lines, delimiters, exact lengths, a line
 * too long, end of file part way, what is buffered) and ait_bufwriter
 * (put, bufwrite, flush once per batch, partial writes to a slow reader)
 * over socket pairs, fed by a peer thread where a read must wait; fill
 * and grow; ait_deadline (the idle timeout that moves). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
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

/* sv[0] nonblocking (the runtime's end), sv[1] blocking (the peer's). */
static void pair(int sv[2]) {
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    assert_int_equal(ait_fd_nonblock(sv[0]), 0);
}

/* A peer thread writing chunks with pauses, then closing its end. */
typedef struct {
    int fd;
    const char *chunks[8];
} feeder;
static void *feed(void *arg) {
    feeder *f = arg;
    for (int i = 0; i < 8 && f->chunks[i]; i++) {
        sleep_ms(2);
        if (write(f->fd, f->chunks[i], strlen(f->chunks[i])) < 0)
            break;
    }
    close(f->fd);
    return NULL;
}

/* A peer thread writing len bytes (blocking), then closing. */
typedef struct {
    int fd;
    const char *data;
    size_t len;
} blob;
static void *write_blob(void *arg) {
    blob *b = arg;
    sleep_ms(2);
    for (size_t off = 0; off < b->len;) {
        ssize_t n = write(b->fd, b->data + off, b->len - off);
        if (n <= 0)
            break;
        off += (size_t)n;
    }
    close(b->fd);
    return NULL;
}

static void expect_line(ait_bufreader *r, const char *want) {
    char *line = NULL;
    ssize_t n = -1;
    assert_int_equal(ait_bufread_line_block_on(NULL, &n, r, &line), 0);
    assert_int_equal(n, (ssize_t)strlen(want));
    assert_memory_equal(line, want, strlen(want));
}

static void test_lines(void **state) {
    (void)state;
    int sv[2];
    pair(sv);
    feeder fd = { sv[1], { "GET a", "\r\nSET b 1\r\nPI", "NG\r\n", "tail", NULL } };
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, feed, &fd), 0);
    ait_bufreader r;
    assert_int_equal(ait_bufreader_init(&r, sv[0], 64), 0);
    expect_line(&r, "GET a\r\n");
    expect_line(&r, "SET b 1\r\n");
    expect_line(&r, "PING\r\n");
    expect_line(&r, "tail");       /* end of file: what is left, no delimiter */
    ssize_t n = -1;
    assert_int_equal(ait_bufread_line_block_on(NULL, &n, &r, NULL), 0);
    assert_int_equal(n, 0);         /* then 0 */
    assert_true(r.eof);
    pthread_join(th, NULL);
    ait_bufreader_free(&r);
    ait_bufreader_free(&r);         /* twice: harmless */
    close(sv[0]);
}

static void test_until_and_buffered(void **state) {
    (void)state;
    int sv[2];
    pair(sv);
    const char *msg = "k1=v1;k2=v2;rest";
    assert_int_equal(write(sv[1], msg, strlen(msg)), (ssize_t)strlen(msg));
    ait_bufreader r;
    assert_int_equal(ait_bufreader_init(&r, sv[0], 32), 0);
    char *line;
    ssize_t n;
    assert_int_equal(ait_bufread_until_block_on(NULL, &n, &r, ';', &line), 0);
    assert_int_equal(n, 6);
    assert_memory_equal(line, "k1=v1;", 6);
    /* The rest is buffered already: a parser can see it without waiting. */
    assert_int_equal(ait_bufreader_buffered(&r), strlen(msg) - 6);
    assert_memory_equal(ait_bufreader_data(&r), "k2=v2;rest", 10);
    ait_bufreader_consume(&r, 3);
    assert_int_equal(ait_bufread_until_block_on(NULL, &n, &r, ';', &line), 0);
    assert_int_equal(n, 3);
    assert_memory_equal(line, "v2;", 3);
    ait_bufreader_consume(&r, 1000);    /* more than buffered: all */
    assert_int_equal(ait_bufreader_buffered(&r), 0);
    /* A line polled by hand: pending with nothing to read. */
    ait_rt *rt = ait_rt_new(NULL);
    assert_non_null(rt);
    ait_bufread_until_frame f;
    ait_bufread_until_init(&f, &r, ';', &line);
    ait_cx cx = { ait_waker_noop(), rt, 0 };
    assert_int_equal(ait_bufread_until_poll(&f, &cx, &n), AIT_PENDING);
    assert_int_equal(write(sv[1], "x;", 2), 2);
    ait_poll p;
    while ((p = ait_bufread_until_poll(&f, &cx, &n)) == AIT_PENDING)
        sleep_ms(1);
    assert_int_equal(p, AIT_READY);
    assert_int_equal(n, 2);
    assert_int_equal(ait_bufread_until_poll(&f, &cx, &n), AIT_ERROR);
    assert_int_equal(cx.error, AIT_EPOISONED);
    ait_bufread_until_drop(&f);
    ait_rt_free(rt);
    ait_bufreader_free(&r);
    close(sv[0]);
    close(sv[1]);
}

/* A line longer than the buffer: -EMSGSIZE, the buffer full and intact. */
static void test_line_too_long(void **state) {
    (void)state;
    int sv[2];
    pair(sv);
    assert_int_equal(write(sv[1], "0123456789\nok\n", 14), 14);
    ait_bufreader r;
    assert_int_equal(ait_bufreader_init(&r, sv[0], 8), 0);
    ssize_t n = 0;
    char *line;
    assert_int_equal(ait_bufread_line_block_on(NULL, &n, &r, &line), 0);
    assert_int_equal(n, -EMSGSIZE);
    assert_int_equal(ait_bufreader_buffered(&r), 8);
    assert_memory_equal(ait_bufreader_data(&r), "01234567", 8);
    /* Asking again changes nothing. */
    assert_int_equal(ait_bufread_line_block_on(NULL, &n, &r, &line), 0);
    assert_int_equal(n, -EMSGSIZE);
    /* The caller skips the long line and goes on. */
    ait_bufreader_consume(&r, ait_bufreader_buffered(&r));
    expect_line(&r, "89\n");
    expect_line(&r, "ok\n");
    /* A line of exactly the capacity fits. */
    assert_int_equal(write(sv[1], "1234567\n", 8), 8);
    expect_line(&r, "1234567\n");
    ait_bufreader_free(&r);
    close(sv[0]);
    close(sv[1]);
    assert_int_equal(ait_bufreader_init(&r, 0, 0), -EINVAL);
}

/* RESP-style framing: a header line, then an exact-length body, small
 * (through the buffer) and large (straight into the caller's buffer). */
static void test_exact(void **state) {
    (void)state;
    int sv[2];
    pair(sv);
    size_t big = 100000;
    char *body = malloc(big + 2);
    assert_non_null(body);
    for (size_t i = 0; i < big; i++)
        body[i] = (char)('a' + i % 26);
    memcpy(body + big, "\r\n", 2);
    feeder fd = { sv[1], { "$5\r\nhel", "lo\r\n$100000\r\n", NULL } };
    pthread_t th;
    int peer = dup(sv[1]);
    assert_true(peer >= 0);
    assert_int_equal(pthread_create(&th, NULL, feed, &fd), 0);
    pthread_join(th, NULL);         /* the feeder closed sv[1]; peer writes on */
    ait_bufreader r;
    assert_int_equal(ait_bufreader_init(&r, sv[0], 16), 0);
    expect_line(&r, "$5\r\n");
    char small[7];
    int rc = -1;
    assert_int_equal(ait_bufread_exact_block_on(NULL, &rc, &r, small, 7), 0);
    assert_int_equal(rc, 0);
    assert_memory_equal(small, "hello\r\n", 7);
    expect_line(&r, "$100000\r\n");
    /* The big body comes from a thread, so the read waits part way. */
    blob big_feed = { peer, body, big + 2 };
    assert_int_equal(pthread_create(&th, NULL, write_blob, &big_feed), 0);
    char *got = malloc(big + 2);
    assert_non_null(got);
    assert_int_equal(ait_bufread_exact_block_on(NULL, &rc, &r, got, big + 2), 0);
    assert_int_equal(rc, 0);
    assert_memory_equal(got, body, big + 2);
    pthread_join(th, NULL);
    /* At end of file: AIT_EEOF. */
    ait_bufread_exact_frame f;
    ait_bufread_exact_init(&f, &r, got, 10);
    ait_cx *cx = ait_cx_noop();
    assert_int_equal(ait_bufread_exact_poll(&f, cx, &rc), AIT_READY);
    assert_int_equal(rc, AIT_EEOF);
    assert_int_equal(f.done, 0);
    ait_bufread_exact_drop(&f);
    ait_bufreader_free(&r);
    free(body);
    free(got);
    close(sv[0]);
}

/* EOF part way through an exact read: AIT_EEOF, done says how much. */
static void test_exact_eof(void **state) {
    (void)state;
    int sv[2];
    pair(sv);
    feeder fd = { sv[1], { "abc", "def", NULL } };
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, feed, &fd), 0);
    ait_bufreader r;
    assert_int_equal(ait_bufreader_init(&r, sv[0], 4), 0);
    char buf[10];
    ait_bufread_exact_frame f;
    ait_bufread_exact_init(&f, &r, buf, sizeof buf);
    int rc = 0;
    ait_rt *rt = ait_rt_new(NULL);
    assert_non_null(rt);
    ait_cx cx = { ait_waker_noop(), rt, 0 };
    ait_poll p;
    while ((p = ait_bufread_exact_poll(&f, &cx, &rc)) == AIT_PENDING)
        sleep_ms(1);
    assert_int_equal(p, AIT_READY);
    assert_int_equal(rc, AIT_EEOF);
    assert_int_equal(f.done, 6);
    assert_memory_equal(buf, "abcdef", 6);
    ait_bufread_exact_drop(&f);
    pthread_join(th, NULL);
    ait_rt_free(rt);
    ait_bufreader_free(&r);
    close(sv[0]);
}

/* ---- the writer ------------------------------------------------------------------ */

typedef struct {
    int fd;
    size_t want, got;
    char *data;
    bool slow;
} drain;
static void *drain_run(void *arg) {
    drain *d = arg;
    while (d->got < d->want) {
        ssize_t n = read(d->fd, d->data + d->got, d->want - d->got < 2000 ? d->want - d->got : 2000);
        if (n <= 0)
            break;
        d->got += (size_t)n;
        if (d->slow)
            sleep_ms(1);
    }
    return NULL;
}

static void test_writer_batch(void **state) {
    (void)state;
    int sv[2];
    pair(sv);
    ait_bufwriter w;
    assert_int_equal(ait_bufwriter_init(&w, sv[0], 16), 0);
    /* Answers to a batch: put, put, put, then one flush. */
    assert_int_equal(ait_bufwriter_put(&w, "+OK\r\n", 5), 0);
    assert_int_equal(ait_bufwriter_put(&w, ":1\r\n", 4), 0);
    assert_int_equal(ait_bufwriter_put(&w, "$3\r\nbar\r\n", 9), 0);     /* grows past 16 */
    assert_int_equal(ait_bufwriter_buffered(&w), 18);
    char buf[64];
    assert_int_equal(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT), -1);  /* nothing written yet */
    int rc = -1;
    assert_int_equal(ait_bufflush_block_on(NULL, &rc, &w), 0);
    assert_int_equal(rc, 0);
    assert_int_equal(ait_bufwriter_buffered(&w), 0);
    assert_int_equal(read(sv[1], buf, sizeof buf), 18);
    assert_memory_equal(buf, "+OK\r\n:1\r\n$3\r\nbar\r\n", 18);
    /* ait_bufwrite: fits, so buffered, no syscall... */
    assert_int_equal(ait_bufwrite_block_on(NULL, &rc, &w, "abc", 3), 0);
    assert_int_equal(rc, 0);
    assert_int_equal(ait_bufwriter_buffered(&w), 3);
    /* ...does not fit: the buffer is flushed first, then the data goes
     * straight out (it is not smaller than the capacity). */
    char big[40];
    memset(big, 'z', sizeof big);
    assert_int_equal(ait_bufwrite_block_on(NULL, &rc, &w, big, sizeof big), 0);
    assert_int_equal(rc, 0);
    assert_int_equal(ait_bufwriter_buffered(&w), 0);
    assert_int_equal(read(sv[1], buf, sizeof buf), 43);
    assert_memory_equal(buf, "abczzz", 6);
    ait_bufwriter_free(&w);
    close(sv[0]);
    close(sv[1]);
}

/* A flush of 1 MB to a slow reader through a small socket buffer: many
 * partial writes, everything arrives in order. */
static void flush_partial(int workers) {
    int sv[2];
    pair(sv);
    int small = 4096;
    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
    size_t total = 1u << 20;
    char *src = malloc(total);
    assert_non_null(src);
    for (size_t i = 0; i < total; i++)
        src[i] = (char)(i * 31 + (i >> 12));
    drain d = { sv[1], total, 0, malloc(total), true };
    assert_non_null(d.data);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, drain_run, &d), 0);
    ait_bufwriter w;
    assert_int_equal(ait_bufwriter_init(&w, sv[0], 1024), 0);
    for (size_t off = 0; off < total; off += 1000)
        assert_int_equal(ait_bufwriter_put(&w, src + off, total - off < 1000 ? total - off : 1000), 0);
    ait_rt *rt = ait_rt_new(&(ait_rt_config){ .workers = workers });
    assert_non_null(rt);
    int rc = -1;
    assert_int_equal(ait_bufflush_block_on(rt, &rc, &w), 0);
    assert_int_equal(rc, 0);
    pthread_join(th, NULL);
    assert_int_equal(d.got, total);
    assert_memory_equal(d.data, src, total);
    ait_rt_free(rt);
    ait_bufwriter_free(&w);
    free(src);
    free(d.data);
    close(sv[0]);
    close(sv[1]);
}
static void test_flush_partial(void **state) { (void)state; flush_partial(0); }
static void test_flush_partial_mt(void **state) { (void)state; flush_partial(2); }

/* The peer is gone: the flush fails with -EPIPE and keeps the data. */
static void test_flush_error(void **state) {
    (void)state;
    int sv[2];
    pair(sv);
    close(sv[1]);
    ait_bufwriter w;
    assert_int_equal(ait_bufwriter_init(&w, sv[0], 8), 0);
    assert_int_equal(ait_bufwriter_put(&w, "lost", 4), 0);
    int rc = 0;
    assert_int_equal(ait_bufflush_block_on(NULL, &rc, &w), 0);
    assert_int_equal(rc, -EPIPE);
    assert_int_equal(ait_bufwriter_buffered(&w), 4);
    ait_bufwriter_free(&w);
    close(sv[0]);
}

/* ---- ait_bufread_fill, ait_bufreader_grow ---------------------------------------- */

/* Fill adds whatever arrived (waiting when nothing has), reports a full
 * buffer as -EMSGSIZE until it grows, then 0 at end of file. */
static void test_fill_and_grow(void **state) {
    (void)state;
    int sv[2];
    pair(sv);
    ait_bufreader r;
    assert_int_equal(ait_bufreader_init(&r, sv[0], 4), 0);
    feeder fd = { sv[1], { "ab", "cdefgh", NULL } };
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, feed, &fd), 0);
    ssize_t n = -1;
    assert_int_equal(ait_bufread_fill_block_on(NULL, &n, &r), 0);   /* waits for "ab" */
    assert_int_equal(n, 2);
    while (ait_bufreader_buffered(&r) < 4) {
        assert_int_equal(ait_bufread_fill_block_on(NULL, &n, &r), 0);
        assert_true(n > 0);
    }
    assert_memory_equal(ait_bufreader_data(&r), "abcd", 4);
    assert_int_equal(ait_bufread_fill_block_on(NULL, &n, &r), 0);
    assert_int_equal(n, -EMSGSIZE);                 /* full: nothing consumed */
    assert_int_equal(ait_bufreader_grow(&r, 16), 0);
    assert_memory_equal(ait_bufreader_data(&r), "abcd", 4);   /* kept */
    ait_bufreader_consume(&r, 1);
    while (ait_bufreader_buffered(&r) < 7) {
        assert_int_equal(ait_bufread_fill_block_on(NULL, &n, &r), 0);
        assert_true(n > 0);
    }
    assert_memory_equal(ait_bufreader_data(&r), "bcdefgh", 7);
    assert_int_equal(ait_bufread_fill_block_on(NULL, &n, &r), 0);
    assert_int_equal(n, 0);                         /* end of file */
    assert_true(r.eof);
    pthread_join(th, NULL);
    ait_bufreader_free(&r);
    close(sv[0]);
}

/* ---- ait_deadline: an idle timeout that moves -------------------------------------- */

/* A future that arms the deadline's wait, then pushes the deadline back
 * (past the time its timer is armed for), and waits on. */
typedef struct {
    ait_deadline *d;
    ait_deadline_wait_frame w;
    int polls;
    bool late;                  /* the first poll came after the first deadline */
    uint64_t due;               /* the deadline after the reset */
} moved_wait;

static ait_poll moved_wait_poll(void *fp, ait_cx *cx, void *out) {
    moved_wait *m = fp;
    (void)out;
    int r = -1;
    ait_poll p = ait_deadline_wait_poll(&m->w, cx, &r);
    if (m->polls++ == 0) {
        if (p == AIT_READY) {                      /* held off the CPU past the deadline */
            m->late = true;
            return p;
        }
        sleep_ms(2);
        ait_deadline_reset(m->d);                  /* later than the armed time */
        m->due = m->d->at;
    }
    return p;
}

/* The timer fires at the old time: the wait re-arms it and expires at the
 * new one, not before. A run whose first poll came after the first
 * deadline (a loaded machine) proves nothing and is run again. */
static bool deadline_moves_once(ait_rt *rt) {
    ait_deadline d;
    ait_deadline_init(&d, 100);
    moved_wait m = { &d, { NULL }, 0, false, 0 };
    ait_deadline_wait_init(&m.w, &d);
    assert_int_equal(ait_block_on(rt, &m, moved_wait_poll, NULL), 0);
    if (!m.late) {
        assert_true(ait_now_ns() >= m.due);
        assert_true(m.polls >= 2);
        assert_true(ait_deadline_expired(&d));
    }
    ait_deadline_wait_drop(&m.w);
    ait_deadline_free(&d);
    return !m.late;
}

static void deadline_moves(int workers) {
    ait_rt *rt = ait_rt_new(&(ait_rt_config){ .workers = workers });
    assert_non_null(rt);
    int tried = 0;
    while (tried < 20 && !deadline_moves_once(rt))
        tried++;
    assert_true(tried < 20);                        /* the case ran at least once */
    ait_rt_free(rt);
}

static void test_deadline_moves(void **state) { (void)state; deadline_moves(0); }
static void test_deadline_moves_mt(void **state) { (void)state; deadline_moves(2); }

/* Under ait_cx_noop it only compares the clock. */
static void test_deadline_noop(void **state) {
    (void)state;
    ait_deadline d;
    ait_deadline_init(&d, 0);
    ait_deadline_wait_frame f;
    ait_deadline_wait_init(&f, &d);
    int out = -1;
    assert_int_equal(ait_deadline_wait_poll(&f, ait_cx_noop(), &out), AIT_READY);
    assert_int_equal(out, 0);
    ait_deadline_init(&d, 60000);
    assert_int_equal(ait_deadline_wait_poll(&f, ait_cx_noop(), &out), AIT_PENDING);
    ait_deadline_wait_drop(&f);
    ait_deadline_free(&d);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lines),
        cmocka_unit_test(test_until_and_buffered),
        cmocka_unit_test(test_line_too_long),
        cmocka_unit_test(test_exact),
        cmocka_unit_test(test_exact_eof),
        cmocka_unit_test(test_writer_batch),
        cmocka_unit_test(test_flush_partial),
        cmocka_unit_test(test_flush_partial_mt),
        cmocka_unit_test(test_flush_error),
        cmocka_unit_test(test_fill_and_grow),
        cmocka_unit_test(test_deadline_moves),
        cmocka_unit_test(test_deadline_moves_mt),
        cmocka_unit_test(test_deadline_noop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
