/* parse_depth.c: the nesting limit.
 *
 * Every pass after the parser (resolve, hoist, lowering, printing, the
 * copies of generic bodies, --dump-ast) walks the syntax tree by
 * recursion, one C stack frame or more per level. The parser itself
 * bounds only what nests to the right ("(((x)))", "- - x", blocks): its
 * stack is finite. Left-associative chains ("x+x+...+x", "a.b.c...",
 * "f(1)(2)...", "x[0][0]...", "a, b, c, ...", "int a[1][1]...") are
 * built by the parser without nesting, yet give trees as deep as they
 * are long. So once a file is parsed, this walk (with a stack of its
 * own, not the C stack) measures the depth of each item's tree and
 * reports the first node deeper than NESTING_LIMIT; a file with such an
 * error goes no further than the parser.
 *
 * The limit is far above what any program written by hand or by a
 * reasonable generator needs, and far below the depth at which a pass
 * overflows an 8 MB stack, also in a build with AddressSanitizer (whose
 * frames are several times larger): docs/language.md, "Limitations". */
#include <stdio.h>
#include <stdlib.h>
#include "parse.h"
#include "util.h"

typedef enum {
    N_ITEM, N_FUNC, N_STMT, N_EXPR, N_DECL, N_INITDECL, N_DECLARATOR,
    N_SPEC, N_PARAM, N_TYPENAME, N_INIT,
} NodeKind;

typedef struct Node {
    NodeKind kind;
    int depth;
    const void *p;
    Loc outer;           /* where the outermost expression, statement... holding it starts */
} Node;

typedef struct Walk {
    Node at;             /* the node whose children are pushed */
    Node *stack;
    size_t len, cap;
} Walk;

static Loc node_loc(NodeKind kind, const void *p) {
    switch (kind) {
    case N_ITEM: return ((const Item *)p)->loc;
    case N_FUNC: return ((const Func *)p)->loc;
    case N_STMT: return ((const Stmt *)p)->loc;
    case N_EXPR: return ((const Expr *)p)->loc;
    case N_DECL: return ((const Decl *)p)->loc;
    case N_INITDECL: return ((const InitDecl *)p)->loc;
    case N_DECLARATOR: return ((const Declarator *)p)->loc;
    case N_SPEC: return ((const DeclSpec *)p)->loc;
    case N_PARAM: return ((const Param *)p)->loc;
    case N_TYPENAME: return ((const TypeName *)p)->loc;
    case N_INIT: return ((const Init *)p)->loc;
    }
    return (Loc){0};
}

static const char *node_noun(NodeKind k) {
    switch (k) {
    case N_STMT: return "statement";
    case N_EXPR: return "expression";
    case N_DECL: case N_INITDECL: case N_DECLARATOR: case N_SPEC: case N_PARAM:
    case N_TYPENAME: return "declaration";
    case N_INIT: return "initializer";
    default: return "item";
    }
}

/* Pushes a child of the node being visited (w->at). */
static void push(Walk *w, NodeKind kind, const void *p) {
    if (!p)
        return;
    const Node *up = &w->at;
    bool same = node_noun(kind) == node_noun(up->kind);
    if (w->len == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 256;
        w->stack = xrealloc(w->stack, w->cap * sizeof *w->stack);
    }
    w->stack[w->len++] = (Node){kind, up->depth + 1, p, same ? up->outer : node_loc(kind, p)};
}

static void push_all(Walk *w, NodeKind kind, const Vec *v) {
    for (int i = 0; i < v->len; i++)
        push(w, kind, v->data[i]);
}

/* Children of the same kind are pushed last, so they are visited first:
 * the walk goes down a chain before its side branches, and a chain too
 * deep is reported where it starts. */
static void push_expr(Walk *w, const Expr *e) {
    for (int i = 0; i < e->assocs.len; i++) {
        const GenericAssoc *a = e->assocs.data[i];
        push(w, N_TYPENAME, a->type);
        push(w, N_EXPR, a->expr);
    }
    push(w, N_INIT, e->init);
    push(w, N_TYPENAME, e->type);
    push_all(w, N_EXPR, &e->args);
    push(w, N_EXPR, e->cond);
    push(w, N_EXPR, e->rhs);
    push(w, N_EXPR, e->lhs);
}

static void push_stmt(Walk *w, const Stmt *s) {
    push(w, N_DECL, s->decl);
    push(w, N_EXPR, s->expr);
    push(w, N_EXPR, s->cond);
    push(w, N_EXPR, s->step);
    push_all(w, N_STMT, &s->items);
    push(w, N_STMT, s->els);
    push(w, N_STMT, s->body);
}

static void push_spec(Walk *w, const DeclSpec *s) {
    push_all(w, N_DECL, &s->members);
    for (int i = 0; i < s->enumerators.len; i++)
        push(w, N_EXPR, ((const Enumerator *)s->enumerators.data[i])->value);
    push(w, N_EXPR, s->align);
}

static void push_init(Walk *w, const Init *in) {
    push(w, N_EXPR, in->expr);
    for (int i = 0; i < in->items.len; i++) {
        const InitItem *it = in->items.data[i];
        for (int j = 0; j < it->designators.len; j++)
            push(w, N_EXPR, ((const Designator *)it->designators.data[j])->index);
        push(w, N_INIT, it->init);
    }
}

static void push_func(Walk *w, const Func *f) {
    push(w, N_SPEC, f->ret_spec);
    push(w, N_DECLARATOR, f->ret_decl);
    push_all(w, N_PARAM, &f->params);
    push(w, N_STMT, f->body);
}

/* Pushes the children of n one level deeper. */
static void push_children(Walk *w, const Node *n) {
    w->at = *n;
    switch (n->kind) {
    case N_ITEM: {
        const Item *it = n->p;
        push_all(w, N_DECL, &it->members);
        push_all(w, N_FUNC, &it->methods);
        push(w, N_FUNC, it->func);
        push(w, N_DECL, it->decl);
        push(w, N_FUNC, it->func_def);
        break;
    }
    case N_FUNC: push_func(w, n->p); break;
    case N_STMT: push_stmt(w, n->p); break;
    case N_EXPR: push_expr(w, n->p); break;
    case N_DECL: {
        const Decl *decl = n->p;
        push(w, N_SPEC, decl->spec);
        push_all(w, N_INITDECL, &decl->decls);
        break;
    }
    case N_INITDECL: {
        const InitDecl *id = n->p;
        push(w, N_DECLARATOR, id->decl);
        push(w, N_INIT, id->init);
        push(w, N_EXPR, id->bits);
        break;
    }
    case N_DECLARATOR: {
        const Declarator *dc = n->p;
        push_all(w, N_PARAM, &dc->params);
        push(w, N_EXPR, dc->size);
        push(w, N_DECLARATOR, dc->inner);
        break;
    }
    case N_SPEC: push_spec(w, n->p); break;
    case N_PARAM: {
        const Param *p = n->p;
        push(w, N_SPEC, p->spec);
        push(w, N_DECLARATOR, p->decl);
        break;
    }
    case N_TYPENAME: {
        const TypeName *t = n->p;
        push(w, N_SPEC, t->spec);
        push(w, N_DECLARATOR, t->decl);
        break;
    }
    case N_INIT: push_init(w, n->p); break;
    }
}

/* Reports the first node of the item deeper than the limit; true if any. */
static bool item_too_deep(Walk *w, const Item *it) {
    w->len = 0;
    w->at = (Node){N_ITEM, 0, it, it->loc};
    push(w, N_ITEM, it);
    while (w->len) {
        Node n = w->stack[--w->len];
        if (n.depth > NESTING_LIMIT) {
            error_at(n.outer, "%s nested too deeply (limit %d)", node_noun(n.kind),
                     NESTING_LIMIT);
            return true;
        }
        push_children(w, &n);
    }
    return false;
}

bool check_nesting(const File *f) {
    Walk w = {0};
    bool bad = false;
    for (int i = 0; i < f->items.len; i++)
        bad |= item_too_deep(&w, f->items.data[i]);
    free(w.stack);
    return !bad;
}
