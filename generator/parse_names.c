/* parse_names.c: the table of type names the lexer feedback consults,
 * and the scan of typedefs (in passthrough C and in .ait files) that
 * fills it. */
#include <string.h>
#include "parse.h"
#include "parse_int.h"
#include "bootstrap/parser.h"

/* ---- the table: a set of names (a Map whose values are non-NULL) ---- */

static Map names;
static bool initialized;
static const char present[] = "type";

static const char *standard_names[] = {
    "size_t", "ssize_t", "ptrdiff_t", "intptr_t", "uintptr_t", "intmax_t",
    "uintmax_t", "int8_t", "int16_t", "int32_t", "int64_t", "uint8_t",
    "uint16_t", "uint32_t", "uint64_t", "bool", "wchar_t", "off_t", "pid_t",
    "FILE", "va_list", "max_align_t", "time_t", "clock_t", "sig_atomic_t",
    "socklen_t", "pthread_t", "pthread_mutex_t",
    "ait_rt", "ait_cx", "ait_unit", "ait_poll", "ait_waker", "ait_task", "ait_chan",
    "ait_oneshot", "ait_bufreader", "ait_bufwriter", "ait_group", "ait_deadline",
    "Self",   /* the implementing type, in impls and default bodies */
};

static void init(void) {
    if (initialized)
        return;
    initialized = true;
    for (size_t i = 0; i < sizeof standard_names / sizeof *standard_names; i++)
        map_put(&names, standard_names[i], (void *)present);
}

void typenames_add(const char *name) {
    init();
    if (!map_get(&names, name))
        map_put(&names, xstrdup(name), (void *)present);
}

/* Impl types the driver had to assume: declared nowhere aitc looked. */
static Map assumed;

void typenames_assume(const char *name) {
    if (typenames_has(name))
        return;
    typenames_add(name);
    map_put(&assumed, xstrdup(name), (void *)present);
}

bool typenames_declared(const char *name) {
    return !map_get(&assumed, name) && typenames_has(name);
}

void typenames_reset(void) {
    memset(&names, 0, sizeof names);
    memset(&assumed, 0, sizeof assumed);
    initialized = false;
}

/* Scoping per file: the names in force after a file's parse (its own, its
 * imports' and the standard ones) are saved with it, and loaded again
 * before the files that import it are parsed, and before its checks. */
void typenames_save(Vec *out) {
    init();
    for (int i = 0; i < names.cap; i++)
        if (names.slots[i].key && names.slots[i].value)
            vec_push(out, (void *)names.slots[i].key);
}

void typenames_load(const Vec *saved) {
    memset(&names, 0, sizeof names);
    initialized = false;
    init();
    for (int i = 0; saved && i < saved->len; i++)
        typenames_add(saved->data[i]);
}

bool typenames_has(const char *name) {
    init();
    return map_get(&names, name) != NULL;
}

void typenames_remove(const char *name) {
    init();
    if (map_get(&names, name))
        map_put(&names, name, NULL);
}

/* ---- typedef declarations ------------------------------------------- */

bool typenames_is_type_word(int k) {
    switch (k) {
    case TK_VOID: case TK_CHAR: case TK_SHORT: case TK_INT: case TK_LONG:
    case TK_FLOAT: case TK_DOUBLE: case TK_SIGNED: case TK_UNSIGNED:
    case TK_BOOL: case TK_COMPLEX: case TK_IMAGINARY:
        return true;
    }
    return false;
}

static bool is_spec_keyword(int k) {
    switch (k) {
    case TK_CONST: case TK_VOLATILE: case TK_RESTRICT: case TK_ATOMIC:
    case TK_TYPEDEF: case TK_EXTERN: case TK_STATIC: case TK_AUTO:
    case TK_REGISTER: case TK_THREAD_LOCAL: case TK_INLINE: case TK_NORETURN:
        return true;
    }
    return false;
}

static bool is_open(int k) { return k == TK_LPAREN || k == TK_LBRACKET || k == TK_LBRACE; }
static bool is_close(int k) { return k == TK_RPAREN || k == TK_RBRACKET || k == TK_RBRACE; }
static bool is_name(int k) { return k == TK_IDENT || k == TK_TYPE_NAME; }

/* GNU decorations: __attribute__((...)), __extension__, __declspec(...). */
static bool is_decoration(const Token *t) {
    return t->kind == TK_IDENT && t->len > 2 && t->text[0] == '_' && t->text[1] == '_';
}

/* Index after the bracketed group opening at i (or n if unbalanced). */
static int skip_group(const Token *t, int n, int i) {
    int depth = 0;
    for (; i < n; i++) {
        if (is_open(t[i].kind))
            depth++;
        else if (is_close(t[i].kind) && --depth == 0)
            return i + 1;
    }
    return n;
}

static int skip_decoration(const Token *t, int n, int i) {
    i++;
    if (i < n && t[i].kind == TK_LPAREN)
        i = skip_group(t, n, i);
    return i;
}

/* Skips the declaration specifiers. An identifier is taken for an
 * (unknown) type name while no type has been seen: "typedef foo_t bar;". */
static int skip_specifiers(const Token *t, int n) {
    bool seen_type = false;
    int i = 0;
    while (i < n) {
        int k = t[i].kind;
        if (is_decoration(&t[i])) {
            i = skip_decoration(t, n, i);
        } else if (is_spec_keyword(k)) {
            i++;
            if (k == TK_ATOMIC && i < n && t[i].kind == TK_LPAREN) {
                i = skip_group(t, n, i);
                seen_type = true;
            }
        } else if (typenames_is_type_word(k)) {
            i++;
            seen_type = true;
        } else if (k == TK_STRUCT || k == TK_UNION || k == TK_ENUM) {
            i++;
            if (i < n && is_name(t[i].kind))
                i++;
            if (i < n && t[i].kind == TK_LBRACE)
                i = skip_group(t, n, i);
            seen_type = true;
        } else if (k == TK_SEND || k == TK_DYN) {
            i++;
        } else if (k == TK_ALIGNAS && i + 1 < n && t[i + 1].kind == TK_LPAREN) {
            i = skip_group(t, n, i + 1);
        } else if (is_name(k) && !seen_type) {
            i++;
            seen_type = true;
        } else {
            break;
        }
    }
    return i;
}

/* In a declarator the declared name is the first identifier:
 * "(*cb)(int a)", "*XP", "arr[N]". */
void typenames_from_typedef(const Token *t, int n, Vec *added) {
    int i = skip_specifiers(t, n);
    bool named = false;
    int depth = 0;
    for (; i < n; i++) {
        int k = t[i].kind;
        if (is_open(k)) {
            depth++;
        } else if (is_close(k)) {
            depth--;
        } else if (k == TK_COMMA && depth == 0) {
            named = false;
        } else if (is_decoration(&t[i])) {
            int next = skip_decoration(t, n, i);
            /* the loop's i++ steps past the group's last token */
            i = next - 1;
        } else if (is_name(k) && !named) {
            char *name = xstrndup(t[i].text, (size_t)t[i].len);
            if (added && !typenames_has(name))
                vec_push(added, name);
            typenames_add(name);
            named = true;
        }
    }
}

/* Scans C text for typedefs at any brace depth (so that those inside
 * extern "C" { } count too) and records the names they declare. */
void typenames_scan_c(const char *text, size_t len) {
    char *copy = xstrndup(text, len);
    Lexer L;
    lexer_init(&L, -1, copy, len, true);
    Vec toks = {0};
    bool in_typedef = false;
    int depth = 0, typedef_depth = 0;
    for (;;) {
        Token *t = xalloc(sizeof *t);
        int k = lexer_next(&L, t);
        if (k == LEX_EOF)
            break;
        if (k == LEX_ERROR)
            continue;
        if (k == TK_LBRACE)
            depth++;
        else if (k == TK_RBRACE && depth > 0)
            depth--;
        if (!in_typedef) {
            if (k == TK_TYPEDEF) {
                in_typedef = true;
                typedef_depth = depth;
                toks.len = 0;
            }
            continue;
        }
        if ((k == TK_SEMI && depth == typedef_depth) || depth < typedef_depth) {
            Token *arr = xalloc(sizeof *arr * (size_t)(toks.len + 1));
            for (int i = 0; i < toks.len; i++)
                arr[i] = *(Token *)toks.data[i];
            typenames_from_typedef(arr, toks.len, NULL);
            in_typedef = false;
            continue;
        }
        vec_push(&toks, t);
    }
}
