/* hoist.c: pass 1 of the lowering (lower.c has passes 2 and 3).
 *
 * Moves every await, try and spawn out of expressions into a statement
 * of its own (S_AWAIT, S_SPAWN, an S_IF/S_RETURN for try), keeping C's
 * sequencing where C defines one: &&, ||, ?:, the comma operator, loop
 * conditions and steps (a loop whose condition awaits becomes for (;;)
 * with explicit tests). Declarations with several declarators are split
 * so that each initializer's awaits run in order. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "lower.h"

/* Which expressions hold an await, try or spawn, by node: the hoister
 * asks again at every level of an expression, so a chain of n terms
 * would cost n^2 without it. */
typedef struct SpecialMemo {
    const Expr **keys;
    unsigned char *vals;     /* 1: no, 2: yes */
    size_t cap, len;
} SpecialMemo;

/* The state of hoisting one body. */
typedef struct Hoister {
    Sema *s;
    Fut *f;
    Lowered *low;
    int ntemps, nlabels;     /* numbering of the temporaries and labels it makes */
    SpecialMemo memo;
} Hoister;

static size_t memo_index(const SpecialMemo *m, const Expr *e) {
    size_t hash = ((uintptr_t)e >> 4) * 0x9E3779B97F4A7C15u;
    size_t i = hash & (m->cap - 1);
    while (m->keys[i] && m->keys[i] != e)
        i = (i + 1) & (m->cap - 1);
    return i;
}

/* The memo is scratch for one body, so it lives on the heap and goes
 * when the body is done (the arena would keep it to the end). */
static void memo_grow(SpecialMemo *m) {
    SpecialMemo old = *m;
    m->cap = old.cap ? old.cap * 2 : 256;
    m->keys = memset(xrealloc(NULL, m->cap * sizeof *m->keys), 0, m->cap * sizeof *m->keys);
    m->vals = memset(xrealloc(NULL, m->cap), 0, m->cap);
    for (size_t i = 0; i < old.cap; i++)
        if (old.keys[i]) {
            size_t k = memo_index(m, old.keys[i]);
            m->keys[k] = old.keys[i];
            m->vals[k] = old.vals[i];
        }
    free(old.keys);
    free(old.vals);
}

/* ---- building nodes ------------------------------------------------- */

static Stmt *new_stmt(StmtKind kind, Loc loc) {
    Stmt *s = xalloc(sizeof *s);
    s->kind = kind;
    s->loc = loc;
    s->end = loc;
    return s;
}

static Expr *new_expr(ExprKind kind, Loc loc) {
    Expr *e = xalloc(sizeof *e);
    e->kind = kind;
    e->loc = loc;
    return e;
}

static Expr *var_ref(Var *v, Loc loc) {
    Expr *e = new_expr(E_IDENT, loc);
    e->name = v->name;
    e->var = v;
    return e;
}

static Expr *binary(const char *op, Expr *a, Expr *b, ExprKind kind) {
    Expr *e = new_expr(kind, a->loc);
    e->op = op;
    e->lhs = a;
    e->rhs = b;
    return e;
}

static Expr *int_lit(const char *text, Loc loc) {
    Expr *e = new_expr(E_INT, loc);
    e->text = text;
    return e;
}

static Stmt *expr_stmt(Expr *e) {
    Stmt *s = new_stmt(S_EXPR, e->loc);
    s->expr = e;
    return s;
}

static Stmt *block_of(Vec *items, Loc loc) {
    if (items->len == 1)
        return items->data[0];
    Stmt *b = new_stmt(S_COMPOUND, loc);
    b->items = *items;
    return b;
}

static Var *new_temp(Hoister *h, const char *type_text, const char *prefix) {
    Var *v = xalloc(sizeof *v);
    v->name = xprintf("ait_%s%d", prefix, ++h->ntemps);
    v->cname = v->name;
    v->type_text = type_text;
    v->is_temp = true;
    vec_push(&h->f->vars, v);
    return v;
}

/* "int NAME = init;" for a temporary the lowering needs (without an
 * init, and printed by the emitter, for one that holds an await's result). */
static Stmt *temp_decl(Var *v, Expr *init, Loc loc) {
    DeclSpec *spec = xalloc(sizeof *spec);
    spec->kind = BT_WORDS;
    spec->words = v->type_text;
    Declarator *d = xalloc(sizeof *d);
    d->kind = D_IDENT;
    d->name = v->name;
    InitDecl *id = xalloc(sizeof *id);
    id->decl = d;
    id->var = v;
    if (init) {
        id->init = xalloc(sizeof *id->init);
        id->init->expr = init;
    }
    if (!v->holds) {
        v->spec = spec;
        v->decl = d;
    }
    Decl *decl = xalloc(sizeof *decl);
    decl->spec = spec;
    vec_push(&decl->decls, id);
    Stmt *s = new_stmt(S_DECL, loc);
    s->decl = decl;
    return s;
}

/* ---- pass 1: hoisting ----------------------------------------------- */

static bool has_special(Hoister *h, Expr *e);

static bool init_special(Hoister *h, Init *in) {
    if (!in)
        return false;
    if (!in->is_list)
        return has_special(h, in->expr);
    for (int i = 0; i < in->items.len; i++)
        if (init_special(h, ((InitItem *)in->items.data[i])->init))
            return true;
    return false;
}

static bool find_special(Hoister *h, Expr *e) {
    if (e->kind == E_AWAIT || e->kind == E_TRY || e->kind == E_SPAWN)
        return true;
    if (has_special(h, e->lhs) || has_special(h, e->rhs) || has_special(h, e->cond))
        return true;
    for (int i = 0; i < e->args.len; i++)
        if (has_special(h, e->args.data[i]))
            return true;
    for (int i = 0; i < e->assocs.len; i++)
        if (has_special(h, ((GenericAssoc *)e->assocs.data[i])->expr))
            return true;
    return init_special(h, e->init);
}

/* Does e contain an await, a try or a spawn? */
static bool has_special(Hoister *h, Expr *e) {
    if (!e)
        return false;
    SpecialMemo *m = &h->memo;
    if (m->cap) {
        size_t i = memo_index(m, e);
        if (m->keys[i])
            return m->vals[i] == 2;
    }
    bool yes = find_special(h, e);
    if (2 * (m->len + 1) > m->cap)
        memo_grow(m);
    size_t i = memo_index(m, e);
    m->keys[i] = e;
    m->vals[i] = yes ? 2 : 1;
    m->len++;
    return yes;
}

static Expr *hoist(Hoister *h, Expr *e, Vec *pre);
static void lower_into(Hoister *h, Stmt *s, Vec *out);
static void push_expr_stmt(Vec *out, Expr *e, Loc loc);

/* The receiver and arguments of a call, evaluated before it starts. */
static void hoist_call(Hoister *h, Expr *call, Vec *pre) {
    Target *t = call->call;
    if (t->recv)
        t->recv = hoist(h, t->recv, pre);
    for (int i = 0; i < call->args.len; i++)
        call->args.data[i] = hoist(h, call->args.data[i], pre);
}

static Expr *hoist_await(Hoister *h, Expr *e, Vec *pre) {
    AwaitPoint *ap = xalloc(sizeof *ap);
    ap->await = e;
    if (e->comb) {                      /* join / select */
        ap->comb = e->comb;
        for (int i = 0; i < ap->comb->calls.len; i++) {
            hoist_call(h, ap->comb->calls.data[i], pre);
            Expr *lhs = ap->comb->lhs.data[i];
            if (lhs && has_special(h, lhs))
                error_at(lhs->loc, "the target of a join/select output cannot await");
        }
        ap->temp = new_temp(h, "int", "r");
    } else {
        Target *t = e->lhs->call;
        hoist_call(h, e->lhs, pre);
        ap->temp = new_temp(h, NULL, "r");
        ap->temp->holds = t->fut;
    }
    Stmt *s = new_stmt(S_AWAIT, e->loc);
    s->expr = e;
    s->await = ap;
    vec_push(pre, s);
    return var_ref(ap->temp, e->loc);
}

static Expr *hoist_spawn(Hoister *h, Expr *e, Vec *pre) {
    hoist_call(h, e->lhs, pre);
    SpawnPoint *sp = xalloc(sizeof *sp);
    sp->spawn = e;
    sp->temp = new_temp(h, "ait_task *", "task");
    Stmt *s = new_stmt(S_SPAWN, e->loc);
    s->expr = e;
    s->spawn = sp;
    vec_push(pre, s);
    return var_ref(sp->temp, e->loc);
}

/* try X: the value of X, returned at once when negative. */
static Expr *hoist_try(Hoister *h, Expr *e, Vec *pre) {
    Expr *inner = e->lhs;
    while (inner->kind == E_PAREN)
        inner = inner->lhs;
    Expr *v = hoist(h, inner, pre);
    Var *t;
    if (v->kind == E_IDENT && v->var && v->var->is_temp) {
        t = v->var;
    } else {
        t = new_temp(h, "long long", "t");
        vec_push(pre, temp_decl(t, v, e->loc));
    }
    Stmt *ret = new_stmt(S_RETURN, e->loc);
    ret->expr = var_ref(t, e->loc);
    Stmt *iff = new_stmt(S_IF, e->loc);
    iff->cond = binary("<", var_ref(t, e->loc), int_lit("0", e->loc), E_BINARY);
    iff->body = ret;
    vec_push(pre, iff);
    return var_ref(t, e->loc);
}

/* c as the condition of an if: "(x == 1)" loses its parentheses, which
 * clang flags in "if ((x == 1))"; an assignment keeps them. */
static Expr *as_condition(Expr *c) {
    while (c->kind == E_PAREN && c->lhs->kind != E_ASSIGN)
        c = c->lhs;
    return c;
}

/* a && b, a || b with an await in b: b runs only when C would run it. */
static Expr *hoist_logic(Hoister *h, Expr *e, Vec *pre) {
    bool and = !strcmp(e->op, "&&");
    Expr *a = hoist(h, e->lhs, pre);
    Var *t = new_temp(h, "int", "t");
    vec_push(pre, temp_decl(t, int_lit(and ? "0" : "1", e->loc), e->loc));
    Vec then = {0};
    Expr *b = hoist(h, e->rhs, &then);
    Expr *paren = new_expr(E_PAREN, b->loc);
    paren->lhs = b;
    Expr *ne = binary("!=", paren, int_lit("0", e->loc), E_BINARY);
    vec_push(&then, expr_stmt(binary("=", var_ref(t, e->loc), ne, E_ASSIGN)));
    Stmt *iff = new_stmt(S_IF, e->loc);
    if (and) {
        iff->cond = as_condition(a);
    } else {
        Expr *not = new_expr(E_UNARY, a->loc);
        not->op = "!";
        not->lhs = a;
        iff->cond = not;
    }
    Stmt *blk = new_stmt(S_COMPOUND, e->loc);
    blk->items = then;
    iff->body = blk;
    vec_push(pre, iff);
    return var_ref(t, e->loc);
}

static Expr *strip_parens(Expr *e) {
    while (e->kind == E_PAREN)
        e = e->lhs;
    return e;
}

/* The first await, try or spawn inside e (which has one), for messages. */
static Expr *first_special(Hoister *h, Expr *e) {
    if (!e || !has_special(h, e))
        return NULL;
    if (e->kind == E_AWAIT || e->kind == E_TRY || e->kind == E_SPAWN)
        return e;
    Expr *kids[3] = {e->cond, e->lhs, e->rhs};
    for (int i = 0; i < 3; i++)
        if (has_special(h, kids[i]))
            return first_special(h, kids[i]);
    for (int i = 0; i < e->args.len; i++)
        if (has_special(h, e->args.data[i]))
            return first_special(h, e->args.data[i]);
    return e;                           /* in an initializer or _Generic */
}

/* A branch of ?: that is a whole await or spawn, or NULL. */
static Expr *whole_branch(Expr *e) {
    e = strip_parens(e);
    return e->kind == E_AWAIT || e->kind == E_SPAWN ? e : NULL;
}

/* c ? a : b with an await or spawn in a branch: the result takes the type
 * of such a branch (a limitation, documented: a branch must be the await). */
static Expr *hoist_cond(Hoister *h, Expr *e, Vec *pre) {
    Expr *c = hoist(h, e->cond, pre);
    Expr *typed = whole_branch(e->lhs) ? whole_branch(e->lhs) : whole_branch(e->rhs);
    if (!typed) {
        Expr *at = first_special(h, has_special(h, e->lhs) ? e->lhs : e->rhs);
        const char *kw = at->kind == E_TRY ? "try" : at->kind == E_SPAWN ? at->op : "await";
        error_at(at->loc, "%s '%s' inside '?:' must be a whole branch, or move it to a "
                 "statement of its own", kw[0] == 'a' ? "an" : "a", kw);
        return e;
    }
    const char *type = typed->kind == E_SPAWN ? "ait_task *" : typed->comb ? "int" : NULL;
    Var *t = new_temp(h, type, "t");
    if (!type)
        t->holds = typed->lhs->call->fut;
    vec_push(pre, temp_decl(t, NULL, e->loc));
    Stmt *iff = new_stmt(S_IF, e->loc);
    iff->cond = as_condition(c);
    Expr *branch[2] = {e->lhs, e->rhs};
    Stmt *arms[2];
    for (int i = 0; i < 2; i++) {
        Vec items = {0};
        Expr *v = hoist(h, branch[i], &items);
        vec_push(&items, expr_stmt(binary("=", var_ref(t, e->loc), v, E_ASSIGN)));
        arms[i] = new_stmt(S_COMPOUND, e->loc);
        arms[i]->items = items;
    }
    iff->body = arms[0];
    iff->els = arms[1];
    vec_push(pre, iff);
    return var_ref(t, e->loc);
}

static void hoist_init(Hoister *h, Init *in, Vec *pre) {
    if (!in)
        return;
    if (!in->is_list) {
        in->expr = hoist(h, in->expr, pre);
        return;
    }
    for (int i = 0; i < in->items.len; i++)
        hoist_init(h, ((InitItem *)in->items.data[i])->init, pre);
}

static Expr *hoist(Hoister *h, Expr *e, Vec *pre) {
    if (!has_special(h, e))
        return e;
    switch (e->kind) {
    case E_AWAIT:
        return hoist_await(h, e, pre);
    case E_SPAWN:
        return hoist_spawn(h, e, pre);
    case E_TRY:
        return hoist_try(h, e, pre);
    case E_BINARY:
        if ((!strcmp(e->op, "&&") || !strcmp(e->op, "||")) && has_special(h, e->rhs))
            return hoist_logic(h, e, pre);
        break;
    case E_COND:
        if (has_special(h, e->lhs) || has_special(h, e->rhs))
            return hoist_cond(h, e, pre);
        break;
    case E_COMMA:
        push_expr_stmt(pre, hoist(h, e->lhs, pre), e->lhs->loc);
        return hoist(h, e->rhs, pre);
    case E_SIZEOF_EXPR:
    case E_GENERIC:
        error_at(e->loc, "'await' and 'try' cannot appear in an unevaluated operand");
        return e;
    default:
        break;
    }
    e->cond = hoist(h, e->cond, pre);
    e->lhs = hoist(h, e->lhs, pre);
    e->rhs = hoist(h, e->rhs, pre);
    for (int i = 0; i < e->args.len; i++)
        e->args.data[i] = hoist(h, e->args.data[i], pre);
    hoist_init(h, e->init, pre);
    return e;
}

/* An expression statement whose value is a hoisted temporary says nothing. */
static void push_expr_stmt(Vec *out, Expr *e, Loc loc) {
    if (e->kind == E_IDENT && e->var && e->var->is_temp)
        return;
    Stmt *s = expr_stmt(e);
    s->loc = loc;
    vec_push(out, s);
}

static Stmt *lower_sub(Hoister *h, Stmt *s) {
    if (!s)
        return NULL;
    Vec out = {0};
    lower_into(h, s, &out);
    if (out.len == 0)
        return new_stmt(S_NULL, s->loc);
    return block_of(&out, s->loc);
}

/* "continue" of this loop (not of nested ones) becomes "goto label". */
static int retarget_continue(Stmt *s, const char *label) {
    if (!s)
        return 0;
    switch (s->kind) {
    case S_CONTINUE:
        s->kind = S_GOTO;
        s->name = label;
        return 1;
    case S_WHILE: case S_DO: case S_FOR:
        return 0;
    default:
        break;
    }
    int n = 0;
    for (int i = 0; i < s->items.len; i++)
        n += retarget_continue(s->items.data[i], label);
    return n + retarget_continue(s->body, label) + retarget_continue(s->els, label);
}

/* if (!(cond)) break; with cond's awaits hoisted before it. */
static void push_exit_test(Hoister *h, Expr *cond, Vec *out) {
    if (!cond)
        return;
    Expr *c = hoist(h, cond, out);
    Expr *paren = new_expr(E_PAREN, c->loc);
    paren->lhs = c;
    Expr *not = new_expr(E_UNARY, c->loc);
    not->op = "!";
    not->lhs = paren;
    Stmt *iff = new_stmt(S_IF, c->loc);
    iff->cond = not;
    iff->body = new_stmt(S_BREAK, c->loc);
    vec_push(out, iff);
}

/* A loop whose condition or step awaits: for (;;) with explicit tests. */
static void lower_awaiting_loop(Hoister *h, Stmt *s, Vec *out) {
    Stmt *loop = new_stmt(S_FOR, s->loc);
    Vec body = {0};
    const char *label = xprintf("ait_continue%d", ++h->nlabels);
    if (s->kind != S_DO)
        push_exit_test(h, s->cond, &body);
    Stmt *b = lower_sub(h, s->body);
    bool used = retarget_continue(b, label) > 0;
    vec_push(&body, b);
    if (used) {
        Stmt *lab = new_stmt(S_LABEL, s->loc);
        lab->name = label;
        lab->body = new_stmt(S_NULL, s->loc);
        vec_push(&body, lab);
    }
    if (s->kind == S_DO)
        push_exit_test(h, s->cond, &body);
    if (s->step)
        push_expr_stmt(&body, hoist(h, s->step, &body), s->loc);
    Stmt *blk = new_stmt(S_COMPOUND, s->loc);
    blk->items = body;
    loop->body = blk;
    vec_push(out, loop);
}

static void lower_for(Hoister *h, Stmt *s, Vec *out) {
    bool init_awaits = s->expr && has_special(h, s->expr);
    if (s->decl)
        for (int i = 0; i < s->decl->decls.len; i++)
            init_awaits |= init_special(h, ((InitDecl *)s->decl->decls.data[i])->init);
    if (!init_awaits && !has_special(h, s->cond) && !has_special(h, s->step)) {
        s->body = lower_sub(h, s->body);
        vec_push(out, s);
        return;
    }
    /* { init; loop } keeps the init's scope */
    Vec items = {0};
    if (s->decl) {
        Stmt *d = new_stmt(S_DECL, s->loc);
        d->decl = s->decl;
        lower_into(h, d, &items);
    } else if (s->expr) {
        push_expr_stmt(&items, hoist(h, s->expr, &items), s->loc);
    }
    s->decl = NULL;
    s->expr = NULL;
    if (has_special(h, s->cond) || has_special(h, s->step)) {
        lower_awaiting_loop(h, s, &items);
    } else {
        s->body = lower_sub(h, s->body);
        vec_push(&items, s);
    }
    Stmt *blk = new_stmt(S_COMPOUND, s->loc);
    blk->items = items;
    vec_push(out, blk);
}

/* One declarator per declaration, so that an await in the initializer
 * of the second runs after the first is initialized. */
static void lower_decl(Hoister *h, Stmt *s, Vec *out) {
    Decl *d = s->decl;
    if (d->decls.len <= 1 || d->spec->has_body) {
        for (int i = 0; i < d->decls.len; i++)
            hoist_init(h, ((InitDecl *)d->decls.data[i])->init, out);
        vec_push(out, s);
        return;
    }
    for (int i = 0; i < d->decls.len; i++) {
        Decl *one = xalloc(sizeof *one);
        one->spec = d->spec;
        one->loc = d->loc;
        vec_push(&one->decls, d->decls.data[i]);
        Stmt *st = new_stmt(S_DECL, s->loc);
        st->decl = one;
        lower_decl(h, st, out);
    }
}

static void lower_into(Hoister *h, Stmt *s, Vec *out) {
    switch (s->kind) {
    case S_COMPOUND: {
        Vec items = {0};
        for (int i = 0; i < s->items.len; i++)
            lower_into(h, s->items.data[i], &items);
        s->items = items;
        vec_push(out, s);
        return;
    }
    case S_DECL:
        lower_decl(h, s, out);
        return;
    case S_EXPR:
        push_expr_stmt(out, hoist(h, s->expr, out), s->loc);
        return;
    case S_RETURN:
        if (s->expr)
            s->expr = hoist(h, s->expr, out);
        vec_push(out, s);
        return;
    case S_IF:
        s->cond = hoist(h, s->cond, out);
        s->body = lower_sub(h, s->body);
        s->els = lower_sub(h, s->els);
        vec_push(out, s);
        return;
    case S_SWITCH:
        s->cond = hoist(h, s->cond, out);
        s->body = lower_sub(h, s->body);
        vec_push(out, s);
        return;
    case S_WHILE:
    case S_DO:
        if (has_special(h, s->cond)) {
            lower_awaiting_loop(h, s, out);
            return;
        }
        s->body = lower_sub(h, s->body);
        vec_push(out, s);
        return;
    case S_FOR:
        lower_for(h, s, out);
        return;
    case S_CASE:
    case S_DEFAULT:
    case S_LABEL: {
        /* the label stays on the first statement the body lowers to */
        Vec body = {0};
        lower_into(h, s->body, &body);
        s->body = body.len ? body.data[0] : new_stmt(S_NULL, s->loc);
        vec_push(out, s);
        for (int i = 1; i < body.len; i++)
            vec_push(out, body.data[i]);
        return;
    }
    default:
        vec_push(out, s);
        return;
    }
}

/* Pass 1 over f's body: the hoisted tree, one statement or a block. */
Stmt *hoist_body(Sema *s, Fut *f, Lowered *low) {
    Hoister h = {.s = s, .f = f, .low = low};
    Vec out = {0};
    lower_into(&h, f->body, &out);
    free(h.memo.keys);
    free(h.memo.vals);
    return block_of(&out, f->body->loc);
}
