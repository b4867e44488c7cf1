/* output.c: reading inputs, writing outputs atomically, paths, diffs. */
#define _POSIX_C_SOURCE 200809L
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

char *read_file(const char *path, size_t *len) {
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    Buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        buf_putn(&b, chunk, n);
    int err = ferror(fp) ? errno : 0;
    fclose(fp);
    if (err) {
        buf_free(&b);
        errno = err;
        return NULL;
    }
    char *text = xstrndup(b.data ? b.data : "", b.len);
    *len = b.len;
    buf_free(&b);
    return text;
}

/* ---- staging: temporaries renamed together ---------------------------- */

/* The set being staged, for the signal handler. Its list changes only
 * with SIGINT and SIGTERM blocked, so the handler sees it whole. */
static OutputSet *active;

/* SIGINT or SIGTERM while outputs are staged: the temporaries go, then
 * the signal does what it would have done (SA_RESETHAND). */
static void on_signal(int sig) {
    for (int i = 0; active && i < active->staged.len; i++)
        unlink(((Staged *)active->staged.data[i])->tmp);
    raise(sig);
}

static void block_signals(bool block) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigprocmask(block ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL);
}

static void watch_signals(OutputSet *set) {
    if (active == set)
        return;
    active = set;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* Writes all of data to fd; 0 or an errno. */
static int write_all(int fd, const char *data, size_t len) {
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, data + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return errno;
        if (w == 0)
            return EIO;
        done += (size_t)w;
    }
    return 0;
}

static void sink_write(void *sg, const char *data, size_t len) { output_write(sg, data, len); }

Staged *output_open(OutputSet *set, const char *path) {
    struct stat st;
    bool exists = stat(path, &st) == 0;
    if (exists && !S_ISREG(st.st_mode)) {
        error_plain("cannot write '%s': it exists and is not a regular file", path);
        return NULL;
    }
    Staged *sg = xalloc(sizeof *sg);
    sg->path = path;
    sg->tmp = xstrdup(path_join(path_dir(path), xprintf(".%s.XXXXXX", path_base(path))));
    watch_signals(set);
    block_signals(true);         /* the handler must see the name once the file exists */
    sg->fd = mkstemp(sg->tmp);
    if (sg->fd >= 0)
        vec_push(&set->staged, sg);
    block_signals(false);
    if (sg->fd < 0) {
        error_plain("cannot create a temporary file for '%s': %s", path, strerror(errno));
        return NULL;
    }
    /* mkstemp makes the file 0600; give it the mode a new file gets. */
    mode_t mask = umask(0);
    umask(mask);
    (void)fchmod(sg->fd, 0666 & ~mask);
    sg->old_fd = exists ? open(path, O_RDONLY) : -1;
    sg->sink = (BufSink){sink_write, sg};
    return sg;
}

/* Does the old file continue with data at offset at? */
static bool old_matches(int fd, size_t at, const char *data, size_t len) {
    char chunk[65536];
    while (len) {
        size_t n = len < sizeof chunk ? len : sizeof chunk;
        ssize_t r = pread(fd, chunk, n, (off_t)at);
        if (r != (ssize_t)n || memcmp(chunk, data, n))
            return false;
        at += n, data += n, len -= n;
    }
    return true;
}

void output_write(Staged *sg, const char *data, size_t len) {
    if (sg->old_fd >= 0 && !old_matches(sg->old_fd, sg->written, data, len)) {
        close(sg->old_fd);
        sg->old_fd = -1;
    }
    if (!sg->err)
        sg->err = write_all(sg->fd, data, len);
    sg->written += len;
}

void output_attach(Staged *sg, Buf *b) { b->sink = &sg->sink; }

static void forget(OutputSet *set, Staged *sg) {
    block_signals(true);
    for (int i = 0; i < set->staged.len; i++)
        if (set->staged.data[i] == sg)
            set->staged.data[i] = set->staged.data[--set->staged.len];
    block_signals(false);
}

int output_close(OutputSet *set, Staged *sg) {
    struct stat st;
    bool same = sg->old_fd >= 0 && fstat(sg->old_fd, &st) == 0 &&
                (size_t)st.st_size == sg->written;
    if (sg->old_fd >= 0)
        close(sg->old_fd);
    sg->old_fd = -1;
    int err = sg->err;
    if (close(sg->fd) != 0 && !err)
        err = errno;
    sg->fd = -1;
    if (!err && !same)
        return 1;
    unlink(sg->tmp);
    forget(set, sg);
    if (!err)
        return 0;
    error_plain("cannot write '%s': %s", sg->path, strerror(err));
    return -1;
}

int output_stage(OutputSet *set, const char *path, const char *data, size_t len) {
    Staged *sg = output_open(set, path);
    if (!sg)
        return -1;
    output_write(sg, data ? data : "", len);
    return output_close(set, sg);
}

int output_commit(OutputSet *set) {
    int status = 0;
    block_signals(true);
    for (int i = 0; i < set->staged.len; i++) {
        Staged *sg = set->staged.data[i];
        if (rename(sg->tmp, sg->path) != 0) {
            error_plain("cannot write '%s': %s", sg->path, strerror(errno));
            for (int j = i; j < set->staged.len; j++)
                unlink(((Staged *)set->staged.data[j])->tmp);
            status = -1;
            break;
        }
    }
    set->staged.len = 0;
    block_signals(false);
    return status;
}

void output_discard(OutputSet *set) {
    block_signals(true);
    for (int i = 0; i < set->staged.len; i++) {
        Staged *sg = set->staged.data[i];
        if (sg->fd >= 0)
            close(sg->fd);
        if (sg->old_fd >= 0)
            close(sg->old_fd);
        unlink(sg->tmp);
    }
    set->staged.len = 0;
    block_signals(false);
    for (int i = set->made_dirs.len - 1; i >= 0; i--)
        rmdir(set->made_dirs.data[i]);
    set->made_dirs.len = 0;
}

int make_dirs(OutputSet *set, const char *dir) {
    struct stat st;
    if (stat(dir, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return 0;
        error_plain("'%s' is not a directory", dir);
        return -1;
    }
    const char *parent = path_dir(dir);
    if (strcmp(parent, dir) != 0 && make_dirs(set, parent) != 0)
        return -1;
    if (mkdir(dir, 0777) == 0) {
        if (set)
            vec_push(&set->made_dirs, (void *)dir);
    } else if (errno != EEXIST) {
        error_plain("cannot create directory '%s': %s", dir, strerror(errno));
        return -1;
    }
    return 0;
}

/* ---- paths ------------------------------------------------------------ */

const char *path_dir(const char *path) {
    const char *slash = strrchr(path, '/');
    if (!slash)
        return ".";
    while (slash > path && slash[-1] == '/')
        slash--;
    if (slash == path)
        return "/";
    return xstrndup(path, (size_t)(slash - path));
}

const char *path_base(const char *path) {
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

const char *path_join(const char *dir, const char *name) {
    if (name[0] == '/' || !strcmp(dir, "."))
        return xstrdup(name);
    size_t n = strlen(dir);
    return xprintf("%s%s%s", dir, n && dir[n - 1] == '/' ? "" : "/", name);
}

bool is_regular_file(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* ---- diff ------------------------------------------------------------- */

typedef struct Lines {
    const char **at;     /* start of each line */
    size_t *len;         /* its length, without the newline */
    size_t n;
} Lines;

static Lines split_lines(const char *s, size_t n) {
    Lines l = {0};
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\n' || i == n - 1)
            count++;
    l.at = xalloc(sizeof *l.at * (count + 1));
    l.len = xalloc(sizeof *l.len * (count + 1));
    for (size_t i = 0, start = 0; i < n; i++)
        if (s[i] == '\n' || i == n - 1) {
            size_t end = s[i] == '\n' ? i : i + 1;
            l.at[l.n] = s + start;
            l.len[l.n++] = end - start;
            start = i + 1;
        }
    return l;
}

static bool line_eq(const Lines *a, size_t i, const Lines *b, size_t j) {
    return a->len[i] == b->len[j] && !memcmp(a->at[i], b->at[j], a->len[i]);
}

enum { CONTEXT = 3, MAX_SHOWN = 40 };

static void print_lines(FILE *out, char mark, const Lines *l, size_t from, size_t to) {
    for (size_t i = from; i < to; i++) {
        if (i - from == MAX_SHOWN) {
            fprintf(out, "%c... (%zu more lines)\n", mark, to - i);
            return;
        }
        fprintf(out, "%c%.*s\n", mark, (int)l->len[i], l->at[i]);
    }
}

void print_diff(FILE *out, const char *path, const char *old, size_t oldlen,
                const char *new_, size_t newlen) {
    Lines a = split_lines(old, oldlen), b = split_lines(new_, newlen);
    size_t pre = 0, suf = 0;
    while (pre < a.n && pre < b.n && line_eq(&a, pre, &b, pre))
        pre++;
    while (suf < a.n - pre && suf < b.n - pre && line_eq(&a, a.n - 1 - suf, &b, b.n - 1 - suf))
        suf++;
    size_t start = pre > CONTEXT ? pre - CONTEXT : 0;
    size_t tail = suf > CONTEXT ? CONTEXT : suf;
    size_t a_end = a.n - suf, b_end = b.n - suf;
    fprintf(out, "--- %s\n+++ %s (generated)\n", path, path);
    fprintf(out, "@@ -%zu,%zu +%zu,%zu @@\n", start + 1, a_end + tail - start,
            start + 1, b_end + tail - start);
    print_lines(out, ' ', &a, start, pre);
    print_lines(out, '-', &a, pre, a_end);
    print_lines(out, '+', &b, pre, b_end);
    print_lines(out, ' ', &a, a_end, a_end + tail);
}
