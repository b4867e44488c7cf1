/* main.c: sample 5, upper-case then reverse, behind dyn.
 *
 * The stages are chosen at run time: each is a Plugin_dyn fat pointer,
 * here to a Logged decorator that wraps the real plugin. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plugins.h"

static void must(int rc, const char *what) {
    if (rc < 0) {
        fprintf(stderr, "%s: runtime error %d\n", what, rc);
        exit(1);
    }
}

int main(void) {
    ait_rt *rt = ait_rt_new(NULL);
    if (rt == NULL) {
        fprintf(stderr, "cannot create a runtime\n");
        return 1;
    }
    UpperCase upper = { 0 };
    Reverse reverse = { 0 };
    Logged logged_upper = { .inner = UpperCase_as_Plugin(&upper) };
    Logged logged_reverse = { .inner = Reverse_as_Plugin(&reverse) };
    Pipeline pipeline = {
        .stages = { Logged_as_Plugin(&logged_upper), Logged_as_Plugin(&logged_reverse) },
        .count = 2,
    };

    printf("pipeline:");
    for (int i = 0; i < pipeline.count; i++)
        printf(" %s", Plugin_name(pipeline.stages[i]));
    printf("\n");

    static const char *const inputs[] = { "rust", "async c", "" };
    char text[TEXT_MAX];
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        snprintf(text, sizeof text, "%s", inputs[i]);
        int rc = 0;
        must(pipeline_run_block_on(rt, &rc, &pipeline, text), "pipeline_run");
        if (rc == 0)
            printf("\"%s\" -> \"%s\"\n", inputs[i], text);
        else
            printf("\"%s\" -> error %d\n", inputs[i], rc);
    }

    /* A dyn call straight from C, on a fat pointer made on the spot. */
    snprintf(text, sizeof text, "%s", "TSUR");
    int rc = 0;
    must(Plugin_apply_dyn_block_on(rt, &rc, Reverse_as_Plugin(&reverse), text), "apply");
    printf("reverse \"TSUR\" through dyn: \"%s\" (%d)\n", text, rc);

    printf("upper-cased %u characters, reversed %u texts\n", upper.changed, reverse.runs);

    ait_rt_free(rt);
    ait_alloc_trim();       /* hand the recycled dyn-call blocks back to malloc */
    return 0;
}
