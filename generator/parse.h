/* parse.h: the parser driver. It runs the re2c lexer (grammar/lexer.re)
 * and feeds the lemon parser (grammar/parser.y), which builds the AST. */
#ifndef AIT_PARSE_H
#define AIT_PARSE_H

#include "ast.h"

/* Parses the source registered as src_id (util.h: src_add). Errors are
 * reported with error_at; the parser recovers at the next top-level item
 * or statement where it can, so one run reports several. Returns the
 * file (possibly partial when errors were reported). */
File *parse_file(int src_id);

/* How deep the syntax tree of one top-level item may be (statements,
 * expressions, declarators and initializers, each level counted). The
 * passes after the parser recurse over the tree; parse_file reports a
 * deeper item ("expression nested too deeply") so they never overflow
 * the stack (parse_depth.c). */
#define NESTING_LIMIT 2000
bool check_nesting(const File *f);      /* false when reported */

/* Type names known to the lexer feedback: an identifier that names a
 * type lexes as TYPE_NAME. Standard names (size_t, uint64_t, bool, ...)
 * are known from the start; passthrough typedefs, .ait structs, impl
 * types and %types names are added as they are seen, across files, so an
 * imported file's types are known to its importer. */
void typenames_add(const char *name);
void typenames_reset(void);            /* forget all but the standard names */
bool typenames_has(const char *name);
void typenames_save(Vec *out);           /* the names in force, appended to out */
void typenames_load(const Vec *saved);   /* the standard names plus saved ones */
/* An impl's type that was declared nowhere aitc reads is added as
 * assumed, so its bodies parse; the checks then report it. */
void typenames_assume(const char *name);
bool typenames_declared(const char *name);

#endif
