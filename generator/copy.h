/* copy.h: deep copies of bodies, for instances (copy.c). */
#ifndef AIT_COPY_H
#define AIT_COPY_H

#include "ast.h"

Stmt *copy_stmt(Stmt *s);
Expr *copy_expr(Expr *e);

#endif
