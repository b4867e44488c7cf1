/* cprint.h: prints AST pieces back as C source text.
 *
 * The emitter prints user code through these functions. Hooks let it
 * rewrite what the lowering changed: identifiers that became frame
 * fields (x -> f->x), generic type parameters (C -> MemCache), resolved
 * method calls (self->get(k) -> MemStore_get(...)), and awaits replaced by
 * temporaries. Printing is faithful: parentheses the user wrote are kept
 * (E_PAREN, D_PAREN), and the printer adds parentheses only where the
 * tree's precedence needs them (a rewritten child, or a tree built by the
 * lowering), so the output re-parses to the same tree. */
#ifndef AIT_CPRINT_H
#define AIT_CPRINT_H

#include "ast.h"
#include "util.h"

typedef struct PrintHooks {
    void *ctx;
    /* The spelling of identifier e (E_IDENT), or NULL to print e->name. */
    const char *(*ident)(void *ctx, Expr *e);
    /* The spelling of a typedef name (BT_NAME) or NULL to keep it. */
    const char *(*type_name)(void *ctx, const char *name);
    /* The spelling of a struct, union or enum tag, or of an enumerator
     * being defined, or NULL to keep it. */
    const char *(*tag_name)(void *ctx, const char *name);
    /* Prints e in full and returns true, or returns false to let the
     * printer print it. Called for every expression before printing it;
     * prec is the precedence the context needs (see cprint_prec). The hook
     * may call cprint_expr recursively for sub-expressions. */
    bool (*expr)(void *ctx, Expr *e, Buf *b, int prec);

    /* Statements. The printer lays out C's statements (blocks, if,
     * loops, switch, labels); the hooks print what only their owner
     * knows (the emitter: awaits, exits that run defers, frame-resident
     * declarations). All may be NULL. */
    /* Prints statement s at indentation level ind and returns true, or
     * returns false to let the printer print it. Called for every
     * statement before anything of it is printed. */
    bool (*stmt)(void *ctx, Stmt *s, Buf *b, int ind);
    /* Prints what goes inside the braces of a block or braced body at
     * level ind (the printer prints the braces): a compound's items, or
     * the one statement of a body. NULL: the printer prints them. */
    void (*body)(void *ctx, Stmt *s, Buf *b, int ind);
    /* Does s begin with a declaration once printed? After a label a
     * declaration needs an empty statement first (C11). NULL: S_DECL. */
    bool (*starts_with_decl)(void *ctx, Stmt *s);
    /* Prints the first clause of for (d; ...) (without its ';') and
     * returns true, or returns false to print d as a declaration. */
    bool (*for_init)(void *ctx, Decl *d, Buf *b);
    /* Every body of if, else, a loop and switch in braces, even one
     * statement, and else-if chains nested (the hooks may print several
     * statements where the tree has one). */
    bool brace_bodies;
} PrintHooks;

/* Four spaces per level. */
void cprint_indent(Buf *b, int level);

/* Precedence levels, higher binds tighter. */
enum {
    PREC_COMMA = 1, PREC_ASSIGN, PREC_COND, PREC_OROR, PREC_ANDAND, PREC_OR,
    PREC_XOR, PREC_AND, PREC_EQ, PREC_REL, PREC_SHIFT, PREC_ADD, PREC_MUL,
    PREC_UNARY, PREC_POSTFIX, PREC_PRIMARY,
};

/* The precedence of e's operator. */
int cprint_prec(const Expr *e);

/* Prints e; parenthesized when its precedence is below min_prec. */
void cprint_expr(Buf *b, Expr *e, int min_prec, const PrintHooks *h);

/* Prints an initializer: an expression or { .a = 1, [2] = x, ... }. */
void cprint_init(Buf *b, Init *init, const PrintHooks *h);

/* Prints "spec declarator", with the declarator's name replaced by name
 * when name is non-NULL ("" for an abstract declarator). Storage classes
 * are printed when with_storage. drop_top_const strips a const that
 * applies to the object itself (for frame fields, which are assigned). */
typedef struct DeclPrint {
    const char *name;
    bool with_storage;
    bool drop_top_const;
} DeclPrint;
void cprint_decl(Buf *b, DeclSpec *spec, Declarator *d, const DeclPrint *how,
                 const PrintHooks *h);

/* Prints a declaration specifier alone (with storage when asked). */
void cprint_spec(Buf *b, DeclSpec *spec, bool with_storage, const PrintHooks *h);

/* Prints a type name: "const char *", "int (*)(void)". */
void cprint_typename(Buf *b, DeclSpec *spec, Declarator *abstract_decl,
                     const PrintHooks *h);

/* Prints a parameter list "(int a, char *b)" ("(void)" when empty). */
void cprint_params(Buf *b, Vec *params, bool variadic, const PrintHooks *h);

/* Prints a statement at indent level (4 spaces each), one per line:
 * plain C bodies (plain impl methods, defer bodies) and, through the
 * statement hooks, lowered async bodies. */
void cprint_stmt(Buf *b, Stmt *s, int indent, const PrintHooks *h);

/* Prints a whole Decl (all its declarators with initializers) + ";". */
void cprint_declaration(Buf *b, Decl *d, const PrintHooks *h);

#endif
