/* main.c: a hand-written epoll loop that drives ait futures beside a
 * timer of its own (a timerfd), through the host-loop calls of ait.h.
 *
 * The steps follow each other causally, so the output is the same however
 * slow the machine: the loop's own timer fires and writes "ping" into a
 * socketpair; an ait task reads it, sleeps (a runtime timer, which only the
 * loop's timeout drives), waits for the blocking pool (a wake from another
 * thread) and writes "pong"; the loop reads "pong" and stops. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "hosted.h"

static void must(int ok, const char *what) {
    if (!ok) {
        fprintf(stderr, "%s failed: %s\n", what, strerror(errno));
        exit(1);
    }
}

static void watch(int ep, int fd) {
    struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };
    must(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0, "epoll_ctl");
}

/* The task's output once it is finished (the join never waits then). */
static int result_of(ait_task *t) {
    ait_join_frame j;
    int out = 0;
    ait_join_init(&j, t);
    ait_poll p = ait_join_poll(&j, ait_cx_noop(), &out);
    return p == AIT_READY ? out : -1;
}

int main(void) {
    ait_rt *rt = ait_rt_new(NULL);
    must(rt != NULL, "ait_rt_new");
    int sv[2];
    must(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
    must(ait_fd_nonblock(sv[0]) == 0, "ait_fd_nonblock");

    Shouter shouter = { "!" };
    ait_task *spoken = speak_spawn_local(rt, Shouter_as_Voice(&shouter), "hello");
    ait_task *answered = answer_spawn_local(rt, sv[0], 20);
    must(spoken && answered, "spawn");

    int ep = epoll_create1(EPOLL_CLOEXEC);
    int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
    must(ep >= 0 && tfd >= 0, "epoll_create1/timerfd_create");
    struct itimerspec its = { .it_value = { .tv_nsec = 10 * 1000000 } };
    must(timerfd_settime(tfd, 0, &its, NULL) == 0, "timerfd_settime");
    int afd = ait_rt_loop_fd(rt);
    must(afd >= 0, "ait_rt_loop_fd");
    watch(ep, afd);
    watch(ep, tfd);
    watch(ep, sv[1]);

    int runs = 0;
    for (bool done = false; !done;) {
        struct epoll_event evs[8];
        int n = epoll_wait(ep, evs, 8, ait_rt_loop_timeout(rt));
        must(n >= 0 || errno == EINTR, "epoll_wait");
        for (int i = 0; i < n; i++) {
            int fd = evs[i].data.fd;
            if (fd == tfd) {
                uint64_t expirations;
                must(read(tfd, &expirations, sizeof expirations) == 8, "read timerfd");
                printf("host: my own timer fired, sending \"ping\"\n");
                must(write(sv[1], "ping", 4) == 4, "write");
            } else if (fd == sv[1]) {
                char buf[8] = { 0 };
                must(read(sv[1], buf, sizeof buf - 1) > 0, "read");
                printf("host: read \"%s\"\n", buf);
                done = true;
            }
        }
        /* Whether or not afd was among them: the timeout may have passed. */
        int rc = ait_rt_loop_run(rt);
        must(rc >= 0, "ait_rt_loop_run");
        runs++;
    }
    while (!ait_task_is_finished(answered))     /* "pong" was its last step */
        must(ait_rt_loop_run(rt) >= 0, "ait_rt_loop_run");
    printf("results: speak %d, answer %d\n", result_of(spoken), result_of(answered));
    printf("loop ran ait %s\n", runs < 50 ? "a few times, never busy" : "too often");
    int idle_polls = ait_rt_loop_run(rt);
    printf("an idle run polls %d tasks; timeout %d\n", idle_polls, ait_rt_loop_timeout(rt));

    close(tfd);
    close(ep);
    close(sv[0]);
    close(sv[1]);
    ait_rt_free(rt);
    return 0;
}
