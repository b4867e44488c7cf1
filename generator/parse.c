/* parse.c: the parser driver. It pulls tokens from the re2c lexer,
 * settles the ones that depend on context (type names, "send"), feeds
 * the lemon parser, keeps the table of type names up to date, and
 * reports and recovers from syntax errors. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "parse.h"
#include "parse_int.h"
#include "bootstrap/parser.h"

typedef struct Driver {
    Lexer lex;
    ParseCtx ctx;
    void *parser;
    Token look;          /* the next raw token */
    int prev_kind;       /* kind of the previous token (fed or skipped) */
    Token prev_fed;      /* the previous token fed to the parser */
    int depth, parens;   /* brace and parenthesis depth */
    Loc open_braces[64]; /* where the innermost open braces are, for notes */
    bool recovering;     /* skipping to a resynchronisation point */
    /* lexer feedback */
    bool in_types;       /* between %types and ';' */
    int impl_state;      /* 1: after impl, 2: after for, 3: after the type */
    bool async_item;     /* inside the head of an async item */
    bool in_generic;     /* inside "<C: I, ...>" */
    Vec scoped;          /* generic parameter names, forgotten after the item */
    bool in_typedef;     /* recording a typedef declaration */
    int typedef_depth;
    Vec typedef_toks;    /* Token* */
    Vec block_names;     /* type names a typedef in a block added, forgotten */
    Vec block_depths;    /* when the block closes: its depth (intptr_t), parallel */
    Vec hidden_names;    /* type names a declaration in a block hides, restored */
    Vec hidden_depths;   /* when the block closes: its depth, parallel */
} Driver;

static bool is_name(int k) { return k == TK_IDENT || k == TK_TYPE_NAME; }

static bool tok_is(const Token *t, const char *s) {
    return t->len == (int)strlen(s) && !memcmp(t->text, s, (size_t)t->len);
}

static Token next_token(Driver *D) {
    Token t = D->look;
    lexer_next(&D->lex, &D->look);
    return t;
}

/* An identifier is a TYPE_NAME when the table says so, and "send" is a
 * keyword only in the three places the language uses it:
 * "send dyn I", "impl I for T send {" and "extern async ... ) send;". */
static void classify(Driver *D, Token *t) {
    if (t->kind != TK_IDENT)
        return;
    if (tok_is(t, "send")) {
        int next = D->look.kind;
        bool top = D->depth == 0 && D->parens == 0;
        if (next == TK_DYN || (top && next == TK_LBRACE && D->impl_state == 3) ||
            (top && next == TK_SEMI && D->prev_kind == TK_RPAREN)) {
            t->kind = TK_SEND;
            return;
        }
    }
    char small[64];                  /* most names: no arena copy per token */
    char *name = (size_t)t->len < sizeof small ? small : tok_str(*t);
    if (name == small) {
        memcpy(small, t->text, (size_t)t->len);
        small[t->len] = '\0';
    }
    if (!typenames_has(name))
        return;
    /* After a type specifier a type name is declared anew ("int T;", "long
     * T;" in a block where T names a type): an identifier, which hides the
     * type name until the block ends, as in C. */
    if (typenames_is_type_word(D->prev_kind) || D->prev_kind == TK_TYPE_NAME) {
        if (D->depth > 0) {
            name = tok_str(*t);
            typenames_remove(name);
            vec_push(&D->hidden_names, name);
            vec_push(&D->hidden_depths, (void *)(intptr_t)D->depth);
        }
        return;
    }
    t->kind = TK_TYPE_NAME;
}

/* A typedef inside a block names a type until the block ends, and a
 * declaration there that hides a type name hides it until then, as in C. */
static void forget_block_names(Driver *D) {
    while (D->block_names.len &&
           (intptr_t)D->block_depths.data[D->block_depths.len - 1] > D->depth) {
        typenames_remove(D->block_names.data[--D->block_names.len]);
        D->block_depths.len--;
    }
    while (D->hidden_names.len &&
           (intptr_t)D->hidden_depths.data[D->hidden_depths.len - 1] > D->depth) {
        typenames_add(D->hidden_names.data[--D->hidden_names.len]);
        D->hidden_depths.len--;
    }
}

/* Parentheses are counted within the current braces only, so that an
 * unclosed '(' inside a body does not outlive the body. */
static void track_depth(Driver *D, int k, Loc loc) {
    if (k == TK_LBRACE) {
        if (D->depth < 64)
            D->open_braces[D->depth] = loc;
        D->depth++;
        D->parens = 0;
    } else if (k == TK_RBRACE) {
        if (D->depth > 0)
            D->depth--;
        D->parens = 0;
        forget_block_names(D);
    } else if (k == TK_SEMI && D->depth == 0) {
        D->parens = 0;          /* no ';' inside parentheses at top level */
    } else if (k == TK_LPAREN)
        D->parens++;
    else if (k == TK_RPAREN && D->parens > 0)
        D->parens--;
}

static void forget_scoped(Driver *D) {
    for (int i = 0; i < D->scoped.len; i++)
        typenames_remove(D->scoped.data[i]);
    D->scoped.len = 0;
}

static void reset_feedback(Driver *D) {
    D->in_types = D->in_generic = D->async_item = D->in_typedef = false;
    D->impl_state = 0;
    forget_scoped(D);
}

/* ---- type names learnt from the tokens just fed --------------------- */

static void learn_typedef(Driver *D, const Token *t) {
    if (!D->in_typedef) {
        if (t->kind == TK_TYPEDEF) {
            D->in_typedef = true;
            D->typedef_depth = D->depth;
            D->typedef_toks.len = 0;
        }
        return;
    }
    if (t->kind == TK_SEMI && D->depth == D->typedef_depth) {
        int n = D->typedef_toks.len;
        Token *arr = xalloc(sizeof *arr * (size_t)(n + 1));
        for (int i = 0; i < n; i++)
            arr[i] = *(Token *)D->typedef_toks.data[i];
        int from = D->block_names.len;
        typenames_from_typedef(arr, n, D->typedef_depth > 0 ? &D->block_names : NULL);
        for (int i = from; i < D->block_names.len; i++)
            vec_push(&D->block_depths, (void *)(intptr_t)D->typedef_depth);
        D->in_typedef = false;
        return;
    }
    Token *copy = xalloc(sizeof *copy);
    *copy = *t;
    vec_push(&D->typedef_toks, copy);
}

static void learn_generic(Driver *D, const Token *t) {
    bool top = D->depth == 0 && D->parens == 0;
    if (t->kind == TK_ASYNC && top)
        D->async_item = true;
    else if (t->kind == TK_LT && top && D->async_item)
        D->in_generic = true;
    else if (t->kind == TK_GT)
        D->in_generic = false;
    else if (D->in_generic && is_name(t->kind) && D->look.kind == TK_COLON) {
        char *name = tok_str(*t);
        if (!typenames_has(name)) {
            typenames_add(name);
            vec_push(&D->scoped, name);
        }
    }
    /* The item ends with its body's closing brace or its ';'. */
    if ((t->kind == TK_RBRACE || t->kind == TK_SEMI) && D->depth == 0) {
        D->async_item = false;
        forget_scoped(D);
    }
}

static void learn(Driver *D, const Token *t, int prev_kind) {
    int k = t->kind;
    if (k == TK_PASSTHROUGH)
        typenames_scan_c(t->text, (size_t)t->len);
    if (k == TK_TYPES)
        D->in_types = true;
    else if (D->in_types && is_name(k))
        typenames_add(tok_str(*t));
    else if (k == TK_SEMI)
        D->in_types = false;
    /* struct S { ... } at top level: S is a type name (aitc typedefs it). */
    if (is_name(k) && prev_kind == TK_STRUCT && D->look.kind == TK_LBRACE && D->depth == 0)
        typenames_add(tok_str(*t));
    if (k == TK_IMPL && D->depth == 0)
        D->impl_state = 1;
    else if (k == TK_FOR && D->impl_state == 1)
        D->impl_state = 2;
    else if (is_name(k) && D->impl_state == 2) {
        typenames_assume(tok_str(*t));
        D->impl_state = 3;
    } else if (k == TK_LBRACE)
        D->impl_state = 0;
    learn_generic(D, t);
    learn_typedef(D, t);
}

/* ---- syntax errors --------------------------------------------------- */

typedef struct Expect {
    int kind;
    const char *text;
} Expect;

/* What the parser could have taken instead, for the message. Only the
 * expectations that help are tried; the first two that fit are named. */
const char *parse_expected(void *p, int kind) {
    if (kind == LEX_EOF && aitParseAccepts(p, TK_RBRACE))
        return "'}'";
    if (aitParseAccepts(p, TK_INTERFACE))
        return "a declaration";
    bool expr = aitParseAccepts(p, TK_INTLIT);
    if (expr && aitParseAccepts(p, TK_SEMI) && aitParseAccepts(p, TK_LBRACE))
        return "a statement";
    static const Expect list[] = {
        {TK_SEMI, "';'"}, {TK_RPAREN, "')'"}, {TK_RBRACKET, "']'"},
        {TK_COLON, "':'"}, {TK_INTLIT, "an expression"}, {TK_LBRACE, "'{'"},
        {TK_RBRACE, "'}'"}, {TK_GT, "'>'"}, {TK_IDENT, "an identifier"},
        {TK_STRLIT, "a string"}, {TK_INT, "a type"},
    };
    const char *found[2];
    int n = 0;
    for (size_t i = 0; i < sizeof list / sizeof *list && n < 2; i++) {
        if ((list[i].kind == TK_IDENT || list[i].kind == TK_STRLIT) && expr)
            continue;
        if (aitParseAccepts(p, list[i].kind))
            found[n++] = list[i].text;
    }
    if (n == 0)
        return NULL;
    return n == 1 ? found[0] : xprintf("%s or %s", found[0], found[1]);
}

/* "Foo x;" or "(Foo *p)" with Foo declared nowhere aitc looks: the
 * error is at x or at Foo; say that Foo may be a type aitc does not know. */
static void suggest_types(Driver *D, Token t, const char *what) {
    const Token *name = NULL;
    if (t.kind == TK_IDENT && D->prev_fed.kind == TK_IDENT)
        name = &D->prev_fed;
    else if (t.kind == TK_IDENT && what && strstr(what, "a type"))
        name = &t;
    if (name)
        note_at(name->loc, "'%.*s' is not a known type name; if a header declares it, "
                "write '%%types %.*s;'", name->len, name->text, name->len, name->text);
}

static void report_syntax_error(Driver *D, Token t) {
    if (D->ctx.overflow) {
        error_at(t.loc, "nesting too deep");
        return;
    }
    const char *what = D->ctx.err_expected;
    if (t.kind == LEX_EOF) {
        if (what)
            error_at(t.loc, "expected %s at end of input", what);
        else
            error_at(t.loc, "unexpected end of input");
        if (D->depth > 0 && D->depth <= 64)
            note_at(D->open_braces[D->depth - 1], "to match this '{'");
        return;
    }
    int len = t.len > 40 ? 40 : t.len;
    const char *text = t.kind == TK_PASSTHROUGH ? "%{" : t.text;
    if (t.kind == TK_PASSTHROUGH)
        len = 2;
    if (what)
        error_at(t.loc, "expected %s before '%.*s'", what, len, text);
    else
        error_at(t.loc, "syntax error near '%.*s'", len, text);
    suggest_types(D, t, what);
    if (tok_is(&t, "send") && D->depth == 0 && D->look.kind == TK_IMPL)   /* Rust's order */
        note_at(t.loc, "a send impl is written 'impl INTERFACE for TYPE send { ... }'");
}

/* ---- recovery -------------------------------------------------------- */

static void new_parser(Driver *D) {
    if (D->parser)
        aitParseFree(D->parser, free);
    D->parser = aitParseAlloc(malloc);
    if (!D->parser) {
        fputs("aitc: error: out of memory\n", stderr);
        exit(1);
    }
    D->ctx.failed = D->ctx.overflow = false;
    D->ctx.err_expected = NULL;
    D->ctx.generics.len = 0;
}

/* Tokens that only ever start a top-level item. */
static bool starts_item_anywhere(int k) {
    return k == TK_PASSTHROUGH || k == TK_INTERFACE || k == TK_IMPL ||
           k == TK_IMPORT || k == TK_TYPES || k == LEX_EOF;
}

/* Tokens that start a top-level item when they follow a ';' or '}' at
 * brace depth 0 (or begin the file). */
static bool starts_item_after_end(int k) {
    switch (k) {
    case TK_ASYNC: case TK_STRUCT: case TK_UNION: case TK_ENUM:
    case TK_EXTERN: case TK_TYPEDEF: case TK_STATIC: case TK_INLINE:
    case TK_NORETURN: case TK_THREAD_LOCAL: case TK_STATIC_ASSERT:
    case TK_CONST: case TK_VOLATILE: case TK_TYPE_NAME: case TK_VOID:
    case TK_CHAR: case TK_SHORT: case TK_INT: case TK_LONG: case TK_FLOAT:
    case TK_DOUBLE: case TK_SIGNED: case TK_UNSIGNED: case TK_BOOL:
    case TK_DYN:
        return true;
    }
    return false;
}

static bool is_resync_point(Driver *D, const Token *t) {
    if (starts_item_anywhere(t->kind))
        return true;
    bool after_end = D->prev_kind == 0 || D->prev_kind == TK_SEMI ||
                     D->prev_kind == TK_RBRACE;
    return D->depth == 0 && D->parens == 0 && after_end &&
           starts_item_after_end(t->kind);
}

static void resync(Driver *D) {
    D->recovering = false;
    D->depth = D->parens = 0;
    reset_feedback(D);
    new_parser(D);
}

/* Feeds one token; on a syntax error reports it and starts skipping. A
 * token that can only start an item is given to a fresh parser at once,
 * so "missing ';' before interface" costs one error and no item. */
static void feed(Driver *D, Token t, bool retry) {
    int prev_kind = D->prev_kind;
    track_depth(D, t.kind, t.loc);
    D->ctx.cur_loc = t.loc;
    aitParse(D->parser, t.kind, t, &D->ctx);
    D->prev_kind = t.kind;
    if (!D->ctx.failed) {
        learn(D, &t, prev_kind);
        D->prev_fed = t;
        return;
    }
    report_syntax_error(D, t);
    D->prev_fed = (Token){0};
    D->recovering = true;
    bool restart = starts_item_anywhere(t.kind) ||
                   (t.kind == TK_ASYNC && D->depth == 0 && D->parens == 0);
    if (retry && restart && t.kind != LEX_EOF) {
        D->prev_kind = prev_kind;
        resync(D);
        feed(D, t, false);
    }
}

static void skip(Driver *D, Token t) {
    track_depth(D, t.kind, t.loc);
    D->prev_kind = t.kind;
}

File *parse_file(int src_id) {
    File *f = xalloc(sizeof *f);
    f->path = src_name(src_id);
    f->id = src_id;
    size_t len = src_len(src_id);
    char *text = xstrndup(src_text(src_id), len);   /* '\0' sentinel */

    Driver D = {0};
    D.ctx.file = f;
    lexer_init(&D.lex, src_id, text, len, false);
    lexer_next(&D.lex, &D.look);
    new_parser(&D);
    for (;;) {
        Token t = next_token(&D);
        if (t.kind == LEX_ERROR) {
            D.recovering = true;        /* the lexer has reported it */
            continue;
        }
        classify(&D, &t);
        if (D.recovering) {
            if (!is_resync_point(&D, &t)) {
                skip(&D, t);
                continue;
            }
            resync(&D);
        }
        feed(&D, t, true);
        if (t.kind == LEX_EOF)
            break;
    }
    aitParseFree(D.parser, free);
    reset_feedback(&D);
    check_nesting(f);
    return f;
}
