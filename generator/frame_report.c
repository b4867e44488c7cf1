/* frame_report.c: --frame-report, every future's frame (its size and, per
 * await, the variables held across it), with aitc's estimates or, with
 * --frame-report=cc, the C compiler's sizes. */
#define _POSIX_C_SOURCE 200809L
#include "frame_est.h"

/* Per await: what it awaits and what is held across it. */
static void report_points(Fut *f, FILE *out) {
    for (int i = 0; i < f->low->points.len; i++) {
        AwaitPoint *ap = f->low->points.data[i];
        fprintf(out, "  state %d at %d:%d awaits ", ap->state, ap->await->loc.line,
                ap->await->loc.col);
        if (ap->comb) {
            fprintf(out, "%s(", ap->comb->select ? "select" : "join");
            for (int j = 0; j < ap->comb->calls.len; j++)
                fprintf(out, "%s%s", j ? ", " : "",
                        ((Expr *)ap->comb->calls.data[j])->call->fut->cname);
            fputc(')', out);
        } else {
            fputs(ap->await->lhs->call->fut->cname, out);
        }
        fputs("; live across it:", out);
        if (!ap->crossing.len)
            fputs(" (nothing)", out);
        for (int k = 0; k < ap->crossing.len; k++)
            fprintf(out, " %s", ((Var *)ap->crossing.data[k])->name);
        fputc('\n', out);
    }
}

static void report_fut(Unit *u, Fut *f, FILE *out) {
    Func *fn = f->func;
    Est est = frame_estimate(u->frames, f);
    fprintf(out, "%s:%d:%d: %s: frame %s_frame, about %s%zu bytes, %d await%s\n",
            src_name(fn->loc.file), fn->loc.line, fn->loc.col, f->cname, f->cname,
            est.exact ? "" : ">= ", est.size, f->low->points.len,
            f->low->points.len == 1 ? "" : "s");
    report_points(f, out);
}

/* The sizes here are aitc's estimates; the exact ones are the C
 * compiler's (the generated F_FRAME_SIZE). */
void frame_report(Unit *u, FILE *out) {
    Sema *s = u->sema;
    for (int i = 0; s && i < s->futs.len; i++) {
        Fut *f = s->futs.data[i];
        if (f->emit && gen_lowered(f) && f->low)
            report_fut(u, f, out);
    }
}

/* ---- --frame-report=cc: the C compiler's sizes -----------------------------
 * The headers of the run go to a temporary directory; a probe that
 * includes one of them and prints every F_FRAME_SIZE is compiled with
 * $CC $CFLAGS (cc when CC is unset) and run. The user's flags decide what
 * the user's build would see: include paths, -m32, packing, AIT_DEBUG. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* 'path', for sh. */
static void put_quoted(Buf *b, const char *s) {
    buf_putc(b, '\'');
    for (; *s; s++) {
        if (*s == '\'')
            buf_puts(b, "'\\''");
        else
            buf_putc(b, *s);
    }
    buf_putc(b, '\'');
}

static bool write_file(const char *path, const char *data, size_t len) {
    FILE *fp = fopen(path, "w");
    if (!fp)
        return false;
    bool ok = fwrite(data, 1, len, fp) == len;
    return fclose(fp) == 0 && ok;
}

static void probe_source(Unit *u, const char *header, Buf *b) {
    buf_printf(b, "#include <stdio.h>\n#include \"%s\"\n\nint main(void) {\n", header);
    Sema *s = u->sema;
    for (int i = 0; s && i < s->futs.len; i++) {
        Fut *f = s->futs.data[i];
        if (f->emit && ((gen_lowered(f) && f->low) || f->kind == FUT_DYN))
            buf_printf(b, "    printf(\"%s %%zu %%zu\\n\", (size_t)%s_FRAME_SIZE, (size_t)%s_FRAME_ALIGN);\n",
                       f->cname, f->cname, f->cname);
    }
    buf_puts(b, "    return 0;\n}\n");
}

/* Compiles and runs the probe of one unit; its lines go to sizes. */
static bool run_probe(const char *dir, const ProbeInput *in, Buf *sizes) {
    Buf src = {0}, cmd = {0};
    probe_source(in->unit, in->header_name, &src);
    const char *probe_c = xprintf("%s/ait_probe.c", dir), *probe = xprintf("%s/ait_probe", dir);
    bool ok = write_file(probe_c, src.data, src.len);
    const char *cc = getenv("CC"), *cflags = getenv("CFLAGS");
    buf_printf(&cmd, "%s %s -I", cc && *cc ? cc : "cc", cflags ? cflags : "");
    put_quoted(&cmd, dir);
    for (int i = 0; i < in->include_dirs.len; i++) {
        buf_puts(&cmd, " -I");
        put_quoted(&cmd, in->include_dirs.data[i]);
    }
    buf_puts(&cmd, " -o ");
    put_quoted(&cmd, probe);
    buf_putc(&cmd, ' ');
    put_quoted(&cmd, probe_c);
    buf_puts(&cmd, " 1>&2");
    if (ok && system(cmd.data) != 0) {
        error_plain("--frame-report=cc: the probe of '%s' does not compile with: %s",
                    in->header_name, cmd.data);
        ok = false;
    }
    FILE *p = ok ? popen(xprintf("'%s'", probe), "r") : NULL;
    if (p) {
        char line[512];
        while (fgets(line, sizeof line, p))
            buf_puts(sizes, line);
        ok = pclose(p) == 0;
    } else if (ok) {
        ok = false;
    }
    unlink(probe_c);
    unlink(probe);
    buf_free(&src);
    buf_free(&cmd);
    return ok;
}

/* The size the probe printed for f, or 0. */
static size_t probed(const char *sizes, const char *cname, size_t *align) {
    size_t n = strlen(cname);
    for (const char *l = sizes; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        if (!strncmp(l, cname, n) && l[n] == ' ') {
            size_t size = strtoull(l + n + 1, NULL, 10);
            const char *a = strchr(l + n + 1, ' ');
            *align = a ? strtoull(a + 1, NULL, 10) : 0;
            return size;
        }
    }
    return 0;
}

static void report_exact(Unit *u, const char *sizes, size_t limit, FILE *out) {
    Sema *s = u->sema;
    for (int i = 0; i < s->futs.len; i++) {
        Fut *f = s->futs.data[i];
        if (!f->emit || !gen_lowered(f) || !f->low)
            continue;
        size_t align = 0, size = probed(sizes, f->cname, &align);
        Func *fn = f->func;
        fprintf(out, "%s:%d:%d: %s: frame %s_frame, %zu bytes (cc), align %zu, %d await%s\n",
                src_name(fn->loc.file), fn->loc.line, fn->loc.col, f->cname, f->cname, size,
                align, f->low->points.len, f->low->points.len == 1 ? "" : "s");
        report_points(f, out);
        if (size > limit)
            warn_at(f->loc, "large-frame", "the frame of '%s' is %zu bytes; consider boxing a "
                    "large callee with a dyn call", f->cname, size);
    }
}

int frame_report_cc(Vec *inputs, size_t large_frame, FILE *out) {
    char dir[] = "/tmp/aitc-probe-XXXXXX";
    if (!mkdtemp(dir)) {
        error_plain("--frame-report=cc: cannot make a temporary directory: %s", strerror(errno));
        return -1;
    }
    bool ok = true;
    for (int i = 0; i < inputs->len && ok; i++) {
        ProbeInput *in = inputs->data[i];
        ok = write_file(xprintf("%s/%s", dir, in->header_name), in->header->data ? in->header->data : "",
                        in->header->len);
    }
    for (int i = 0; i < inputs->len && ok; i++) {
        ProbeInput *in = inputs->data[i];
        Buf sizes = {0};
        if (!in->unit)
            continue;
        ok = run_probe(dir, in, &sizes);
        if (ok)
            report_exact(in->unit, sizes.data ? sizes.data : "", large_frame ? large_frame : 16384, out);
        buf_free(&sizes);
    }
    for (int i = 0; i < inputs->len; i++)
        unlink(xprintf("%s/%s", dir, ((ProbeInput *)inputs->data[i])->header_name));
    rmdir(dir);
    return ok ? 0 : -1;
}
