/* resolve.c: names, receivers and calls inside one body.
 *
 * Walks a Fut's body with C's block scopes: every declaration becomes a
 * Var, every identifier that names one points at it (Expr.var), and
 * every call aitc must rewrite gets a Target (Expr.call): awaited async
 * calls (static, generic, dyn, free, extern, prelude) and plain method
 * calls through impl types or dyn values. A call it does not recognise
 * is plain C and left alone. */
#include <string.h>
#include "parse.h"
#include "check.h"
#include "check_graph.h"
#include "resolve.h"

typedef struct Scope {
    struct Scope *up;
    Vec vars;
} Scope;

/* The state of resolving one body. */
typedef struct Resolver {
    Sema *s;
    Fut *f;          /* whose body it is */
    Scope *scope;    /* the innermost block's */
    int in_defer;    /* depth of defer bodies around the walk */
    bool is_async;
    bool quiet;      /* the call's problem was reported already */
} Resolver;

static void resolve_expr(Resolver *r, Expr *e);
static void resolve_stmt(Resolver *r, Stmt *st);

/* ---- types of declarations and expressions -------------------------- */

static Ty ty_of_decl(Fut *f, DeclSpec *spec, Declarator *d) {
    Ty t = {0};
    switch (spec->kind) {
    case BT_NAME: {
        DynArg *da = f ? sema_subst_dyn(f, spec->name) : NULL;
        if (da) {   /* a generic instantiated for a dyn */
            t.kind = da->send ? TY_SEND_DYN : TY_DYN;
            t.name = da->iface->name;
        } else {
            t.kind = TY_NAME;
            t.name = f ? sema_subst(f, spec->name) : spec->name;
        }
        break;
    }
    case BT_STRUCT: t.kind = TY_STRUCT; t.name = spec->name; break;
    case BT_DYN: t.kind = TY_DYN; t.name = spec->name; break;
    case BT_SEND_DYN: t.kind = TY_SEND_DYN; t.name = spec->name; break;
    default: t.kind = TY_OTHER; break;
    }
    for (; d; d = d->inner) {
        if (d->kind == D_POINTER)
            t.ptr++;
        else if (d->kind == D_ARRAY)
            t.arr++;
        else if (d->kind == D_FUNC)
            return (Ty){0};
    }
    return t;
}

static Decl *struct_member(Sema *s, Ty t, const char *name, InitDecl **out) {
    Item *it = (t.kind == TY_NAME || t.kind == TY_STRUCT) ? sema_struct(s, t.name) : NULL;
    if (!it)
        return NULL;
    for (int i = 0; i < it->members.len; i++) {
        Decl *d = it->members.data[i];
        for (int k = 0; k < d->decls.len; k++) {
            InitDecl *id = d->decls.data[k];
            Declarator *x = id->decl;
            while (x && x->kind != D_IDENT)
                x = x->inner;
            if (x && x->name && !strcmp(x->name, name)) {
                *out = id;
                return d;
            }
        }
    }
    return NULL;
}

static Ty ty_of_expr(Resolver *r, Expr *e) {
    Ty t = {0};
    switch (e->kind) {
    case E_IDENT:
        return e->var ? e->var->ty : t;
    case E_PAREN:
        return ty_of_expr(r, e->lhs);
    case E_CAST:
        return ty_of_decl(r->f, e->type->spec, e->type->decl);
    case E_INDEX:
        t = ty_of_expr(r, e->lhs);
        if (t.arr)
            t.arr--;
        else if (t.ptr)
            t.ptr--;
        else
            t.kind = TY_OTHER;
        return t;
    case E_UNARY:
        t = ty_of_expr(r, e->lhs);
        if (!strcmp(e->op, "&"))
            t.ptr++;
        else if (!strcmp(e->op, "*") && (t.ptr || t.arr))
            t.arr ? t.arr-- : t.ptr--;
        else
            t.kind = TY_OTHER;
        return t;
    case E_MEMBER: {
        Ty base = ty_of_expr(r, e->lhs);
        if (e->arrow)
            base.ptr--;
        InitDecl *id = NULL;
        Decl *d = base.ptr || base.arr ? NULL : struct_member(r->s, base, e->name, &id);
        return d ? ty_of_decl(NULL, d->spec, id->decl) : t;
    }
    default:
        return t;
    }
}

/* ---- scopes --------------------------------------------------------- */

static void push_scope(Resolver *r) {
    Scope *sc = xalloc(sizeof *sc);
    sc->up = r->scope;
    r->scope = sc;
}

static void pop_scope(Resolver *r) { r->scope = r->scope->up; }

static Var *lookup(Resolver *r, const char *name) {
    for (Scope *sc = r->scope; sc; sc = sc->up)
        for (int i = sc->vars.len - 1; i >= 0; i--) {
            Var *v = sc->vars.data[i];
            if (!strcmp(v->name, name))
                return v;
        }
    return NULL;
}

static const char *declarator_name(Declarator *d) {
    while (d && d->kind != D_IDENT)
        d = d->inner;
    return d ? d->name : NULL;
}

static bool is_function_declarator(Declarator *d) {
    while (d && d->kind == D_PAREN)
        d = d->inner;
    return d && d->kind == D_FUNC;
}

/* A dyn type names an interface that must exist; reported where it is
 * written, once (the uses of such a variable stay quiet). */
void check_dyn_type(Sema *s, DeclSpec *spec) {
    if ((spec->kind == BT_DYN || spec->kind == BT_SEND_DYN) && !sema_iface(s, spec->name))
        error_at(spec->name_loc, "unknown interface '%s'", spec->name);
}

/* ---- arrays sized by their initializer ----------------------------- */

static Expr *size_node(ExprKind kind, Loc loc) {
    Expr *e = xalloc(sizeof *e);
    e->kind = kind;
    e->loc = loc;
    return e;
}

static Expr *count_literal(int n, Loc loc) {
    Expr *e = size_node(E_INT, loc);
    e->text = xprintf("%d", n);
    return e;
}

static Expr *unparen(Expr *e) {
    while (e && e->kind == E_PAREN)
        e = e->lhs;
    return e;
}

/* sizeof (LIT) / sizeof (LIT)[0]: the element count of a string literal,
 * whatever its prefix, without decoding its escapes. */
static Expr *string_length(Expr *lit) {
    Expr *p = size_node(E_PAREN, lit->loc), *idx = size_node(E_INDEX, lit->loc);
    p->lhs = lit;
    idx->lhs = p;
    idx->rhs = count_literal(0, lit->loc);
    Expr *whole = size_node(E_SIZEOF_EXPR, lit->loc), *one = size_node(E_SIZEOF_EXPR, lit->loc);
    whole->lhs = p;
    one->lhs = idx;
    Expr *div = size_node(E_BINARY, lit->loc);
    div->op = "/";
    div->lhs = whole;
    div->rhs = one;
    return div;
}

/* How many elements a brace list initializes, or -1 when aitc cannot tell
 * without C's types (designators; brace elision into aggregate elements).
 * scalar: the element type is a scalar; elem_array: it is an array. */
static int list_length(Init *in, bool scalar, bool elem_array) {
    for (int i = 0; i < in->items.len; i++) {
        InitItem *it = in->items.data[i];
        if (it->designators.len)
            return -1;
        Expr *e = it->init->is_list ? NULL : unparen(it->init->expr);
        if (!scalar && !it->init->is_list && !(elem_array && e && e->kind == E_STRING))
            return -1;
    }
    return in->items.len;
}

/* An array declared without its size (`char s[] = "hi";`, `int a[] =
 * {1, 2}`) gets the size its initializer gives it, as in C, written out:
 * arrays live in the frame, a struct whose members need one. */
static void complete_array_size(const char *name, DeclSpec *spec, Declarator *d, Init *in) {
    Declarator *parent = NULL;
    while (d && d->inner && d->inner->kind != D_IDENT)
        parent = d, d = d->inner;
    if (!d || d->kind != D_ARRAY || d->size || !in)
        return;
    Expr *lit = in->is_list ? NULL : unparen(in->expr);
    bool scalar = parent ? parent->kind == D_POINTER : spec->kind == BT_WORDS;
    if (in->is_list && scalar && !parent && in->items.len == 1) {
        InitItem *only = in->items.data[0];
        Expr *e = only->init->is_list ? NULL : unparen(only->init->expr);
        if (!only->designators.len && e && e->kind == E_STRING)
            lit = e;                        /* char s[] = {"hi"} */
    }
    if (lit && lit->kind == E_STRING) {
        d->size = string_length(lit);
        return;
    }
    int n = in->is_list ? list_length(in, scalar, parent && parent->kind == D_ARRAY) : -1;
    if (n < 0) {
        error_at(in->loc, "write the size of array '%s' out: aitc cannot count this "
                 "initializer's elements (designators, or braces left out)", name);
        return;
    }
    d->size = count_literal(n, in->loc);
}

static Var *declare(Resolver *r, const char *name, DeclSpec *spec, Declarator *d) {
    check_dyn_type(r->s, spec);
    Var *v = xalloc(sizeof *v);
    v->name = name;
    v->cname = name;
    v->spec = spec;
    v->decl = d;
    v->ty = ty_of_decl(r->f, spec, d);
    vec_push(&r->scope->vars, v);
    vec_push(&r->f->vars, v);
    return v;
}

static void declare_params(Resolver *r) {
    Fut *f = r->f;
    if (f->self_type) {
        DeclSpec *spec = xalloc(sizeof *spec);
        spec->kind = BT_NAME;
        spec->name = f->self_type;
        Declarator *id = xalloc(sizeof *id), *ptr = xalloc(sizeof *ptr);
        id->name = "self";
        ptr->kind = D_POINTER;
        ptr->inner = id;
        Var *v = declare(r, "self", spec, ptr);
        v->is_param = true;
        vec_push(&f->params, v);
    }
    for (int i = 0; i < f->func->params.len; i++) {
        Param *p = f->func->params.data[i];
        const char *name = declarator_name(p->decl);
        if (!name) {
            if (r->is_async)
                error_at(p->loc, "parameter %d of async function '%s' needs a name", i + 1,
                         f->func->name);
            name = xprintf("arg%d_", i);
        }
        Var *v = declare(r, name, p->spec, p->decl);
        v->is_param = true;
        vec_push(&f->params, v);
    }
}

/* ---- calls ---------------------------------------------------------- */

static void check_arity(Expr *call, Func *fn, const char *what) {
    int want = fn->params.len, have = call->args.len;
    if (have < want || (have > want && !fn->variadic))
        error_at(call->loc, "%s '%s' takes %d argument%s, but %d %s given",
                 have < want ? "too few arguments:" : "too many arguments:", what, want,
                 want == 1 ? "" : "s", have, have == 1 ? "was" : "were");
}

static Target *new_target(CallKind kind) {
    Target *t = xalloc(sizeof *t);
    t->kind = kind;
    return t;
}

/* A call of method m on a value of interface x (a dyn, self in a
 * default body, or a generic parameter in its abstract form): m may be
 * declared by x or by one of its super-interfaces, reached through the
 * conversions B_dyn_as_A (B_send_dyn_as_A_send) of the receiver. Through
 * a dyn (dyn), a method whose signature mentions Self has no entry. */
static Target *interface_call(Resolver *r, Iface *x, Expr *m, bool dyn, bool send_dyn) {
    int k;
    Vec path = {0};
    Iface *owner = sema_method_owner(x, m->name, &k, &path);
    if (!owner) {
        error_at(m->loc, "interface '%s' has no method '%s'", x->name, m->name);
        return NULL;
    }
    Func *fn = owner->item->methods.data[k];
    if (dyn && fn->self_typed) {   /* Rust: not dyn-compatible without `where Self: Sized` */
        error_at(m->loc, "method '%s' cannot be called through '%sdyn %s': its signature "
                 "mentions Self", m->name, send_dyn ? "send " : "", x->name);
        note_instance(r->f, m->loc);
        note_at(fn->loc, "'%s' is declared here", m->name);
        return NULL;
    }
    Target *t;
    if (fn->is_async) {
        t = new_target(CT_ASYNC);
        t->fut = owner->dyn_futs.data[k];
    } else {
        t = new_target(CT_PLAIN_DYN);
        t->cname = xprintf("%s_%s", owner->name, fn->name);
    }
    Iface *from = x;
    for (int i = 0; i < path.len; i++) {
        Iface *to = path.data[i];
        vec_push(&t->upcasts, send_dyn ? xprintf("%s_send_dyn_as_%s_send", from->name, to->name)
                                       : xprintf("%s_dyn_as_%s", from->name, to->name));
        from = to;
    }
    t->send_dyn = send_dyn;
    t->iface = owner->name;
    return t;
}

/* The type parameter `name` of an abstract generic body (checked once
 * against its bounds), or NULL. */
static TypeParam *abstract_tparam(Fut *f, const char *name) {
    if (f->kind != FUT_ABSTRACT)
        return NULL;
    for (int i = 0; i < f->func->tparams.len; i++) {
        TypeParam *tp = f->func->tparams.data[i];
        if (!strcmp(tp->name, name))
            return tp;
    }
    return NULL;
}

/* c->m(...) where c is a C * in an abstract generic body: m must belong
 * to one of C's interface bounds (or their super-interfaces). */
static Target *bound_call(Resolver *r, TypeParam *tp, Expr *m) {
    for (int i = 0; i < tp->ifaces.len; i++) {
        Iface *x = sema_iface(r->s, tp->ifaces.data[i]);
        int k;
        Vec path = {0};
        if (x && sema_method_owner(x, m->name, &k, &path))
            return interface_call(r, x, m, false, false);
    }
    if (tp->ifaces.len == 1)
        error_at(m->loc, "interface '%s' has no method '%s'", tp->iface, m->name);
    else
        error_at(m->loc, "no bound of '%s' has a method '%s'", tp->name, m->name);
    return NULL;
}

/* recv.m(...) or recv->m(...): a method of an impl type, a generic
 * parameter or a dyn interface; NULL for a C call through a member. */
static Target *method_call(Resolver *r, Expr *call) {
    Expr *m = call->lhs;
    Ty t = ty_of_expr(r, m->lhs);
    if (m->arrow && !t.ptr && !t.arr)
        return NULL;
    if (m->arrow)
        t.ptr ? t.ptr-- : t.arr--;
    if (t.ptr || t.arr)
        return NULL;
    Target *tg = NULL;
    if (t.kind == TY_DYN || t.kind == TY_SEND_DYN) {
        Iface *x = sema_iface(r->s, t.name);
        if (!x)   /* reported at its declaration */
            return r->quiet = true, NULL;
        tg = interface_call(r, x, m, true, t.kind == TY_SEND_DYN);
        if (tg)
            tg->recv_deref = m->arrow;
    } else if (t.kind == TY_NAME) {
        TypeParam *tp = abstract_tparam(r->f, t.name);
        if (tp)
            return bound_call(r, tp, m);
        Iface *x = sema_iface(r->s, t.name);
        if (x) /* self in a default body, checked against its interface */
            return interface_call(r, x, m, false, false);
        int k;
        Impl *im = sema_impl_for(r->s, t.name, m->name, &k);
        if (!im) {
            if (sema_is_impl_type(r->s, t.name))
                error_at(m->loc, "type '%s' has no method '%s'", t.name, m->name);
            return NULL;
        }
        Func *fn = im->iface->item->methods.data[k];
        if (fn->is_async) {
            tg = new_target(CT_ASYNC);
            tg->fut = im->futs.data[k];
        } else {
            tg = new_target(CT_PLAIN_METHOD);
            tg->cname = xprintf("%s_%s", im->type, fn->name);
        }
        tg->recv_addr = !m->arrow;
    }
    if (tg) {
        tg->recv = m->lhs;
        Func *fn = tg->fut ? tg->fut->func : NULL;
        if (fn)
            check_arity(call, fn, m->name);
    }
    return tg;
}

/* The type an argument gives generic parameter tp, and the argument's
 * index (in *arg), or NULL. */
static const char *infer_param(Resolver *r, Func *fn, TypeParam *tp, Expr *call, int *arg) {
    for (int i = 0; i < fn->params.len && i < call->args.len; i++) {
        Param *p = fn->params.data[i];
        Ty want = ty_of_decl(NULL, p->spec, p->decl);
        if (want.kind != TY_NAME || strcmp(want.name, tp->name))
            continue;
        Ty have = ty_of_expr(r, call->args.data[i]);
        *arg = i;
        bool same_shape = have.ptr == want.ptr && have.arr == want.arr;
        if (have.kind == TY_NAME && same_shape)
            return have.name;
        if ((have.kind == TY_DYN || have.kind == TY_SEND_DYN) && same_shape)
            return xprintf("%s_%sdyn", have.name, have.kind == TY_SEND_DYN ? "send_" : "");
        error_at(((Expr *)call->args.data[i])->loc,
                 "cannot infer '%s' for '%s': argument %d is not a pointer to a type "
                 "that implements '%s'", tp->name, fn->name, i + 1, tp->iface);
        return NULL;
    }
    error_at(call->loc, "cannot infer '%s' for '%s'", tp->name, fn->name);
    return NULL;
}

/* Does type parameter outer (of the abstract body being checked) imply
 * bound `bound` of inner? */
static bool outer_implies(Resolver *r, TypeParam *outer, const char *bound) {
    if (!strcmp(bound, "send"))
        return outer->send;
    Iface *want = sema_iface(r->s, bound);
    for (int i = 0; i < outer->ifaces.len; i++) {
        Iface *x = sema_iface(r->s, outer->ifaces.data[i]);
        if (x && want && sema_iface_reaches(x, want))
            return true;
    }
    return false;
}

/* The bound of tp that `type` does not meet: type is an impl type, or a
 * type parameter of the abstract body being checked. */
static const char *unmet_bound(Resolver *r, TypeParam *tp, const char *type, Ty have) {
    if (have.kind == TY_DYN || have.kind == TY_SEND_DYN) {   /* dyn X satisfies X */
        Iface *x = sema_iface(r->s, have.name);
        for (int i = 0; x && i < tp->ifaces.len; i++) {
            Iface *b = sema_iface(r->s, tp->ifaces.data[i]);
            if (!b || !sema_iface_reaches(x, b))
                return tp->ifaces.data[i];
        }
        return tp->send && have.kind != TY_SEND_DYN ? "send" : NULL;
    }
    TypeParam *outer = abstract_tparam(r->f, type);
    if (!outer)
        return sema_unmet_bound(r->s, tp, type);
    for (int i = 0; i < tp->ifaces.len; i++)
        if (!outer_implies(r, outer, tp->ifaces.data[i]))
            return tp->ifaces.data[i];
    return tp->send && !outer->send ? "send" : NULL;
}

static void explain_unmet(Resolver *r, const char *type, const char *bound, Ty have) {
    Loc at = r->f->func->loc;
    if (have.kind == TY_DYN && !strcmp(bound, "send"))
        note_at(at, "a 'dyn %s' is not send; pass a 'send dyn %s'", have.name, have.name);
    else if (have.kind == TY_DYN || have.kind == TY_SEND_DYN)
        note_at(at, "interface '%s' does not extend '%s'", have.name, bound);
    else if (abstract_tparam(r->f, type))
        note_at(at, "'%s' is not bounded by '%s'", type, bound);
    else if (!strcmp(bound, "send"))
        note_at(at, "an impl of '%s' is not declared send", type);
    else
        note_at(at, "'%s' has no impl of '%s'", type, bound);
}

static Target *generic_call(Resolver *r, Func *fn, Expr *call) {
    Vec types = {0}, dyns = {0};
    bool abstract = false, dyn = false;
    for (int i = 0; i < fn->tparams.len; i++) {
        TypeParam *tp = fn->tparams.data[i];
        int arg = 0;
        const char *type = infer_param(r, fn, tp, call, &arg);
        Ty have = type ? ty_of_expr(r, call->args.data[arg]) : (Ty){0};
        const char *bound = type ? unmet_bound(r, tp, type, have) : NULL;
        if (bound) {   /* worded alike for the abstract body and its instances */
            error_at(((Expr *)call->args.data[arg])->loc, "argument %d of '%s' does not "
                     "satisfy the bound '%s' of '%s'", arg + 1, fn->name, bound, tp->name);
            explain_unmet(r, type, bound, have);
            r->quiet = true;   /* an instance repeats its abstract body's error */
        }
        if (!type || bound)
            return NULL;
        abstract |= abstract_tparam(r->f, type) != NULL;
        DynArg *da = NULL;
        if (have.kind == TY_DYN || have.kind == TY_SEND_DYN) {
            da = xalloc(sizeof *da);
            da->iface = sema_iface(r->s, have.name);
            if (!da->iface) {   /* an unknown interface: reported where the dyn was declared */
                r->quiet = true;
                return NULL;
            }
            da->send = have.kind == TY_SEND_DYN;
            dyn = true;
        }
        vec_push(&types, (void *)type);
        vec_push(&dyns, da);
    }
    Fut *f = NULL;
    if (abstract || r->f->kind == FUT_ABSTRACT)
        ;   /* checked against the bounds; each instance of the caller finds its own */
    else if (dyn)
        f = sema_dyn_instance(r->s, fn, &types, &dyns, sema_home(r->f));
    else if (!(f = sema_fut(r->s, instance_name(fn, &types)))) {
        error_at(call->loc, "no instance '%s' of generic '%s'", instance_name(fn, &types),
                 fn->name);
        return NULL;
    }
    Target *t = new_target(CT_ASYNC);
    t->fut = f;
    return t;
}

static Target *free_call(Resolver *r, Expr *call) {
    const char *name = call->lhs->name;
    if (lookup(r, name))
        return NULL;
    Func *fn = sema_func(r->s, name);
    if (!fn || !fn->is_async)
        return NULL;
    check_arity(call, fn, name);
    if (fn->tparams.len)
        return generic_call(r, fn, call);
    Target *t = new_target(CT_ASYNC);
    t->fut = sema_fut(r->s, name);
    return t;
}

static Target *resolve_call(Resolver *r, Expr *call) {
    for (int i = 0; i < call->args.len; i++)
        resolve_expr(r, call->args.data[i]);
    if (call->lhs->kind == E_IDENT) {
        call->lhs->var = lookup(r, call->lhs->name);
        return free_call(r, call);
    }
    resolve_expr(r, call->lhs->kind == E_MEMBER ? call->lhs->lhs : call->lhs);
    return call->lhs->kind == E_MEMBER ? method_call(r, call) : NULL;
}

static const char *callee_name(Expr *call) {
    Expr *fn = call->lhs;
    return fn->kind == E_IDENT || fn->kind == E_MEMBER ? fn->name : "call";
}

/* ---- expressions ---------------------------------------------------- */

/* Resolves CALL that is awaited or spawned: it must be async. */
static Target *resolve_async_call(Resolver *r, Expr *call) {
    int errors = error_count();
    r->quiet = false;
    Target *t = resolve_call(r, call);
    if (error_count() > errors || r->quiet)
        ;   /* the call's own diagnostic says enough */
    else if (!t && call->lhs->kind == E_MEMBER)
        error_at(call->lhs->loc, "cannot resolve the receiver of '%s': declare it as a pointer "
                 "to an impl type, a generic parameter, or a dyn interface", call->lhs->name);
    else if (!t && call->lhs->kind != E_MEMBER)
        error_at(call->lhs->loc, "'%s' is not an async function; it cannot be awaited",
                 callee_name(call));
    else if (t && t->kind != CT_ASYNC)
        error_at(call->lhs->loc, "method '%s' is not async; it cannot be awaited",
                 callee_name(call));
    call->call = t;
    return t && t->kind == CT_ASYNC ? t : NULL;
}

static Expr *strip_parens(Expr *e) {
    while (e->kind == E_PAREN)
        e = e->lhs;
    return e;
}

static bool is_combinator(Resolver *r, Expr *call) {
    Expr *fn = call->lhs;
    if (fn->kind != E_IDENT || (strcmp(fn->name, "join") && strcmp(fn->name, "select")))
        return false;
    return !lookup(r, fn->name) && !sema_func(r->s, fn->name);
}

/* await join(a = f(x), g(y)) / await select(...): each operand is awaited
 * as if alone (for the checks it is an await of its own). */
static void resolve_combinator(Resolver *r, Expr *e, Expr *call) {
    Comb *c = xalloc(sizeof *c);
    c->select = !strcmp(call->lhs->name, "select");
    if (!call->args.len)
        error_at(call->loc, "'%s' needs at least one future", call->lhs->name);
    for (int i = 0; i < call->args.len; i++) {
        Expr *arg = strip_parens(call->args.data[i]), *lhs = NULL;
        if (arg->kind == E_ASSIGN && !strcmp(arg->op, "=")) {
            lhs = arg->lhs;
            resolve_expr(r, lhs);
            arg = strip_parens(arg->rhs);
        }
        if (arg->kind != E_CALL) {
            error_at(arg->loc, "an operand of '%s' must be a call of an async function, "
                     "optionally assigned: x = f(...)", call->lhs->name);
            continue;
        }
        if (!resolve_async_call(r, arg))
            continue;
        vec_push(&c->calls, arg);
        vec_push(&c->lhs, lhs);
        Expr *one = xalloc(sizeof *one);
        one->kind = E_AWAIT;
        one->lhs = arg;
        one->loc = arg->loc;
        vec_push(&r->f->awaits, one);
    }
    e->comb = c;
}

static void resolve_await(Resolver *r, Expr *e) {
    if (!r->is_async)
        error_at(e->loc, "'await' outside an async function");
    else if (r->in_defer)
        error_at(e->loc, "'await' inside a defer statement is not supported");
    Expr *call = strip_parens(e->lhs);
    if (call->kind == E_SPAWN) {
        error_at(e->lhs->loc, "'spawn' gives a task handle; await its result with "
                 "ait_task_join(task, &out)");
        return;
    }
    if (call->kind != E_CALL) {
        error_at(e->lhs->loc, "'await' needs a call of an async function");
        resolve_expr(r, e->lhs);
        return;
    }
    e->lhs = call;
    if (is_combinator(r, call)) {
        resolve_combinator(r, e, call);
        return;
    }
    if (resolve_async_call(r, call))
        vec_push(&r->f->awaits, e);
}

/* spawn CALL / spawn_local CALL: a task of CALL's future on the current
 * runtime; the expression is its handle (ait_task *). */
static void resolve_spawn(Resolver *r, Expr *e) {
    bool local = !strcmp(e->op, "spawn_local");
    if (!r->is_async) {
        error_at(e->loc, "'%s' outside an async function (from C, call F_spawn%s)", e->op,
                 local ? "_local" : "");
        return;
    }
    Expr *call = strip_parens(e->lhs);
    if (call->kind != E_CALL) {
        error_at(e->lhs->loc, "'%s' needs a call of an async function", e->op);
        resolve_expr(r, e->lhs);
        return;
    }
    e->lhs = call;
    Target *t = resolve_async_call(r, call);
    if (!t || !t->fut)
        return;
    FutKind k = t->fut->kind;
    if (k == FUT_EXTERN || k == FUT_PRELUDE) {
        error_at(call->loc, "cannot spawn extern async '%s' directly; await it inside an "
                 "async function and spawn that", t->fut->cname);
        return;
    }
    e->call = t;
    vec_push(&r->f->spawns, e);
}

static bool integer_return(Func *fn) {
    static const char *names[] = {"ssize_t", "int8_t", "int16_t", "int32_t", "int64_t",
                                  "intptr_t", "intmax_t", "ptrdiff_t", "off_t", NULL};
    Declarator *d = fn->ret_decl;
    while (d && d->kind == D_PAREN)
        d = d->inner;
    if (d && d->kind != D_IDENT)
        return false;
    DeclSpec *sp = fn->ret_spec;
    if (sp->kind == BT_WORDS)
        return !strstr(sp->words, "void") && !strstr(sp->words, "float") &&
               !strstr(sp->words, "double") && !strstr(sp->words, "_Bool");
    if (sp->kind == BT_NAME)
        for (int i = 0; names[i]; i++)
            if (!strcmp(sp->name, names[i]))
                return true;
    return false;
}

/* The size class of an integer type as aitc sees it (1, 2, 4, 8), or 0
 * when it is not a plain integer type it knows. */
static int int_rank(DeclSpec *sp, Declarator *d) {
    static const struct { const char *name; int rank; } names[] = {
        {"int8_t", 1}, {"uint8_t", 1}, {"int16_t", 2}, {"uint16_t", 2}, {"int32_t", 4},
        {"uint32_t", 4}, {"int64_t", 8}, {"uint64_t", 8}, {"ssize_t", 8}, {"size_t", 8},
        {"intptr_t", 8}, {"intmax_t", 8}, {"ptrdiff_t", 8}, {"off_t", 8},
    };
    while (d && d->kind == D_PAREN)
        d = d->inner;
    if (d && d->kind != D_IDENT)
        return 0;
    if (sp->kind == BT_NAME) {
        for (size_t i = 0; i < sizeof names / sizeof *names; i++)
            if (!strcmp(sp->name, names[i].name))
                return names[i].rank;
        return 0;
    }
    if (sp->kind != BT_WORDS || strstr(sp->words, "void") || strstr(sp->words, "float") ||
        strstr(sp->words, "double") || strstr(sp->words, "_Bool"))
        return 0;
    return strstr(sp->words, "long") ? 8 : strstr(sp->words, "short") ? 2
           : strstr(sp->words, "char") ? 1 : 4;
}

static const char *spec_name(DeclSpec *sp) {
    return sp->kind == BT_NAME ? sp->name : sp->kind == BT_WORDS ? sp->words : "?";
}

/* An instance of a generic or default body (the checks of the abstract
 * body speak for all of them). */
static bool is_instance(Fut *f) {
    return f->kind == FUT_GENERIC ||
           (f->kind == FUT_METHOD && f->func->owner && f->func->owner->kind == I_INTERFACE);
}

/* try await f(..) where f's output is wider than the function's return
 * type: the value returned on error is narrowed to it. */
static void check_try_width(Resolver *r, Expr *e) {
    Expr *op = e->lhs;
    while (op && op->kind == E_PAREN)
        op = op->lhs;
    if (!op || op->kind != E_AWAIT || !op->lhs || !op->lhs->call)
        return;
    Target *t = op->lhs->call;
    Func *callee = t->fut ? t->fut->func : NULL, *fn = r->f->func;
    if (!callee)
        return;
    int have = int_rank(callee->ret_spec, callee->ret_decl);
    int want = int_rank(fn->ret_spec, fn->ret_decl);
    if (have && want && have > want)
        warn_at(e->loc, "try-narrowing", "'try' returns the error of '%s' (%s) from '%s', "
                "which returns %s: the value is narrowed", t->fut->cname,
                spec_name(callee->ret_spec), fn->name, spec_name(fn->ret_spec));
}

/* return in an async function: a value exactly when it returns one, and
 * one C can store as its return type (return_type.c). */
static void check_return(Resolver *r, Stmt *st) {
    Func *fn = r->f->func;
    if (!r->is_async || r->in_defer)
        return;
    bool is_void = returns_void(fn);
    if (is_void && st->expr)
        error_at(st->loc, "'return' with a value in async function '%s', which returns void",
                 fn->name);
    else if (!is_void && !st->expr)
        error_at(st->loc, "'return' without a value in async function '%s', which returns %s",
                 fn->name, return_type_words(fn));
    else if (st->expr)
        check_return_type(fn, st->expr);
}

static void resolve_expr(Resolver *r, Expr *e) {
    if (!e)
        return;
    switch (e->kind) {
    case E_IDENT:
        e->var = lookup(r, e->name);
        return;
    case E_AWAIT:
        resolve_await(r, e);
        return;
    case E_TRY:
        if (!r->is_async)
            error_at(e->loc, "'try' outside an async function");
        else if (!integer_return(r->f->func))
            error_at(e->loc, "'try' needs a function that returns an integer type");
        resolve_expr(r, e->lhs);
        if (r->is_async && !is_instance(r->f))   /* said once, by the abstract body */
            check_try_width(r, e);
        return;
    case E_SPAWN:
        resolve_spawn(r, e);
        return;
    case E_CALL: {
        Target *t = resolve_call(r, e);
        if (t && t->kind == CT_ASYNC) {
            error_at(e->loc, "call of async %s '%s' must be awaited",
                     e->lhs->kind == E_MEMBER ? "method" : "function", callee_name(e));
            t = NULL;
        }
        e->call = t;
        return;
    }
    case E_UNARY:
        resolve_expr(r, e->lhs);
        if (!strcmp(e->op, "&") && e->lhs->kind == E_IDENT && e->lhs->var)
            e->lhs->var->addr_taken = true;
        return;
    default:
        break;
    }
    resolve_expr(r, e->lhs);
    resolve_expr(r, e->rhs);
    resolve_expr(r, e->cond);
    for (int i = 0; i < e->args.len; i++)
        resolve_expr(r, e->args.data[i]);
    if (e->init) {
        Init *in = e->init;
        if (!in->is_list)
            resolve_expr(r, in->expr);
        for (int i = 0; i < in->items.len; i++) {
            InitItem *it = in->items.data[i];
            Expr tmp = {.kind = E_COMPOUND, .init = it->init};
            resolve_expr(r, &tmp);
        }
    }
    for (int i = 0; i < e->assocs.len; i++)
        resolve_expr(r, ((GenericAssoc *)e->assocs.data[i])->expr);
}

/* ---- statements ----------------------------------------------------- */

static void resolve_init(Resolver *r, Init *in) {
    if (!in)
        return;
    Expr tmp = {.kind = E_COMPOUND, .init = in};
    resolve_expr(r, &tmp);
}

static void resolve_decl(Resolver *r, Decl *d) {
    for (int i = 0; i < d->decls.len; i++) {
        InitDecl *id = d->decls.data[i];
        const char *name = declarator_name(id->decl);
        if (!name || (d->spec->storage & SC_TYPEDEF) || is_function_declarator(id->decl)) {
            resolve_init(r, id->init);
            continue;
        }
        complete_array_size(name, d->spec, id->decl, id->init);
        Var *v = declare(r, name, d->spec, id->decl);
        v->is_static = (d->spec->storage & (SC_STATIC | SC_EXTERN | SC_THREAD_LOCAL)) != 0;
        id->var = v;
        resolve_init(r, id->init);   /* as in C, its scope includes its initializer */
    }
}

static void resolve_items(Resolver *r, Stmt *st) {
    push_scope(r);
    for (int i = 0; i < st->items.len; i++)
        resolve_stmt(r, st->items.data[i]);
    pop_scope(r);
}

static void forbid_in_defer(Resolver *r, Stmt *st, const char *what) {
    if (r->in_defer)
        error_at(st->loc, "'%s' inside a defer statement is not allowed", what);
}

static void resolve_stmt(Resolver *r, Stmt *st) {
    if (!st)
        return;
    switch (st->kind) {
    case S_COMPOUND:
        resolve_items(r, st);
        return;
    case S_DECL:
        resolve_decl(r, st->decl);
        return;
    case S_FOR:
        push_scope(r);
        if (st->decl)
            resolve_decl(r, st->decl);
        resolve_expr(r, st->expr);
        resolve_expr(r, st->cond);
        resolve_expr(r, st->step);
        resolve_stmt(r, st->body);
        pop_scope(r);
        return;
    case S_DEFER:
        if (!r->is_async)
            error_at(st->loc, "'defer' outside an async function");
        forbid_in_defer(r, st, "defer");
        r->in_defer++;
        resolve_stmt(r, st->body);
        r->in_defer--;
        return;
    case S_RETURN:   /* checked once its value is resolved */
        forbid_in_defer(r, st, "return");
        resolve_expr(r, st->expr);
        check_return(r, st);
        return;
    case S_BREAK: forbid_in_defer(r, st, "break"); break;
    case S_CONTINUE: forbid_in_defer(r, st, "continue"); break;
    case S_GOTO: forbid_in_defer(r, st, "goto"); break;
    default:
        break;
    }
    resolve_expr(r, st->expr);
    resolve_expr(r, st->cond);
    resolve_stmt(r, st->body);
    resolve_stmt(r, st->els);
}

void resolve_fut(Sema *s, Fut *f) {
    Resolver r = {.s = s, .f = f, .is_async = f->func->is_async};
    push_scope(&r);
    declare_params(&r);
    resolve_stmt(&r, f->body);
    pop_scope(&r);
}
