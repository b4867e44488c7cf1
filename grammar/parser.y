/* parser.y: the grammar of the .ait language, for lemon.
 *
 * C11 declarations, statements and expressions, plus ait's items
 * (interface, impl, async functions, import, %types, %{ %}) and its
 * expression and statement forms (await, try, spawn, defer; dyn types).
 * grammar/regen.sh turns it into generator/bootstrap/parser.[ch].
 *
 * Type names arrive as TYPE_NAME: the driver (parse.c) asks its table
 * of known type names for each identifier before feeding it, which is
 * how "T * x;" is told from a multiplication. Actions only build the AST
 * (helpers in parse_build.c); items are appended to the file as they
 * are reduced. Syntax errors are reported and recovered from by the
 * driver, which is why the grammar has no error rules.
 */

%name aitParse
%token_prefix TK_
%token_type {Token}
%extra_argument {ParseCtx *ctx}
%stack_size 4000
%start_symbol file

%include {
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "../parse_int.h"

/* lemon's template has a few parameters some builds do not use. */
#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wunused-variable"
#pragma GCC diagnostic ignored "-Wunused-but-set-variable"
#endif
}

%syntax_error {
    /* Asked now: at end of input lemon empties its stack afterwards. */
    if (!ctx->failed) {
        ctx->failed = true;
        ctx->err_tok = TOKEN;
        ctx->err_expected = parse_expected(yypParser, yymajor);
    }
}

%stack_overflow {
    ctx->overflow = true;
    ctx->failed = true;
}

%code {
/* Simulates the parser on a copy of its state stack: could it shift a
 * token of this kind (after the reductions that token would cause)?
 * The driver asks this after a syntax error to say what was expected. */
bool aitParseAccepts(void *yyp, int kind) {
    yyParser *p = yyp;
    int n = (int)(p->yytos - p->yystack) + 1, cap = n + 64;
    YYACTIONTYPE *st = malloc(sizeof *st * (size_t)cap);
    if (!st)
        return false;
    for (int i = 0; i < n; i++)
        st[i] = p->yystack[i].stateno;
    int top = n - 1;
    bool ok = false;
    for (int guard = 0; guard < 100000; guard++) {
        YYACTIONTYPE act = yy_find_shift_action((YYCODETYPE)kind, st[top]);
        if (act >= YY_MIN_REDUCE && act <= YY_MAX_REDUCE) {
            unsigned rule = act - YY_MIN_REDUCE;
            top += yyRuleInfoNRhs[rule];
            if (top < 0 || top + 1 >= cap)
                break;
            st[top + 1] = yy_find_reduce_action(st[top], yyRuleInfoLhs[rule]);
            top++;
            continue;
        }
        ok = act <= YY_MAX_SHIFTREDUCE || act == YY_ACCEPT_ACTION;
        break;
    }
    free(st);
    return ok;
}
}

/* Token codes, in a fixed order (the lexer returns them). */
%token IDENT TYPE_NAME INTLIT FLOATLIT CHARLIT STRLIT PASSTHROUGH
    AUTO BREAK CASE CHAR CONST CONTINUE DEFAULT DO DOUBLE ELSE ENUM EXTERN
    FLOAT FOR GOTO IF INLINE INT LONG REGISTER RESTRICT RETURN SHORT SIGNED
    SIZEOF STATIC STRUCT SWITCH TYPEDEF UNION UNSIGNED VOID VOLATILE WHILE
    ALIGNAS ALIGNOF ATOMIC BOOL COMPLEX GENERIC IMAGINARY NORETURN
    STATIC_ASSERT THREAD_LOCAL
    INTERFACE IMPL ASYNC AWAIT DYN DEFER TRY SPAWN SPAWN_LOCAL IMPORT TYPES INSTANCE SEND
    LBRACKET RBRACKET LPAREN RPAREN LBRACE RBRACE DOT ARROW INC DEC
    AMP STAR PLUS MINUS TILDE BANG SLASH PERCENT SHL SHR LT GT LE GE
    EQEQ NE CARET PIPE ANDAND OROR QUESTION COLON SEMI ELLIPSIS
    ASSIGN MULEQ DIVEQ MODEQ ADDEQ SUBEQ SHLEQ SHREQ ANDEQ XOREQ OREQ COMMA.

/* The dangling else binds to the nearest if. */
%nonassoc IFX.
%nonassoc ELSE.

/* ---- top level ------------------------------------------------------ */

file ::= items.
items ::= .
items ::= items item.

item ::= PASSTHROUGH(T). {
    Item *it = mk_item(ctx, I_PASSTHROUGH, T.loc);
    it->text = tok_str(T);
}
item ::= IMPORT STRLIT(S) SEMI. {
    Item *it = mk_item(ctx, I_IMPORT, S.loc);
    /* The path without its quotes; escapes are not interpreted. */
    it->name = xstrndup(S.text + 1, (size_t)(S.len - 2));
}
item ::= TYPES(K) type_names(L) SEMI. {
    Item *it = mk_item(ctx, I_TYPES, K.loc);
    it->names = L;
}
item ::= INSTANCE(K) tname(N) LPAREN inst_args(L) RPAREN SEMI. {
    Item *it = mk_item(ctx, I_INSTANCE, K.loc);
    it->name = tok_str(N);
    it->type_loc = N.loc;
    it->supers = L;
}
item ::= INTERFACE tname(N) supers_opt(S) LBRACE iface_methods(M) RBRACE. {
    Item *it = mk_item(ctx, I_INTERFACE, N.loc);
    it->name = tok_str(N);
    it->supers = S;
    it->methods = M;
    for (int i = 0; i < M.len; i++)
        ((Func *)M.data[i])->owner = it;
}
item ::= IMPL tname(I) FOR tname(T) send_opt(S) LBRACE impl_methods(M) RBRACE. {
    Item *it = mk_item(ctx, I_IMPL, I.loc);
    it->iface = tok_str(I);
    it->type = tok_str(T);
    it->type_loc = T.loc;
    it->is_send = S;
    it->methods = M;
    for (int i = 0; i < M.len; i++)
        ((Func *)M.data[i])->owner = it;
}
item ::= ASYNC decl_specs(S) declarator(D) compound(B). {
    Func *f = mk_func(ctx, true, S, D, B);
    Item *it = mk_item(ctx, I_FUNC, f->loc);
    it->name = f->name;
    it->func = f;
}
item ::= EXTERN ASYNC decl_specs(S) declarator(D) send_opt(X) SEMI. {
    Func *f = mk_func(ctx, true, S, D, NULL);
    f->is_extern = true;
    f->is_send = X;
    Item *it = mk_item(ctx, I_FUNC, f->loc);
    it->name = f->name;
    it->func = f;
}
item ::= decl_specs(S) declarator(D) compound(B). {
    Func *f = mk_func(ctx, false, S, D, B);
    Item *it = mk_item(ctx, I_CDECL, S->loc);
    it->name = f->name;
    it->func_def = f;
}
item ::= declaration(D). { item_decl(ctx, D); }
item ::= static_assert.
item ::= SEMI.

%type type_names {Vec}
type_names(A) ::= tname(N). { A = (Vec){0}; vec_push(&A, tok_str(N)); }
type_names(A) ::= type_names(B) tname(N). { A = B; vec_push(&A, tok_str(N)); }

/* %instance name(send dyn I, T): the type arguments, each a NameRef
 * whose name is "dyn I", "send dyn I" or an impl type. */
%type inst_args {Vec}
inst_args(A) ::= inst_arg(R). { A = (Vec){0}; vec_push(&A, R); }
inst_args(A) ::= inst_args(B) COMMA inst_arg(R). { A = B; vec_push(&A, R); }

%type inst_arg {NameRef *}
inst_arg(A) ::= tname(N). { A = mk_nameref(N); }
inst_arg(A) ::= DYN(D) tname(N). {
    A = mk_nameref(N);
    A->name = xprintf("dyn %s", A->name);
    A->loc = D.loc;
}
inst_arg(A) ::= SEND(S) DYN tname(N). {
    A = mk_nameref(N);
    A->name = xprintf("send dyn %s", A->name);
    A->loc = S.loc;
}

/* Names of interfaces, impl types, tags: the driver may have made them
 * type names already. */
%type tname {Token}
tname(A) ::= IDENT(T). { A = T; }
tname(A) ::= TYPE_NAME(T). { A = T; }

%type send_opt {bool}
send_opt(A) ::= . { A = false; }
send_opt(A) ::= SEND. { A = true; }

/* interface B : A, C { ... }: super-interfaces, each a NameRef. */
%type supers_opt {Vec}
supers_opt(A) ::= . { A = (Vec){0}; }
supers_opt(A) ::= COLON supers(L). { A = L; }

%type supers {Vec}
supers(A) ::= tname(N). { A = (Vec){0}; vec_push(&A, mk_nameref(N)); }
supers(A) ::= supers(B) COMMA tname(N). { A = B; vec_push(&A, mk_nameref(N)); }

%type iface_methods {Vec}
iface_methods(A) ::= . { A = (Vec){0}; }
iface_methods(A) ::= iface_methods(B) iface_method(F). { A = B; vec_push(&A, F); }

%type iface_method {Func *}
iface_method(A) ::= async_opt(Y) decl_specs(S) declarator(D) SEMI. {
    A = mk_func(ctx, Y, S, D, NULL);
}
iface_method(A) ::= async_opt(Y) decl_specs(S) declarator(D) compound(B). {
    A = mk_func(ctx, Y, S, D, B);
}

%type impl_methods {Vec}
impl_methods(A) ::= . { A = (Vec){0}; }
impl_methods(A) ::= impl_methods(B) impl_method(F). { A = B; vec_push(&A, F); }

%type impl_method {Func *}
impl_method(A) ::= async_opt(Y) decl_specs(S) declarator(D) compound(B). {
    A = mk_func(ctx, Y, S, D, B);
}
/* No body: check.c says "method 'f' of an impl needs a body". */
impl_method(A) ::= async_opt(Y) decl_specs(S) declarator(D) SEMI. {
    A = mk_func(ctx, Y, S, D, NULL);
}

%type async_opt {bool}
async_opt(A) ::= . { A = false; }
async_opt(A) ::= ASYNC. { A = true; }

static_assert ::= STATIC_ASSERT LPAREN const_expr COMMA strings RPAREN SEMI.
static_assert ::= STATIC_ASSERT LPAREN const_expr RPAREN SEMI.

/* ---- declarations --------------------------------------------------- */

%type declaration {Decl *}
declaration(A) ::= decl_specs(S) SEMI. { A = mk_decl(S); }
declaration(A) ::= decl_specs(S) init_decls(L) SEMI. {
    A = mk_decl(S);
    A->decls = L;
    no_tparams(ctx, A);
}

%type init_decls {Vec}
init_decls(A) ::= init_decl(D). { A = (Vec){0}; vec_push(&A, D); }
init_decls(A) ::= init_decls(B) COMMA init_decl(D). { A = B; vec_push(&A, D); }

%type init_decl {InitDecl *}
init_decl(A) ::= declarator(D). { A = mk_init_decl(D, NULL, NULL, D->loc); }
init_decl(A) ::= declarator(D) ASSIGN initializer(I). {
    A = mk_init_decl(D, I, NULL, D->loc);
}

%type decl_specs {DeclSpec *}
decl_specs(A) ::= decl_spec(S). { A = S; }
decl_specs(A) ::= decl_specs(B) decl_spec(S). { A = spec_merge(B, S); }

%type decl_spec {DeclSpec *}
decl_spec(A) ::= TYPEDEF(T).      { A = spec_storage(T, SC_TYPEDEF); }
decl_spec(A) ::= EXTERN(T).       { A = spec_storage(T, SC_EXTERN); }
decl_spec(A) ::= STATIC(T).       { A = spec_storage(T, SC_STATIC); }
decl_spec(A) ::= AUTO(T).         { A = spec_storage(T, SC_AUTO); }
decl_spec(A) ::= REGISTER(T).     { A = spec_storage(T, SC_REGISTER); }
decl_spec(A) ::= THREAD_LOCAL(T). { A = spec_storage(T, SC_THREAD_LOCAL); }
decl_spec(A) ::= INLINE(T).       { A = spec_storage(T, SC_INLINE); }
decl_spec(A) ::= NORETURN(T).     { A = spec_storage(T, SC_NORETURN); }
decl_spec(A) ::= qual(Q).         { A = Q; }
decl_spec(A) ::= VOID(T).         { A = spec_word(T); }
decl_spec(A) ::= CHAR(T).         { A = spec_word(T); }
decl_spec(A) ::= SHORT(T).        { A = spec_word(T); }
decl_spec(A) ::= INT(T).          { A = spec_word(T); }
decl_spec(A) ::= LONG(T).         { A = spec_word(T); }
decl_spec(A) ::= FLOAT(T).        { A = spec_word(T); }
decl_spec(A) ::= DOUBLE(T).       { A = spec_word(T); }
decl_spec(A) ::= SIGNED(T).       { A = spec_word(T); }
decl_spec(A) ::= UNSIGNED(T).     { A = spec_word(T); }
decl_spec(A) ::= BOOL(T).         { A = spec_word(T); }
decl_spec(A) ::= COMPLEX(T).      { A = spec_word(T); }
decl_spec(A) ::= IMAGINARY(T).    { A = spec_word(T); }
decl_spec(A) ::= TYPE_NAME(T). {
    A = spec_new(T.loc);
    A->kind = BT_NAME;
    A->name = tok_str(T);
}
decl_spec(A) ::= DYN(K) tname(N). {
    A = spec_new(K.loc);
    A->kind = BT_DYN;
    A->name = tok_str(N);
    A->name_loc = N.loc;
}
decl_spec(A) ::= SEND(K) DYN tname(N). {
    A = spec_new(K.loc);
    A->kind = BT_SEND_DYN;
    A->name = tok_str(N);
    A->name_loc = N.loc;
}
decl_spec(A) ::= ALIGNAS(K) LPAREN const_expr(E) RPAREN. {
    A = spec_new(K.loc);
    A->align = E;
}
decl_spec(A) ::= ALIGNAS(K) LPAREN type_name(T) RPAREN. {
    /* _Alignas(T) means _Alignas(_Alignof(T)). */
    A = spec_new(K.loc);
    A->align = mk_expr(E_ALIGNOF, T->loc);
    A->align->type = T;
}
decl_spec(A) ::= struct_spec(S). { A = S; }
decl_spec(A) ::= enum_spec(S). { A = S; }

%type qual {DeclSpec *}
qual(A) ::= CONST(T).    { A = spec_qual(T, Q_CONST); }
qual(A) ::= VOLATILE(T). { A = spec_qual(T, Q_VOLATILE); }
qual(A) ::= RESTRICT(T). { A = spec_qual(T, Q_RESTRICT); }
qual(A) ::= ATOMIC(T).   { A = spec_qual(T, Q_ATOMIC); }

%type quals {int}
quals(A) ::= qual(Q). { A = Q->quals; }
quals(A) ::= quals(B) qual(Q). { A = B | Q->quals; }

%type struct_spec {DeclSpec *}
struct_spec(A) ::= struct_kw(K) tname(N) LBRACE members(M) RBRACE. {
    A = K;
    A->name = tok_str(N);
    A->name_loc = N.loc;
    A->has_body = true;
    A->members = M;
}
struct_spec(A) ::= struct_kw(K) LBRACE members(M) RBRACE. {
    A = K;
    A->has_body = true;
    A->members = M;
}
struct_spec(A) ::= struct_kw(K) tname(N). {
    A = K;
    A->name = tok_str(N);
    A->name_loc = N.loc;
}

%type struct_kw {DeclSpec *}
struct_kw(A) ::= STRUCT(T). { A = spec_new(T.loc); A->kind = BT_STRUCT; }
struct_kw(A) ::= UNION(T). { A = spec_new(T.loc); A->kind = BT_UNION; }

%type members {Vec}
members(A) ::= . { A = (Vec){0}; }
members(A) ::= members(B) member(D). { A = B; vec_push(&A, D); }
members(A) ::= members(B) static_assert. { A = B; }

%type member {Decl *}
member(A) ::= decl_specs(S) SEMI. { A = mk_decl(S); }
member(A) ::= decl_specs(S) member_decls(L) SEMI. { A = mk_decl(S); A->decls = L; }

%type member_decls {Vec}
member_decls(A) ::= member_decl(D). { A = (Vec){0}; vec_push(&A, D); }
member_decls(A) ::= member_decls(B) COMMA member_decl(D). { A = B; vec_push(&A, D); }

%type member_decl {InitDecl *}
member_decl(A) ::= declarator(D). { A = mk_init_decl(D, NULL, NULL, D->loc); }
member_decl(A) ::= declarator(D) COLON const_expr(E). {
    A = mk_init_decl(D, NULL, E, D->loc);
}
member_decl(A) ::= COLON(C) const_expr(E). {
    A = mk_init_decl(mk_abstract(C.loc), NULL, E, C.loc);
}

%type enum_spec {DeclSpec *}
enum_spec(A) ::= ENUM(K) tname(N) LBRACE enumerators(L) comma_opt RBRACE. {
    A = spec_new(K.loc);
    A->kind = BT_ENUM;
    A->name = tok_str(N);
    A->has_body = true;
    A->enumerators = L;
}
enum_spec(A) ::= ENUM(K) LBRACE enumerators(L) comma_opt RBRACE. {
    A = spec_new(K.loc);
    A->kind = BT_ENUM;
    A->has_body = true;
    A->enumerators = L;
}
enum_spec(A) ::= ENUM(K) tname(N). {
    A = spec_new(K.loc);
    A->kind = BT_ENUM;
    A->name = tok_str(N);
}

comma_opt ::= .
comma_opt ::= COMMA.

%type enumerators {Vec}
enumerators(A) ::= enumerator(E). { A = (Vec){0}; vec_push(&A, E); }
enumerators(A) ::= enumerators(B) COMMA enumerator(E). { A = B; vec_push(&A, E); }

%type enumerator {Enumerator *}
enumerator(A) ::= IDENT(N). {
    A = xalloc(sizeof *A);
    A->name = tok_str(N);
    A->loc = N.loc;
}
enumerator(A) ::= IDENT(N) ASSIGN const_expr(E). {
    A = xalloc(sizeof *A);
    A->name = tok_str(N);
    A->value = E;
    A->loc = N.loc;
}

/* ---- declarators ---------------------------------------------------- */

%type declarator {Declarator *}
declarator(A) ::= pointer(P) direct_decl(D). { A = attach_pointer(P, D); }
declarator(A) ::= direct_decl(D). { A = D; }

%type direct_decl {Declarator *}
direct_decl(A) ::= IDENT(N). {
    A = mk_declarator(D_IDENT, NULL, N.loc);
    A->name = tok_str(N);
}
direct_decl(A) ::= IDENT(N) LT tparams(L) GT. {
    /* A generic function: the parameters wait in ctx for mk_func. */
    A = mk_declarator(D_IDENT, NULL, N.loc);
    A->name = tok_str(N);
    add_generic(ctx, A, L);
}
direct_decl(A) ::= LPAREN(P) declarator(D) RPAREN. {
    A = mk_declarator(D_PAREN, D, P.loc);
}
direct_decl(A) ::= direct_decl(D) array(R). { A = R; A->inner = D; A->loc = D->loc; }
direct_decl(A) ::= direct_decl(D) LPAREN RPAREN. {
    A = mk_func_declarator(D, NULL, true);
}
direct_decl(A) ::= direct_decl(D) LPAREN params(L) RPAREN. {
    A = mk_func_declarator(D, L, false);
}

%type tparams {Vec}
tparams(A) ::= tparam(P). { A = (Vec){0}; vec_push(&A, P); }
tparams(A) ::= tparams(B) COMMA tparam(P). { A = B; vec_push(&A, P); }

%type tparam {TypeParam *}
tparam(A) ::= tname(N) COLON bounds(B). {
    A = B;
    A->name = tok_str(N);
    A->loc = N.loc;
}

/* I + J + send */
%type bounds {TypeParam *}
bounds(A) ::= bound(B). { A = B; }
bounds(A) ::= bounds(B) PLUS bound(C). { A = tparam_join(B, C); }

/* "send" arrives as an identifier here (parse.c makes it a keyword only
 * where the grammar needs the token); tparam_bound tells it apart. */
%type bound {TypeParam *}
bound(A) ::= tname(I). { A = tparam_bound(tok_str(I), I.loc); }

/* A chain of D_POINTER whose innermost inner is still NULL: the first
 * '*' written is the outermost node. */
%type pointer {Declarator *}
pointer(A) ::= STAR(S). { A = mk_declarator(D_POINTER, NULL, S.loc); }
pointer(A) ::= STAR(S) quals(Q). {
    A = mk_declarator(D_POINTER, NULL, S.loc);
    A->quals = Q;
}
pointer(A) ::= STAR(S) pointer(P). { A = mk_declarator(D_POINTER, P, S.loc); }
pointer(A) ::= STAR(S) quals(Q) pointer(P). {
    A = mk_declarator(D_POINTER, P, S.loc);
    A->quals = Q;
}

/* An array suffix, its inner filled by the rule that uses it. */
%type array {Declarator *}
array(A) ::= LBRACKET(B) RBRACKET. { A = mk_array(B.loc, 0, false, NULL); }
array(A) ::= LBRACKET(B) assign_expr(E) RBRACKET. { A = mk_array(B.loc, 0, false, E); }
array(A) ::= LBRACKET(B) quals(Q) RBRACKET. { A = mk_array(B.loc, Q, false, NULL); }
array(A) ::= LBRACKET(B) quals(Q) assign_expr(E) RBRACKET. { A = mk_array(B.loc, Q, false, E); }
array(A) ::= LBRACKET(B) STATIC assign_expr(E) RBRACKET. { A = mk_array(B.loc, 0, true, E); }
array(A) ::= LBRACKET(B) STATIC quals(Q) assign_expr(E) RBRACKET. {
    A = mk_array(B.loc, Q, true, E);
}
array(A) ::= LBRACKET(B) quals(Q) STATIC assign_expr(E) RBRACKET. {
    A = mk_array(B.loc, Q, true, E);
}

%type params {PList *}
params(A) ::= param_list(L). { A = L; }
params(A) ::= param_list(L) COMMA ELLIPSIS. { A = L; A->variadic = true; }

%type param_list {PList *}
param_list(A) ::= param(P). { A = xalloc(sizeof *A); vec_push(&A->params, P); }
param_list(A) ::= param_list(B) COMMA param(P). { A = B; vec_push(&A->params, P); }

%type param {Param *}
param(A) ::= decl_specs(S) declarator(D). { A = mk_param(S, D); }
param(A) ::= decl_specs(S) abstract_decl(D). { A = mk_param(S, D); }
param(A) ::= decl_specs(S). { A = mk_param(S, mk_abstract(ctx->cur_loc)); }

%type type_name {TypeName *}
type_name(A) ::= decl_specs(S). { A = mk_type_name(S, mk_abstract(ctx->cur_loc)); }
type_name(A) ::= decl_specs(S) abstract_decl(D). { A = mk_type_name(S, D); }

%type abstract_decl {Declarator *}
abstract_decl(A) ::= pointer(P). { A = attach_pointer(P, mk_abstract(ctx->cur_loc)); }
abstract_decl(A) ::= pointer(P) direct_abs(D). { A = attach_pointer(P, D); }
abstract_decl(A) ::= direct_abs(D). { A = D; }

%type direct_abs {Declarator *}
direct_abs(A) ::= LPAREN(P) abstract_decl(D) RPAREN. {
    A = mk_declarator(D_PAREN, D, P.loc);
}
direct_abs(A) ::= array(R). { A = R; A->inner = mk_abstract(R->loc); }
direct_abs(A) ::= direct_abs(D) array(R). { A = R; A->inner = D; A->loc = D->loc; }
direct_abs(A) ::= LPAREN(P) RPAREN. {
    A = mk_func_declarator(mk_abstract(P.loc), NULL, true);
}
direct_abs(A) ::= LPAREN(P) params(L) RPAREN. {
    A = mk_func_declarator(mk_abstract(P.loc), L, false);
}
direct_abs(A) ::= direct_abs(D) LPAREN RPAREN. {
    A = mk_func_declarator(D, NULL, true);
}
direct_abs(A) ::= direct_abs(D) LPAREN params(L) RPAREN. {
    A = mk_func_declarator(D, L, false);
}

/* ---- initializers --------------------------------------------------- */

%type initializer {Init *}
initializer(A) ::= assign_expr(E). { A = mk_init_expr(E); }
initializer(A) ::= initializer_braces(I). { A = I; }

%type init_list {Init *}
init_list(A) ::= init_item(I). { A = mk_init_list(I->loc); init_add(A, NULL, I); }
init_list(A) ::= designators(D) ASSIGN initializer(I). {
    A = mk_init_list(I->loc);
    init_add(A, &D, I);
}
init_list(A) ::= init_list(B) COMMA init_item(I). { A = B; init_add(A, NULL, I); }
init_list(A) ::= init_list(B) COMMA designators(D) ASSIGN initializer(I). {
    A = B;
    init_add(A, &D, I);
}

%type init_item {Init *}
init_item(A) ::= initializer(I). { A = I; }

%type designators {Vec}
designators(A) ::= designator(D). { A = (Vec){0}; vec_push(&A, D); }
designators(A) ::= designators(B) designator(D). { A = B; vec_push(&A, D); }

%type designator {Designator *}
designator(A) ::= LBRACKET(B) const_expr(E) RBRACKET. {
    A = xalloc(sizeof *A);
    A->kind = DESIG_INDEX;
    A->index = E;
    A->loc = B.loc;
}
designator(A) ::= DOT(D) member_name(N). {
    A = xalloc(sizeof *A);
    A->kind = DESIG_FIELD;
    A->field = tok_str(N);
    A->loc = D.loc;
}

%type member_name {Token}
member_name(A) ::= IDENT(T). { A = T; }
member_name(A) ::= TYPE_NAME(T). { A = T; }

/* ---- statements ----------------------------------------------------- */

%type compound {Stmt *}
compound(A) ::= LBRACE(L) block_items(I) RBRACE(R). {
    A = mk_stmt(S_COMPOUND, L.loc);
    A->items = I;
    A->end = R.loc;
}

%type block_items {Vec}
block_items(A) ::= . { A = (Vec){0}; }
block_items(A) ::= block_items(B) declaration(D). {
    A = B;
    Stmt *s = mk_stmt(S_DECL, D->loc);
    s->decl = D;
    vec_push(&A, s);
}
block_items(A) ::= block_items(B) stmt(S). { A = B; vec_push(&A, S); }
block_items(A) ::= block_items(B) static_assert. { A = B; }

%type stmt {Stmt *}
stmt(A) ::= compound(S). { A = S; }
stmt(A) ::= expr(E) SEMI. { A = mk_stmt(S_EXPR, E->loc); A->expr = E; }
stmt(A) ::= SEMI(T). { A = mk_stmt(S_NULL, T.loc); }
stmt(A) ::= IF(K) LPAREN expr(C) RPAREN stmt(S). [IFX] {
    A = mk_stmt(S_IF, K.loc);
    A->cond = C;
    A->body = S;
}
stmt(A) ::= IF(K) LPAREN expr(C) RPAREN stmt(S) ELSE stmt(E). {
    A = mk_stmt(S_IF, K.loc);
    A->cond = C;
    A->body = S;
    A->els = E;
}
stmt(A) ::= WHILE(K) LPAREN expr(C) RPAREN stmt(S). {
    A = mk_stmt(S_WHILE, K.loc);
    A->cond = C;
    A->body = S;
}
stmt(A) ::= DO(K) stmt(S) WHILE LPAREN expr(C) RPAREN SEMI. {
    A = mk_stmt(S_DO, K.loc);
    A->cond = C;
    A->body = S;
}
stmt(A) ::= FOR(K) LPAREN expr_opt(I) SEMI expr_opt(C) SEMI expr_opt(N) RPAREN stmt(S). {
    A = mk_stmt(S_FOR, K.loc);
    A->expr = I;
    A->cond = C;
    A->step = N;
    A->body = S;
}
stmt(A) ::= FOR(K) LPAREN declaration(D) expr_opt(C) SEMI expr_opt(N) RPAREN stmt(S). {
    A = mk_stmt(S_FOR, K.loc);
    A->decl = D;
    A->cond = C;
    A->step = N;
    A->body = S;
}
stmt(A) ::= SWITCH(K) LPAREN expr(C) RPAREN stmt(S). {
    A = mk_stmt(S_SWITCH, K.loc);
    A->cond = C;
    A->body = S;
}
stmt(A) ::= CASE(K) const_expr(E) COLON stmt(S). {
    A = mk_stmt(S_CASE, K.loc);
    A->expr = E;
    A->body = S;
}
stmt(A) ::= DEFAULT(K) COLON stmt(S). {
    A = mk_stmt(S_DEFAULT, K.loc);
    A->body = S;
}
stmt(A) ::= IDENT(N) COLON stmt(S). {
    A = mk_stmt(S_LABEL, N.loc);
    A->name = tok_str(N);
    A->body = S;
}
stmt(A) ::= GOTO(K) IDENT(N) SEMI. {
    A = mk_stmt(S_GOTO, K.loc);
    A->name = tok_str(N);
}
stmt(A) ::= BREAK(K) SEMI. { A = mk_stmt(S_BREAK, K.loc); }
stmt(A) ::= CONTINUE(K) SEMI. { A = mk_stmt(S_CONTINUE, K.loc); }
stmt(A) ::= RETURN(K) SEMI. { A = mk_stmt(S_RETURN, K.loc); }
stmt(A) ::= RETURN(K) expr(E) SEMI. { A = mk_stmt(S_RETURN, K.loc); A->expr = E; }
stmt(A) ::= DEFER(K) stmt(S). { A = mk_stmt(S_DEFER, K.loc); A->body = S; }

%type expr_opt {Expr *}
expr_opt(A) ::= . { A = NULL; }
expr_opt(A) ::= expr(E). { A = E; }

/* ---- expressions, one level per C precedence ------------------------ */

%type expr {Expr *}
expr(A) ::= assign_expr(E). { A = E; }
expr(A) ::= expr(L) COMMA assign_expr(R). { A = mk_binary(E_COMMA, ",", L, R); }

%type assign_expr {Expr *}
assign_expr(A) ::= cond_expr(E). { A = E; }
assign_expr(A) ::= unary_expr(L) assign_op(O) assign_expr(R). {
    A = mk_binary(E_ASSIGN, O, L, R);
}

%type assign_op {const char *}
assign_op(A) ::= ASSIGN. { A = "="; }
assign_op(A) ::= MULEQ.  { A = "*="; }
assign_op(A) ::= DIVEQ.  { A = "/="; }
assign_op(A) ::= MODEQ.  { A = "%="; }
assign_op(A) ::= ADDEQ.  { A = "+="; }
assign_op(A) ::= SUBEQ.  { A = "-="; }
assign_op(A) ::= SHLEQ.  { A = "<<="; }
assign_op(A) ::= SHREQ.  { A = ">>="; }
assign_op(A) ::= ANDEQ.  { A = "&="; }
assign_op(A) ::= XOREQ.  { A = "^="; }
assign_op(A) ::= OREQ.   { A = "|="; }

%type const_expr {Expr *}
const_expr(A) ::= cond_expr(E). { A = E; }

%type cond_expr {Expr *}
cond_expr(A) ::= lor_expr(E). { A = E; }
cond_expr(A) ::= lor_expr(C) QUESTION expr(L) COLON cond_expr(R). {
    A = mk_binary(E_COND, "?:", L, R);
    A->cond = C;
    A->loc = C->loc;
}

%type lor_expr {Expr *}
lor_expr(A) ::= land_expr(E). { A = E; }
lor_expr(A) ::= lor_expr(L) OROR land_expr(R). { A = mk_binary(E_BINARY, "||", L, R); }

%type land_expr {Expr *}
land_expr(A) ::= bor_expr(E). { A = E; }
land_expr(A) ::= land_expr(L) ANDAND bor_expr(R). { A = mk_binary(E_BINARY, "&&", L, R); }

%type bor_expr {Expr *}
bor_expr(A) ::= bxor_expr(E). { A = E; }
bor_expr(A) ::= bor_expr(L) PIPE bxor_expr(R). { A = mk_binary(E_BINARY, "|", L, R); }

%type bxor_expr {Expr *}
bxor_expr(A) ::= band_expr(E). { A = E; }
bxor_expr(A) ::= bxor_expr(L) CARET band_expr(R). { A = mk_binary(E_BINARY, "^", L, R); }

%type band_expr {Expr *}
band_expr(A) ::= eq_expr(E). { A = E; }
band_expr(A) ::= band_expr(L) AMP eq_expr(R). { A = mk_binary(E_BINARY, "&", L, R); }

%type eq_expr {Expr *}
eq_expr(A) ::= rel_expr(E). { A = E; }
eq_expr(A) ::= eq_expr(L) EQEQ rel_expr(R). { A = mk_binary(E_BINARY, "==", L, R); }
eq_expr(A) ::= eq_expr(L) NE rel_expr(R). { A = mk_binary(E_BINARY, "!=", L, R); }

%type rel_expr {Expr *}
rel_expr(A) ::= shift_expr(E). { A = E; }
rel_expr(A) ::= rel_expr(L) LT shift_expr(R). { A = mk_binary(E_BINARY, "<", L, R); }
rel_expr(A) ::= rel_expr(L) GT shift_expr(R). { A = mk_binary(E_BINARY, ">", L, R); }
rel_expr(A) ::= rel_expr(L) LE shift_expr(R). { A = mk_binary(E_BINARY, "<=", L, R); }
rel_expr(A) ::= rel_expr(L) GE shift_expr(R). { A = mk_binary(E_BINARY, ">=", L, R); }

%type shift_expr {Expr *}
shift_expr(A) ::= add_expr(E). { A = E; }
shift_expr(A) ::= shift_expr(L) SHL add_expr(R). { A = mk_binary(E_BINARY, "<<", L, R); }
shift_expr(A) ::= shift_expr(L) SHR add_expr(R). { A = mk_binary(E_BINARY, ">>", L, R); }

%type add_expr {Expr *}
add_expr(A) ::= mul_expr(E). { A = E; }
add_expr(A) ::= add_expr(L) PLUS mul_expr(R). { A = mk_binary(E_BINARY, "+", L, R); }
add_expr(A) ::= add_expr(L) MINUS mul_expr(R). { A = mk_binary(E_BINARY, "-", L, R); }

%type mul_expr {Expr *}
mul_expr(A) ::= cast_expr(E). { A = E; }
mul_expr(A) ::= mul_expr(L) STAR cast_expr(R). { A = mk_binary(E_BINARY, "*", L, R); }
mul_expr(A) ::= mul_expr(L) SLASH cast_expr(R). { A = mk_binary(E_BINARY, "/", L, R); }
mul_expr(A) ::= mul_expr(L) PERCENT cast_expr(R). { A = mk_binary(E_BINARY, "%", L, R); }

%type cast_expr {Expr *}
cast_expr(A) ::= unary_expr(E). { A = E; }
cast_expr(A) ::= LPAREN(P) type_name(T) RPAREN cast_expr(E). {
    A = mk_unary(E_CAST, NULL, E, P.loc);
    A->type = T;
}

/* await, try and spawn are prefix operators like the other unary ones:
 * "await x->get(k) + 1" is "(await x->get(k)) + 1". */
%type unary_expr {Expr *}
unary_expr(A) ::= postfix_expr(E). { A = E; }
unary_expr(A) ::= INC(T) unary_expr(E). { A = mk_unary(E_UNARY, "++", E, T.loc); }
unary_expr(A) ::= DEC(T) unary_expr(E). { A = mk_unary(E_UNARY, "--", E, T.loc); }
unary_expr(A) ::= AMP(T) cast_expr(E).   { A = mk_unary(E_UNARY, "&", E, T.loc); }
unary_expr(A) ::= STAR(T) cast_expr(E).  { A = mk_unary(E_UNARY, "*", E, T.loc); }
unary_expr(A) ::= PLUS(T) cast_expr(E).  { A = mk_unary(E_UNARY, "+", E, T.loc); }
unary_expr(A) ::= MINUS(T) cast_expr(E). { A = mk_unary(E_UNARY, "-", E, T.loc); }
unary_expr(A) ::= TILDE(T) cast_expr(E). { A = mk_unary(E_UNARY, "~", E, T.loc); }
unary_expr(A) ::= BANG(T) cast_expr(E).  { A = mk_unary(E_UNARY, "!", E, T.loc); }
unary_expr(A) ::= AWAIT(T) cast_expr(E). { A = mk_unary(E_AWAIT, "await", E, T.loc); }
unary_expr(A) ::= TRY(T) cast_expr(E).   { A = mk_unary(E_TRY, "try", E, T.loc); }
unary_expr(A) ::= SPAWN(T) cast_expr(E). { A = mk_unary(E_SPAWN, "spawn", E, T.loc); }
unary_expr(A) ::= SPAWN_LOCAL(T) cast_expr(E). {
    A = mk_unary(E_SPAWN, "spawn_local", E, T.loc);
}
unary_expr(A) ::= SIZEOF(T) unary_expr(E). {
    A = mk_unary(E_SIZEOF_EXPR, "sizeof", E, T.loc);
}
unary_expr(A) ::= SIZEOF(K) LPAREN type_name(T) RPAREN. {
    A = mk_expr(E_SIZEOF_TYPE, K.loc);
    A->type = T;
}
unary_expr(A) ::= ALIGNOF(K) LPAREN type_name(T) RPAREN. {
    A = mk_expr(E_ALIGNOF, K.loc);
    A->type = T;
}

%type postfix_expr {Expr *}
postfix_expr(A) ::= primary_expr(E). { A = E; }
postfix_expr(A) ::= postfix_expr(L) LBRACKET expr(R) RBRACKET. {
    A = mk_binary(E_INDEX, NULL, L, R);
}
postfix_expr(A) ::= postfix_expr(L) LPAREN RPAREN. { A = mk_unary(E_CALL, NULL, L, L->loc); }
postfix_expr(A) ::= postfix_expr(L) LPAREN args(V) RPAREN. {
    A = mk_unary(E_CALL, NULL, L, L->loc);
    A->args = V;
}
postfix_expr(A) ::= postfix_expr(L) DOT member_name(N). {
    A = mk_unary(E_MEMBER, ".", L, L->loc);
    A->name = tok_str(N);
}
postfix_expr(A) ::= postfix_expr(L) ARROW member_name(N). {
    A = mk_unary(E_MEMBER, "->", L, L->loc);
    A->name = tok_str(N);
    A->arrow = true;
}
postfix_expr(A) ::= postfix_expr(L) INC. { A = mk_unary(E_POSTFIX, "++", L, L->loc); }
postfix_expr(A) ::= postfix_expr(L) DEC. { A = mk_unary(E_POSTFIX, "--", L, L->loc); }
postfix_expr(A) ::= LPAREN(P) type_name(T) RPAREN initializer_braces(I). {
    A = mk_expr(E_COMPOUND, P.loc);
    A->type = T;
    A->init = I;
}

%type initializer_braces {Init *}
initializer_braces(A) ::= LBRACE(B) init_list(L) RBRACE. { A = L; A->loc = B.loc; }
initializer_braces(A) ::= LBRACE(B) init_list(L) COMMA RBRACE. { A = L; A->loc = B.loc; }
initializer_braces(A) ::= LBRACE(B) RBRACE. { A = mk_init_list(B.loc); }

%type args {Vec}
args(A) ::= assign_expr(E). { A = (Vec){0}; vec_push(&A, E); }
args(A) ::= args(B) COMMA assign_expr(E). { A = B; vec_push(&A, E); }

%type primary_expr {Expr *}
primary_expr(A) ::= IDENT(T). { A = mk_expr(E_IDENT, T.loc); A->name = tok_str(T); }
primary_expr(A) ::= INTLIT(T). { A = mk_expr(E_INT, T.loc); A->text = tok_str(T); }
primary_expr(A) ::= FLOATLIT(T). { A = mk_expr(E_FLOAT, T.loc); A->text = tok_str(T); }
primary_expr(A) ::= CHARLIT(T). { A = mk_expr(E_CHAR, T.loc); A->text = tok_str(T); }
primary_expr(A) ::= strings(S). { A = S; }
primary_expr(A) ::= LPAREN(P) expr(E) RPAREN. { A = mk_unary(E_PAREN, NULL, E, P.loc); }
primary_expr(A) ::= GENERIC(K) LPAREN assign_expr(E) COMMA generic_assocs(L) RPAREN. {
    A = mk_unary(E_GENERIC, NULL, E, K.loc);
    A->assocs = L;
}

%type strings {Expr *}
strings(A) ::= STRLIT(T). { A = mk_expr(E_STRING, T.loc); A->text = tok_str(T); }
strings(A) ::= strings(S) STRLIT(T). { A = mk_string_join(S, T); }

%type generic_assocs {Vec}
generic_assocs(A) ::= generic_assoc(G). { A = (Vec){0}; vec_push(&A, G); }
generic_assocs(A) ::= generic_assocs(B) COMMA generic_assoc(G). { A = B; vec_push(&A, G); }

%type generic_assoc {GenericAssoc *}
generic_assoc(A) ::= type_name(T) COLON assign_expr(E). {
    A = xalloc(sizeof *A);
    A->type = T;
    A->expr = E;
}
generic_assoc(A) ::= DEFAULT COLON assign_expr(E). {
    A = xalloc(sizeof *A);
    A->expr = E;
}
