/* test_mt_io.c: readiness on the workers of a multi-threaded runtime.
 *
 * The workers drive the reactor themselves (a parked worker waits in
 * epoll_wait), so these check that no wake-up is lost on that path:
 * many loopback TCP connections ping-ponging counters at once (1 and 2
 * workers), timers in send tasks, I/O while every worker is busy (a task
 * that keeps yielding never lets its worker park, so the events come in
 * through the busy worker's periodic look at the reactor), and that no
 * extra I/O thread exists. Results are asserted, never timings. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "ait.h"

static ait_rt *rt_with(int workers) {
    ait_rt_config cfg = { .workers = workers };
    ait_rt *rt = ait_rt_new(&cfg);
    assert_non_null(rt);
    return rt;
}

/* n connected loopback TCP pairs (made before any runtime runs), both
 * ends nonblocking: cli[i] <-> srv[i]. */
static void tcp_pairs(int n, int *cli, int *srv) {
    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(lfd >= 0);
    struct sockaddr_in addr = { .sin_family = AF_INET };
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    assert_int_equal(bind(lfd, (struct sockaddr *)&addr, sizeof addr), 0);
    assert_int_equal(listen(lfd, n), 0);
    assert_int_equal(getsockname(lfd, (struct sockaddr *)&addr, &len), 0);
    for (int i = 0; i < n; i++) {
        cli[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        assert_true(cli[i] >= 0);
        assert_int_equal(connect(cli[i], (struct sockaddr *)&addr, sizeof addr), 0);
        srv[i] = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
        assert_true(srv[i] >= 0);
        assert_int_equal(ait_fd_nonblock(cli[i]), 0);
        assert_int_equal(ait_fd_nonblock(srv[i]), 0);
    }
    close(lfd);
}

/* ---- ping-pong: a counter goes back and forth, +1 each way ----------------------- */

enum { PP_SEND, PP_SENDING, PP_RECV, PP_RECVING, PP_DONE };

typedef struct {
    int fd, state, rounds, done;
    bool server;
    uint64_t val;
    size_t off;
    unsigned char buf[8];
    union { ait_read_frame r; ait_write_frame w; } u;
} pp_frame;

typedef struct { int fd, rounds; bool server; } pp_arg;

static void pp_init(void *fp, void *arg) {
    pp_frame *f = fp;
    const pp_arg *a = arg;
    memset(f, 0, sizeof *f);
    f->fd = a->fd;
    f->rounds = a->rounds;
    f->server = a->server;
    f->state = a->server ? PP_RECV : PP_SEND;
    f->val = 1000;
}

/* Client: sends val, expects val + 1, then val + 2...; server: expects
 * val, answers val + 1, until EOF. Output: rounds done (client: each
 * reply checked; server: each request answered), or -1 on a wrong value. */
static ait_poll pp_poll(void *fp, ait_cx *cx, void *out) {
    pp_frame *f = fp;
    ssize_t r = 0;
    ait_poll p;
    for (;;) {
        switch (f->state) {
        case PP_SEND:
            if (f->off == 0) {
                uint64_t v = f->server ? f->val + 1 : f->val;
                memcpy(f->buf, &v, 8);
            }
            ait_write_init(&f->u.w, f->fd, f->buf + f->off, 8 - f->off);
            f->state = PP_SENDING;
            /* fall through */
        case PP_SENDING:
            if ((p = ait_write_poll(&f->u.w, cx, &r)) != AIT_READY)
                return p;
            ait_write_drop(&f->u.w);
            if (r <= 0)
                return ait_fail(cx, r < 0 ? (int)r : -EIO);
            f->off += (size_t)r;
            if (f->off < 8) {
                f->state = PP_SEND;
                break;
            }
            f->off = 0;
            if (f->server) {
                f->done++;
                f->val += 2;
            }
            f->state = PP_RECV;
            break;
        case PP_RECV:
            ait_read_init(&f->u.r, f->fd, f->buf + f->off, 8 - f->off);
            f->state = PP_RECVING;
            /* fall through */
        case PP_RECVING:
            if ((p = ait_read_poll(&f->u.r, cx, &r)) != AIT_READY)
                return p;
            ait_read_drop(&f->u.r);
            if (r < 0)
                return ait_fail(cx, (int)r);
            if (r == 0) {
                /* EOF: the end for a server between requests */
                f->state = PP_DONE + 1;
                *(int *)out = f->server && f->off == 0 ? f->done : -1;
                return AIT_READY;
            }
            f->off += (size_t)r;
            if (f->off < 8) {
                f->state = PP_RECV;
                break;
            }
            f->off = 0;
            uint64_t got;
            memcpy(&got, f->buf, 8);
            if (got != f->val + (f->server ? 0 : 1)) {
                f->state = PP_DONE + 1;
                *(int *)out = -1;
                return AIT_READY;
            }
            if (!f->server) {
                f->done++;
                f->val += 2;
            }
            f->state = !f->server && f->done == f->rounds ? PP_DONE : PP_SEND;
            break;
        case PP_DONE:
            if (f->server)
                return ait_fail(cx, AIT_EPOISONED);
            shutdown(f->fd, SHUT_WR);   /* the server reads EOF */
            f->state = PP_DONE + 1;
            *(int *)out = f->done;
            return AIT_READY;
        default:
            return ait_fail(cx, AIT_EPOISONED);
        }
    }
}

static void pp_drop(void *fp) {
    pp_frame *f = fp;
    if (f->state == PP_SENDING)
        ait_write_drop(&f->u.w);
    else if (f->state == PP_RECVING)
        ait_read_drop(&f->u.r);
}

static ait_task *spawn_pp(ait_rt *rt, int fd, int rounds, bool server) {
    pp_arg a = { fd, rounds, server };
    ait_task *t = ait_spawn(rt, sizeof(pp_frame), _Alignof(pp_frame), sizeof(int), pp_init, &a,
                            pp_poll, pp_drop);
    assert_non_null(t);
    return t;
}

#define PP_CONNS 48
#define PP_ROUNDS 200

static void pingpong(int workers) {
    int cli[PP_CONNS], srv[PP_CONNS];
    tcp_pairs(PP_CONNS, cli, srv);
    ait_rt *rt = rt_with(workers);
    ait_task *ts[PP_CONNS], *tc[PP_CONNS];
    for (int i = 0; i < PP_CONNS; i++) {
        ts[i] = spawn_pp(rt, srv[i], 0, true);
        tc[i] = spawn_pp(rt, cli[i], PP_ROUNDS, false);
    }
    for (int i = 0; i < PP_CONNS; i++) {
        int rc = 1, v = 0;
        assert_int_equal(ait_task_join_block_on(rt, &rc, tc[i], &v), 0);
        assert_int_equal(rc, 0);
        assert_int_equal(v, PP_ROUNDS);
        assert_int_equal(ait_task_join_block_on(rt, &rc, ts[i], &v), 0);
        assert_int_equal(rc, 0);
        assert_int_equal(v, PP_ROUNDS);
    }
    ait_rt_free(rt);
    for (int i = 0; i < PP_CONNS; i++) {
        close(cli[i]);
        close(srv[i]);
    }
}

static void test_pingpong_1_worker(void **state) {
    (void)state;
    pingpong(1);
}

static void test_pingpong_2_workers(void **state) {
    (void)state;
    pingpong(2);
}

static void test_pingpong_4_workers(void **state) {
    (void)state;
    pingpong(4);
}

/* ---- I/O while every worker is busy ------------------------------------------------ */

/* spinner: yields until *stop is set (or a bound is reached: then -1);
 * counts itself in spinners_started at its first poll. */
static atomic_int spinners_started;
typedef struct { atomic_int *stop; long n; ait_yield_frame y; bool armed; } spin_frame;
static void spin_init(void *fp, void *arg) {
    spin_frame *f = fp;
    f->stop = arg;
    f->n = 0;
    f->armed = false;
}
static ait_poll spin_poll(void *fp, ait_cx *cx, void *out) {
    spin_frame *f = fp;
    for (;;) {
        if (!f->armed) {
            if (atomic_load(f->stop)) {
                *(long *)out = f->n;
                return AIT_READY;
            }
            if (f->n == 0)
                atomic_fetch_add(&spinners_started, 1);
            if (++f->n > 200000000L) {
                *(long *)out = -1;
                return AIT_READY;
            }
            ait_yield_init(&f->y);
            f->armed = true;
        }
        ait_unit u;
        ait_poll p = ait_yield_poll(&f->y, cx, &u);
        if (p != AIT_READY)
            return p;
        ait_yield_drop(&f->y);
        f->armed = false;
    }
}
static void spin_drop(void *fp) {
    spin_frame *f = fp;
    if (f->armed)
        ait_yield_drop(&f->y);
}

static void test_io_while_workers_busy(void **state) {
    (void)state;
    for (int workers = 1; workers <= 2; workers++) {
        int cli[4], srv[4];
        tcp_pairs(4, cli, srv);
        ait_rt *rt = rt_with(workers);
        atomic_int stop = 0;
        ait_task *spin[2];
        atomic_store(&spinners_started, 0);
        for (int i = 0; i < workers; i++) {
            spin[i] = ait_spawn(rt, sizeof(spin_frame), _Alignof(spin_frame), sizeof(long),
                                spin_init, &stop, spin_poll, spin_drop);
            assert_non_null(spin[i]);
        }
        while (atomic_load(&spinners_started) < workers)   /* every worker busy now */
            sched_yield();
        ait_task *ts[4], *tc[4];
        for (int i = 0; i < 4; i++) {
            ts[i] = spawn_pp(rt, srv[i], 0, true);
            tc[i] = spawn_pp(rt, cli[i], 50, false);
        }
        for (int i = 0; i < 4; i++) {
            int rc = 1, v = 0;
            assert_int_equal(ait_task_join_block_on(rt, &rc, tc[i], &v), 0);
            assert_int_equal(v, 50);
            assert_int_equal(ait_task_join_block_on(rt, &rc, ts[i], &v), 0);
            assert_int_equal(v, 50);
        }
        atomic_store(&stop, 1);
        for (int i = 0; i < workers; i++) {
            int rc = 1;
            long n = 0;
            assert_int_equal(ait_task_join_block_on(rt, &rc, spin[i], &n), 0);
            assert_true(n > 0);             /* stopped by the flag, not the bound */
        }
        ait_rt_free(rt);
        for (int i = 0; i < 4; i++) {
            close(cli[i]);
            close(srv[i]);
        }
    }
}

/* ---- timers in send tasks -------------------------------------------------------------- */

typedef struct { int left, done; bool armed; ait_sleep_ms_frame s; } naps_frame;
static void naps_init(void *fp, void *arg) {
    naps_frame *f = fp;
    f->left = *(int *)arg;
    f->done = 0;
    f->armed = false;
}
static ait_poll naps_poll(void *fp, ait_cx *cx, void *out) {
    naps_frame *f = fp;
    while (f->left > 0) {
        if (!f->armed) {
            ait_sleep_ms_init(&f->s, (uint64_t)(f->left % 3));
            f->armed = true;
        }
        ait_unit u;
        ait_poll p = ait_sleep_ms_poll(&f->s, cx, &u);
        if (p != AIT_READY)
            return p;
        ait_sleep_ms_drop(&f->s);
        f->armed = false;
        f->left--;
        f->done++;
    }
    *(int *)out = f->done;
    return AIT_READY;
}
static void naps_drop(void *fp) {
    naps_frame *f = fp;
    if (f->armed)
        ait_sleep_ms_drop(&f->s);
}

static void test_timers_on_workers(void **state) {
    (void)state;
    for (int workers = 1; workers <= 2; workers++) {
        ait_rt *rt = rt_with(workers);
        ait_task *t[32];
        int n = 20;
        for (int i = 0; i < 32; i++) {
            t[i] = ait_spawn(rt, sizeof(naps_frame), _Alignof(naps_frame), sizeof(int),
                             naps_init, &n, naps_poll, naps_drop);
            assert_non_null(t[i]);
        }
        for (int i = 0; i < 32; i++) {
            int rc = 1, v = 0;
            assert_int_equal(ait_task_join_block_on(rt, &rc, t[i], &v), 0);
            assert_int_equal(rc, 0);
            assert_int_equal(v, 20);
        }
        /* the root's own sleep on a multi-threaded runtime: fired by a worker */
        assert_int_equal(ait_sleep_ms_block_on(rt, NULL, 2), 0);
        ait_rt_free(rt);
    }
}

/* ---- no thread between the reactor and the workers ------------------------------------ */

/* Threads of this process whose name starts with prefix. */
static int threads_named(const char *prefix) {
    DIR *d = opendir("/proc/self/task");
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[300], name[64] = "";
        snprintf(path, sizeof path, "/proc/self/task/%s/comm", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        if (fgets(name, sizeof name, f) && strncmp(name, prefix, strlen(prefix)) == 0)
            n++;
        fclose(f);
    }
    closedir(d);
    return n;
}

static void test_only_worker_threads(void **state) {
    (void)state;
    int before = threads_named("ait-"), workers = threads_named("ait-worker-");
    ait_rt *rt = rt_with(3);
    assert_int_equal(threads_named("ait-worker-") - workers, 3);
    assert_int_equal(threads_named("ait-") - before, 3);   /* no I/O thread */
    ait_rt_free(rt);
    assert_int_equal(threads_named("ait-") - before, 0);
}

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pingpong_1_worker),
        cmocka_unit_test(test_pingpong_2_workers),
        cmocka_unit_test(test_pingpong_4_workers),
        cmocka_unit_test(test_io_while_workers_busy),
        cmocka_unit_test(test_timers_on_workers),
        cmocka_unit_test(test_only_worker_threads),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    ait_alloc_trim();
    return rc;
}
