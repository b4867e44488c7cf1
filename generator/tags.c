/* tags.c: struct, union and enum definitions inside async bodies.
 *
 * A local of an async body that lives across an await becomes a field of
 * the frame, and the frame is declared at file scope in the header, where
 * a type defined inside the body is not visible. So every tag definition
 * in an async body moves to file scope (the header, before the frames)
 * under a hygienic tag, ait_FILE_TAG_N, and the body's later references
 * to the tag follow it. Enumerators keep their names: they become file
 * scope constants of the generated header. Done once per file, on the
 * syntax tree, before any body is copied for an instance. */
#include <ctype.h>
#include <string.h>
#include "tags.h"
#include "util.h"

/* The state of moving one file's tags. */
typedef struct TagHoister {
    File *file;
    const char *prefix;      /* ait_FILE */
    int count;
} TagHoister;

static void hoist_block(TagHoister *h, Stmt *block);
static void rename_stmt(Stmt *s, DeclSpec *def, const char *old);

/* ---- renaming the references to a moved tag ---------------------------- */

static void rename_spec(DeclSpec *s, DeclSpec *def, const char *old) {
    if (!s || s == def || s->kind != def->kind || s->has_body || !s->name || !old)
        return;
    if (!strcmp(s->name, old))
        s->name = def->name;
}

static void rename_members(DeclSpec *s, DeclSpec *def, const char *old) {
    if (!s)
        return;
    rename_spec(s, def, old);
    for (int i = 0; i < s->members.len; i++)
        rename_members(((Decl *)s->members.data[i])->spec, def, old);
}

static void rename_expr(Expr *e, DeclSpec *def, const char *old) {
    if (!e)
        return;
    if (e->type)
        rename_members(e->type->spec, def, old);
    rename_expr(e->lhs, def, old);
    rename_expr(e->rhs, def, old);
    rename_expr(e->cond, def, old);
    for (int i = 0; i < e->args.len; i++)
        rename_expr(e->args.data[i], def, old);
    for (int i = 0; i < e->assocs.len; i++) {
        GenericAssoc *a = e->assocs.data[i];
        if (a->type)
            rename_members(a->type->spec, def, old);
        rename_expr(a->expr, def, old);
    }
}

static void rename_init(Init *in, DeclSpec *def, const char *old) {
    if (!in)
        return;
    rename_expr(in->expr, def, old);
    for (int i = 0; i < in->items.len; i++)
        rename_init(((InitItem *)in->items.data[i])->init, def, old);
}

static void rename_decl(Decl *d, DeclSpec *def, const char *old) {
    if (!d)
        return;
    rename_members(d->spec, def, old);
    for (int i = 0; i < d->decls.len; i++)
        rename_init(((InitDecl *)d->decls.data[i])->init, def, old);
}

static void rename_stmt(Stmt *s, DeclSpec *def, const char *old) {
    if (!s)
        return;
    for (int i = 0; i < s->items.len; i++)
        rename_stmt(s->items.data[i], def, old);
    rename_decl(s->decl, def, old);
    rename_expr(s->expr, def, old);
    rename_expr(s->cond, def, old);
    rename_expr(s->step, def, old);
    rename_stmt(s->body, def, old);
    rename_stmt(s->els, def, old);
}

/* ---- moving a definition ------------------------------------------------ */

static bool is_tag_definition(DeclSpec *s) {
    return s && s->has_body && (s->kind == BT_STRUCT || s->kind == BT_UNION || s->kind == BT_ENUM);
}

/* Moves the definition in spec to file scope; spec, used by the local
 * declaration, keeps only the new tag. Returns the tag it had. */
static const char *move_definition(TagHoister *h, DeclSpec *spec) {
    const char *old = spec->name;
    DeclSpec *def = xalloc(sizeof *def);
    *def = *spec;
    def->storage = 0;
    def->quals = 0;
    def->align = NULL;
    def->name = xprintf("%s_%s_%d", h->prefix, old ? old : "anon", ++h->count);
    Decl *d = xalloc(sizeof *d);
    d->spec = def;
    d->loc = spec->loc;
    Item *it = xalloc(sizeof *it);
    it->kind = I_CDECL;
    it->decl = d;
    it->loc = spec->loc;
    vec_push(&h->file->items, it);
    spec->name = def->name;
    spec->has_body = false;
    memset(&spec->members, 0, sizeof spec->members);
    memset(&spec->enumerators, 0, sizeof spec->enumerators);
    return old;
}

/* A definition in block->items[at]: moved, then the later statements of
 * the block (and the declaration's own initializers) follow the tag. */
static void hoist_decl(TagHoister *h, Stmt *block, int at, Decl *d) {
    if (!d || !is_tag_definition(d->spec))
        return;
    const char *old = move_definition(h, d->spec);
    for (int i = 0; i < d->decls.len; i++)
        rename_init(((InitDecl *)d->decls.data[i])->init, d->spec, old);
    for (int i = at + 1; block && i < block->items.len; i++)
        rename_stmt(block->items.data[i], d->spec, old);
}

static void hoist_stmt(TagHoister *h, Stmt *block, int at, Stmt *s) {
    if (!s)
        return;
    if (s->kind == S_COMPOUND) {
        hoist_block(h, s);
        return;
    }
    if (s->kind == S_DECL)
        hoist_decl(h, block, at, s->decl);
    if (s->kind == S_FOR && s->decl && is_tag_definition(s->decl->spec)) {
        const char *old = move_definition(h, s->decl->spec);
        rename_stmt(s->body, s->decl->spec, old);
        rename_expr(s->cond, s->decl->spec, old);
        rename_expr(s->step, s->decl->spec, old);
    }
    hoist_stmt(h, NULL, 0, s->body);
    hoist_stmt(h, NULL, 0, s->els);
}

static void hoist_block(TagHoister *h, Stmt *block) {
    for (int i = 0; i < block->items.len; i++)
        hoist_stmt(h, block, i, block->items.data[i]);
}

static void hoist_func(TagHoister *h, Func *fn) {
    if (fn && fn->is_async && fn->body)
        hoist_block(h, fn->body);
}

/* ait_FILE: the file's base name without extension, as an identifier. */
static const char *file_prefix(File *f) {
    const char *base = strrchr(f->path, '/');
    base = base ? base + 1 : f->path;
    const char *dot = strrchr(base, '.');
    size_t n = dot ? (size_t)(dot - base) : strlen(base);
    char *p = xprintf("ait_%.*s", (int)n, base);
    for (char *q = p; *q; q++)
        if (!isalnum((unsigned char)*q))
            *q = '_';
    return p;
}

void tags_hoist(File *f) {
    TagHoister h = {.file = f, .prefix = file_prefix(f)};
    int n = f->items.len;   /* the items it adds need no visit */
    for (int i = 0; i < n; i++) {
        Item *it = f->items.data[i];
        if (it->kind == I_FUNC)
            hoist_func(&h, it->func);
        for (int k = 0; k < it->methods.len; k++)
            hoist_func(&h, it->methods.data[k]);
    }
}
