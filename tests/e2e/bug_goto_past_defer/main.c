#include <stdio.h>
#include "t.h"
int main(void) { int r; printf("f(1):\n"); f_block_on(NULL, &r, 1); printf("f(0):\n"); f_block_on(NULL, &r, 0); return 0; }
