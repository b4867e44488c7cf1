#include <stdio.h>
#include "t.h"

int main(void) {
    int r = 0;
    printf("args:\n");
    args_block_on(NULL, &r);
    printf("= %d\n", r);
    printf("nested:\n");
    nested_block_on(NULL, &r);
    printf("= %d\n", r);
    printf("binops:\n");
    binops_block_on(NULL, &r);
    printf("= %d\n", r);
    printf("shortcirc(0):\n");
    shortcirc_block_on(NULL, &r, 0);
    printf("= %d\n", r);
    printf("shortcirc(1):\n");
    shortcirc_block_on(NULL, &r, 1);
    printf("= %d\n", r);
    printf("cond(1):\n");
    cond_block_on(NULL, &r, 1);
    printf("= %d\n", r);
    printf("cond(0):\n");
    cond_block_on(NULL, &r, 0);
    printf("= %d\n", r);
    printf("comma:\n");
    comma_block_on(NULL, &r);
    printf("= %d\n", r);
    printf("index_assign:\n");
    index_assign_block_on(NULL, &r);
    printf("= %d\n", r);
    printf("multi_decl:\n");
    multi_decl_block_on(NULL, &r);
    printf("= %d\n", r);
    printf("cond_and(5):\n");
    cond_and_block_on(NULL, &r, 5);
    printf("= %d\n", r);
    printf("cond_and(1):\n");
    cond_and_block_on(NULL, &r, 1);
    printf("= %d\n", r);
    return 0;
}
