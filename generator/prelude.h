/* prelude.h: the runtime's leaf futures, as aitc knows them (prelude.c). */
#ifndef AIT_PRELUDE_H
#define AIT_PRELUDE_H

#include "ast.h"

/* Parsed once per run, as an imported file. */
File *prelude_file(void);
/* Forgets it (a new run in the same process, e.g. the fuzzer). */
void prelude_reset(void);

#endif
