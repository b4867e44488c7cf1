/* sema.h: what the checks learn about a unit, shared by the checks
 * (check*.c, resolve.c), the lowering (lower.c) and the emitter (emit*.c),
 * and the lookups into it (sema.c).
 *
 * Every async function that gets a frame is a Fut: a free function, an
 * impl's method, a default method instantiated for an impl, a generic
 * function instantiated for impl types, or a dyn call of an interface
 * method. Generic and default bodies are copied per instance, so each
 * Fut owns its tree and the checks can annotate it (Expr.var, .call). */
#ifndef AIT_SEMA_H
#define AIT_SEMA_H

#include "gen.h"

typedef struct Iface Iface;
typedef struct Impl Impl;
typedef struct Fut Fut;
typedef struct Lowered Lowered;

struct Iface {
    Item *item;
    const char *name;
    bool local;              /* declared in the file being generated */
    Vec supers;              /* Iface*: its direct super-interfaces, as written */
    Vec impls;               /* Impl* from every file of the unit */
    Vec dyn_futs;            /* Fut* (FUT_DYN), parallel to item->methods; NULL for plain */
};

struct Impl {
    Item *item;
    Iface *iface;
    const char *type;
    bool send;
    bool local;
    Vec methods;             /* Func*, parallel to iface->item->methods: own or default */
    Vec futs;                /* Fut*, parallel too; NULL for plain methods */
};

typedef enum {
    FUT_FREE,                /* async R name(...) */
    FUT_METHOD,              /* impl method, or default method for an impl */
    FUT_GENERIC,             /* name<C: I> instantiated: name_T */
    FUT_EXTERN,              /* extern async: hand-written */
    FUT_PRELUDE,             /* the runtime's leaves: ait_yield, ait_sleep_ms */
    FUT_DYN,                 /* I_m_dyn: a call through the vtable */
    FUT_ABSTRACT,            /* a default or generic body checked once against
                                its interfaces, never emitted */
} FutKind;

/* A generic instantiated for a dyn: the parameter is a pointer to this. */
typedef struct DynArg {
    Iface *iface;
    bool send;               /* send dyn I */
} DynArg;

struct Fut {
    FutKind kind;
    const char *cname;       /* the F of F_frame, F_poll ... */
    Func *func;              /* the declaration (NULL for the prelude) */
    Stmt *body;              /* this instance's own copy */
    Impl *impl;              /* FUT_METHOD */
    Iface *iface;            /* FUT_DYN, FUT_ABSTRACT of a default */
    int method;              /* index in iface methods (FUT_METHOD, FUT_DYN) */
    const char *self_type;   /* type of self: impl type, or NULL */
    Vec subst_from, subst_to;/* generic parameter -> impl type (or I_dyn, I_send_dyn) */
    Vec subst_dyn;           /* DynArg*, parallel: the dyn a parameter stands for, or NULL */
    bool emit;               /* its code is emitted by this unit */
    bool send;               /* may run on the multi-threaded executor */
    int send_state;          /* 0 unknown, 1 being computed, 2 known */
    Vec awaits;              /* Expr* (E_AWAIT) in this body, in order; the operands of
                                join/select appear as E_AWAITs of their own */
    Vec spawns;              /* Expr* (E_SPAWN) in this body */
    Vec params;              /* Var*: self first for methods, then the parameters */
    Vec vars;                /* Var*: every variable of the body, params included */
    Vec excluded;            /* FUT_DYN: impl futures kept out of the inline storage,
                                since their frames contain this dyn frame (a decorator) */
    int home;                /* FUT_GENERIC: the file (id) whose unit compiles it */
    int visit;               /* graph walks */
    Lowered *low;            /* lowering result */
    Loc loc;
};

/* Receiver typing: just enough to resolve method calls. */
typedef enum {
    TY_OTHER,                /* a C type aitc need not understand */
    TY_NAME,                 /* a typedef name: impl type, .ait struct, generic parameter */
    TY_STRUCT,               /* struct TAG */
    TY_DYN,                  /* dyn I */
    TY_SEND_DYN,             /* send dyn I */
} TyKind;

typedef struct Ty {
    TyKind kind;
    const char *name;        /* type, tag or interface name */
    int ptr;                 /* levels of pointer */
    int arr;                 /* levels of array */
} Ty;

struct Var {
    const char *name;        /* as written */
    const char *cname;       /* as emitted: "x", or "ait_f->x_2" when resident */
    const char *field;       /* frame field name */
    DeclSpec *spec;          /* declared type (NULL for temporaries) */
    Declarator *decl;
    const char *type_text;   /* temporaries: their C type, e.g. "ait_task *" */
    Fut *holds;              /* an await's temporary: the future whose output it holds,
                                declared with that function's return type as written */
    Ty ty;
    bool is_param, is_temp, is_static, addr_taken;
    bool in_frame;           /* has a frame field (lower.c) */
    bool resident;           /* lives in that field (spelled ait_f->field); otherwise a C
                                local of its own name, saved there across suspensions */
    int slot;                /* liveness.c: index among the tracked variables, or -1 */
    int pos_decl;            /* textual positions (lower.c): its declaration, */
    int scope_end;           /* the end of the block that declares it */
    Vec refs;                /* int positions, as intptr_t */
};

/* A resolved call, on E_CALL nodes (Expr.call). */
typedef enum {
    CT_ASYNC,                /* a Fut: static call, generic instance, free, extern, prelude, dyn */
    CT_PLAIN_METHOD,         /* T_m(self, args) */
    CT_PLAIN_DYN,            /* I_m(d, args) */
} CallKind;

struct Target {
    CallKind kind;
    Fut *fut;                /* CT_ASYNC */
    const char *cname;       /* the C function (plain) */
    Expr *recv;              /* receiver expression, or NULL */
    bool recv_addr;          /* pass &recv (a T value for a T * self) */
    bool recv_deref;         /* pass *recv (a dyn I * for a dyn I) */
    bool send_dyn;           /* receiver is a send dyn I: converted with I_send_dyn_as_dyn */
    Vec upcasts;             /* const char *: B_dyn_as_A, ... applied to the receiver, first
                                innermost, when the method is a super-interface's */
    const char *iface;       /* dyn calls: the interface */
};

/* await join(...) / await select(...): futures awaited together, on the
 * E_AWAIT (Expr.comb). Each operand is CALL or LVALUE = CALL. */
struct Comb {
    bool select;             /* first ready wins, the others are dropped */
    Vec calls;               /* Expr* E_CALL, each with its Target */
    Vec lhs;                 /* Expr* receiving the output, or NULL; parallel */
};

/* The unit's tables (filled by check.c). */
typedef struct Sema {
    Unit *unit;
    Vec ifaces;              /* Iface* */
    Vec impls;               /* Impl* */
    Vec futs;                /* Fut*, in emission order of declaration */
    Vec structs;             /* Item* (I_STRUCT) of every file */
    Vec funcs;               /* Func* free/extern/generic of every file */
    Vec plains;              /* Fut* records of plain (sync) bodies: impl methods,
                                C function definitions; kind FUT_METHOD or FUT_FREE */
    /* the same, by name */
    Map iface_map, fut_map, struct_map, func_map;
    Map impls_by_type;       /* type name -> Vec* of Impl* */
    Map *macro_words;        /* identifiers in the #define lines of passthrough blocks
                                (lower.c): a local so named may be read by a macro */
} Sema;

/* ---- sema.c: lookups into the tables ---------------------------------- */

Func *sema_func(Sema *s, const char *name);
bool sema_is_impl_type(Sema *s, const char *type);

Iface *sema_iface(Sema *s, const char *name);
/* The index of method among the interface item's methods, or -1. */
int sema_method_index(Item *iface, const char *method);
/* The impl of type that has method (its index in *index); NULL when none.
 * Reports nothing. */
Impl *sema_impl_for(Sema *s, const char *type, const char *method, int *index);
Impl *sema_impl_of(Iface *x, const char *type);
/* The interface among x and its super-interfaces that declares method;
 * path receives the interfaces from x's direct super down to it. */
Iface *sema_method_owner(Iface *x, const char *method, int *index, Vec *path);
/* Is to among from and its super-interfaces (transitively)? */
bool sema_iface_reaches(Iface *from, Iface *to);
/* The bound of tp that type does not satisfy ("I" or "send"), or NULL. */
const char *sema_unmet_bound(Sema *s, TypeParam *tp, const char *type);
Fut *sema_fut(Sema *s, const char *cname);
Item *sema_struct(Sema *s, const char *name);
const char *sema_subst(Fut *f, const char *name);
/* Does fn return void (its output is then ait_unit)? */
bool returns_void(Func *fn);
DynArg *sema_subst_dyn(Fut *f, const char *name);
/* name_T1_T2: the C name of generic fn instantiated for types. */
const char *instance_name(Func *fn, Vec *types);
/* A file's name without directory and extension, as an identifier. */
const char *sema_file_stem(File *f);
/* The D_IDENT at the heart of declarator d (the declared name), or NULL. */
Declarator *sema_declarator_ident(Declarator *d);
/* The file (id) whose unit compiles f. */
int sema_home(Fut *f);

#endif
