/* frame_vm.c: variables of a variably modified type (an array sized at run
 * time, a pointer to one, a typedef of one) cannot be frame fields: the
 * frame is a struct at file scope, where the size's variable does not
 * exist. Such a variable that lives across an await is an error at its
 * declaration. */
#include <string.h>
#include "frame_vm.h"
#include "util.h"

/* Does e read a variable of f (a local or a parameter)? */
static bool reads_var(Fut *f, Expr *e) {
    if (!e)
        return false;
    if (e->kind == E_IDENT)
        for (int i = 0; i < f->vars.len; i++)
            if (!strcmp(((Var *)f->vars.data[i])->name, e->name))
                return true;
    for (int i = 0; i < e->args.len; i++)
        if (reads_var(f, e->args.data[i]))
            return true;
    return reads_var(f, e->lhs) || reads_var(f, e->rhs) || reads_var(f, e->cond);
}

static bool vm_type(Fut *f, DeclSpec *spec, Declarator *d);

/* The typedef of name declared in s (the body), or NULL. */
static Decl *find_typedef(Stmt *s, const char *name, Declarator **out) {
    if (!s)
        return NULL;
    Decl *d = s->decl;
    for (int i = 0; d && (d->spec->storage & SC_TYPEDEF) && i < d->decls.len; i++) {
        Declarator *id = ((InitDecl *)d->decls.data[i])->decl;
        for (Declarator *n = id; n; n = n->inner)
            if (n->kind == D_IDENT && n->name && !strcmp(n->name, name))
                return *out = id, d;
    }
    for (int i = 0; i < s->items.len; i++)
        if ((d = find_typedef(s->items.data[i], name, out)))
            return d;
    if ((d = find_typedef(s->body, name, out)))
        return d;
    return find_typedef(s->els, name, out);
}

static bool vm_type(Fut *f, DeclSpec *spec, Declarator *d) {
    for (; d; d = d->inner)
        if (d->kind == D_ARRAY && reads_var(f, d->size))
            return true;
    Declarator *td = NULL;
    Decl *def = spec && spec->kind == BT_NAME ? find_typedef(f->body, spec->name, &td) : NULL;
    return def && vm_type(f, def->spec, td);
}

bool frame_vm_check(Fut *f) {
    bool ok = true;
    for (int i = 0; i < f->vars.len; i++) {
        Var *v = f->vars.data[i];
        if (v->in_frame && v->spec && vm_type(f, v->spec, v->decl)) {
            Declarator *id = sema_declarator_ident(v->decl);
            error_at(id ? id->loc : v->spec->loc,
                     "'%s' has a variably modified type (an array sized at run time) and "
                     "lives across an await; give the array a constant size or allocate it",
                     v->name);
            ok = false;
        }
    }
    return ok;
}
