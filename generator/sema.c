/* sema.c: lookups into the unit's tables (sema.h), for the checks, the
 * lowering and the emitter: by name, an impl by type and method, the
 * interface that declares a method, a generic instance's substitutions. */
#include <string.h>
#include "sema.h"

Iface *sema_iface(Sema *s, const char *name) { return map_get(&s->iface_map, name); }
Fut *sema_fut(Sema *s, const char *cname) { return map_get(&s->fut_map, cname); }
Item *sema_struct(Sema *s, const char *name) { return map_get(&s->struct_map, name); }
Func *sema_func(Sema *s, const char *name) { return map_get(&s->func_map, name); }
bool sema_is_impl_type(Sema *s, const char *type) { return map_get(&s->impls_by_type, type); }

int sema_method_index(Item *iface, const char *name) {
    for (int i = 0; i < iface->methods.len; i++)
        if (!strcmp(((Func *)iface->methods.data[i])->name, name))
            return i;
    return -1;
}

Impl *sema_impl_for(Sema *s, const char *type, const char *method, int *index) {
    Vec *impls = map_get(&s->impls_by_type, type);
    for (int i = 0; impls && i < impls->len; i++) {
        Impl *im = impls->data[i];
        int k = sema_method_index(im->iface->item, method);
        if (k >= 0) {
            *index = k;
            return im;
        }
    }
    return NULL;
}

Impl *sema_impl_of(Iface *x, const char *type) {
    for (int i = 0; i < x->impls.len; i++)
        if (!strcmp(((Impl *)x->impls.data[i])->type, type))
            return x->impls.data[i];
    return NULL;
}

Iface *sema_method_owner(Iface *x, const char *method, int *index, Vec *path) {
    int k = sema_method_index(x->item, method);
    if (k >= 0) {
        *index = k;
        return x;
    }
    for (int i = 0; i < x->supers.len; i++) {
        int len = path->len;
        vec_push(path, x->supers.data[i]);
        Iface *o = sema_method_owner(x->supers.data[i], method, index, path);
        if (o)
            return o;
        path->len = len;
    }
    return NULL;
}

const char *sema_unmet_bound(Sema *s, TypeParam *tp, const char *type) {
    for (int i = 0; i < tp->ifaces.len; i++) {
        Iface *x = sema_iface(s, tp->ifaces.data[i]);
        Impl *im = x ? sema_impl_of(x, type) : NULL;
        if (!im)
            return tp->ifaces.data[i];
        if (tp->send && !im->send)
            return "send";
    }
    return NULL;
}

DynArg *sema_subst_dyn(Fut *f, const char *name) {
    for (int i = 0; i < f->subst_dyn.len; i++)
        if (!strcmp(f->subst_from.data[i], name))
            return f->subst_dyn.data[i];
    return NULL;
}

const char *sema_subst(Fut *f, const char *name) {
    for (int i = 0; i < f->subst_from.len; i++)
        if (!strcmp(f->subst_from.data[i], name))
            return f->subst_to.data[i];
    return name;
}

bool returns_void(Func *fn) {
    Declarator *d = fn->ret_decl;
    while (d && d->kind == D_PAREN)
        d = d->inner;
    return fn->ret_spec->kind == BT_WORDS && !strcmp(fn->ret_spec->words, "void") &&
           (!d || d->kind == D_IDENT);
}

static bool reaches(Iface *from, Iface *to, int depth) {
    if (from == to)
        return true;
    for (int i = 0; i < from->supers.len && depth < 64; i++)
        if (reaches(from->supers.data[i], to, depth + 1))
            return true;
    return false;
}

bool sema_iface_reaches(Iface *from, Iface *to) { return reaches(from, to, 0); }

int sema_home(Fut *f) {
    if (f->kind == FUT_GENERIC)
        return f->home;
    if (f->kind == FUT_METHOD && f->impl)
        return f->impl->item->loc.file;
    return f->func ? f->func->loc.file : -1;
}

const char *instance_name(Func *fn, Vec *types) {
    Buf b = {0};
    buf_puts(&b, fn->name);
    for (int i = 0; i < types->len; i++)
        buf_printf(&b, "_%s", (char *)types->data[i]);
    const char *n = xstrdup(b.data);
    buf_free(&b);
    return n;
}

/* The stem of a file's name as an identifier: "use" for "dir/use.ait". */
Declarator *sema_declarator_ident(Declarator *d) {
    while (d && d->kind != D_IDENT)
        d = d->inner;
    return d;
}

const char *sema_file_stem(File *f) {
    const char *base = strrchr(f->path, '/');
    base = base ? base + 1 : f->path;
    const char *dot = strrchr(base, '.');
    char *p = xprintf("%.*s", (int)(dot ? (size_t)(dot - base) : strlen(base)), base);
    for (char *q = p; *q; q++)
        if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9')))
            *q = '_';
    return p;
}
