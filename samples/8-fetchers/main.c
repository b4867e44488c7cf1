/* main.c: sample 8, fetchers over loopback TCP and a mock, with timeouts.
 *
 * Opens a listening socket on 127.0.0.1, port 0 (the kernel picks a free
 * port; getsockname tells which), and hands it to run_demo, which serves
 * it from a local task while the same four requests go through the HTTP
 * fetcher and the mock. The port is never printed: the output is the
 * same on every run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fetch.h"

/* 127.0.0.1, port 0: returns the listening fd (nonblocking) and its
 * address in *addr, or -1. */
static int listen_loopback(struct sockaddr_in *addr) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        perror("socket");
        return -1;
    }
    memset(addr, 0, sizeof *addr);
    addr->sin_family = AF_INET;
    addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr->sin_port = 0;
    socklen_t len = sizeof *addr;
    if (bind(fd, (struct sockaddr *)addr, sizeof *addr) < 0 || listen(fd, 8) < 0 ||
        getsockname(fd, (struct sockaddr *)addr, &len) < 0 || ait_fd_nonblock(fd) < 0) {
        perror("listen on 127.0.0.1");
        close(fd);
        return -1;
    }
    return fd;
}

int main(void) {
    HttpFetcher http;
    int listen_fd = listen_loopback(&http.addr);
    ait_rt *rt = ait_rt_new(NULL);
    if (listen_fd < 0 || rt == NULL) {
        fprintf(stderr, "setup failed\n");
        if (listen_fd >= 0)
            close(listen_fd);
        ait_rt_free(rt);
        return 1;
    }

    /* The mock knows the same routes; "/slow" takes far longer than the
     * timeout, as the real server does. */
    static const MockRoute routes[] = {
        { "/hello", "hello from ait", 1 },
        { "/users/1", "{\"id\":1,\"name\":\"Ada\"}", 1 },
        { "/slow", "finally", SLOW_MS },
    };
    MockFetcher mock = { .routes = routes, .n = (int)(sizeof routes / sizeof routes[0]) };

    int rc = 0;
    int run = run_demo_block_on(rt, &rc, listen_fd, &http, &mock, 500);
    if (run < 0)
        fprintf(stderr, "run_demo: runtime error %d\n", run);

    /* One call from C: a dyn fetch with no timeout. */
    char body[64];
    int n = 0;
    Fetcher_dyn f = MockFetcher_as_Fetcher(&mock);
    if (run == 0 && Fetcher_fetch_dyn_block_on(rt, &n, f, "/hello", body, sizeof body) == 0)
        printf("from C, mock /hello: %s\n", n >= 0 ? body : "(error)");

    ait_rt_free(rt);
    close(listen_fd);
    return run < 0 || rc < 0;
}
