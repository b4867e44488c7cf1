/* util.c: arena, vectors, buffers, source table and diagnostics. */
#define _DEFAULT_SOURCE   /* MAP_ANONYMOUS */
#include "util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* ---- arena ---------------------------------------------------------- */

/* Memory comes in chunks of ARENA_CHUNK bytes, mapped straight from the
 * kernel and aligned to their size, so a system that backs anonymous
 * memory with huge pages can give each chunk one. aitc does not ask for
 * them (MADV_HUGEPAGE): on W8's 1M-line input they saved 0.4 s of user
 * time and cost 2 s more of system time (the kernel clearing them).
 * A larger request gets a chunk of its own. Released chunks are kept for
 * reuse (at most ARENA_SPARE), so a mark released at every future does
 * not map and unmap memory each time. */
enum { ARENA_CHUNK = 2 << 20, ARENA_SPARE = 4 };

typedef struct Chunk {
    struct Chunk *next;
    size_t used, size;           /* size: of data[] */
    size_t mapped;               /* the whole mapping, header included */
    max_align_t data[];
} Chunk;

static Chunk *arena;
static Chunk *spare;             /* released chunks of ARENA_CHUNK bytes */
static int spares;

static void out_of_memory(void) {
    fputs("aitc: error: out of memory\n", stderr);
    exit(1);
}

/* A mapping of len bytes aligned to ARENA_CHUNK: map twice the size and
 * trim both ends. */
static void *map_aligned(size_t len) {
    size_t over = len + ARENA_CHUNK;
    char *p = mmap(NULL, over, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        out_of_memory();
    size_t head = (ARENA_CHUNK - (uintptr_t)p % ARENA_CHUNK) % ARENA_CHUNK;
    if (head)
        munmap(p, head);
    if (over - head > len)
        munmap(p + head + len, over - head - len);
    return p + head;
}

static Chunk *chunk_new(size_t need) {
    if (need <= ARENA_CHUNK - sizeof(Chunk) && spare) {
        Chunk *c = spare;
        spare = c->next;
        spares--;
        c->used = 0;
        return c;
    }
    size_t mapped = need <= ARENA_CHUNK - sizeof(Chunk) ? ARENA_CHUNK
                  : (sizeof(Chunk) + need + ARENA_CHUNK - 1) / ARENA_CHUNK * ARENA_CHUNK;
    Chunk *c = map_aligned(mapped);
    c->mapped = mapped;
    c->size = mapped - sizeof(Chunk);
    c->used = 0;
    return c;
}

static void chunk_free(Chunk *c) {
    if (c->mapped == ARENA_CHUNK && spares < ARENA_SPARE) {
        c->next = spare;
        spare = c;
        spares++;
        return;
    }
    munmap(c, c->mapped);
}

/* Arena memory, not zeroed, aligned to align (a power of two up to
 * max_align_t's): objects take max_align_t's, strings pack at 1. */
static __attribute__((noinline)) void *arena_take_new_chunk(size_t size) {
    Chunk *c = chunk_new(size);
    c->next = arena;
    arena = c;
    c->used = size;
    return c->data;
}

static inline void *arena_take(size_t size, size_t align) {
    if (!arena)
        return arena_take_new_chunk(size);
    size_t at = (arena->used + align - 1) & ~(align - 1);
    if (at > arena->size || arena->size - at < size)
        return arena_take_new_chunk(size);
    arena->used = at + size;
    return (char *)arena->data + at;
}

static void *xalloc_raw(size_t size) { return arena_take(size, sizeof(max_align_t)); }

void *xrealloc(void *p, size_t size) {
    p = realloc(p, size);
    if (!p && size)
        out_of_memory();
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
        chunk_free(arena);
        arena = next;
    }
    if (arena)
        arena->used = m.used;
}

void arena_release(void) {
    arena_release_to((ArenaMark){0});
    while (spare) {
        Chunk *next = spare->next;
        munmap(spare, spare->mapped);
        spare = next;
    }
    spares = 0;
}

char *xstrndup(const char *s, size_t n) {
    char *p = arena_take(n + 1, 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }

/* Formats into a scratch buffer (buffers.c below), then copies the text
 * into the arena. */
static Buf scratch;

char *xvprintf(const char *fmt, va_list ap) {
    scratch.len = 0;
    buf_vprintf(&scratch, fmt, ap);
    return xstrndup(scratch.data, scratch.len);
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
        int cap = v->cap ? v->cap * 2 : 4;
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
        int cap = m->cap ? m->cap * 2 : 8;   /* most maps hold a few names */
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

/* Room for extra more bytes and the terminating NUL. */
static void buf_grow(Buf *b, size_t extra) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->data = xrealloc(b->data, cap);
    b->cap = cap;
}

static inline void buf_reserve(Buf *b, size_t extra) {
    if (b->cap - b->len <= extra)      /* cap > len always, once allocated */
        buf_grow(b, extra);
}

/* Appends without the terminating NUL: the public calls write it once
 * at their end. */
static inline void append(Buf *b, const char *s, size_t n) {
    buf_reserve(b, n);
    memcpy(b->data + b->len, s, n);
    b->len += n;
}

void buf_putn(Buf *b, const char *s, size_t n) {
    append(b, s, n);
    b->data[b->len] = '\0';
}

void buf_putc(Buf *b, char c) {
    buf_reserve(b, 1);
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
}

void buf_puts(Buf *b, const char *s) { buf_putn(b, s, strlen(s)); }

static void put_unsigned(Buf *b, unsigned long long v) {
    char digits[24];
    char *p = digits + sizeof digits;
    do
        *--p = (char)('0' + v % 10);
    while (v /= 10);
    append(b, p, (size_t)(digits + sizeof digits - p));
}

static void put_signed(Buf *b, long long v) {
    if (v < 0)
        append(b, "-", 1);
    put_unsigned(b, v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v);
}

static void put_str(Buf *b, const char *s, size_t max) {
    if (!s)
        s = "(null)";                      /* as glibc prints it */
    const char *end = max == SIZE_MAX ? NULL : memchr(s, '\0', max);
    append(b, s, max == SIZE_MAX ? strlen(s) : end ? (size_t)(end - s) : max);
}

/* The conversions the generator's formats use: %s %.*s %c %d %u %ld %lu
 * %zu %%. They are expanded here: vsnprintf's setup per call costs more
 * than the few bytes most calls print. false at any other conversion
 * (the caller formats again with vsnprintf). */
static bool format_simple(Buf *b, const char *fmt, va_list ap) {
    for (const char *p = fmt;;) {
        const char *pct = strchr(p, '%');
        if (!pct) {
            append(b, p, strlen(p));
            return true;
        }
        append(b, p, (size_t)(pct - p));
        p = pct + 1;
        switch (*p++) {
        case 's': put_str(b, va_arg(ap, const char *), SIZE_MAX); break;
        case 'c': {
            char c = (char)va_arg(ap, int);
            append(b, &c, 1);
            break;
        }
        case 'd': case 'i': put_signed(b, va_arg(ap, int)); break;
        case 'u': put_unsigned(b, va_arg(ap, unsigned)); break;
        case '%': append(b, "%", 1); break;
        case 'z':
            if (*p++ != 'u')
                return false;
            put_unsigned(b, va_arg(ap, size_t));
            break;
        case 'l':
            if (*p == 'd' || *p == 'i')
                put_signed(b, va_arg(ap, long));
            else if (*p == 'u')
                put_unsigned(b, va_arg(ap, unsigned long));
            else
                return false;
            p++;
            break;
        case '.':
            if (p[0] != '*' || p[1] != 's')
                return false;
            p += 2;
            {
                int n = va_arg(ap, int);
                put_str(b, va_arg(ap, const char *), n < 0 ? SIZE_MAX : (size_t)n);
            }
            break;
        default:
            return false;
        }
    }
}

void buf_vprintf(Buf *b, const char *fmt, va_list ap) {
    size_t start = b->len;
    va_list again;
    va_copy(again, ap);
    if (!format_simple(b, fmt, ap)) {
        b->len = start;
        va_list ap2;
        va_copy(ap2, again);
        int n = vsnprintf(NULL, 0, fmt, ap2);
        va_end(ap2);
        buf_reserve(b, n > 0 ? (size_t)n : 0);
        vsnprintf(b->data + b->len, b->cap - b->len, fmt, again);
        b->len += n > 0 ? (size_t)n : 0;
    }
    va_end(again);
    buf_reserve(b, 0);
    b->data[b->len] = '\0';
}

void buf_printf(Buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}

/* Enough text that handing it over costs little per byte, little enough
 * to stay in the cache. */
enum { SPILL_AT = 256 << 10 };

bool buf_spill(Buf *b) {
    if (!b->sink || b->len < SPILL_AT)
        return false;
    buf_flush(b);
    return true;
}

void buf_flush(Buf *b) {
    if (!b->sink || !b->len)
        return;
    b->sink->write(b->sink->ctx, b->data, b->len);
    b->len = 0;
    b->data[0] = '\0';
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
