/* output.h: what aitc reads and writes on disk: whole files in, outputs
 * written atomically and only when their content changed, paths, and the
 * diff that --check prints. */
#ifndef AIT_OUTPUT_H
#define AIT_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The whole file, NUL-terminated, in the arena; NULL with errno set. */
char *read_file(const char *path, size_t *len);

/* Writes data to path through a temporary file in the same directory and
 * a rename, so readers see the old or the new file, never a part. A file
 * that already holds exactly data is left alone (its mtime kept).
 * Returns 1 when written, 0 when unchanged, -1 on failure (reported). */
int write_if_changed(const char *path, const char *data, size_t len);

/* Creates dir and its parents as needed; 0 or -1 (reported). */
int make_dirs(const char *dir);

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
