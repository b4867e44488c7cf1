/* main.c: aitc, the command line.
 *
 *   aitc [options] FILE.ait...
 *
 * For each input, parses it and the files it imports (transitively, each
 * once), generates its header and source (together with the inputs it
 * implements interfaces of, or that implement its: group.h), streaming each to a temporary
 * file beside OUT/FILE.h and OUT/FILE.c, and, when no error was reported
 * for any input, renames the temporaries over them. OUT is the -o
 * directory, or else the input's own directory. Nothing is written when
 * an error was reported; outputs whose content is unchanged are not
 * touched; the others are replaced all together or, when one cannot be
 * written, not at all. No output may be a file that was read as input.
 * --check and --frame-report=cc keep the outputs in memory instead. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "astdump.h"
#include "gen.h"
#include "group.h"
#include "output.h"
#include "parse.h"
#include "util.h"

static const char usage[] =
    "usage: aitc [options] FILE.ait...\n"
    "\n"
    "Writes OUT/FILE.h and OUT/FILE.c for each input, where OUT is the -o\n"
    "directory, by default the directory of the input file. Inputs where one\n"
    "implements an interface another declares are generated together: the\n"
    "first one's header holds the declarations of all (the inline storage of\n"
    "a dyn call then holds every impl's frame); the others' include it.\n"
    "\n"
    "options:\n"
    "  -o DIR           write the outputs to DIR (created when missing)\n"
    "  -I DIR           search DIR for imports, after the importing file's\n"
    "                   own directory (repeatable)\n"
    "  -M               print make dependencies to stdout and write nothing else\n"
    "  -MF FILE         write make dependencies to FILE (with -M: instead of stdout)\n"
    "  -MT TARGET       name TARGET (e.g. a stamp file) as the target of the\n"
    "                   dependencies instead of the generated files\n"
    "  --check          generate in memory and compare with the files on disk:\n"
    "                   exit 0 when current, 1 with a diff when stale or missing;\n"
    "                   writes nothing\n"
    "  --no-line        emit no #line directives\n"
    "  --frame-report   print every future's frame size and, per await, the\n"
    "                   locals that cross it (sizes estimated)\n"
    "  --frame-report=cc  the same with exact sizes: compiles a probe of the\n"
    "                   generated headers with $CC $CFLAGS; the large-frame\n"
    "                   warning then uses them\n"
    "  --dump-ast       print the syntax tree of each input and stop\n"
    "  -Werror          make warnings errors\n"
    "  -Wno-NAME        silence warning NAME\n"
    "  --version        print the version\n"
    "  --help           print this help\n";

static struct {
    const char *outdir;         /* -o, or NULL: each input's directory */
    Vec incdirs;                /* -I: const char* */
    bool deps_only;             /* -M */
    const char *depfile;        /* -MF */
    const char *dep_target;     /* -MT, or NULL: the outputs */
    bool check, frame_report, frame_report_cc, dump_ast;
    GenOptions gen;
} opt;

/* ---- loading files and their imports ---------------------------------- */

/* A file read once: key is its real path, so a file reached through two
 * spellings is still read once. imports parallels the file's import items
 * that were found (Loaded*). */
typedef struct Loaded {
    const char *key;
    File *file;                 /* NULL while its imports are being loaded */
    Vec imports;
    Vec import_items;           /* Item*: the import line of each of imports */
    int mark;                   /* find_cycles: 0 new, 1 on the path, 2 done */
    Vec names;                  /* the type names in force after its parse */
    RunFile run;                /* for group_inputs */
} Loaded;

static Vec loaded;              /* Loaded* */

/* The path of import name as seen from the file at from: the importing
 * file's directory first, then the -I directories; NULL when not found. */
static const char *resolve_import(const char *from, const char *name) {
    const char *p = path_join(path_dir(from), name);
    if (is_regular_file(p))
        return p;
    for (int i = 0; i < opt.incdirs.len && name[0] != '/'; i++) {
        p = path_join(opt.incdirs.data[i], name);
        if (is_regular_file(p))
            return p;
    }
    return NULL;
}

/* Imports as written at the start of a line: import "x.ait". The parser
 * lexes a file's body with the type names its imports declare, so
 * imports are parsed before the file; the parsed items remain the truth
 * (an import this misses is loaded after the parse, one it invents in a
 * comment is parsed but not used). */
static void preload_imports(const char *path, const char *text, Vec *deps);
static Loaded *load(const char *path);

static Loaded *find_loaded(const char *key) {
    for (int i = 0; i < loaded.len; i++) {
        Loaded *l = loaded.data[i];
        if (!strcmp(l->key, key))
            return l;
    }
    return NULL;
}

/* Reads and parses path and, first, the files it imports. Returns NULL
 * (reported) when the file cannot be read. */
static Loaded *load(const char *path) {
    char *real = realpath(path, NULL);
    const char *key = real ? xstrdup(real) : path;
    free(real);
    Loaded *l = find_loaded(key);
    if (l)
        return l;
    size_t len;
    char *text = read_file(path, &len);
    if (!text) {
        error_plain("cannot open '%s': %s", path, strerror(errno));
        return NULL;
    }
    l = xalloc(sizeof *l);
    l->key = key;
    vec_push(&loaded, l);
    int id = src_add(path, text, len);
    Vec deps = {0};
    preload_imports(path, text, &deps);
    typenames_load(NULL);   /* type names are scoped per file: its own and its imports' */
    for (int i = 0; i < deps.len; i++) {
        Loaded *dep = deps.data[i];
        for (int k = 0; k < dep->names.len; k++)
            typenames_add(dep->names.data[k]);
    }
    File *f = parse_file(id);
    typenames_save(&l->names);
    if (!f->path)
        f->path = src_name(id);
    for (int i = 0; i < f->items.len; i++) {
        Item *it = f->items.data[i];
        if (it->kind != I_IMPORT)
            continue;
        const char *p = resolve_import(path, it->name);
        Loaded *dep = p ? load(p) : NULL;
        if (!p)
            error_at(it->loc, "cannot find import '%s'", it->name);
        else if (dep) {
            vec_push(&l->imports, dep);
            vec_push(&l->import_items, it);
        }
    }
    l->file = f;
    return l;
}

static void preload_imports(const char *path, const char *text, Vec *deps) {
    for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        p += strspn(p, " \t");
        if (strncmp(p, "import", 6) || !strchr(" \t\"", p[6]))
            continue;
        const char *q = p + 6 + strspn(p + 6, " \t");
        const char *end = *q == '"' ? strpbrk(q + 1, "\"\n") : NULL;
        if (!end || *end != '"')
            continue;
        const char *file = resolve_import(path, xstrndup(q + 1, (size_t)(end - q - 1)));
        Loaded *dep = file ? load(file) : NULL;
        if (dep)
            vec_push(deps, dep);
    }
}

/* An import cycle cannot be compiled (each header would need the other
 * first), so it is reported: at the import line that starts the cycle,
 * with a note at each import line that closes it. path holds the
 * Loaded* being visited, from a root. */
static void report_cycle(Vec *path, int from, Loaded *back) {
    Loaded *first = path->data[from];
    for (int i = from; i < path->len; i++) {
        Loaded *l = path->data[i];
        Loaded *to = i + 1 < path->len ? path->data[i + 1] : back;
        Item *at = NULL;
        for (int j = 0; j < l->imports.len && !at; j++)
            if (l->imports.data[j] == to)
                at = l->import_items.data[j];
        if (i == from && to == first)
            error_at(at->loc, "import cycle: '%s' imports itself", l->file->path);
        else if (i == from)
            error_at(at->loc, "import cycle: '%s' imports '%s'", l->file->path, to->file->path);
        else
            note_at(at->loc, "which imports '%s'", to->file->path);
    }
}

static void find_cycles(Loaded *l, Vec *path) {
    l->mark = 1;
    vec_push(path, l);
    for (int i = 0; i < l->imports.len; i++) {
        Loaded *dep = l->imports.data[i];
        if (dep->mark == 0) {
            find_cycles(dep, path);
        } else if (dep->mark == 1) {
            int from = path->len - 1;
            while (path->data[from] != dep)
                from--;
            /* report the edge l -> dep last: path[from..] then back to dep */
            report_cycle(path, from, dep);
        }
    }
    path->len--;
    l->mark = 2;
}

/* Appends l's imports, then theirs, to out, each once, dependencies
 * first; seen holds root and what out has. */
static void collect_imports(Loaded *l, Vec *out, Vec *seen) {
    for (int i = 0; i < l->imports.len; i++) {
        Loaded *dep = l->imports.data[i];
        bool known = false;
        for (int j = 0; j < seen->len && !known; j++)
            known = seen->data[j] == dep;
        if (known || !dep->file)
            continue;
        vec_push(seen, dep);
        collect_imports(dep, out, seen);
        vec_push(out, dep);
    }
}

/* ---- one input -------------------------------------------------------- */

typedef struct Input {
    const char *path;
    Loaded *loaded;
    const char *hpath, *cpath;  /* where its outputs go */
    Vec deps;                   /* Loaded*: its imports, transitively */
    Buf h, c;                   /* streaming to their temporaries, or the whole text */
    Staged *hout, *cout;        /* the temporaries, when streaming */
    Vec group;                  /* Input*: the files generated with it, first first
                                   (group.h); empty when alone */
    Unit unit;                  /* of it alone, or of its group when first */
} Input;

/* The temporaries of the run (output.h). */
static OutputSet outputs;

/* The outputs stream to their files unless they are compared (--check)
 * or compiled into the probe (--frame-report=cc) first. */
static bool streaming(void) { return !opt.check && !opt.frame_report_cc; }

static bool open_outputs(Input *in) {
    if (make_dirs(&outputs, path_dir(in->hpath)) < 0 ||
        !(in->hout = output_open(&outputs, in->hpath)) ||
        !(in->cout = output_open(&outputs, in->cpath)))
        return false;
    output_attach(in->hout, &in->h);
    output_attach(in->cout, &in->c);
    return true;
}

/* The rest of the text, then the temporaries are closed; the buffers go. */
static void close_outputs(Input *in) {
    buf_flush(&in->h);
    buf_flush(&in->c);
    output_close(&outputs, in->hout);
    output_close(&outputs, in->cout);
    buf_free(&in->h);
    buf_free(&in->c);
}

static const char *header_of(const char *path) {
    const char *base = path_base(path);
    size_t n = strlen(base);
    if (n > 4 && !strcmp(base + n - 4, ".ait"))
        n -= 4;
    return xprintf("%.*s.h", (int)n, base);
}

static bool prepare(Input *in) {
    size_t n = strlen(in->path);
    if (n < 5 || strcmp(in->path + n - 4, ".ait")) {
        error_plain("'%s': an input must be a .ait file", in->path);
        return false;
    }
    const char *dir = opt.outdir ? opt.outdir : path_dir(in->path);
    const char *stem = xstrndup(path_base(in->path), strlen(path_base(in->path)) - 4);
    in->hpath = path_join(dir, xprintf("%s.h", stem));
    in->cpath = path_join(dir, xprintf("%s.c", stem));
    in->loaded = load(in->path);
    if (!in->loaded)
        return false;
    Vec seen = {0};
    vec_push(&seen, in->loaded);
    collect_imports(in->loaded, &in->deps, &seen);
    return true;
}

/* The files in (with its group) generates, and those they import. */
static void unit_files(Input *in, Vec *members) {
    Unit *u = &in->unit;
    u->file = in->loaded->file;
    Vec seen = {0}, deps = {0};
    for (int i = 0; i < members->len; i++) {
        Input *m = members->data[i];
        vec_push(&u->files, m->loaded->file);
        vec_push(&seen, m->loaded);
    }
    for (int i = 0; i < members->len; i++)
        collect_imports(((Input *)members->data[i])->loaded, &deps, &seen);
    for (int i = 0; i < deps.len; i++) {
        Loaded *dep = deps.data[i];
        vec_push(&u->imports, dep->file);
        vec_push(&u->import_headers, (void *)header_of(dep->file->path));
    }
}

/* Generates in alone, or the group in comes first in; the other files
 * of a group are done with their first. */
static void run_generate(Input *in) {
    Vec alone = {0}, *members = in->group.len ? &in->group : &alone;
    if (members == &alone)
        vec_push(&alone, in);
    if (members->data[0] != in)
        return;
    unit_files(in, members);
    GenOutput *outs = xalloc(sizeof *outs * (size_t)members->len);
    for (int i = 0; i < members->len; i++) {
        Input *m = members->data[i];
        if (streaming() && !open_outputs(m))
            return;
        outs[i] = (GenOutput){path_base(m->hpath), path_base(m->cpath), &m->h, &m->c};
    }
    typenames_load(&in->loaded->names);
    for (int i = 1; i < members->len; i++) {   /* the type names of every file */
        Loaded *l = ((Input *)members->data[i])->loaded;
        for (int k = 0; k < l->names.len; k++)
            typenames_add(l->names.data[k]);
    }
    bool ok = generate_files(&in->unit, &opt.gen, outs);
    for (int i = 0; ok && streaming() && i < members->len; i++)
        close_outputs(members->data[i]);
    if (ok && opt.frame_report && !opt.frame_report_cc)
        frame_report(&in->unit, stdout);
}

/* The groups of the run (group.h): each input's group, in order. */
static void find_groups(Vec *inputs) {
    Vec files = {0}, groups = {0};
    for (int i = 0; i < loaded.len; i++) {
        Loaded *l = loaded.data[i];
        Vec seen = {0}, deps = {0};
        vec_push(&seen, l);
        collect_imports(l, &deps, &seen);
        l->run = (RunFile){.file = l->file, .key = l->key};
        for (int k = 0; k < deps.len; k++)
            vec_push(&l->run.deps, &((Loaded *)deps.data[k])->run);
        if (l->file)
            vec_push(&files, &l->run);
    }
    for (int i = 0; i < inputs->len; i++)
        ((Input *)inputs->data[i])->loaded->run.input = true;
    group_inputs(&files, &groups);
    for (int i = 0; i < inputs->len; i++) {
        Input *in = inputs->data[i];
        Vec *g = in->loaded->run.group >= 0 ? groups.data[in->loaded->run.group] : NULL;
        for (int k = 0; g && k < g->len; k++)
            for (int j = 0; j < inputs->len; j++)
                if (&((Input *)inputs->data[j])->loaded->run == g->data[k])
                    vec_push(&in->group, inputs->data[j]);
    }
}

/* --frame-report=cc, once every input is generated: the probe sees the
 * headers of the whole run, then those already in the output and input
 * directories. */
static void report_cc(Vec *inputs) {
    Vec probes = {0};
    for (int i = 0; i < inputs->len; i++) {
        Input *in = inputs->data[i];
        ProbeInput *p = xalloc(sizeof *p);
        p->unit = in->group.len && in->group.data[0] != in ? NULL : &in->unit;   /* done by its first */
        p->header_name = path_base(in->hpath);
        p->header = &in->h;
        vec_push(&p->include_dirs, (void *)path_dir(in->hpath));
        vec_push(&p->include_dirs, (void *)path_dir(in->path));
        vec_push(&probes, p);
    }
    if (frame_report_cc(&probes, opt.gen.large_frame, stdout) < 0 || fflush(stdout) != 0)
        error_plain("--frame-report=cc failed");
}

/* "x.c x.h: x.ait store.ait" plus an empty rule per import, so make
 * copes with an import that was deleted. Spaces are escaped. */
static void put_path(Buf *b, const char *p) {
    for (; *p; p++) {
        if (*p == ' ' || *p == '#')
            buf_putc(b, '\\');
        if (*p == '$')
            buf_putc(b, '$');
        buf_putc(b, *p);
    }
}

/* What in's outputs are made from, but in itself: its imports, and those
 * of the files generated with it, and these files. */
static void dep_files(Input *in, Vec *out) {
    Vec seen = {0};
    vec_push(&seen, in->loaded);
    for (int i = 0; i < in->group.len; i++) {
        Loaded *m = ((Input *)in->group.data[i])->loaded;
        if (!vec_contains(&seen, m))
            vec_push(&seen, m), vec_push(out, m);
    }
    for (int i = -1; i < in->group.len; i++)
        collect_imports(i < 0 ? in->loaded : ((Input *)in->group.data[i])->loaded, out, &seen);
}

static void put_deps(Buf *b, Input *in) {
    if (opt.dep_target) {
        buf_puts(b, opt.dep_target);    /* as given: make syntax already */
    } else {
        put_path(b, in->cpath);
        buf_putc(b, ' ');
        put_path(b, in->hpath);
    }
    buf_puts(b, ": ");
    put_path(b, in->path);
    Vec deps = {0};
    dep_files(in, &deps);
    for (int i = 0; i < deps.len; i++) {
        buf_puts(b, " \\\n  ");
        put_path(b, ((Loaded *)deps.data[i])->file->path);
    }
    buf_putc(b, '\n');
    for (int i = 0; i < deps.len; i++) {
        buf_putc(b, '\n');
        put_path(b, ((Loaded *)deps.data[i])->file->path);
        buf_puts(b, ":\n");
    }
}

/* --check: 0 when path holds exactly b, else 1 with a message and diff. */
static int check_output(const char *path, const Buf *b) {
    size_t len;
    char *old = read_file(path, &len);
    if (!old) {
        fprintf(stderr, "aitc: '%s' is missing (%s)\n", path, strerror(errno));
        return 1;
    }
    if (len == b->len && !memcmp(old, b->data, len))
        return 0;
    fprintf(stderr, "aitc: '%s' is stale: run aitc to regenerate it\n", path);
    print_diff(stdout, path, old, len, b->data ? b->data : "", b->len);
    return 1;
}

/* ---- the command line ------------------------------------------------- */

static int finish(int status, Vec *inputs);

static void die_usage(const char *fmt, const char *arg) {
    fputs("aitc: error: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\n(aitc --help lists the options)\n", stderr);
    arena_release();
    exit(1);
}

/* The value of an option given as "-o DIR" or "-oDIR". */
static const char *value(int argc, char **argv, int *i, const char *name) {
    const char *a = argv[*i] + strlen(name);
    if (*a)
        return a;
    if (*i + 1 >= argc)
        die_usage("option '%s' needs a value", name);
    return argv[++*i];
}

static void parse_args(int argc, char **argv, Vec *inputs) {
    opt.gen.line_directives = true;
    opt.gen.large_frame = 16384;
    bool options_done = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (options_done || a[0] != '-' || !a[1]) {
            Input *in = xalloc(sizeof *in);
            in->path = a;
            vec_push(inputs, in);
        } else if (!strcmp(a, "--")) {
            options_done = true;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(usage, stdout);
            exit(finish(0, NULL));
        } else if (!strcmp(a, "--version")) {
            puts("aitc " AITC_VERSION);
            exit(finish(0, NULL));
        } else if (!strncmp(a, "-o", 2)) {
            opt.outdir = value(argc, argv, &i, "-o");
        } else if (!strncmp(a, "-I", 2)) {
            vec_push(&opt.incdirs, (void *)value(argc, argv, &i, "-I"));
        } else if (!strcmp(a, "-M")) {
            opt.deps_only = true;
        } else if (!strncmp(a, "-MF", 3)) {
            opt.depfile = value(argc, argv, &i, "-MF");
        } else if (!strncmp(a, "-MT", 3)) {
            opt.dep_target = value(argc, argv, &i, "-MT");
        } else if (!strcmp(a, "--check")) {
            opt.check = true;
        } else if (!strcmp(a, "--no-line")) {
            opt.gen.line_directives = false;
        } else if (!strcmp(a, "--frame-report")) {
            opt.frame_report = true;
        } else if (!strcmp(a, "--frame-report=cc")) {
            opt.frame_report = opt.frame_report_cc = opt.gen.exact_frames = true;
        } else if (!strcmp(a, "--dump-ast")) {
            opt.dump_ast = true;
        } else if (!strcmp(a, "-Werror")) {
            diag_set_werror(true);
        } else if (!strncmp(a, "-Wno-", 5) && a[5]) {
            diag_disable_warning(a + 5);
        } else {
            die_usage("unknown option '%s'", a);
        }
    }
    if (!inputs->len)
        die_usage("%s", "no input files");
}

/* Two inputs must not write the same output. */
static void check_clashes(Vec *inputs) {
    for (int i = 0; i < inputs->len; i++)
        for (int j = 0; j < i; j++) {
            Input *a = inputs->data[i], *b = inputs->data[j];
            if (!strcmp(a->cpath, b->cpath))
                error_plain("'%s' and '%s' would both write '%s'", b->path, a->path, a->cpath);
        }
}

/* An output must not overwrite a file that was read as an input or an
 * import ("aitc -MF x.ait x.ait"): they are compared by device and
 * inode, so another spelling or a link of the same file is caught too. */
static void check_not_input(const char *out) {
    struct stat so, si;
    if (!out || stat(out, &so) != 0)
        return;
    for (int i = 0; i < loaded.len; i++) {
        Loaded *l = loaded.data[i];
        if (stat(l->key, &si) == 0 && si.st_dev == so.st_dev && si.st_ino == so.st_ino) {
            error_plain("output '%s' is the input '%s': refusing to overwrite it", out,
                        l->file ? l->file->path : l->key);
            return;
        }
    }
}

static void check_outputs_not_inputs(Vec *inputs) {
    for (int i = 0; i < inputs->len; i++) {
        Input *in = inputs->data[i];
        if (!opt.deps_only) {
            check_not_input(in->hpath);
            check_not_input(in->cpath);
        }
    }
    check_not_input(opt.depfile);
}

/* Renames the temporaries of the run over the outputs, or, after an
 * error, removes them: every output of the run is written, or none.
 * Outputs that were kept in memory are staged first. */
static int write_outputs(Vec *inputs, int status, const Buf *deps) {
    for (int i = 0; !status && !streaming() && i < inputs->len; i++) {
        Input *in = inputs->data[i];
        if (make_dirs(&outputs, path_dir(in->hpath)) < 0 ||
            output_stage(&outputs, in->hpath, in->h.data, in->h.len) < 0 ||
            output_stage(&outputs, in->cpath, in->c.data, in->c.len) < 0)
            status = 1;
    }
    if (!status && opt.depfile && output_stage(&outputs, opt.depfile, deps->data, deps->len) < 0)
        status = 1;
    if (status) {
        output_discard(&outputs);
        return status;
    }
    return output_commit(&outputs) < 0;
}

/* What aitc printed must have reached stdout: "aitc -M x.ait >/dev/full"
 * is a failure. */
static int flush_stdout(int status) {
    static bool reported;
    int err = fflush(stdout) != 0 ? errno : ferror(stdout) ? EIO : 0;
    if (!err)
        return status;
    if (!reported)
        error_plain("cannot write to standard output: %s", strerror(err));
    reported = true;
    return 1;
}

static int finish(int status, Vec *inputs) {
    for (int i = 0; inputs && i < inputs->len; i++) {
        Input *in = inputs->data[i];
        buf_free(&in->h);
        buf_free(&in->c);
    }
    status = flush_stdout(status);
    arena_release();
    return status;
}

int main(int argc, char **argv) {
    Vec inputs = {0};
    parse_args(argc, argv, &inputs);

    for (int i = 0; i < inputs.len; i++)
        prepare(inputs.data[i]);
    check_clashes(&inputs);
    Vec path = {0};
    for (int i = 0; i < loaded.len; i++)
        if (((Loaded *)loaded.data[i])->mark == 0 && ((Loaded *)loaded.data[i])->file)
            find_cycles(loaded.data[i], &path);
    if (!error_count() && !opt.check && !opt.dump_ast)
        check_outputs_not_inputs(&inputs);
    if (error_count())
        return finish(1, &inputs);

    find_groups(&inputs);
    if (opt.dump_ast) {
        for (int i = 0; i < inputs.len; i++)
            ast_dump(((Input *)inputs.data[i])->loaded->file, stdout);
        return finish(0, &inputs);
    }

    Buf deps = {0};
    for (int i = 0; i < inputs.len; i++)
        put_deps(&deps, inputs.data[i]);
    if (opt.deps_only) {
        if (!opt.depfile)
            fwrite(deps.data, 1, deps.len, stdout);
        int status = 0;
        if (opt.depfile) {
            status = output_stage(&outputs, opt.depfile, deps.data, deps.len) < 0 ||
                     output_commit(&outputs) < 0;
        }
        buf_free(&deps);
        return finish(status, &inputs);
    }

    for (int i = 0; i < inputs.len; i++)
        run_generate(inputs.data[i]);
    if (opt.frame_report_cc && !error_count())
        report_cc(&inputs);
    int status = error_count() ? 1 : 0;

    if (!status && opt.check) {
        for (int i = 0; i < inputs.len; i++) {
            Input *in = inputs.data[i];
            status |= check_output(in->hpath, &in->h);
            status |= check_output(in->cpath, &in->c);
        }
    } else {
        if (!status)
            status = flush_stdout(0);     /* the frame report went out */
        status = write_outputs(&inputs, status, &deps);
    }
    buf_free(&deps);
    return finish(status, &inputs);
}
