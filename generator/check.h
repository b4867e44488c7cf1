/* check.h: the unit's tables (check.c). */
#ifndef AIT_CHECK_H
#define AIT_CHECK_H

#include "sema.h"

/* Collects and matches the interfaces, impls and functions of every file
 * of u, makes a Fut of every async function that needs a frame and
 * resolves their bodies; false on errors. */
bool check_unit(Sema *s, Unit *u);

#endif
