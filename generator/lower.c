/* lower.c: an async body becomes a state machine.
 *
 * Pass 1 (hoist.c) moves every await and try out of expressions into a
 * statement of its own, keeping C's sequencing where C defines one
 * (&&, ||, ?:, the comma operator, loop conditions and steps).
 * Pass 2 (annotate) numbers the await points, records which defers each
 * exit and each suspension must run, and the textual positions where
 * variables are declared and used.
 * Pass 3 (place) keeps in the frame only the variables live across an
 * await, and lays out the frame: sibling blocks share storage. */
#include <stdint.h>
#include <string.h>
#include "lower.h"

/* ---- pass 2: annotating --------------------------------------------- */

typedef struct Block {
    struct Block *up;
    Stmt *stmt;              /* the S_COMPOUND or S_FOR that opens it */
    Vec defers;              /* Stmt* (S_DEFER), in order */
    Layout *layout;
    int start;
} Block;

typedef struct Span {
    int start, end;
} Span;

typedef struct A {
    Fut *f;
    Lowered *low;
    Block *block;
    Vec exits;               /* Block* depth of each enclosing loop/switch: break target */
    Vec loop_blocks;         /* Block* of each enclosing loop: continue target */
    Vec loops;               /* Span* of every loop */
    Vec await_pos;           /* int positions of the await points */
    Map labels;              /* label -> Vec* of the blocks (Stmt*) around it */
    int pos;
} A;

static void note_ref(A *a, Var *v) { vec_push(&v->refs, (void *)(intptr_t)a->pos); }

static void refs_in_init(A *a, Init *in);

static void refs_in(A *a, Expr *e) {
    if (!e)
        return;
    if (e->kind == E_IDENT && e->sema)
        note_ref(a, e->sema);
    if (e->kind == E_CALL && e->sema && ((Target *)e->sema)->recv)
        refs_in(a, ((Target *)e->sema)->recv);
    refs_in(a, e->lhs);
    refs_in(a, e->rhs);
    refs_in(a, e->cond);
    for (int i = 0; i < e->args.len; i++)
        refs_in(a, e->args.data[i]);
    for (int i = 0; i < e->assocs.len; i++)
        refs_in(a, ((GenericAssoc *)e->assocs.data[i])->expr);
    refs_in_init(a, e->init);
}

static void refs_in_init(A *a, Init *in) {
    if (!in)
        return;
    refs_in(a, in->expr);
    for (int i = 0; i < in->items.len; i++)
        refs_in_init(a, ((InitItem *)in->items.data[i])->init);
}

/* The defers to run when leaving every block up to (not including) stop,
 * innermost first, each block's in reverse order. */
static Vec *defers_until(A *a, Block *stop) {
    Vec *v = xalloc(sizeof *v);
    for (Block *b = a->block; b && b != stop; b = b->up)
        for (int i = b->defers.len - 1; i >= 0; i--)
            vec_push(v, b->defers.data[i]);
    return v;
}

static Layout *new_layout(A *a) {
    Layout *ly = xalloc(sizeof *ly);
    if (a->block)
        vec_push(&a->block->layout->kids, ly);
    return ly;
}

static void annotate(A *a, Stmt *s);

/* Records, for each label, the blocks around it (outermost first). */
static void collect_labels(Map *labels, Stmt *s, Vec *around) {
    if (!s)
        return;
    bool opens = s->kind == S_COMPOUND || s->kind == S_FOR;
    if (opens)
        vec_push(around, s);
    if (s->kind == S_LABEL) {
        Vec *copy = xalloc(sizeof *copy);
        for (int i = 0; i < around->len; i++)
            vec_push(copy, around->data[i]);
        map_put(labels, s->name, copy);
    }
    for (int i = 0; i < s->items.len; i++)
        collect_labels(labels, s->items.data[i], around);
    collect_labels(labels, s->body, around);
    collect_labels(labels, s->els, around);
    if (opens)
        around->len--;
}

/* The innermost open block that also encloses the label: a goto runs the
 * defers of the blocks it leaves, those below that one. */
static Block *goto_target_block(A *a, const char *label) {
    Vec *around = map_get(&a->labels, label);
    for (Block *b = a->block; b && around; b = b->up)
        for (int i = 0; i < around->len; i++)
            if (around->data[i] == b->stmt)
                return b;
    return NULL;
}

static void declare_var(A *a, Var *v) {
    v->pos_decl = a->pos;
    v->scope = a->block->start;
    vec_push(&a->block->layout->vars, v);
}

static void annotate_decl(A *a, Decl *d) {
    for (int i = 0; i < d->decls.len; i++) {
        InitDecl *id = d->decls.data[i];
        refs_in_init(a, id->init);
        if (id->sema)
            declare_var(a, id->sema);
    }
}

static void open_block(A *a, Block *b, Stmt *s) {
    b->stmt = s;
    b->up = a->block;
    b->layout = new_layout(a);
    b->start = a->pos;
    a->block = b;
}

/* Every variable of a block ends its scope at the block's end. */
static void close_block(A *a, Block *b) {
    a->pos++;
    for (int i = 0; i < b->defers.len; i++)
        annotate(a, ((Stmt *)b->defers.data[i])->body);
    for (int i = 0; i < b->layout->vars.len; i++) {
        Var *v = b->layout->vars.data[i];
        v->scope = a->pos;     /* reused: scope end position */
    }
    a->block = b->up;
}

static void annotate_loop_body(A *a, Stmt *s, Block *loop_block) {
    Span *sp = xalloc(sizeof *sp);
    sp->start = a->pos;
    vec_push(&a->exits, loop_block);
    vec_push(&a->loop_blocks, loop_block);
    refs_in(a, s->cond);
    annotate(a, s->body);
    refs_in(a, s->step);
    a->pos++;
    refs_in(a, s->cond);   /* the condition runs again after the body */
    a->exits.len--;
    a->loop_blocks.len--;
    sp->end = a->pos;
    vec_push(&a->loops, sp);
}

static void refs_in_call(A *a, Expr *call) {
    refs_in(a, ((Target *)call->sema)->recv);
    for (int i = 0; i < call->args.len; i++)
        refs_in(a, call->args.data[i]);
}

static void annotate_spawn(A *a, Stmt *s) {
    SpawnPoint *sp = s->sema;
    refs_in_call(a, sp->spawn->lhs);
    sp->unwind = *defers_until(a, NULL);
    declare_var(a, sp->temp);
    a->pos++;
}

static void annotate_await(A *a, Stmt *s) {
    AwaitPoint *ap = s->sema;
    if (ap->comb)
        for (int i = 0; i < ap->comb->calls.len; i++)
            refs_in_call(a, ap->comb->calls.data[i]);
    else
        refs_in_call(a, ap->await->lhs);
    a->pos++;
    vec_push(&a->low->points, ap);
    ap->state = a->low->points.len;
    vec_push(&a->await_pos, (void *)(intptr_t)a->pos);
    Vec *unwind = defers_until(a, NULL);
    ap->unwind = *unwind;
    declare_var(a, ap->temp);
    a->pos++;
    for (int i = 0; ap->comb && i < ap->comb->lhs.len; i++)
        refs_in(a, ap->comb->lhs.data[i]);   /* written once it completes */
}

static void annotate(A *a, Stmt *s) {
    if (!s)
        return;
    a->pos++;
    switch (s->kind) {
    case S_COMPOUND: {
        Block *b = xalloc(sizeof *b);
        open_block(a, b, s);
        for (int i = 0; i < s->items.len; i++)
            annotate(a, s->items.data[i]);
        s->sema = &b->defers;
        close_block(a, b);
        return;
    }
    case S_DECL:
        annotate_decl(a, s->decl);
        return;
    case S_DEFER:
        /* an armed flag, since a jump (case label, goto) may pass it */
        s->sema = (void *)(intptr_t)++a->low->ndefers;
        vec_push(&a->block->defers, s);
        return;
    case S_AWAIT:
        annotate_await(a, s);
        return;
    case S_SPAWN:
        annotate_spawn(a, s);
        return;
    case S_RETURN:
        refs_in(a, s->expr);
        s->sema = defers_until(a, NULL);
        return;
    case S_BREAK:
        if (a->exits.len)
            s->sema = defers_until(a, vec_last(&a->exits));
        return;
    case S_CONTINUE:
        if (a->loop_blocks.len)
            s->sema = defers_until(a, vec_last(&a->loop_blocks));
        return;
    case S_GOTO:
        if (!strncmp(s->name, "ait_continue", 12))
            s->sema = defers_until(a, vec_last(&a->loop_blocks));
        else
            s->sema = defers_until(a, goto_target_block(a, s->name));
        return;
    case S_WHILE:
    case S_DO:
        annotate_loop_body(a, s, a->block);
        return;
    case S_FOR: {
        Block *b = xalloc(sizeof *b);
        open_block(a, b, s);
        if (s->decl)
            annotate_decl(a, s->decl);
        refs_in(a, s->expr);
        annotate_loop_body(a, s, b);
        close_block(a, b);
        return;
    }
    case S_SWITCH:
        refs_in(a, s->cond);
        vec_push(&a->exits, a->block);
        annotate(a, s->body);
        a->exits.len--;
        return;
    case S_IF:
        refs_in(a, s->cond);
        annotate(a, s->body);
        annotate(a, s->els);
        return;
    default:
        refs_in(a, s->expr);
        annotate(a, s->body);
        return;
    }
}

/* ---- pass 3: placing variables -------------------------------------- */

static bool in_span(int p, int start, int end) { return p > start && p <= end; }

/* Does the variable name an array? The constructor nearest the name
 * decides: "*x[4]" is an array of pointers, "(*x)[4]" a pointer. */
bool var_is_array(Var *v) {
    Declarator *nearest = NULL;
    for (Declarator *d = v->decl; d && d->kind != D_IDENT; d = d->inner)
        if (d->kind != D_PAREN)
            nearest = d;
    return nearest && nearest->kind == D_ARRAY;
}

/* Is v live across the await at position p? Approximated from text:
 * declared before p, in scope at p, and used after p or, when a loop
 * around p lies in v's scope, used anywhere in that loop. */
static bool crosses(A *a, Var *v, int p) {
    if (!in_span(p, v->pos_decl, v->scope))
        return false;
    if (v->addr_taken || var_is_array(v))
        return true;
    for (int i = 0; i < v->refs.len; i++) {
        int r = (int)(intptr_t)v->refs.data[i];
        if (r > p && r <= v->scope)
            return true;
        for (int k = 0; k < a->loops.len; k++) {
            Span *sp = a->loops.data[k];
            if (sp->start > v->pos_decl && sp->end <= v->scope && in_span(p, sp->start, sp->end) &&
                in_span(r, sp->start, sp->end))
                return true;
        }
    }
    return false;
}


static const char *unique_field(Fut *f, const char *name) {
    const char *field = name;
    for (int n = 2;; n++) {
        bool taken = false;
        for (int i = 0; i < f->vars.len && !taken; i++) {
            Var *o = f->vars.data[i];
            taken = o->in_frame && o->field && !strcmp(o->field, field);
        }
        if (!taken)
            return field;
        field = xprintf("%s_%d", name, n);
    }
}

static void to_frame(Fut *f, Var *v) {
    v->in_frame = true;
    v->field = unique_field(f, v->name);
    v->cname = xprintf("f->%s", v->field);
}

static void place(A *a) {
    Fut *f = a->f;
    for (int i = 0; i < f->params.len; i++)
        to_frame(f, f->params.data[i]);
    for (int i = 0; i < f->vars.len; i++) {
        Var *v = f->vars.data[i];
        if (v->is_param || v->is_static || v->in_frame)
            continue;
        for (int k = 0; k < a->await_pos.len; k++) {
            int p = (int)(intptr_t)a->await_pos.data[k];
            if (crosses(a, v, p) || (var_is_array(v) && in_span(p, v->pos_decl, v->scope))) {
                to_frame(f, v);
                break;
            }
        }
    }
    /* locals that stay C locals must not hide the poll function's own names */
    for (int i = 0; i < f->vars.len; i++) {
        Var *v = f->vars.data[i];
        if (!v->in_frame && (!strcmp(v->name, "f") || !strcmp(v->name, "cx") ||
                             !strcmp(v->name, "out")))
            v->cname = xprintf("%s_", v->name);
    }
    /* live lists for every point, for --frame-report */
    for (int k = 0; k < a->await_pos.len; k++) {
        AwaitPoint *ap = a->low->points.data[k];
        ap->live.len = 0;
        int p = (int)(intptr_t)a->await_pos.data[k];
        for (int i = 0; i < f->vars.len; i++) {
            Var *v = f->vars.data[i];
            if (v->in_frame && !v->is_param && crosses(a, v, p))
                vec_push(&ap->live, v);
        }
        ap->field = xprintf("ait_aw%d", ap->state);
    }
}

/* Drops from the layout what stayed out of the frame. */
static bool prune(Layout *ly) {
    Vec vars = {0}, kids = {0};
    for (int i = 0; i < ly->vars.len; i++)
        if (((Var *)ly->vars.data[i])->in_frame)
            vec_push(&vars, ly->vars.data[i]);
    for (int i = 0; i < ly->kids.len; i++)
        if (prune(ly->kids.data[i]))
            vec_push(&kids, ly->kids.data[i]);
    ly->vars = vars;
    ly->kids = kids;
    return vars.len || kids.len;
}

void lower_fut(Sema *s, Fut *f) {
    Lowered *low = f->low = xalloc(sizeof *low);
    low->body = hoist_body(s, f, low);
    A a = {.f = f, .low = low};
    Layout *root = xalloc(sizeof *root);
    Block top = {.layout = root};
    a.block = &top;
    Vec around = {0};
    collect_labels(&a.labels, low->body, &around);
    annotate(&a, low->body);
    place(&a);
    prune(root);
    low->layout = root;
}
