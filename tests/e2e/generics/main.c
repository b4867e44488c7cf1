#include <stdio.h>
#include "t.h"

int main(void) {
    Hot hot = { 0 };
    Cold cold = { 0 };
    Sink sink = { 0 };
    int r = 0;
    fetch_both_Hot_block_on(NULL, &r, &hot, 2);
    printf("fetch_both_Hot(2) = %d\n", r);
    fetch_both_Cold_block_on(NULL, &r, &cold, 2);
    printf("fetch_both_Cold(2) = %d\n", r);
    copy_Hot_Sink_block_on(NULL, &r, &hot, &sink, 4);
    printf("copy_Hot_Sink(4) = %d total=%d\n", r, sink.total);
    copy_Cold_Sink_block_on(NULL, &r, &cold, &sink, 3);
    printf("copy_Cold_Sink(3) = %d total=%d\n", r, sink.total);
    printf("hits=%d misses=%d\n", hot.hits, cold.misses);
    return 0;
}
