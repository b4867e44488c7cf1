#!/usr/bin/env bash
# run.sh: every test suite of ait, one after another. Called by `make test`
# (after the build and `make asan`); ends with the line "N passed, N failed"
# and exits 1 when anything failed.
#
#   tests/run.sh [SUITE...]      suites: unit tsan bootstrap golden e2e errors cli
#                                integration redis misuse fuzz gen
#   tests/run.sh --update-golden rewrite tests/golden/*.expected.{h,c}
#
# How each suite finds its tests:
#   unit       tests/unit/test_*.c: a cmocka program each, linked with the
#              generator (build/libaitc.a, everything but main.c) and the
#              runtime (build/libait.a); run once as built with $CC and once
#              built with clang -fsanitize=address,undefined against
#              build/asan/. Counts the tests cmocka reports.
#   tsan       tests/unit/test_mt.c, test_mt_life.c, test_io.c, test_mt_io.c,
#              test_net.c, test_bufio.c, test_group.c, test_runtime.c and
#              test_hostloop.c built with clang -fsanitize=thread against
#              runtime/*.c directly; any TSan report fails
#              (halt_on_error=1). Counts as the unit suite.
#   bootstrap  grammar/regen.sh into a temporary directory, compared byte
#              for byte with generator/bootstrap/ (one test).
#   golden     tests/golden/NAME.ait: aitc --no-line output compared with
#              NAME.expected.h and NAME.expected.c (one test each).
#   e2e        tests/e2e/NAME/ and samples/NAME/ holding .ait files, main.c
#              and expected.txt (optional: link.txt, extra link flags;
#              runs.txt, the .ait files of one aitc run per line, when
#              they are not all generated in one run; more
#              .c files and headers of its own, compiled in): built
#              with gcc, clang, and clang with sanitizers, run, stdout compared;
#              each generated header compiled as C++ (one test each).
#   errors     tests/errors/NAME.ait with "// expect: LINE:COL: error: MSG"
#              lines: aitc must exit 1, print each, and write nothing (one
#              test each; .ait files without expect lines are helpers). An
#              optional "// aitc-flags: OPTIONS" line passes options.
#              tests/errors/NAME.ait with "// cc-expect: LINE: TEXT" lines
#              instead: errors aitc leaves to the C compiler. aitc must
#              succeed; gcc and clang (strict, plus an optional
#              "// cc-flags: OPTIONS" line) must each fail with an error at
#              NAME.ait:LINE whose message contains TEXT, have no error
#              at any other line (none in the generated .c), and never
#              mention an _output type (one test each).
#   cli        tests/cli.sh, which prints "ok NAME" / "not ok NAME: why".
#   integration  tests/integration.sh (same output): make install into a
#              temporary prefix, then a small project built against it with
#              make + ait.mk, CMake + Ninja, CMake + Unix Makefiles and
#              pkg-config + cc: no-op rebuilds, edits of an imported .ait,
#              aitc --check as a CI step, and a moved prefix; with make
#              and CMake, one aitc run per file and one for all files.
#   redis      tests/redis.sh: build/mini-redis (sample 10) driven by the
#              real redis-cli at 0 and 2 workers; "ok" / "not ok" lines too.
#   misuse     tests/misuse/NAME.c: a program misusing the runtime, built
#              with clang -fsanitize=address,undefined against build/asan/;
#              its output must contain the text of its "expect: TEXT" line
#              (the sanitizer's report, or the program's own line where the
#              misuse is a defined no-op). One test each.
#   fuzz       tests/fuzz/fuzz_aitc.c under libFuzzer with ASan/UBSan for
#              FUZZ_SECONDS (default 10), seeded with every .ait file of the
#              samples and tests (and, two in one input, generated together,
#              the first two of each folder holding several), with the language's dictionary
#              (tests/fuzz/ait.dict), inputs up to 64 KiB from the start (one test: no
#              crash, no report). FUZZ_LOG=FILE keeps libFuzzer's output.
#   gen        tests/fuzz/gen_run.sh: random well-formed programs from the
#              structure-aware generator, compiled with -Werror by gcc and
#              clang, run under ASan/UBSan, their output compared with the
#              programs' sequential meaning. In `make test` three batches
#              of 5 small programs from fixed seeds, one for each way
#              gen_run.sh runs aitc (one test); with GEN_SECONDS set
#              (make fuzz), batches from fresh seeds for that long.
#              GEN_LOG=FILE keeps gen_run.sh's output.
set -u
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
AITC=$ROOT/build/aitc
STRICT="-std=c11 -Wall -Wextra -Wpedantic -Werror"
SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -g"
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
CC=${CC:-cc}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ait-test.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT

total_pass=0 total_fail=0 pass=0 fail=0 suite=

ok() { pass=$((pass + 1)); }
bad() {           # bad NAME REASON [LOGFILE]
    fail=$((fail + 1))
    echo "FAIL [$suite] $1: $2"
    if [ $# -ge 3 ] && [ -s "$3" ]; then sed -n '1,25p' "$3" | sed 's/^/    | /'; fi
}
begin() { suite=$1 pass=0 fail=0; }
end() {
    echo "== $suite: $pass passed, $fail failed"
    total_pass=$((total_pass + pass)) total_fail=$((total_fail + fail))
}

# ---- unit --------------------------------------------------------------
# run_cmocka NAME BINARY: counts what cmocka reports; a crash or a
# sanitizer report after the tests is one more failure.
run_cmocka() {
    local name=$1 bin=$2 log=$TMP/unit.log rc p f
    timeout 120 "$bin" >"$log" 2>&1 </dev/null
    rc=$?
    p=$(sed -n 's/^\[  PASSED  \] \([0-9][0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
    f=$(sed -n 's/^\[  FAILED  \] \([0-9][0-9]*\) test.*/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
    pass=$((pass + p))
    if [ "$f" -gt 0 ]; then
        fail=$((fail + f))
        awk '/listed below/ { on = 1; next } on && /^\[  FAILED  \] [A-Za-z_]/ { print $4 }' "$log" |
            while read -r t; do echo "FAIL [$suite] $name: $t"; done
        sed -n '/ERROR\|Error\|error:/p' "$log" | head -n 10 | sed 's/^/    | /'
    elif [ $rc -ne 0 ] || [ "$p" -eq 0 ]; then
        bad "$name" "exited with status $rc after $p passed test(s)" "$log"
    fi
}

suite_unit() {
    local t name libs
    begin unit
    for t in tests/unit/test_*.c; do
        [ -f "$t" ] || continue
        name=$(basename "$t" .c)
        libs="-lcmocka -lpthread -lm"
        # shellcheck disable=SC2086
        if $CC $STRICT -O1 -g -Igenerator -Igenerator/bootstrap -Iruntime/include -Iruntime \
            -Itests/unit "$t" build/libaitc.a build/libait.a $libs -o "$TMP/$name" \
            >"$TMP/cc.log" 2>&1; then
            run_cmocka "$name" "$TMP/$name"
        else
            bad "$name" "does not compile" "$TMP/cc.log"
        fi
        # shellcheck disable=SC2086
        if clang $STRICT $SAN -O1 -Igenerator -Igenerator/bootstrap -Iruntime/include -Iruntime \
            -Itests/unit "$t" build/asan/libaitc.a build/asan/libait.a $libs -o "$TMP/$name.san" \
            >"$TMP/cc.log" 2>&1; then
            run_cmocka "$name (asan)" "$TMP/$name.san"
        else
            bad "$name (asan)" "does not compile" "$TMP/cc.log"
        fi
    done
    end
}

# ---- tsan --------------------------------------------------------------
suite_tsan() {
    local t name
    begin tsan
    for t in tests/unit/test_mt.c tests/unit/test_mt_life.c tests/unit/test_io.c tests/unit/test_mt_io.c \
        tests/unit/test_net.c tests/unit/test_bufio.c tests/unit/test_group.c \
        tests/unit/test_runtime.c tests/unit/test_hostloop.c; do
        [ -f "$t" ] || continue
        name=$(basename "$t" .c)
        # shellcheck disable=SC2086
        if clang $STRICT -fsanitize=thread -O1 -g -Iruntime/include -Iruntime "$t" runtime/*.c \
            -lcmocka -lpthread -lm -o "$TMP/$name.tsan" >"$TMP/cc.log" 2>&1; then
            run_cmocka "$name (tsan)" "$TMP/$name.tsan"
        else
            bad "$name (tsan)" "does not compile" "$TMP/cc.log"
        fi
    done
    end
}

# ---- bootstrap ---------------------------------------------------------
suite_bootstrap() {
    begin bootstrap
    if [ ! -x grammar/regen.sh ]; then
        bad regen "grammar/regen.sh is missing"
    elif ! command -v re2c >/dev/null || ! command -v lemon >/dev/null; then
        if [ "${CI:-}" = true ]; then
            bad regen "re2c or lemon is missing (scripts/deps.sh should have installed them)"
        else
            echo "SKIP [bootstrap] re2c or lemon is not installed: cannot check generator/bootstrap"
        fi
    elif ! grammar/regen.sh "$TMP/boot" >"$TMP/regen.log" 2>&1; then
        bad regen "grammar/regen.sh failed" "$TMP/regen.log"
    elif ! diff -r generator/bootstrap "$TMP/boot" >"$TMP/boot.diff" 2>&1; then
        bad fresh "generator/bootstrap is stale: run 'make regen' and commit it" "$TMP/boot.diff"
    else
        ok
    fi
    end
}

# ---- golden ------------------------------------------------------------
suite_golden() {
    local src name out=$TMP/golden update=${1:-}
    begin golden
    for src in tests/golden/*.ait; do
        [ -f "$src" ] || continue
        name=$(basename "$src" .ait)
        case $name in *.expected) continue ;; esac
        rm -rf "$out"
        if ! "$AITC" --no-line -o "$out" "$src" >"$TMP/aitc.log" 2>&1; then
            bad "$name" "aitc failed" "$TMP/aitc.log"
            continue
        fi
        if [ -n "$update" ]; then
            cp "$out/$name.h" "tests/golden/$name.expected.h"
            cp "$out/$name.c" "tests/golden/$name.expected.c"
            echo "updated tests/golden/$name.expected.{h,c}"
            ok
        elif [ ! -f "tests/golden/$name.expected.h" ] || [ ! -f "tests/golden/$name.expected.c" ]; then
            bad "$name" "tests/golden/$name.expected.{h,c} missing: run make golden-update"
        elif diff -u "tests/golden/$name.expected.h" "$out/$name.h" >"$TMP/g.diff" 2>&1 &&
             diff -u "tests/golden/$name.expected.c" "$out/$name.c" >>"$TMP/g.diff" 2>&1; then
            ok
        else
            bad "$name" "generated code differs from the expected (make golden-update if intended)" "$TMP/g.diff"
        fi
    done
    end
}

# ---- e2e ---------------------------------------------------------------
# e2e_build_run CASE VARIANT COMPILER FLAGS RUNTIME_LIB: builds and runs one
# variant; returns 0 when its output matches expected.txt.
e2e_variant() {
    local dir=$1 variant=$2 cc=$3 flags=$4 lib=$5 w=$6 extra
    extra=$(cat "$dir/link.txt" 2>/dev/null || true)
    # shellcheck disable=SC2086
    if ! $cc $STRICT $flags -Iruntime/include -I"$w/gen" -I"$dir" "${E2E_SRCS[@]}" "$dir/main.c" \
        "$lib" -lpthread $extra -o "$w/$variant" >"$w/cc.log" 2>&1; then
        E2E_WHY="$variant: does not compile"; E2E_LOG=$w/cc.log; return 1
    fi
    (cd "$w" && timeout 60 "./$variant") >"$w/out.txt" 2>"$w/err.txt" </dev/null
    local rc=$?
    if [ $rc -ne 0 ]; then
        E2E_WHY="$variant: exited with status $rc"; E2E_LOG=$w/err.txt; return 1
    fi
    if ! diff -u "$dir/expected.txt" "$w/out.txt" >"$w/out.diff" 2>&1; then
        E2E_WHY="$variant: output differs from expected.txt"; E2E_LOG=$w/out.diff; return 1
    fi
}

# All the .ait files of dir in one aitc run, or the runs of its runs.txt.
e2e_generate() {
    local dir=$1 w=$2 line files f
    if [ ! -f "$dir/runs.txt" ]; then
        "$AITC" -o "$w/gen" "$dir"/*.ait >"$w/aitc.log" 2>&1
        return
    fi
    while read -r line; do
        files=()
        for f in $line; do files+=("$dir/$f"); done
        "$AITC" -o "$w/gen" "${files[@]}" >"$w/aitc.log" 2>&1 || return 1
    done <"$dir/runs.txt"
}

e2e_case() {
    local dir=${1%/} name w f h
    name=$dir
    w=$TMP/e2e/$(echo "$dir" | tr / _)
    mkdir -p "$w/gen"
    E2E_SRCS=()
    for f in "$dir"/*.ait; do E2E_SRCS+=("$w/gen/$(basename "$f" .ait).c"); done
    for f in "$dir"/*.c; do [ "$(basename "$f")" = main.c ] || E2E_SRCS+=("$f"); done
    if ! e2e_generate "$dir" "$w"; then
        bad "$name" "aitc failed" "$w/aitc.log"; return
    fi
    if ! e2e_variant "$dir" gcc gcc "-O2" build/libait.a "$w" ||
       ! e2e_variant "$dir" clang clang "-O2" build/libait.a "$w" ||
       ! e2e_variant "$dir" clang-asan clang "$SAN -O1" build/asan/libait.a "$w"; then
        bad "$name" "$E2E_WHY" "$E2E_LOG"; return
    fi
    for h in "$w"/gen/*.h; do
        printf '#include "%s"\nint main() { return 0; }\n' "$(basename "$h")" >"$w/cxx.cc"
        if ! g++ -fsyntax-only -x c++ -std=c++17 -Wall -Wextra -Werror -Iruntime/include \
            -I"$w/gen" -I"$dir" "$w/cxx.cc" >"$w/cxx.log" 2>&1; then
            bad "$name" "$(basename "$h") does not compile as C++" "$w/cxx.log"; return
        fi
    done
    ok
}

suite_e2e() {
    local dir
    begin e2e
    for dir in tests/e2e/*/ samples/*/; do
        [ -d "$dir" ] || continue
        ls "$dir"*.ait >/dev/null 2>&1 && [ -f "$dir/main.c" ] && [ -f "$dir/expected.txt" ] || continue
        e2e_case "$dir"
    done
    end
}

# ---- errors ------------------------------------------------------------
suite_errors() {
    local src out=$TMP/errors exp missing rc
    begin errors
    for src in tests/errors/*.ait; do
        [ -f "$src" ] || continue
        if grep -q '// cc-expect: ' "$src"; then
            if errors_cc "$src"; then ok; else bad "$src" "$CC_WHY"; fi
            continue
        fi
        grep -q '// expect: ' "$src" || continue
        rm -rf "$out"
        # optional "// aitc-flags: -Werror ..." line: options for this case
        # shellcheck disable=SC2046
        "$AITC" $(sed -n 's|.*// aitc-flags: \(.*\)$|\1|p' "$src") -o "$out" "$src" \
            >"$TMP/stdout.log" 2>"$TMP/stderr.log"
        rc=$?
        missing=
        while IFS= read -r exp; do
            # "LINE:COL: KIND: MESSAGE" -> "SRC:LINE:COL: KIND: " ... MESSAGE
            local pos=${exp%%: *} rest=${exp#*: }
            local kind=${rest%%: *} msg=${rest#*: }
            if ! grep -F "$src:$pos: $kind: " "$TMP/stderr.log" | grep -qF -- "$msg"; then
                missing="$missing; not reported: $pos: $kind: $msg"
            fi
        done < <(sed -n 's|.*// expect: \(.*[^ ]\) *$|\1|p' "$src")
        if [ $rc -ne 1 ]; then
            bad "$src" "exit status $rc, expected 1" "$TMP/stderr.log"
        elif [ -n "$missing" ]; then
            bad "$src" "${missing#; }" "$TMP/stderr.log"
        elif [ -e "$out" ] && [ -n "$(ls -A "$out")" ]; then
            bad "$src" "files were written: $(ls -A "$out" | tr '\n' ' ')"
        else
            ok
        fi
    done
    end
}

# errors_cc SRC: a "// cc-expect:" case; sets CC_WHY and returns 1 on failure.
errors_cc() {
    local src=$1 w=$TMP/errors-cc cc exp line text flags lines
    rm -rf "$w"; mkdir -p "$w"
    if ! "$AITC" -o "$w" "$src" >"$w/aitc.log" 2>&1; then
        CC_WHY="aitc failed: $(head -c 300 "$w/aitc.log")"; return 1
    fi
    flags=$(sed -n 's|.*// cc-flags: \(.*\)$|\1|p' "$src")
    for cc in gcc clang; do
        # shellcheck disable=SC2086
        if LC_ALL=C $cc $STRICT $flags -Iruntime/include -I"$w" -c "$w/$(basename "$src" .ait).c" \
            -o "$w/out.o" >"$w/cc.log" 2>&1; then
            CC_WHY="$cc compiled it"; return 1
        fi
        if grep -q '_output' "$w/cc.log"; then
            CC_WHY="$cc speaks of an _output type: $(grep -m1 '_output' "$w/cc.log")"; return 1
        fi
        while IFS= read -r exp; do
            line=${exp%%: *} text=${exp#*: }
            if ! grep -F "$src:$line:" "$w/cc.log" | grep -F ' error: ' | grep -qF -- "$text"; then
                CC_WHY="$cc: no error at $src:$line with: $text; got: $(grep -m1 ' error: ' "$w/cc.log")"
                return 1
            fi
        done < <(sed -n 's|.*// cc-expect: \(.*[^ ]\) *$|\1|p' "$src")
        lines=$(sed -n 's|.*// cc-expect: \([0-9]*\): .*|\1|p' "$src" | sort -u | tr '\n' '|')
        if grep ': error: ' "$w/cc.log" | grep -vE "^$src:(${lines%|}):" >"$w/other.log"; then
            CC_WHY="$cc: an error at a line not expected: $(head -1 "$w/other.log")"; return 1
        fi
    done
}

# ---- fuzz --------------------------------------------------------------
suite_fuzz() {
    local gen
    begin fuzz
    gen=$(ls generator/*.c generator/bootstrap/*.c | grep -v '^generator/main\.c$')
    mkdir -p "$TMP/corpus"
    local f
    for f in samples/*/*.ait tests/e2e/*/*.ait tests/errors/*.ait tests/golden/*.ait; do
        cp "$f" "$TMP/corpus/$(echo "$f" | tr / _)"     # names repeat across folders
    done
    for f in samples/*/ tests/e2e/*/; do     # files generated together: two in one input
        set -- "$f"*.ait
        [ $# -ge 2 ] && { cat "$1"; printf '\n/*file*/\n'; cat "$2"; } >"$TMP/corpus/two_$(echo "$f" | tr / _)"
    done
    # shellcheck disable=SC2086
    if ! clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -Igenerator \
        -Igenerator/bootstrap tests/fuzz/fuzz_aitc.c $gen -o "$TMP/fuzz" >"$TMP/cc.log" 2>&1; then
        bad fuzz_aitc "does not compile" "$TMP/cc.log"
    elif ! (cd "$TMP" && ./fuzz -max_total_time="${FUZZ_SECONDS:-10}" -timeout=10 \
        -rss_limit_mb=4096 -max_len=65536 -len_control=0 -dict="$ROOT/tests/fuzz/ait.dict" \
        -print_final_stats=1 corpus) >"$TMP/fuzz.log" 2>&1; then
        bad fuzz_aitc "crashed or a sanitizer reported (the input is in the log)" "$TMP/fuzz.log"
    else
        ok
    fi
    [ -z "${FUZZ_LOG:-}" ] || cp "$TMP/fuzz.log" "$FUZZ_LOG"
    end
}

# ---- gen ---------------------------------------------------------------
suite_gen() {
    begin gen
    if [ -n "${GEN_SECONDS:-}" ]; then
        bash tests/fuzz/gen_run.sh -s "$GEN_SECONDS" >"$TMP/gen.log" 2>&1
    else
        bash tests/fuzz/gen_run.sh -q -n 5 -b 3 -S 1 >"$TMP/gen.log" 2>&1
    fi
    if [ $? -eq 0 ]; then ok; else bad gen_ait "a generated program failed" "$TMP/gen.log"; fi
    [ -z "${GEN_SECONDS:-}" ] || tail -n 1 "$TMP/gen.log" | sed 's/^/    | /'
    [ -z "${GEN_LOG:-}" ] || cp "$TMP/gen.log" "$GEN_LOG"
    end
}

# ---- cli, redis ----------------------------------------------------------
# tap_suite SUITE SCRIPT: counts a script's "ok NAME" / "not ok NAME: why" lines.
tap_suite() {
    local line
    begin "$1"
    if [ -f "$2" ]; then
        while IFS= read -r line; do
            case $line in
            "ok "*) ok ;;
            "not ok "*) line=${line#not ok }; bad "${line%%: *}" "${line#*: }" ;;
            *) echo "    | $line" ;;
            esac
        done < <(AITC="$AITC" bash "$2" 2>&1)
    fi
    end
}
suite_cli() { tap_suite cli tests/cli.sh; }
suite_integration() { tap_suite integration tests/integration.sh; }
suite_redis() { tap_suite redis tests/redis.sh; }

# ---- misuse ------------------------------------------------------------
suite_misuse() {
    local src name exp
    begin misuse
    for src in tests/misuse/*.c; do
        [ -f "$src" ] || continue
        name=$(basename "$src" .c)
        exp=$(sed -n 's|^ \* expect: \(.*[^ ]\) *\(\*/\)\{0,1\}$|\1|p' "$src" | sed 's| *\*/$||' | head -n 1)
        if [ -z "$exp" ]; then
            bad "$name" "no 'expect:' line"
            continue
        fi
        # shellcheck disable=SC2086
        if ! clang $STRICT $SAN -O0 -Iruntime/include "$src" build/asan/libait.a -lpthread \
            -o "$TMP/misuse" >"$TMP/cc.log" 2>&1; then
            bad "$name" "does not compile" "$TMP/cc.log"
            continue
        fi
        timeout 60 "$TMP/misuse" >"$TMP/misuse.log" 2>&1 </dev/null
        if grep -qF -- "$exp" "$TMP/misuse.log"; then
            ok
        else
            bad "$name" "the output does not say '$exp'" "$TMP/misuse.log"
        fi
    done
    end
}

# ---- main --------------------------------------------------------------
if [ "${1:-}" = --update-golden ]; then
    suite_golden update
    exit $((total_fail > 0))
fi
suites=${*:-unit tsan bootstrap golden e2e errors cli integration redis misuse fuzz gen}
for s in $suites; do
    case $s in
    unit | tsan | bootstrap | misuse | fuzz) "suite_$s" ;;
    golden | e2e | errors | cli | integration | redis | gen)
        if [ -x "$AITC" ]; then "suite_$s"; else
            begin "$s"; bad aitc "$AITC is missing: run make first"; end
        fi ;;
    *) echo "run.sh: unknown suite '$s'"; total_fail=$((total_fail + 1)) ;;
    esac
done
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
