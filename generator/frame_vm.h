/* frame_vm.h: variably modified types in frames (frame_vm.c). */
#ifndef AIT_FRAME_VM_H
#define AIT_FRAME_VM_H

#include "sema.h"

/* Reports each variable of f's lowered body whose type is variably
 * modified and that needs a frame field; false if there was one. */
bool frame_vm_check(Fut *f);

#endif
