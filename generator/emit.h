/* emit.h: shared state of the C emitter (emit.c: the unit's layout,
 * types, vtables and dyn calls; emit_fut.c: one future's frame, init,
 * poll and drop; emit_stmt.c: lowered statements; emit_print.c: how they
 * all print). */
#ifndef AIT_EMIT_H
#define AIT_EMIT_H

#include "cprint.h"
#include "lower.h"

typedef struct Out {
    Buf *b;
    const char *name;        /* the generated file's name, for #line resets */
    int lines;               /* newlines in b->data[0 .. counted) */
    size_t counted;
    int map_file, map_line;  /* the last #line: the source line it named, */
    int map_out;             /* and the output line after it (0: none in force) */
} Out;

typedef struct Emit {
    Sema *s;
    const GenOptions *opt;
    Out h, c;
    int file;                /* the file whose source is being printed, or -1 */
    Fut *fut;                /* the future being printed: hooks read it */
    Vec keeps;               /* Vec* of Var*: the distinct kept sets of fut's awaits,
                                saved by fut's F_ait_saveN (N = index + 1) */
    PrintHooks hooks;
} Emit;

/* emit_print.c */
/* #line mapping the next output line to loc's line, unless one in force
 * already does. */
void out_line_directive(Emit *e, Out *o, Loc loc);
/* #line back to the generated file itself. */
void out_line_reset(Emit *e, Out *o);
/* The end of one item of a section: the strings made for it since m are
 * released, and the text printed so far may stream to its file. */
void emit_item_done(Emit *e, ArenaMark m);
/* How user code prints: locals by their C names, generic parameters
 * substituted, plain method calls direct. */
PrintHooks emit_print_hooks(Emit *e);
/* A name of a definition moved per instance (tags.c), spelled for the
 * instance being emitted, or NULL for any other name. */
const char *emit_inst_name(Emit *e, const char *name);
/* The self argument of a resolved call. */
void emit_receiver(Emit *e, Buf *b, Target *t);

/* A type as C: "char *", with generic parameters substituted. */
const char *type_str(Emit *e, DeclSpec *spec, Declarator *d);
/* "T name" for a declaration with another name. */
const char *decl_str(Emit *e, DeclSpec *spec, Declarator *d, const char *name);
/* NAME declared with f's return type as the user wrote it (ait_unit for
 * void): written_output_decl for the typedef F_output; output_decl where
 * the output is stored ("*ait_out", an await's temporary, a join's
 * output), so the C compiler names the user's type (F_output for a type
 * that defines a struct, union or enum). var_decl: a local or temporary
 * declared as NAME. */
const char *written_output_decl(Emit *e, Fut *f, const char *name);
const char *output_decl(Emit *e, Fut *f, const char *name);
const char *var_decl(Emit *e, Var *v, const char *name);

/* Parameters after self: ", T1 a1, T2 a2" with fixed names pfx1.. */
const char *params_str(Emit *e, Func *fn, const char *pfx);
/* Arguments after self: ", a1, a2" */
const char *args_str(Func *fn, const char *pfx);

/* emit.c: the unit's header and sources, one GenOutput per file of the
 * unit (the first holds the header, the others' include it). */
void emit_unit(Sema *s, const GenOptions *opt, GenOutput *outs);
/* Is f's code printed into the source being printed (the file that
 * defines it)? */
bool emit_here(Emit *e, Fut *f);
/* emit_fut.c */
void emit_frame_struct(Emit *e, Fut *f);
void emit_fut_prototypes(Emit *e, Fut *f);
void emit_fut_code(Emit *e, Fut *f);
/* N of the F_ait_saveN that stores keep, or -1. */
int emit_save_index(Emit *e, Vec *keep);
/* emit_stmt.c */
void emit_lowered(Emit *e, Stmt *s, int level);
void emit_defers(Emit *e, Vec *defers, bool from_frame, int level);

#endif
