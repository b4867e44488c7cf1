#include <stdio.h>
#include "t.h"

int main(void) {
    Dbl d = { 2 };
    int r = 0;
    run_block_on(NULL, &r, Dbl_as_Xf_send(&d), 21);
    printf("run(21) = %d\n", r);
    return 0;
}
