#include <stdio.h>
#include "t.h"

int main(void) {
    K k = { 5 };
    unsigned r = 0;
    from_d_block_on(NULL, &r, K_as_D(&k));
    printf("from_d = %u\n", r);
    from_e_block_on(NULL, &r, K_as_E_send(&k));
    printf("from_e = %u\n", r);
    E_dyn e = K_as_E(&k);
    printf("from C: A %u, B %u, C %u, D %u\n", A_tag(E_dyn_as_A(e)), B_b(E_dyn_as_B(e)),
           C_c(E_dyn_as_C(e)), D_d(E_dyn_as_D(e)));
    Early_dyn y = K_as_Early(&k);
    printf("from Early: A %u, B %u, early %u\n", A_tag(Early_dyn_as_A(y)), B_b(Early_dyn_as_B(y)),
           Early_early(y));
    return 0;
}
