#include <stdio.h>
#include "t.h"

int main(void) {
    int ns[] = { 20, 7, 3, 0 };
    for (int i = 0; i < 4; i++) {
        int r = -99;
        int rc = classify_block_on(NULL, &r, ns[i]);
        printf("classify(%d) = %d rc=%d\n", ns[i], r, rc);
    }
    return 0;
}
