/* astdump.h: the AST as an indented S-expression (aitc --dump-ast). */
#ifndef AIT_ASTDUMP_H
#define AIT_ASTDUMP_H

#include <stdio.h>
#include "ast.h"

void ast_dump(File *f, FILE *out);

/* Pieces, for tests and debugging: one line, no trailing newline. */
void ast_dump_expr(Expr *e, FILE *out);
void ast_dump_type(DeclSpec *spec, Declarator *decl, FILE *out);
void ast_dump_stmt(Stmt *s, int indent, FILE *out);

#endif
