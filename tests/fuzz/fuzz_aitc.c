/* fuzz_aitc.c: libFuzzer harness for aitc's whole pipeline.
 *
 * Each input is one .ait file, or two separated by a line holding the
 * comment "file" (marker below): the second is generated with the first,
 * as aitc generates an impl's file with its interface's (one unit, two
 * sources). Parsed and, when it parses, checked, lowered and emitted in
 * memory. Any crash, sanitizer report or leak is
 * a bug (bad input must only ever give diagnostics). Built and run by
 * `make fuzz` (FUZZ_SECONDS) and, briefly, by `make test` (tests/run.sh,
 * suite fuzz): the seeds are every .ait file of the samples and tests,
 * the dictionary is ait.dict, inputs may be up to 64 KiB (long enough
 * for chains past the nesting limit). Its structure-aware companion,
 * which checks that accepted programs also compile and mean what they
 * say, is gen_ait.c (gen_run.sh). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "gen.h"
#include "parse.h"
#include "prelude.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static FILE *devnull;
    if (!devnull)
        devnull = fopen("/dev/null", "w");
    diag_set_stream(devnull);
    static const char marker[] = "\n/*file*/\n";
    const char *text = xstrndup((const char *)data, size);
    const char *second = strstr(text, marker);
    size_t first_len = second ? (size_t)(second - text) : size;
    Unit unit = {.file = parse_file(src_add("fuzz.ait", xstrndup(text, first_len), first_len))};
    vec_push(&unit.files, unit.file);
    if (second) {
        second += strlen(marker);
        vec_push(&unit.files, parse_file(src_add("fuzz2.ait", second, strlen(second))));
    }
    if (!error_count()) {
        Buf h[2] = {{0}}, c[2] = {{0}};
        GenOutput outs[2] = {{"fuzz.h", "fuzz.c", &h[0], &c[0]},
                             {"fuzz2.h", "fuzz2.c", &h[1], &c[1]}};
        GenOptions opt = {.line_directives = true};
        generate_files(&unit, &opt, outs);
        for (int i = 0; i < 2; i++)
            buf_free(&h[i]), buf_free(&c[i]);
    }
    prelude_reset();
    typenames_reset();
    util_reset();
    return 0;
}
