/* main.c: sample 7, send transforms spawned on a runtime with 2 workers.
 *
 * [1, 2, 3, 4] doubled is [2, 4, 6, 8]: one task per input, results
 * gathered in order through the join handles. */
#include <stdio.h>
#include <stdlib.h>

#include "workers.h"

static void must(int rc, const char *what) {
    if (rc < 0) {
        fprintf(stderr, "%s: runtime error %d\n", what, rc);
        exit(1);
    }
}

static void print_list(const char *label, const int *v, int n) {
    printf("%s[", label);
    for (int i = 0; i < n; i++)
        printf(i ? ", %d" : "%d", v[i]);
    printf("]\n");
}

int main(void) {
    /* tokio::runtime::Builder::new_multi_thread().worker_threads(2) */
    ait_rt *rt = ait_rt_new(&(ait_rt_config){ .workers = 2 });
    if (rt == NULL) {
        fprintf(stderr, "cannot create a runtime\n");
        return 1;
    }
    static const int input[] = { 1, 2, 3, 4 };
    int n = (int)(sizeof input / sizeof input[0]);

    Doubler doubler = { .factor = 2 };
    int doubled[4] = { 0 };
    int rc = 0;
    must(double_all_block_on(rt, &rc, &doubler, input, doubled, n), "double_all");
    print_list("input:   ", input, n);
    print_list("doubled: ", doubled, n);
    printf("double_all: %d\n", rc);

    /* Through the send variant of the interface. */
    Square square = { .delay_ms = 1 };
    int squared[4] = { 0 };
    must(map_all_block_on(rt, &rc, Square_as_Transform_send(&square), input, squared, n),
         "map_all");
    print_list("squared: ", squared, n);

    /* The generic over send transforms, for a static type and for a
     * send dyn; the dyn converts to its super-interface Named. */
    int again[4] = { 0 };
    must(spawn_each_Square_block_on(rt, &rc, &square, input, again, n), "spawn_each");
    print_list("squared: ", again, n);
    Transform_send_dyn t = Doubler_as_Transform_send(&doubler);
    must(spawn_each_Transform_send_dyn_block_on(rt, &rc, &t, input, again, n), "spawn_each");
    print_list("doubled: ", again, n);
    printf("as Named: %s\n", Named_name(Transform_dyn_as_Named(Transform_send_dyn_as_dyn(t))));

    /* Spawning from C: F_spawn exists only for send futures. */
    ait_task *task = Doubler_apply_spawn(rt, &doubler, 21);
    if (task == NULL) {
        perror("Doubler_apply_spawn");
        ait_rt_free(rt);
        return 1;
    }
    int answer = 0;
    must(ait_join_block_on(rt, &answer, task), "join");
    printf("spawned from C: apply(21) = %d\n", answer);

    ait_rt_free(rt);
    return 0;
}
