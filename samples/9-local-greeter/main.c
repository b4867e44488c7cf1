/* main.c: sample 9, greeters as local tasks on a current-thread runtime.
 *
 * Guests take different numbers of steps to arrive (each step a trip
 * through the executor, whose queue is first in, first out: the order is
 * the same on every run, however loaded the machine), each greeted by a
 * task started with spawn_local; all of them sign one guestbook that has
 * no lock. */
#include <stdio.h>
#include <stdlib.h>

#include "greeter.h"

static void must(int rc, const char *what) {
    if (rc < 0) {
        fprintf(stderr, "%s: runtime error %d\n", what, rc);
        exit(1);
    }
}

int main(void) {
    ait_rt *rt = ait_rt_new(NULL);          /* current-thread: no workers */
    if (rt == NULL) {
        fprintf(stderr, "cannot create a runtime\n");
        return 1;
    }
    Guestbook book = { 0 };
    Host english = { .greeting = "Hello", .book = &book };
    Host french = { .greeting = "Bonjour", .book = &book };

    static const char *const guests[] = { "Ada", "Grace", "Barbara", "Edsger" };
    static const unsigned steps[] = { 3, 1, 2, 0 };
    Host *const hosts[] = { &english, &french, &english, &french };
    int n = (int)(sizeof guests / sizeof guests[0]);
    int numbers[4] = { 0 };

    printf("greetings, in order of arrival:\n");
    int greeted = 0;
    must(party_block_on(rt, &greeted, hosts, guests, steps, n, numbers), "party");

    printf("joined, in order of spawning:\n");
    for (int i = 0; i < n; i++)
        printf("  %-7s guest #%d\n", guests[i], numbers[i]);
    printf("greeted %d, guestbook count %d:", greeted, book.count);
    for (int i = 0; i < book.len; i++)
        printf(" %s", book.names[i]);
    printf("\n");

    /* From C: a local task spawned before block_on runs once block_on
     * drives the runtime, on this thread. */
    ait_task *late = Host_greet_spawn_local(rt, &english, "Alan", 2);
    if (late == NULL) {
        perror("Host_greet_spawn_local");
        ait_rt_free(rt);
        return 1;
    }
    printf("spawned Alan: finished yet? %s\n", ait_task_is_finished(late) ? "yes" : "no");
    int number = 0;
    must(ait_join_block_on(rt, &number, late), "join");
    printf("Alan joined: guest #%d, guestbook count %d\n", number, book.count);

    ait_rt_free(rt);
    return 0;
}
