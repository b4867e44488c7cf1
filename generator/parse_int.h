/* parse_int.h: what the lexer (grammar/lexer.re), the grammar
 * (grammar/parser.y) and the driver (parse*.c) share. Not used by the
 * rest of aitc, which sees only parse.h and the AST. */
#ifndef AIT_PARSE_INT_H
#define AIT_PARSE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include "ast.h"
#include "util.h"

/* A token: its code (TK_* from the generated parser.h), its spelling
 * (pointing into the source text, not NUL-terminated) and location. */
typedef struct Token {
    int kind;
    const char *text;
    int len;
    Loc loc;
} Token;

/* ---- the lexer (grammar/lexer.re) ----------------------------------- */

#define LEX_EOF 0
#define LEX_ERROR (-1)   /* already reported with error_at */

typedef struct Lexer {
    const char *cur, *lim, *mar, *tok;
    int file;
    const char *pos;     /* locations are counted incrementally up to here */
    int line, col;
    bool c_mode;         /* scanning passthrough C: skip # lines, report nothing */
} Lexer;

/* text[len] must be '\0' (the lexer uses it as a sentinel). */
void lexer_init(Lexer *L, int file, const char *text, size_t len, bool c_mode);
int lexer_next(Lexer *L, Token *t);       /* fills t, returns t->kind */
Loc lexer_loc(Lexer *L, const char *p);   /* p at or after the last call */

/* ---- the grammar's context ------------------------------------------ */

typedef struct ParseCtx {
    File *file;
    bool failed;         /* a syntax error was seen in the last token fed */
    Token err_tok;
    const char *err_expected;   /* what the parser could have taken, or NULL */
    Loc cur_loc;         /* location of the token being fed */
    Vec generics;        /* Generic*: declarators that carried <C: I, ...> */
    bool overflow;       /* parser stack overflow (absurd nesting) */
} ParseCtx;

/* "name<C: I, ...>": the type parameters wait here, keyed by the name's
 * D_IDENT, until the function they belong to is built. */
typedef struct Generic {
    Declarator *ident;
    Vec tparams;
} Generic;

/* A parameter list under construction. */
typedef struct PList {
    Vec params;
    bool variadic;
} PList;

/* ---- AST builders used by the grammar's actions (parse_build.c) ----- */

char *tok_str(Token t);
NameRef *mk_nameref(Token t);
Expr *mk_expr(ExprKind k, Loc loc);
Expr *mk_unary(ExprKind k, const char *op, Expr *e, Loc loc);
Expr *mk_binary(ExprKind k, const char *op, Expr *l, Expr *r);
Expr *mk_string_join(Expr *s, Token t);
Stmt *mk_stmt(StmtKind k, Loc loc);
Declarator *mk_declarator(DeclKind k, Declarator *inner, Loc loc);
Declarator *mk_abstract(Loc loc);
Declarator *mk_array(Loc loc, int quals, bool is_static, Expr *size);
Declarator *attach_pointer(Declarator *ptr, Declarator *d);
Declarator *mk_func_declarator(Declarator *inner, PList *pl, bool empty_parens);
DeclSpec *spec_new(Loc loc);
DeclSpec *spec_storage(Token t, int sc);
DeclSpec *spec_qual(Token t, int q);
DeclSpec *spec_word(Token t);
DeclSpec *spec_merge(DeclSpec *a, DeclSpec *b);
void spec_finish(DeclSpec *s);
Param *mk_param(DeclSpec *s, Declarator *d);
TypeName *mk_type_name(DeclSpec *s, Declarator *d);
Decl *mk_decl(DeclSpec *s);
InitDecl *mk_init_decl(Declarator *d, Init *init, Expr *bits, Loc loc);
Init *mk_init_expr(Expr *e);
Init *mk_init_list(Loc loc);
void init_add(Init *list, Vec *designators, Init *item);
Func *mk_func(ParseCtx *ctx, bool is_async, DeclSpec *s, Declarator *d, Stmt *body);
Item *mk_item(ParseCtx *ctx, ItemKind k, Loc loc);
void item_decl(ParseCtx *ctx, Decl *d);
void add_generic(ParseCtx *ctx, Declarator *ident, Vec tparams);
TypeParam *tparam_bound(const char *iface, Loc loc);
TypeParam *tparam_join(TypeParam *a, TypeParam *b);
void no_tparams(ParseCtx *ctx, Decl *d);

/* ---- type names (parse_names.c) ------------------------------------- */

void typenames_remove(const char *name);
/* Adds the names declared by the typedefs in C text (a passthrough). */
void typenames_scan_c(const char *text, size_t len);
/* Adds the names declared by one typedef, given the tokens after
 * "typedef" up to (not including) its ';'; added (if not NULL) receives
 * those that were not type names yet. */
void typenames_from_typedef(const Token *toks, int n, Vec *added);
/* Is k a type specifier keyword (int, unsigned, _Bool ...)? */
bool typenames_is_type_word(int k);

/* ---- the generated parser (bootstrap/parser.c) ---------------------- */

void *aitParseAlloc(void *(*alloc)(size_t));
void aitParse(void *parser, int kind, Token tok, ParseCtx *ctx);
void aitParseFree(void *parser, void (*release)(void *));
/* Whether the parser, as it stands, could take a token of this kind
 * (used after a syntax error to say what was expected). */
bool aitParseAccepts(void *parser, int kind);
/* "';' or '{'", "an expression"...: the driver's words for what the
 * parser could take now; NULL when nothing useful can be said. */
const char *parse_expected(void *parser, int kind);

#endif
