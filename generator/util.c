/* util.c: arena, vectors, buffers, source table and diagnostics. */
#include "util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- arena ---------------------------------------------------------- */

typedef struct Chunk {
    struct Chunk *next;
    size_t used, size;
    max_align_t data[];
} Chunk;

static Chunk *arena;

static void out_of_memory(void) {
    fputs("aitc: error: out of memory\n", stderr);
    exit(1);
}

/* Arena memory, not zeroed: for strings about to be written. */
static void *xalloc_raw(size_t size) {
    size = (size + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
    if (!arena || arena->size - arena->used < size) {
        size_t cap = size > 65536 ? size : 65536;
        Chunk *c = malloc(sizeof(Chunk) + cap);
        if (!c)
            out_of_memory();
        c->next = arena;
        c->used = 0;
        c->size = cap;
        arena = c;
    }
    void *p = (char *)arena->data + arena->used;
    arena->used += size;
    return p;
}

void *xalloc(size_t size) {
    void *p = xalloc_raw(size);
    memset(p, 0, size);
    return p;
}

ArenaMark arena_mark(void) {
    return (ArenaMark){arena, arena ? arena->used : 0};
}

/* Frees what was allocated since m: the chunks opened after it, and the
 * tail of its chunk. */
void arena_release_to(ArenaMark m) {
    while (arena && arena != m.chunk) {
        Chunk *next = arena->next;
        free(arena);
        arena = next;
    }
    if (arena)
        arena->used = m.used;
}

void arena_release(void) {
    while (arena) {
        Chunk *next = arena->next;
        free(arena);
        arena = next;
    }
}

char *xstrndup(const char *s, size_t n) {
    char *p = xalloc_raw(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }

char *xvprintf(const char *fmt, va_list ap) {
    char small[256];
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap2);
    va_end(ap2);
    if ((size_t)n < sizeof small)
        return xstrndup(small, (size_t)n);
    char *p = xalloc_raw((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *xprintf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *p = xvprintf(fmt, ap);
    va_end(ap);
    return p;
}

/* ---- vectors -------------------------------------------------------- */

void vec_push(Vec *v, void *item) {
    if (v->len == v->cap) {
        int cap = v->cap ? v->cap * 2 : 8;
        void **data = xalloc(sizeof(void *) * (size_t)cap);
        if (v->len)
            memcpy(data, v->data, sizeof(void *) * (size_t)v->len);
        v->data = data;
        v->cap = cap;
    }
    v->data[v->len++] = item;
}

bool vec_contains(const Vec *v, const void *item) {
    for (int i = 0; i < v->len; i++)
        if (v->data[i] == item)
            return true;
    return false;
}

/* ---- maps ---------------------------------------------------------- */

static unsigned long str_hash(const char *s) {
    unsigned long h = 1469598103934665603UL;   /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211UL;
    return h;
}

static MapEntry *map_slot(MapEntry *slots, int cap, const char *key) {
    for (unsigned long i = str_hash(key) & (unsigned long)(cap - 1);; i = (i + 1) & (unsigned long)(cap - 1))
        if (!slots[i].key || !strcmp(slots[i].key, key))
            return &slots[i];
}

void *map_get(const Map *m, const char *key) {
    if (!m->cap)
        return NULL;
    MapEntry *e = map_slot(m->slots, m->cap, key);
    return e->key ? e->value : NULL;
}

void map_put(Map *m, const char *key, void *value) {
    if ((m->len + 1) * 2 > m->cap) {   /* at most half full */
        int cap = m->cap ? m->cap * 2 : 64;
        MapEntry *slots = xalloc(sizeof *slots * (size_t)cap);
        for (int i = 0; i < m->cap; i++)
            if (m->slots[i].key)
                *map_slot(slots, cap, m->slots[i].key) = m->slots[i];
        m->slots = slots;
        m->cap = cap;
    }
    MapEntry *e = map_slot(m->slots, m->cap, key);
    if (!e->key)
        m->len++;
    e->key = key;
    e->value = value;
}

/* ---- buffers -------------------------------------------------------- */

static void buf_reserve(Buf *b, size_t extra) {
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p)
        out_of_memory();
    b->data = p;
    b->cap = cap;
}

void buf_putn(Buf *b, const char *s, size_t n) {
    buf_reserve(b, n);
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void buf_putc(Buf *b, char c) { buf_putn(b, &c, 1); }
void buf_puts(Buf *b, const char *s) { buf_putn(b, s, strlen(s)); }

/* Formats straight into the buffer; grows it and formats again only
 * when the text did not fit. */
void buf_printf(Buf *b, const char *fmt, ...) {
    buf_reserve(b, 128);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if ((size_t)n >= b->cap - b->len) {
        buf_reserve(b, (size_t)n);
        va_start(ap, fmt);
        vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t)n;
}

void buf_free(Buf *b) {
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* ---- source table --------------------------------------------------- */

typedef struct Source {
    const char *name, *text;
    size_t len;
} Source;

static Vec sources;

int src_add(const char *name, const char *text, size_t len) {
    Source *s = xalloc(sizeof *s);
    s->name = xstrdup(name);
    s->text = text;
    s->len = len;
    vec_push(&sources, s);
    return sources.len - 1;
}

static Source *src(int id) { return sources.data[id]; }
const char *src_name(int id) { return src(id)->name; }
const char *src_text(int id) { return src(id)->text; }
size_t src_len(int id) { return src(id)->len; }

/* ---- diagnostics ---------------------------------------------------- */

static int errors;
static bool werror;
static Vec disabled;
static FILE *diag_stream;

static FILE *out(void) { return diag_stream ? diag_stream : stderr; }
void diag_set_stream(void *file) { diag_stream = file; }
void diag_set_werror(bool on) { werror = on; }
void diag_disable_warning(const char *name) { vec_push(&disabled, xstrdup(name)); }
int error_count(void) { return errors; }

/* Prints the source line of loc and a caret under its column. Columns
 * count characters (UTF-8 sequences as one); tabs in the line are kept
 * in the caret line so it lines up in any terminal. */
static void show_line(Loc loc) {
    if (loc.file < 0 || loc.file >= sources.len || loc.line <= 0)
        return;
    const char *p = src_text(loc.file), *end = p + src_len(loc.file);
    for (int line = 1; line < loc.line && p < end; p++)
        if (*p == '\n')
            line++;
    const char *eol = p;
    while (eol < end && *eol != '\n')
        eol++;
    fprintf(out(), "%.*s\n", (int)(eol - p), p);
    int col = 1;
    for (const char *q = p; q < eol && col < loc.col; q++) {
        if (((unsigned char)*q & 0xC0) == 0x80)
            continue;                      /* continuation byte */
        fputc(*q == '\t' ? '\t' : ' ', out());
        col++;
    }
    fputs("^\n", out());
}

static void report(Loc loc, const char *kind, const char *fmt, va_list ap,
                   const char *suffix) {
    if (loc.file >= 0 && loc.file < sources.len)
        fprintf(out(), "%s:%d:%d: %s: ", src_name(loc.file), loc.line, loc.col, kind);
    else
        fprintf(out(), "aitc: %s: ", kind);
    vfprintf(out(), fmt, ap);
    fprintf(out(), "%s\n", suffix ? suffix : "");
    show_line(loc);
}

/* Instances of one default method or generic share source lines: the
 * same error at the same place is reported once. */
static Vec seen;

static bool seen_before(Loc loc, const char *fmt, va_list ap) {
    va_list ap2;
    va_copy(ap2, ap);
    char *key = xprintf("%d:%d:%d:%s", loc.file, loc.line, loc.col, xvprintf(fmt, ap2));
    va_end(ap2);
    for (int i = 0; i < seen.len; i++)
        if (!strcmp(seen.data[i], key))
            return true;
    vec_push(&seen, key);
    return false;
}

static bool suppressing;   /* the notes of a suppressed error go too */

void error_at(Loc loc, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    suppressing = seen_before(loc, fmt, ap);
    if (!suppressing) {
        report(loc, "error", fmt, ap, NULL);
        errors++;
    }
    va_end(ap);
}

void note_at(Loc loc, const char *fmt, ...) {
    if (suppressing)
        return;
    va_list ap;
    va_start(ap, fmt);
    report(loc, "note", fmt, ap, NULL);
    va_end(ap);
}

void warn_at(Loc loc, const char *wname, const char *fmt, ...) {
    for (int i = 0; i < disabled.len; i++)
        if (!strcmp(disabled.data[i], wname))
            return;
    char *suffix = xprintf(" [%s%s]", werror ? "-Werror=" : "-W", wname);
    va_list ap;
    va_start(ap, fmt);
    report(loc, werror ? "error" : "warning", fmt, ap, suffix);
    va_end(ap);
    if (werror)
        errors++;
}

void error_plain(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("aitc: error: ", out());
    vfprintf(out(), fmt, ap);
    fputc('\n', out());
    va_end(ap);
    errors++;
}

/* Forgets every source and diagnostic and frees the arena, so one
 * process can run aitc again (the fuzz harness does). */
void util_reset(void) {
    memset(&sources, 0, sizeof sources);
    memset(&seen, 0, sizeof seen);
    memset(&disabled, 0, sizeof disabled);
    errors = 0;
    werror = suppressing = false;
    arena_release();
}
