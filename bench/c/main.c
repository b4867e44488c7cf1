/* main.c: bench_c, the C side of ait's benchmarks (see bench/README.md).
 *
 *   bench_c WORKLOAD N          W1..W7 (and the hand-written baselines)
 *   bench_c w8 AITC FILE.ait    aitc end to end on FILE (time, peak memory)
 *
 * prints one machine-readable line, the same fields as bench_rs:
 *
 *   RESULT impl=c w=W1 n=N ns=TOTAL ns_per_op=X mallocs=M mallocs_per_op=Y
 *          ait_mallocs=A ait_allocs=B rss_kb=PEAK rss_delta_kb=D check=SUM
 *
 * mallocs counts this thread's calls to malloc, calloc, realloc,
 * posix_memalign and aligned_alloc made through the bench binary and libait
 * (linked with -Wl,--wrap=..., so no LD_PRELOAD); ait_mallocs/ait_allocs are
 * libait's own counters (ait_alloc_stats_get) over the timed run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "baseline.h"
#include "work.h"

extern char **environ;

/* ---- counting malloc (-Wl,--wrap=malloc,...) ---------------------------- */

static _Thread_local uint64_t g_mallocs;

void *__real_malloc(size_t n);
void *__real_calloc(size_t a, size_t b);
void *__real_realloc(void *p, size_t n);
int __real_posix_memalign(void **p, size_t a, size_t n);
void *__real_aligned_alloc(size_t a, size_t n);

void *__wrap_malloc(size_t n) {
    g_mallocs++;
    return __real_malloc(n);
}
void *__wrap_calloc(size_t a, size_t b) {
    g_mallocs++;
    return __real_calloc(a, b);
}
void *__wrap_realloc(void *p, size_t n) {
    g_mallocs++;
    return __real_realloc(p, n);
}
int __wrap_posix_memalign(void **p, size_t a, size_t n) {
    g_mallocs++;
    return __real_posix_memalign(p, a, n);
}
void *__wrap_aligned_alloc(size_t a, size_t n) {
    g_mallocs++;
    return __real_aligned_alloc(a, n);
}

/* ---- measurement helpers ---------------------------------------------------- */

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Current VmRSS in KiB (the peak is getrusage's ru_maxrss). */
static long rss_now_kb(void) {
    FILE *fp = fopen("/proc/self/status", "r");
    if (!fp)
        return 0;
    char line[256];
    long kb = 0;
    while (fgets(line, sizeof line, fp))
        if (strncmp(line, "VmRSS:", 6) == 0) {
            kb = strtol(line + 6, NULL, 10);
            break;
        }
    fclose(fp);
    return kb;
}

/* Threads of this process now (W7: did the runtime start workers?). */
static long threads_now(void) {
    FILE *fp = fopen("/proc/self/status", "r");
    if (!fp)
        return 0;
    char line[256];
    long n = 0;
    while (fgets(line, sizeof line, fp))
        if (strncmp(line, "Threads:", 8) == 0) {
            n = strtol(line + 8, NULL, 10);
            break;
        }
    fclose(fp);
    return n;
}

static long rss_peak_kb(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static void must(int rc, const char *what) {
    if (rc < 0) {
        fprintf(stderr, "bench_c: %s failed: %s\n", what, strerror(-rc));
        exit(1);
    }
}

/* ---- the workloads ----------------------------------------------------------- */

typedef struct state {
    ait_rt *rt;
    Leaf leaf;
    Mid mid;
    Top top;
    LTop ltop;   /* LTop -> LMid -> Leaf, by value */
    IMid imid;
    ITop itop;
    DMid d1, d2;
    ait_task **hs;
} state;

static uint64_t run(state *st, const char *w, uint64_t n) {
    uint64_t s = 0;
    if (!strcmp(w, "w1"))
        must(run_loop_Leaf_block_on(st->rt, &s, &st->leaf, n), w);
    else if (!strcmp(w, "w1base"))
        must(base_w1_block_on(st->rt, &s, &st->leaf, n), w);
    else if (!strcmp(w, "w2"))
        must(run_loop_dyn_block_on(st->rt, &s, Leaf_as_Op(&st->leaf), n), w);
    else if (!strcmp(w, "w3"))
        must(run_loop_Top_block_on(st->rt, &s, &st->top, n), w);
    else if (!strcmp(w, "w3base"))
        must(base_w3_block_on(st->rt, &s, &st->leaf, n), w);
    else if (!strcmp(w, "w3l"))
        must(run_w3l_block_on(st->rt, &s, &st->ltop, n), w);
    else if (!strcmp(w, "w3lbase"))
        must(base_w3l_block_on(st->rt, &s, &st->ltop.inner.inner, n), w);
    else if (!strcmp(w, "w4"))
        must(run_loop_layer_block_on(st->rt, &s, DMid_as_Layer(&st->d1), n), w);
    else if (!strcmp(w, "w4i"))
        must(run_loop_dyn_block_on(st->rt, &s, ITop_as_Op(&st->itop), n), w);
    else if (!strcmp(w, "w5"))
        must(yield_loop_block_on(st->rt, &s, n), w);
    else if (!strcmp(w, "w6"))
        must(spawn_join_local_block_on(st->rt, &s, st->hs, n), w);
    else if (!strcmp(w, "w7"))
        must(spawn_join_send_block_on(st->rt, &s, st->hs, n), w);
    else {
        fprintf(stderr, "bench_c: unknown workload %s\n", w);
        exit(2);
    }
    return s;
}

/* W8: aitc on FILE, end to end, in a child process; its time and peak RSS. */
static int run_aitc(const char *aitc, const char *file) {
    char dir[] = "/tmp/ait-bench-w8-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    uint64_t lines = 0;
    FILE *fp = fopen(file, "r");
    if (!fp) {
        perror(file);
        return 1;
    }
    int c;
    while ((c = getc(fp)) != EOF)
        lines += c == '\n';
    fclose(fp);
    char *argv[] = { (char *)aitc, "--no-line", "-o", dir, (char *)file, NULL };
    uint64_t t0 = now_ns();
    pid_t pid;
    int rc = posix_spawn(&pid, aitc, NULL, NULL, argv, environ);
    if (rc != 0) {
        fprintf(stderr, "bench_c: cannot run %s: %s\n", aitc, strerror(rc));
        return 1;
    }
    int status = 0;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) {
        perror("wait4");
        return 1;
    }
    uint64_t ns = now_ns() - t0;
    /* Size of the output, then clean up. */
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "bench_c: aitc failed on %s (status %d)\n", file, status);
        (void)!system(cmd);
        return 1;
    }
    (void)!system(cmd);
    /* CPU time too: on a shared machine the wall time also waits for a CPU. */
    double cpu_s = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
                   (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    printf("RESULT impl=c w=W8 n=%llu ns=%llu ns_per_op=%.3f lines_per_s=%.0f "
           "cpu_lines_per_s=%.0f rss_kb=%ld\n",
           (unsigned long long)lines, (unsigned long long)ns, (double)ns / (double)lines,
           (double)lines * 1e9 / (double)ns, cpu_s > 0 ? (double)lines / cpu_s : 0.0, ru.ru_maxrss);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 4 && !strcmp(argv[1], "w8"))
        return run_aitc(argv[2], argv[3]);
    if (argc != 3) {
        fprintf(stderr, "usage: bench_c w1|w1base|w2|w3|w3base|w3l|w3lbase|w4|w4i|w5|w6|w7 N\n"
                        "       bench_c w8 AITC FILE.ait\n");
        return 2;
    }
    const char *w = argv[1];
    uint64_t n = strtoull(argv[2], NULL, 10);
    uint64_t warm = n < 1000 ? n : 1000;

    state st;
    memset(&st, 0, sizeof st);
    st.mid.inner = &st.leaf;
    st.top.inner = &st.mid;
    st.imid.inner = Leaf_as_Op3(&st.leaf);
    st.itop.inner = IMid_as_Op2(&st.imid);
    st.d2.inner = Leaf_as_Layer(&st.leaf);
    st.d1.inner = DMid_as_Layer(&st.d2);

    bool tasks = !strcmp(w, "w6") || !strcmp(w, "w7");
    ait_rt_config cfg = { .workers = !strcmp(w, "w7") ? 2 : 0 };
    st.rt = ait_rt_new(&cfg);
    if (!st.rt) {
        perror("ait_rt_new");
        return 1;
    }
    if (tasks) {
        /* The handles' array, touched now so that its pages count in the
         * baseline RSS as Rust's Vec::with_capacity ... does not: both
         * sides pay 8 B per handle in the peak. */
        st.hs = calloc(n, sizeof *st.hs);
        if (!st.hs) {
            perror("calloc");
            return 1;
        }
    } else {
        run(&st, w, warm);      /* warm the allocator's free lists */
    }

    long rss0 = rss_now_kb();
    ait_alloc_stats_reset();
    uint64_t m0 = g_mallocs;
    uint64_t t0 = now_ns();
    uint64_t s = run(&st, w, n);
    uint64_t ns = now_ns() - t0;
    uint64_t m = g_mallocs - m0;
    ait_alloc_stats as = ait_alloc_stats_get();
    long peak = rss_peak_kb();
    long threads = threads_now();
    ait_rt_free(st.rt);
    free(st.hs);

    char W[16];
    snprintf(W, sizeof W, "%s", w);
    for (char *p = W; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    printf("RESULT impl=c w=%s n=%llu ns=%llu ns_per_op=%.3f mallocs=%llu mallocs_per_op=%.4f "
           "ait_mallocs=%llu ait_allocs=%llu rss_kb=%ld rss_delta_kb=%ld threads=%ld check=%llu\n",
           W, (unsigned long long)n, (unsigned long long)ns, (double)ns / (double)n,
           (unsigned long long)m, (double)m / (double)n, (unsigned long long)as.mallocs,
           (unsigned long long)as.allocs, peak, peak - rss0, threads, (unsigned long long)s);
    return 0;
}
