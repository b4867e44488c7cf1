/* ast.h: the syntax tree of a .ait file.
 *
 * The parser (grammar/parser.y, driven by parse.c) builds it; the checks
 * (check*.c, resolve.c), the lowering (hoist.c, lower.c, liveness.c) and
 * the emitter (emit*.c) read and annotate it.
 * Nodes live in an arena (util.c) and are never freed: aitc is a short
 * process, as chibicc is.
 *
 * Types are kept in C's own syntax form, a declaration specifier plus a
 * declarator tree, because the emitter must print them back as C (often
 * with another name: a frame field, a cast, a compound literal).
 */
#ifndef AIT_AST_H
#define AIT_AST_H

#include <stdbool.h>
#include <stddef.h>

typedef struct Loc {
    int file;            /* index into the source table (util.h: src_name) */
    int line, col;       /* 1-based; col counts characters, tabs as 1 */
} Loc;

/* A vector of pointers. */
typedef struct Vec {
    void **data;
    int len, cap;
} Vec;

typedef struct Expr Expr;
typedef struct Stmt Stmt;
typedef struct Declarator Declarator;
typedef struct DeclSpec DeclSpec;
typedef struct Init Init;

/* What the later passes attach to nodes, defined with those passes:
 * the checks (sema.h) and the lowering (lower.h). */
typedef struct Var Var;
typedef struct Target Target;
typedef struct Comb Comb;
typedef struct AwaitPoint AwaitPoint;
typedef struct SpawnPoint SpawnPoint;

/* ---- types --------------------------------------------------------- */

/* Storage classes and function specifiers, a bit set. */
enum {
    SC_TYPEDEF = 1, SC_EXTERN = 2, SC_STATIC = 4, SC_AUTO = 8,
    SC_REGISTER = 16, SC_THREAD_LOCAL = 32, SC_INLINE = 64, SC_NORETURN = 128,
};

/* Type qualifiers, a bit set. */
enum { Q_CONST = 1, Q_VOLATILE = 2, Q_RESTRICT = 4, Q_ATOMIC = 8 };

typedef enum {
    BT_WORDS,            /* builtin words in source order: "unsigned long int" */
    BT_NAME,             /* a typedef name: name */
    BT_STRUCT,           /* struct/union tag [with body]: name, members */
    BT_UNION,
    BT_ENUM,             /* enum tag [with body]: name, enumerators */
    BT_DYN,              /* dyn I: name = interface name */
    BT_SEND_DYN,         /* send dyn I (the I_send_dyn fat pointer) */
    BT_TYPEOF,           /* reserved */
} BaseKind;

typedef struct Enumerator {
    const char *name;
    Expr *value;         /* NULL when implicit */
    Loc loc;
} Enumerator;

struct DeclSpec {
    int storage;         /* SC_* */
    int quals;           /* Q_* */
    BaseKind kind;
    bool has_body;       /* struct/union/enum with { ... } */
    const char *words;   /* BT_WORDS: "unsigned long", "void", "_Bool" ... */
    const char *name;    /* BT_NAME, tag of BT_STRUCT/UNION/ENUM, BT_DYN */
    Vec members;         /* BT_STRUCT/UNION: Decl* (each a member declaration) */
    Vec enumerators;     /* BT_ENUM: Enumerator* */
    Expr *align;         /* _Alignas(expr) or NULL */
    Loc loc;
    Loc name_loc;        /* of name: the tag, the typedef name, the interface */
};

typedef enum {
    D_IDENT,             /* name (NULL name: abstract) */
    D_POINTER,           /* * quals inner */
    D_ARRAY,             /* inner [ size ] ; size may be NULL */
    D_FUNC,              /* inner ( params ) */
    D_PAREN,             /* ( inner ) , kept so printing is faithful */
} DeclKind;

typedef struct Param Param;

struct Declarator {
    DeclKind kind;
    int quals;           /* D_POINTER: qualifiers after '*';
                            D_ARRAY: qualifiers inside [] (params) */
    bool is_static;      /* D_ARRAY: [static N] in a parameter */
    bool variadic;       /* D_FUNC: ", ..." */
    bool old_style;      /* D_FUNC: "()" with no parameters at all */
    Loc loc;
    Declarator *inner;   /* NULL below D_IDENT */
    const char *name;    /* D_IDENT */
    Expr *size;          /* D_ARRAY */
    Vec params;          /* D_FUNC: Param* */
};

/* A parameter: specifier + declarator (name may be NULL). "(void)" is
 * parsed as no parameters, with old_style false. */
struct Param {
    DeclSpec *spec;
    Declarator *decl;
    Loc loc;
};

/* A type name, as in casts and sizeof: specifier + abstract declarator. */
typedef struct TypeName {
    DeclSpec *spec;
    Declarator *decl;    /* abstract (innermost D_IDENT has name NULL) */
    Loc loc;
} TypeName;

/* ---- declarations -------------------------------------------------- */

/* One declarator of a declaration, with its initializer and bit width. */
typedef struct InitDecl {
    Declarator *decl;
    Init *init;          /* NULL when none */
    Expr *bits;          /* struct member bit-field width, or NULL */
    Loc loc;
    Var *var;            /* the checks (resolve.c): the variable it declares */
} InitDecl;

/* A declaration: "static const int a = 1, *b;" or a struct member. A
 * declaration may have no declarators: "struct S { int x; };". */
typedef struct Decl {
    DeclSpec *spec;
    Vec decls;           /* InitDecl* */
    Loc loc;
} Decl;

/* Initializers: an expression, or a braced list of designated items. */
typedef enum { DESIG_FIELD, DESIG_INDEX } DesigKind;

typedef struct Designator {
    DesigKind kind;
    const char *field;   /* .field */
    Expr *index;         /* [index] */
    Loc loc;
} Designator;

typedef struct InitItem {
    Vec designators;     /* Designator*, possibly empty */
    Init *init;
} InitItem;

struct Init {
    bool is_list;
    Expr *expr;          /* !is_list */
    Vec items;           /* is_list: InitItem* */
    Loc loc;
};

/* ---- expressions --------------------------------------------------- */

typedef enum {
    E_IDENT,             /* name */
    E_INT,               /* text: the literal as written (suffixes kept) */
    E_FLOAT,             /* text */
    E_CHAR,              /* text, with quotes and prefix */
    E_STRING,            /* text: adjacent literals joined with a space */
    E_UNARY,             /* op lhs: & * + - ~ ! ++x --x */
    E_POSTFIX,           /* lhs op: x++ x-- */
    E_BINARY,            /* lhs op rhs: * / % + - << >> < > <= >= == != & ^ | && || */
    E_ASSIGN,            /* lhs op rhs: = *= /= %= += -= <<= >>= &= ^= |= */
    E_COND,              /* cond ? lhs : rhs */
    E_COMMA,             /* lhs , rhs */
    E_CAST,              /* (type) lhs */
    E_SIZEOF_EXPR,       /* sizeof lhs */
    E_SIZEOF_TYPE,       /* sizeof(type) */
    E_ALIGNOF,           /* _Alignof(type) */
    E_CALL,              /* lhs(args) */
    E_INDEX,             /* lhs[rhs] */
    E_MEMBER,            /* lhs.name  (arrow false) or lhs->name (arrow true) */
    E_COMPOUND,          /* (type){ init } */
    E_PAREN,             /* (lhs): kept so printing is faithful */
    E_AWAIT,             /* await lhs  (lhs is an E_CALL) */
    E_TRY,               /* try lhs */
    E_SPAWN,             /* spawn lhs  (lhs is an E_CALL) */
    E_GENERIC,           /* _Generic(lhs, assoc...) : assocs */
} ExprKind;

typedef struct GenericAssoc {
    TypeName *type;      /* NULL for default */
    Expr *expr;
} GenericAssoc;

struct Expr {
    ExprKind kind;
    bool arrow;          /* E_MEMBER (beside kind: nodes are many, padding adds up) */
    const char *op;      /* operator spelling: "+", "->" not used, "++" ... */
    const char *name;    /* E_IDENT, E_MEMBER */
    const char *text;    /* literals */
    Expr *lhs, *rhs, *cond;
    Vec args;            /* E_CALL: Expr* */
    TypeName *type;      /* E_CAST, E_SIZEOF_TYPE, E_ALIGNOF, E_COMPOUND */
    Init *init;          /* E_COMPOUND */
    Vec assocs;          /* E_GENERIC: GenericAssoc* */
    Loc loc;

    /* Filled by the checks (resolve.c) */
    Var *var;            /* E_IDENT: the variable it names (NULL: not a local) */
    Target *call;        /* E_CALL: the call aitc rewrites (NULL: plain C);
                            E_SPAWN: its call's */
    Comb *comb;          /* E_AWAIT of join(...) or select(...) */
};

/* ---- statements ---------------------------------------------------- */

typedef enum {
    S_COMPOUND,          /* { items } : items are Stmt* (S_DECL for declarations) */
    S_DECL,              /* decl */
    S_EXPR,              /* expr ; */
    S_NULL,              /* ; */
    S_IF,                /* if (cond) then [else els] */
    S_WHILE,             /* while (cond) body */
    S_DO,                /* do body while (cond); */
    S_FOR,               /* for (init_decl | init_expr; cond; step) body */
    S_SWITCH,            /* switch (cond) body */
    S_CASE,              /* case expr: body  (expr2 for GNU ranges: unused) */
    S_DEFAULT,           /* default: body */
    S_LABEL,             /* name: body */
    S_GOTO,              /* goto name; */
    S_BREAK,
    S_CONTINUE,
    S_RETURN,            /* return [expr]; */
    S_DEFER,             /* defer body */
    /* Made by the lowering only: */
    S_AWAIT,             /* [temp =] await expr (an E_AWAIT) */
    S_SPAWN,             /* temp = spawn expr (an E_SPAWN) */
} StmtKind;

struct Stmt {
    StmtKind kind;
    Vec items;           /* S_COMPOUND: Stmt* */
    Decl *decl;          /* S_DECL; S_FOR init declaration */
    Expr *expr;          /* S_EXPR, S_RETURN, S_CASE, S_FOR init expression */
    Expr *cond;          /* S_IF, S_WHILE, S_DO, S_FOR (may be NULL), S_SWITCH */
    Expr *step;          /* S_FOR (may be NULL) */
    Stmt *body;          /* loops, S_SWITCH, S_CASE, S_DEFAULT, S_LABEL, S_DEFER, S_IF then */
    Stmt *els;           /* S_IF */
    const char *name;    /* S_LABEL, S_GOTO */
    Loc loc;
    Loc end;             /* S_COMPOUND: location of the closing brace */

    /* Filled by the lowering (lower.c, hoist.c) */
    AwaitPoint *await;   /* S_AWAIT: its state, temporary, defers to unwind */
    SpawnPoint *spawn;   /* S_SPAWN */
    Vec *defers;         /* S_DEFERs, in the order they run: S_COMPOUND: its own, at its
                            end; S_RETURN, S_BREAK, S_CONTINUE, S_GOTO: those it leaves */
    int defer_flag;      /* S_DEFER: N of the frame's armed flag ait_deferN */
};

/* ---- top level ----------------------------------------------------- */

/* A name written in the source, where it was written. */
typedef struct NameRef {
    const char *name;
    Loc loc;
} NameRef;

/* <C: Cache + Log + send>: a type parameter and its bounds. */
typedef struct TypeParam {
    const char *name;    /* C */
    const char *iface;   /* the first interface bound: Cache (NULL: none written) */
    Vec ifaces;          /* every interface bound, const char *, in order */
    Vec iface_locs;      /* Loc *, parallel to ifaces */
    bool send;           /* "+ send": only impls declared send */
    Loc loc;
    Loc iface_loc;
} TypeParam;

/* A function: free (async or plain), extern async, interface method
 * (required: body NULL; default: body set), impl method, or generic. */
typedef struct Func {
    const char *name;
    bool is_async;
    bool is_extern;      /* extern async ... ; (hand-written future) */
    bool is_send;        /* extern async ... send; */
    DeclSpec *ret_spec;  /* return type: specifier + abstract declarator */
    Declarator *ret_decl;
    Vec params;          /* Param* ; "(void)" gives none */
    bool variadic;
    Vec tparams;         /* TypeParam*: generic functions */
    Stmt *body;          /* S_COMPOUND or NULL */
    Loc loc;             /* of the name */
    struct Item *owner;  /* the interface or impl it belongs to, or NULL */
    bool self_typed;     /* an interface method whose signature mentions Self:
                            static calls only, no vtable entry (the checks) */
    Vec inst_defs;       /* Decl*: tag definitions of the async body that mention
                            Self or a type parameter, at file scope once per
                            instance (tags.c) */
    Vec inst_names;      /* const char *: their tags and enumerators, which each
                            instance spells with its own suffix */
} Func;

typedef enum {
    I_PASSTHROUGH,       /* %{ text %} */
    I_IMPORT,            /* import "path"; */
    I_TYPES,             /* %types A B C; */
    I_STRUCT,            /* struct S { members }; (parsed C struct) */
    I_INTERFACE,         /* interface I { methods } */
    I_IMPL,              /* impl I for T [send] { methods } */
    I_FUNC,              /* a free function: async, generic or extern async */
    I_INSTANCE,          /* %instance name(send dyn I, ...); : a generic's instance */
    I_CDECL,             /* any other C declaration at top level (typedef, enum,
                            plain function definition): emitted as written */
} ItemKind;

typedef struct Item {
    ItemKind kind;
    const char *name;    /* struct, interface, import path, I_INSTANCE generic */
    const char *text;    /* passthrough body */
    Vec names;           /* I_TYPES: const char* */
    Vec members;         /* I_STRUCT: Decl* */
    Vec methods;         /* I_INTERFACE, I_IMPL: Func* */
    Vec supers;          /* I_INTERFACE: NameRef * of its super-interfaces;
                            I_INSTANCE: NameRef * of the type arguments, each
                            "dyn I", "send dyn I" or a type name */
    const char *iface;   /* I_IMPL */
    const char *type;    /* I_IMPL: the implementing type's name */
    bool is_send;        /* I_IMPL */
    Func *func;          /* I_FUNC */
    Decl *decl;          /* I_CDECL declaration, or NULL when func_def */
    Func *func_def;      /* I_CDECL: a plain C function definition */
    Loc loc;
    Loc type_loc;        /* I_IMPL: location of TYPE; I_IMPL iface at loc */
} Item;

/* A parsed file. */
typedef struct File {
    const char *path;    /* as given on the command line / resolved import */
    int id;              /* source table index */
    Vec items;           /* Item* in source order */
} File;

#endif
