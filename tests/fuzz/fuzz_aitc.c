/* fuzz_aitc.c: libFuzzer harness for aitc's whole pipeline.
 *
 * Each input is one .ait file: parsed and, when it parses, checked,
 * lowered and emitted in memory. Any crash, sanitizer report or leak is
 * a bug (bad input must only ever give diagnostics). Built and run by
 * `make fuzz` (FUZZ_SECONDS) and, briefly, by `make test` (tests/run.sh,
 * suite fuzz): the seeds are every .ait file of the samples and tests,
 * the dictionary is ait.dict, inputs may be up to 64 KiB (long enough
 * for chains past the nesting limit). Its structure-aware companion,
 * which checks that accepted programs also compile and mean what they
 * say, is gen_ait.c (gen_run.sh). */
#include <stdint.h>
#include <stdio.h>

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
    char *text = xstrndup((const char *)data, size);
    File *file = parse_file(src_add("fuzz.ait", text, size));
    if (!error_count()) {
        Unit unit = {.file = file};
        GenOptions opt = {.line_directives = true, .header_name = "fuzz.h"};
        Buf h = {0}, c = {0};
        generate(&unit, &opt, &h, &c);
        buf_free(&h);
        buf_free(&c);
    }
    prelude_reset();
    typenames_reset();
    util_reset();
    return 0;
}
