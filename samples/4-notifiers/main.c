/* main.c: sample 4, email and SMS notifiers side by side in one array.
 *
 * The array holds Notifier_dyn fat pointers (self + vtable), so values of
 * different types sit together and are chosen at run time. */
#include <stdio.h>
#include <stdlib.h>

#include "channels.h"       /* notifier.h: one aitc run generated both */

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
    EmailNotifier ops = { .out = stdout, .from = "ci@example.com", .to = "ops@example.com" };
    SmsNotifier oncall = { .phone = "+1-555-0100", .credits = 5 };
    SmsNotifier backup = { .phone = "+1-555-0199", .credits = 0 };

    Notifier_dyn all[] = {
        EmailNotifier_as_Notifier(&ops),
        SmsNotifier_as_Notifier(&oncall),
        SmsNotifier_as_Notifier(&backup),
    };
    const int n = (int)(sizeof all / sizeof all[0]);

    printf("channels:");
    for (int i = 0; i < n; i++)
        printf(" %s", Notifier_channel(all[i]));     /* plain method through dyn */
    printf("\n");

    const char *msg = "deploy 42 finished on all hosts";
    printf("notify_all \"%s\":\n", msg);
    int sent = 0;
    ait_alloc_stats_reset();
    must(notify_all_block_on(rt, &sent, all, n, msg), "notify_all");
    printf("sent %d of %d\n", sent, n);
    /* The impls' frames fit the dyn calls' inline storage: one aitc run
     * generated notifier.ait and channels.ait together. */
    printf("both impls fit inline: %s; blocks allocated: %llu (the email's timer)\n",
           EmailNotifier_notify_FRAME_SIZE <= Notifier_notify_MAX_FRAME &&
           SmsNotifier_notify_FRAME_SIZE <= Notifier_notify_MAX_FRAME ? "yes" : "no",
           (unsigned long long)ait_alloc_stats_get().allocs);

    /* One dyn call straight from C: Notifier_notify_dyn takes the fat pointer. */
    printf("page the on-call phone:\n");
    int rc = 0;
    must(Notifier_notify_dyn_block_on(rt, &rc, all[1], "rollback done"), "notify");
    printf("result %d, credits left %d\n", rc, oncall.credits);
    printf("emails sent: %d\n", ops.sent);

    ait_rt_free(rt);
    ait_alloc_trim();       /* hand the recycled dyn-call blocks back to malloc */
    return 0;
}
