/* gen.h: from parsed files to C. The checks (check*.c, resolve.c) build
 * the unit's tables and resolve names, calls and receivers; the lowering
 * (hoist.c, lower.c, liveness.c) turns async bodies into state machines;
 * the emitter (emit*.c) prints the header and source. */
#ifndef AIT_GEN_H
#define AIT_GEN_H

#include <stdbool.h>
#include <stdio.h>
#include "ast.h"
#include "util.h"

#define AITC_VERSION "0.1.0"

typedef struct GenOptions {
    bool line_directives;       /* #line back to the .ait source (default on) */
    const char *header_name;    /* generate(): the header's name, "x.h" */
    const char *source_name;    /* generate(): the source's, "x.c" (default: from x.h) */
    size_t large_frame;         /* --frame-report warns above this (bytes) */
    bool exact_frames;          /* --frame-report=cc: the warning waits for exact sizes */
} GenOptions;

/* A compilation: the file being generated and the files it imports
 * (transitively, each once; declarations only, their code is emitted
 * by their own aitc run). header_of(import) names the header to include.
 *
 * Files of one aitc run where one implements an interface another
 * declares are generated together, as one unit (a group), so that the
 * inline storage of a dyn call holds the frames of every impl of the
 * run: files lists them, each after the files it imports; the first
 * one's header holds the declarations of all, the others' include it. */
typedef struct Unit {
    File *file;                 /* the file generated; of a group, its first */
    Vec files;                  /* File*: the files generated (file first); when
                                   empty, file alone */
    Vec imports;                /* File*: the other files they import */
    Vec import_headers;         /* const char*: "store.h", parallel to imports */
    struct Sema *sema;          /* generate(): the checks' tables */
    struct FrameEstimator *frames;  /* generate(): frame size estimates */
} Unit;

/* Where the header and source of one generated file go. */
typedef struct GenOutput {
    const char *header_name;    /* how the .c includes its header: "x.h" */
    const char *source_name;    /* the .c's own name, for #line resets: "x.c" */
    Buf *header, *source;
} GenOutput;

/* Checks the unit and emits it, one GenOutput per file of u->files.
 * Returns false when errors were reported (then the outputs are
 * incomplete and must not be written). */
bool generate_files(Unit *u, const GenOptions *opt, GenOutput *outs);
/* The same for a unit of one file, its names taken from opt. */
bool generate(Unit *u, const GenOptions *opt, Buf *header, Buf *source);
/* Is file (an id) among the files u generates? */
bool unit_generates(Unit *u, int file);

/* Is f's body lowered into a state machine? */
struct Fut;
bool gen_lowered(struct Fut *f);

/* After generate(): prints every future's frame layout (estimated size,
 * and per await the locals that cross it) to out (frame_report.c). */
void frame_report(Unit *u, FILE *out);

/* The same with the C compiler's sizes: the headers of the run are
 * compiled into a probe with $CC $CFLAGS. Warns about frames above
 * large_frame bytes. -1 (reported) when the probe cannot be built. */
typedef struct ProbeInput {
    Unit *unit;                 /* NULL: a file generated with another (its header only) */
    const char *header_name;    /* "x.h" */
    const Buf *header;          /* its generated text */
    Vec include_dirs;           /* const char*: where imported headers may be */
} ProbeInput;
int frame_report_cc(Vec *inputs, size_t large_frame, FILE *out);

#endif
