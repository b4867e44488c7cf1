/* resp.h: the Redis protocol (RESP2) for mini-redis: growable byte
 * buffers, a request parser that works on whatever bytes have arrived
 * (pipelining: many requests in one read, or one request over many reads)
 * and reply writers. Plain C, no I/O: server.ait does the reading and
 * writing (through the runtime's buffered reader and writer). */
#ifndef MINI_REDIS_RESP_H
#define MINI_REDIS_RESP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ait.h"

/* Limits: a request line (inline command, or a `*N` / `$N` header) longer
 * than RESP_MAX_LINE, a bulk string longer than RESP_MAX_BULK or more than
 * RESP_MAX_ARGS arguments is a protocol error. */
#define RESP_MAX_LINE (64 * 1024)
#define RESP_MAX_BULK (64 * 1024 * 1024)
#define RESP_MAX_ARGS 1024

typedef struct Buf {
    char *p;
    size_t len, cap;
} Buf;

/* 0, or -ENOMEM (the buffer is unchanged). */
int buf_reserve(Buf *b, size_t extra);
int buf_append(Buf *b, const void *p, size_t n);
void buf_free(Buf *b);

/* A byte string that points into someone else's memory. */
typedef struct Slice {
    const char *p;
    size_t len;
} Slice;

bool slice_eq_nocase(Slice s, const char *word);

/* One request: argv[i] point into the input buffer, valid until it is
 * compacted or grown (that is, until the next read). */
typedef struct Cmd {
    int argc;
    Slice argv[RESP_MAX_ARGS];
} Cmd;

/* Parses one request at in[*pos..len): 1 (cmd filled, *pos past it),
 * 0 (incomplete: read more; *pos unchanged), or -1 (protocol error: *err
 * is the message, the connection should be closed after replying it).
 * Empty requests (a blank inline line, `*0`) are skipped. Accepts RESP
 * arrays of bulk strings, as clients send them, and inline commands
 * (words separated by spaces, as typed into telnet or nc). */
int resp_parse(const char *in, size_t len, size_t *pos, Cmd *cmd, const char **err);

/* Reply writers, appending to the connection's buffered writer (the
 * runtime's ait_bufwriter: nothing is written until it is flushed): 0 or
 * -ENOMEM. */
int reply_simple(ait_bufwriter *out, const char *s);            /* +s */
int reply_error(ait_bufwriter *out, const char *msg);           /* -msg */
int reply_int(ait_bufwriter *out, long long v);                 /* :v */
int reply_bulk(ait_bufwriter *out, const void *p, size_t n);    /* $n data */
int reply_null(ait_bufwriter *out);                             /* $-1 */
int reply_array_header(ait_bufwriter *out, long long n);        /* *n */
/* A request as RESP (an array of bulk strings), as the append-only file
 * stores it. */
int resp_write_cmd(Buf *out, int argc, const Slice *argv);

/* Parses a whole decimal signed 64-bit integer (Redis's rules: no
 * spaces, no leading '+', no overflow): true and *v, or false. */
bool parse_i64(Slice s, long long *v);

/* For clients (the self-test in main.c): the length of the first complete
 * reply in p[0..n), 0 if incomplete, -1 if malformed. */
long reply_length(const char *p, size_t n);

#endif
