/* parse_build.c: AST constructors for the grammar's actions. */
#include <string.h>
#include "parse_int.h"

char *tok_str(Token t) { return xstrndup(t.text, (size_t)t.len); }

NameRef *mk_nameref(Token t) {
    NameRef *r = xalloc(sizeof *r);
    r->name = tok_str(t);
    r->loc = t.loc;
    return r;
}

/* ---- expressions ---------------------------------------------------- */

Expr *mk_expr(ExprKind k, Loc loc) {
    Expr *e = xalloc(sizeof *e);
    e->kind = k;
    e->loc = loc;
    return e;
}

Expr *mk_unary(ExprKind k, const char *op, Expr *operand, Loc loc) {
    Expr *e = mk_expr(k, loc);
    e->op = op;
    e->lhs = operand;
    return e;
}

/* Binary nodes start where their left operand starts. */
Expr *mk_binary(ExprKind k, const char *op, Expr *l, Expr *r) {
    Expr *e = mk_expr(k, l->loc);
    e->op = op;
    e->lhs = l;
    e->rhs = r;
    return e;
}

/* "a" "b": one E_STRING whose text is the literals joined by a space. */
Expr *mk_string_join(Expr *s, Token t) {
    s->text = xprintf("%s %.*s", s->text, t.len, t.text);
    return s;
}

/* ---- statements ----------------------------------------------------- */

Stmt *mk_stmt(StmtKind k, Loc loc) {
    Stmt *s = xalloc(sizeof *s);
    s->kind = k;
    s->loc = loc;
    return s;
}

/* ---- declarators ---------------------------------------------------- */

Declarator *mk_declarator(DeclKind k, Declarator *inner, Loc loc) {
    Declarator *d = xalloc(sizeof *d);
    d->kind = k;
    d->inner = inner;
    d->loc = loc;
    return d;
}

/* The leaf of an abstract declarator: a D_IDENT without a name. */
Declarator *mk_abstract(Loc loc) { return mk_declarator(D_IDENT, NULL, loc); }

/* An array suffix "[quals static size]"; its inner is set by the caller. */
Declarator *mk_array(Loc loc, int quals, bool is_static, Expr *size) {
    Declarator *d = mk_declarator(D_ARRAY, NULL, loc);
    d->quals = quals;
    d->is_static = is_static;
    d->size = size;
    return d;
}

/* ptr is a D_POINTER chain from the grammar whose last inner is NULL. */
Declarator *attach_pointer(Declarator *ptr, Declarator *d) {
    Declarator *p = ptr;
    while (p->inner)
        p = p->inner;
    p->inner = d;
    return ptr;
}

static bool is_plain_void(DeclSpec *s) {
    return s->kind == BT_WORDS && s->words && !strcmp(s->words, "void") &&
           !s->quals && !s->storage;
}

/* "(void)" is no parameters; "()" is old style (unspecified). */
Declarator *mk_func_declarator(Declarator *inner, PList *pl, bool empty_parens) {
    Declarator *d = mk_declarator(D_FUNC, inner, inner->loc);
    if (empty_parens) {
        d->old_style = true;
        return d;
    }
    if (pl->params.len == 1 && !pl->variadic) {
        Param *p = pl->params.data[0];
        if (is_plain_void(p->spec) && p->decl->kind == D_IDENT && !p->decl->name)
            return d;
    }
    d->params = pl->params;
    d->variadic = pl->variadic;
    return d;
}

/* ---- declaration specifiers ----------------------------------------- */

DeclSpec *spec_new(Loc loc) {
    DeclSpec *s = xalloc(sizeof *s);
    s->kind = BT_WORDS;
    s->loc = loc;
    return s;
}

DeclSpec *spec_storage(Token t, int sc) {
    DeclSpec *s = spec_new(t.loc);
    s->storage = sc;
    return s;
}

DeclSpec *spec_qual(Token t, int q) {
    DeclSpec *s = spec_new(t.loc);
    s->quals = q;
    return s;
}

DeclSpec *spec_word(Token t) {
    DeclSpec *s = spec_new(t.loc);
    s->words = tok_str(t);
    return s;
}

static bool has_type(DeclSpec *s) { return s->kind != BT_WORDS || s->words; }

/* Folds one more specifier b into the list so far a. */
DeclSpec *spec_merge(DeclSpec *a, DeclSpec *b) {
    a->storage |= b->storage;
    a->quals |= b->quals;
    if (b->align)
        a->align = b->align;
    if (!has_type(b))
        return a;
    if (!has_type(a)) {
        DeclSpec keep = *a;
        *a = *b;
        a->storage = keep.storage;
        a->quals = keep.quals;
        a->align = keep.align;
        a->loc = keep.loc;
    } else if (a->kind == BT_WORDS && b->kind == BT_WORDS) {
        a->words = xprintf("%s %s", a->words, b->words);
    } else {
        error_at(b->loc, "two or more data types in declaration specifiers");
    }
    return a;
}

/* C11 has no implicit int: a specifier list needs a type. */
void spec_finish(DeclSpec *s) {
    if (has_type(s))
        return;
    error_at(s->loc, "type specifier missing (C has no implicit int)");
    s->words = "int";
}

Param *mk_param(DeclSpec *s, Declarator *d) {
    spec_finish(s);
    Param *p = xalloc(sizeof *p);
    p->spec = s;
    p->decl = d;
    p->loc = s->loc;
    return p;
}

TypeName *mk_type_name(DeclSpec *s, Declarator *d) {
    spec_finish(s);
    TypeName *t = xalloc(sizeof *t);
    t->spec = s;
    t->decl = d;
    t->loc = s->loc;
    return t;
}

Decl *mk_decl(DeclSpec *s) {
    spec_finish(s);
    Decl *d = xalloc(sizeof *d);
    d->spec = s;
    d->loc = s->loc;
    return d;
}

InitDecl *mk_init_decl(Declarator *d, Init *init, Expr *bits, Loc loc) {
    InitDecl *id = xalloc(sizeof *id);
    id->decl = d;
    id->init = init;
    id->bits = bits;
    id->loc = loc;
    return id;
}

/* ---- initializers --------------------------------------------------- */

Init *mk_init_expr(Expr *e) {
    Init *i = xalloc(sizeof *i);
    i->expr = e;
    i->loc = e->loc;
    return i;
}

Init *mk_init_list(Loc loc) {
    Init *i = xalloc(sizeof *i);
    i->is_list = true;
    i->loc = loc;
    return i;
}

void init_add(Init *list, Vec *designators, Init *item) {
    InitItem *it = xalloc(sizeof *it);
    if (designators)
        it->designators = *designators;
    it->init = item;
    vec_push(&list->items, it);
}

/* ---- functions and items -------------------------------------------- */

/* Copies the declarator down to the function part next to the name,
 * which is removed along with the name: "char *get(int k)" gives the
 * D_FUNC of get and leaves "char *" as the return type's declarator. */
static Declarator *split_func(Declarator *d, Declarator **func) {
    if (!d)
        return NULL;
    if (d->kind == D_FUNC && d->inner && d->inner->kind == D_IDENT) {
        *func = d;
        return mk_abstract(d->inner->loc);
    }
    if (d->kind == D_IDENT)
        return d;
    Declarator *copy = xalloc(sizeof *copy);
    *copy = *d;
    copy->inner = split_func(d->inner, func);
    return copy;
}

static const char *declarator_name(Declarator *d) {
    while (d && d->kind != D_IDENT)
        d = d->inner;
    return d ? d->name : NULL;
}

static Declarator *declarator_ident(Declarator *d) {
    while (d->inner)
        d = d->inner;
    return d;
}

/* One bound of a type parameter: an interface, or send. */
TypeParam *tparam_bound(const char *iface, Loc loc) {
    TypeParam *p = xalloc(sizeof *p);
    if (!strcmp(iface, "send")) {
        p->send = true;
        return p;
    }
    Loc *at = xalloc(sizeof *at);
    *at = loc;
    p->iface = iface;
    p->iface_loc = loc;
    vec_push(&p->ifaces, (void *)iface);
    vec_push(&p->iface_locs, at);
    return p;
}

/* A + B: the bounds of b added to a's. */
TypeParam *tparam_join(TypeParam *a, TypeParam *b) {
    a->send |= b->send;
    for (int i = 0; i < b->ifaces.len; i++) {
        if (!a->iface) {
            a->iface = b->ifaces.data[i];
            a->iface_loc = *(Loc *)b->iface_locs.data[i];
        }
        vec_push(&a->ifaces, b->ifaces.data[i]);
        vec_push(&a->iface_locs, b->iface_locs.data[i]);
    }
    return a;
}

void add_generic(ParseCtx *ctx, Declarator *ident, Vec tparams) {
    Generic *g = xalloc(sizeof *g);
    g->ident = ident;
    g->tparams = tparams;
    vec_push(&ctx->generics, g);
}

/* The type parameters written on d's name (removed from the waiting
 * list), or an empty vector. */
static Vec take_tparams(ParseCtx *ctx, Declarator *d) {
    Declarator *ident = declarator_ident(d);
    for (int i = 0; i < ctx->generics.len; i++) {
        Generic *g = ctx->generics.data[i];
        if (g->ident == ident) {
            ctx->generics.data[i] = ctx->generics.data[--ctx->generics.len];
            return g->tparams;
        }
    }
    return (Vec){0};
}

static Loc declarator_name_loc(Declarator *d) {
    while (d->inner)
        d = d->inner;
    return d->loc;
}

/* C adjusts a parameter of array type to a pointer: "const int a[2]" is
 * "const int *a". An async function keeps its parameters in its frame,
 * where an array member could not be assigned, so the adjustment is
 * made in the tree. */
static void adjust_array_param(Param *p) {
    Declarator *nearest = NULL, *above = NULL;   /* above: nearest's parent, if not '(' */
    for (Declarator *d = p->decl, *up = NULL; d && d->kind != D_IDENT; up = d, d = d->inner)
        if (d->kind != D_PAREN)
            nearest = d, above = up && up->kind != D_PAREN ? up : NULL;
    if (!nearest || nearest->kind != D_ARRAY)
        return;
    nearest->kind = D_POINTER;
    nearest->size = NULL;
    nearest->is_static = false;
    if (above)   /* "m[][3]" becomes "(*m)[3]" */
        above->inner = mk_declarator(D_PAREN, nearest, nearest->loc);
}

Func *mk_func(ParseCtx *ctx, bool is_async, DeclSpec *s, Declarator *d, Stmt *body) {
    spec_finish(s);
    Func *f = xalloc(sizeof *f);
    f->is_async = is_async;
    f->ret_spec = s;
    f->name = declarator_name(d);
    f->loc = declarator_name_loc(d);
    f->tparams = take_tparams(ctx, d);
    f->body = body;
    Declarator *fn = NULL;
    f->ret_decl = split_func(d, &fn);
    if (!fn) {
        error_at(f->loc, "expected a function declarator for '%s'",
                 f->name ? f->name : "?");
        return f;
    }
    f->params = fn->params;
    f->variadic = fn->variadic;
    for (int i = 0; is_async && i < f->params.len; i++)
        adjust_array_param(f->params.data[i]);
    if (f->tparams.len && !is_async)
        error_at(f->loc, "only async functions can have type parameters");
    return f;
}

/* Type parameters belong on functions only; a declaration that got some
 * ("int x<C: I>;") is reported here. */
void no_tparams(ParseCtx *ctx, Decl *d) {
    for (int i = 0; i < d->decls.len; i++) {
        InitDecl *id = d->decls.data[i];
        Vec tp = take_tparams(ctx, id->decl);
        if (tp.len) {
            TypeParam *p = tp.data[0];
            error_at(p->loc, "type parameters are only allowed on async functions");
        }
    }
}

Item *mk_item(ParseCtx *ctx, ItemKind k, Loc loc) {
    Item *it = xalloc(sizeof *it);
    it->kind = k;
    it->loc = loc;
    vec_push(&ctx->file->items, it);
    return it;
}

/* A top-level declaration: "struct S { ... };" alone is an ait struct
 * (I_STRUCT), anything else is C to be emitted as written (I_CDECL). */
void item_decl(ParseCtx *ctx, Decl *d) {
    DeclSpec *s = d->spec;
    bool ait_struct = s->kind == BT_STRUCT && s->has_body && s->name &&
                      !d->decls.len && !s->storage && !s->quals;
    Item *it = mk_item(ctx, ait_struct ? I_STRUCT : I_CDECL, d->loc);
    it->decl = d;
    if (ait_struct) {
        it->name = s->name;
        it->members = s->members;
    }
}
