/* group.h: which inputs of one aitc run are generated together.
 *
 * A dyn call's frame holds the frames of the impls it may call inline,
 * so the header that declares interface I needs the frames of I's impls.
 * When an input implements an interface another input declares, the two
 * are generated as one unit (a group): the first file's header holds the
 * declarations of both, the other's includes it. A group also takes
 * every file between its members (imported by one, importing another),
 * since such a file's header needs the group's declarations before its
 * own and the group's need its; when such a file is not an input of the
 * run, or two files of the group would have the same name (x.ait in two
 * folders), the impl is left out (its dyn calls are boxed, as across
 * runs) and aitc warns at it (-Wungrouped). */
#ifndef AIT_GROUP_H
#define AIT_GROUP_H

#include "ast.h"
#include "util.h"

/* A file of the run: an input, or a file one imports. */
typedef struct RunFile {
    File *file;
    const char *key;            /* its real path: the order of files in a group */
    Vec deps;                   /* RunFile*: what it imports, transitively */
    bool input;
    int group;                  /* group_inputs: its group (index in out), or -1 */
} RunFile;

/* Puts the inputs among files into groups: out receives, per group of
 * more than one file, a Vec* of RunFile* in the order of generation
 * (each after the files it imports). An input alone is in no group. */
void group_inputs(Vec *files, Vec *out);

#endif
