/* check.h: the unit's tables (check.c). */
#ifndef AIT_CHECK_H
#define AIT_CHECK_H

#include "sema.h"

/* Collects and matches the interfaces, impls and functions of every file
 * of u, makes a Fut of every async function that needs a frame and
 * resolves their bodies; false on errors. */
bool check_unit(Sema *s, Unit *u);
/* generic fn instantiated for types (DynArg* or NULL in dyns, parallel),
 * at least one a dyn, for a call from code of file home: found or made. */
Fut *sema_dyn_instance(Sema *s, Func *fn, Vec *types, Vec *dyns, int home);

#endif
