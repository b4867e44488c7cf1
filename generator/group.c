/* group.c: which inputs of one aitc run are generated together (group.h).
 * Groups are sets of inputs, merged per impl of an interface declared in
 * another input, when the merged set closed over the files between its
 * members holds inputs only. */
#include <stdlib.h>
#include <string.h>
#include "group.h"
#include "sema.h"

/* The file, among x and what it imports, that declares interface name. */
static RunFile *iface_file(RunFile *x, const char *name) {
    for (int i = -1; i < x->deps.len; i++) {
        RunFile *f = i < 0 ? x : x->deps.data[i];
        for (int k = 0; k < f->file->items.len; k++) {
            Item *it = f->file->items.data[k];
            if (it->kind == I_INTERFACE && !strcmp(it->name, name))
                return f;
        }
    }
    return NULL;
}

static bool imports_one_of(RunFile *z, Vec *set) {
    for (int i = 0; i < set->len; i++)
        if (vec_contains(&z->deps, set->data[i]))
            return true;
    return false;
}

static bool imported_by_one_of(RunFile *z, Vec *set) {
    for (int i = 0; i < set->len; i++)
        if (vec_contains(&((RunFile *)set->data[i])->deps, z))
            return true;
    return false;
}

/* Adds to set the groups of the files between its members; returns the
 * first of them that is not an input (set cannot be a group), or NULL. */
static RunFile *close_set(Vec *files, Vec *groups, Vec *set) {
    for (bool changed = true; changed;) {
        changed = false;
        for (int i = 0; i < files->len; i++) {
            RunFile *z = files->data[i];
            if (vec_contains(set, z) || !imported_by_one_of(z, set) || !imports_one_of(z, set))
                continue;
            if (!z->input)
                return z;
            Vec *other = groups->data[z->group];
            for (int k = 0; k < other->len; k++)
                vec_push(set, other->data[k]);
            changed = true;
        }
    }
    return NULL;
}

/* A file of set with the name of an earlier one ("x.ait" in two folders,
 * or "x-y.ait" and "x_y.ait"), or NULL; *same gets the earlier one. Their
 * headers, or the names aitc derives from a file's name, would clash. */
static RunFile *name_clash(Vec *set, RunFile **same) {
    for (int i = 0; i < set->len; i++)
        for (int k = 0; k < i; k++)
            if (!strcmp(sema_file_stem(((RunFile *)set->data[i])->file),
                        sema_file_stem(((RunFile *)set->data[k])->file))) {
                *same = set->data[k];
                return set->data[i];
            }
    return NULL;
}

/* Why impl (of file b) cannot join the group of a, the file declaring its
 * interface: a warning, since its dyn calls are then boxed. */
static void warn_left_out(Item *impl, RunFile *a, RunFile *between, RunFile *clash, RunFile *same) {
    if (between)
        warn_at(impl->loc, "ungrouped", "impl of '%s' for '%s' is not generated together with "
                "'%s': '%s', imported between them, is not an input of this run; dyn calls "
                "into it are boxed", impl->iface, impl->type, a->file->path, between->file->path);
    else
        warn_at(impl->loc, "ungrouped", "impl of '%s' for '%s' is not generated together with "
                "'%s': its files '%s' and '%s' have the same name; dyn calls into it are "
                "boxed", impl->iface, impl->type, a->file->path, same->file->path, clash->file->path);
}

/* Merges the groups of a and b and what lies between them, if it can;
 * else warns at impl, the item of b that asked for it. */
static void merge(Vec *files, Vec *groups, RunFile *a, RunFile *b, Item *impl) {
    if (a->group == b->group)
        return;
    Vec set = {0};
    Vec *ga = groups->data[a->group], *gb = groups->data[b->group];
    for (int i = 0; i < ga->len; i++)
        vec_push(&set, ga->data[i]);
    for (int i = 0; i < gb->len; i++)
        vec_push(&set, gb->data[i]);
    RunFile *between = close_set(files, groups, &set), *same = NULL;
    RunFile *clash = between ? NULL : name_clash(&set, &same);
    if (between || clash) {
        warn_left_out(impl, a, between, clash, same);
        return;
    }
    Vec *into = groups->data[a->group];
    for (int i = 0; i < set.len; i++) {
        RunFile *f = set.data[i];
        ((Vec *)groups->data[f->group])->len = 0;
        f->group = a->group;
    }
    *into = set;
}

static int by_key(const void *a, const void *b) {
    return strcmp((*(RunFile *const *)a)->key, (*(RunFile *const *)b)->key);
}

/* The members of set, each after the members it imports; of those that
 * may come next, the first by key. */
static Vec *generation_order(Vec *set) {
    Vec *order = xalloc(sizeof *order);
    qsort(set->data, (size_t)set->len, sizeof *set->data, by_key);
    while (order->len < set->len) {
        for (int i = 0; i < set->len; i++) {
            RunFile *f = set->data[i];
            bool ready = !vec_contains(order, f);
            for (int k = 0; k < f->deps.len && ready; k++)
                ready = !vec_contains(set, f->deps.data[k]) || vec_contains(order, f->deps.data[k]);
            if (ready) {
                vec_push(order, f);
                break;
            }
        }
    }
    return order;
}

void group_inputs(Vec *files, Vec *out) {
    Vec inputs = {0}, groups = {0};
    for (int i = 0; i < files->len; i++) {
        RunFile *f = files->data[i];
        f->group = -1;
        if (f->input)
            vec_push(&inputs, f);
    }
    qsort(inputs.data, (size_t)inputs.len, sizeof *inputs.data, by_key);
    for (int i = 0; i < inputs.len; i++) {
        RunFile *f = inputs.data[i];
        Vec *alone = xalloc(sizeof *alone);
        vec_push(alone, f);
        f->group = groups.len;
        vec_push(&groups, alone);
    }
    for (int i = 0; i < inputs.len; i++) {
        RunFile *x = inputs.data[i];
        for (int k = 0; k < x->file->items.len; k++) {
            Item *it = x->file->items.data[k];
            RunFile *decl = it->kind == I_IMPL ? iface_file(x, it->iface) : NULL;
            if (decl && decl != x && decl->input)
                merge(files, &groups, decl, x, it);
        }
    }
    for (int i = 0; i < inputs.len; i++)
        ((RunFile *)inputs.data[i])->group = -1;
    for (int i = 0; i < groups.len; i++) {
        Vec *g = groups.data[i];
        if (g->len < 2)
            continue;
        for (int k = 0; k < g->len; k++)
            ((RunFile *)g->data[k])->group = out->len;
        vec_push(out, generation_order(g));
    }
}
