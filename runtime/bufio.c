/* bufio.c: a buffered reader and a buffered writer over an fd, and their
 * futures: ait_bufread_until / ait_bufread_line / ait_bufread_exact,
 * ait_bufwrite / ait_bufflush.
 *
 * The reader's buffer holds the bytes [start, end) read but not yet
 * consumed; a read that needs room moves them to the front first. A line
 * is handed out as a pointer into the buffer, consumed at once, and left
 * in place until the next read on the reader. The writer's buffer holds
 * the bytes not yet written; a flush writes them in order and keeps what
 * it could not write (an error, a drop part way) at the front.
 *
 * Every future here is a loop over the reactor (ait__io_drive): its op
 * works on the buffer until it is done or the fd says EAGAIN.
 */
#define _GNU_SOURCE
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { RUNNING = 0 };

/* ---- the reader ----------------------------------------------------------------- */

int ait_bufreader_init(ait_bufreader *r, int fd, size_t capacity) {
    memset(r, 0, sizeof *r);
    r->fd = fd;
    if (capacity == 0)
        return -EINVAL;
    r->buf = malloc(capacity);
    if (!r->buf)
        return -ENOMEM;
    r->cap = capacity;
    return 0;
}

void ait_bufreader_free(ait_bufreader *r) {
    free(r->buf);
    r->buf = NULL;
    r->cap = r->start = r->end = 0;
}

void ait_bufreader_consume(ait_bufreader *r, size_t n) {
    size_t have = r->end - r->start;
    r->start += n < have ? n : have;
    if (r->start == r->end)
        r->start = r->end = 0;
}

/* Reads more into the buffer (moving what is buffered to the front when
 * the end is reached): > 0 bytes added, 0 at end of file, -EMSGSIZE when
 * the buffer is full, or a negative errno (-EAGAIN: wait). */
static long fill(ait_bufreader *r, ait_io_wait *w) {
    if (r->eof)
        return 0;
    if (r->end == r->cap) {
        if (r->start == 0)
            return -EMSGSIZE;
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->start = 0;
    }
    if (w->idle)
        return -EAGAIN;             /* known empty: no read (see ait__io_prepare) */
    for (;;) {
        ssize_t n = read(r->fd, r->buf + r->end, r->cap - r->end);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0)
            r->eof = true;
        w->drained = n > 0 && (size_t)n < r->cap - r->end;  /* a short read emptied the fd */
        r->end += (size_t)n;
        return n;
    }
}

int ait_bufreader_grow(ait_bufreader *r, size_t capacity) {
    if (capacity <= r->cap)
        return 0;
    char *b = realloc(r->buf, capacity);
    if (!b)
        return -ENOMEM;
    r->buf = b;
    r->cap = capacity;
    return 0;
}

/* ---- ait_bufread_fill ------------------------------------------------------------ */

void ait_bufread_fill_init(ait_bufread_fill_frame *f, ait_bufreader *r) {
    f->r = r;
    f->state = RUNNING;
    memset(&f->w, 0, sizeof f->w);
}

static long fill_op(void *p) {
    ait_bufread_fill_frame *f = p;
    return fill(f->r, &f->w);
}

ait_poll ait_bufread_fill_poll(ait_bufread_fill_frame *f, ait_cx *cx,
                               ait_bufread_fill_output *out) {
    long res = 0;
    ait_poll p = ait__io_drive_once(f, &f->state, &f->w, cx, f->r->fd, AIT_IO_READ, fill_op,
                                    &res);
    if (p == AIT_READY && out)
        *out = (ssize_t)res;
    return p;
}

void ait_bufread_fill_drop(ait_bufread_fill_frame *f) { ait__io_release(&f->w); }

AIT__DEFINE_BLOCK_ON(ait_bufread_fill, AIT__PARAMS_AFTER(ait_bufreader *r),
                     AIT__PARAMS_AFTER(r))

/* ---- ait_bufread_until, ait_bufread_line ------------------------------------------ */

void ait_bufread_until_init(ait_bufread_until_frame *f, ait_bufreader *r, int delim,
                            char **line) {
    f->r = r;
    f->delim = delim;
    f->line = line;
    f->state = RUNNING;
    f->scanned = 0;
    memset(&f->w, 0, sizeof f->w);
}

/* Hands out the first n buffered bytes as the line. */
static long take_line(ait_bufread_until_frame *f, size_t n) {
    ait_bufreader *r = f->r;
    if (f->line)
        *f->line = r->buf + r->start;
    r->start += n;              /* consumed, left in place until the next read */
    return (long)n;
}

static long until_op(void *p) {
    ait_bufread_until_frame *f = p;
    ait_bufreader *r = f->r;
    for (;;) {
        size_t have = r->end - r->start;
        char *hit = f->scanned < have ? memchr(r->buf + r->start + f->scanned,
                                               (unsigned char)f->delim, have - f->scanned)
                                      : NULL;
        if (hit)
            return take_line(f, (size_t)(hit - (r->buf + r->start)) + 1);
        f->scanned = have;
        long n = fill(r, &f->w);
        if (n == 0)
            return take_line(f, have);          /* end of file: what is left */
        if (n < 0)
            return n;
    }
}

ait_poll ait_bufread_until_poll(ait_bufread_until_frame *f, ait_cx *cx,
                                ait_bufread_until_output *out) {
    long res = 0;
    ait_poll p = ait__io_drive_once(f, &f->state, &f->w, cx, f->r->fd, AIT_IO_READ, until_op,
                                    &res);
    if (p == AIT_READY && out)
        *out = (ssize_t)res;
    return p;
}

void ait_bufread_until_drop(ait_bufread_until_frame *f) { ait__io_release(&f->w); }

AIT__DEFINE_BLOCK_ON(ait_bufread_until,
                     AIT__PARAMS_AFTER(ait_bufreader *r, int delim, char **line),
                     AIT__PARAMS_AFTER(r, delim, line))

void ait_bufread_line_init(ait_bufread_line_frame *f, ait_bufreader *r, char **line) {
    ait_bufread_until_init(f, r, '\n', line);
}
ait_poll ait_bufread_line_poll(ait_bufread_line_frame *f, ait_cx *cx,
                               ait_bufread_line_output *out) {
    return ait_bufread_until_poll(f, cx, out);
}
void ait_bufread_line_drop(ait_bufread_line_frame *f) { ait_bufread_until_drop(f); }

AIT__DEFINE_BLOCK_ON(ait_bufread_line, AIT__PARAMS_AFTER(ait_bufreader *r, char **line),
                     AIT__PARAMS_AFTER(r, line))

/* ---- ait_bufread_exact ---------------------------------------------------------------- */

void ait_bufread_exact_init(ait_bufread_exact_frame *f, ait_bufreader *r, void *buf,
                            size_t n) {
    f->r = r;
    f->buf = buf;
    f->n = n;
    f->done = 0;
    f->state = RUNNING;
    memset(&f->w, 0, sizeof f->w);
}

static long exact_op(void *p) {
    ait_bufread_exact_frame *f = p;
    ait_bufreader *r = f->r;
    for (;;) {
        size_t have = r->end - r->start, want = f->n - f->done;
        size_t k = have < want ? have : want;
        memcpy((char *)f->buf + f->done, r->buf + r->start, k);
        ait_bufreader_consume(r, k);
        f->done += k;
        if (f->done == f->n)
            return 0;
        if (r->eof)
            return AIT_EEOF;
        long got;
        if (f->n - f->done >= r->cap) {
            /* A big read: straight into the caller's buffer. */
            ssize_t n = read(r->fd, (char *)f->buf + f->done, f->n - f->done);
            if (n < 0 && errno == EINTR)
                continue;
            got = n < 0 ? -errno : n;
            if (n > 0)
                f->done += (size_t)n;
            else if (n == 0)
                r->eof = true;
        } else {
            got = fill(r, &f->w);
        }
        if (got < 0)
            return got;
    }
}

ait_poll ait_bufread_exact_poll(ait_bufread_exact_frame *f, ait_cx *cx,
                                ait_bufread_exact_output *out) {
    long res = 0;
    ait_poll p = ait__io_drive_once(f, &f->state, &f->w, cx, f->r->fd, AIT_IO_READ, exact_op,
                                    &res);
    if (p == AIT_READY && out)
        *out = (int)res;
    return p;
}

void ait_bufread_exact_drop(ait_bufread_exact_frame *f) { ait__io_release(&f->w); }

AIT__DEFINE_BLOCK_ON(ait_bufread_exact,
                     AIT__PARAMS_AFTER(ait_bufreader *r, void *buf, size_t n),
                     AIT__PARAMS_AFTER(r, buf, n))

/* ---- the writer ---------------------------------------------------------------------- */

int ait_bufwriter_init(ait_bufwriter *w, int fd, size_t capacity) {
    memset(w, 0, sizeof *w);
    w->fd = fd;
    if (capacity == 0)
        return -EINVAL;
    w->buf = malloc(capacity);
    if (!w->buf)
        return -ENOMEM;
    w->cap = capacity;
    return 0;
}

void ait_bufwriter_free(ait_bufwriter *w) {
    free(w->buf);
    w->buf = NULL;
    w->cap = w->len = 0;
}

int ait_bufwriter_put(ait_bufwriter *w, const void *data, size_t n) {
    if (n > w->cap - w->len) {
        size_t cap = w->cap;
        while (cap - w->len < n) {
            if (cap > SIZE_MAX / 2)
                return -ENOMEM;
            cap *= 2;
        }
        char *b = realloc(w->buf, cap);
        if (!b)
            return -ENOMEM;
        w->buf = b;
        w->cap = cap;
    }
    memcpy(w->buf + w->len, data, n);
    w->len += n;
    return 0;
}

/* Writes the buffer from its front; keeps what is not written yet at the
 * front. 0 once empty, or a negative errno (-EAGAIN: wait). */
static long flush_some(ait_bufwriter *w) {
    size_t off = 0;
    long r = 0;
    while (off < w->len) {
        r = ait__io_write_some(w->fd, w->buf + off, w->len - off, &w->not_socket);
        if (r < 0)
            break;
        off += (size_t)r;
    }
    memmove(w->buf, w->buf + off, w->len - off);
    w->len -= off;
    return w->len ? r : 0;
}

/* ---- ait_bufflush ---------------------------------------------------------------------- */

void ait_bufflush_init(ait_bufflush_frame *f, ait_bufwriter *w) {
    f->wr = w;
    f->state = RUNNING;
    memset(&f->w, 0, sizeof f->w);
}

static long flush_op(void *p) { return flush_some(((ait_bufflush_frame *)p)->wr); }

ait_poll ait_bufflush_poll(ait_bufflush_frame *f, ait_cx *cx, ait_bufflush_output *out) {
    long res = 0;
    ait_poll p = ait__io_drive_once(f, &f->state, &f->w, cx, f->wr->fd, AIT_IO_WRITE, flush_op,
                                    &res);
    if (p == AIT_READY && out)
        *out = (int)res;
    return p;
}

void ait_bufflush_drop(ait_bufflush_frame *f) { ait__io_release(&f->w); }

AIT__DEFINE_BLOCK_ON(ait_bufflush, AIT__PARAMS_AFTER(ait_bufwriter *w),
                     AIT__PARAMS_AFTER(w))

/* ---- ait_bufwrite ---------------------------------------------------------------------- */

void ait_bufwrite_init(ait_bufwrite_frame *f, ait_bufwriter *w, const void *data, size_t n) {
    f->wr = w;
    f->data = data;
    f->n = n;
    f->done = 0;
    f->state = RUNNING;
    memset(&f->w, 0, sizeof f->w);
}

/* Room in the buffer: copy. Else flush it, then copy (a write smaller
 * than the buffer) or write it straight (a bigger one). */
static long bufwrite_op(void *p) {
    ait_bufwrite_frame *f = p;
    ait_bufwriter *w = f->wr;
    if (f->n - f->done > w->cap - w->len) {
        long r = flush_some(w);
        if (r < 0)
            return r;
        while (f->n - f->done >= w->cap) {
            r = ait__io_write_some(w->fd, (const char *)f->data + f->done, f->n - f->done,
                                   &w->not_socket);
            if (r < 0)
                return r;
            f->done += (size_t)r;
        }
    }
    memcpy(w->buf + w->len, (const char *)f->data + f->done, f->n - f->done);
    w->len += f->n - f->done;
    f->done = f->n;
    return 0;
}

ait_poll ait_bufwrite_poll(ait_bufwrite_frame *f, ait_cx *cx, ait_bufwrite_output *out) {
    long res = 0;
    ait_poll p = ait__io_drive_once(f, &f->state, &f->w, cx, f->wr->fd, AIT_IO_WRITE, bufwrite_op,
                                    &res);
    if (p == AIT_READY && out)
        *out = (int)res;
    return p;
}

void ait_bufwrite_drop(ait_bufwrite_frame *f) { ait__io_release(&f->w); }

AIT__DEFINE_BLOCK_ON(ait_bufwrite,
                     AIT__PARAMS_AFTER(ait_bufwriter *w, const void *data, size_t n),
                     AIT__PARAMS_AFTER(w, data, n))
