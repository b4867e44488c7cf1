/* tags.c: struct, union and enum definitions and typedefs inside async
 * bodies.
 *
 * A local of an async body that lives across an await becomes a field of
 * the frame, and the frame is declared at file scope in the header, where
 * a type defined inside the body is not visible. So every tag definition
 * and every typedef in an async body moves to file scope (the header,
 * before the frames) under a hygienic name, ait_FILE_NAME_N, and the
 * body's later references follow it, up to a redeclaration that hides it.
 * Enumerators are renamed alike, so two bodies may define the same tag,
 * typedef or enumerator. A definition that mentions Self or a type
 * parameter moves to the function's inst_defs instead: each instance
 * (impl method, default method for an impl, generic instance) defines
 * it before its frame, with the parameters substituted and its own
 * suffix on the names (ait_FILE_NAME_N_INSTANCE). One that reads an
 * identifier in an array size (a variably modified type, or one sized by
 * a local constant) stays in the body as written. Done once per file, on
 * the syntax tree, before any body is copied for an instance. */
#include <string.h>
#include "sema.h"
#include "tags.h"
#include "util.h"

/* Where a definition can live, the later the stronger: at file scope as
 * it is; at file scope once per instance (it mentions Self, a type
 * parameter or such a definition); or only in the body (it reads a
 * local: an array sized at run time, a local constant, a definition that
 * stays). */
typedef enum { W_FILE, W_INSTANCE, W_BODY } Where;

typedef struct TagHoister {
    File *file;
    const char *prefix;      /* ait_FILE */
    int count;
    Func *fn;                /* the function being walked */
    Vec *tparams;            /* its TypeParam* */
    Vec *inst;               /* its inst_names */
    Where where;             /* of the definition being moved */
    Vec stuck;               /* const char *: tags and typedef names of the body
                                that stay in it; what mentions them stays too */
    Vec moved;               /* const char *: the new names of moved enumerators */
    Vec declared;            /* const char *: the new names of moved "struct T;" */
} TagHoister;

/* One moved name: a tag (kind BT_STRUCT, BT_UNION, BT_ENUM), a typedef
 * name (BT_NAME) or an enumerator (an identifier in expressions). */
typedef struct Rename {
    int kind;                /* BaseKind, or R_IDENT */
    const char *old, *new;
} Rename;

enum { R_IDENT = -1 };

static void hoist_block(TagHoister *h, Stmt *block);
static void rename_stmt(Stmt *s, const Rename *r);
static void rename_expr(Expr *e, const Rename *r);

/* ---- renaming the references to a moved name --------------------------- */

static void rename_spec(DeclSpec *s, const Rename *r) {
    if (!s)
        return;
    if ((int)s->kind == r->kind && !s->has_body && s->name && !strcmp(s->name, r->old))
        s->name = r->new;
    rename_expr(s->align, r);
    for (int i = 0; i < s->members.len; i++) {
        Decl *m = s->members.data[i];
        rename_spec(m->spec, r);
        for (int k = 0; k < m->decls.len; k++)
            rename_expr(((InitDecl *)m->decls.data[k])->bits, r);
    }
    for (int i = 0; i < s->enumerators.len; i++)
        rename_expr(((Enumerator *)s->enumerators.data[i])->value, r);
}

/* Parameter types and array sizes inside a declarator. */
static void rename_declarator(Declarator *d, const Rename *r) {
    for (; d; d = d->inner) {
        rename_expr(d->size, r);
        for (int i = 0; i < d->params.len; i++) {
            Param *p = d->params.data[i];
            rename_spec(p->spec, r);
            rename_declarator(p->decl, r);
        }
    }
}

static void rename_type(TypeName *t, const Rename *r) {
    if (t)
        rename_spec(t->spec, r), rename_declarator(t->decl, r);
}

static void rename_init(Init *in, const Rename *r) {
    if (!in)
        return;
    rename_expr(in->expr, r);
    for (int i = 0; i < in->items.len; i++) {
        InitItem *it = in->items.data[i];
        for (int k = 0; k < it->designators.len; k++)
            rename_expr(((Designator *)it->designators.data[k])->index, r);
        rename_init(it->init, r);
    }
}

static void rename_expr(Expr *e, const Rename *r) {
    if (!e)
        return;
    if (e->kind == E_IDENT && r->kind == R_IDENT && !strcmp(e->name, r->old))
        e->name = r->new;
    rename_type(e->type, r);
    rename_init(e->init, r);
    rename_expr(e->lhs, r);
    rename_expr(e->rhs, r);
    rename_expr(e->cond, r);
    for (int i = 0; i < e->args.len; i++)
        rename_expr(e->args.data[i], r);
    for (int i = 0; i < e->assocs.len; i++) {
        GenericAssoc *a = e->assocs.data[i];
        rename_type(a->type, r);
        rename_expr(a->expr, r);
    }
}

static void rename_decl(Decl *d, const Rename *r) {
    if (!d)
        return;
    rename_spec(d->spec, r);
    for (int i = 0; i < d->decls.len; i++) {
        InitDecl *id = d->decls.data[i];
        rename_declarator(id->decl, r);
        rename_init(id->init, r);
    }
}

static const char *declared_name(Declarator *d) {
    d = sema_declarator_ident(d);
    return d ? d->name : NULL;
}

/* Is d "struct T;" (or union): the declaration of a new tag of the block? */
static bool is_tag_declaration(Decl *d) {
    DeclSpec *s = d->spec;
    return !d->decls.len && !s->has_body && !s->storage && s->name &&
           (s->kind == BT_STRUCT || s->kind == BT_UNION);
}

/* Is d a definition or declaration ("struct T;") of the tag r renames? */
static bool declares_tag(Decl *d, const Rename *r) {
    DeclSpec *sp = d->spec;
    return (sp->has_body || is_tag_declaration(d)) && (int)sp->kind == r->kind && sp->name &&
           !strcmp(sp->name, r->old);
}

/* Does the declaration d declare r's name anew, hiding the moved one: an
 * inner definition or declaration of the tag, or a typedef, variable or
 * enumerator of the name (typedef names and ordinary identifiers share a
 * namespace)? */
static bool redeclares(Decl *d, const Rename *r) {
    if (!d)
        return false;
    DeclSpec *sp = d->spec;
    if (r->kind != BT_NAME && r->kind != R_IDENT)
        return declares_tag(d, r);
    for (int i = 0; i < d->decls.len; i++) {
        const char *n = declared_name(((InitDecl *)d->decls.data[i])->decl);
        if (n && !strcmp(n, r->old))
            return true;
    }
    for (int i = 0; sp->kind == BT_ENUM && i < sp->enumerators.len; i++)
        if (!strcmp(((Enumerator *)sp->enumerators.data[i])->name, r->old))
            return true;
    return false;
}

/* The statements of a block from index from on, up to a redeclaration
 * (whose own type still refers to the outer name, but for a tag). In the
 * block that declared the moved tag (same_scope), "struct T;" names the
 * same type again: it goes. */
static void rename_block(Stmt *block, int from, const Rename *r, bool same_scope) {
    for (int i = from; block && i < block->items.len; i++) {
        Stmt *s = block->items.data[i];
        if (same_scope && s->kind == S_DECL && s->decl && is_tag_declaration(s->decl) &&
            declares_tag(s->decl, r)) {
            s->kind = S_NULL;
            s->decl = NULL;
            continue;
        }
        bool hides = s->kind == S_DECL && redeclares(s->decl, r);
        if (!hides || r->kind == BT_NAME || r->kind == R_IDENT)
            rename_stmt(s, r);
        if (hides)
            return;
    }
}

static void rename_items(Stmt *block, int from, const Rename *r) {
    rename_block(block, from, r, true);
}

static void rename_stmt(Stmt *s, const Rename *r) {
    if (!s)
        return;
    rename_block(s, 0, r, false);
    if (s->kind == S_FOR && redeclares(s->decl, r))
        { rename_decl(s->decl, r); return; }
    rename_decl(s->decl, r);
    rename_expr(s->expr, r);
    rename_expr(s->cond, r);
    rename_expr(s->step, r);
    rename_stmt(s->body, r);
    rename_stmt(s->els, r);
}

/* ---- what may move ------------------------------------------------------ */

static Where later(Where a, Where b) { return a > b ? a : b; }

static Where type_where(TagHoister *h, DeclSpec *s, Declarator *d);

static bool listed(Vec *v, const char *name) {
    for (int i = 0; i < v->len; i++)
        if (!strcmp(v->data[i], name))
            return true;
    return false;
}

static Where name_where(TagHoister *h, const char *name) {
    if (listed(&h->stuck, name))
        return W_BODY;
    if (!strcmp(name, "Self") || listed(h->inst, name))
        return W_INSTANCE;
    for (int i = 0; h->tparams && i < h->tparams->len; i++)
        if (!strcmp(((TypeParam *)h->tparams->data[i])->name, name))
            return W_INSTANCE;
    return W_FILE;
}

/* Where may the constant expression e be read: an identifier that file
 * scope would not see (but an enumerator moved already, or one of the
 * first n of the enum being looked at, en) keeps it in the body. */
static Where expr_where(TagHoister *h, Expr *e, DeclSpec *en, int n) {
    if (!e)
        return W_FILE;
    if (e->kind == E_IDENT) {
        if (listed(h->inst, e->name))
            return W_INSTANCE;
        if (listed(&h->moved, e->name))
            return W_FILE;
        for (int i = 0; en && i < n; i++)
            if (!strcmp(((Enumerator *)en->enumerators.data[i])->name, e->name))
                return W_FILE;
        return W_BODY;
    }
    if (e->kind == E_SIZEOF_EXPR || e->init || e->assocs.len || e->kind == E_CALL)
        return W_BODY;
    Where w = e->type ? type_where(h, e->type->spec, e->type->decl) : W_FILE;
    w = later(w, expr_where(h, e->lhs, en, n));
    w = later(w, expr_where(h, e->rhs, en, n));
    return later(w, expr_where(h, e->cond, en, n));
}

static Where declarator_where(TagHoister *h, Declarator *d) {
    Where w = W_FILE;
    for (; d; d = d->inner) {
        w = later(w, expr_where(h, d->size, NULL, 0));
        for (int i = 0; i < d->params.len; i++) {
            Param *p = d->params.data[i];
            w = later(w, type_where(h, p->spec, p->decl));
        }
    }
    return w;
}

/* Where may the type be written? */
static Where type_where(TagHoister *h, DeclSpec *s, Declarator *d) {
    Where w = W_FILE;
    if ((s->kind == BT_NAME || (!s->has_body && s->kind != BT_WORDS)) && s->name)
        w = name_where(h, s->name);
    for (int i = 0; i < s->members.len; i++) {
        Decl *m = s->members.data[i];
        for (int k = 0; k < m->decls.len; k++)
            w = later(w, declarator_where(h, ((InitDecl *)m->decls.data[k])->decl));
        w = later(w, type_where(h, m->spec, NULL));
    }
    for (int i = 0; i < s->enumerators.len; i++)
        w = later(w, expr_where(h, ((Enumerator *)s->enumerators.data[i])->value, s, i));
    return later(w, declarator_where(h, d));
}

/* ---- moving a definition ------------------------------------------------ */

static bool is_tag_definition(DeclSpec *s) {
    return s && s->has_body && (s->kind == BT_STRUCT || s->kind == BT_UNION || s->kind == BT_ENUM);
}

/* A new name; one of a definition moved per instance is listed, for the
 * instances to spell with their suffix. */
static const char *fresh(TagHoister *h, const char *old) {
    const char *name = xprintf("%s_%s_%d", h->prefix, old ? old : "anon", ++h->count);
    if (h->where == W_INSTANCE)
        vec_push(h->inst, (void *)name);
    return name;
}

static void add_item(TagHoister *h, Decl *d) {
    if (h->where == W_INSTANCE) {
        vec_push(&h->fn->inst_defs, d);
        return;
    }
    Item *it = xalloc(sizeof *it);
    it->kind = I_CDECL;
    it->decl = d;
    it->loc = d->loc;
    vec_push(&h->file->items, it);
}

/* Gives the enumerators of a moved enum fresh names; rs receives the
 * renames, in order. */
static void rename_enumerators(TagHoister *h, DeclSpec *def, Vec *rs) {
    for (int i = 0; i < def->enumerators.len; i++) {
        Enumerator *en = def->enumerators.data[i];
        Rename *r = xalloc(sizeof *r);
        *r = (Rename){R_IDENT, en->name, fresh(h, en->name)};
        en->name = r->new;
        vec_push(&h->moved, (void *)r->new);
        for (int k = i + 1; k < def->enumerators.len; k++)
            rename_expr(((Enumerator *)def->enumerators.data[k])->value, r);
        vec_push(rs, r);
    }
}

/* Moves the definition in spec to file scope; spec, used by the local
 * declaration, keeps only the new tag. rs receives the renames. */
static void move_definition(TagHoister *h, DeclSpec *spec, Vec *rs) {
    bool declared = spec->name && listed(&h->declared, spec->name);   /* completes it */
    Rename *r = xalloc(sizeof *r);
    *r = (Rename){spec->kind, spec->name, declared ? spec->name : fresh(h, spec->name)};
    DeclSpec *def = xalloc(sizeof *def);
    *def = *spec;
    def->storage = 0;
    def->quals = 0;
    def->align = NULL;
    def->name = r->new;
    Decl *d = xalloc(sizeof *d);
    d->spec = def;
    d->loc = spec->loc;
    add_item(h, d);
    spec->name = def->name;
    spec->has_body = false;
    memset(&spec->members, 0, sizeof spec->members);
    memset(&spec->enumerators, 0, sizeof spec->enumerators);
    if (r->old && !declared)
        vec_push(rs, r);
    rename_enumerators(h, def, rs);
}

/* "struct T;" in block->items[at] moves to file scope under a new name,
 * which the later statements follow; a definition of T later in the same
 * block completes that type, so it takes the name too. */
static void move_declaration(TagHoister *h, Stmt *block, int at, Stmt *st) {
    DeclSpec *spec = st->decl->spec;
    h->where = W_FILE;
    Rename *r = xalloc(sizeof *r);
    *r = (Rename){spec->kind, spec->name, fresh(h, spec->name)};
    spec->name = r->new;
    add_item(h, st->decl);
    vec_push(&h->declared, (void *)r->new);
    st->kind = S_NULL;
    st->decl = NULL;
    for (int i = at + 1; i < block->items.len; i++) {
        Stmt *s = block->items.data[i];
        DeclSpec *def = s->kind == S_DECL && s->decl ? s->decl->spec : NULL;
        if (def && def->has_body && declares_tag(s->decl, r))
            def->name = r->new;
    }
    rename_items(block, at + 1, r);
}

/* typedef ... NAME, ...; in block->items[at]: moved whole, the statement
 * left empty. */
static void move_typedef(TagHoister *h, Stmt *st, Vec *rs) {
    Decl *d = st->decl;
    for (int i = 0; i < d->decls.len; i++) {
        Declarator *id = sema_declarator_ident(((InitDecl *)d->decls.data[i])->decl);
        if (!id || !id->name)
            continue;
        Rename *r = xalloc(sizeof *r);
        *r = (Rename){BT_NAME, id->name, fresh(h, id->name)};
        id->name = r->new;
        vec_push(rs, r);
    }
    add_item(h, d);
    st->kind = S_NULL;
    st->decl = NULL;
}

/* Keeps a definition that stays in the body from being referred to by
 * one that moves. */
static void stays(TagHoister *h, Decl *d) {
    if (d->spec->name && is_tag_definition(d->spec))
        vec_push(&h->stuck, (void *)d->spec->name);
    for (int i = 0; (d->spec->storage & SC_TYPEDEF) && i < d->decls.len; i++) {
        const char *n = declared_name(((InitDecl *)d->decls.data[i])->decl);
        if (n)
            vec_push(&h->stuck, (void *)n);
    }
}

/* Where the typedef d (whose type's own definition has moved) may go. */
static Where typedef_where(TagHoister *h, Decl *d) {
    Where w = type_where(h, d->spec, NULL);
    for (int i = 0; i < d->decls.len; i++)
        w = later(w, declarator_where(h, ((InitDecl *)d->decls.data[i])->decl));
    return w;
}

/* A definition in block->items[at]: moved, then the later statements of
 * the block (and the declaration's own declarators) follow it. */
static void hoist_decl(TagHoister *h, Stmt *block, int at, Stmt *st) {
    Decl *d = st->decl;
    if (d && block && is_tag_declaration(d)) {
        move_declaration(h, block, at, st);
        return;
    }
    if (!d || (!is_tag_definition(d->spec) && !(d->spec->storage & SC_TYPEDEF)))
        return;
    h->where = type_where(h, d->spec, NULL);
    if (h->where == W_BODY) {
        stays(h, d);
        return;
    }
    Vec rs = {0};
    if (is_tag_definition(d->spec)) {
        move_definition(h, d->spec, &rs);
        if (!d->decls.len) {   /* left as "struct T;", it would declare a new T */
            st->kind = S_NULL;
            st->decl = NULL;
        }
    }
    for (int i = 0; i < rs.len; i++)
        for (int k = 0; k < d->decls.len; k++) {
            InitDecl *id = d->decls.data[k];
            rename_declarator(id->decl, rs.data[i]);
            rename_init(id->init, rs.data[i]);
        }
    if ((d->spec->storage & SC_TYPEDEF) && (h->where = typedef_where(h, d)) != W_BODY)
        move_typedef(h, st, &rs);
    else if (d->spec->storage & SC_TYPEDEF)
        stays(h, d);
    for (int i = 0; i < rs.len; i++)
        rename_items(block, at + 1, rs.data[i]);
}

/* for (struct S { ... } s = ...; ...): the tag (and its enumerators)
 * move; the loop follows them. */
static void hoist_for(TagHoister *h, Stmt *s) {
    if (!s->decl || !is_tag_definition(s->decl->spec))
        return;
    h->where = type_where(h, s->decl->spec, NULL);
    if (h->where == W_BODY) {
        stays(h, s->decl);
        return;
    }
    Vec rs = {0};
    move_definition(h, s->decl->spec, &rs);
    for (int i = 0; i < rs.len; i++) {
        Rename *r = rs.data[i];
        for (int k = 0; k < s->decl->decls.len; k++) {
            InitDecl *id = s->decl->decls.data[k];
            rename_declarator(id->decl, r);
            rename_init(id->init, r);
        }
        if (redeclares(s->decl, r))
            continue;
        rename_stmt(s->body, r);
        rename_expr(s->cond, r);
        rename_expr(s->step, r);
    }
}

static void hoist_stmt(TagHoister *h, Stmt *block, int at, Stmt *s) {
    if (!s)
        return;
    if (s->kind == S_COMPOUND) {
        hoist_block(h, s);
        return;
    }
    if (s->kind == S_DECL)
        hoist_decl(h, block, at, s);
    if (s->kind == S_FOR)
        hoist_for(h, s);
    hoist_stmt(h, NULL, 0, s->body);
    hoist_stmt(h, NULL, 0, s->els);
}

static void hoist_block(TagHoister *h, Stmt *block) {
    for (int i = 0; i < block->items.len; i++)
        hoist_stmt(h, block, i, block->items.data[i]);
}

static void hoist_func(TagHoister *h, Func *fn) {
    if (!fn || !fn->is_async || !fn->body)
        return;
    h->fn = fn;
    h->tparams = &fn->tparams;
    h->inst = &fn->inst_names;
    h->stuck.len = h->moved.len = h->declared.len = 0;
    hoist_block(h, fn->body);
}

void tags_hoist(File *f) {
    TagHoister h = {.file = f, .prefix = xprintf("ait_%s", sema_file_stem(f))};
    int n = f->items.len;   /* the items it adds need no visit */
    for (int i = 0; i < n; i++) {
        Item *it = f->items.data[i];
        if (it->kind == I_FUNC)
            hoist_func(&h, it->func);
        for (int k = 0; k < it->methods.len; k++)
            hoist_func(&h, it->methods.data[k]);
    }
}
