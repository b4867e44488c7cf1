/* output.c: reading inputs, writing outputs atomically, paths, diffs. */
#define _POSIX_C_SOURCE 200809L
#include "output.h"

#include <errno.h>
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

static bool same_content(const char *path, const char *data, size_t len) {
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size != len)
        return false;
    size_t old_len;
    char *old = read_file(path, &old_len);
    return old && old_len == len && memcmp(old, data, len) == 0;
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

/* Writes data to a new temporary file beside path; its name, or NULL
 * (reported). */
static char *write_temporary(const char *path, const char *data, size_t len) {
    char *tmp = xstrdup(path_join(path_dir(path), xprintf(".%s.XXXXXX", path_base(path))));
    int fd = mkstemp(tmp);
    if (fd < 0) {
        error_plain("cannot create a temporary file for '%s': %s", path, strerror(errno));
        return NULL;
    }
    /* mkstemp makes the file 0600; give it the mode a new file gets. */
    mode_t mask = umask(0);
    umask(mask);
    (void)fchmod(fd, 0666 & ~mask);
    int err = write_all(fd, data, len);
    if (close(fd) != 0 && !err)
        err = errno;
    if (err) {
        unlink(tmp);
        error_plain("cannot write '%s': %s", path, strerror(err));
        return NULL;
    }
    return tmp;
}

int output_stage(OutputSet *set, const char *path, const char *data, size_t len) {
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        error_plain("cannot write '%s': it exists and is not a regular file", path);
        return -1;
    }
    if (same_content(path, data ? data : "", len))
        return 0;
    char *tmp = write_temporary(path, data ? data : "", len);
    if (!tmp)
        return -1;
    Staged *sg = xalloc(sizeof *sg);
    sg->path = path;
    sg->tmp = tmp;
    vec_push(&set->staged, sg);
    return 1;
}

int output_commit(OutputSet *set) {
    for (int i = 0; i < set->staged.len; i++) {
        Staged *sg = set->staged.data[i];
        if (rename(sg->tmp, sg->path) != 0) {
            error_plain("cannot write '%s': %s", sg->path, strerror(errno));
            for (int j = i; j < set->staged.len; j++)
                unlink(((Staged *)set->staged.data[j])->tmp);
            set->staged.len = 0;
            return -1;
        }
    }
    set->staged.len = 0;
    return 0;
}

void output_discard(OutputSet *set) {
    for (int i = 0; i < set->staged.len; i++)
        unlink(((Staged *)set->staged.data[i])->tmp);
    set->staged.len = 0;
}

int make_dirs(const char *dir) {
    struct stat st;
    if (stat(dir, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return 0;
        error_plain("'%s' is not a directory", dir);
        return -1;
    }
    const char *parent = path_dir(dir);
    if (strcmp(parent, dir) != 0 && make_dirs(parent) != 0)
        return -1;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
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
