/* gen.c: the generator's pipeline after parsing: checks, graph checks,
 * lowering, the large-frame warning, emission. The unit keeps the
 * checks' tables (u->sema) for the frame report (frame_report.c). */
#include <stdlib.h>
#include <string.h>
#include "check.h"
#include "check_graph.h"
#include "emit.h"
#include "frame_est.h"
#include "frame_vm.h"

bool gen_lowered(Fut *f) {
    return f->body && f->kind != FUT_ABSTRACT && f->kind != FUT_EXTERN;
}

bool unit_generates(Unit *u, int file) {
    for (int i = 0; i < u->files.len; i++)
        if (((File *)u->files.data[i])->id == file)
            return true;
    return u->file->id == file;
}

bool generate(Unit *u, const GenOptions *opt, Buf *header, Buf *source) {
    const char *h = opt->header_name, *c = opt->source_name;
    size_t n = strlen(h);
    GenOutput out = {h, c ? c : xprintf("%.*s.c", (int)(n > 2 ? n - 2 : n), h), header, source};
    return generate_files(u, opt, &out);
}

bool generate_files(Unit *u, const GenOptions *opt, GenOutput *outs) {
    Sema *s = u->sema = xalloc(sizeof *u->sema);
    u->frames = xalloc(sizeof *u->frames);
    bool ok = check_unit(s, u);
    ok = check_graph(s) && ok;
    if (!ok)
        return false;
    for (int i = 0; i < s->futs.len; i++) {
        Fut *f = s->futs.data[i];
        if (gen_lowered(f)) {
            lower_fut(s, f);
            frame_vm_check(f);
        }
    }
    if (error_count())
        return false;
    size_t limit = opt->large_frame ? opt->large_frame : 16384;
    for (int i = 0; i < s->futs.len; i++) {
        Fut *f = s->futs.data[i];
        if (!f->emit || !f->low || opt->exact_frames)
            continue;
        size_t size = frame_estimate(u->frames, f).size;
        if (size > limit)
            warn_at(f->loc, "large-frame", "the frame of '%s' is about %zu bytes; consider "
                    "boxing a large callee with a dyn call", f->cname, size);
    }
    emit_unit(s, opt, outs);
    return error_count() == 0;
}
