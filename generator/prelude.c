/* prelude.c: the runtime's leaf futures, as aitc knows them.
 *
 * Every .ait file can await these without an import: they are the
 * `extern async` declarations of what libait implements by hand
 * (runtime/include/ait.h documents each). Parsed once per run like an
 * imported file whose header is ait.h itself. */
#include "parse.h"
#include "prelude.h"
#include "util.h"

static const char prelude_text[] =
    "/* time */\n"
    "extern async void ait_yield(void) send;\n"
    "extern async void ait_sleep_ms(uint64_t ms) send;\n"
    "extern async int ait_deadline_wait(ait_deadline *d) send;\n"
    "/* file descriptors (nonblocking) */\n"
    "extern async ssize_t ait_read(int fd, void *buf, size_t n) send;\n"
    "extern async ssize_t ait_write(int fd, const void *buf, size_t n) send;\n"
    "extern async int ait_accept(int fd) send;\n"
    "extern async int ait_connect(int fd, const struct sockaddr *addr, socklen_t len) send;\n"
    "extern async int ait_readable(int fd) send;\n"
    "extern async int ait_writable(int fd) send;\n"
    "extern async int ait_read_exact(int fd, void *buf, size_t n) send;\n"
    "extern async int ait_write_all(int fd, const void *buf, size_t n) send;\n"
    "extern async int ait_tcp_connect(const char *host, uint16_t port) send;\n"
    "/* buffered I/O */\n"
    "extern async ssize_t ait_bufread_fill(ait_bufreader *r) send;\n"
    "extern async ssize_t ait_bufread_until(ait_bufreader *r, int delim, char **line) send;\n"
    "extern async ssize_t ait_bufread_line(ait_bufreader *r, char **line) send;\n"
    "extern async int ait_bufread_exact(ait_bufreader *r, void *buf, size_t n) send;\n"
    "extern async int ait_bufwrite(ait_bufwriter *w, const void *data, size_t n) send;\n"
    "extern async int ait_bufflush(ait_bufwriter *w) send;\n"
    "/* tasks, the blocking pool, channels */\n"
    "extern async int ait_task_join(ait_task *task, void *out) send;\n"
    "extern async int ait_group_join_next(ait_group *g, void *out) send;\n"
    "extern async int ait_group_join_all(ait_group *g) send;\n"
    "extern async intptr_t ait_spawn_blocking(intptr_t (*fn)(void *arg), void *arg) send;\n"
    "extern async intptr_t ait_spawn_blocking_copy(intptr_t (*fn)(void *arg), void *arg,\n"
    "                                              size_t size) send;\n"
    "extern async int ait_chan_send(ait_chan *chan, const void *elem) send;\n"
    "extern async int ait_chan_recv(ait_chan *chan, void *elem) send;\n"
    "extern async int ait_oneshot_recv(ait_oneshot *shot, void *out) send;\n";

static File *file;

void prelude_reset(void) { file = NULL; }

File *prelude_file(void) {
    if (!file) {
        int id = src_add("<prelude>", prelude_text, sizeof prelude_text - 1);
        file = parse_file(id);
    }
    return file;
}
