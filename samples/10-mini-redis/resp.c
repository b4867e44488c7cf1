/* resp.c: RESP2 requests and replies for mini-redis (see resp.h). */
#include "resp.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- buffers ---------------------------------------------------------------- */

int buf_reserve(Buf *b, size_t extra) {
    if (b->cap - b->len >= extra)
        return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap - b->len < extra)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p)
        return -ENOMEM;
    b->p = p;
    b->cap = cap;
    return 0;
}

int buf_append(Buf *b, const void *p, size_t n) {
    if (buf_reserve(b, n) < 0)
        return -ENOMEM;
    memcpy(b->p + b->len, p, n);
    b->len += n;
    return 0;
}

void buf_free(Buf *b) {
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

bool slice_eq_nocase(Slice s, const char *word) {
    size_t n = strlen(word);
    if (s.len != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s.p[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c != word[i])
            return false;
    }
    return true;
}

bool parse_i64(Slice s, long long *v) {
    if (s.len == 0 || s.len > 20)
        return false;
    size_t i = 0;
    bool neg = s.p[0] == '-';
    if (neg && s.len == 1)
        return false;
    i = neg ? 1 : 0;
    if (s.p[i] == '0' && s.len > i + 1)
        return false;           /* no leading zeros, as Redis */
    unsigned long long u = 0;
    for (; i < s.len; i++) {
        if (s.p[i] < '0' || s.p[i] > '9')
            return false;
        unsigned d = (unsigned)(s.p[i] - '0');
        if (u > (ULLONG_MAX - d) / 10)
            return false;
        u = u * 10 + d;
    }
    if (neg) {
        if (u > (unsigned long long)LLONG_MAX + 1)
            return false;
        *v = u == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)u;
    } else {
        if (u > (unsigned long long)LLONG_MAX)
            return false;
        *v = (long long)u;
    }
    return true;
}

/* ---- requests ------------------------------------------------------------------- */

/* The end of the line starting at p (the '\r' of "\r\n"), NULL if it has
 * not arrived; *too_long when no line end is within RESP_MAX_LINE. */
static const char *line_end(const char *p, const char *end, bool *too_long) {
    size_t n = (size_t)(end - p);
    if (n > RESP_MAX_LINE)
        n = RESP_MAX_LINE;
    const char *nl = memchr(p, '\n', n);
    *too_long = nl == NULL && (size_t)(end - p) > RESP_MAX_LINE;
    if (!nl || nl == p || nl[-1] != '\r')
        return nl ? nl : NULL;      /* a bare '\n' ends an inline line too */
    return nl - 1;
}

/* A decimal count after a type byte ("*3", "$5"), in [min, max]. */
static bool parse_count(const char *p, const char *e, long long min, long long max,
                        long long *v) {
    Slice s = { p, (size_t)(e - p) };
    return parse_i64(s, v) && *v >= min && *v <= max;
}

static int parse_inline(const char *p, const char *eol, Cmd *cmd, const char **err) {
    cmd->argc = 0;
    while (p < eol) {
        while (p < eol && (*p == ' ' || *p == '\t' || *p == '\r'))
            p++;
        const char *w = p;
        while (p < eol && *p != ' ' && *p != '\t' && *p != '\r')
            p++;
        if (p > w) {
            if (cmd->argc == RESP_MAX_ARGS) {
                *err = "ERR Protocol error: too many arguments";
                return -1;
            }
            cmd->argv[cmd->argc++] = (Slice){ w, (size_t)(p - w) };
        }
    }
    return 1;
}

int resp_parse(const char *in, size_t len, size_t *pos, Cmd *cmd, const char **err) {
    if (*pos >= len)
        return 0;                   /* nothing (in may still be NULL) */
    const char *end = in + len;
    for (;;) {
        const char *p = in + *pos;
        if (p == end)
            return 0;
        bool too_long;
        const char *eol = line_end(p, end, &too_long);
        if (!eol) {
            if (too_long) {
                *err = *p == '*' ? "ERR Protocol error: invalid multibulk length"
                                 : "ERR Protocol error: too big inline request";
                return -1;
            }
            return 0;
        }
        const char *next = *eol == '\r' ? eol + 2 : eol + 1;
        if (*p != '*') {
            if (parse_inline(p, eol, cmd, err) < 0)
                return -1;
            *pos = (size_t)(next - in);
            if (cmd->argc == 0)
                continue;           /* a blank line */
            return 1;
        }
        long long n;
        if (!parse_count(p + 1, eol, INT_MIN, RESP_MAX_ARGS, &n)) {
            *err = "ERR Protocol error: invalid multibulk length";
            return -1;
        }
        if (n <= 0) {
            *pos = (size_t)(next - in);
            continue;               /* *0, *-1: nothing to do */
        }
        const char *q = next;
        cmd->argc = 0;
        for (long long i = 0; i < n; i++) {
            if (q == end)
                return 0;
            if (*q != '$') {
                *err = "ERR Protocol error: expected '$'";
                return -1;
            }
            const char *e = line_end(q, end, &too_long);
            if (!e) {
                if (too_long) {
                    *err = "ERR Protocol error: invalid bulk length";
                    return -1;
                }
                return 0;
            }
            long long blen;
            if (*e != '\r' || !parse_count(q + 1, e, 0, RESP_MAX_BULK, &blen)) {
                *err = "ERR Protocol error: invalid bulk length";
                return -1;
            }
            const char *data = e + 2;
            if ((size_t)(end - data) < (size_t)blen + 2)
                return 0;
            if (data[blen] != '\r' || data[blen + 1] != '\n') {
                *err = "ERR Protocol error: bulk string not followed by CRLF";
                return -1;
            }
            cmd->argv[cmd->argc++] = (Slice){ data, (size_t)blen };
            q = data + blen + 2;
        }
        *pos = (size_t)(q - in);
        return 1;
    }
}

/* ---- replies --------------------------------------------------------------------- */

/* "<type><v>\r\n" into tmp (at least 24 bytes): its length. By hand, not
 * snprintf: a GET reply formats one, and snprintf showed in profiles. */
static size_t number_line(char *tmp, char type, long long v) {
    char digits[20];
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    size_t n = 0;
    do
        digits[n++] = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    size_t len = 0;
    tmp[len++] = type;
    if (v < 0)
        tmp[len++] = '-';
    while (n > 0)
        tmp[len++] = digits[--n];
    tmp[len++] = '\r';
    tmp[len++] = '\n';
    return len;
}

/* One line, "<type><s>\r\n", with one copy into the writer. */
static int line(ait_bufwriter *out, char type, const char *s) {
    char tmp[128];
    int n = snprintf(tmp, sizeof tmp, "%c%s\r\n", type, s);
    if (n < 0 || (size_t)n >= sizeof tmp) {     /* long: in pieces */
        return ait_bufwriter_put(out, &type, 1) < 0 || ait_bufwriter_put(out, s, strlen(s)) < 0 ||
                       ait_bufwriter_put(out, "\r\n", 2) < 0
                   ? -ENOMEM
                   : 0;
    }
    return ait_bufwriter_put(out, tmp, (size_t)n);
}

int reply_simple(ait_bufwriter *out, const char *s) { return line(out, '+', s); }
int reply_error(ait_bufwriter *out, const char *msg) { return line(out, '-', msg); }
int reply_null(ait_bufwriter *out) { return ait_bufwriter_put(out, "$-1\r\n", 5); }

int reply_int(ait_bufwriter *out, long long v) {
    char tmp[24];
    return ait_bufwriter_put(out, tmp, number_line(tmp, ':', v));
}

int reply_array_header(ait_bufwriter *out, long long n) {
    char tmp[24];
    return ait_bufwriter_put(out, tmp, number_line(tmp, '*', n));
}

int reply_bulk(ait_bufwriter *out, const void *p, size_t n) {
    char tmp[24];
    if (ait_bufwriter_put(out, tmp, number_line(tmp, '$', (long long)n)) < 0 ||
        ait_bufwriter_put(out, p, n) < 0 || ait_bufwriter_put(out, "\r\n", 2) < 0)
        return -ENOMEM;
    return 0;
}

int resp_write_cmd(Buf *out, int argc, const Slice *argv) {
    char tmp[24];
    if (buf_append(out, tmp, number_line(tmp, '*', argc)) < 0)
        return -ENOMEM;
    for (int i = 0; i < argc; i++)
        if (buf_append(out, tmp, number_line(tmp, '$', (long long)argv[i].len)) < 0 ||
            buf_append(out, argv[i].p, argv[i].len) < 0 || buf_append(out, "\r\n", 2) < 0)
            return -ENOMEM;
    return 0;
}

/* ---- replies, read by a client ----------------------------------------------------- */

long reply_length(const char *p, size_t n) {
    if (n == 0)
        return 0;
    const char *nl = memchr(p, '\n', n);
    if (!nl)
        return 0;
    if (nl == p || nl[-1] != '\r')
        return -1;
    long head = (long)(nl + 1 - p);
    long long v;
    switch (p[0]) {
    case '+':
    case '-':
    case ':':
        return head;
    case '$':
        if (!parse_count(p + 1, nl - 1, -1, RESP_MAX_BULK, &v))
            return -1;
        if (v < 0)
            return head;
        return (size_t)head + (size_t)v + 2 <= n ? head + (long)v + 2 : 0;
    case '*': {
        if (!parse_count(p + 1, nl - 1, -1, RESP_MAX_ARGS, &v))
            return -1;
        long at = head;
        for (long long i = 0; i < v; i++) {
            long k = reply_length(p + at, n - (size_t)at);
            if (k <= 0)
                return k;
            at += k;
        }
        return at;
    }
    default:
        return -1;
    }
}
