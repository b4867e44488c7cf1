/* timer.c: the runtime's timers, a binary min-heap keyed by (deadline, seq).
 *
 * A timer entry is allocated by the sleep frame that needs it (from the
 * allocator hook, so it is recycled) and owned by that frame; the heap
 * only points to it. Firing removes the entry from the heap and wakes its
 * waker; cancelling (the frame's drop, or completion) removes it if still
 * there and frees it. ait_rt_free detaches the entries left, so a frame
 * dropped after its runtime is gone is still safe.
 *
 * Who fires them: block_on on a current-thread runtime, the worker that
 * drives the reactor on a multi-threaded one (see worker.c). A timer that
 * becomes the earliest while that thread sleeps in epoll_wait interrupts it (eventfd), so a sleep in
 * a worker task is as precise as one in the root.
 */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"

#include <errno.h>
#include <stdlib.h>

static bool before(const ait_timer *a, const ait_timer *b) {
    return a->deadline < b->deadline ||
           (a->deadline == b->deadline && a->seq < b->seq);
}

static void set(ait_timer_heap *h, size_t i, ait_timer *t) {
    h->v[i] = t;
    t->idx = i;
}

static void sift_up(ait_timer_heap *h, size_t i) {
    ait_timer *t = h->v[i];
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!before(t, h->v[p]))
            break;
        set(h, i, h->v[p]);
        i = p;
    }
    set(h, i, t);
}

static void sift_down(ait_timer_heap *h, size_t i) {
    ait_timer *t = h->v[i];
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        const ait_timer *best = t;
        if (l < h->len && before(h->v[l], best)) {
            m = l;
            best = h->v[l];
        }
        if (l + 1 < h->len && before(h->v[l + 1], best))
            m = l + 1;
        if (m == i)
            break;
        set(h, i, h->v[m]);
        i = m;
    }
    set(h, i, t);
}

static int heap_push(ait_timer_heap *h, ait_timer *t) {
    if (h->len == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 16;
        ait_timer **v = realloc(h->v, cap * sizeof *v);
        if (!v)
            return AIT_ENOMEM;
        h->v = v;
        h->cap = cap;
    }
    t->seq = h->seq++;
    h->v[h->len] = t;
    t->idx = h->len++;
    sift_up(h, t->idx);
    return 0;
}

static void heap_remove(ait_timer_heap *h, ait_timer *t) {
    size_t i = t->idx;
    t->idx = AIT_TIMER_NOT_IN_HEAP;
    h->len--;
    if (i == h->len)
        return;
    set(h, i, h->v[h->len]);
    if (i > 0 && before(h->v[i], h->v[(i - 1) / 2]))
        sift_up(h, i);
    else
        sift_down(h, i);
}

static void update_next(ait_rt *rt) {
    ait_timer_heap *h = &rt->timers;
    atomic_store(&rt->timer_next, h->len ? h->v[0]->deadline : UINT64_MAX);
}

int ait__timer_register(ait_rt *rt, ait_timer **slot, uint64_t deadline,
                        const ait_waker *w) {
    ait_timer *t = *slot;
    if (t && t->rt != rt) {          /* polled under another runtime now */
        ait__timer_cancel(t);
        *slot = t = NULL;
    }
    if (t) {
        ait_waker old = { NULL, NULL };
        pthread_mutex_lock(&rt->lock);
        if (t->idx != AIT_TIMER_NOT_IN_HEAP && !ait_waker_will_wake(&t->waker, w)) {
            old = t->waker;
            t->waker = ait_waker_clone(w);
        }
        pthread_mutex_unlock(&rt->lock);
        ait_waker_drop(old);
        return 0;
    }
    t = ait_frame_alloc(sizeof *t, _Alignof(ait_timer));
    if (!t)
        return AIT_ENOMEM;
    t->deadline = deadline;
    t->idx = AIT_TIMER_NOT_IN_HEAP;
    t->rt = rt;
    t->waker = ait_waker_clone(w);
    atomic_init(&t->fired, false);
    pthread_mutex_lock(&rt->lock);
    int rc = atomic_load(&rt->closed) ? AIT_ECANCELED : heap_push(&rt->timers, t);
    update_next(rt);
    if (rc == 0 && rt->timers.v[0] == t)
        ait__rt_timer_added_locked(rt, deadline);  /* wake whoever waits longer */
    pthread_mutex_unlock(&rt->lock);
    if (rc < 0) {
        ait_waker_drop(t->waker);
        ait_frame_free(t, sizeof *t, _Alignof(ait_timer));
        return rc;
    }
    ait__rt_ref(rt);
    *slot = t;
    return 0;
}

void ait__timer_cancel(ait_timer *t) {
    ait_rt *rt = t->rt;
    pthread_mutex_lock(&rt->lock);
    if (t->idx != AIT_TIMER_NOT_IN_HEAP) {
        heap_remove(&rt->timers, t);
        update_next(rt);
    }
    ait_waker w = t->waker;
    t->waker.vt = NULL;
    pthread_mutex_unlock(&rt->lock);
    ait_waker_drop(w);
    ait_frame_free(t, sizeof *t, _Alignof(ait_timer));
    ait__rt_unref(rt);
}

void ait__timers_fire(ait_rt *rt, uint64_t now) {
    while (atomic_load(&rt->timer_next) <= now) {
        pthread_mutex_lock(&rt->lock);
        ait_timer_heap *h = &rt->timers;
        if (h->len == 0 || h->v[0]->deadline > now) {
            pthread_mutex_unlock(&rt->lock);
            return;
        }
        ait_timer *t = h->v[0];
        heap_remove(h, t);
        update_next(rt);
        ait_waker w = t->waker;
        t->waker.vt = NULL;
        atomic_store_explicit(&t->fired, true, memory_order_release);
        pthread_mutex_unlock(&rt->lock);
        ait_waker_wake(w);
    }
}

bool ait__timers_next(ait_rt *rt, uint64_t *deadline) {
    if (rt->timers.len == 0)
        return false;
    *deadline = rt->timers.v[0]->deadline;
    return true;
}

void ait__timers_close(ait_rt *rt) {
    for (;;) {
        pthread_mutex_lock(&rt->lock);
        ait_timer_heap *h = &rt->timers;
        if (h->len == 0) {
            free(h->v);
            h->v = NULL;
            h->cap = 0;
            pthread_mutex_unlock(&rt->lock);
            return;
        }
        ait_timer *t = h->v[h->len - 1];
        heap_remove(h, t);
        update_next(rt);
        ait_waker w = t->waker;
        t->waker.vt = NULL;
        atomic_store_explicit(&t->fired, true, memory_order_release);
        pthread_mutex_unlock(&rt->lock);
        ait_waker_drop(w);
    }
}
