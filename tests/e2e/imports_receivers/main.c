#include <stdio.h>
#include "use.h"

int main(void) {
    Disk disk = { 100 };
    Holder h;
    h.mem.v = 1;
    h.node.primary = Mem_as_Store(&h.mem);
    h.node.backups[0] = Disk_as_Store(&disk);
    h.node.backups[1] = Mem_as_Store(&h.mem);
    int r = 0;
    int rc = use_all_block_on(NULL, &r, &h, disk);
    printf("use_all = %d rc=%d\n", r, rc);
    via_generic_Mem_block_on(NULL, &r, &h.mem, 10);
    printf("via_generic_Mem(10) = %d\n", r);
    via_generic_Disk_block_on(NULL, &r, &disk, 10);
    printf("via_generic_Disk(10) = %d\n", r);
    Disk_load_sum_block_on(NULL, &r, &disk, 1, 1);
    printf("Disk_load_sum(1,1) = %d\n", r);
    ait_alloc_trim();
    return 0;
}
