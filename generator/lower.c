/* lower.c: an async body becomes a state machine.
 *
 * Pass 1 (hoist.c) moves every await and try out of expressions into a
 * statement of its own, keeping C's sequencing where C defines one
 * (&&, ||, ?:, the comma operator, loop conditions and steps).
 * Pass 2 (annotate) numbers the await points, records which defers each
 * exit and each suspension must run, and the textual positions where
 * variables are declared and used.
 * Between them, liveness.c finds what is live where each await resumes.
 * Pass 3 (place) gives a frame field to what a suspension must keep,
 * decides which variables live in their field (resident) rather than in
 * a C local, and lays out the frame: sibling blocks share storage. */
#include <stdint.h>
#include <string.h>
#include "lower.h"

/* ---- pass 2: annotating --------------------------------------------- */

typedef struct Block {
    struct Block *up;
    Stmt *stmt;              /* the S_COMPOUND or S_FOR that opens it */
    Vec defers;              /* Stmt* (S_DEFER), in order */
    Layout *layout;
} Block;

typedef struct Annotator {
    Fut *f;
    Lowered *low;
    Block *block;
    Vec exits;               /* Block* depth of each enclosing loop/switch: break target */
    Vec loop_blocks;         /* Block* of each enclosing loop: continue target */
    Vec await_pos;           /* int positions of the await points */
    Map labels;              /* label -> Vec* of the blocks (Stmt*) around it */
    int pos;
} Annotator;

static void note_ref(Annotator *a, Var *v) { vec_push(&v->refs, (void *)(intptr_t)a->pos); }

static void refs_in_init(Annotator *a, Init *in);

static void refs_in(Annotator *a, Expr *e) {
    if (!e)
        return;
    if (e->kind == E_IDENT && e->var)
        note_ref(a, e->var);
    if (e->kind == E_CALL && e->call && e->call->recv)
        refs_in(a, e->call->recv);
    refs_in(a, e->lhs);
    refs_in(a, e->rhs);
    refs_in(a, e->cond);
    for (int i = 0; i < e->args.len; i++)
        refs_in(a, e->args.data[i]);
    for (int i = 0; i < e->assocs.len; i++)
        refs_in(a, ((GenericAssoc *)e->assocs.data[i])->expr);
    refs_in_init(a, e->init);
}

static void refs_in_init(Annotator *a, Init *in) {
    if (!in)
        return;
    refs_in(a, in->expr);
    for (int i = 0; i < in->items.len; i++)
        refs_in_init(a, ((InitItem *)in->items.data[i])->init);
}

/* The defers to run when leaving every block up to (not including) stop,
 * innermost first, each block's in reverse order. */
static Vec *defers_until(Annotator *a, Block *stop) {
    Vec *v = xalloc(sizeof *v);
    for (Block *b = a->block; b && b != stop; b = b->up)
        for (int i = b->defers.len - 1; i >= 0; i--)
            vec_push(v, b->defers.data[i]);
    return v;
}

static Layout *new_layout(Annotator *a) {
    Layout *ly = xalloc(sizeof *ly);
    if (a->block)
        vec_push(&a->block->layout->kids, ly);
    return ly;
}

static void annotate(Annotator *a, Stmt *s);

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
static Block *goto_target_block(Annotator *a, const char *label) {
    Vec *around = map_get(&a->labels, label);
    for (Block *b = a->block; b && around; b = b->up)
        for (int i = 0; i < around->len; i++)
            if (around->data[i] == b->stmt)
                return b;
    return NULL;
}

static void declare_var(Annotator *a, Var *v) {
    v->pos_decl = a->pos;
    vec_push(&a->block->layout->vars, v);
}

static void annotate_decl(Annotator *a, Decl *d) {
    for (int i = 0; i < d->decls.len; i++) {
        InitDecl *id = d->decls.data[i];
        refs_in_init(a, id->init);
        if (id->var)
            declare_var(a, id->var);
    }
}

static void open_block(Annotator *a, Block *b, Stmt *s) {
    b->stmt = s;
    b->up = a->block;
    b->layout = new_layout(a);
    a->block = b;
}

/* Every variable of a block ends its scope at the block's end. */
static void close_block(Annotator *a, Block *b) {
    a->pos++;
    for (int i = 0; i < b->defers.len; i++)
        annotate(a, ((Stmt *)b->defers.data[i])->body);
    for (int i = 0; i < b->layout->vars.len; i++) {
        Var *v = b->layout->vars.data[i];
        v->scope_end = a->pos;
    }
    a->block = b->up;
}

static void annotate_loop_body(Annotator *a, Stmt *s, Block *loop_block) {
    vec_push(&a->exits, loop_block);
    vec_push(&a->loop_blocks, loop_block);
    refs_in(a, s->cond);
    annotate(a, s->body);
    refs_in(a, s->step);
    a->pos++;
    refs_in(a, s->cond);   /* the condition runs again after the body */
    a->exits.len--;
    a->loop_blocks.len--;
}

static void refs_in_call(Annotator *a, Expr *call) {
    refs_in(a, call->call->recv);
    for (int i = 0; i < call->args.len; i++)
        refs_in(a, call->args.data[i]);
}

static void annotate_spawn(Annotator *a, Stmt *s) {
    SpawnPoint *sp = s->spawn;
    refs_in_call(a, sp->spawn->lhs);
    sp->unwind = *defers_until(a, NULL);
    declare_var(a, sp->temp);
    a->pos++;
}

static void annotate_await(Annotator *a, Stmt *s) {
    AwaitPoint *ap = s->await;
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

static void annotate(Annotator *a, Stmt *s) {
    if (!s)
        return;
    a->pos++;
    switch (s->kind) {
    case S_COMPOUND: {
        Block *b = xalloc(sizeof *b);
        open_block(a, b, s);
        for (int i = 0; i < s->items.len; i++)
            annotate(a, s->items.data[i]);
        s->defers = &b->defers;
        close_block(a, b);
        return;
    }
    case S_DECL:
        annotate_decl(a, s->decl);
        return;
    case S_DEFER:
        /* an armed flag, since a jump (case label, goto) may pass it */
        s->defer_flag = ++a->low->ndefers;
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
        s->defers = defers_until(a, NULL);
        return;
    case S_BREAK:
        if (a->exits.len)
            s->defers = defers_until(a, vec_last(&a->exits));
        return;
    case S_CONTINUE:
        if (a->loop_blocks.len)
            s->defers = defers_until(a, vec_last(&a->loop_blocks));
        return;
    case S_GOTO:
        if (!strncmp(s->name, "ait_continue", 12))
            s->defers = defers_until(a, vec_last(&a->loop_blocks));
        else
            s->defers = defers_until(a, goto_target_block(a, s->name));
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

/* Is the object itself const ("const int n", "char *const p")? Then it
 * cannot be restored by assignment. */
static bool const_object(Var *v) {
    Declarator *nearest = NULL;
    for (Declarator *d = v->decl; d && d->kind != D_IDENT; d = d->inner)
        if (d->kind == D_POINTER || d->kind == D_FUNC)
            nearest = d;
    return nearest ? (nearest->quals & Q_CONST) != 0 : (v->spec && (v->spec->quals & Q_CONST));
}

static void stmt_vars_in(Expr *e, Vec *out);

static void init_vars(Init *in, Vec *out) {
    if (!in)
        return;
    stmt_vars_in(in->expr, out);
    for (int i = 0; i < in->items.len; i++)
        init_vars(((InitItem *)in->items.data[i])->init, out);
}

static void stmt_vars_in(Expr *e, Vec *out) {
    if (!e)
        return;
    if (e->kind == E_IDENT && e->var && !vec_contains(out, e->var))
        vec_push(out, e->var);
    if (e->kind == E_CALL && e->call && e->call->recv)
        stmt_vars_in(e->call->recv, out);
    stmt_vars_in(e->lhs, out);
    stmt_vars_in(e->rhs, out);
    stmt_vars_in(e->cond, out);
    for (int i = 0; i < e->args.len; i++)
        stmt_vars_in(e->args.data[i], out);
    for (int i = 0; i < e->assocs.len; i++)
        stmt_vars_in(((GenericAssoc *)e->assocs.data[i])->expr, out);
    init_vars(e->init, out);
}

void stmt_vars(Stmt *s, Vec *out) {
    if (!s)
        return;
    stmt_vars_in(s->expr, out);
    stmt_vars_in(s->cond, out);
    stmt_vars_in(s->step, out);
    if (s->decl)
        for (int i = 0; i < s->decl->decls.len; i++)
            init_vars(((InitDecl *)s->decl->decls.data[i])->init, out);
    for (int i = 0; i < s->items.len; i++)
        stmt_vars(s->items.data[i], out);
    stmt_vars(s->body, out);
    stmt_vars(s->els, out);
}

/* The index of the first await after position pos (awaits are in
 * position order). */
static int first_await_after(Annotator *a, int pos) {
    int lo = 0, hi = a->await_pos.len;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if ((int)(intptr_t)a->await_pos.data[mid] > pos)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* Is there an await at a position in (start, end)? */
static bool await_between(Annotator *a, int start, int end) {
    int i = first_await_after(a, start);
    return i < a->await_pos.len && (int)(intptr_t)a->await_pos.data[i] < end;
}

static bool in_scope(Var *v, int p) { return v->is_param || in_span(p, v->pos_decl, v->scope_end); }

/* Would the name of v, at position p, mean another variable declared
 * inside v's scope? Then a save or restore spelled by name would not
 * reach v. */
static bool shadowed(Map *by_name, Var *v, int p) {
    Vec *same = map_get(by_name, v->name);
    for (int i = 0; same && i < same->len; i++) {
        Var *w = same->data[i];
        if (w != v && !w->is_param && in_scope(w, p) && (v->is_param || w->pos_decl > v->pos_decl))
            return true;
    }
    return false;
}

static const char *unique_field(Map *fields, const char *name) {
    const char *field = name;
    for (int n = 2; map_get(fields, field); n++)
        field = xprintf("%s_%d", name, n);
    map_put(fields, field, (void *)field);
    return field;
}

static void give_field(Map *fields, Var *v, bool resident) {
    if (!v->in_frame) {
        v->in_frame = true;
        v->field = unique_field(fields, v->name);
    }
    if (resident) {
        v->resident = true;
        v->cname = xprintf("ait_f->%s", v->field);
    }
}

/* The variables a suspension at point k keeps: those live where it
 * resumes and those its pending defers read (a drop runs them). */
static void gather_kept(AwaitPoint *ap, int p, Vec *out) {
    for (int i = 0; i < ap->live.len; i++)
        if (in_scope(ap->live.data[i], p))
            vec_push(out, ap->live.data[i]);
    Vec used = {0};
    for (int i = 0; i < ap->unwind.len; i++)
        stmt_vars(((Stmt *)ap->unwind.data[i])->body, &used);
    for (int i = 0; i < used.len; i++) {
        Var *v = used.data[i];
        if (!v->is_temp && !v->is_static && in_scope(v, p) && !vec_contains(out, v))
            vec_push(out, v);
    }
}

/* Temporaries are read right after they are written, except where an
 * expression awaits twice ("await a() + await b()"): those stay in the
 * frame, at no cost when nothing crosses. */
static void place_temp(Annotator *a, Map *fields, Var *t) {
    int last = t->pos_decl;
    for (int i = 0; i < t->refs.len; i++)
        if ((int)(intptr_t)t->refs.data[i] > last)
            last = (int)(intptr_t)t->refs.data[i];
    if (await_between(a, t->pos_decl, last))
        give_field(fields, t, true);
}

static void place(Annotator *a) {
    Fut *f = a->f;
    Map fields = {0}, by_name = {0};
    for (int i = 0; i < f->params.len; i++)
        give_field(&fields, f->params.data[i], false);
    for (int i = 0; i < f->vars.len; i++) {
        Var *v = f->vars.data[i];
        if (v->is_temp || v->is_static)
            continue;
        Vec *same = map_get(&by_name, v->name);
        if (!same)
            map_put(&by_name, v->name, same = xalloc(sizeof *same));
        vec_push(same, v);
    }
    for (int i = 0; i < f->vars.len; i++) {
        Var *v = f->vars.data[i];
        if (v->is_static)
            continue;
        if (v->is_temp)
            place_temp(a, &fields, v);
        else if ((v->addr_taken || (var_is_array(v) && !v->is_param)) &&
                 (v->is_param ? a->await_pos.len > 0 : await_between(a, v->pos_decl, v->scope_end + 1)))
            give_field(&fields, v, true);
    }
    /* what each suspension keeps; some must stay in the frame instead */
    Vec kept = {0};
    for (int k = 0; k < a->low->points.len; k++) {
        AwaitPoint *ap = a->low->points.data[k];
        int p = (int)(intptr_t)a->await_pos.data[k];
        Vec *mine = xalloc(sizeof *mine);
        gather_kept(ap, p, mine);
        for (int i = 0; i < mine->len; i++) {
            Var *v = mine->data[i];
            if (!v->resident && ((!v->is_param && const_object(v)) || shadowed(&by_name, v, p)))
                give_field(&fields, v, true);
        }
        vec_push(&kept, mine);
    }
    Vec residents = {0};
    for (int i = 0; i < f->vars.len; i++) {
        Var *v = f->vars.data[i];
        if (v->resident && !v->is_temp && !v->is_param)
            vec_push(&residents, v);
    }
    for (int k = 0; k < a->low->points.len; k++) {
        AwaitPoint *ap = a->low->points.data[k];
        int p = (int)(intptr_t)a->await_pos.data[k];
        Vec *mine = kept.data[k];
        ap->keep.len = ap->crossing.len = 0;
        for (int i = 0; i < mine->len; i++) {
            Var *v = mine->data[i];
            if (v->resident)
                continue;
            give_field(&fields, v, false);
            vec_push(&ap->keep, v);
            if (!v->is_param)
                vec_push(&ap->crossing, v);
        }
        for (int i = 0; i < residents.len; i++)
            if (in_scope(residents.data[i], p))
                vec_push(&ap->crossing, residents.data[i]);
        ap->field = xprintf("ait_aw%d", ap->state);
    }
}

/* ---- locals a save may read before they are written ------------------ */

static Init *zero_initializer(Loc loc) {
    Expr *zero = xalloc(sizeof *zero);
    zero->kind = E_INT;
    zero->text = "0";
    zero->loc = loc;
    InitItem *item = xalloc(sizeof *item);
    item->init = xalloc(sizeof *item->init);
    item->init->expr = zero;
    item->init->loc = loc;
    Init *in = xalloc(sizeof *in);
    in->is_list = true;
    in->loc = loc;
    vec_push(&in->items, item);
    return in;
}

static void zero_decls(Decl *d, Vec *zeroed) {
    for (int i = 0; d && i < d->decls.len; i++) {
        InitDecl *id = d->decls.data[i];
        if (!id->init && vec_contains(zeroed, id->var))
            id->init = zero_initializer(id->loc);
    }
}

static void zero_in(Stmt *s, Vec *zeroed) {
    if (!s)
        return;
    zero_decls(s->decl, zeroed);
    for (int i = 0; i < s->items.len; i++)
        zero_in(s->items.data[i], zeroed);
    zero_in(s->body, zeroed);
    zero_in(s->els, zeroed);
}

/* A C local saved where it may not have been written yet would be read
 * while indeterminate (and gcc -O2 says "may be used uninitialized"): its
 * declaration gets the universal zero initializer, "int x = {0};", which
 * the C compiler drops where every path writes it first. */
static void zero_unassigned(Lowered *low) {
    Vec zeroed = {0};
    for (int k = 0; k < low->points.len; k++) {
        AwaitPoint *ap = low->points.data[k];
        for (int i = 0; i < ap->keep.len; i++) {
            Var *v = ap->keep.data[i];
            if (!v->is_param && vec_contains(&ap->unassigned, v) && !vec_contains(&zeroed, v))
                vec_push(&zeroed, v);
        }
    }
    if (zeroed.len)
        zero_in(low->body, &zeroed);
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

/* ---- names macros may use -------------------------------------------- */

static bool ident_start(char c) { return c == '_' || ((c | 32) >= 'a' && (c | 32) <= 'z'); }
static bool ident_char(char c) { return ident_start(c) || (c >= '0' && c <= '9'); }

/* The identifiers of the #define lines (with their continuations) in t. */
static void define_words(const char *t, Map *words) {
    bool line_start = true, in_define = false;
    for (const char *p = t; *p;) {
        if (*p == '\\' && p[1] == '\n') {
            p += 2;
            continue;
        }
        if (*p == '\n') {
            line_start = true;
            in_define = false;
            p++;
            continue;
        }
        if (line_start && *p == '#') {
            const char *q = p + 1;
            while (*q == ' ' || *q == '\t')
                q++;
            in_define = !strncmp(q, "define", 6) && !ident_char(q[6]);
            p = in_define ? q + 6 : q;
            line_start = false;
            continue;
        }
        if (*p != ' ' && *p != '\t')
            line_start = false;
        if (in_define && ident_start(*p)) {
            const char *q = p;
            while (ident_char(*q))
                q++;
            const char *w = xstrndup(p, (size_t)(q - p));
            map_put(words, w, (void *)w);
            p = q;
            continue;
        }
        if (ident_char(*p))   /* a number's tail, or a word outside #define */
            while (ident_char(*p))
                p++;
        else
            p++;
    }
}

static void file_macro_words(File *file, Map *words) {
    for (int i = 0; i < file->items.len; i++) {
        Item *it = file->items.data[i];
        if (it->kind == I_PASSTHROUGH && it->text)
            define_words(it->text, words);
    }
}

/* Computed once per unit. */
static Map *macro_words(Sema *s) {
    if (s->macro_words)
        return s->macro_words;
    s->macro_words = xalloc(sizeof *s->macro_words);
    for (int i = 0; i < s->unit->files.len; i++)
        file_macro_words(s->unit->files.data[i], s->macro_words);
    for (int i = 0; i < s->unit->imports.len; i++)
        file_macro_words(s->unit->imports.data[i], s->macro_words);
    return s->macro_words;
}

void lower_fut(Sema *s, Fut *f) {
    Lowered *low = f->low = xalloc(sizeof *low);
    low->body = hoist_body(s, f, low);
    Annotator a = {.f = f, .low = low};
    Layout *root = xalloc(sizeof *root);
    Block top = {.layout = root};
    a.block = &top;
    Vec around = {0};
    collect_labels(&a.labels, low->body, &around);
    annotate(&a, low->body);
    liveness(f, low, macro_words(s));
    place(&a);
    zero_unassigned(low);
    prune(root);
    low->layout = root;
}
