/* hostloop.c: driving a current-thread runtime from someone else's event
 * loop (libuv, GLib, a hand-written epoll loop), as libcurl's multi
 * interface and c-ares are driven.
 *
 * The loop watches one fd, the runtime's epoll instance: it is readable
 * when an fd a future waits on has an event, or when the runtime's eventfd
 * was written. Between runs the runtime looks parked to everyone who can
 * wake it (main_parked and driver_parked, under rt->lock, as block_on's
 * park does), so a task woken from another thread, a spawn from outside a
 * run, or a timer registered with an earlier deadline writes the eventfd,
 * exactly as it would interrupt block_on's epoll_wait. The loop also asks
 * for the next timer deadline and calls ait_rt_loop_run when the fd is
 * readable or the deadline passed; a run fires the expired timers, reads
 * the fd events without waiting, and runs the ready tasks.
 *
 * No root future: the program spawns tasks (ait_spawn_local, F_spawn_local)
 * and learns of their results from the tasks themselves or by joining them
 * once ait_task_is_finished says so.
 */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"

#include <errno.h>

/* A run stops after this many rounds of ready tasks even if tasks keep
 * waking each other, so the host loop gets its turn; the fd stays
 * readable (the eventfd is written) so the loop comes back at once. */
#define MAX_ROUNDS 64

/* Under rt->lock: look parked, so that wakes write the eventfd. */
static void park_locked(ait_rt *rt) {
    uint64_t dl = 0;
    bool has_timer = ait__timers_next(rt, &dl);
    atomic_store(&rt->main_parked, true);
    rt->driver_parked = true;
    rt->park_deadline = has_timer ? dl : 0;
    rt->main_notified = false;
    rt->driver_notified = false;
    /* Work left over (or woken before main_parked was set): the host
     * must come back without waiting. */
    if (rt->local.len || rt->remote.len) {
        rt->main_notified = true;
        rt->driver_notified = true;
        ait__reactor_notify(rt);
    }
}

static void unpark(ait_rt *rt) {
    pthread_mutex_lock(&rt->lock);
    atomic_store(&rt->main_parked, false);
    rt->driver_parked = false;
    rt->main_notified = false;
    rt->driver_notified = false;
    pthread_mutex_unlock(&rt->lock);
}

/* Only current-thread runtimes: a multi-threaded one has its own I/O
 * driver thread for fds and timers. */
static int usable(ait_rt *rt) {
    if (!rt || rt->nworkers > 0)
        return -EINVAL;
    if (atomic_load(&rt->closed))
        return AIT_ECANCELED;
    return ait__reactor_init(rt);
}

int ait_rt_loop_fd(ait_rt *rt) {
    int rc = usable(rt);
    if (rc < 0)
        return rc;
    pthread_mutex_lock(&rt->lock);
    if (!atomic_load(&rt->in_block_on))
        park_locked(rt);
    pthread_mutex_unlock(&rt->lock);
    return atomic_load(&rt->epfd);
}

int ait_rt_loop_timeout(ait_rt *rt) {
    if (usable(rt) < 0)
        return 0;           /* let the loop call run, which reports it */
    if (rt->local.len || atomic_load(&rt->has_remote))
        return 0;
    uint64_t next = atomic_load(&rt->timer_next);
    return next == UINT64_MAX ? -1 : ait__ms_until(next);
}

int ait_rt_loop_run(ait_rt *rt) {
    int rc = usable(rt);
    if (rc < 0)
        return rc;
    bool idle = false;
    if (ait__tls_worker || !atomic_compare_exchange_strong(&rt->in_block_on, &idle, true))
        return -EBUSY;
    ait_rt *prev = ait__tls_rt;
    ait__tls_rt = rt;
    unpark(rt);
    int ran = 0;
    for (int round = 0; round < MAX_ROUNDS; round++) {
        if (atomic_load_explicit(&rt->timer_next, memory_order_relaxed) != UINT64_MAX)
            ait__timers_fire(rt, ait_now_ns());
        ait__reactor_wait(rt, 0);       /* fd events, and drains the eventfd */
        ait__rt_drain_remote(rt);
        if (!rt->local.len)
            break;
        for (size_t n = rt->local.len; n > 0; n--) {
            ait_task *t = ait__queue_pop(&rt->local);
            if (!t)
                break;
            ait__task_run(rt, t);
            ran++;
        }
    }
    ait__tasks_maybe_sweep(rt, false);
    pthread_mutex_lock(&rt->lock);
    park_locked(rt);
    pthread_mutex_unlock(&rt->lock);
    ait__tls_rt = prev;
    atomic_store(&rt->in_block_on, false);
    return ran;
}
