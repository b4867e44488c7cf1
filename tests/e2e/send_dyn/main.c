#include <stdio.h>
#include "t.h"

int main(void) {
    Dbl dbl = { 0 };
    ait_rt_config cfg = { 2 };
    ait_rt *rt = ait_rt_new(&cfg);
    int r = 0;
    int rc = run_send_block_on(rt, &r, Dbl_as_Xf_send(&dbl), Dbl_as_Xf(&dbl), 3);
    printf("run_send(3) = %d rc=%d calls=%d\n", r, rc, dbl.calls);
    ait_rt_free(rt);
    return 0;
}
