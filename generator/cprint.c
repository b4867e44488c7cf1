/* cprint.c: prints AST pieces back as C source text (see cprint.h).
 *
 * Expressions are printed with the parentheses the tree needs: a child
 * whose precedence is below what its position requires is wrapped.
 * Declarators are printed inside out, as C writes them. Statements use
 * K&R layout with 4-space indentation. */
#include "cprint.h"

#include <string.h>

static void print_expr(Buf *b, Expr *e, const PrintHooks *h);
static void print_declarator(Buf *b, Declarator *d, const char *name,
                             Declarator *drop, const PrintHooks *h);
static void print_spec(Buf *b, DeclSpec *spec, bool with_storage, int quals,
                       const PrintHooks *h);

/* ---- small buffer helpers ------------------------------------------ */

void cprint_indent(Buf *b, int level) {
    for (int i = 0; i < level; i++)
        buf_puts(b, "    ");
}

/* A space before a word unless it is the first since start. */
static void word(Buf *b, size_t start, const char *w) {
    if (b->len > start)
        buf_putc(b, ' ');
    buf_puts(b, w);
}

static void insert_char(Buf *b, size_t pos, char c) {
    buf_putc(b, c);
    memmove(b->data + pos + 1, b->data + pos, b->len - pos - 1);
    b->data[pos] = c;
}

static void delete_char(Buf *b, size_t pos) {
    memmove(b->data + pos, b->data + pos + 1, b->len - pos);
    b->len--;
}

static void print_quals(Buf *b, size_t start, int quals) {
    if (quals & Q_CONST)
        word(b, start, "const");
    if (quals & Q_VOLATILE)
        word(b, start, "volatile");
    if (quals & Q_RESTRICT)
        word(b, start, "restrict");
    if (quals & Q_ATOMIC)
        word(b, start, "_Atomic");
}

/* ---- precedence ----------------------------------------------------- */

static const struct { const char *op; int prec; } binops[] = {
    {"*", PREC_MUL}, {"/", PREC_MUL}, {"%", PREC_MUL},
    {"+", PREC_ADD}, {"-", PREC_ADD},
    {"<<", PREC_SHIFT}, {">>", PREC_SHIFT},
    {"<", PREC_REL}, {">", PREC_REL}, {"<=", PREC_REL}, {">=", PREC_REL},
    {"==", PREC_EQ}, {"!=", PREC_EQ},
    {"&", PREC_AND}, {"^", PREC_XOR}, {"|", PREC_OR},
    {"&&", PREC_ANDAND}, {"||", PREC_OROR},
};

static int binary_prec(const char *op) {
    for (size_t i = 0; i < sizeof(binops) / sizeof(binops[0]); i++)
        if (!strcmp(binops[i].op, op))
            return binops[i].prec;
    return PREC_COMMA; /* unknown: parenthesize everywhere */
}

int cprint_prec(const Expr *e) {
    switch (e->kind) {
    case E_BINARY:
        return binary_prec(e->op);
    case E_ASSIGN:
        return PREC_ASSIGN;
    case E_COND:
        return PREC_COND;
    case E_COMMA:
        return PREC_COMMA;
    case E_UNARY: case E_CAST: case E_SIZEOF_EXPR: case E_SIZEOF_TYPE:
    case E_ALIGNOF: case E_AWAIT: case E_TRY: case E_SPAWN:
        return PREC_UNARY;
    case E_POSTFIX: case E_CALL: case E_INDEX: case E_MEMBER: case E_COMPOUND:
        return PREC_POSTFIX;
    default:
        return PREC_PRIMARY;
    }
}

/* ---- expressions ---------------------------------------------------- */

void cprint_expr(Buf *b, Expr *e, int min_prec, const PrintHooks *h) {
    if (h && h->expr && h->expr(h->ctx, e, b, min_prec))
        return;
    if (cprint_prec(e) >= min_prec) {
        print_expr(b, e, h);
        return;
    }
    buf_putc(b, '(');
    print_expr(b, e, h);
    buf_putc(b, ')');
}

static void print_ident(Buf *b, Expr *e, const PrintHooks *h) {
    const char *s = h && h->ident ? h->ident(h->ctx, e) : NULL;
    buf_puts(b, s ? s : e->name);
}

/* The operand of sizeof and of prefix ++/-- is a unary-expression: a
 * cast or a compound literal there would read as sizeof(type). */
static int operand_prec(Expr *op_expr, Expr *operand) {
    bool strict = op_expr->kind == E_SIZEOF_EXPR ||
                  !strcmp(op_expr->op, "++") || !strcmp(op_expr->op, "--");
    if (strict && (operand->kind == E_CAST || operand->kind == E_COMPOUND))
        return PREC_PRIMARY;
    return PREC_UNARY;
}

static void print_unary(Buf *b, Expr *e, const PrintHooks *h) {
    buf_puts(b, e->op);
    size_t pos = b->len;
    cprint_expr(b, e->lhs, operand_prec(e, e->lhs), h);
    /* "- -x", "+ ++x", "& &x": never glue into another token. */
    char last = e->op[strlen(e->op) - 1];
    if (strchr("+-&", last) && b->len > pos && b->data[pos] == last)
        insert_char(b, pos, ' ');
}

static void print_keyword_op(Buf *b, const char *kw, Expr *e,
                             const PrintHooks *h) {
    buf_puts(b, kw);
    buf_putc(b, ' ');
    cprint_expr(b, e->lhs, PREC_UNARY, h);
}

static void print_binary(Buf *b, Expr *e, int prec, const PrintHooks *h) {
    cprint_expr(b, e->lhs, prec, h);
    buf_printf(b, " %s ", e->op);
    cprint_expr(b, e->rhs, prec + 1, h);
}

static void print_assign(Buf *b, Expr *e, const PrintHooks *h) {
    cprint_expr(b, e->lhs, PREC_UNARY, h);
    buf_printf(b, " %s ", e->op);
    cprint_expr(b, e->rhs, PREC_ASSIGN, h);
}

static void print_cond(Buf *b, Expr *e, const PrintHooks *h) {
    cprint_expr(b, e->cond, PREC_OROR, h);
    buf_puts(b, " ? ");
    cprint_expr(b, e->lhs, PREC_COMMA, h);
    buf_puts(b, " : ");
    cprint_expr(b, e->rhs, PREC_COND, h);
}

static void print_call(Buf *b, Expr *e, const PrintHooks *h) {
    cprint_expr(b, e->lhs, PREC_POSTFIX, h);
    buf_putc(b, '(');
    for (int i = 0; i < e->args.len; i++) {
        if (i)
            buf_puts(b, ", ");
        cprint_expr(b, vec_get(&e->args, i), PREC_ASSIGN, h);
    }
    buf_putc(b, ')');
}

static void print_typename_paren(Buf *b, const char *kw, TypeName *t,
                                 const PrintHooks *h) {
    buf_puts(b, kw);
    buf_putc(b, '(');
    cprint_typename(b, t->spec, t->decl, h);
    buf_putc(b, ')');
}

static void print_compound(Buf *b, Expr *e, const PrintHooks *h) {
    print_typename_paren(b, "", e->type, h);
    if (e->init->is_list) {
        cprint_init(b, e->init, h);
        return;
    }
    buf_putc(b, '{');
    cprint_init(b, e->init, h);
    buf_putc(b, '}');
}

static void print_generic(Buf *b, Expr *e, const PrintHooks *h) {
    buf_puts(b, "_Generic(");
    cprint_expr(b, e->lhs, PREC_ASSIGN, h);
    for (int i = 0; i < e->assocs.len; i++) {
        GenericAssoc *a = vec_get(&e->assocs, i);
        buf_puts(b, ", ");
        if (a->type)
            cprint_typename(b, a->type->spec, a->type->decl, h);
        else
            buf_puts(b, "default");
        buf_puts(b, ": ");
        cprint_expr(b, a->expr, PREC_ASSIGN, h);
    }
    buf_putc(b, ')');
}

static void print_postfixish(Buf *b, Expr *e, const PrintHooks *h) {
    cprint_expr(b, e->lhs, PREC_POSTFIX, h);
    switch (e->kind) {
    case E_POSTFIX:
        buf_puts(b, e->op);
        return;
    case E_INDEX:
        buf_putc(b, '[');
        cprint_expr(b, e->rhs, PREC_COMMA, h);
        buf_putc(b, ']');
        return;
    default: /* E_MEMBER */
        buf_puts(b, e->arrow ? "->" : ".");
        buf_puts(b, e->name);
        return;
    }
}

static void print_expr(Buf *b, Expr *e, const PrintHooks *h) {
    switch (e->kind) {
    case E_IDENT:
        print_ident(b, e, h);
        return;
    case E_INT: case E_FLOAT: case E_CHAR: case E_STRING:
        buf_puts(b, e->text);
        return;
    case E_UNARY:
        print_unary(b, e, h);
        return;
    case E_POSTFIX: case E_INDEX: case E_MEMBER:
        print_postfixish(b, e, h);
        return;
    case E_BINARY:
        print_binary(b, e, cprint_prec(e), h);
        return;
    case E_ASSIGN:
        print_assign(b, e, h);
        return;
    case E_COND:
        print_cond(b, e, h);
        return;
    case E_COMMA:
        cprint_expr(b, e->lhs, PREC_COMMA, h);
        buf_puts(b, ", ");
        cprint_expr(b, e->rhs, PREC_ASSIGN, h);
        return;
    case E_CAST:
        print_typename_paren(b, "", e->type, h);
        cprint_expr(b, e->lhs, PREC_UNARY, h);
        return;
    case E_SIZEOF_EXPR:
        buf_puts(b, "sizeof ");
        cprint_expr(b, e->lhs, operand_prec(e, e->lhs), h);
        return;
    case E_SIZEOF_TYPE:
        print_typename_paren(b, "sizeof", e->type, h);
        return;
    case E_ALIGNOF:
        print_typename_paren(b, "_Alignof", e->type, h);
        return;
    case E_CALL:
        print_call(b, e, h);
        return;
    case E_COMPOUND:
        print_compound(b, e, h);
        return;
    case E_PAREN:
        buf_putc(b, '(');
        cprint_expr(b, e->lhs, PREC_COMMA, h);
        buf_putc(b, ')');
        return;
    case E_AWAIT:
        print_keyword_op(b, "await", e, h);
        return;
    case E_TRY:
        print_keyword_op(b, "try", e, h);
        return;
    case E_SPAWN:
        print_keyword_op(b, "spawn", e, h);
        return;
    case E_GENERIC:
        print_generic(b, e, h);
        return;
    }
}

/* ---- initializers --------------------------------------------------- */

static void print_designators(Buf *b, Vec *ds, const PrintHooks *h) {
    for (int i = 0; i < ds->len; i++) {
        Designator *d = vec_get(ds, i);
        if (d->kind == DESIG_FIELD) {
            buf_putc(b, '.');
            buf_puts(b, d->field);
            continue;
        }
        buf_putc(b, '[');
        cprint_expr(b, d->index, PREC_COND, h);
        buf_putc(b, ']');
    }
    if (ds->len)
        buf_puts(b, " = ");
}

void cprint_init(Buf *b, Init *init, const PrintHooks *h) {
    if (!init->is_list) {
        cprint_expr(b, init->expr, PREC_ASSIGN, h);
        return;
    }
    buf_putc(b, '{');
    for (int i = 0; i < init->items.len; i++) {
        InitItem *it = vec_get(&init->items, i);
        if (i)
            buf_puts(b, ", ");
        print_designators(b, &it->designators, h);
        cprint_init(b, it->init, h);
    }
    buf_putc(b, '}');
}

/* ---- declaration specifiers ----------------------------------------- */

static const struct { int bit; const char *word; } storage_words[] = {
    {SC_TYPEDEF, "typedef"}, {SC_EXTERN, "extern"}, {SC_STATIC, "static"},
    {SC_THREAD_LOCAL, "_Thread_local"}, {SC_AUTO, "auto"},
    {SC_REGISTER, "register"}, {SC_INLINE, "inline"},
    {SC_NORETURN, "_Noreturn"},
};

static void print_storage(Buf *b, size_t start, int storage) {
    for (size_t i = 0; i < sizeof(storage_words) / sizeof(storage_words[0]); i++)
        if (storage & storage_words[i].bit)
            word(b, start, storage_words[i].word);
}

static void print_members(Buf *b, Vec *members, const PrintHooks *h) {
    buf_puts(b, " {");
    for (int i = 0; i < members->len; i++) {
        buf_putc(b, ' ');
        cprint_declaration(b, vec_get(members, i), h);
    }
    buf_puts(b, " }");
}

static const char *tag_spelling(const char *name, const PrintHooks *h) {
    const char *s = h && h->tag_name ? h->tag_name(h->ctx, name) : NULL;
    return s ? s : name;
}

static void print_enumerators(Buf *b, Vec *es, const PrintHooks *h) {
    buf_puts(b, " {");
    for (int i = 0; i < es->len; i++) {
        Enumerator *en = vec_get(es, i);
        buf_puts(b, i ? ", " : " ");
        buf_puts(b, tag_spelling(en->name, h));
        if (en->value) {
            buf_puts(b, " = ");
            cprint_expr(b, en->value, PREC_COND, h);
        }
    }
    buf_puts(b, " }");
}

static void print_tagged(Buf *b, const char *kw, DeclSpec *spec,
                         const PrintHooks *h) {
    buf_puts(b, kw);
    if (spec->name) {
        buf_putc(b, ' ');
        buf_puts(b, tag_spelling(spec->name, h));
    }
    if (!spec->has_body)
        return;
    if (spec->kind == BT_ENUM)
        print_enumerators(b, &spec->enumerators, h);
    else
        print_members(b, &spec->members, h);
}

static void print_base(Buf *b, DeclSpec *spec, const PrintHooks *h) {
    const char *s;
    switch (spec->kind) {
    case BT_NAME:
        s = h && h->type_name ? h->type_name(h->ctx, spec->name) : NULL;
        buf_puts(b, s ? s : spec->name);
        return;
    case BT_STRUCT:
        print_tagged(b, "struct", spec, h);
        return;
    case BT_UNION:
        print_tagged(b, "union", spec, h);
        return;
    case BT_ENUM:
        print_tagged(b, "enum", spec, h);
        return;
    case BT_DYN:
        buf_printf(b, "%s_dyn", spec->name);
        return;
    case BT_SEND_DYN:
        buf_printf(b, "%s_send_dyn", spec->name);
        return;
    default: /* BT_WORDS, BT_TYPEOF (reserved) */
        buf_puts(b, spec->words ? spec->words : spec->name ? spec->name : "int");
        return;
    }
}

static void print_spec(Buf *b, DeclSpec *spec, bool with_storage, int quals,
                       const PrintHooks *h) {
    size_t start = b->len;
    if (with_storage)
        print_storage(b, start, spec->storage);
    if (spec->align) {
        word(b, start, "_Alignas(");
        cprint_expr(b, spec->align, PREC_ASSIGN, h);
        buf_putc(b, ')');
    }
    print_quals(b, start, quals);
    if (b->len > start)
        buf_putc(b, ' ');
    print_base(b, spec, h);
}

void cprint_spec(Buf *b, DeclSpec *spec, bool with_storage, const PrintHooks *h) {
    print_spec(b, spec, with_storage, spec->quals, h);
}

/* ---- declarators ---------------------------------------------------- */

static void print_array(Buf *b, Declarator *d, const char *name,
                        Declarator *drop, const PrintHooks *h) {
    print_declarator(b, d->inner, name, drop, h);
    buf_putc(b, '[');
    size_t start = b->len;
    if (d->is_static)
        word(b, start, "static");
    print_quals(b, start, d->quals);
    if (d->size) {
        if (b->len > start)
            buf_putc(b, ' ');
        cprint_expr(b, d->size, PREC_ASSIGN, h);
    }
    buf_putc(b, ']');
}

static void print_pointer(Buf *b, Declarator *d, const char *name,
                          Declarator *drop, const PrintHooks *h) {
    buf_putc(b, '*');
    size_t start = b->len;
    print_quals(b, start, d == drop ? d->quals & ~Q_CONST : d->quals);
    if (b->len == start) {
        print_declarator(b, d->inner, name, drop, h);
        return;
    }
    buf_putc(b, ' ');
    size_t pos = b->len;
    print_declarator(b, d->inner, name, drop, h);
    if (b->len == pos)
        delete_char(b, pos - 1); /* abstract: "*const" */
}

static void print_declarator(Buf *b, Declarator *d, const char *name,
                             Declarator *drop, const PrintHooks *h) {
    if (!d) {
        if (name)
            buf_puts(b, name);
        return;
    }
    switch (d->kind) {
    case D_IDENT:
        if (name || d->name)
            buf_puts(b, name ? name : d->name);
        return;
    case D_POINTER:
        print_pointer(b, d, name, drop, h);
        return;
    case D_ARRAY:
        print_array(b, d, name, drop, h);
        return;
    case D_FUNC:
        print_declarator(b, d->inner, name, drop, h);
        if (d->old_style && !d->params.len)
            buf_puts(b, "()");
        else
            cprint_params(b, &d->params, d->variadic, h);
        return;
    case D_PAREN:
        buf_putc(b, '(');
        print_declarator(b, d->inner, name, drop, h);
        buf_putc(b, ')');
        return;
    }
}

/* The node holding the object's own qualifiers: the derivation nearest
 * the name, through parentheses and arrays (an array's qualifiers are
 * its elements'). NULL when they are the specifier's; a D_FUNC node
 * when there are none. */
static Declarator *top_node(Declarator *d) {
    if (!d || d->kind == D_IDENT)
        return NULL;
    Declarator *t = top_node(d->inner);
    if (t)
        return t;
    return d->kind == D_POINTER || d->kind == D_FUNC ? d : NULL;
}

static void print_decl(Buf *b, DeclSpec *spec, Declarator *d, const char *name,
                       bool with_storage, bool drop_const, const PrintHooks *h) {
    int quals = spec->quals;
    Declarator *drop = NULL;
    if (drop_const) {
        drop = top_node(d);
        if (!drop)
            quals &= ~Q_CONST;
    }
    print_spec(b, spec, with_storage, quals, h);
    buf_putc(b, ' ');
    size_t pos = b->len;
    print_declarator(b, d, name, drop, h);
    if (b->len == pos || b->data[pos] == '[')
        delete_char(b, pos - 1);
}

void cprint_decl(Buf *b, DeclSpec *spec, Declarator *d, const DeclPrint *how,
                 const PrintHooks *h) {
    print_decl(b, spec, d, how ? how->name : NULL, how && how->with_storage,
               how && how->drop_top_const, h);
}

void cprint_typename(Buf *b, DeclSpec *spec, Declarator *abstract_decl,
                     const PrintHooks *h) {
    print_decl(b, spec, abstract_decl, NULL, false, false, h);
}

void cprint_params(Buf *b, Vec *params, bool variadic, const PrintHooks *h) {
    buf_putc(b, '(');
    for (int i = 0; i < params->len; i++) {
        Param *p = vec_get(params, i);
        if (i)
            buf_puts(b, ", ");
        print_decl(b, p->spec, p->decl, NULL, true, false, h);
    }
    if (variadic)
        buf_puts(b, params->len ? ", ..." : "...");
    else if (!params->len)
        buf_puts(b, "void");
    buf_putc(b, ')');
}

void cprint_declaration(Buf *b, Decl *d, const PrintHooks *h) {
    cprint_spec(b, d->spec, true, h);
    for (int i = 0; i < d->decls.len; i++) {
        InitDecl *id = vec_get(&d->decls, i);
        buf_puts(b, i ? ", " : " ");
        size_t pos = b->len;
        print_declarator(b, id->decl, NULL, NULL, h);
        if (i == 0 && b->len > pos && b->data[pos] == '[')
            delete_char(b, pos - 1);
        if (id->bits) {
            buf_puts(b, b->len == pos ? ": " : " : ");
            cprint_expr(b, id->bits, PREC_COND, h);
        }
        if (id->init) {
            buf_puts(b, " = ");
            cprint_init(b, id->init, h);
        }
    }
    buf_putc(b, ';');
}

/* ---- statements ----------------------------------------------------- */

static void print_items(Buf *b, Vec *items, int ind, const PrintHooks *h) {
    for (int i = 0; i < items->len; i++)
        cprint_stmt(b, vec_get(items, i), ind, h);
}

/* Would an else after s bind to an if inside s? */
static bool dangles(Stmt *s) {
    switch (s->kind) {
    case S_IF:
        return !s->els || dangles(s->els);
    case S_WHILE: case S_FOR: case S_SWITCH: case S_CASE: case S_DEFAULT:
    case S_LABEL:
        return dangles(s->body);
    default:
        return false;
    }
}

static bool brace_bodies(const PrintHooks *h) { return h && h->brace_bodies; }

/* What goes inside the braces of a block or a braced body. */
static void print_inside(Buf *b, Stmt *s, int ind, const PrintHooks *h) {
    if (h && h->body)
        h->body(h->ctx, s, b, ind);
    else if (s->kind == S_COMPOUND)
        print_items(b, &s->items, ind, h);
    else
        cprint_stmt(b, s, ind, h);
}

/* Prints a statement body after its header. A compound body goes on the
 * header's line and ends at "}" (returns true); another body goes on the
 * next line, one level deeper, and ends with a newline, unless brace. */
static bool print_body(Buf *b, Stmt *s, int ind, bool brace,
                       const PrintHooks *h) {
    if (s->kind != S_COMPOUND && !brace && !brace_bodies(h)) {
        buf_putc(b, '\n');
        cprint_stmt(b, s, ind + 1, h);
        return false;
    }
    buf_puts(b, " {\n");
    print_inside(b, s, ind + 1, h);
    cprint_indent(b, ind);
    buf_putc(b, '}');
    return true;
}

static void print_header(Buf *b, const char *kw, Expr *cond,
                         const PrintHooks *h) {
    buf_puts(b, kw);
    buf_puts(b, " (");
    cprint_expr(b, cond, PREC_COMMA, h);
    buf_putc(b, ')');
}

/* An if, its indentation already printed (so else-if chains share it). */
static void print_if(Buf *b, Stmt *s, int ind, const PrintHooks *h) {
    print_header(b, "if", s->cond, h);
    bool br = print_body(b, s->body, ind, s->els && dangles(s->body), h);
    if (!s->els) {
        if (br)
            buf_putc(b, '\n');
        return;
    }
    if (br) {
        buf_puts(b, " else");
    } else {
        cprint_indent(b, ind);
        buf_puts(b, "else");
    }
    if (s->els->kind == S_IF && !brace_bodies(h)) {
        buf_putc(b, ' ');
        print_if(b, s->els, ind, h);
        return;
    }
    if (print_body(b, s->els, ind, false, h))
        buf_putc(b, '\n');
}

static void print_loop(Buf *b, Stmt *s, int ind, const PrintHooks *h) {
    if (print_body(b, s->body, ind, false, h))
        buf_putc(b, '\n');
}

static void print_do(Buf *b, Stmt *s, int ind, const PrintHooks *h) {
    buf_puts(b, "do");
    if (print_body(b, s->body, ind, false, h)) {
        buf_putc(b, ' ');
    } else {
        cprint_indent(b, ind);
    }
    print_header(b, "while", s->cond, h);
    buf_puts(b, ";\n");
}

static void print_for(Buf *b, Stmt *s, int ind, const PrintHooks *h) {
    buf_puts(b, "for (");
    if (s->decl && !(h && h->for_init && h->for_init(h->ctx, s->decl, b))) {
        cprint_declaration(b, s->decl, h);
    } else {
        if (!s->decl && s->expr)
            cprint_expr(b, s->expr, PREC_COMMA, h);
        buf_putc(b, ';');
    }
    if (s->cond) {
        buf_putc(b, ' ');
        cprint_expr(b, s->cond, PREC_COMMA, h);
    }
    buf_putc(b, ';');
    if (s->step) {
        buf_putc(b, ' ');
        cprint_expr(b, s->step, PREC_COMMA, h);
    }
    buf_putc(b, ')');
    print_loop(b, s, ind, h);
}

/* case, default and labels: one level out, then the statement. */
static void print_labeled(Buf *b, Stmt *s, int ind, const PrintHooks *h) {
    cprint_indent(b, ind > 0 ? ind - 1 : 0);
    if (s->kind == S_CASE) {
        buf_puts(b, "case ");
        cprint_expr(b, s->expr, PREC_COND, h);
    } else {
        buf_puts(b, s->kind == S_DEFAULT ? "default" : s->name);
    }
    buf_puts(b, ":\n");
    if (h && h->starts_with_decl ? h->starts_with_decl(h->ctx, s->body) : s->body->kind == S_DECL) {
        cprint_indent(b, ind);   /* C11 has no declaration right after a label */
        buf_puts(b, ";\n");
    }
    cprint_stmt(b, s->body, ind, h);
}

static void print_jump(Buf *b, Stmt *s, const PrintHooks *h) {
    switch (s->kind) {
    case S_GOTO:
        buf_printf(b, "goto %s", s->name);
        break;
    case S_BREAK:
        buf_puts(b, "break");
        break;
    case S_CONTINUE:
        buf_puts(b, "continue");
        break;
    default: /* S_RETURN */
        buf_puts(b, "return");
        if (s->expr) {
            buf_putc(b, ' ');
            cprint_expr(b, s->expr, PREC_COMMA, h);
        }
        break;
    }
    buf_puts(b, ";\n");
}

static void print_simple(Buf *b, Stmt *s, int ind, const PrintHooks *h) {
    switch (s->kind) {
    case S_COMPOUND:
        buf_puts(b, "{\n");
        print_inside(b, s, ind + 1, h);
        cprint_indent(b, ind);
        buf_puts(b, "}\n");
        return;
    case S_DECL:
        cprint_declaration(b, s->decl, h);
        buf_putc(b, '\n');
        return;
    case S_EXPR:
    case S_AWAIT: /* made by the lowering; printed for debugging */
        if (s->expr)
            cprint_expr(b, s->expr, PREC_COMMA, h);
        buf_puts(b, ";\n");
        return;
    case S_NULL:
        buf_puts(b, ";\n");
        return;
    default:
        print_jump(b, s, h);
        return;
    }
}

void cprint_stmt(Buf *b, Stmt *s, int ind, const PrintHooks *h) {
    if (h && h->stmt && h->stmt(h->ctx, s, b, ind))
        return;
    if (s->kind == S_CASE || s->kind == S_DEFAULT || s->kind == S_LABEL) {
        print_labeled(b, s, ind, h);
        return;
    }
    cprint_indent(b, ind);
    switch (s->kind) {
    case S_IF:
        print_if(b, s, ind, h);
        return;
    case S_WHILE:
        print_header(b, "while", s->cond, h);
        print_loop(b, s, ind, h);
        return;
    case S_SWITCH:
        print_header(b, "switch", s->cond, h);
        print_loop(b, s, ind, h);
        return;
    case S_DO:
        print_do(b, s, ind, h);
        return;
    case S_FOR:
        print_for(b, s, ind, h);
        return;
    case S_DEFER:
        buf_puts(b, "defer");
        print_loop(b, s, ind, h);
        return;
    default:
        print_simple(b, s, ind, h);
        return;
    }
}
