#include <stdio.h>
#include "t.h"

int main(void) {
    long l = 0;
    int i = 0;
    int_to_long_block_on(NULL, &l, 3000);
    printf("int_to_long %ld\n", l);
    double_to_int_block_on(NULL, &i, 2.75);
    printf("double_to_int %d\n", i);
    pointer_to_bool_block_on(NULL, &i, 1);
    printf("pointer_to_bool(1) %d\n", i);
    pointer_to_bool_block_on(NULL, &i, 0);
    printf("pointer_to_bool(0) %d\n", i);
    void_to_chars_block_on(NULL, &i);
    printf("void_to_chars %c\n", i);
    call_fn_block_on(NULL, &i, 21);
    printf("call_fn %d\n", i);
    copy_struct_block_on(NULL, &i, 4);
    printf("copy_struct %d\n", i);
    unbox_block_on(NULL, &i, 7);
    printf("unbox(7) %d\n", i);
    unbox_block_on(NULL, &i, 3);
    printf("unbox(3) %d\n", i);
    in_join_block_on(NULL, &l);
    printf("in_join %ld\n", l);
    in_select_block_on(NULL, &i);
    printf("in_select %d\n", i);
    in_cond_block_on(NULL, &l, 5);
    printf("in_cond(5) %ld\n", l);
    in_cond_block_on(NULL, &l, 0);
    printf("in_cond(0) %ld\n", l);
    return 0;
}
