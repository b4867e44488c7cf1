/* big.h first: its declarations are in shapes.h, with those of the run. */
#include "big.h"
#include "plain.h"
#include "star.h"
#include "shapes.h"

_Static_assert(Shape_area_MAX_FRAME >= Poly_area_FRAME_SIZE, "Poly counted");
_Static_assert(Shape_area_MAX_FRAME >= Star_area_FRAME_SIZE, "Star counted");
_Static_assert(Shape_area_MAX_FRAME >= Square_area_FRAME_SIZE, "Square counted");

int main(void) {
    ait_rt *rt = ait_rt_new(NULL);
    Square q = { 3 };
    Poly p = { 7 };
    Star s = { 5 };
    Shape_dyn all[3] = { Square_as_Shape(&q), Poly_as_Shape(&p), Star_as_Shape(&s) };
    printf("Poly fits inline: %d\n", Poly_area_FRAME_SIZE <= Shape_area_MAX_FRAME);
    int r = 0;
    total_block_on(rt, &r, all, 3);   /* warm-up */
    ait_alloc_stats_reset();
    total_block_on(rt, &r, all, 3);
    ait_alloc_stats st = ait_alloc_stats_get();
    printf("total = %d, allocations %llu\n", r, (unsigned long long)st.allocs);
    poly_total_block_on(rt, &r, &p, &q);
    printf("poly_total = %d\n", r);
    star_report_block_on(rt, &r, &s, &p);
    printf("star_report = %d\n", r);
    sum_two_block_on(rt, &r, all[1], all[2]);
    printf("sum_two = %d\n", r);
    printf("sides: %d %d %d\n", Shape_sides(all[0]), Shape_sides(all[1]), Shape_sides(all[2]));
    ait_rt_free(rt);
    ait_alloc_trim();
    return 0;
}
