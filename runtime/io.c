/* io.c: the fd leaf futures: ait_read, ait_write, ait_accept, ait_connect,
 * ait_readable, ait_writable, ait_read_exact, ait_write_all, and
 * ait_fd_nonblock.
 *
 * All share one loop (ait__io_drive): snapshot the fd's readiness (prepare), try
 * the operation; anything but EAGAIN completes the future (and unlists its
 * waiter); EAGAIN lists the waiter on the reactor (arm) and returns
 * PENDING, or tries again when an event came meanwhile. See reactor.c.
 */
#define _GNU_SOURCE             /* accept4 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { RUNNING = 0, DONE = 1 };

static void wait_init(ait_io_wait *w) { memset(w, 0, sizeof *w); }

ait_poll ait__io_drive(void *frame, ait_io_wait *w, ait_cx *cx, int fd, int dir,
                       ait__io_op op, long *res) {
    for (;;) {
        /* Known not ready: the op skips its syscall (it would say EAGAIN),
         * but still looks at what it has buffered. */
        w->idle = ait__io_prepare(w, cx->rt, fd, dir);
        long r = op(frame);
        if ((r == -EAGAIN && !w->idle) || w->drained)
            ait__io_note_idle(w, dir, r == -EAGAIN);
        if (r != -EAGAIN) {
            ait__io_release(w);
            *res = r;
            return AIT_READY;
        }
        if (!cx->rt)
            return AIT_PENDING;     /* no reactor: the caller polls again */
        int a = ait__io_arm(w, cx, fd, dir);
        if (a == 0)
            return AIT_PENDING;
        if (a < 0) {
            ait__io_release(w);
            if (a == AIT_ENOMEM || a == AIT_ECANCELED)
                return ait_fail(cx, a);
            *res = a;               /* epoll refused the fd: the op's error */
            return AIT_READY;
        }
    }
}

ait_poll ait__io_drive_once(void *frame, int *state, ait_io_wait *w, ait_cx *cx, int fd,
                           int dir, ait__io_op op, long *res) {
    if (*state == DONE)
        return ait_fail(cx, AIT_EPOISONED);
    ait_poll p = ait__io_drive(frame, w, cx, fd, dir, op, res);
    if (p != AIT_PENDING)
        *state = DONE;
    return p;
}

/* Readiness without reading or writing: poll(2) with no timeout. */
static long ready_now(int fd, short events) {
    struct pollfd p = { fd, events, 0 };
    int n;
    do
        n = poll(&p, 1, 0);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -errno;
    if (p.revents & POLLNVAL)
        return -EBADF;
    return p.revents ? 0 : -EAGAIN;
}

int ait_fd_nonblock(int fd) {
    ait__fd_mark(fd, 0);            /* a plain fd from now on (see fdslot.c) */
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
        return -errno;
    int fd_fl = fcntl(fd, F_GETFD);
    if (fd_fl < 0 || fcntl(fd, F_SETFD, fd_fl | FD_CLOEXEC) < 0)
        return -errno;
    return 0;
}

/* ---- ait_read -------------------------------------------------------------- */

void ait_read_init(ait_read_frame *f, int fd, void *buf, size_t n) {
    f->fd = fd;
    f->state = RUNNING;
    f->buf = buf;
    f->n = n;
    wait_init(&f->w);
}

static long read_op(void *p) {
    ait_read_frame *f = p;
    if (f->w.idle)
        return -EAGAIN;
    ssize_t r;
    do
        r = read(f->fd, f->buf, f->n);
    while (r < 0 && errno == EINTR);
    if (r > 0 && (size_t)r < f->n)
        f->w.drained = true;
    return r < 0 ? -errno : (long)r;
}

ait_poll ait_read_poll(ait_read_frame *f, ait_cx *cx, ait_read_output *out) {
    long r = 0;
    ait_poll p = ait__io_drive_once(f, &f->state, &f->w, cx, f->fd, AIT_IO_READ, read_op, &r);
    if (p == AIT_READY && out)
        *out = (ssize_t)r;
    return p;
}

void ait_read_drop(ait_read_frame *f) { ait__io_release(&f->w); }

AIT__DEFINE_BLOCK_ON(ait_read, AIT__PARAMS_AFTER(int fd, void *buf, size_t n),
                     AIT__PARAMS_AFTER(fd, buf, n))

/* ---- ait_write ------------------------------------------------------------- */

void ait_write_init(ait_write_frame *f, int fd, const void *buf, size_t n) {
    f->fd = fd;
    f->state = RUNNING;
    f->buf = buf;
    f->n = n;
    f->not_socket = false;
    wait_init(&f->w);
}

/* send() on sockets (MSG_NOSIGNAL: no SIGPIPE), write() on anything
 * else (remembered in *not_socket); EINTR retried. */
long ait__io_write_some(int fd, const void *buf, size_t n, bool *not_socket) {
    ssize_t r;
    for (;;) {
        if (!*not_socket) {
            r = send(fd, buf, n, MSG_NOSIGNAL);
            if (r < 0 && errno == ENOTSOCK) {
                *not_socket = true;
                continue;
            }
        } else {
            r = write(fd, buf, n);
        }
        if (r < 0 && errno == EINTR)
            continue;
        return r < 0 ? -errno : (long)r;
    }
}

static long write_op(void *p) {
    ait_write_frame *f = p;
    return ait__io_write_some(f->fd, f->buf, f->n, &f->not_socket);
}

ait_poll ait_write_poll(ait_write_frame *f, ait_cx *cx, ait_write_output *out) {
    long r = 0;
    ait_poll p = ait__io_drive_once(f, &f->state, &f->w, cx, f->fd, AIT_IO_WRITE, write_op, &r);
    if (p == AIT_READY && out)
        *out = (ssize_t)r;
    return p;
}

void ait_write_drop(ait_write_frame *f) { ait__io_release(&f->w); }

AIT__DEFINE_BLOCK_ON(ait_write, AIT__PARAMS_AFTER(int fd, const void *buf, size_t n),
                     AIT__PARAMS_AFTER(fd, buf, n))

/* ---- ait_accept ------------------------------------------------------------ */

void ait_accept_init(ait_accept_frame *f, int listen_fd) {
    f->fd = listen_fd;
    f->state = RUNNING;
    wait_init(&f->w);
}

/* The kind (fdslot.c) of a connection accepted from listen_fd: kept
 * (and a stream) when the listener is. */
static unsigned kept_child(int listen_fd) {
    uint32_t slot = ait__fd_slot(listen_fd);
    return (slot & AIT_FD_KEPT) ? slot & (AIT_FD_KEPT | AIT_FD_STREAM) : 0;
}

static long accept_op(void *p) {
    ait_accept_frame *f = p;
    if (f->w.idle)
        return -EAGAIN;
    int r;
    do
        r = accept4(f->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    while (r < 0 && errno == EINTR);
    if (r < 0)
        return -errno;
    /* From a listener of ait_tcp_listen: registered for its lifetime
     * (ait_close ends it). From any other: a plain fd (a new file: what
     * was known about an older one under this number is forgotten). */
    ait__fd_mark(r, kept_child(f->fd));
    return r;
}

ait_poll ait_accept_poll(ait_accept_frame *f, ait_cx *cx, ait_accept_output *out) {
    long r = 0;
    ait_poll p = ait__io_drive_once(f, &f->state, &f->w, cx, f->fd, AIT_IO_READ, accept_op, &r);
    if (p == AIT_READY && out)
        *out = (int)r;
    return p;
}

void ait_accept_drop(ait_accept_frame *f) { ait__io_release(&f->w); }

AIT__DEFINE_BLOCK_ON(ait_accept, AIT__PARAMS_AFTER(int listen_fd),
                     AIT__PARAMS_AFTER(listen_fd))

/* ---- ait_connect ------------------------------------------------------------ */

enum { CONNECT_START = 0, CONNECT_WAIT = 1, CONNECT_DONE = 2 };
#define CONNECT_EAGAIN LONG_MIN     /* connect's own EAGAIN, not "wait" */

void ait_connect_init(ait_connect_frame *f, int fd, const struct sockaddr *addr,
                      socklen_t len) {
    f->fd = fd;
    f->state = CONNECT_START;
    f->len = len;
    ait__fd_mark(fd, 0);            /* a new connection: a new file under fd */
    memset(&f->addr, 0, sizeof f->addr);
    if (addr && len <= sizeof f->addr)
        memcpy(&f->addr, addr, len);
    wait_init(&f->w);
}

static long connect_op(void *p) {
    ait_connect_frame *f = p;
    if (f->state == CONNECT_START) {
        if (f->len > sizeof f->addr || f->len == 0)
            return -EINVAL;
        if (connect(f->fd, (const struct sockaddr *)&f->addr, f->len) == 0)
            return 0;
        if (errno != EINPROGRESS && errno != EINTR && errno != EALREADY)
            return errno == EAGAIN ? CONNECT_EAGAIN : -errno;
        f->state = CONNECT_WAIT;
    }
    /* In progress: done once the socket is writable; SO_ERROR tells how. */
    long r = ready_now(f->fd, POLLOUT);
    if (r < 0)
        return r;
    int err = 0;
    socklen_t l = sizeof err;
    if (getsockopt(f->fd, SOL_SOCKET, SO_ERROR, &err, &l) < 0)
        return -errno;
    return err ? -err : 0;
}

ait_poll ait_connect_poll(ait_connect_frame *f, ait_cx *cx, ait_connect_output *out) {
    if (f->state == CONNECT_DONE)
        return ait_fail(cx, AIT_EPOISONED);
    long r = 0;
    ait_poll p = ait__io_drive(f, &f->w, cx, f->fd, AIT_IO_WRITE, connect_op, &r);
    if (p != AIT_PENDING)
        f->state = CONNECT_DONE;
    if (p == AIT_READY && out)
        *out = r == CONNECT_EAGAIN ? -EAGAIN : (int)r;  /* AF_UNIX: backlog full */
    return p;
}

void ait_connect_drop(ait_connect_frame *f) { ait__io_release(&f->w); }

AIT__DEFINE_BLOCK_ON(ait_connect, AIT__PARAMS_AFTER(int fd, const struct sockaddr *addr, socklen_t len),
                     AIT__PARAMS_AFTER(fd, addr, len))

/* ---- ait_readable, ait_writable --------------------------------------------- */

void ait_readable_init(ait_readable_frame *f, int fd) {
    f->fd = fd;
    f->state = RUNNING;
    wait_init(&f->w);
}

static long readable_op(void *p) {
    return ready_now(((ait_readable_frame *)p)->fd, POLLIN | POLLRDHUP);
}

ait_poll ait_readable_poll(ait_readable_frame *f, ait_cx *cx, ait_readable_output *out) {
    long r = 0;
    ait_poll p = ait__io_drive_once(f, &f->state, &f->w, cx, f->fd, AIT_IO_READ, readable_op, &r);
    if (p == AIT_READY && out)
        *out = (int)r;
    return p;
}

void ait_readable_drop(ait_readable_frame *f) { ait__io_release(&f->w); }

AIT__DEFINE_BLOCK_ON(ait_readable, AIT__PARAMS_AFTER(int fd),
                     AIT__PARAMS_AFTER(fd))

void ait_writable_init(ait_writable_frame *f, int fd) {
    f->fd = fd;
    f->state = RUNNING;
    wait_init(&f->w);
}

static long writable_op(void *p) {
    return ready_now(((ait_writable_frame *)p)->fd, POLLOUT);
}

ait_poll ait_writable_poll(ait_writable_frame *f, ait_cx *cx, ait_writable_output *out) {
    long r = 0;
    ait_poll p = ait__io_drive_once(f, &f->state, &f->w, cx, f->fd, AIT_IO_WRITE, writable_op, &r);
    if (p == AIT_READY && out)
        *out = (int)r;
    return p;
}

void ait_writable_drop(ait_writable_frame *f) { ait__io_release(&f->w); }

AIT__DEFINE_BLOCK_ON(ait_writable, AIT__PARAMS_AFTER(int fd),
                     AIT__PARAMS_AFTER(fd))

/* ---- ait_read_exact, ait_write_all ------------------------------------------ */

/* Both loop over the syscall until n bytes moved: a short count is
 * progress (read or write again at once), EAGAIN waits for readiness with
 * the progress kept in the frame, so the waiter stays listed across the
 * partial steps of one call. */

void ait_read_exact_init(ait_read_exact_frame *f, int fd, void *buf, size_t n) {
    f->fd = fd;
    f->state = RUNNING;
    f->buf = buf;
    f->n = n;
    f->done = 0;
    wait_init(&f->w);
}

static long read_exact_op(void *p) {
    ait_read_exact_frame *f = p;
    while (f->done < f->n) {
        ssize_t r = read(f->fd, (char *)f->buf + f->done, f->n - f->done);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -errno;
        if (r == 0)
            return AIT_EEOF;
        f->done += (size_t)r;
    }
    return 0;
}

ait_poll ait_read_exact_poll(ait_read_exact_frame *f, ait_cx *cx, ait_read_exact_output *out) {
    long r = 0;
    ait_poll p = ait__io_drive_once(f, &f->state, &f->w, cx, f->fd, AIT_IO_READ, read_exact_op, &r);
    if (p == AIT_READY && out)
        *out = (int)r;
    return p;
}

void ait_read_exact_drop(ait_read_exact_frame *f) { ait__io_release(&f->w); }

AIT__DEFINE_BLOCK_ON(ait_read_exact, AIT__PARAMS_AFTER(int fd, void *buf, size_t n),
                     AIT__PARAMS_AFTER(fd, buf, n))

void ait_write_all_init(ait_write_all_frame *f, int fd, const void *buf, size_t n) {
    ait_write_init(&f->wr, fd, buf, n);
    f->done = 0;
}

static long write_all_op(void *p) {
    ait_write_all_frame *f = p;
    while (f->done < f->wr.n) {
        long r = ait__io_write_some(f->wr.fd, (const char *)f->wr.buf + f->done, f->wr.n - f->done,
                            &f->wr.not_socket);
        if (r < 0)
            return r;
        f->done += (size_t)r;
    }
    return 0;
}

ait_poll ait_write_all_poll(ait_write_all_frame *f, ait_cx *cx, ait_write_all_output *out) {
    long r = 0;
    ait_poll p = ait__io_drive_once(f, &f->wr.state, &f->wr.w, cx, f->wr.fd, AIT_IO_WRITE,
                            write_all_op, &r);
    if (p == AIT_READY && out)
        *out = (int)r;
    return p;
}

void ait_write_all_drop(ait_write_all_frame *f) { ait__io_release(&f->wr.w); }

AIT__DEFINE_BLOCK_ON(ait_write_all, AIT__PARAMS_AFTER(int fd, const void *buf, size_t n),
                     AIT__PARAMS_AFTER(fd, buf, n))
