#include <stdio.h>
#include "t.h"

int main(void) {
    Meter m = { .count = 3 };
    Gauge g = { .level = 7 };
    int r = 0;
    printf("Meter_doubled = %d, Gauge_doubled = %d\n", Meter_doubled(&m), Gauge_doubled(&g));
    printf("kinds: %s, %s\n", Meter_kind(&m), Gauge_kind(&g));
    Meter_snapshot_block_on(NULL, &r, &m);
    printf("Meter_snapshot = %d\n", r);
    read_dyn_block_on(NULL, &r, Gauge_as_Probe(&g));
    printf("read_dyn(Gauge) = %d\n", r);
    read_dyn_block_on(NULL, &r, Meter_as_Probe(&m));
    printf("read_dyn(Meter) = %d\n", r);
    printf("Probe_doubled(dyn Gauge) = %d\n", Probe_doubled(Gauge_as_Probe(&g)));
    Meter m1 = { 2 }, m2 = { 5 };
    Gauge g1 = { 9 }, g2 = { 4 };
    merge_both_block_on(NULL, &r, &m1, &m2, &g1, &g2, Gauge_as_Mergeable(&g1));
    printf("merge_both = %d\n", r);
    return 0;
}
