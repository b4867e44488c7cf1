/* output.h: what aitc reads and writes on disk: whole files in, outputs
 * written atomically and only when their content changed, paths, and the
 * diff that --check prints. */
#ifndef AIT_OUTPUT_H
#define AIT_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ast.h"
#include "util.h"

/* The whole file, NUL-terminated, in the arena; NULL with errno set. */
char *read_file(const char *path, size_t *len);

/* The outputs of one run, replaced together or not at all. Each output
 * is written to a temporary file beside it as it is produced; only when
 * every one is written are they renamed over their paths (readers see
 * the old or the new file, never a part). On any failure, and on SIGINT
 * or SIGTERM before the renames, the temporaries are removed and the
 * old files stay as they were. */
typedef struct Staged {
    const char *path;
    char *tmp;
    int fd;              /* the temporary, while open */
    int old_fd;          /* the file at path while it matches what was written */
    size_t written;
    int err;             /* the first write error (an errno), reported at close */
    BufSink sink;        /* output_attach: a buffer streaming here */
} Staged;

typedef struct OutputSet {
    Vec staged;          /* Staged*: temporaries written or being written */
    Vec made_dirs;       /* directories make_dirs created, removed on discard */
} OutputSet;

/* Opens a temporary for path: NULL on failure (reported; path is not a
 * regular file, or its directory is not writable). */
Staged *output_open(OutputSet *set, const char *path);
void output_write(Staged *sg, const char *data, size_t len);
/* Makes b stream into sg (util.h: BufSink). */
void output_attach(Staged *sg, Buf *b);
/* Closes the temporary. A file that already held exactly what was
 * written is left alone (its mtime kept; the temporary goes). Returns 1
 * when staged, 0 when unchanged, -1 on failure (reported: disk full...). */
int output_close(OutputSet *set, Staged *sg);
/* output_open, output_write and output_close of data. */
int output_stage(OutputSet *set, const char *path, const char *data, size_t len);

/* Renames every staged temporary over its path: 0, or -1 (reported,
 * the temporaries left are removed). Renames within one directory do
 * not fail for want of space, so once staging has succeeded this is the
 * step that cannot leave some outputs new and others old in practice;
 * SIGINT and SIGTERM wait until it is done. */
int output_commit(OutputSet *set);

/* Removes every staged temporary and the directories made for them,
 * leaving the old files as they were. */
void output_discard(OutputSet *set);

/* Creates dir and its parents as needed, noting them in set (NULL: not
 * noted); 0 or -1 (reported). */
int make_dirs(OutputSet *set, const char *dir);

/* Prints a unified diff of the first region where old and new differ,
 * with three lines of context (a long region is cut short). */
void print_diff(FILE *out, const char *path, const char *old, size_t oldlen,
                const char *new_, size_t newlen);

/* Path helpers; results live in the arena. path_dir("a.ait") is ".",
 * path_join(".", x) and path_join(d, "/abs") give x and "/abs". */
const char *path_dir(const char *path);
const char *path_base(const char *path);
const char *path_join(const char *dir, const char *name);
bool is_regular_file(const char *path);

#endif
