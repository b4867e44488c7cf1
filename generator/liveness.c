/* liveness.c: which variables a suspension must keep.
 *
 * The lowered body becomes a flow graph of small nodes, each reading
 * some variables and then writing some. A variable is live where the
 * poll resumes after an await when some path from there reads it before
 * writing it (a declaration writes: each entry into a block makes a new
 * object). The search runs backward from each variable's reads and stops
 * at its writes, so its cost is the size of the variable's live range:
 * linear in the body for any number of awaits.
 *
 * A write ends a live range only where it happens each time its node
 * runs: "(rc = await f()) != END" does, "c && (x = 1)" does not.
 *
 * Also found here, since the walk sees every expression: variables whose
 * address escapes (&x, &x.m, x.m of a struct that may hold an array),
 * which the lowering keeps in the frame; and, forward from a declaration
 * without initializer, the suspensions a variable may reach unwritten
 * (the lowering then gives it one, so no save reads it indeterminate). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "lower.h"

typedef struct FlowNode {
    Vec succ;                /* node indices (intptr_t); empty: leaves the body */
    Vec pred;
    Vec uses, defs;          /* Var*: read, then written */
    AwaitPoint *resume;      /* where this await's poll resumes */
    AwaitPoint *suspend;     /* the await whose poll may suspend after this node runs */
} FlowNode;

typedef struct FlowGraph {
    Vec nodes;               /* FlowNode* */
    Map labels;              /* goto label -> node index + 1 */
    Vec break_to;            /* node index of each enclosing loop/switch's exit */
    Vec continue_to;         /* node index of each enclosing loop's next iteration */
    Vec *cases;              /* the enclosing switch's case label nodes */
    Vec tracked;             /* Var*: the variables by slot */
    Vec uses_of;             /* per slot: Vec* of node indices reading it */
    Vec uninit_at;           /* per slot: its declaration's node + 1 when that has no
                                initializer, else 0 */
} FlowGraph;

/* What the search finds: v is live where the poll resumes at ap. The
 * graph is scratch, released before the finds are stored, so they wait
 * here, on the heap. */
typedef struct Live {
    AwaitPoint *ap;
    Var *v;
} Live;

typedef struct Finds {
    Live *at;
    size_t len, cap;
} Finds;

static void found(Finds *fs, AwaitPoint *ap, Var *v) {
    if (fs->len == fs->cap) {
        fs->cap = fs->cap ? fs->cap * 2 : 64;
        fs->at = xrealloc(fs->at, fs->cap * sizeof *fs->at);
    }
    fs->at[fs->len++] = (Live){ap, v};
}

#define IDX(p) ((int)(intptr_t)(p))
#define PTR(i) ((void *)(intptr_t)(i))

static FlowNode *node(FlowGraph *g, int i) { return g->nodes.data[i]; }

/* next < 0: the edge leaves the body. */
static void add_succ(FlowGraph *g, int n, int next) {
    if (next >= 0)
        vec_push(&node(g, n)->succ, PTR(next));
}

static int new_node(FlowGraph *g, int next) {
    FlowNode *n = xalloc(sizeof *n);
    vec_push(&g->nodes, n);
    add_succ(g, g->nodes.len - 1, next);
    return g->nodes.len - 1;
}

static bool tracked(Var *v) { return v && v->slot >= 0; }

static void use(FlowGraph *g, int n, Var *v) {
    if (!tracked(v))
        return;
    Vec *at = g->uses_of.data[v->slot];
    if (!at->len || IDX(vec_last(at)) != n)
        vec_push(at, PTR(n));
    vec_push(&node(g, n)->uses, v);
}

static void def(FlowGraph *g, int n, Var *v) {
    if (tracked(v))
        vec_push(&node(g, n)->defs, v);
}

/* The variable an lvalue path (x, x.m, x[i], (x)) is rooted at. */
static Var *lvalue_root(Expr *e) {
    while (e && (e->kind == E_PAREN || (e->kind == E_MEMBER && !e->arrow) || e->kind == E_INDEX))
        e = e->lhs;
    return e && e->kind == E_IDENT ? e->var : NULL;
}

static void walk(FlowGraph *g, int n, Expr *e, bool certain);
static void walk_init(FlowGraph *g, int n, Init *in, bool certain);

/* x = e, anywhere in an expression: reads e, then writes x. Only a write
 * that happens on every evaluation of the node (not under &&, || or ?:)
 * ends x's live range; one that may not happen neither reads nor ends it.
 * Returns false when the target is not a plain variable. */
static bool plain_assignment(FlowGraph *g, int n, Expr *e, bool certain) {
    if (strcmp(e->op, "="))
        return false;
    Expr *lhs = e->lhs;
    while (lhs->kind == E_PAREN)
        lhs = lhs->lhs;
    if (lhs->kind != E_IDENT || !lhs->var)
        return false;
    walk(g, n, e->rhs, certain);
    if (certain)
        def(g, n, lhs->var);
    return true;
}

/* The reads (and the certain writes) of e, evaluated at node n. */
static void walk(FlowGraph *g, int n, Expr *e, bool certain) {
    if (!e)
        return;
    switch (e->kind) {
    case E_IDENT:
        use(g, n, e->var);
        return;
    case E_SIZEOF_EXPR:   /* unevaluated, but an escape all the same */
    case E_SIZEOF_TYPE:
    case E_ALIGNOF:
        return;
    case E_UNARY:
        if (!strcmp(e->op, "&") && lvalue_root(e->lhs))
            lvalue_root(e->lhs)->addr_taken = true;
        break;
    case E_ASSIGN:   /* any other assignment reads its target as well */
        if (plain_assignment(g, n, e, certain))
            return;
        break;
    case E_BINARY:   /* the right side of && and || may not be evaluated */
        if (!strcmp(e->op, "&&") || !strcmp(e->op, "||")) {
            walk(g, n, e->lhs, certain);
            walk(g, n, e->rhs, false);
            return;
        }
        break;
    case E_COND:
        walk(g, n, e->cond, certain);
        walk(g, n, e->lhs, false);
        walk(g, n, e->rhs, false);
        return;
    case E_MEMBER:   /* s.m may be an array member decaying to a pointer into s */
        if (!e->arrow && lvalue_root(e->lhs))
            lvalue_root(e->lhs)->addr_taken = true;
        break;
    case E_CALL:
        if (e->call && e->call->recv)
            walk(g, n, e->call->recv, certain);
        break;
    case E_GENERIC:   /* the controlling expression is not evaluated; one association is */
        for (int i = 0; i < e->assocs.len; i++)
            walk(g, n, ((GenericAssoc *)e->assocs.data[i])->expr, false);
        return;
    default:
        break;
    }
    walk(g, n, e->lhs, certain);
    walk(g, n, e->rhs, certain);
    walk(g, n, e->cond, certain);
    for (int i = 0; i < e->args.len; i++)
        walk(g, n, e->args.data[i], certain);
    walk_init(g, n, e->init, certain);
}

static void walk_init(FlowGraph *g, int n, Init *in, bool certain) {
    if (!in)
        return;
    walk(g, n, in->expr, certain);
    for (int i = 0; i < in->items.len; i++)
        walk_init(g, n, ((InitItem *)in->items.data[i])->init, certain);
}

/* e, evaluated whole each time node n runs. */
static void uses_in(FlowGraph *g, int n, Expr *e) { walk(g, n, e, true); }

/* The reads of a statement run at node n (a defer's body): none of its
 * writes is certain. */
static void uses_in_stmt(FlowGraph *g, int n, Stmt *s) {
    if (!s)
        return;
    walk(g, n, s->expr, false);
    walk(g, n, s->cond, false);
    walk(g, n, s->step, false);
    if (s->decl)
        for (int i = 0; i < s->decl->decls.len; i++)
            walk_init(g, n, ((InitDecl *)s->decl->decls.data[i])->init, false);
    for (int i = 0; i < s->items.len; i++)
        uses_in_stmt(g, n, s->items.data[i]);
    uses_in_stmt(g, n, s->body);
    uses_in_stmt(g, n, s->els);
}

/* The defers a jump or a block end runs read what their bodies read. */
static void uses_in_defers(FlowGraph *g, int n, Vec *defers) {
    for (int i = 0; defers && i < defers->len; i++)
        uses_in_stmt(g, n, ((Stmt *)defers->data[i])->body);
}

/* An expression evaluated on its own: its certain writes end live ranges. */
static int expr_node(FlowGraph *g, Expr *e, int next) {
    int n = new_node(g, next);
    uses_in(g, n, e);
    return n;
}

/* One node per declarator, in order: "int a = 1, b = a;". */
static int decl_nodes(FlowGraph *g, Decl *d, int next) {
    for (int i = d->decls.len - 1; i >= 0; i--) {
        InitDecl *id = d->decls.data[i];
        next = new_node(g, next);
        walk_init(g, next, id->init, true);
        def(g, next, id->var);
        if (!id->init && tracked(id->var))
            g->uninit_at.data[id->var->slot] = PTR(next + 1);
    }
    return next;
}

static int label_node(FlowGraph *g, const char *name) {
    intptr_t at = (intptr_t)map_get(&g->labels, name);
    if (at)
        return (int)at - 1;
    int n = new_node(g, -1);
    map_put(&g->labels, name, PTR(n + 1));
    return n;
}

static void set_succ(FlowGraph *g, int n, int target) {
    node(g, n)->succ.len = 0;
    add_succ(g, n, target);
}

static int build(FlowGraph *g, Stmt *s, int next);

static int jump(FlowGraph *g, Stmt *s, int target) {
    int n = new_node(g, target);
    uses_in_defers(g, n, s->defers);
    return n;
}

/* A loop: cond is tested before the body (or after it, for do), step
 * runs after the body and before cond. */
static int loop(FlowGraph *g, Stmt *s, int next, bool test_first) {
    int test = new_node(g, -1);
    uses_in(g, test, s->cond);
    int step = s->kind == S_FOR && s->step ? expr_node(g, s->step, test) : test;
    vec_push(&g->break_to, PTR(next));
    vec_push(&g->continue_to, PTR(step));
    int body = build(g, s->body, step);
    g->break_to.len--;
    g->continue_to.len--;
    set_succ(g, test, body);
    if (s->cond)
        add_succ(g, test, next);
    return test_first ? test : body;
}

static int await_nodes(FlowGraph *g, Stmt *s, int next) {
    AwaitPoint *ap = s->await;
    int resumed = new_node(g, next);
    node(g, resumed)->resume = ap;
    for (int i = 0; ap->comb && i < ap->comb->lhs.len; i++) {
        Expr *lhs = ap->comb->lhs.data[i];
        if (!lhs)
            continue;
        Expr *x = lhs;
        while (x->kind == E_PAREN)
            x = x->lhs;
        if (x->kind == E_IDENT && !x->var)
            continue;   /* not a local: a global, or undeclared (the C compiler says so) */
        if (x->kind == E_IDENT) {   /* only when the operand won: read as well */
            use(g, resumed, x->var);
        } else {
            uses_in(g, resumed, lhs);
        }
    }
    int start = new_node(g, resumed);
    node(g, start)->suspend = ap;
    Vec *calls = ap->comb ? &ap->comb->calls : NULL;
    for (int i = 0; calls && i < calls->len; i++) {
        Expr *call = calls->data[i];
        uses_in(g, start, call->call->recv);
        for (int k = 0; k < call->args.len; k++)
            uses_in(g, start, call->args.data[k]);
    }
    if (!calls) {
        Expr *call = ap->await->lhs;
        uses_in(g, start, call->call->recv);
        for (int k = 0; k < call->args.len; k++)
            uses_in(g, start, call->args.data[k]);
    }
    return start;
}

static int build(FlowGraph *g, Stmt *s, int next) {
    if (!s)
        return next;
    switch (s->kind) {
    case S_COMPOUND: {
        Vec *defers = s->defers;
        if (defers && defers->len) {
            next = new_node(g, next);
            uses_in_defers(g, next, defers);
        }
        for (int i = s->items.len - 1; i >= 0; i--)
            next = build(g, s->items.data[i], next);
        return next;
    }
    case S_DECL: return decl_nodes(g, s->decl, next);
    case S_EXPR: return expr_node(g, s->expr, next);
    case S_NULL: case S_DEFER: return next;
    case S_AWAIT: return await_nodes(g, s, next);
    case S_SPAWN: {
        SpawnPoint *sp = s->spawn;
        int n = new_node(g, next);
        uses_in(g, n, sp->spawn->lhs);
        uses_in_defers(g, n, &sp->unwind);   /* run when the spawn fails */
        return n;
    }
    case S_RETURN: {
        int n = jump(g, s, -1);
        uses_in(g, n, s->expr);
        return n;
    }
    case S_BREAK:
        return jump(g, s, g->break_to.len ? IDX(vec_last(&g->break_to)) : -1);
    case S_CONTINUE:
        return jump(g, s, g->continue_to.len ? IDX(vec_last(&g->continue_to)) : -1);
    case S_GOTO: return jump(g, s, label_node(g, s->name));
    case S_LABEL: {
        int n = label_node(g, s->name);
        set_succ(g, n, build(g, s->body, next));
        return n;
    }
    case S_CASE: case S_DEFAULT: {
        int n = new_node(g, build(g, s->body, next));
        if (g->cases)
            vec_push(g->cases, PTR(n));
        return n;
    }
    case S_IF: {
        int n = new_node(g, build(g, s->body, next));
        uses_in(g, n, s->cond);
        add_succ(g, n, s->els ? build(g, s->els, next) : next);
        return n;
    }
    case S_SWITCH: {
        Vec cases = {0}, *outer = g->cases;
        g->cases = &cases;
        vec_push(&g->break_to, PTR(next));
        build(g, s->body, next);
        g->break_to.len--;
        g->cases = outer;
        int n = new_node(g, -1);
        uses_in(g, n, s->cond);
        node(g, n)->succ = cases;
        add_succ(g, n, next);   /* no case matched */
        return n;
    }
    case S_WHILE: return loop(g, s, next, true);
    case S_DO: return loop(g, s, next, false);
    case S_FOR: {
        int test = loop(g, s, next, true);
        if (s->decl)
            return decl_nodes(g, s->decl, test);
        return s->expr ? expr_node(g, s->expr, test) : test;
    }
    }
    return next;
}

static bool defines(FlowNode *n, Var *v) { return vec_contains(&n->defs, v); }

static int by_slot(const void *a, const void *b) {
    return (*(Var *const *)a)->slot - (*(Var *const *)b)->slot;
}

/* Backward from each read of v until its writes: every node where v is
 * live on entry. At resumption nodes v joins the await's live set. */
static void search(FlowGraph *g, Var *v, int *live_in, int *live_out, Vec *work, Finds *fs) {
    int mark = v->slot + 1;
    Vec *reads = g->uses_of.data[v->slot];
    work->len = 0;
    for (int i = 0; i < reads->len; i++) {
        int n = IDX(reads->data[i]);
        if (live_in[n] != mark) {
            live_in[n] = mark;
            vec_push(work, PTR(n));
        }
    }
    while (work->len) {
        FlowNode *n = node(g, IDX(work->data[--work->len]));
        if (n->resume)
            found(fs, n->resume, v);
        for (int i = 0; i < n->pred.len; i++) {
            int p = IDX(n->pred.data[i]);
            if (live_out[p] == mark)
                continue;
            live_out[p] = mark;
            if (live_in[p] != mark && !defines(node(g, p), v)) {
                live_in[p] = mark;
                vec_push(work, PTR(p));
            }
        }
    }
}

/* Forward from v's declaration without initializer until its writes:
 * every suspension it reaches unwritten gets v in its unassigned set (the
 * save there would read an indeterminate value). */
static void unassigned_search(FlowGraph *g, Var *v, int *seen, Vec *work,
                              Finds *out) {
    int mark = v->slot + 1, decl = IDX(g->uninit_at.data[v->slot]) - 1;
    work->len = 0;
    vec_push(work, PTR(decl));
    while (work->len) {
        FlowNode *n = node(g, IDX(work->data[--work->len]));
        for (int i = 0; i < n->succ.len; i++) {
            int s = IDX(n->succ.data[i]);
            FlowNode *next = node(g, s);
            if (seen[s] == mark || defines(next, v))
                continue;
            seen[s] = mark;
            if (next->suspend)
                found(out, next->suspend, v);
            vec_push(work, PTR(s));
        }
    }
}

/* The suspensions each variable declared without an initializer may
 * reach unwritten, for the variables some suspension keeps: live where
 * it resumes (the finds in live), or read by a defer it would run if
 * dropped. */
static void find_unassigned(FlowGraph *g, Lowered *low, const Finds *live,
                            Finds *out) {
    bool *kept = xalloc(((size_t)g->tracked.len + 1) * sizeof *kept);
    Vec vars = {0};
    for (int i = 0; i < low->points.len; i++) {
        AwaitPoint *ap = low->points.data[i];
        for (int k = 0; k < ap->unwind.len; k++)
            stmt_vars(((Stmt *)ap->unwind.data[k])->body, &vars);
    }
    for (size_t i = 0; i < live->len; i++)
        vec_push(&vars, live->at[i].v);
    for (int k = 0; k < vars.len; k++)
        if (tracked(vars.data[k]))
            kept[((Var *)vars.data[k])->slot] = true;
    int *seen = xalloc(((size_t)g->nodes.len + 1) * sizeof *seen);
    Vec work = {0};
    for (int i = 0; i < g->tracked.len; i++)
        if (g->uninit_at.data[i] && kept[i])
            unassigned_search(g, g->tracked.data[i], seen, &work, out);
}

/* The finds wait on the heap while the graph's scratch is released; then
 * they go to their await points, whose vectors outlive the pass. */
static void store_finds(Finds *fs, bool unassigned) {
    for (size_t i = 0; i < fs->len; i++) {
        AwaitPoint *ap = fs->at[i].ap;
        vec_push(unassigned ? &ap->unassigned : &ap->live, fs->at[i].v);
    }
    free(fs->at);
}

void liveness(Fut *f, Lowered *low, Map *macro_words) {
    ArenaMark scratch = arena_mark();
    FlowGraph g = {0};
    for (int i = 0; i < f->vars.len; i++) {
        Var *v = f->vars.data[i];
        v->slot = -1;
        if (v->is_temp || v->is_static)
            continue;
        v->slot = g.tracked.len;
        vec_push(&g.tracked, v);
        Vec *at = xalloc(sizeof *at);
        vec_push(&g.uses_of, at);
        vec_push(&g.uninit_at, NULL);
    }
    for (int i = 0; i < low->points.len; i++) {
        AwaitPoint *ap = low->points.data[i];
        ap->live.len = ap->unassigned.len = 0;
    }
    build(&g, low->body, -1);
    for (int i = 0; i < g.nodes.len; i++) {
        FlowNode *n = node(&g, i);
        for (int k = 0; k < n->succ.len; k++)
            vec_push(&node(&g, IDX(n->succ.data[k]))->pred, PTR(i));
    }
    int *live_in = xalloc(((size_t)g.nodes.len + 1) * sizeof *live_in);
    int *live_out = xalloc(((size_t)g.nodes.len + 1) * sizeof *live_out);
    Vec work = {0};
    Finds fs = {0};
    for (int i = 0; i < g.tracked.len; i++) {
        Var *v = g.tracked.data[i];
        if (!map_get(macro_words, v->name)) {
            search(&g, v, live_in, live_out, &work, &fs);
            continue;
        }
        for (int k = 0; k < low->points.len; k++)
            found(&fs, low->points.data[k], v);
    }
    Finds unassigned = {0};
    find_unassigned(&g, low, &fs, &unassigned);
    arena_release_to(scratch);
    store_finds(&fs, false);
    store_finds(&unassigned, true);
    for (int i = 0; i < low->points.len; i++) {
        Vec *live = &((AwaitPoint *)low->points.data[i])->live;
        if (live->len > 1)
            qsort(live->data, (size_t)live->len, sizeof *live->data, by_slot);
    }
}
