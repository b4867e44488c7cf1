/* main.c: sample 10, mini-redis.
 *
 *   mini-redis --port N [--host H] [--workers W] [--aof FILE] [--idle SECONDS]
 *
 * serves the Redis protocol on H:N (default 127.0.0.1; port 0: a free one)
 * until SIGINT or SIGTERM, on a runtime with W worker threads (default 2;
 * 0: the current-thread executor), from memory or from an append-only file
 * (replayed at start, flushed at exit). It prints the port it listens on.
 *
 * Without arguments (as `make demo` and the tests run every sample) it
 * runs a self-test instead: a server on a free port and a client thread
 * that talks to it, first from memory on 2 workers, then from an
 * append-only file on the current-thread executor, restarted once to
 * show the file replayed. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server.h"

typedef struct Options {
    const char *host;
    int port;                   /* -1: not given */
    int workers;
    const char *aof;
    long idle_s;
    bool self_test;             /* the port is not printed (it changes every run) */
} Options;

/* ---- the server ------------------------------------------------------------- */

/* SIGINT and SIGTERM, blocked in every thread (runtime threads block all
 * signals), are read from a signalfd by the accept loop. */
static int signal_fd(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

/* Runs one server until a signal; reports on stdout. 0 or 1 (failure). */
static int run_server(const Options *o, void (*ready)(int port, void *), void *arg) {
    MemStore mem;
    AofStore aof;
    Server srv = { .cfg = { .idle_ms = (uint64_t)o->idle_s * 1000 } };
    long replayed = 0;
    if (o->aof) {
        replayed = aof_open(&aof.aof, o->aof);
        if (replayed < 0) {
            fprintf(stderr, "mini-redis: %s: %s\n", o->aof, strerror((int)-replayed));
            aof_close(&aof.aof);
            return 1;
        }
        srv.store = AofStore_as_Store_send(&aof);
    } else {
        if (table_init(&mem.table) < 0)
            return 1;
        srv.store = MemStore_as_Store_send(&mem);
    }
    int status = 1;
    srv.cfg.signal_fd = signal_fd();
    srv.cfg.listen_fd = ait_tcp_listen(o->host, (uint16_t)o->port, 511);
    ait_rt *rt = NULL;
    if (srv.cfg.listen_fd < 0) {
        fprintf(stderr, "mini-redis: cannot listen on %s:%d: %s\n", o->host, o->port,
                strerror(-srv.cfg.listen_fd));
    } else if ((rt = ait_rt_new(&(ait_rt_config){ .workers = o->workers })) == NULL) {
        perror("mini-redis: runtime");
    } else {
        int port = ait_tcp_local_port(srv.cfg.listen_fd);
        if (o->self_test)
            printf("mini-redis: listening on %s, a free port (%d workers, %s", o->host,
                   o->workers, o->aof ? "append-only file" : "memory");
        else
            printf("mini-redis: listening on %s:%d (%d workers, %s%s", o->host, port,
                   o->workers, o->aof ? "append-only file " : "memory", o->aof ? o->aof : "");
        if (o->aof)
            printf(", %ld commands replayed", replayed);
        printf(")\n");
        fflush(stdout);
        if (ready)
            ready(port, arg);
        long accepted = 0;
        int rc = serve_block_on(rt, &accepted, &srv);
        struct signalfd_siginfo si;     /* consumed: it stays pending otherwise */
        while (read(srv.cfg.signal_fd, &si, sizeof si) == (ssize_t)sizeof si)
            ;
        if (rc < 0 || accepted < 0)
            fprintf(stderr, "mini-redis: %s\n", strerror(rc < 0 ? -rc : (int)-accepted));
        else
            status = 0;
        printf("mini-redis: shutting down\n");
    }
    ait_rt_free(rt);
    ait_blocking_shutdown();    /* no job still writes the file */
    if (srv.cfg.listen_fd >= 0)
        ait_close(srv.cfg.listen_fd);
    if (srv.cfg.signal_fd >= 0)
        close(srv.cfg.signal_fd);
    if (o->aof) {
        int rc = aof_close(&aof.aof);
        if (rc < 0) {
            fprintf(stderr, "mini-redis: %s: %s\n", o->aof, strerror(-rc));
            status = 1;
        } else {
            printf("mini-redis: append-only file flushed\n");
        }
    } else {
        table_destroy(&mem.table);
    }
    fflush(stdout);
    return status;
}

/* ---- the self-test: a blocking client on a thread of its own ------------------- */

typedef struct Batch {
    const char *requests;           /* sent in one write */
    size_t len;
    int replies;                    /* expected back */
} Batch;
#define BATCH(requests, replies) { requests, sizeof requests - 1, replies }

typedef struct Script {
    int port;
    const Batch *batches;
    int nbatches;
    pthread_t thread;
} Script;

static void print_reply(const char *p, long n) {
    printf("  ");
    for (long i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)p[i];
        if (ch == '\r' && i + 1 < n && p[i + 1] == '\n') {
            printf(i + 2 < n ? " " : "");
            i++;
        } else if (ch < 32 || ch >= 127) {
            printf("\\x%02x", ch);
        } else {
            putchar(ch);
        }
    }
    printf("\n");
}

/* Sends each batch, prints the replies to it, then sends SIGTERM. */
static void *client_main(void *arg) {
    Script *s = arg;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)s->port) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        perror("client: connect");
        exit(1);
    }
    static char buf[1 << 16];
    for (int b = 0; b < s->nbatches; b++) {
        const char *req = s->batches[b].requests;
        int want = s->batches[b].replies;
        printf("> %d request(s) in one write\n", want);
        if (write(fd, req, s->batches[b].len) != (ssize_t)s->batches[b].len) {
            perror("client: write");
            exit(1);
        }
        size_t have = 0;
        for (int got = 0; got < want;) {
            long n = reply_length(buf, have);
            if (n > 0) {
                print_reply(buf, n);
                memmove(buf, buf + n, have - (size_t)n);
                have -= (size_t)n;
                got++;
                continue;
            }
            ssize_t r = n < 0 ? -1 : read(fd, buf + have, sizeof buf - have);
            if (r <= 0) {
                printf("  (connection closed)\n");
                break;
            }
            have += (size_t)r;
        }
    }
    close(fd);
    kill(getpid(), SIGTERM);    /* the server's clean shutdown */
    return NULL;
}

static void start_client(int port, void *arg) {
    Script *s = arg;
    s->port = port;
    pthread_create(&s->thread, NULL, client_main, s);
}

static int self_test(void) {
    static const Batch mem_batches[] = {
        /* pipelined: five requests in one write, five replies in one */
        BATCH("*1\r\n$4\r\nPING\r\n"
          "*3\r\n$3\r\nSET\r\n$5\r\ngreet\r\n$11\r\nhello world\r\n"
          "*2\r\n$3\r\nGET\r\n$5\r\ngreet\r\n"
          "*2\r\n$3\r\nGET\r\n$7\r\nmissing\r\n"
          "*3\r\n$6\r\nEXISTS\r\n$5\r\ngreet\r\n$7\r\nmissing\r\n", 5),
        BATCH("*3\r\n$3\r\nSET\r\n$1\r\nn\r\n$2\r\n41\r\n"
          "*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n"
          "*2\r\n$4\r\nINCR\r\n$5\r\ngreet\r\n"
          "*3\r\n$3\r\nDEL\r\n$5\r\ngreet\r\n$1\r\nn\r\n"
          "*3\r\n$6\r\nCONFIG\r\n$3\r\nGET\r\n$4\r\nsave\r\n", 5),
        /* inline commands, as typed into nc; a binary-safe value */
        BATCH("PING\r\nPING hi\r\nFLUSHALL\r\n"
          "*3\r\n$3\r\nSET\r\n$3\r\nbin\r\n$3\r\na\0b\r\n"
          "*2\r\n$3\r\nGET\r\n$3\r\nbin\r\n", 5),
        /* a negative bulk length: an error, then the server hangs up */
        BATCH("*2\r\n$3\r\nGET\r\n$-5\r\n", 1),
    };
    char path[] = "/tmp/mini-redis-selftest-XXXXXX";
    int tmp = mkstemp(path);
    if (tmp < 0) {
        perror("mkstemp");
        return 1;
    }
    close(tmp);
    static const Batch aof_batches[] = {
        BATCH("*3\r\n$3\r\nSET\r\n$4\r\nuser\r\n$3\r\nada\r\n"
          "*2\r\n$4\r\nINCR\r\n$6\r\nvisits\r\n"
          "*2\r\n$4\r\nINCR\r\n$6\r\nvisits\r\n"
          "*3\r\n$3\r\nSET\r\n$3\r\ntmp\r\n$1\r\nx\r\n"
          "*2\r\n$3\r\nDEL\r\n$3\r\ntmp\r\n", 5),
    };
    static const Batch restart_batches[] = {
        BATCH("*2\r\n$3\r\nGET\r\n$4\r\nuser\r\n"
          "*2\r\n$3\r\nGET\r\n$6\r\nvisits\r\n"
          "*2\r\n$6\r\nEXISTS\r\n$3\r\ntmp\r\n", 3),
    };
    Script runs[3] = {
        { .batches = mem_batches, .nbatches = 4 },
        { .batches = aof_batches, .nbatches = 1 },
        { .batches = restart_batches, .nbatches = 1 },
    };
    Options opts[3] = {
        { "127.0.0.1", 0, 2, NULL, 300, true },
        { "127.0.0.1", 0, 0, path, 300, true },
        { "127.0.0.1", 0, 0, path, 300, true },
    };
    int status = 0;
    for (int i = 0; i < 3 && status == 0; i++) {
        status = run_server(&opts[i], start_client, &runs[i]);
        pthread_join(runs[i].thread, NULL);
    }
    unlink(path);
    return status;
}

/* ---- arguments -------------------------------------------------------------------- */

static int usage(void) {
    fprintf(stderr, "usage: mini-redis --port N [--host H] [--workers W] [--aof FILE] "
                    "[--idle SECONDS]\n");
    return 2;
}

int main(int argc, char **argv) {
    signal(SIGPIPE, SIG_IGN);
    if (argc == 1)
        return self_test();
    Options o = { "127.0.0.1", -1, 2, NULL, 300, false };
    for (int i = 1; i < argc; i += 2) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v)
            return usage();
        if (strcmp(a, "--port") == 0)
            o.port = atoi(v);
        else if (strcmp(a, "--host") == 0)
            o.host = v;
        else if (strcmp(a, "--workers") == 0)
            o.workers = atoi(v);
        else if (strcmp(a, "--aof") == 0)
            o.aof = v;
        else if (strcmp(a, "--idle") == 0)
            o.idle_s = atol(v);
        else
            return usage();
    }
    if (o.port < 0 || o.port > 65535 || o.workers < 0 || o.idle_s < 0)
        return usage();
    return run_server(&o, NULL, NULL);
}
