/* test_hostloop.c: a current-thread runtime driven by a host loop
 * (ait_rt_loop_fd / _timeout / _run): the fd is readable exactly when
 * there is work (a spawn from outside a run, an fd event, a wake from
 * another thread), the timeout follows the timers, runs never block, and
 * the calls refuse multi-threaded runtimes and nesting in block_on. Every
 * wait is bounded. */
#define _GNU_SOURCE             /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "ait.h"

/* Whether fd is readable within ms. */
static bool readable(int fd, int ms) {
    struct pollfd p = { .fd = fd, .events = POLLIN };
    return poll(&p, 1, ms) == 1 && (p.revents & POLLIN);
}

/* ---- futures written by hand ------------------------------------------- */

/* Ready at once; counts its polls. */
static int done_polls;
static ait_poll done_poll(void *f, ait_cx *cx, void *out) {
    (void)f, (void)cx, (void)out;
    done_polls++;
    return AIT_READY;
}
static void no_drop(void *f) { (void)f; }

/* Sleeps ms, then ready. */
typedef struct nap_frame {
    ait_sleep_ms_frame sleep;
} nap_frame;
static void nap_init(void *f, void *arg) { ait_sleep_ms_init(&((nap_frame *)f)->sleep, (uint64_t)(uintptr_t)arg); }
static ait_poll nap_poll(void *f, ait_cx *cx, void *out) {
    (void)out;
    ait_sleep_ms_output u;
    return ait_sleep_ms_poll(&((nap_frame *)f)->sleep, cx, &u);
}
static void nap_drop(void *f) { ait_sleep_ms_drop(&((nap_frame *)f)->sleep); }

/* Reads one byte from a pipe. */
typedef struct rd_frame {
    ait_read_frame rd;
    char c;
} rd_frame;
static void rd_init(void *f, void *arg) {
    rd_frame *r = f;
    ait_read_init(&r->rd, (int)(intptr_t)arg, &r->c, 1);
}
static ait_poll rd_poll(void *f, ait_cx *cx, void *out) {
    (void)out;
    ait_read_output n;
    return ait_read_poll(&((rd_frame *)f)->rd, cx, &n);
}
static void rd_drop(void *f) { ait_read_drop(&((rd_frame *)f)->rd); }

/* Pending until another thread wakes the waker it published. */
static ait_waker parked_waker;
static atomic_int parked_state;        /* 0 not yet polled, 1 waker published, 2 woken */
static ait_poll parked_poll(void *f, ait_cx *cx, void *out) {
    (void)f, (void)out;
    if (atomic_load(&parked_state) == 2)
        return AIT_READY;
    if (atomic_load(&parked_state) == 0) {
        parked_waker = ait_waker_clone(&cx->waker);
        ait_rt_hold(cx->rt);
        atomic_store(&parked_state, 1);
    }
    return AIT_PENDING;
}
static void *waker_thread(void *arg) {
    ait_rt *rt = arg;
    while (atomic_load(&parked_state) != 1)
        usleep(1000);
    atomic_store(&parked_state, 2);
    ait_waker_wake(parked_waker);
    ait_rt_unhold(rt);
    return NULL;
}

/* ---- tests ----------------------------------------------------------------- */

static void test_idle(void **state) {
    (void)state;
    ait_rt *rt = ait_rt_new(NULL);
    int fd = ait_rt_loop_fd(rt);
    assert_true(fd >= 0);
    assert_int_equal(ait_rt_loop_timeout(rt), -1);
    assert_false(readable(fd, 0));
    assert_int_equal(ait_rt_loop_run(rt), 0);
    assert_false(readable(fd, 0));
    ait_rt_free(rt);
}

static void test_spawn_wakes_the_loop(void **state) {
    (void)state;
    ait_rt *rt = ait_rt_new(NULL);
    int fd = ait_rt_loop_fd(rt);
    done_polls = 0;
    ait_task *t = ait_spawn_local(rt, 8, 8, 0, NULL, NULL, done_poll, no_drop);
    assert_non_null(t);
    assert_true(readable(fd, 0));
    assert_int_equal(ait_rt_loop_timeout(rt), 0);
    assert_int_equal(ait_rt_loop_run(rt), 1);
    assert_int_equal(done_polls, 1);
    assert_true(ait_task_is_finished(t));
    assert_false(readable(fd, 0));
    assert_int_equal(ait_rt_loop_timeout(rt), -1);
    ait_task_detach(t);
    ait_rt_free(rt);
}

static void test_timer_deadline(void **state) {
    (void)state;
    ait_rt *rt = ait_rt_new(NULL);
    int fd = ait_rt_loop_fd(rt);
    ait_task *t = ait_spawn_local(rt, sizeof(nap_frame), _Alignof(nap_frame), 0, nap_init,
                                  (void *)(uintptr_t)30, nap_poll, nap_drop);
    uint64_t t0 = ait_now_ns();
    assert_true(ait_rt_loop_run(rt) >= 1);             /* registers the timer */
    int ms = ait_rt_loop_timeout(rt);
    /* (On a loaded machine the 30 ms may be over already.) */
    assert_true(ait_task_is_finished(t) ? ms == -1 : ms > 0 && ms <= 30);
    int runs = 0;
    while (!ait_task_is_finished(t) && runs < 100) {
        ms = ait_rt_loop_timeout(rt);
        readable(fd, ms);                              /* the host's wait */
        assert_true(ait_rt_loop_run(rt) >= 0);
        runs++;
    }
    assert_true(ait_task_is_finished(t));
    assert_true(ait_now_ns() - t0 >= 30 * 1000000ull);   /* never early */
    assert_true(runs <= 5);                            /* the timeout is not a busy loop */
    ait_task_detach(t);
    ait_rt_free(rt);
}

static void test_fd_event(void **state) {
    (void)state;
    ait_rt *rt = ait_rt_new(NULL);
    int fd = ait_rt_loop_fd(rt);
    int p[2];
    assert_int_equal(pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
    ait_task *t = ait_spawn_local(rt, sizeof(rd_frame), _Alignof(rd_frame), 0, rd_init,
                                  (void *)(intptr_t)p[0], rd_poll, rd_drop);
    assert_int_equal(ait_rt_loop_run(rt), 1);
    assert_false(ait_task_is_finished(t));
    assert_false(readable(fd, 0));
    assert_int_equal(ait_rt_loop_timeout(rt), -1);
    assert_int_equal(write(p[1], "x", 1), 1);
    assert_true(readable(fd, 5000));
    assert_true(ait_rt_loop_run(rt) >= 1);
    assert_true(ait_task_is_finished(t));
    ait_task_detach(t);
    close(p[0]);
    close(p[1]);
    ait_rt_free(rt);
}

static void test_wake_from_another_thread(void **state) {
    (void)state;
    ait_rt *rt = ait_rt_new(NULL);
    int fd = ait_rt_loop_fd(rt);
    atomic_store(&parked_state, 0);
    ait_task *t = ait_spawn_local(rt, 8, 8, 0, NULL, NULL, parked_poll, no_drop);
    assert_int_equal(ait_rt_loop_run(rt), 1);
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, waker_thread, rt), 0);
    assert_true(readable(fd, 5000));
    pthread_join(th, NULL);
    assert_true(ait_rt_loop_run(rt) >= 1);
    assert_true(ait_task_is_finished(t));
    ait_task_detach(t);
    ait_rt_free(rt);
}

/* A root future that calls ait_rt_loop_run on its own runtime. */
static int nested_rc;
static ait_poll nested_poll(void *f, ait_cx *cx, void *out) {
    (void)f, (void)out;
    nested_rc = ait_rt_loop_run(cx->rt);
    return AIT_READY;
}

static void test_refusals(void **state) {
    (void)state;
    ait_rt_config cfg = { .workers = 1 };
    ait_rt *mt = ait_rt_new(&cfg);
    assert_int_equal(ait_rt_loop_fd(mt), -EINVAL);
    assert_int_equal(ait_rt_loop_run(mt), -EINVAL);
    ait_rt_free(mt);
    assert_int_equal(ait_rt_loop_fd(NULL), -EINVAL);

    ait_rt *rt = ait_rt_new(NULL);
    assert_true(ait_rt_loop_fd(rt) >= 0);
    assert_int_equal(ait_block_on(rt, NULL, nested_poll, NULL), 0);
    assert_int_equal(nested_rc, -EBUSY);
    /* block_on between runs, then runs again */
    assert_int_equal(ait_rt_loop_run(rt), 0);
    ait_rt_free(rt);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_idle),
        cmocka_unit_test(test_spawn_wakes_the_loop),
        cmocka_unit_test(test_timer_deadline),
        cmocka_unit_test(test_fd_event),
        cmocka_unit_test(test_wake_from_another_thread),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
