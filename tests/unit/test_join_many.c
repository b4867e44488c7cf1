/* test_join_many.c: many joins waiting at once. Each registers a waker in
 * the runtime's table of join wakers (runtime/join_waker.c), which has to
 * grow past its first buckets, hand every waker back exactly once, and
 * serve a second round from the entries the first one returned. The
 * futures are written by hand (frame + poll), as aitc would generate. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "ait.h"

#define NTASKS 3000     /* well past 16 shards x 16 first buckets */

/* A gate: pending (keeping its waker) until opened, then its index. */
static int gate_open;
static ait_waker gate_wakers[NTASKS];
static int gates_waiting;

typedef struct gate_frame {
    int i;
    bool waiting;
} gate_frame;

static void gate_init(void *fp, void *arg) {
    gate_frame *f = fp;
    f->i = (int)(intptr_t)arg;
    f->waiting = false;
}

static ait_poll gate_poll(void *fp, ait_cx *cx, void *out) {
    gate_frame *f = fp;
    if (!gate_open) {
        if (!f->waiting) {
            gate_wakers[f->i] = ait_waker_clone(&cx->waker);
            f->waiting = true;
            gates_waiting++;
        }
        return AIT_PENDING;
    }
    if (f->waiting)
        ait_waker_drop(gate_wakers[f->i]);
    *(int *)out = f->i;
    return AIT_READY;
}

/* A joiner: awaits its gate's task, returns its output + 1. */
static int joiners_pending;

typedef struct joiner_frame {
    ait_join_frame join;
    bool counted;
} joiner_frame;

static void joiner_init(void *fp, void *arg) {
    joiner_frame *f = fp;
    ait_join_init(&f->join, arg);
    f->counted = false;
}

static ait_poll joiner_poll(void *fp, ait_cx *cx, void *out) {
    joiner_frame *f = fp;
    int v = 0;
    ait_poll r = ait_join_poll(&f->join, cx, &v);
    if (r == AIT_PENDING) {
        if (!f->counted)
            joiners_pending++;
        f->counted = true;
        return r;
    }
    *(int *)out = v + 1;
    return r;
}

static void joiner_drop(void *fp) { ait_join_drop(&((joiner_frame *)fp)->join); }

/* The root: spawns the gates and the joiners, waits until every joiner
 * waits on its gate, opens the gates, then joins the joiners in order. */
typedef struct root_frame {
    int state, next;
    long sum;
    ait_task *joiners[NTASKS];
    ait_join_frame join;
} root_frame;

static ait_poll root_poll(void *fp, ait_cx *cx, void *out) {
    root_frame *f = fp;
    switch (f->state) {
    case 0:
        for (int i = 0; i < NTASKS; i++) {
            ait_task *g = ait_spawn_local(NULL, sizeof(gate_frame), _Alignof(gate_frame),
                                          sizeof(int), gate_init, (void *)(intptr_t)i,
                                          gate_poll, NULL);
            assert_non_null(g);
            f->joiners[i] = ait_spawn_local(NULL, sizeof(joiner_frame),
                                            _Alignof(joiner_frame), sizeof(int), joiner_init,
                                            g, joiner_poll, joiner_drop);
            assert_non_null(f->joiners[i]);
        }
        f->state = 1;
        ait_waker_wake_by_ref(&cx->waker);
        return AIT_PENDING;
    case 1:
        if (joiners_pending < NTASKS || gates_waiting < NTASKS) {
            ait_waker_wake_by_ref(&cx->waker);      /* let them run */
            return AIT_PENDING;
        }
        gate_open = 1;
        for (int i = 0; i < NTASKS; i++)
            ait_waker_wake_by_ref(&gate_wakers[i]);
        f->state = 2;
        ait_join_init(&f->join, f->joiners[0]);
        /* fall through */
    case 2:
        for (;;) {
            int v = 0;
            ait_poll r = ait_join_poll(&f->join, cx, &v);
            if (r == AIT_PENDING)
                return r;
            assert_int_equal(r, AIT_READY);
            f->sum += v;
            if (++f->next == NTASKS)
                break;
            ait_join_init(&f->join, f->joiners[f->next]);
        }
        *(long *)out = f->sum;
        return AIT_READY;
    }
    return AIT_ERROR;
}

static void run_round(void) {
    gate_open = 0;
    gates_waiting = 0;
    joiners_pending = 0;
    root_frame *f = calloc(1, sizeof *f);
    assert_non_null(f);
    ait_rt *rt = ait_rt_new(NULL);
    assert_non_null(rt);
    long sum = 0;
    assert_int_equal(ait_block_on(rt, f, root_poll, &sum), 0);
    /* sum of (i + 1) for i < NTASKS: every joiner woke with its gate's output */
    assert_int_equal(sum, (long)NTASKS * (NTASKS + 1) / 2);
    ait_rt_free(rt);
    free(f);
}

static void test_many_joins_waiting_at_once(void **state) {
    (void)state;
    run_round();
    run_round();        /* the table's returned entries serve again */
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_many_joins_waiting_at_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
