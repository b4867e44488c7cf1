/* check_graph.c: checks over the graph of which future awaits which.
 *
 * Frames contain the frames of what they await. A cycle of static
 * awaits would make a struct contain itself: an error, with the cycle
 * and a hint. A cycle through a dyn call is fine when that dyn frame
 * stops embedding the impl on the cycle inline (a decorator holding a
 * dyn of its own interface): calls into that impl are boxed, calls into
 * the others stay inline.
 * Then `send`: an impl declared send may await only send futures. */
#include <string.h>
#include "check_graph.h"

static Fut *await_callee(Expr *await) {
    Target *t = await->lhs->call;
    return t ? t->fut : NULL;
}

void sema_inline_impls(Fut *d, Vec *out) {
    out->len = 0;
    if (!d->iface->local)   /* its frame type was emitted with the interface */
        return;
    for (int i = 0; i < d->iface->impls.len; i++) {
        Fut *g = ((Impl *)d->iface->impls.data[i])->futs.data[d->method];
        bool excluded = false;
        for (int k = 0; k < d->excluded.len && !excluded; k++)
            excluded = d->excluded.data[k] == g;
        if (g && !excluded)
            vec_push(out, g);
    }
}

/* The futures f's frame embeds. */
void sema_frame_edges(Fut *f, Vec *out) {
    out->len = 0;
    if (f->kind == FUT_DYN) {
        sema_inline_impls(f, out);
        return;
    }
    for (int i = 0; i < f->awaits.len; i++) {
        Fut *g = await_callee(f->awaits.data[i]);
        if (g && g->kind != FUT_PRELUDE && g->kind != FUT_EXTERN)
            vec_push(out, g);
    }
}

/* A default or generic body is checked per instance: a diagnostic at
 * the shared body says which instance it is about. */
void note_instance(Fut *f, Loc at) {
    if (f->kind == FUT_GENERIC) {
        Buf b = {0};
        for (int i = 0; i < f->subst_to.len; i++) {
            DynArg *da = i < f->subst_dyn.len ? f->subst_dyn.data[i] : NULL;
            buf_printf(&b, "%s'%s%s%s'", i ? ", " : "", da && da->send ? "send " : "",
                       da ? "dyn " : "", da ? da->iface->name : (char *)f->subst_to.data[i]);
        }
        note_at(at, "in '%s' instantiated for %s", f->func->name, b.data);
        buf_free(&b);
    } else if (f->kind == FUT_METHOD && f->func->owner && f->func->owner->kind == I_INTERFACE) {
        note_at(at, "in default method '%s' of '%s' instantiated for '%s'", f->func->name,
                f->iface->name, f->impl->type);
    }
}

static Expr *await_of(Fut *f, Fut *callee) {
    for (int i = 0; i < f->awaits.len; i++)
        if (await_callee(f->awaits.data[i]) == callee)
            return f->awaits.data[i];
    return NULL;
}

static void report_cycle(Vec *stack, int from) {
    Fut *first = stack->data[from];
    Fut *next = from + 1 < stack->len ? stack->data[from + 1] : first;
    Buf b = {0};
    for (int i = from; i < stack->len; i++)
        buf_printf(&b, "'%s' -> ", ((Fut *)stack->data[i])->cname);
    buf_printf(&b, "'%s'", first->cname);
    Expr *at = await_of(first, next);
    error_at(at ? at->loc : first->loc,
             "recursive await: %s; a static frame cannot contain itself", b.data);
    note_instance(first, at ? at->loc : first->loc);
    note_at(at ? at->loc : first->loc,
            "await through a 'dyn' interface value to box the recursive frame");
    buf_free(&b);
}

/* Depth-first search; returns true when it changed the graph (took an
 * impl out of a dyn frame's inline storage), so the caller starts over.
 * visit: 0 new, 1 on stack, 2 done. */
static bool dfs(Fut *f, Vec *stack) {
    f->visit = 1;
    vec_push(stack, f);
    Vec edges = {0};
    sema_frame_edges(f, &edges);
    for (int i = 0; i < edges.len; i++) {
        Fut *g = edges.data[i];
        if (g->visit == 1) {
            int from = stack->len - 1;
            while (stack->data[from] != g)
                from--;
            for (int k = from; k < stack->len; k++) {
                Fut *d = stack->data[k];
                if (d->kind == FUT_DYN) {
                    vec_push(&d->excluded, k + 1 < stack->len ? stack->data[k + 1] : g);
                    return true;
                }
            }
            report_cycle(stack, from);
            continue;
        }
        if (g->visit == 0 && dfs(g, stack))
            return true;
    }
    f->visit = 2;
    stack->len--;
    return false;
}

static bool check_recursion(Sema *s) {
    int errors = error_count();
    for (bool again = true; again;) {
        again = false;
        for (int i = 0; i < s->futs.len; i++)
            ((Fut *)s->futs.data[i])->visit = 0;
        Vec stack = {0};
        for (int i = 0; i < s->futs.len && !again; i++) {
            Fut *f = s->futs.data[i];
            if (f->visit == 0 && f->kind != FUT_ABSTRACT) {
                stack.len = 0;
                again = dfs(f, &stack);
            }
        }
    }
    return error_count() == errors;
}

/* ---- send ----------------------------------------------------------- */

static bool fut_send(Fut *f);

static bool await_send(Expr *await) {
    Target *t = await->lhs->call;
    if (!t || !t->fut)
        return true;
    return t->fut->kind == FUT_DYN ? t->send_dyn : fut_send(t->fut);
}

/* Free and generic functions are send when all they await is (as Rust
 * infers Send for async fn futures); a cycle is assumed send. */
static bool fut_send(Fut *f) {
    if (f->kind != FUT_FREE && f->kind != FUT_GENERIC)
        return f->send;
    if (f->send_state == 0) {
        f->send_state = 1;
        f->send = true;
        for (int i = 0; i < f->awaits.len; i++)
            if (!await_send(f->awaits.data[i]))
                f->send = false;
        f->send_state = 2;
    }
    return f->send;
}

static Expr *first_unsend(Fut *f) {
    for (int i = 0; i < f->awaits.len; i++)
        if (!await_send(f->awaits.data[i]))
            return f->awaits.data[i];
    return NULL;
}

/* Says why the awaited future is not send. */
static void explain_unsend(Expr *await, int depth) {
    Target *t = await->lhs->call;
    Fut *g = t->fut;
    switch (g->kind) {
    case FUT_DYN:
        note_at(await->loc, "a call through 'dyn %s' is not send; use a 'send dyn %s' value",
                g->iface->name, g->iface->name);
        break;
    case FUT_METHOD:
        note_at(g->impl->item->loc, "impl of '%s' for '%s' is not declared send",
                g->iface->name, g->impl->type);
        break;
    case FUT_EXTERN:
        note_at(g->func->loc, "extern async '%s' is not declared send", g->cname);
        break;
    default: {
        Expr *inner = first_unsend(g);
        if (inner && depth < 8) {
            note_at(inner->loc, "'%s' is not send because it awaits this", g->cname);
            explain_unsend(inner, depth + 1);
        }
    }
    }
}

static void check_send(Sema *s) {
    for (int i = 0; i < s->futs.len; i++) {
        Fut *f = s->futs.data[i];
        if (f->kind != FUT_METHOD || !f->impl->send || !f->emit)
            continue;
        for (int k = 0; k < f->awaits.len; k++) {
            Expr *a = f->awaits.data[k];
            if (await_send(a))
                continue;
            Target *t = a->lhs->call;
            error_at(a->loc, "future is not send: impl of '%s' for '%s' is declared send, "
                     "but '%s' awaits '%s', which is not send", f->iface->name,
                     f->impl->type, f->cname, t->fut->cname);
            note_instance(f, a->loc);
            explain_unsend(a, 0);
        }
    }
}

/* spawn (not spawn_local) may run the task on another thread. A
 * default or generic body is checked in each instance, where its calls
 * are the static calls they compile to, not in its abstract form. */
static void check_spawns(Sema *s) {
    for (int i = 0; i < s->futs.len; i++) {
        Fut *f = s->futs.data[i];
        if (f->kind == FUT_ABSTRACT)
            continue;
        for (int k = 0; k < f->spawns.len; k++) {
            Expr *e = f->spawns.data[k];
            if (strcmp(e->op, "spawn") || await_send(e))
                continue;
            error_at(e->loc, "cannot spawn '%s': its future is not send, and 'spawn' may run "
                     "it on another thread", e->lhs->call->fut->cname);
            note_instance(f, e->loc);
            explain_unsend(e, 0);
            note_at(e->loc, "use 'spawn_local' to run it on this thread");
        }
    }
}

bool check_graph(Sema *s) {
    int errors = error_count();
    check_recursion(s);
    for (int i = 0; i < s->futs.len; i++)   /* settle inferred send for F_spawn */
        fut_send(s->futs.data[i]);
    check_send(s);
    check_spawns(s);
    return error_count() == errors;
}
