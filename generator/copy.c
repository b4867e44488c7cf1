/* copy.c: deep copies of bodies.
 *
 * A default method is instantiated once per impl and a generic function
 * once per impl type; each instance resolves its calls differently, so
 * each gets its own statement and expression nodes. Types (DeclSpec,
 * Declarator) are never changed after parsing and stay shared. */
#include <string.h>
#include "copy.h"
#include "util.h"

static Init *copy_init(Init *in);

static Vec copy_exprs(Vec *v) {
    Vec out = {0};
    for (int i = 0; i < v->len; i++)
        vec_push(&out, copy_expr(v->data[i]));
    return out;
}

Expr *copy_expr(Expr *e) {
    if (!e)
        return NULL;
    Expr *c = xalloc(sizeof *c);
    *c = *e;
    c->var = NULL;
    c->call = NULL;
    c->comb = NULL;
    c->lhs = copy_expr(e->lhs);
    c->rhs = copy_expr(e->rhs);
    c->cond = copy_expr(e->cond);
    c->args = copy_exprs(&e->args);
    c->init = copy_init(e->init);
    memset(&c->assocs, 0, sizeof c->assocs);
    for (int i = 0; i < e->assocs.len; i++) {
        GenericAssoc *a = e->assocs.data[i], *b = xalloc(sizeof *b);
        b->type = a->type;
        b->expr = copy_expr(a->expr);
        vec_push(&c->assocs, b);
    }
    return c;
}

static Init *copy_init(Init *in) {
    if (!in)
        return NULL;
    Init *c = xalloc(sizeof *c);
    *c = *in;
    c->expr = copy_expr(in->expr);
    memset(&c->items, 0, sizeof c->items);
    for (int i = 0; i < in->items.len; i++) {
        InitItem *a = in->items.data[i], *b = xalloc(sizeof *b);
        b->designators = a->designators;
        b->init = copy_init(a->init);
        vec_push(&c->items, b);
    }
    return c;
}

static Decl *copy_decl(Decl *d) {
    if (!d)
        return NULL;
    Decl *c = xalloc(sizeof *c);
    *c = *d;
    memset(&c->decls, 0, sizeof c->decls);
    for (int i = 0; i < d->decls.len; i++) {
        InitDecl *a = d->decls.data[i], *b = xalloc(sizeof *b);
        *b = *a;
        b->init = copy_init(a->init);
        b->var = NULL;
        vec_push(&c->decls, b);
    }
    return c;
}

Stmt *copy_stmt(Stmt *s) {
    if (!s)
        return NULL;
    Stmt *c = xalloc(sizeof *c);
    *c = *s;
    c->await = NULL;
    c->spawn = NULL;
    c->defers = NULL;
    c->defer_flag = 0;
    memset(&c->items, 0, sizeof c->items);
    for (int i = 0; i < s->items.len; i++)
        vec_push(&c->items, copy_stmt(s->items.data[i]));
    c->decl = copy_decl(s->decl);
    c->expr = copy_expr(s->expr);
    c->cond = copy_expr(s->cond);
    c->step = copy_expr(s->step);
    c->body = copy_stmt(s->body);
    c->els = copy_stmt(s->els);
    return c;
}
