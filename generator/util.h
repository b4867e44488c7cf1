/* util.h: arena memory, vectors, strings, the source table and
 * diagnostics, shared by every stage of aitc. */
#ifndef AIT_UTIL_H
#define AIT_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include "ast.h"

/* ---- memory: an arena freed only at exit --------------------------- */
void *xalloc(size_t size);                 /* zeroed; exits on OOM with a message */
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvprintf(const char *fmt, va_list ap);
void arena_release(void);                  /* at exit, so sanitizers see no leak */
/* Temporaries: everything allocated after a mark goes at its release
 * (the emitter's strings for one future, once they are in the output). */
typedef struct ArenaMark {
    void *chunk;
    size_t used;
} ArenaMark;
ArenaMark arena_mark(void);
void arena_release_to(ArenaMark m);
void util_reset(void);
/* Heap memory, for scratch that must go before the arena would free it
 * (exits on OOM with a message, as xalloc). */
void *xrealloc(void *p, size_t size);                     /* sources, diagnostics and arena, for reuse */

/* ---- vectors -------------------------------------------------------- */
void vec_push(Vec *v, void *item);
bool vec_contains(const Vec *v, const void *item);   /* by pointer; linear */
#define vec_get(v, i) ((v)->data[i])
#define vec_last(v) ((v)->data[(v)->len - 1])

/* ---- maps from strings to pointers (open addressing, arena memory) ---- */
typedef struct MapEntry {
    const char *key;
    void *value;
} MapEntry;

typedef struct Map {
    MapEntry *slots;
    int cap, len;
} Map;
void *map_get(const Map *m, const char *key);
void map_put(Map *m, const char *key, void *value);   /* replaces */

/* ---- growable string buffers ---------------------------------------- */
/* A buffer may stream to a sink (an output file being written): then
 * buf_spill, called where nothing will look back at the text printed so
 * far, hands the text over once there is enough of it, and buf_flush
 * hands over the rest. Without a sink the buffer holds everything. */
typedef struct BufSink {
    void (*write)(void *ctx, const char *data, size_t len);
    void *ctx;
} BufSink;

typedef struct Buf {
    char *data;
    size_t len, cap;
    const BufSink *sink;       /* NULL: keep the text */
} Buf;
void buf_putc(Buf *b, char c);
void buf_puts(Buf *b, const char *s);
void buf_putn(Buf *b, const char *s, size_t n);
void buf_printf(Buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(Buf *b, const char *fmt, va_list ap);
bool buf_spill(Buf *b);                    /* true when it handed text over (b is empty) */
void buf_flush(Buf *b);
void buf_free(Buf *b);                     /* buffers use malloc, not the arena */

/* ---- the source table ----------------------------------------------- */
/* Every file read gets an id; diagnostics print its name and lines. */
int src_add(const char *name, const char *text, size_t len);
const char *src_name(int id);
const char *src_text(int id);
size_t src_len(int id);

/* ---- diagnostics ---------------------------------------------------- */
/* "file:line:col: error: message", then the source line and a caret
 * placed under the column (tabs copied so the caret lines up). */
void error_at(Loc loc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void warn_at(Loc loc, const char *wname, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void note_at(Loc loc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void error_plain(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int error_count(void);
/* Warnings: -Werror turns them into errors; -Wno-NAME silences one. */
void diag_set_werror(bool on);
void diag_disable_warning(const char *name);
/* Diagnostics go to this stream (stderr by default; tests redirect). */
void diag_set_stream(void *file);

#endif
