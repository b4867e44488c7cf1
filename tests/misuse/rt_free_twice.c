/* Misuse: freeing a runtime twice. With nothing else holding it, the
 * first ait_rt_free releases its memory (malloc'ed), and ASan reports the
 * second. (While task handles, wakers or fd frames still hold it, a
 * second ait_rt_free finds it closed and does nothing.)
 * expect: heap-use-after-free */
#include <stdio.h>

#include "ait.h"

int main(void) {
    ait_rt *rt = ait_rt_new(NULL);
    if (!rt)
        return 1;
    ait_rt_free(rt);
    ait_rt_free(rt);        /* misuse */
    fprintf(stderr, "freed twice\n");
    return 0;
}
