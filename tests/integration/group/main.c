#include <stdio.h>

#include "poly.h"
#include "shape.h"

int main(void) {
    Poly p = { 4 };
    int area = 0;
    if (area_of_block_on(NULL, &area, Poly_as_Shape(&p)) < 0)
        return 1;
    /* 1 when shape.h counts Poly's frame (one aitc run for both files) */
    printf("area %d inline %d\n", area, Poly_area_FRAME_SIZE <= Shape_area_MAX_FRAME);
    return 0;
}
