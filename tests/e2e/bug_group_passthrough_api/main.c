#include <stdio.h>
#include "b.h"

int main(void) {
    A a = { 3 };
    B b = { 7, A_as_I(&a) };
    int r = 0;
    int rc = both_block_on(NULL, &r, &b, A_as_J(&a));
    printf("both = %d rc=%d\n", r, rc);
    printf("peek(b) = %d\n", peek(B_as_I(&b)));
    printf("peek_a(a) = %d\n", peek_a(&a));
    return 0;
}
