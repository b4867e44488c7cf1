/* resolve.h: names, receivers and calls of one body (resolve.c). */
#ifndef AIT_RESOLVE_H
#define AIT_RESOLVE_H

#include "sema.h"

void resolve_fut(Sema *s, Fut *f);
/* dyn I and send dyn I must name an interface. */
void check_dyn_type(Sema *s, DeclSpec *spec);
/* return VALUE in async function fn: an error where C could not store
 * it as fn's return type and aitc can tell (return_type.c). */
void check_return_type(Func *fn, Expr *value);
/* fn's return type quoted for a message: "'char *'". */
const char *return_type_words(Func *fn);

#endif
