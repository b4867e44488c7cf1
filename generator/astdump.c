/* astdump.c: prints the AST as an S-expression. Items, functions and
 * statements go one per line, indented; types and expressions stay on
 * their line. Locations are not printed (tests check them directly).
 *
 *   (interface DataStore
 *     (func get async (ret (spec char) (ptr _)) (params (param (spec const char) (ptr key)))))
 */
#include "astdump.h"
#include <stdio.h>
#include <string.h>

static void expr(Expr *e, FILE *out);
static void init(Init *i, FILE *out);
static void decl(Decl *d, FILE *out);
static void stmt(Stmt *s, int indent, FILE *out);

static void quoted(const char *s, FILE *out) {
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            fprintf(out, "\\%c", *s);
        else if (*s == '\n')
            fputs("\\n", out);
        else if (*s == '\t')
            fputs("\\t", out);
        else
            fputc(*s, out);
    }
    fputc('"', out);
}

static void newline(int indent, FILE *out) {
    fputc('\n', out);
    for (int i = 0; i < indent; i++)
        fputs("  ", out);
}

/* ---- types ---------------------------------------------------------- */

static void bits(int set, const char *const *names, int n, FILE *out) {
    for (int i = 0; i < n; i++)
        if (set & (1 << i))
            fprintf(out, " %s", names[i]);
}

static void enumerators(Vec *v, FILE *out) {
    for (int i = 0; i < v->len; i++) {
        Enumerator *en = v->data[i];
        fprintf(out, " (%s", en->name);
        if (en->value) {
            fputc(' ', out);
            expr(en->value, out);
        }
        fputc(')', out);
    }
}

static void spec(DeclSpec *s, FILE *out) {
    static const char *const storage[] = {"typedef", "extern", "static", "auto",
                                          "register", "_Thread_local", "inline",
                                          "_Noreturn"};
    static const char *const quals[] = {"const", "volatile", "restrict", "_Atomic"};
    fputs("(spec", out);
    bits(s->storage, storage, 8, out);
    bits(s->quals, quals, 4, out);
    if (s->align) {
        fputs(" (alignas ", out);
        expr(s->align, out);
        fputc(')', out);
    }
    switch (s->kind) {
    case BT_WORDS:
        fprintf(out, " %s", s->words ? s->words : "?");
        break;
    case BT_NAME:
        fprintf(out, " %s", s->name);
        break;
    case BT_STRUCT:
    case BT_UNION:
        fprintf(out, " (%s %s", s->kind == BT_STRUCT ? "struct" : "union",
                s->name ? s->name : "_");
        if (s->has_body) {
            fputs(" (members", out);
            for (int i = 0; i < s->members.len; i++) {
                fputc(' ', out);
                decl(s->members.data[i], out);
            }
            fputc(')', out);
        }
        fputc(')', out);
        break;
    case BT_ENUM:
        fprintf(out, " (enum %s", s->name ? s->name : "_");
        enumerators(&s->enumerators, out);
        fputc(')', out);
        break;
    case BT_DYN:
        fprintf(out, " (dyn %s)", s->name);
        break;
    case BT_SEND_DYN:
        fprintf(out, " (send-dyn %s)", s->name);
        break;
    case BT_TYPEOF:
        fputs(" (typeof)", out);
        break;
    }
    fputc(')', out);
}

static void declarator(Declarator *d, FILE *out);

static void params(Vec *v, bool variadic, FILE *out) {
    fputs("(params", out);
    for (int i = 0; i < v->len; i++) {
        Param *p = v->data[i];
        fputs(" (param ", out);
        spec(p->spec, out);
        fputc(' ', out);
        declarator(p->decl, out);
        fputc(')', out);
    }
    if (variadic)
        fputs(" ...", out);
    fputc(')', out);
}

static void declarator(Declarator *d, FILE *out) {
    if (!d) {
        fputs("_", out);
        return;
    }
    switch (d->kind) {
    case D_IDENT:
        fputs(d->name ? d->name : "_", out);
        return;
    case D_POINTER:
        fputs("(ptr ", out);
        if (d->quals & Q_CONST) fputs("const ", out);
        if (d->quals & Q_VOLATILE) fputs("volatile ", out);
        if (d->quals & Q_RESTRICT) fputs("restrict ", out);
        if (d->quals & Q_ATOMIC) fputs("_Atomic ", out);
        declarator(d->inner, out);
        break;
    case D_ARRAY:
        fputs("(array ", out);
        declarator(d->inner, out);
        if (d->is_static)
            fputs(" static", out);
        if (d->size) {
            fputc(' ', out);
            expr(d->size, out);
        }
        break;
    case D_FUNC:
        fputs("(fn ", out);
        declarator(d->inner, out);
        fputc(' ', out);
        if (d->old_style)
            fputs("()", out);
        else
            params(&d->params, d->variadic, out);
        break;
    case D_PAREN:
        fputs("(paren ", out);
        declarator(d->inner, out);
        break;
    }
    fputc(')', out);
}

void ast_dump_type(DeclSpec *s, Declarator *d, FILE *out) {
    fputs("(type ", out);
    spec(s, out);
    fputc(' ', out);
    declarator(d, out);
    fputc(')', out);
}

static void type_name(TypeName *t, FILE *out) { ast_dump_type(t->spec, t->decl, out); }

/* ---- declarations and initializers ---------------------------------- */

static void decl(Decl *d, FILE *out) {
    fputs("(decl ", out);
    spec(d->spec, out);
    for (int i = 0; i < d->decls.len; i++) {
        InitDecl *id = d->decls.data[i];
        fputc(' ', out);
        if (!id->init && !id->bits) {
            declarator(id->decl, out);
            continue;
        }
        fputs(id->init ? "(= " : "(bits ", out);
        declarator(id->decl, out);
        fputc(' ', out);
        if (id->init)
            init(id->init, out);
        else
            expr(id->bits, out);
        fputc(')', out);
    }
    fputc(')', out);
}

static void init(Init *i, FILE *out) {
    if (!i->is_list) {
        expr(i->expr, out);
        return;
    }
    fputs("{", out);
    for (int k = 0; k < i->items.len; k++) {
        InitItem *it = i->items.data[k];
        if (k)
            fputc(' ', out);
        for (int j = 0; j < it->designators.len; j++) {
            Designator *d = it->designators.data[j];
            if (d->kind == DESIG_FIELD) {
                fprintf(out, ".%s", d->field);
            } else {
                fputc('[', out);
                expr(d->index, out);
                fputc(']', out);
            }
        }
        if (it->designators.len)
            fputc('=', out);
        init(it->init, out);
    }
    fputs("}", out);
}

/* ---- expressions ---------------------------------------------------- */

static void expr_list(const char *head, Expr *first, Vec *rest, FILE *out) {
    fprintf(out, "(%s ", head);
    expr(first, out);
    for (int i = 0; rest && i < rest->len; i++) {
        fputc(' ', out);
        expr(rest->data[i], out);
    }
    fputc(')', out);
}

static void expr(Expr *e, FILE *out) {
    if (!e) {
        fputs("_", out);
        return;
    }
    switch (e->kind) {
    case E_IDENT: fputs(e->name, out); return;
    case E_INT: case E_FLOAT: case E_CHAR: case E_STRING:
        fputs(e->text, out);
        return;
    case E_UNARY:
        fprintf(out, "(%s%s ", e->op, !strcmp(e->op, "++") || !strcmp(e->op, "--") ? "pre" : "");
        expr(e->lhs, out);
        break;
    case E_POSTFIX:
        fprintf(out, "(%spost ", e->op);
        expr(e->lhs, out);
        break;
    case E_BINARY: case E_ASSIGN: case E_COMMA: case E_INDEX:
        fprintf(out, "(%s ", e->kind == E_INDEX ? "index" : e->op);
        expr(e->lhs, out);
        fputc(' ', out);
        expr(e->rhs, out);
        break;
    case E_COND:
        fputs("(?: ", out);
        expr(e->cond, out);
        fputc(' ', out);
        expr(e->lhs, out);
        fputc(' ', out);
        expr(e->rhs, out);
        break;
    case E_CAST:
        fputs("(cast ", out);
        type_name(e->type, out);
        fputc(' ', out);
        expr(e->lhs, out);
        break;
    case E_SIZEOF_EXPR: expr_list("sizeof", e->lhs, NULL, out); return;
    case E_SIZEOF_TYPE: case E_ALIGNOF:
        fputs(e->kind == E_ALIGNOF ? "(alignof " : "(sizeof-type ", out);
        type_name(e->type, out);
        break;
    case E_CALL: expr_list("call", e->lhs, &e->args, out); return;
    case E_MEMBER:
        fprintf(out, "(%s ", e->arrow ? "->" : ".");
        expr(e->lhs, out);
        fprintf(out, " %s", e->name);
        break;
    case E_COMPOUND:
        fputs("(compound ", out);
        type_name(e->type, out);
        fputc(' ', out);
        init(e->init, out);
        break;
    case E_PAREN: expr_list("paren", e->lhs, NULL, out); return;
    case E_AWAIT: expr_list("await", e->lhs, NULL, out); return;
    case E_TRY: expr_list("try", e->lhs, NULL, out); return;
    case E_SPAWN: expr_list("spawn", e->lhs, NULL, out); return;
    case E_GENERIC:
        fputs("(generic ", out);
        expr(e->lhs, out);
        for (int i = 0; i < e->assocs.len; i++) {
            GenericAssoc *a = e->assocs.data[i];
            fputs(" (", out);
            if (a->type)
                type_name(a->type, out);
            else
                fputs("default", out);
            fputc(' ', out);
            expr(a->expr, out);
            fputc(')', out);
        }
        break;
    }
    fputc(')', out);
}

void ast_dump_expr(Expr *e, FILE *out) { expr(e, out); }

/* ---- statements ----------------------------------------------------- */

static void sub(Stmt *s, int indent, FILE *out) {
    newline(indent, out);
    stmt(s, indent, out);
}

static void stmt(Stmt *s, int indent, FILE *out) {
    if (!s) {
        fputs("_", out);
        return;
    }
    switch (s->kind) {
    case S_COMPOUND:
        fputs("(block", out);
        for (int i = 0; i < s->items.len; i++)
            sub(s->items.data[i], indent + 1, out);
        break;
    case S_DECL: decl(s->decl, out); return;
    case S_EXPR: expr_list("expr", s->expr, NULL, out); return;
    case S_NULL: fputs("(null)", out); return;
    case S_IF:
        fputs("(if ", out);
        expr(s->cond, out);
        sub(s->body, indent + 1, out);
        if (s->els)
            sub(s->els, indent + 1, out);
        break;
    case S_WHILE: case S_SWITCH:
        fprintf(out, "(%s ", s->kind == S_WHILE ? "while" : "switch");
        expr(s->cond, out);
        sub(s->body, indent + 1, out);
        break;
    case S_DO:
        fputs("(do ", out);
        expr(s->cond, out);
        sub(s->body, indent + 1, out);
        break;
    case S_FOR:
        fputs("(for ", out);
        if (s->decl)
            decl(s->decl, out);
        else
            expr(s->expr, out);
        fputc(' ', out);
        expr(s->cond, out);
        fputc(' ', out);
        expr(s->step, out);
        sub(s->body, indent + 1, out);
        break;
    case S_CASE:
        fputs("(case ", out);
        expr(s->expr, out);
        sub(s->body, indent + 1, out);
        break;
    case S_DEFAULT: fputs("(default", out); sub(s->body, indent + 1, out); break;
    case S_LABEL:
        fprintf(out, "(label %s", s->name);
        sub(s->body, indent + 1, out);
        break;
    case S_GOTO: fprintf(out, "(goto %s)", s->name); return;
    case S_BREAK: fputs("(break)", out); return;
    case S_CONTINUE: fputs("(continue)", out); return;
    case S_RETURN:
        fputs("(return", out);
        if (s->expr) {
            fputc(' ', out);
            expr(s->expr, out);
        }
        break;
    case S_DEFER: fputs("(defer", out); sub(s->body, indent + 1, out); break;
    default:
        /* lowering-only kinds (S_AWAIT) */
        fprintf(out, "(stmt-kind-%d", (int)s->kind);
        if (s->expr) {
            fputc(' ', out);
            expr(s->expr, out);
        }
        break;
    }
    fputc(')', out);
}

void ast_dump_stmt(Stmt *s, int indent, FILE *out) { stmt(s, indent, out); }

/* ---- items ---------------------------------------------------------- */

static void func(Func *f, int indent, FILE *out) {
    fprintf(out, "(func %s", f->name ? f->name : "?");
    if (f->is_async) fputs(" async", out);
    if (f->is_extern) fputs(" extern", out);
    if (f->is_send) fputs(" send", out);
    if (f->tparams.len) {
        fputs(" (tparams", out);
        for (int i = 0; i < f->tparams.len; i++) {
            TypeParam *p = f->tparams.data[i];
            fprintf(out, " (%s", p->name);
            for (int k = 0; k < p->ifaces.len; k++)
                fprintf(out, " %s", (char *)p->ifaces.data[k]);
            fputs(p->send ? " send)" : ")", out);
        }
        fputc(')', out);
    }
    fputs(" (ret ", out);
    spec(f->ret_spec, out);
    fputc(' ', out);
    declarator(f->ret_decl, out);
    fputs(") ", out);
    params(&f->params, f->variadic, out);
    if (f->body)
        sub(f->body, indent + 1, out);
    fputc(')', out);
}

static void item(Item *it, FILE *out) {
    newline(1, out);
    switch (it->kind) {
    case I_PASSTHROUGH: fputs("(passthrough ", out); quoted(it->text, out); break;
    case I_IMPORT: fputs("(import ", out); quoted(it->name, out); break;
    case I_TYPES:
        fputs("(types", out);
        for (int i = 0; i < it->names.len; i++)
            fprintf(out, " %s", (char *)it->names.data[i]);
        break;
    case I_STRUCT:
        fprintf(out, "(struct %s", it->name);
        for (int i = 0; i < it->members.len; i++) {
            newline(2, out);
            decl(it->members.data[i], out);
        }
        break;
    case I_INTERFACE: case I_IMPL:
        if (it->kind == I_INTERFACE) {
            fprintf(out, "(interface %s", it->name);
            for (int i = 0; i < it->supers.len; i++)
                fprintf(out, "%s%s", i ? " " : " (supers ", ((NameRef *)it->supers.data[i])->name);
            if (it->supers.len)
                fputc(')', out);
        } else
            fprintf(out, "(impl %s %s%s", it->iface, it->type, it->is_send ? " send" : "");
        for (int i = 0; i < it->methods.len; i++) {
            newline(2, out);
            func(it->methods.data[i], 2, out);
        }
        break;
    case I_FUNC:
        func(it->func, 1, out);
        return;
    case I_INSTANCE:
        fprintf(out, "(instance %s", it->name);
        for (int i = 0; i < it->supers.len; i++)
            fprintf(out, " (%s)", ((NameRef *)it->supers.data[i])->name);
        break;
    case I_CDECL:
        fputs("(cdecl ", out);
        if (it->func_def)
            func(it->func_def, 1, out);
        else
            decl(it->decl, out);
        break;
    }
    fputc(')', out);
}

void ast_dump(File *f, FILE *out) {
    fputs("(file ", out);
    quoted(f->path ? f->path : "", out);
    for (int i = 0; i < f->items.len; i++)
        item(f->items.data[i], out);
    fputs(")\n", out);
}
