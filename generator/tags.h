/* tags.h: struct, union and enum definitions inside async bodies
 * (tags.c). */
#ifndef AIT_TAGS_H
#define AIT_TAGS_H

#include "ast.h"

/* Moves them to file scope. */
void tags_hoist(File *f);

#endif
