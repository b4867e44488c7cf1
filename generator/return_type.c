/* return_type.c: `return EXPR;` against the async function's return type.
 *
 * The value is stored through the function's output pointer, so C's
 * rules for simple assignment (C11 6.5.16.1, the conversion `return`
 * performs) decide. aitc reports the violations it can decide from the
 * syntax alone: a struct or union stored as anything but the same struct
 * or union, a pointer stored as an arithmetic type (other than _Bool),
 * and an arithmetic value stored as a pointer when it is not a null
 * pointer constant. It reads the types of literals, locals and
 * parameters, &x, casts, compound literals, sizeof and awaited async
 * calls; whatever else (typedef names, generic parameters, pointer
 * compatibility) it leaves to the C compiler, which names the user's
 * types too (the generated body stores through a pointer to the return
 * type as written). */
#include <stdlib.h>
#include <string.h>
#include "cprint.h"
#include "resolve.h"

typedef enum {
    K_UNKNOWN,     /* aitc cannot tell: the C compiler decides */
    K_ARITH,       /* an arithmetic type other than _Bool */
    K_BOOL,        /* _Bool: takes any scalar */
    K_POINTER,     /* a pointer, or an array or function that decays to one */
    K_RECORD,      /* struct TAG or union TAG */
} Kind;

typedef struct CType {
    Kind kind;
    bool maybe_null;     /* K_ARITH: possibly a null pointer constant */
    const char *tag;     /* K_RECORD: "struct pt" */
    const char *words;   /* how a message names it: "'struct pt'", "a string" */
} CType;

static const CType unknown;

/* The derivation C applies last: the one nearest the name (NULL: none,
 * the type is the specifier's). */
static Declarator *top_derivation(Declarator *d) {
    Declarator *top = NULL;
    for (; d; d = d->inner)
        if (d->kind != D_IDENT && d->kind != D_PAREN)
            top = d;
    return top;
}

static const char *quoted(const char *s) { return xprintf("'%s'", s); }

/* "const char *": the type of spec + d, with any struct body left out. */
static const char *type_words(DeclSpec *spec, Declarator *d) {
    DeclSpec bare = *spec;
    bare.has_body = false;
    bare.storage = 0;
    Buf b = {0};
    DeclPrint how = {.name = ""};
    cprint_decl(&b, &bare, d, &how, NULL);
    const char *s = quoted(b.data ? b.data : "");
    buf_free(&b);
    return s;
}

/* Typedef names aitc knows to be arithmetic (or _Bool). */
static Kind named_kind(const char *name) {
    static const char *const arith[] = {
        "int8_t", "uint8_t", "int16_t", "uint16_t", "int32_t", "uint32_t", "int64_t",
        "uint64_t", "ssize_t", "size_t", "intptr_t", "uintptr_t", "intmax_t", "uintmax_t",
        "ptrdiff_t", "off_t",
    };
    if (!strcmp(name, "bool"))
        return K_BOOL;
    for (size_t i = 0; i < sizeof arith / sizeof *arith; i++)
        if (!strcmp(name, arith[i]))
            return K_ARITH;
    return K_UNKNOWN;
}

/* The type of a declaration (named or abstract), as a value: arrays and
 * functions decay to pointers. */
static CType decl_type(DeclSpec *spec, Declarator *d) {
    CType t = {.words = type_words(spec, d)};
    Declarator *top = top_derivation(d);
    if (top) {
        t.kind = K_POINTER;
        if (top->kind == D_ARRAY)
            t.words = "an array";
        return t;
    }
    switch (spec->kind) {
    case BT_WORDS:
        t.kind = strstr(spec->words, "void") ? K_UNKNOWN
                 : strstr(spec->words, "_Bool") ? K_BOOL : K_ARITH;
        break;
    case BT_ENUM:
        t.kind = K_ARITH;
        break;
    case BT_STRUCT:
    case BT_UNION:
        if (spec->name) {
            t.kind = K_RECORD;
            t.tag = xprintf("%s %s", spec->kind == BT_STRUCT ? "struct" : "union", spec->name);
        }
        break;
    case BT_NAME:
        t.kind = named_kind(spec->name);
        break;
    default:
        break;
    }
    return t;
}

/* An integer literal's type by its suffix (a large unsuffixed one is
 * named by its kind only). */
static const char *int_literal_words(const char *text) {
    const char *s = text + strspn(text, "0123456789abcdefABCDEFxX");
    bool u = strchr(s, 'u') || strchr(s, 'U');
    int longs = (int)(strchr(s, 'l') != NULL) + (int)(strchr(s, 'L') != NULL) +
                (int)(strstr(s, "ll") != NULL || strstr(s, "LL") != NULL);
    if (!*s && strtoull(text, NULL, 0) > 0x7fffffff)
        return "an integer constant";
    static const char *const names[2][3] = {
        {"'int'", "'long'", "'long long'"},
        {"'unsigned int'", "'unsigned long'", "'unsigned long long'"},
    };
    return names[u][longs > 2 ? 2 : longs];
}

static CType literal_type(Expr *e) {
    CType t = {.kind = K_ARITH};
    switch (e->kind) {
    case E_INT:
        t.words = int_literal_words(e->text);
        t.maybe_null = strtoull(e->text, NULL, 0) == 0;
        break;
    case E_FLOAT: {
        char last = e->text[strlen(e->text) - 1];
        t.words = strchr("fF", last) ? "'float'" : strchr("lL", last) ? "'long double'"
                  : "'double'";
        break;
    }
    default: /* E_CHAR: '\0' and '\x0' are null pointer constants */
        t.words = e->text[0] == '\'' ? "'int'" : "a character constant";
        t.maybe_null = strstr(e->text, "'\\0") || strstr(e->text, "'\\x");
        break;
    }
    return t;
}

static CType expr_type(Expr *e);

/* (T)x: T's type; an integer cast of a constant may still be a null
 * pointer constant. */
static CType cast_type(Expr *e) {
    CType t = decl_type(e->type->spec, e->type->decl);
    if (t.kind == K_ARITH || t.kind == K_BOOL) {
        CType x = expr_type(e->lhs);
        t.maybe_null = x.kind == K_UNKNOWN || x.maybe_null;
    }
    return t;
}

/* &x: a pointer, named "'T *'" when x is a local of a plain type. */
static CType address_type(Expr *e) {
    CType t = {.kind = K_POINTER, .words = "a pointer"};
    Var *v = e->lhs->kind == E_IDENT ? e->lhs->var : NULL;
    if (v && v->spec && !top_derivation(v->decl)) {
        Declarator ptr = {.kind = D_POINTER};
        t.words = type_words(v->spec, &ptr);
    }
    return t;
}

/* await f(..): f's return type, when aitc knows f. */
static CType await_type(Expr *e) {
    Expr *call = e->lhs;
    if (e->comb || !call || call->kind != E_CALL || !call->call || !call->call->fut)
        return unknown;
    Func *fn = call->call->fut->func;
    return fn ? decl_type(fn->ret_spec, fn->ret_decl) : unknown;
}

/* The type of e as far as aitc can tell. */
static CType expr_type(Expr *e) {
    switch (e->kind) {
    case E_PAREN:
        return expr_type(e->lhs);
    case E_INT:
    case E_FLOAT:
    case E_CHAR:
        return literal_type(e);
    case E_STRING:
        return (CType){.kind = K_POINTER, .words = "a string"};
    case E_IDENT:
        return e->var && e->var->spec ? decl_type(e->var->spec, e->var->decl) : unknown;
    case E_UNARY:
        if (!strcmp(e->op, "&"))
            return address_type(e);
        if (!strcmp(e->op, "-") || !strcmp(e->op, "+")) {   /* -1, -0 */
            CType t = expr_type(e->lhs);
            return t.kind == K_ARITH ? t : unknown;
        }
        return unknown;
    case E_CAST:
        return cast_type(e);
    case E_COMPOUND:
        return decl_type(e->type->spec, e->type->decl);
    case E_SIZEOF_EXPR:
    case E_SIZEOF_TYPE:
    case E_ALIGNOF:
        return (CType){.kind = K_ARITH, .words = "'size_t'"};
    case E_AWAIT:
        return await_type(e);
    default:
        return unknown;
    }
}

/* Does C's simple assignment forbid storing `from` as `to`? */
static bool violates(CType to, CType from) {
    if (to.kind == K_UNKNOWN || from.kind == K_UNKNOWN)
        return false;
    if (to.kind == K_RECORD || from.kind == K_RECORD)
        return to.kind != from.kind || strcmp(to.tag, from.tag) != 0;
    if (to.kind == K_ARITH)
        return from.kind == K_POINTER;
    if (to.kind == K_POINTER)
        return from.kind != K_POINTER && !from.maybe_null;
    return false;   /* K_BOOL takes any scalar */
}

const char *return_type_words(Func *fn) { return type_words(fn->ret_spec, fn->ret_decl); }

void check_return_type(Func *fn, Expr *value) {
    CType to = decl_type(fn->ret_spec, fn->ret_decl), from = expr_type(value);
    if (violates(to, from))
        error_at(value->loc, "returning %s from async function '%s', which returns %s",
                 from.words, fn->name, to.words);
}
