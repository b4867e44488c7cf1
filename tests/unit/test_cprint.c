/* test_cprint.c: the C printer on hand-built trees. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "cprint.h"

/* ---- constructors ---------------------------------------------------- */

static Expr *ex(ExprKind k, const char *op, Expr *lhs, Expr *rhs) {
    Expr *e = xalloc(sizeof(Expr));
    e->kind = k;
    e->op = op;
    e->lhs = lhs;
    e->rhs = rhs;
    return e;
}

static Expr *id(const char *name) {
    Expr *e = ex(E_IDENT, NULL, NULL, NULL);
    e->name = name;
    return e;
}

static Expr *num(const char *text) {
    Expr *e = ex(E_INT, NULL, NULL, NULL);
    e->text = text;
    return e;
}

static Expr *bin(const char *op, Expr *l, Expr *r) { return ex(E_BINARY, op, l, r); }
static Expr *un(const char *op, Expr *x) { return ex(E_UNARY, op, x, NULL); }
static Expr *post(const char *op, Expr *x) { return ex(E_POSTFIX, op, x, NULL); }
static Expr *asg(const char *op, Expr *l, Expr *r) { return ex(E_ASSIGN, op, l, r); }
static Expr *paren(Expr *x) { return ex(E_PAREN, NULL, x, NULL); }

static Expr *call(Expr *f, int n, ...) {
    Expr *e = ex(E_CALL, NULL, f, NULL);
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        vec_push(&e->args, va_arg(ap, Expr *));
    va_end(ap);
    return e;
}

static Expr *member(Expr *x, const char *name, bool arrow) {
    Expr *e = ex(E_MEMBER, NULL, x, NULL);
    e->name = name;
    e->arrow = arrow;
    return e;
}

static Expr *cond(Expr *c, Expr *a, Expr *b) {
    Expr *e = ex(E_COND, NULL, a, b);
    e->cond = c;
    return e;
}

static DeclSpec *spec_q(const char *words, int quals) {
    DeclSpec *s = xalloc(sizeof(DeclSpec));
    s->kind = BT_WORDS;
    s->words = words;
    s->quals = quals;
    return s;
}

static DeclSpec *spec(const char *words) { return spec_q(words, 0); }

static Declarator *dk(DeclKind k, Declarator *inner) {
    Declarator *d = xalloc(sizeof(Declarator));
    d->kind = k;
    d->inner = inner;
    return d;
}

static Declarator *did(const char *name) {
    Declarator *d = dk(D_IDENT, NULL);
    d->name = name;
    return d;
}

static Declarator *dptr(int quals, Declarator *inner) {
    Declarator *d = dk(D_POINTER, inner);
    d->quals = quals;
    return d;
}

static Declarator *darr(Declarator *inner, Expr *size) {
    Declarator *d = dk(D_ARRAY, inner);
    d->size = size;
    return d;
}

static Declarator *dparen(Declarator *inner) { return dk(D_PAREN, inner); }

static Param *param(DeclSpec *s, Declarator *d) {
    Param *p = xalloc(sizeof(Param));
    p->spec = s;
    p->decl = d;
    return p;
}

static Declarator *dfunc(Declarator *inner, bool variadic, int n, ...) {
    Declarator *d = dk(D_FUNC, inner);
    d->variadic = variadic;
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        vec_push(&d->params, va_arg(ap, Param *));
    va_end(ap);
    return d;
}

static TypeName *tname(DeclSpec *s, Declarator *d) {
    TypeName *t = xalloc(sizeof(TypeName));
    t->spec = s;
    t->decl = d ? d : did(NULL);
    return t;
}

static Expr *cast(TypeName *t, Expr *x) {
    Expr *e = ex(E_CAST, NULL, x, NULL);
    e->type = t;
    return e;
}

static Init *iexpr(Expr *e) {
    Init *i = xalloc(sizeof(Init));
    i->expr = e;
    return i;
}

static Init *ilist(void) {
    Init *i = xalloc(sizeof(Init));
    i->is_list = true;
    return i;
}

/* Appends an item; designators are ".name" or "[N]" strings. */
static Init *item(Init *list, Init *val, int n, ...) {
    InitItem *it = xalloc(sizeof(InitItem));
    it->init = val;
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        const char *s = va_arg(ap, const char *);
        Designator *d = xalloc(sizeof(Designator));
        if (s[0] == '.') {
            d->kind = DESIG_FIELD;
            d->field = s + 1;
        } else {
            d->kind = DESIG_INDEX;
            d->index = num(xstrndup(s + 1, strlen(s) - 2));
        }
        vec_push(&it->designators, d);
    }
    va_end(ap);
    vec_push(&list->items, it);
    return list;
}

static Decl *decl1(DeclSpec *s, Declarator *d, Init *init) {
    Decl *dl = xalloc(sizeof(Decl));
    dl->spec = s;
    InitDecl *id = xalloc(sizeof(InitDecl));
    id->decl = d;
    id->init = init;
    vec_push(&dl->decls, id);
    return dl;
}

static Stmt *st(StmtKind k) {
    Stmt *s = xalloc(sizeof(Stmt));
    s->kind = k;
    return s;
}

static Stmt *sexpr(Expr *e) {
    Stmt *s = st(S_EXPR);
    s->expr = e;
    return s;
}

static Stmt *block(int n, ...) {
    Stmt *s = st(S_COMPOUND);
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        vec_push(&s->items, va_arg(ap, Stmt *));
    va_end(ap);
    return s;
}

static Stmt *sif(Expr *c, Stmt *then, Stmt *els) {
    Stmt *s = st(S_IF);
    s->cond = c;
    s->body = then;
    s->els = els;
    return s;
}

static Stmt *sloop(StmtKind k, Expr *c, Stmt *body) {
    Stmt *s = st(k);
    s->cond = c;
    s->body = body;
    return s;
}

static Stmt *slabeled(StmtKind k, Expr *e, const char *name, Stmt *body) {
    Stmt *s = st(k);
    s->expr = e;
    s->name = name;
    s->body = body;
    return s;
}

/* ---- printing into strings ------------------------------------------- */

static char *take(Buf *b) {
    char *s = xstrdup(b->data ? b->data : "");
    buf_free(b);
    return s;
}

static char *pe_h(Expr *e, const PrintHooks *h) {
    Buf b = {0};
    cprint_expr(&b, e, PREC_COMMA, h);
    return take(&b);
}

static char *pe(Expr *e) { return pe_h(e, NULL); }

static char *pd(DeclSpec *s, Declarator *d, const char *name, bool drop) {
    Buf b = {0};
    DeclPrint how = {name, true, drop};
    cprint_decl(&b, s, d, &how, NULL);
    return take(&b);
}

static char *pt(DeclSpec *s, Declarator *d) {
    Buf b = {0};
    cprint_typename(&b, s, d, NULL);
    return take(&b);
}

static char *ps(Stmt *s, int ind) {
    Buf b = {0};
    cprint_stmt(&b, s, ind, NULL);
    return take(&b);
}

static char *pi(Init *i) {
    Buf b = {0};
    cprint_init(&b, i, NULL);
    return take(&b);
}

/* ---- expressions ------------------------------------------------------ */

static void test_precedence(void **state) {
    (void)state;
    Expr *a = id("a"), *b = id("b"), *c = id("c");
    assert_string_equal(pe(bin("*", bin("+", a, b), c)), "(a + b) * c");
    assert_string_equal(pe(bin("+", a, bin("*", b, c))), "a + b * c");
    assert_string_equal(pe(bin("-", a, bin("-", b, c))), "a - (b - c)");
    assert_string_equal(pe(bin("-", bin("-", a, b), c)), "a - b - c");
    assert_string_equal(pe(asg("=", a, asg("=", b, c))), "a = b = c");
    assert_string_equal(pe(asg("=", asg("=", a, b), c)), "(a = b) = c");
    assert_string_equal(pe(bin("&&", bin("||", a, b), c)), "(a || b) && c");
    assert_string_equal(pe(bin("<<", a, bin("+", b, c))), "a << b + c");
    assert_string_equal(pe(cond(a, b, cond(c, a, b))), "a ? b : c ? a : b");
    assert_string_equal(pe(cond(cond(a, b, c), a, b)), "(a ? b : c) ? a : b");
    assert_string_equal(pe(asg("+=", a, cond(b, c, a))), "a += b ? c : a");
    assert_string_equal(pe(ex(E_COMMA, NULL, a, ex(E_COMMA, NULL, b, c))),
                        "a, (b, c)");
    assert_string_equal(pe(call(id("f"), 2, ex(E_COMMA, NULL, a, b), c)),
                        "f((a, b), c)");
    /* parentheses the user wrote are kept */
    assert_string_equal(pe(bin("+", paren(bin("*", a, b)), c)), "(a * b) + c");
}

static void test_unary(void **state) {
    (void)state;
    Expr *x = id("x"), *p = id("p");
    assert_string_equal(pe(un("-", un("-", x))), "- -x");
    assert_string_equal(pe(un("+", un("+", x))), "+ +x");
    assert_string_equal(pe(un("+", un("++", x))), "+ ++x");
    assert_string_equal(pe(un("-", un("--", x))), "- --x");
    assert_string_equal(pe(un("&", un("&", x))), "& &x");
    assert_string_equal(pe(un("-", paren(un("-", x)))), "-(-x)");
    assert_string_equal(pe(un("!", un("!", x))), "!!x");
    assert_string_equal(pe(un("*", un("*", p))), "**p");
    assert_string_equal(pe(un("*", post("++", p))), "*p++");
    assert_string_equal(pe(post("++", un("*", p))), "(*p)++");
    assert_string_equal(pe(call(un("*", id("fp")), 1, x)), "(*fp)(x)");
    assert_string_equal(pe(member(un("*", p), "a", false)), "(*p).a");
    assert_string_equal(pe(member(member(p, "a", true), "b", false)), "p->a.b");
    assert_string_equal(pe(un("-", bin("+", x, x))), "-(x + x)");
    assert_string_equal(pe(ex(E_SIZEOF_EXPR, NULL, x, NULL)), "sizeof x");
    assert_string_equal(pe(ex(E_INDEX, NULL, bin("+", p, x), num("1"))),
                        "(p + x)[1]");
}

static void test_cast(void **state) {
    (void)state;
    Expr *x = id("x");
    TypeName *ci = tname(spec("int"), NULL);
    TypeName *cp = tname(spec_q("char", Q_CONST), dptr(0, did(NULL)));
    assert_string_equal(pe(cast(ci, un("-", x))), "(int)-x");
    assert_string_equal(pe(cast(cp, un("&", x))), "(const char *)&x");
    assert_string_equal(pe(un("-", cast(ci, x))), "-(int)x");
    assert_string_equal(pe(cast(ci, bin("+", x, x))), "(int)(x + x)");
    assert_string_equal(pe(bin("*", cast(ci, x), x)), "(int)x * x");
    assert_string_equal(pe(member(cast(cp, x), "a", true)), "((const char *)x)->a");
    assert_string_equal(pe(ex(E_SIZEOF_EXPR, NULL, cast(ci, x), NULL)),
                        "sizeof ((int)x)");
    Expr *sz = ex(E_SIZEOF_TYPE, NULL, NULL, NULL);
    sz->type = cp;
    assert_string_equal(pe(sz), "sizeof(const char *)");
    Expr *al = ex(E_ALIGNOF, NULL, NULL, NULL);
    al->type = ci;
    assert_string_equal(pe(al), "_Alignof(int)");
    Expr *cl = ex(E_COMPOUND, NULL, NULL, NULL);
    cl->type = tname(spec("struct P"), NULL);
    cl->init = item(item(ilist(), iexpr(num("1")), 1, ".x"), iexpr(num("2")), 1, ".y");
    assert_string_equal(pe(member(cl, "x", false)), "(struct P){.x = 1, .y = 2}.x");
}

static void test_misc_exprs(void **state) {
    (void)state;
    Expr *s = ex(E_STRING, NULL, NULL, NULL);
    s->text = "\"a\" \"b\"";
    assert_string_equal(pe(call(id("puts"), 1, s)), "puts(\"a\" \"b\")");
    assert_string_equal(pe(call(id("f"), 0)), "f()");
    assert_string_equal(pe(ex(E_AWAIT, NULL, call(id("g"), 1, id("x")), NULL)),
                        "await g(x)");
    assert_string_equal(pe(ex(E_TRY, NULL, id("x"), NULL)), "try x");
    assert_string_equal(pe(ex(E_SPAWN, NULL, call(id("g"), 0), NULL)), "spawn g()");
    Expr *g = ex(E_GENERIC, NULL, id("x"), NULL);
    GenericAssoc *a1 = xalloc(sizeof(GenericAssoc)), *a2 = xalloc(sizeof(GenericAssoc));
    a1->type = tname(spec("int"), NULL);
    a1->expr = num("1");
    a2->expr = num("0");
    vec_push(&g->assocs, a1);
    vec_push(&g->assocs, a2);
    assert_string_equal(pe(g), "_Generic(x, int: 1, default: 0)");
}

/* ---- hooks ------------------------------------------------------------ */

static const char *hook_ident(void *ctx, Expr *e) {
    (void)ctx;
    return strcmp(e->name, "x") ? NULL : "f->x";
}

static bool hook_expr(void *ctx, Expr *e, Buf *b, int prec) {
    int *calls = ctx;
    ++*calls;
    if (e->kind != E_AWAIT)
        return false;
    buf_puts(b, prec > PREC_ADD ? "(t0 + 0)" : "t0 + 0");
    return true;
}

static const char *hook_type(void *ctx, const char *name) {
    (void)ctx;
    return strcmp(name, "C") ? NULL : "MemCache";
}

static void test_hooks(void **state) {
    (void)state;
    int calls = 0;
    PrintHooks h = {.ctx = &calls, .ident = hook_ident, .type_name = hook_type, .expr = hook_expr};
    Expr *aw = ex(E_AWAIT, NULL, call(id("g"), 0), NULL);
    assert_string_equal(pe_h(bin("*", id("x"), aw), &h), "f->x * (t0 + 0)");
    assert_int_equal(calls, 3);
    DeclSpec *c = xalloc(sizeof(DeclSpec));
    c->kind = BT_NAME;
    c->name = "C";
    Buf b = {0};
    cprint_decl(&b, c, dptr(0, did("self")), NULL, &h);
    assert_string_equal(take(&b), "MemCache *self");
    c->kind = BT_DYN;
    c->name = "Store";
    assert_string_equal(pt(c, NULL), "Store_dyn");
    c->kind = BT_SEND_DYN;
    assert_string_equal(pt(c, NULL), "Store_send_dyn");
}

/* ---- declarators ------------------------------------------------------ */

static void test_declarators(void **state) {
    (void)state;
    assert_string_equal(pd(spec("char"), dptr(Q_CONST, dptr(0, did("p"))), NULL, false),
                        "char *const *p");
    Declarator *fp = dfunc(dparen(dptr(0, did("fp"))), false, 2,
                           param(spec("int"), NULL),
                           param(spec("char"), dptr(0, did(NULL))));
    assert_string_equal(pd(spec("int"), fp, NULL, false), "int (*fp)(int, char *)");
    assert_string_equal(pd(spec("int"), darr(did("a"), num("10")), NULL, false),
                        "int a[10]");
    assert_string_equal(pd(spec("int"), dparen(dptr(0, darr(did("pa"), num("3")))),
                           NULL, false), "int (*pa[3])");
    assert_string_equal(pd(spec("int"), darr(dparen(dptr(0, did("pa"))), num("3")),
                           NULL, false), "int (*pa)[3]");
    assert_string_equal(pt(spec("int"), darr(dptr(0, did(NULL)), num("3"))), "int *[3]");
    assert_string_equal(pt(spec("int"), darr(did(NULL), NULL)), "int[]");
    assert_string_equal(pt(spec("int"), dfunc(dparen(dptr(0, did(NULL))), false, 0)),
                        "int (*)(void)");
    assert_string_equal(pt(spec("char"), dptr(Q_CONST | Q_VOLATILE, did(NULL))),
                        "char *const volatile");
    Declarator *arr = darr(did("a"), num("n"));
    arr->is_static = true;
    arr->quals = Q_CONST | Q_RESTRICT;
    assert_string_equal(pd(spec("int"), arr, NULL, false),
                        "int a[static const restrict n]");
}

static void test_name_override(void **state) {
    (void)state;
    Declarator *fp = dfunc(dparen(dptr(0, did("cb"))), false, 1,
                           param(spec("int"), did("x")));
    assert_string_equal(pd(spec("void"), fp, "f->cb", false), "void (*f->cb)(int x)");
    assert_string_equal(pd(spec("void"), fp, "", false), "void (*)(int x)");
    /* an abstract declarator still gets the name where the ident sits */
    assert_string_equal(pd(spec("int"), darr(dptr(0, did(NULL)), num("3")), "t", false),
                        "int *t[3]");
    assert_string_equal(pd(spec("int"), did(NULL), "v", false), "int v");
    assert_string_equal(pd(spec("int"), NULL, "v", false), "int v");
    DeclSpec *s = spec("int");
    s->storage = SC_STATIC | SC_THREAD_LOCAL;
    s->quals = Q_CONST;
    assert_string_equal(pd(s, did("x"), NULL, false), "static _Thread_local const int x");
    Buf b = {0};
    DeclPrint how = {NULL, false, false};
    cprint_decl(&b, s, did("x"), &how, NULL);
    assert_string_equal(take(&b), "const int x");
}

static void test_drop_top_const(void **state) {
    (void)state;
    assert_string_equal(pd(spec_q("int", Q_CONST), did("x"), NULL, true), "int x");
    assert_string_equal(pd(spec("char"), dptr(Q_CONST, did("p")), NULL, true), "char *p");
    assert_string_equal(pd(spec_q("char", Q_CONST), dptr(0, did("p")), NULL, true),
                        "const char *p");
    assert_string_equal(pd(spec_q("char", Q_CONST), dptr(Q_CONST | Q_VOLATILE, did("p")),
                           NULL, true), "const char *volatile p");
    assert_string_equal(pd(spec("char"), dptr(Q_CONST, dptr(Q_CONST, did("p"))),
                           NULL, true), "char *const *p");
    assert_string_equal(pd(spec_q("int", Q_CONST | Q_VOLATILE), darr(did("a"), num("2")),
                           NULL, true), "volatile int a[2]");
    assert_string_equal(pd(spec_q("int", Q_CONST), dparen(did("x")), "y", true), "int (y)");
    /* a function's const belongs to its return type */
    assert_string_equal(pd(spec_q("int", Q_CONST), dfunc(did("f"), false, 0), NULL, true),
                        "const int f(void)");
}

static void test_params(void **state) {
    (void)state;
    Buf b = {0};
    Vec none = {0};
    cprint_params(&b, &none, false, NULL);
    assert_string_equal(take(&b), "(void)");
    Vec ps = {0};
    vec_push(&ps, param(spec_q("char", Q_CONST), dptr(0, did("fmt"))));
    cprint_params(&b, &ps, true, NULL);
    assert_string_equal(take(&b), "(const char *fmt, ...)");
    Declarator *old = dfunc(did("f"), false, 0);
    old->old_style = true;
    assert_string_equal(pd(spec("int"), old, NULL, false), "int f()");
    DeclSpec *reg = spec("int");
    reg->storage = SC_REGISTER;
    Declarator *f = dfunc(did("g"), false, 1, param(reg, did("r")));
    assert_string_equal(pd(spec("int"), f, NULL, false), "int g(register int r)");
}

/* ---- initializers and declarations ----------------------------------- */

static void test_init(void **state) {
    (void)state;
    assert_string_equal(pi(item(item(ilist(), iexpr(num("1")), 0), iexpr(num("2")), 0)),
                        "{1, 2}");
    Init *l = ilist();
    item(l, iexpr(num("1")), 1, ".a");
    item(l, iexpr(num("2")), 1, "[3]");
    item(l, iexpr(num("4")), 2, ".b", ".c");
    item(l, item(ilist(), iexpr(num("5")), 1, "[0]"), 1, ".d");
    assert_string_equal(pi(l), "{.a = 1, [3] = 2, .b.c = 4, .d = {[0] = 5}}");
    assert_string_equal(pi(iexpr(ex(E_COMMA, NULL, id("a"), id("b")))), "(a, b)");
    assert_string_equal(pi(ilist()), "{}");
}

static void test_declaration(void **state) {
    (void)state;
    DeclSpec *s = spec_q("int", Q_CONST);
    s->storage = SC_STATIC;
    Decl *d = decl1(s, did("a"), iexpr(num("1")));
    InitDecl *second = xalloc(sizeof(InitDecl));
    second->decl = dptr(0, did("b"));
    vec_push(&d->decls, second);
    Buf b = {0};
    cprint_declaration(&b, d, NULL);
    assert_string_equal(take(&b), "static const int a = 1, *b;");

    DeclSpec *st = xalloc(sizeof(DeclSpec));
    st->kind = BT_STRUCT;
    st->name = "S";
    st->has_body = true;
    vec_push(&st->members, decl1(spec("int"), did("a"), NULL));
    Decl *bits = decl1(spec("unsigned"), did("f"), NULL);
    ((InitDecl *)vec_get(&bits->decls, 0))->bits = num("3");
    vec_push(&st->members, bits);
    Decl *sd = xalloc(sizeof(Decl));
    sd->spec = st;
    cprint_declaration(&b, sd, NULL);
    assert_string_equal(take(&b), "struct S { int a; unsigned f : 3; };");

    DeclSpec *en = xalloc(sizeof(DeclSpec));
    en->kind = BT_ENUM;
    en->name = "E";
    en->has_body = true;
    Enumerator e1 = {"A", NULL, {0}}, e2 = {"B", num("2"), {0}};
    vec_push(&en->enumerators, &e1);
    vec_push(&en->enumerators, &e2);
    en->storage = SC_TYPEDEF;
    cprint_declaration(&b, decl1(en, did("E_t"), NULL), NULL);
    assert_string_equal(take(&b), "typedef enum E { A, B = 2 } E_t;");
}

/* ---- statements ------------------------------------------------------- */

static void test_if_else(void **state) {
    (void)state;
    Stmt *s = sif(id("a"), block(1, sexpr(asg("=", id("x"), num("1")))),
                  sif(id("b"), block(1, st(S_BREAK)), block(1, st(S_CONTINUE))));
    assert_string_equal(ps(s, 0),
                        "if (a) {\n"
                        "    x = 1;\n"
                        "} else if (b) {\n"
                        "    break;\n"
                        "} else {\n"
                        "    continue;\n"
                        "}\n");
    Stmt *t = sif(id("a"), sexpr(id("x")), sexpr(id("y")));
    assert_string_equal(ps(t, 1),
                        "    if (a)\n"
                        "        x;\n"
                        "    else\n"
                        "        y;\n");
    /* an else that must not bind to an inner if */
    Stmt *d = sif(id("a"), sif(id("b"), sexpr(id("x")), NULL), sexpr(id("y")));
    assert_string_equal(ps(d, 0),
                        "if (a) {\n"
                        "    if (b)\n"
                        "        x;\n"
                        "} else\n"
                        "    y;\n");
}

static void test_loops(void **state) {
    (void)state;
    Stmt *w = sloop(S_WHILE, bin("<", id("i"), id("n")), block(1, sexpr(post("++", id("i")))));
    assert_string_equal(ps(w, 0), "while (i < n) {\n    i++;\n}\n");
    Stmt *dw = sloop(S_DO, id("c"), block(1, st(S_NULL)));
    assert_string_equal(ps(dw, 0), "do {\n    ;\n} while (c);\n");
    Stmt *dn = sloop(S_DO, id("c"), sexpr(id("x")));
    assert_string_equal(ps(dn, 0), "do\n    x;\nwhile (c);\n");
    Stmt *f = sloop(S_FOR, bin("<", id("i"), num("3")), sexpr(call(id("g"), 1, id("i"))));
    f->decl = decl1(spec("int"), did("i"), iexpr(num("0")));
    f->step = post("++", id("i"));
    assert_string_equal(ps(f, 0), "for (int i = 0; i < 3; i++)\n    g(i);\n");
    Stmt *inf = sloop(S_FOR, NULL, block(0));
    assert_string_equal(ps(inf, 0), "for (;;) {\n}\n");
    Stmt *fe = sloop(S_FOR, NULL, block(0));
    fe->expr = asg("=", id("i"), num("0"));
    assert_string_equal(ps(fe, 0), "for (i = 0;;) {\n}\n");
}

static void test_switch_labels(void **state) {
    (void)state;
    Stmt *ret = st(S_RETURN);
    ret->expr = num("1");
    Stmt *sw = sloop(S_SWITCH, id("x"),
        block(4, slabeled(S_CASE, num("1"), NULL, slabeled(S_CASE, num("2"), NULL, ret)),
              slabeled(S_DEFAULT, NULL, NULL, st(S_BREAK)),
              sexpr(id("y")), st(S_RETURN)));
    assert_string_equal(ps(sw, 1),
                        "    switch (x) {\n"
                        "    case 1:\n"
                        "    case 2:\n"
                        "        return 1;\n"
                        "    default:\n"
                        "        break;\n"
                        "        y;\n"
                        "        return;\n"
                        "    }\n");
    Stmt *g = st(S_GOTO);
    g->name = "out";
    Stmt *body = block(2, g, slabeled(S_LABEL, NULL, "out", st(S_NULL)));
    assert_string_equal(ps(body, 0), "{\n    goto out;\nout:\n    ;\n}\n");
    Stmt *df = st(S_DEFER);
    df->body = sexpr(call(id("free"), 1, id("p")));
    assert_string_equal(ps(df, 0), "defer\n    free(p);\n");
    Stmt *sd = st(S_DECL);
    sd->decl = decl1(spec("char"), dptr(0, did("s")), iexpr(num("0")));
    assert_string_equal(ps(sd, 2), "        char *s = 0;\n");
}

/* The statement hooks: a return printed by the hook, the rest laid out
 * by the printer with every body braced and else-if nested; a label
 * before what the hook says is a declaration gets an empty statement. */
static bool ret_hook(void *ctx, Stmt *s, Buf *b, int ind) {
    (void)ctx;
    if (s->kind != S_RETURN)
        return false;
    cprint_indent(b, ind);
    buf_puts(b, "RET;\n");
    return true;
}

static bool all_decl(void *ctx, Stmt *s) {
    (void)ctx;
    (void)s;
    return true;
}

static void test_stmt_hooks(void **state) {
    (void)state;
    PrintHooks h = {.stmt = ret_hook, .starts_with_decl = all_decl, .brace_bodies = true};
    Stmt *s = sif(id("a"), st(S_RETURN), sif(id("b"), sexpr(id("c")), NULL));
    Buf b = {0};
    cprint_stmt(&b, s, 0, &h);
    assert_string_equal(take(&b),
                        "if (a) {\n"
                        "    RET;\n"
                        "} else {\n"
                        "    if (b) {\n"
                        "        c;\n"
                        "    }\n"
                        "}\n");
    Stmt *lab = block(1, slabeled(S_LABEL, NULL, "out", st(S_RETURN)));
    cprint_stmt(&b, lab, 0, &h);
    assert_string_equal(take(&b), "{\nout:\n    ;\n    RET;\n}\n");
}

static int teardown(void **state) {
    (void)state;
    arena_release();
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_precedence),
        cmocka_unit_test(test_unary),
        cmocka_unit_test(test_cast),
        cmocka_unit_test(test_misc_exprs),
        cmocka_unit_test(test_hooks),
        cmocka_unit_test(test_declarators),
        cmocka_unit_test(test_name_override),
        cmocka_unit_test(test_drop_top_const),
        cmocka_unit_test(test_params),
        cmocka_unit_test(test_init),
        cmocka_unit_test(test_declaration),
        cmocka_unit_test(test_if_else),
        cmocka_unit_test(test_loops),
        cmocka_unit_test(test_switch_labels),
        cmocka_unit_test(test_stmt_hooks),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
