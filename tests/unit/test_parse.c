/* test_parse.c: the lexer (grammar/lexer.re), the grammar
 * (grammar/parser.y) and the driver (generator/parse*.c). */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "astdump.h"
#include "parse.h"
#include "parse_int.h"
#include "parser.h"
#include "util.h"

/* ---- helpers ---------------------------------------------------------- */

static char *diag_buf;
static size_t diag_len;
static FILE *diag;
static int errors_before;

/* Parses text as a file named t.ait; diagnostics go to diag_buf. */
static File *parse(const char *text) {
    if (diag)
        fclose(diag);
    free(diag_buf);
    diag_buf = NULL;
    diag = open_memstream(&diag_buf, &diag_len);
    diag_set_stream(diag);
    errors_before = error_count();
    int id = src_add("t.ait", xstrdup(text), strlen(text));
    File *f = parse_file(id);
    fflush(diag);
    return f;
}

static int errors(void) { return error_count() - errors_before; }
static const char *messages(void) { return diag_buf ? diag_buf : ""; }

static char *capture_begin(FILE **fp, char **buf, size_t *len) {
    *buf = NULL;
    *fp = open_memstream(buf, len);
    return NULL;
}

static char *capture_end(FILE *fp, char **buf) {
    fclose(fp);
    char *s = xstrdup(*buf);
    free(*buf);
    return s;
}

static char *dump_expr(Expr *e) {
    FILE *fp;
    char *buf;
    size_t len;
    capture_begin(&fp, &buf, &len);
    ast_dump_expr(e, fp);
    return capture_end(fp, &buf);
}

static char *dump_stmt(Stmt *s) {
    FILE *fp;
    char *buf;
    size_t len;
    capture_begin(&fp, &buf, &len);
    ast_dump_stmt(s, 0, fp);
    return capture_end(fp, &buf);
}

static char *dump_file(File *f) {
    FILE *fp;
    char *buf;
    size_t len;
    capture_begin(&fp, &buf, &len);
    ast_dump(f, fp);
    return capture_end(fp, &buf);
}

static Item *item(File *f, int i) {
    assert_true(i < f->items.len);
    return f->items.data[i];
}

/* The body of the only (or last) function in the file. */
static Stmt *body_of(File *f) {
    Item *it = vec_last(&f->items);
    Func *fn = it->kind == I_FUNC ? it->func : it->func_def;
    assert_non_null(fn);
    assert_non_null(fn->body);
    return fn->body;
}

static Stmt *body_stmt(File *f, int i) {
    Stmt *b = body_of(f);
    assert_true(i < b->items.len);
    return b->items.data[i];
}

/* Parses "return EXPR;" in an async function and dumps EXPR. */
static char *expr_of(const char *expr) {
    char *text = xprintf("async int f(void) { return %s; }", expr);
    File *f = parse(text);
    if (errors())
        fail_msg("errors parsing %s:\n%s", expr, messages());
    Stmt *s = body_stmt(f, 0);
    assert_int_equal(s->kind, S_RETURN);
    return dump_expr(s->expr);
}

#define assert_expr(text, expected) assert_string_equal(expr_of(text), expected)

/* Parses one statement in an async function body and dumps it. */
static char *stmt_of(const char *stmt) {
    File *f = parse(xprintf("async int f(void) {\n%s\n}", stmt));
    if (errors())
        fail_msg("errors parsing %s:\n%s", stmt, messages());
    return dump_stmt(body_stmt(f, 0));
}

static void assert_loc(Loc loc, int line, int col) {
    if (loc.line != line || loc.col != col)
        fail_msg("location %d:%d, expected %d:%d", loc.line, loc.col, line, col);
}

static bool contains(const char *hay, const char *needle) { return strstr(hay, needle) != NULL; }

#define assert_contains(hay, needle)                                              \
    do {                                                                          \
        if (!contains((hay), (needle)))                                           \
            fail_msg("'%s' not found in:\n%s", (needle), (hay));                  \
    } while (0)

/* ---- lexer ------------------------------------------------------------- */

static int lex_all(const char *text, Token *out, int max) {
    Lexer L;
    int id = src_add("lex.ait", text, strlen(text));
    lexer_init(&L, id, text, strlen(text), false);
    int n = 0;
    for (;;) {
        Token t;
        int k = lexer_next(&L, &t);
        if (n < max)
            out[n++] = t;
        if (k == LEX_EOF)
            return n;
    }
}

static void test_lex_tokens(void **state) {
    (void)state;
    Token t[64];
    int n = lex_all("x1 0x1fUL 1.5e+3f .5 'a' L'\\n' u8\"s\\\"\" ... -> <<= >>= && || ", t, 64);
    int kinds[] = {TK_IDENT, TK_INTLIT, TK_FLOATLIT, TK_FLOATLIT, TK_CHARLIT, TK_CHARLIT,
                   TK_STRLIT, TK_ELLIPSIS, TK_ARROW, TK_SHLEQ, TK_SHREQ, TK_ANDAND, TK_OROR};
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        assert_int_equal(t[i].kind, kinds[i]);
    assert_int_equal(t[1].len, 6);
    assert_int_equal(t[6].len, 7);
    (void)n;
}

static void test_lex_keywords(void **state) {
    (void)state;
    Token t[32];
    lex_all("interface impl async await dyn defer try spawn import %types send _Bool sizeof", t, 32);
    int kinds[] = {TK_INTERFACE, TK_IMPL, TK_ASYNC, TK_AWAIT, TK_DYN, TK_DEFER, TK_TRY,
                   TK_SPAWN, TK_IMPORT, TK_TYPES, TK_IDENT, TK_BOOL, TK_SIZEOF, LEX_EOF};
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
        assert_int_equal(t[i].kind, kinds[i]);
}

static void test_lex_passthrough_and_comments(void **state) {
    (void)state;
    Token t[8];
    lex_all("/* c */ // line\n%{ raw { %} text %} x", t, 8);
    assert_int_equal(t[0].kind, TK_PASSTHROUGH);
    assert_int_equal(t[0].len, 7);
    assert_memory_equal(t[0].text, " raw { ", 7);
    assert_loc(t[0].loc, 2, 1);
    assert_int_equal(t[1].kind, TK_IDENT);   /* "text" */
}

static void test_lex_columns(void **state) {
    (void)state;
    Token t[8];
    /* A tab counts 1, a UTF-8 character counts 1. */
    lex_all("a\n\tb /* é */ c\n  \"ü\" d", t, 8);
    assert_loc(t[0].loc, 1, 1);
    assert_loc(t[1].loc, 2, 2);
    assert_loc(t[2].loc, 2, 12);
    assert_loc(t[3].loc, 3, 3);
    assert_loc(t[4].loc, 3, 7);
}

static void test_lex_errors(void **state) {
    (void)state;
    parse("int x;\n  /* never closed\n");
    assert_int_equal(errors(), 1);
    assert_contains(messages(), "t.ait:2:3: error: unterminated comment");
    parse("async int f(void) {\n\tx = \"abc;\n}\n");
    assert_int_equal(errors(), 1);
    assert_contains(messages(), "t.ait:2:6: error: missing terminating \" character");
    parse("int a;\n%{ int b;\n");
    assert_int_equal(errors(), 1);
    assert_contains(messages(), "t.ait:2:1: error: unterminated '%{' block");
    parse("async int f(void) { y = 1 @ 2; }\n");
    assert_int_equal(errors(), 1);
    assert_contains(messages(), "t.ait:1:27: error: stray '@' in program");
    parse("#include <stdio.h>\ninterface I { }\n");
    assert_int_equal(errors(), 1);
    assert_contains(messages(), "t.ait:1:1: error: preprocessor lines");
}

/* ---- items ------------------------------------------------------------- */

static void test_items(void **state) {
    (void)state;
    File *f = parse("%{\n#include <stdint.h>\n%}\n"
                    "import \"store.ait\";\n"
                    "%types Alpha Beta;\n"
                    "struct Svc { dyn Repo repo; send dyn Repo r2; int n; };\n"
                    "typedef int myint;\n"
                    "enum color { RED, GREEN = 2 };\n"
                    "int plain(int a) { return a; }\n"
                    "int proto(void);\n");
    assert_int_equal(errors(), 0);
    assert_int_equal(f->items.len, 8);
    assert_int_equal(item(f, 0)->kind, I_PASSTHROUGH);
    assert_string_equal(item(f, 0)->text, "\n#include <stdint.h>\n");
    assert_int_equal(item(f, 1)->kind, I_IMPORT);
    assert_string_equal(item(f, 1)->name, "store.ait");
    assert_int_equal(item(f, 2)->kind, I_TYPES);
    assert_int_equal(item(f, 2)->names.len, 2);
    assert_string_equal(item(f, 2)->names.data[1], "Beta");
    Item *s = item(f, 3);
    assert_int_equal(s->kind, I_STRUCT);
    assert_string_equal(s->name, "Svc");
    assert_int_equal(s->members.len, 3);
    Decl *m0 = s->members.data[0], *m1 = s->members.data[1];
    assert_int_equal(m0->spec->kind, BT_DYN);
    assert_string_equal(m0->spec->name, "Repo");
    assert_int_equal(m1->spec->kind, BT_SEND_DYN);
    assert_int_equal(item(f, 4)->kind, I_CDECL);
    assert_int_equal(item(f, 4)->decl->spec->storage, SC_TYPEDEF);
    assert_int_equal(item(f, 5)->decl->spec->kind, BT_ENUM);
    assert_int_equal(item(f, 5)->decl->spec->enumerators.len, 2);
    assert_non_null(item(f, 6)->func_def);
    assert_null(item(f, 6)->decl);
    assert_string_equal(item(f, 6)->func_def->name, "plain");
    assert_non_null(item(f, 7)->decl);
}

static void test_interface(void **state) {
    (void)state;
    File *f = parse("interface DataStore {\n"
                    "    async char *get(const char *key);\n"
                    "    int size(void);\n"
                    "    async bool has(const char *key) { return await self->get(key) != NULL; }\n"
                    "}\n");
    assert_int_equal(errors(), 0);
    Item *it = item(f, 0);
    assert_int_equal(it->kind, I_INTERFACE);
    assert_string_equal(it->name, "DataStore");
    assert_int_equal(it->methods.len, 3);
    Func *get = it->methods.data[0], *size = it->methods.data[1], *has = it->methods.data[2];
    assert_true(get->is_async);
    assert_null(get->body);
    assert_ptr_equal(get->owner, it);
    assert_string_equal(get->name, "get");
    assert_loc(get->loc, 2, 17);
    /* "char *get(...)": the return type is char with an abstract pointer. */
    assert_int_equal(get->ret_decl->kind, D_POINTER);
    assert_int_equal(get->ret_decl->inner->kind, D_IDENT);
    assert_null(get->ret_decl->inner->name);
    assert_string_equal(get->ret_spec->words, "char");
    assert_int_equal(get->params.len, 1);
    Param *p = get->params.data[0];
    assert_int_equal(p->spec->quals, Q_CONST);
    assert_string_equal(p->decl->inner->name, "key");
    assert_false(size->is_async);
    assert_int_equal(size->params.len, 0);
    assert_true(has->is_async);
    assert_non_null(has->body);
}

static void test_impl(void **state) {
    (void)state;
    File *f = parse("impl Store for MemStore send {\n"
                    "    async int get(int k) { return k; }\n"
                    "    int size(void) { return 0; }\n"
                    "}\n"
                    "impl Store for Other { }\n");
    assert_int_equal(errors(), 0);
    Item *it = item(f, 0);
    assert_int_equal(it->kind, I_IMPL);
    assert_string_equal(it->iface, "Store");
    assert_string_equal(it->type, "MemStore");
    assert_true(it->is_send);
    assert_loc(it->loc, 1, 6);
    assert_loc(it->type_loc, 1, 16);
    assert_int_equal(it->methods.len, 2);
    assert_ptr_equal(((Func *)it->methods.data[1])->owner, it);
    assert_false(item(f, 1)->is_send);
    assert_true(typenames_has("MemStore"));
}

static void test_functions(void **state) {
    (void)state;
    File *f = parse("async int report<Cg: Cache, Dg: Store>(Cg *c, const char *k) { Cg * x = c; return 0; }\n"
                    "extern async ssize_t read_exact(int fd, void *buf, size_t n) send;\n"
                    "extern async int other(void);\n"
                    "async int flow(void) { return 0; }\n"
                    "static int vf(const char *fmt, ...) { return 0; }\n"
                    "int (*getfp(void))(int) { return 0; }\n");
    assert_int_equal(errors(), 0);
    Func *g = item(f, 0)->func;
    assert_int_equal(item(f, 0)->kind, I_FUNC);
    assert_true(g->is_async);
    assert_int_equal(g->tparams.len, 2);
    TypeParam *tp = g->tparams.data[1];
    assert_string_equal(tp->name, "Dg");
    assert_string_equal(tp->iface, "Store");
    assert_loc(tp->loc, 1, 29);
    /* The type parameter is a type inside the function only. */
    assert_int_equal(((Stmt *)g->body->items.data[0])->kind, S_DECL);
    assert_false(typenames_has("Cg"));
    Func *e = item(f, 1)->func;
    assert_true(e->is_extern);
    assert_true(e->is_send);
    assert_null(e->body);
    assert_int_equal(e->params.len, 3);
    assert_false(item(f, 2)->func->is_send);
    assert_int_equal(item(f, 3)->func->params.len, 0);
    Func *vf = item(f, 4)->func_def;
    assert_true(vf->variadic);
    assert_int_equal(vf->ret_spec->storage, SC_STATIC);
    /* A function returning a function pointer keeps the outer parts. */
    Func *gf = item(f, 5)->func_def;
    assert_string_equal(gf->name, "getfp");
    assert_int_equal(gf->params.len, 0);
    assert_int_equal(gf->ret_decl->kind, D_FUNC);
    assert_int_equal(gf->ret_decl->inner->kind, D_PAREN);
    assert_int_equal(gf->ret_decl->inner->inner->kind, D_POINTER);
    assert_null(gf->ret_decl->inner->inner->inner->name);
}

static void test_send_is_an_identifier(void **state) {
    (void)state;
    File *f = parse("int g(send dyn Store s);\n"
                    "async int f(int fd) { int send = 0; send(fd, \"x\", 1, 0); return send; }\n");
    assert_int_equal(errors(), 0);
    assert_string_equal(dump_stmt(body_stmt(f, 1)), "(expr (call send fd \"x\" 1 0))");
    Item *g = item(f, 0);
    Declarator *d = ((InitDecl *)g->decl->decls.data[0])->decl;
    Param *p = d->params.data[0];
    assert_int_equal(p->spec->kind, BT_SEND_DYN);
}

/* ---- expressions --------------------------------------------------------- */

static void test_precedence(void **state) {
    (void)state;
    parse("%{ typedef int Tprec; %}");
    assert_expr("a + b * c", "(+ a (* b c))");
    assert_expr("a - b - c", "(- (- a b) c)");
    assert_expr("a = b += c", "(= a (+= b c))");
    assert_expr("a ? b : c ? d : e", "(?: a b (?: c d e))");
    assert_expr("a || b && c | d ^ e & f", "(|| a (&& b (| c (^ d (& e f)))))");
    assert_expr("a == b < c << d + e", "(== a (< b (<< c (+ d e))))");
    assert_expr("-a * !b", "(* (- a) (! b))");
    assert_expr("*p++", "(* (++post p))");
    assert_expr("++*p", "(++pre (* p))");
    assert_expr("&a[1].b->c", "(& (-> (. (index a 1) b) c))");
    assert_expr("f(a, b)(c)", "(call (call f a b) c)");
    assert_expr("(a, b)", "(paren (, a b))");
    assert_expr("(Tprec)x + y", "(+ (cast (type (spec Tprec) _) x) y)");
    assert_expr("(Tprec *)(x)", "(cast (type (spec Tprec) (ptr _)) (paren x))");
    assert_expr("(int (*)(void))f", "(cast (type (spec int) (fn (paren (ptr _)) (params))) f)");
    assert_expr("sizeof x + 1", "(+ (sizeof x) 1)");
    assert_expr("sizeof(unsigned long)", "(sizeof-type (type (spec unsigned long) _))");
    assert_expr("sizeof (x)", "(sizeof (paren x))");
    assert_expr("_Alignof(Tprec)", "(alignof (type (spec Tprec) _))");
    assert_expr("\"a\" \"b\"", "\"a\" \"b\"");
    assert_expr("(Tprec){ .a = 1, [2] = 3, 4 }",
                "(compound (type (spec Tprec) _) {.a=1 [2]=3 4})");
    assert_expr("_Generic(x, int: 1, Tprec *: 2, default: 3)",
                "(generic x ((type (spec int) _) 1) ((type (spec Tprec) (ptr _)) 2) (default 3))");
    assert_expr("a < b > c", "(> (< a b) c)");
    assert_expr("x->send", "(-> x send)");
}

static void test_await_try_spawn(void **state) {
    (void)state;
    assert_expr("await x->get(k) + 1", "(+ (await (call (-> x get) k)) 1)");
    assert_expr("!await f()", "(! (await (call f)))");
    assert_expr("try await f()", "(try (await (call f)))");
    assert_expr("await spawn f(1)", "(await (spawn (call f 1)))");
    assert_expr("a * await f() * b", "(* (* a (await (call f))) b)");
    assert_expr("x = await f()", "(= x (await (call f)))");
    assert_expr("c ? await f() : await g()", "(?: c (await (call f)) (await (call g)))");
    assert_expr("h(await f(), await g())", "(call h (await (call f)) (await (call g)))");
    assert_expr("a[await f()]", "(index a (await (call f)))");
    assert_expr("(struct P){ .x = await f() }",
                "(compound (type (spec (struct P)) _) {.x=(await (call f))})");
}

static void test_await_in_statements(void **state) {
    (void)state;
    assert_string_equal(stmt_of("if (await f()) return await g();"),
                        "(if (await (call f))\n  (return (await (call g))))");
    assert_string_equal(stmt_of("while (await f()) ;"), "(while (await (call f))\n  (null))");
    assert_string_equal(stmt_of("for (int i = await f(); i < await g(); i += await h()) ;"),
                        "(for (decl (spec int) (= i (await (call f)))) (< i (await (call g))) "
                        "(+= i (await (call h)))\n  (null))");
    assert_string_equal(stmt_of("switch (await f()) { case 1: await g(); }"),
                        "(switch (await (call f))\n  (block\n    (case 1\n      (expr (await (call g))))))");
    assert_string_equal(stmt_of("int a[2] = { await f(), 2 };"),
                        "(decl (spec int) (= (array a 2) {(await (call f)) 2}))");
    assert_string_equal(stmt_of("defer await close(fd);"),
                        "(defer\n  (expr (await (call close fd))))");
    assert_string_equal(stmt_of("do x++; while (await f());"),
                        "(do (await (call f))\n  (expr (++post x)))");
}

/* ---- statements and declarations ----------------------------------------- */

static void test_statements(void **state) {
    (void)state;
    assert_string_equal(stmt_of("if (a) if (b) x; else y;"),
                        "(if a\n  (if b\n    (expr x)\n    (expr y)))");
    assert_string_equal(stmt_of("for (;;) { break; continue; }"),
                        "(for _ _ _\n  (block\n    (break)\n    (continue)))");
    assert_string_equal(stmt_of("for (i = 0; i < n; i++) ;"),
                        "(for (= i 0) (< i n) (++post i)\n  (null))");
    assert_string_equal(stmt_of("again: goto again;"), "(label again\n  (goto again))");
    assert_string_equal(stmt_of("switch (x) { default: return; }"),
                        "(switch x\n  (block\n    (default\n      (return))))");
    assert_string_equal(stmt_of("{ ; }"), "(block\n  (null))");
    assert_string_equal(stmt_of("_Static_assert(1, \"x\"); x;"), "(expr x)");
}

static void test_declarations(void **state) {
    (void)state;
    assert_string_equal(stmt_of("static const int a = 1, *b;"),
                        "(decl (spec static const int) (= a 1) (ptr b))");
    assert_string_equal(stmt_of("int (*fp)(int, char *);"),
                        "(decl (spec int) (fn (paren (ptr fp)) (params (param (spec int) _) "
                        "(param (spec char) (ptr _)))))");
    assert_string_equal(stmt_of("char *const *argv[];"),
                        "(decl (spec char) (ptr const (ptr (array argv))))");
    assert_string_equal(stmt_of("int (*arr[3])[4];"),
                        "(decl (spec int) (array (paren (ptr (array arr 3))) 4))");
    assert_string_equal(stmt_of("struct P { int x : 3; union { int a; float b; }; } p = { .x = 1 };"),
                        "(decl (spec (struct P (members (decl (spec int) (bits x 3)) "
                        "(decl (spec (union _ (members (decl (spec int) a) (decl (spec float) b)))))))) "
                        "(= p {.x=1}))");
    assert_string_equal(stmt_of("_Alignas(16) unsigned char buf[64];"),
                        "(decl (spec (alignas 16) unsigned char) (array buf 64))");
    assert_string_equal(stmt_of("enum { A, B = 2, } e;"),
                        "(decl (spec (enum _ (A) (B 2))) e)");
    assert_string_equal(stmt_of("dyn Store s = x;"), "(decl (spec (dyn Store)) (= s x))");
    assert_string_equal(stmt_of("void f(int a[static 3]);"),
                        "(decl (spec void) (fn f (params (param (spec int) (array a static 3)))))");
    assert_string_equal(stmt_of("int g();"), "(decl (spec int) (fn g ()))");
}

/* ---- type names and the lexer feedback ---------------------------------- */

static void test_typedef_feedback(void **state) {
    (void)state;
    /* Unknown: a multiplication. */
    assert_string_equal(stmt_of("Tfb1 * x;"), "(expr (* Tfb1 x))");
    /* Passthrough typedefs, of every shape. */
    parse("%{\n#include <x.h>\ntypedef struct Tfb1 { int a; } Tfb1, *Tfb1P;\n"
          "typedef void (*tfb_cb)(int arg);\ntypedef unknown_t tfb_alias;\n"
          "struct not_a_type { int x; };\nenum { TFB_CONST };\n%}\n");
    assert_int_equal(errors(), 0);
    assert_true(typenames_has("Tfb1"));
    assert_true(typenames_has("Tfb1P"));
    assert_true(typenames_has("tfb_cb"));
    assert_true(typenames_has("tfb_alias"));
    assert_false(typenames_has("arg"));
    assert_false(typenames_has("not_a_type"));
    assert_false(typenames_has("TFB_CONST"));
    assert_string_equal(stmt_of("Tfb1 * x;"), "(decl (spec Tfb1) (ptr x))");
    /* %types, .ait structs and top-level typedefs. */
    File *f = parse("%types Tfb2;\nstruct Tfb3 { Tfb3 *next; };\ntypedef int Tfb4[3];\n"
                    "async int f(void) { Tfb2 * a; Tfb3 * b; Tfb4 * c; TFB_CONST * d; return 0; }\n");
    assert_int_equal(errors(), 0);
    for (int i = 0; i < 3; i++)
        assert_int_equal(body_stmt(f, i)->kind, S_DECL);
    assert_string_equal(dump_stmt(body_stmt(f, 3)), "(expr (* TFB_CONST d))");
    /* A struct tag may also be a type name. */
    assert_string_equal(stmt_of("struct Tfb3 *p;"), "(decl (spec (struct Tfb3)) (ptr p))");
}

static void test_generic_scope(void **state) {
    (void)state;
    File *f = parse("async int g<Gs: Cache>(Gs *c) { Gs * x; return 0; }\n"
                    "async int h(void) { Gs * x; return 0; }\n");
    assert_int_equal(errors(), 0);
    assert_int_equal(((Stmt *)item(f, 0)->func->body->items.data[0])->kind, S_DECL);
    assert_string_equal(dump_stmt(body_stmt(f, 0)), "(expr (* Gs x))");
}

/* A typedef in a block names a type until the block ends; a declaration
 * after a type specifier hides a type name until its block ends. */
static void test_block_scoped_types(void **state) {
    (void)state;
    File *f = parse("typedef int Tbs1;\n"
                    "async int f(void) { typedef long Tbs2; { int Tbs1 = 2; Tbs1 * x; } Tbs1 * y; "
                    "return 0; }\n"
                    "async int g(void) { Tbs2 * z; return 0; }\n");
    assert_int_equal(errors(), 0);
    Stmt *in_f = item(f, 1)->func->body;
    assert_int_equal(in_f->items.len, 4);
    Stmt *inner = in_f->items.data[1];
    assert_string_equal(dump_stmt(inner->items.data[1]), "(expr (* Tbs1 x))");
    assert_int_equal(((Stmt *)in_f->items.data[2])->kind, S_DECL);   /* a type again */
    assert_string_equal(dump_stmt(body_stmt(f, 0)), "(expr (* Tbs2 z))");   /* f's ended */
}

static void test_instance_item(void **state) {
    (void)state;
    File *f = parse("%instance report(dyn Cache, send dyn Log, HitCache);\n");
    assert_int_equal(errors(), 0);
    Item *it = item(f, 0);
    assert_int_equal(it->kind, I_INSTANCE);
    assert_string_equal(it->name, "report");
    assert_int_equal(it->supers.len, 3);
    assert_string_equal(((NameRef *)it->supers.data[0])->name, "dyn Cache");
    assert_string_equal(((NameRef *)it->supers.data[1])->name, "send dyn Log");
    assert_string_equal(((NameRef *)it->supers.data[2])->name, "HitCache");
}

/* ---- locations ------------------------------------------------------------ */

static void test_locations(void **state) {
    (void)state;
    File *f = parse("// é comment\n"
                    "async int f(void) {\n"
                    "\tint x = a + (b);\n"
                    "\t/* ü */ return x;\n"
                    "  }\n");
    assert_int_equal(errors(), 0);
    Item *it = item(f, 0);
    assert_loc(it->loc, 2, 11);
    assert_loc(it->func->loc, 2, 11);
    Stmt *b = it->func->body;
    assert_loc(b->loc, 2, 19);
    assert_loc(b->end, 5, 3);
    Stmt *d = b->items.data[0];
    assert_loc(d->loc, 3, 2);
    InitDecl *id = d->decl->decls.data[0];
    assert_loc(id->loc, 3, 6);
    Expr *sum = id->init->expr;
    assert_loc(sum->loc, 3, 10);
    assert_loc(sum->rhs->loc, 3, 14);
    assert_int_equal(sum->rhs->kind, E_PAREN);
    assert_loc(sum->rhs->lhs->loc, 3, 15);
    Stmt *r = b->items.data[1];
    assert_loc(r->loc, 4, 10);
    assert_loc(r->expr->loc, 4, 17);
}

/* ---- errors and recovery -------------------------------------------------- */

static void test_error_messages(void **state) {
    (void)state;
    parse("async int g(void) {\n    int x = 1\n    return x;\n}\n");
    assert_int_equal(errors(), 1);
    assert_contains(messages(), "t.ait:3:5: error: expected ';' before 'return'");
    parse("interface I {\n    async int f(void)\n}\n");
    assert_int_equal(errors(), 1);
    assert_contains(messages(), "t.ait:3:1: error: expected ';' or '{' before '}'");
    parse("async int h(void) { return 1 + ; }\n");
    assert_contains(messages(), "t.ait:1:32: error: expected an expression before ';'");
    parse("async int h(void) { f(a b); }\n");
    assert_contains(messages(), "t.ait:1:25: error: expected ')' before 'b'");
    parse("async int h(void) {\n  return 0;\n");
    assert_contains(messages(), "t.ait:3:1: error: expected '}' at end of input");
    parse("int a[3;\n");
    assert_contains(messages(), "t.ait:1:8: error: expected ']' before ';'");
}

static void test_several_errors(void **state) {
    (void)state;
    File *f = parse("interface I {\n"
                    "    async int f(void)\n"          /* 1: missing ';' */
                    "}\n"
                    "async int g(void) {\n"
                    "    x = = 2;\n"                   /* 2 */
                    "    y = );\n"                     /* same function: skipped */
                    "}\n"
                    "import \"a.ait\"\n"               /* 3: missing ';' */
                    "impl I for T { async int f(void) { return 0; } }\n"
                    "int z = (1 + 2;\n"                /* 4 */
                    "async int ok(void) { return 1; }\n");
    assert_int_equal(errors(), 4);
    assert_contains(messages(), "t.ait:3:1:");
    assert_contains(messages(), "t.ait:5:9:");
    assert_contains(messages(), "t.ait:9:1:");
    assert_contains(messages(), "t.ait:10:15:");
    /* The items after each error were parsed. */
    bool impl = false, ok = false;
    for (int i = 0; i < f->items.len; i++) {
        Item *it = item(f, i);
        impl |= it->kind == I_IMPL;
        ok |= it->kind == I_FUNC && !strcmp(it->func->name, "ok");
    }
    assert_true(impl);
    assert_true(ok);
}

static void test_no_cascade(void **state) {
    (void)state;
    /* One mistake, one error, however much follows in the same item. */
    File *f = parse("async int f(void) {\n"
                    "    if (x { a; b; }\n"
                    "    while (y) { c = 1; }\n"
                    "    return 0;\n"
                    "}\n"
                    "struct S { int a b; } s;\n"
                    "int fine;\n");
    assert_int_equal(errors(), 2);
    assert_int_equal(item(f, f->items.len - 1)->kind, I_CDECL);
    parse("async int f(void) { a $ b; c = d e; }\nint after;\n");
    assert_int_equal(errors(), 1);
}

static void test_no_crash_on_garbage(void **state) {
    (void)state;
    static const char *inputs[] = {
        "", "}", "{", "((((", "interface", "impl I for", "async", "%types",
        "async int f<", "async int f<C:", "struct { dyn", "extern async int f(void) send",
        "int x = {", "\"", "'", "%{", "/*", "\x01\xff\xfe", "send dyn", ")))]]]}}}",
        "async int f(void) { defer defer defer ; }", "typedef", "typedef struct {",
    };
    for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++)
        parse(inputs[i]);
    /* Deep nesting is an error, not a crash. */
    Buf b = {0};
    buf_puts(&b, "async int f(void) { return ");
    for (int i = 0; i < 20000; i++)
        buf_putc(&b, '(');
    buf_puts(&b, "1; }");
    parse(b.data);
    assert_true(errors() >= 1);
    buf_free(&b);
}

static void test_dump(void **state) {
    (void)state;
    File *f = parse("interface Sd { async int get(int k); }\n"
                    "async int use<Cd: Sd>(Cd *c) { return await c->get(1); }\n");
    assert_int_equal(errors(), 0);
    assert_string_equal(dump_file(f),
                        "(file \"t.ait\"\n"
                        "  (interface Sd\n"
                        "    (func get async (ret (spec int) _) (params (param (spec int) k))))\n"
                        "  (func use async (tparams (Cd Sd)) (ret (spec int) _) "
                        "(params (param (spec Cd) (ptr c)))\n"
                        "    (block\n"
                        "      (return (await (call (-> c get) 1))))))\n");
}

static int teardown(void **state) {
    (void)state;
    if (diag)
        fclose(diag);
    diag = NULL;
    diag_set_stream(NULL);
    free(diag_buf);
    diag_buf = NULL;
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lex_tokens),
        cmocka_unit_test(test_lex_keywords),
        cmocka_unit_test(test_lex_passthrough_and_comments),
        cmocka_unit_test(test_lex_columns),
        cmocka_unit_test(test_lex_errors),
        cmocka_unit_test(test_items),
        cmocka_unit_test(test_interface),
        cmocka_unit_test(test_impl),
        cmocka_unit_test(test_functions),
        cmocka_unit_test(test_send_is_an_identifier),
        cmocka_unit_test(test_precedence),
        cmocka_unit_test(test_await_try_spawn),
        cmocka_unit_test(test_await_in_statements),
        cmocka_unit_test(test_statements),
        cmocka_unit_test(test_declarations),
        cmocka_unit_test(test_typedef_feedback),
        cmocka_unit_test(test_generic_scope),
        cmocka_unit_test(test_block_scoped_types),
        cmocka_unit_test(test_instance_item),
        cmocka_unit_test(test_locations),
        cmocka_unit_test(test_error_messages),
        cmocka_unit_test(test_several_errors),
        cmocka_unit_test(test_no_cascade),
        cmocka_unit_test(test_no_crash_on_garbage),
        cmocka_unit_test(test_dump),
    };
    int failed = cmocka_run_group_tests(tests, NULL, teardown);
    arena_release();
    return failed;
}
