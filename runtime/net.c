/* net.c: TCP helpers: ait_tcp_listen, ait_tcp_local_port,
 * ait_tcp_set_nodelay, and the future ait_tcp_connect (a name or a
 * numeric address, every address getaddrinfo gives tried in turn).
 *
 * Names are resolved with getaddrinfo: a numeric address never blocks;
 * a name is looked up on the calling thread (the first poll, for
 * ait_tcp_connect), as /etc/hosts or DNS answer.
 */
#define _GNU_SOURCE             /* SOCK_NONBLOCK, SOCK_CLOEXEC */
#include "internal.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* getaddrinfo's EAI_* codes as negative errno values (ait.h). */
static int gai_errno(int rc) {
    switch (rc) {
    case EAI_NONAME:
#ifdef EAI_NODATA
    case EAI_NODATA:
#endif
#ifdef EAI_ADDRFAMILY
    case EAI_ADDRFAMILY:
#endif
        return -EHOSTUNREACH;
    case EAI_AGAIN: return -EAGAIN;
    case EAI_MEMORY: return -ENOMEM;
    case EAI_SYSTEM: return errno ? -errno : -EIO;
    default: return -EINVAL;
    }
}

static int resolve(const char *host, uint16_t port, bool passive, struct addrinfo **res) {
    char service[8];
    snprintf(service, sizeof service, "%u", (unsigned)port);
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0);
    errno = 0;
    int rc = getaddrinfo(host, service, &hints, res);
    return rc ? gai_errno(rc) : 0;
}

static int stream_socket(const struct addrinfo *ai) {
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    return fd < 0 ? -errno : fd;
}

/* A TCP socket made here (and a connection accepted from a listener made
 * here) stays registered with the reactor while it lives: ait_close ends
 * that (see fdslot.c). */
static void keep(int fd) { ait__fd_mark(fd, AIT_FD_KEPT | AIT_FD_STREAM); }

static int listen_on(const struct addrinfo *ai, int backlog) {
    int fd = stream_socket(ai);
    if (fd < 0)
        return fd;
    int one = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 || listen(fd, backlog) < 0) {
        int err = -errno;
        ait_close(fd);
        return err;
    }
    keep(fd);
    return fd;
}

int ait_tcp_listen(const char *host, uint16_t port, int backlog) {
    if (backlog <= 0)
        backlog = SOMAXCONN;
    struct addrinfo *res;
    int rc = resolve(host, port, true, &res);
    if (rc < 0)
        return rc;
    rc = -EADDRNOTAVAIL;
    for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        rc = listen_on(ai, backlog);
        if (rc >= 0)
            break;
    }
    freeaddrinfo(res);
    return rc;
}

int ait_tcp_local_port(int fd) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
        return -errno;
    if (ss.ss_family == AF_INET)
        return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return -EAFNOSUPPORT;
}

int ait_tcp_set_nodelay(int fd, bool on) {
    int v = on;
    return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, sizeof v) < 0 ? -errno : 0;
}

/* ---- ait_tcp_connect ----------------------------------------------------------- */

enum { TC_START = 0, TC_CONNECTING = 1, TC_DONE = 2 };

void ait_tcp_connect_init(ait_tcp_connect_frame *f, const char *host, uint16_t port) {
    memset(f, 0, sizeof *f);
    f->host = host;
    f->port = port;
    f->fd = -1;
    f->state = TC_START;
    f->err = -EHOSTUNREACH;
}

/* Starts a connect to the next address: 0 (f->fd connecting), or the
 * negative errno of the last address tried when none is left. */
static int start_next(ait_tcp_connect_frame *f) {
    while (f->next) {
        struct addrinfo *ai = f->next;
        f->next = ai->ai_next;
        int fd = stream_socket(ai);
        if (fd < 0) {
            f->err = fd;
            continue;
        }
        f->fd = fd;
        ait_connect_init(&f->conn, fd, ai->ai_addr, ai->ai_addrlen);
        keep(fd);
        return 0;
    }
    return f->err;
}

static void close_attempt(ait_tcp_connect_frame *f) {
    ait_connect_drop(&f->conn);
    if (f->fd >= 0)
        ait_close(f->fd);
    f->fd = -1;
}

static void finish(ait_tcp_connect_frame *f) {
    if (f->list)
        freeaddrinfo(f->list);
    f->list = f->next = NULL;
    f->state = TC_DONE;
}

ait_poll ait_tcp_connect_poll(ait_tcp_connect_frame *f, ait_cx *cx,
                              ait_tcp_connect_output *out) {
    if (f->state == TC_DONE)
        return ait_fail(cx, AIT_EPOISONED);
    if (f->state == TC_START) {
        struct addrinfo *res = NULL;
        int rc = resolve(f->host, f->port, false, &res);
        f->list = f->next = res;
        f->state = TC_CONNECTING;
        f->err = rc < 0 ? rc : -EHOSTUNREACH;
        if (rc == 0 && (rc = start_next(f)) < 0)
            f->err = rc;
        if (rc < 0) {
            finish(f);
            if (out)
                *out = f->err;
            return AIT_READY;
        }
    }
    for (;;) {
        int r = 0;
        ait_poll p = ait_connect_poll(&f->conn, cx, &r);
        if (p == AIT_PENDING)
            return p;
        if (p == AIT_ERROR) {
            close_attempt(f);
            finish(f);
            return p;
        }
        if (r == 0) {
            ait_connect_drop(&f->conn);
            int fd = f->fd;
            f->fd = -1;                 /* the caller's now */
            finish(f);
            if (out)
                *out = fd;
            return AIT_READY;
        }
        f->err = r;
        close_attempt(f);
        if (start_next(f) < 0) {
            finish(f);
            if (out)
                *out = f->err;
            return AIT_READY;
        }
    }
}

void ait_tcp_connect_drop(ait_tcp_connect_frame *f) {
    if (f->state == TC_CONNECTING)
        close_attempt(f);
    if (f->list)
        freeaddrinfo(f->list);
    f->list = f->next = NULL;
}

AIT__DEFINE_BLOCK_ON(ait_tcp_connect, AIT__PARAMS_AFTER(const char *host, uint16_t port),
                     AIT__PARAMS_AFTER(host, port))
