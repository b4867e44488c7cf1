/* main.c: sample 11, ait futures driven from libuv's event loop.
 *
 * The program is a libuv program: uv_run owns the thread. Beside its own
 * work (a uv_timer_t that sends a message every 15 ms, a uv_poll_t that
 * reads the answers), it drives an ait runtime through three calls:
 *   - ait_rt_loop_fd(rt): watched with a uv_poll_t for readability;
 *   - ait_rt_loop_timeout(rt): when the runtime's next timer is due, kept
 *     in a second uv_timer_t;
 *   - ait_rt_loop_run(rt): runs what is ready, never blocks.
 * Each step waits for the one before it (a message is sent only after the
 * answer to the previous one came back), so the output is the same on a
 * loaded machine. */
#define _GNU_SOURCE            /* uv.h needs the POSIX types under -std=c11 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include "relay.h"

static const char *const messages[] = { "hello", "libuv", "bye" };
#define N_MESSAGES 3

typedef struct App {
    ait_rt *rt;
    uv_poll_t ait_io;           /* the runtime's fd */
    uv_timer_t ait_timer;       /* the runtime's next deadline */
    uv_timer_t tick;            /* libuv's own work: sends the next message */
    uv_poll_t answers;          /* libuv's own work: reads the answers */
    int fd;                     /* our end of the socketpair */
    int sent, received;
    ait_task *relay_task;
} App;

static void die(const char *what, int rc) {
    fprintf(stderr, "%s: %s\n", what, rc < 0 ? strerror(-rc) : "failed");
    exit(1);
}

/* Runs the runtime, then re-arms the deadline timer. */
static void on_ait_timer(uv_timer_t *t);

static void drive(App *app) {
    int rc = ait_rt_loop_run(app->rt);
    if (rc < 0)
        die("ait_rt_loop_run", rc);
    int ms = ait_rt_loop_timeout(app->rt);
    if (ms >= 0)
        uv_timer_start(&app->ait_timer, on_ait_timer, (uint64_t)ms, 0);
    else
        uv_timer_stop(&app->ait_timer);
}

static void on_ait_io(uv_poll_t *p, int status, int events) {
    (void)status;
    (void)events;
    drive(p->data);
}

static void on_ait_timer(uv_timer_t *t) { drive(t->data); }

/* libuv's own timer: one message per tick, once the last was answered. */
static void on_tick(uv_timer_t *t) {
    App *app = t->data;
    if (app->sent > app->received || app->sent == N_MESSAGES)
        return;
    const char *m = messages[app->sent++];
    printf("uv:   tick %d, sending \"%s\"\n", app->sent, m);
    if (write(app->fd, m, strlen(m)) < 0)
        die("write", -1);
}

static void on_answer(uv_poll_t *p, int status, int events) {
    (void)status;
    (void)events;
    App *app = p->data;
    char buf[64];
    ssize_t n = read(app->fd, buf, sizeof buf);
    if (n <= 0)
        return;
    printf("uv:   got \"%.*s\"\n", (int)n, buf);
    if (++app->received < N_MESSAGES)
        return;
    /* Done: stop watching, so that uv_run returns. */
    uv_timer_stop(&app->tick);
    uv_poll_stop(&app->answers);
    uv_poll_stop(&app->ait_io);
    uv_timer_stop(&app->ait_timer);
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    App app = { 0 };
    app.rt = ait_rt_new(NULL);          /* current-thread: the loop's thread runs it */
    if (!app.rt)
        die("ait_rt_new", -1);
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) < 0)
        die("socketpair", -1);
    app.fd = sv[1];

    /* The runtime's task, spawned before the loop starts: it first runs
     * once uv_run sees the runtime's fd readable. */
    Shouter shouter = { '!' };
    app.relay_task = relay_spawn_local(app.rt, sv[0], Shouter_as_Translator(&shouter), 5,
                                       N_MESSAGES);
    if (!app.relay_task)
        die("relay_spawn_local", -1);

    uv_loop_t *loop = uv_default_loop();
    int afd = ait_rt_loop_fd(app.rt);
    if (afd < 0)
        die("ait_rt_loop_fd", afd);
    uv_poll_init(loop, &app.ait_io, afd);
    uv_timer_init(loop, &app.ait_timer);
    uv_timer_init(loop, &app.tick);
    uv_poll_init(loop, &app.answers, app.fd);
    app.ait_io.data = app.ait_timer.data = app.tick.data = app.answers.data = &app;
    uv_poll_start(&app.ait_io, UV_READABLE, on_ait_io);
    uv_poll_start(&app.answers, UV_READABLE, on_answer);
    uv_timer_start(&app.tick, on_tick, 15, 15);

    uv_run(loop, UV_RUN_DEFAULT);

    /* The relay task finished with the last answer it wrote. */
    while (!ait_task_is_finished(app.relay_task))
        ait_rt_loop_run(app.rt);
    ait_join_frame j;
    int answered = 0;
    ait_join_init(&j, app.relay_task);
    if (ait_join_poll(&j, ait_cx_noop(), &answered) != AIT_READY)
        die("join", -1);
    printf("relay answered %d messages\n", answered);

    /* The same runtime still works with block_on once the loop is done. */
    Mirror mirror = { 0 };
    char out[16];
    int n = 0;
    if (Translator_translate_dyn_block_on(app.rt, &n, Mirror_as_Translator(&mirror), "loop", 4,
                                          out, sizeof out) < 0)
        die("block_on", -1);
    printf("and after uv_run, a dyn call through block_on: \"%s\"\n", out);

    uv_close((uv_handle_t *)&app.ait_io, NULL);
    uv_close((uv_handle_t *)&app.ait_timer, NULL);
    uv_close((uv_handle_t *)&app.tick, NULL);
    uv_close((uv_handle_t *)&app.answers, NULL);
    uv_run(loop, UV_RUN_DEFAULT);       /* runs the close callbacks */
    uv_loop_close(loop);
    close(sv[0]);
    close(sv[1]);
    ait_rt_free(app.rt);
    return 0;
}
