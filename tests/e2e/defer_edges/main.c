#include <stdio.h>
#include "t.h"

int main(void) {
    int r = 0;
    printf("late_value:\n");
    late_value_block_on(NULL, &r);
    printf("switch_break(1):\n");
    switch_break_block_on(NULL, &r, 1);
    printf("= %d\n", r);
    printf("switch_break(2):\n");
    switch_break_block_on(NULL, &r, 2);
    printf("= %d\n", r);
    printf("continue_to_step:\n");
    continue_to_step_block_on(NULL, &r);
    printf("= %d\n", r);
    printf("shadow_defer:\n");
    shadow_defer_block_on(NULL, &r);
    printf("= %d\n", r);
    Res res = { 5 };
    printf("generic_defer:\n");
    generic_defer_Res_block_on(NULL, &r, &res);
    printf("= %d\n", r);
    return 0;
}
