/* check.c: the unit's tables. Interfaces, impls and functions of every
 * file are collected and matched (missing, extra and mismatched methods,
 * duplicates), then every async function that needs a frame becomes a
 * Fut: defaults are instantiated per impl, generics per impl type. */
#include <string.h>
#include "check.h"
#include "copy.h"
#include "cprint.h"
#include "parse.h"
#include "prelude.h"
#include "resolve.h"
#include "tags.h"

/* ---- collecting ----------------------------------------------------- */

static void redefinition(Loc loc, const char *what, const char *name, Loc prev) {
    error_at(loc, "redefinition of %s '%s'", what, name);
    note_at(prev, "previous definition is here");
}

static bool signature_mentions_self(Func *m);

static void collect_interface(Sema *s, Item *it, bool local) {
    Iface *prev = sema_iface(s, it->name);
    if (prev) {
        redefinition(it->loc, "interface", it->name, prev->item->loc);
        return;
    }
    for (int i = 0; i < it->methods.len; i++) {
        Func *m = it->methods.data[i];
        int k = sema_method_index(it, m->name);
        if (k != i)
            redefinition(m->loc, "method", m->name, ((Func *)it->methods.data[k])->loc);
        m->owner = it;
        m->self_typed = signature_mentions_self(m);
    }
    Iface *x = xalloc(sizeof *x);
    x->item = it;
    x->name = it->name;
    x->local = local;
    vec_push(&s->ifaces, x);
    map_put(&s->iface_map, x->name, x);
}

static void collect_item(Sema *s, Item *it, bool local) {
    switch (it->kind) {
    case I_INTERFACE:
        collect_interface(s, it, local);
        break;
    case I_STRUCT: {
        Item *prev = sema_struct(s, it->name);
        if (prev)
            redefinition(it->decl->spec->name_loc, "struct", it->name,
                         prev->decl->spec->name_loc);
        else
            vec_push(&s->structs, it), map_put(&s->struct_map, it->name, it);
        break;
    }
    case I_FUNC: {
        Func *prev = sema_func(s, it->func->name);
        if (prev)
            redefinition(it->func->loc, "function", it->func->name, prev->loc);
        else
            vec_push(&s->funcs, it->func), map_put(&s->func_map, it->func->name, it->func);
        break;
    }
    default:
        break;
    }
}

/* ---- super-interfaces ----------------------------------------------- */

/* interface B : A, C: the names must be interfaces, and no interface may
 * be its own super-interface. */
static void link_supers(Sema *s, Iface *x) {
    Item *it = x->item;
    for (int i = 0; i < it->supers.len; i++) {
        NameRef *r = it->supers.data[i];
        Iface *sup = sema_iface(s, r->name);
        if (!sup) {
            error_at(r->loc, "unknown interface '%s' in the super-interfaces of '%s'", r->name,
                     x->name);
        } else if (sema_iface_reaches(sup, x)) {
            error_at(r->loc, "interface '%s' cannot be a super-interface of itself (through '%s')",
                     x->name, r->name);
        } else {
            vec_push(&x->supers, sup);
        }
    }
}

/* impl B for T needs impl A for T for each super-interface A of B; a
 * send impl needs send impls of them, since its send dyn converts. */
static void check_super_impls(Impl *im) {
    for (int i = 0; i < im->iface->supers.len; i++) {
        Iface *sup = im->iface->supers.data[i];
        Impl *o = sema_impl_of(sup, im->type);
        if (!o) {
            error_at(im->item->type_loc, "impl of '%s' for '%s' needs an impl of its "
                     "super-interface '%s' for '%s'", im->iface->name, im->type, sup->name,
                     im->type);
            note_at(im->iface->item->loc, "'%s' requires '%s' here", im->iface->name, sup->name);
        } else if (im->send && !o->send) {
            error_at(im->item->type_loc, "impl of '%s' for '%s' is declared send, but the impl "
                     "of its super-interface '%s' is not", im->iface->name, im->type, sup->name);
            note_at(o->item->type_loc, "impl of '%s' for '%s' is here", sup->name, im->type);
        }
    }
}

/* ---- matching impls to interfaces ------------------------------------ */

/* Types print with Self as the impl type (ctx) when one is given. */
static const char *self_hook(void *ctx, const char *name) {
    return ctx && !strcmp(name, "Self") ? ctx : name;
}

static char *type_text(DeclSpec *spec, Declarator *d, const char *self) {
    Buf b = {0};
    PrintHooks h = {.ctx = (void *)self, .type_name = self_hook};
    cprint_typename(&b, spec, d, &h);
    char *t = xstrdup(b.data ? b.data : "");
    buf_free(&b);
    return t;
}

static char *param_type(Param *p, const char *self) {
    Buf b = {0};
    DeclPrint how = {.name = "", .with_storage = false, .drop_top_const = true};
    PrintHooks h = {.ctx = (void *)self, .type_name = self_hook};
    cprint_decl(&b, p->spec, p->decl, &how, &h);
    char *t = xstrdup(b.data ? b.data : "");
    buf_free(&b);
    return t;
}

/* Same async-ness, return type and parameter types (names may differ),
 * Self being the impl type on both sides. */
static bool same_signature(Func *a, Func *b, const char *self) {
    if (a->is_async != b->is_async || a->variadic != b->variadic ||
        a->params.len != b->params.len)
        return false;
    if (strcmp(type_text(a->ret_spec, a->ret_decl, self), type_text(b->ret_spec, b->ret_decl, self)))
        return false;
    for (int i = 0; i < a->params.len; i++)
        if (strcmp(param_type(a->params.data[i], self), param_type(b->params.data[i], self)))
            return false;
    return true;
}

/* Does a type mention Self (also in the parameters of a function
 * pointer)? */
static bool mentions_self(DeclSpec *spec, Declarator *d) {
    if (spec->kind == BT_NAME && !strcmp(spec->name, "Self"))
        return true;
    for (; d; d = d->inner)
        for (int i = 0; i < d->params.len; i++) {
            Param *p = d->params.data[i];
            if (mentions_self(p->spec, p->decl))
                return true;
        }
    return false;
}

static bool signature_mentions_self(Func *m) {
    if (mentions_self(m->ret_spec, m->ret_decl))
        return true;
    for (int i = 0; i < m->params.len; i++) {
        Param *p = m->params.data[i];
        if (mentions_self(p->spec, p->decl))
            return true;
    }
    return false;
}

static void check_impl_methods(Impl *im) {
    Item *it = im->item, *ii = im->iface->item;
    for (int i = 0; i < it->methods.len; i++) {
        Func *m = it->methods.data[i];
        m->owner = it;
        for (int j = 0; j < i; j++)
            if (!strcmp(((Func *)it->methods.data[j])->name, m->name))
                redefinition(m->loc, "method", m->name, ((Func *)it->methods.data[j])->loc);
        int k = sema_method_index(ii, m->name);
        if (k < 0) {
            error_at(m->loc, "'%s' is not a method of interface '%s'", m->name, ii->name);
            note_at(ii->loc, "interface '%s' declared here", ii->name);
        } else if (!same_signature(m, ii->methods.data[k], im->type)) {
            Func *want = ii->methods.data[k];
            error_at(m->loc, "method '%s' does not match its declaration in interface '%s'",
                     m->name, ii->name);
            note_at(want->loc, "declared here as %s%s %s(...)", want->is_async ? "async " : "",
                    type_text(want->ret_spec, want->ret_decl, NULL), want->name);
        }
        if (!m->body)
            error_at(m->loc, "method '%s' of an impl needs a body", m->name);
    }
}

/* Fills im->methods (own or default) and reports missing ones. */
static void match_methods(Impl *im) {
    Item *it = im->item, *ii = im->iface->item;
    check_impl_methods(im);
    for (int k = 0; k < ii->methods.len; k++) {
        Func *want = ii->methods.data[k], *got = NULL;
        for (int i = 0; i < it->methods.len; i++)
            if (!strcmp(((Func *)it->methods.data[i])->name, want->name))
                got = it->methods.data[i];
        if (!got && !want->body) {
            error_at(it->type_loc, "impl of '%s' for '%s' is missing method '%s'", ii->name,
                     it->type, want->name);
            note_at(want->loc, "'%s' declared here", want->name);
        }
        vec_push(&im->methods, got ? got : want);
    }
}

static void collect_impl(Sema *s, Item *it, bool local) {
    Iface *x = sema_iface(s, it->iface);
    if (!x) {
        error_at(it->loc, "unknown interface '%s'", it->iface);
        return;
    }
    for (int i = 0; i < x->impls.len; i++) {
        Impl *o = x->impls.data[i];
        if (!strcmp(o->type, it->type)) {
            error_at(it->type_loc, "duplicate impl of '%s' for '%s'", it->iface, it->type);
            note_at(o->item->loc, "previous impl is here");
            return;
        }
    }
    if (!typenames_declared(it->type))
        error_at(it->type_loc, "unknown type '%s' in impl of '%s'; declare it in passthrough "
                 "C, as a .ait struct, or with %%types", it->type, it->iface);
    for (int k = 0; k < x->item->methods.len; k++) {   /* T_m must name one function */
        Func *m = x->item->methods.data[k];
        int other;
        Impl *o = sema_impl_for(s, it->type, m->name, &other);
        if (o) {
            error_at(it->type_loc, "'%s' implements '%s' from both '%s' and '%s': the generated "
                     "name %s_%s would clash", it->type, m->name, o->iface->name, x->name,
                     it->type, m->name);
            note_at(o->item->type_loc, "the impl of '%s' is here", o->iface->name);
            return;
        }
    }
    Impl *im = xalloc(sizeof *im);
    im->item = it;
    im->iface = x;
    im->type = it->type;
    im->send = it->is_send;
    im->local = local;
    match_methods(im);
    vec_push(&x->impls, im);
    vec_push(&s->impls, im);
    Vec *same = map_get(&s->impls_by_type, im->type);
    if (!same)
        map_put(&s->impls_by_type, im->type, same = xalloc(sizeof *same));
    vec_push(same, im);
}

/* ---- futures -------------------------------------------------------- */

static Fut *new_fut(Sema *s, FutKind kind, const char *cname, Func *fn, bool emit) {
    Fut *f = xalloc(sizeof *f);
    f->kind = kind;
    f->cname = cname;
    f->func = fn;
    f->emit = emit;
    f->loc = fn ? fn->loc : (Loc){-1, 0, 0};
    vec_push(&s->futs, f);
    if (kind != FUT_ABSTRACT && !sema_fut(s, cname))
        map_put(&s->fut_map, cname, f);
    return f;
}

/* The runtime's leaves (prelude.c): extern async, send, never emitted. */
static void add_prelude(Sema *s) {
    File *p = prelude_file();
    for (int i = 0; i < p->items.len; i++) {
        Item *it = p->items.data[i];
        if (it->kind != I_FUNC)
            continue;
        vec_push(&s->funcs, it->func);
        map_put(&s->func_map, it->func->name, it->func);
        new_fut(s, FUT_PRELUDE, it->func->name, it->func, false)->send = true;
    }
}

/* Self names the implementing type in impl and default bodies. */
static void subst_self(Fut *f, const char *type) {
    vec_push(&f->subst_from, "Self");
    vec_push(&f->subst_to, (void *)type);
}

static void impl_futs(Sema *s, Impl *im) {
    Item *ii = im->iface->item;
    for (int k = 0; k < ii->methods.len; k++) {
        Func *m = im->methods.data[k], *decl = ii->methods.data[k];
        Fut *f = NULL;
        if (decl->is_async && m->is_async) {
            f = new_fut(s, FUT_METHOD, xprintf("%s_%s", im->type, decl->name), m, im->local);
            f->impl = im;
            f->iface = im->iface;
            f->method = k;
            f->self_type = im->type;
            f->send = im->send;
            f->body = copy_stmt(m->body);   /* lowered in place: see func_futs */
            if (m == decl)
                f->loc = im->item->type_loc;
        } else if (m->body) {   /* a plain method, its own or a default for it */
            Fut *p = xalloc(sizeof *p);
            p->kind = FUT_METHOD;
            p->cname = xprintf("%s_%s", im->type, decl->name);
            p->func = m;
            p->body = m == decl ? copy_stmt(m->body) : m->body;
            p->impl = im;
            p->iface = im->iface;
            p->self_type = im->type;
            p->emit = im->local;
            subst_self(p, im->type);
            vec_push(&s->plains, p);
        }
        if (f)
            subst_self(f, im->type);
        vec_push(&im->futs, f);
    }
}

static void iface_futs(Sema *s, Iface *x) {
    Item *ii = x->item;
    for (int k = 0; k < ii->methods.len; k++) {
        Func *m = ii->methods.data[k];
        Fut *f = NULL;
        if (m->is_async) {
            if (!m->self_typed) {   /* a dyn call needs the types without Self */
                f = new_fut(s, FUT_DYN, xprintf("%s_%s_dyn", x->name, m->name), m, x->local);
                f->iface = x;
                f->method = k;
            }
            if (m->body && x->local) {   /* check a default body once */
                Fut *a = new_fut(s, FUT_ABSTRACT, xprintf("%s_%s", x->name, m->name), m, false);
                a->iface = x;
                a->method = k;
                a->self_type = x->name;
                a->body = copy_stmt(m->body);
                subst_self(a, x->name);
            }
        }
        vec_push(&x->dyn_futs, f);
    }
}

/* ---- generic instances ---------------------------------------------- */

/* Where a file comes in the unit: its imports in order (each after the
 * files it imports), then the files it generates, in order too. Of two
 * files one of which sees the other, the later one sees both. */
static int file_rank(Sema *s, int file) {
    Unit *u = s->unit;
    for (int i = 0; i < u->imports.len; i++)
        if (((File *)u->imports.data[i])->id == file)
            return i;
    for (int i = 0; i < u->files.len; i++)
        if (((File *)u->files.data[i])->id == file)
            return u->imports.len + i;
    return u->imports.len;
}

static int later_file(Sema *s, int a, int b) { return file_rank(s, a) >= file_rank(s, b) ? a : b; }

static File *unit_file(Sema *s, int id) {
    Unit *u = s->unit;
    for (int i = 0; i < u->imports.len; i++)
        if (((File *)u->imports.data[i])->id == id)
            return u->imports.data[i];
    for (int i = 0; i < u->files.len; i++)
        if (((File *)u->files.data[i])->id == id)
            return u->files.data[i];
    return u->file;
}

/* The later of file and the files of type's impls of tp's bounds: an
 * instance for type needs every one of them, not only its first bound's
 * (impl I for T in a.ait, impl J for T in b.ait importing it: the
 * instance of g<C: I + J> for T is b.ait's to compile). */
static int bounds_file(Sema *s, TypeParam *tp, const char *type, int file) {
    for (int i = 0; i < tp->ifaces.len; i++) {
        Iface *x = sema_iface(s, tp->ifaces.data[i]);
        Impl *im = x ? sema_impl_of(x, type) : NULL;
        if (im)
            file = later_file(s, file, im->item->loc.file);
    }
    return file;
}

/* name_T1_T2: a generic instantiated for one type per parameter (impl
 * types, I_dyn, I_send_dyn), compiled by the unit of file home. */
static Fut *new_instance(Sema *s, Func *fn, const char *cname, Vec *types, Vec *dyns, int home) {
    Fut *f = new_fut(s, FUT_GENERIC, cname, fn, unit_generates(s->unit, home));
    f->home = home;
    f->body = copy_stmt(fn->body);
    for (int i = 0; i < types->len; i++) {
        vec_push(&f->subst_from, (void *)((TypeParam *)fn->tparams.data[i])->name);
        vec_push(&f->subst_to, types->data[i]);
        vec_push(&f->subst_dyn, dyns->data[i]);
    }
    return f;
}

/* A generic called with a dyn argument is instantiated on demand, by the
 * unit that compiles the caller (or the file of a %instance line). In the file that sees both the generic
 * and the interfaces (where an instance for impl types would live) it is
 * name_I_dyn; a file that imports them makes its own copy,
 * name_I_dyn_in_FILE, so that two importers never define the same name. */
Fut *sema_dyn_instance(Sema *s, Func *fn, Vec *types, Vec *dyns, int home) {
    int owner = fn->loc.file;
    for (int i = 0; i < types->len; i++) {
        DynArg *da = dyns->data[i];
        if (da)
            owner = later_file(s, owner, da->iface->item->loc.file);
        else
            owner = bounds_file(s, fn->tparams.data[i], types->data[i], owner);
    }
    const char *cname = instance_name(fn, types);
    if (home != owner && home >= 0)
        cname = xprintf("%s_in_%s", cname, sema_file_stem(unit_file(s, home)));
    else
        home = owner;
    Fut *f = sema_fut(s, cname);
    return f ? f : new_instance(s, fn, cname, types, dyns, home);
}

/* The impl types tp is instantiated for ahead of any call: those of its
 * first bound that satisfy every bound. */
static void candidates(Sema *s, TypeParam *tp, Vec *out) {
    Iface *x = sema_iface(s, tp->iface);
    for (int i = 0; x && i < x->impls.len; i++) {
        Impl *im = x->impls.data[i];
        if (!sema_unmet_bound(s, tp, im->type))
            vec_push(out, im);
    }
}

/* name_T1_T2 for one choice of impls; recursion over parameters. */
static void instantiate(Sema *s, Func *fn, Vec *chosen, int k) {
    if (k == fn->tparams.len) {
        Vec types = {0}, dyns = {0};
        int home = fn->loc.file;
        for (int i = 0; i < chosen->len; i++) {
            Impl *im = chosen->data[i];
            vec_push(&types, (void *)im->type);
            vec_push(&dyns, NULL);
            home = bounds_file(s, fn->tparams.data[i], im->type, home);
        }
        new_instance(s, fn, instance_name(fn, &types), &types, &dyns, home);
        return;
    }
    Vec cands = {0};
    candidates(s, fn->tparams.data[k], &cands);
    for (int i = 0; i < cands.len; i++) {
        vec_push(chosen, cands.data[i]);
        instantiate(s, fn, chosen, k + 1);
        chosen->len--;
    }
}

static void generic_futs(Sema *s, Func *fn, bool local) {
    bool ok = true;
    for (int i = 0; i < fn->tparams.len; i++) {
        TypeParam *tp = fn->tparams.data[i];
        if (!tp->ifaces.len) {
            error_at(tp->loc, "type parameter '%s' needs an interface bound, as in '%s: I%s'",
                     tp->name, tp->name, tp->send ? " + send" : "");
            ok = false;
        }
        for (int k = 0; k < tp->ifaces.len; k++)
            if (!sema_iface(s, tp->ifaces.data[k])) {
                error_at(*(Loc *)tp->iface_locs.data[k], "unknown interface '%s' in the bound "
                         "of '%s'", (char *)tp->ifaces.data[k], tp->name);
                ok = false;
            }
    }
    if (!ok)
        return;
    if (local) {   /* checked first: its diagnostics speak of the bounds */
        Fut *a = new_fut(s, FUT_ABSTRACT, fn->name, fn, false);
        a->body = copy_stmt(fn->body);
        for (int i = 0; i < fn->tparams.len; i++) {
            TypeParam *tp = fn->tparams.data[i];
            vec_push(&a->subst_from, (void *)tp->name);
            vec_push(&a->subst_to, (void *)tp->name);
        }
    }
    Vec chosen = {0};
    instantiate(s, fn, &chosen, 0);
}

/* One type argument of %instance: an impl type or a dyn, which must meet
 * tp's bounds. */
static bool instance_arg(Sema *s, Func *fn, TypeParam *tp, NameRef *a, Vec *types, Vec *dyns) {
    bool send = !strncmp(a->name, "send dyn ", 9), dyn = send || !strncmp(a->name, "dyn ", 4);
    const char *name = dyn ? strrchr(a->name, ' ') + 1 : a->name;
    const char *unmet = NULL;
    DynArg *da = NULL;
    if (dyn) {
        da = xalloc(sizeof *da);
        da->iface = sema_iface(s, name);
        da->send = send;
        if (!da->iface) {
            error_at(a->loc, "unknown interface '%s'", name);
            return false;
        }
        for (int k = 0; k < tp->ifaces.len && !unmet; k++) {
            Iface *b = sema_iface(s, tp->ifaces.data[k]);
            if (b && !sema_iface_reaches(da->iface, b))
                unmet = tp->ifaces.data[k];
        }
        if (!unmet && tp->send && !send)
            unmet = "send";
        name = xprintf("%s_%sdyn", name, send ? "send_" : "");
    } else {
        unmet = sema_unmet_bound(s, tp, name);
    }
    if (unmet) {
        error_at(a->loc, "'%s' does not satisfy the bound '%s' of '%s' in '%s'", a->name, unmet,
                 tp->name, fn->name);
        return false;
    }
    vec_push(types, (void *)name);
    vec_push(dyns, da);
    return true;
}

/* %instance name(send dyn I, ...); : the instance, for C code to call,
 * compiled by this file's unit. Instances for impl types exist anyway. */
static void instance_item(Sema *s, Item *it) {
    Func *fn = sema_func(s, it->name);
    if (!fn || !fn->tparams.len) {
        error_at(it->type_loc, "'%s' is not a generic async function", it->name);
        return;
    }
    if (it->supers.len != fn->tparams.len) {
        error_at(it->type_loc, "'%s' has %d type parameter%s, but %d type%s given", fn->name,
                 fn->tparams.len, fn->tparams.len == 1 ? "" : "s", it->supers.len,
                 it->supers.len == 1 ? " is" : "s are");
        return;
    }
    Vec types = {0}, dyns = {0};
    bool ok = true, dyn = false;
    for (int i = 0; i < fn->tparams.len; i++) {
        ok = instance_arg(s, fn, fn->tparams.data[i], it->supers.data[i], &types, &dyns) && ok;
        dyn |= ok && dyns.data[dyns.len - 1];
    }
    if (ok && dyn)
        sema_dyn_instance(s, fn, &types, &dyns, it->loc.file);
}

static void func_futs(Sema *s, Item *it, bool local) {
    Func *fn = it->func;
    if (!fn->is_async)
        return;
    if (fn->is_extern) {
        new_fut(s, FUT_EXTERN, fn->name, fn, false)->send = fn->is_send;
    } else if (fn->tparams.len) {
        generic_futs(s, fn, local);
    } else {
        /* A copy: the lowering rewrites the body in place, and the file
         * may be imported by another unit of the run, which must see it
         * as written (not with the hoisted temporaries of this one). */
        Fut *f = new_fut(s, FUT_FREE, fn->name, fn, local);
        f->body = copy_stmt(fn->body);
    }
}

/* ---- the pass ------------------------------------------------------- */

static void each_item(Sema *s, void (*fn)(Sema *, Item *, bool)) {
    Unit *u = s->unit;
    for (int i = 0; i < u->imports.len; i++) {
        File *f = u->imports.data[i];
        for (int k = 0; k < f->items.len; k++)
            fn(s, f->items.data[k], false);
    }
    for (int i = 0; i < u->files.len; i++) {
        File *f = u->files.data[i];
        for (int k = 0; k < f->items.len; k++)
            fn(s, f->items.data[k], true);
    }
}

static void collect_impl_item(Sema *s, Item *it, bool local) {
    if (it->kind == I_IMPL)
        collect_impl(s, it, local);
}

static void fut_item(Sema *s, Item *it, bool local) {
    if (it->kind == I_FUNC)
        func_futs(s, it, local);
    if (it->kind == I_INSTANCE && local)
        instance_item(s, it);
    if (it->kind == I_CDECL && it->func_def && it->func_def->body) {
        Fut *p = xalloc(sizeof *p);
        p->kind = FUT_FREE;
        p->cname = it->func_def->name;
        p->func = it->func_def;
        p->body = it->func_def->body;
        p->emit = local;
        vec_push(&s->plains, p);
    }
}

bool check_unit(Sema *s, Unit *u) {
    s->unit = u;
    if (!u->files.len)
        vec_push(&u->files, u->file);
    for (int i = 0; i < u->imports.len; i++)   /* idempotent: a file may be in several units */
        tags_hoist(u->imports.data[i]);
    for (int i = 0; i < u->files.len; i++)
        tags_hoist(u->files.data[i]);
    add_prelude(s);
    each_item(s, collect_item);
    for (int i = 0; i < s->ifaces.len; i++)
        link_supers(s, s->ifaces.data[i]);
    each_item(s, collect_impl_item);
    for (int i = 0; i < s->impls.len; i++)
        check_super_impls(s->impls.data[i]);
    for (int i = 0; i < s->ifaces.len; i++)
        iface_futs(s, s->ifaces.data[i]);
    for (int i = 0; i < s->impls.len; i++)
        impl_futs(s, s->impls.data[i]);
    each_item(s, fut_item);
    for (int i = 0; i < s->structs.len; i++) {
        Item *it = s->structs.data[i];
        for (int k = 0; k < it->members.len; k++)
            check_dyn_type(s, ((Decl *)it->members.data[k])->spec);
    }
    for (int i = 0; i < s->futs.len; i++) {
        Fut *f = s->futs.data[i];
        if (f->body)
            resolve_fut(s, f);
    }
    for (int i = 0; i < s->plains.len; i++)
        resolve_fut(s, s->plains.data[i]);
    return error_count() == 0;
}
