#!/usr/bin/env bash
# cli.sh: tests of aitc's command line (docs/integration.md, aitc --help). Prints
# "ok NAME" or "not ok NAME: reason" per test; tests/run.sh counts them.
set -u
cd "$(dirname "$0")/.." || exit 1
AITC=${AITC:-$PWD/build/aitc}
T=$(mktemp -d "${TMPDIR:-/tmp}/ait-cli.XXXXXX") || exit 1
# Only the script itself removes T: a forked subshell killed before it
# execs (the signal tests below) would otherwise run this trap too.
trap '[ "$BASHPID" = "$$" ] && rm -rf "$T"' EXIT

result() {       # result NAME CONDITION-STATUS REASON
    if [ "$2" -eq 0 ]; then echo "ok $1"; else echo "not ok $1: $3"; fi
}
run() { "$AITC" "$@" >"$T/out" 2>"$T/err"; echo $? >"$T/rc"; }
rc() { cat "$T/rc"; }
mtime() { stat -c %Y "$1"; }

mkdir -p "$T/src"
cat >"$T/src/lib.ait" <<'EOF'
async int one(void) {
    return 1;
}
EOF
cat >"$T/src/x.ait" <<'EOF'
%{
#include <stdint.h>
%}
import "lib.ait";

async int answer(void) {
    int a = await one();
    return 41 + a;
}
EOF
cat >"$T/src/bad.ait" <<'EOF'
async int broken(void) {
    return await nosuchfunction(;
}
EOF

# The caret sits under the column: tabs are copied, a multibyte
# character takes one column.
printf 'async int f(void) {\n\tconst char *s = "h\xc3\xa9llo"; int x = s[0] +;\n\treturn x;\n}\n' \
    >"$T/src/caret.ait"
run -o "$T/caret-out" "$T/src/caret.ait"
printf '\t%39s^\n' '' >"$T/want-caret"
[ "$(rc)" = 1 ] && grep -q ':2:41: error:' "$T/err" && sed -n 3p "$T/err" | cmp -s - "$T/want-caret"
result caret-tabs-utf8 $? "status $(rc), stderr: $(head -c 300 "$T/err")"

# Type names are scoped per input file: a typedef of one file's
# passthrough is a type name in that file and in files that import it,
# not in another input of the same run.
mkdir -p "$T/scope"
printf '%%{\ntypedef int Meters;\n%%}\nasync int a(void) { Meters m = 1; return m; }\n' >"$T/scope/a.ait"
printf 'import "a.ait";\nasync int c(void) { Meters m = 2; return m; }\n' >"$T/scope/c.ait"
printf 'async int b(void) {\n    Meters m = 1;\n    return m;\n}\n' >"$T/scope/b.ait"
run -o "$T/scope-ok" "$T/scope/a.ait" "$T/scope/c.ait"
ok_rc=$(rc)
run -o "$T/scope-out" "$T/scope/a.ait" "$T/scope/b.ait" "$T/scope/c.ait"
[ "$ok_rc" = 0 ] && [ "$(rc)" = 1 ] && grep -q "b.ait:2:12: error: expected ';' before 'm'" "$T/err" &&
    grep -q "'Meters' is not a known type name" "$T/err"
result typenames-per-file $? "status $ok_rc/$(rc), stderr: $(head -c 300 "$T/err")"

run --version
[ "$(rc)" = 0 ] && grep -qx 'aitc 0.1.0' "$T/out"
result version $? "--version: status $(rc), printed '$(head -c 80 "$T/out")'"

run --help
[ "$(rc)" = 0 ] && grep -q 'usage: aitc' "$T/out"
result help $? "--help: status $(rc)"

run --no-such-option "$T/src/x.ait"
[ "$(rc)" = 1 ] && grep -q "unknown option '--no-such-option'" "$T/err"
result unknown-option $? "status $(rc), stderr: $(head -c 200 "$T/err")"

run "$T/src/missing.ait"
[ "$(rc)" = 1 ] && grep -q "aitc: error: cannot open '$T/src/missing.ait': No such file or directory" "$T/err"
result missing-file $? "status $(rc), stderr: $(head -c 200 "$T/err")"

run
[ "$(rc)" = 1 ]
result no-input $? "status $(rc)"

# Default output directory: the input's own.
run "$T/src/x.ait"
[ "$(rc)" = 0 ] && [ -f "$T/src/x.h" ] && [ -f "$T/src/x.c" ]
result default-outdir $? "status $(rc), $(ls "$T/src" | tr '\n' ' '), stderr: $(head -c 300 "$T/err")"
rm -f "$T/src/x.h" "$T/src/x.c"

run -o "$T/out1/sub" "$T/src/x.ait"
[ "$(rc)" = 0 ] && [ "$(ls -A "$T/out1/sub" | tr '\n' ' ')" = "x.c x.h " ]
result writes-outputs $? "status $(rc), wrote: $(ls -A "$T/out1/sub" 2>/dev/null | tr '\n' ' ')"

grep -q '#include "x.h"' "$T/out1/sub/x.c" && grep -q 'lib.h' "$T/out1/sub/x.h"
result includes $? "x.c must include \"x.h\", x.h the import's lib.h"

# Unchanged outputs keep their mtime.
touch -d '2001-01-01 00:00:00' "$T/out1/sub/x.h" "$T/out1/sub/x.c"
before=$(mtime "$T/out1/sub/x.c")
run -o "$T/out1/sub" "$T/src/x.ait"
[ "$(rc)" = 0 ] && [ "$(mtime "$T/out1/sub/x.c")" = "$before" ] && [ "$(mtime "$T/out1/sub/x.h")" = "$before" ]
result unchanged-not-rewritten $? "an unchanged output was rewritten"

# Atomic writes leave no temporary file behind.
[ "$(ls -A "$T/out1/sub" | tr '\n' ' ')" = "x.c x.h " ]
result no-temp-files $? "left: $(ls -A "$T/out1/sub" | tr '\n' ' ')"

# Deterministic, and independent of the directory aitc runs in.
(cd "$T" && "$AITC" --no-line -o o2 src/x.ait) >/dev/null 2>&1 &&
    (cd "$T/src" && "$AITC" --no-line -o ../o3 x.ait) >/dev/null 2>&1 &&
    "$AITC" --no-line -o "$T/o4" "$T/src/x.ait" >/dev/null 2>&1 &&
    diff -r "$T/o2" "$T/o3" >/dev/null && diff -r "$T/o2" "$T/o4" >/dev/null
result cwd-independent $? "with --no-line, the output depends on the directory aitc runs from or on how the input path is spelled"

# --check: current -> 0; stale -> 1 with a diff and nothing written;
# missing -> 1.
run --check -o "$T/out1/sub" "$T/src/x.ait"
[ "$(rc)" = 0 ]
result check-current $? "status $(rc), stderr: $(head -c 300 "$T/err")"

echo '/* edited */' >>"$T/out1/sub/x.c"
cp "$T/out1/sub/x.c" "$T/edited.c"
run --check -o "$T/out1/sub" "$T/src/x.ait"
[ "$(rc)" = 1 ] && grep -q '^-/\* edited \*/' "$T/out" && grep -q '^@@ ' "$T/out" &&
    cmp -s "$T/out1/sub/x.c" "$T/edited.c"
result check-stale $? "status $(rc), diff: $(head -c 300 "$T/out")"

run --check -o "$T/nothing" "$T/src/x.ait"
[ "$(rc)" = 1 ] && [ ! -e "$T/nothing" ]
result check-missing $? "status $(rc)"

# -M prints dependencies and writes nothing; -MF writes them.
run -M -o "$T/deps" "$T/src/x.ait"
[ "$(rc)" = 0 ] && grep -q "^$T/deps/x.c $T/deps/x.h: $T/src/x.ait" "$T/out" &&
    grep -q "$T/src/lib.ait" "$T/out" && [ ! -e "$T/deps" ]
result deps-M $? "status $(rc), printed: $(head -c 300 "$T/out")"

run -MF "$T/x.d" -o "$T/deps2" "$T/src/x.ait"
[ "$(rc)" = 0 ] && grep -q "^$T/deps2/x.c $T/deps2/x.h:" "$T/x.d" && [ -f "$T/deps2/x.c" ]
result deps-MF $? "status $(rc), depfile: $(head -c 300 "$T/x.d" 2>/dev/null)"

# -MT names another target (a stamp), keeping the prerequisites.
run -M -MT "$T/x.stamp" -o "$T/deps3" "$T/src/x.ait"
[ "$(rc)" = 0 ] && grep -q "^$T/x.stamp: $T/src/x.ait" "$T/out" &&
    grep -q "$T/src/lib.ait" "$T/out" && ! grep -q "x\.c" "$T/out"
result deps-MT $? "status $(rc), printed: $(head -c 300 "$T/out")"

# Errors: exit 1, diagnostics with file:line:col, nothing written, and
# outputs already there left as they were.
run -o "$T/bad" "$T/src/bad.ait"
[ "$(rc)" = 1 ] && grep -q "^$T/src/bad.ait:[0-9]*:[0-9]*: error: " "$T/err" && [ ! -e "$T/bad" ]
result error-writes-nothing $? "status $(rc), stderr: $(head -c 300 "$T/err")"

cp "$T/src/bad.ait" "$T/src/y.ait"
run -o "$T/out1/sub" "$T/src/x.ait" "$T/src/y.ait"
[ "$(rc)" = 1 ] && cmp -s "$T/out1/sub/x.c" "$T/edited.c" && [ ! -e "$T/out1/sub/y.c" ]
result error-in-one-input-writes-none $? "status $(rc)"

printf 'import "nowhere.ait";\n' >"$T/src/imp.ait"
run -o "$T/imp" "$T/src/imp.ait"
[ "$(rc)" = 1 ] && grep -q "imp.ait:1:[0-9]*: error: cannot find import 'nowhere.ait'" "$T/err"
result import-not-found $? "status $(rc), stderr: $(head -c 300 "$T/err")"

# -I: imports not beside the importing file are searched there.
mkdir -p "$T/inc" "$T/main"
cp "$T/src/lib.ait" "$T/inc/lib.ait"
cp "$T/src/x.ait" "$T/main/x.ait"
run -I "$T/inc" -o "$T/o5" "$T/main/x.ait"
[ "$(rc)" = 0 ] && [ -f "$T/o5/x.c" ]
result include-path $? "status $(rc), stderr: $(head -c 300 "$T/err")"

# An import cycle is an error at the import line that starts it, with a
# note at the one that closes it; nothing is written.
printf 'import "b.ait";\nasync int fa(void) { return 1; }\n' >"$T/src/a.ait"
printf '%%{\n%%}\nimport "a.ait";\nasync int fb(void) { return 2; }\n' >"$T/src/b.ait"
run -o "$T/o6" "$T/src/a.ait" "$T/src/b.ait"
[ "$(rc)" = 1 ] && grep -q "a.ait:1:8: error: import cycle: '.*a.ait' imports '.*b.ait'" "$T/err" &&
    grep -q "b.ait:3:8: note: which imports '.*a.ait'" "$T/err" && [ ! -e "$T/o6" ]
result import-cycle $? "status $(rc), stderr: $(head -c 400 "$T/err")"

printf 'import "self.ait";\nasync int fs(void) { return 1; }\n' >"$T/src/self.ait"
run -o "$T/o6" "$T/src/self.ait"
[ "$(rc)" = 1 ] && grep -q "self.ait:1:8: error: import cycle: '.*self.ait' imports itself" "$T/err" &&
    [ ! -e "$T/o6" ]
result import-self $? "status $(rc), stderr: $(head -c 400 "$T/err")"

# No output may overwrite an input, however it is spelt.
mkdir -p "$T/victim"
cp "$T/src/lib.ait" "$T/victim/v.ait"
cp "$T/victim/v.ait" "$T/victim.orig"
run -MF "$T/victim/v.ait" "$T/victim/v.ait"
[ "$(rc)" = 1 ] && grep -q "error: output '.*v.ait' is the input" "$T/err" &&
    cmp -s "$T/victim/v.ait" "$T/victim.orig" && [ "$(ls -A "$T/victim")" = v.ait ]
result depfile-is-input $? "status $(rc), stderr: $(head -c 300 "$T/err")"

run -M -MF "$T/victim/../victim/v.ait" "$T/victim/v.ait"
[ "$(rc)" = 1 ] && cmp -s "$T/victim/v.ait" "$T/victim.orig"
result depfile-is-input-M $? "status $(rc), stderr: $(head -c 300 "$T/err")"

mkdir -p "$T/victim/out"
ln -s ../v.ait "$T/victim/out/v.c"
run -o "$T/victim/out" "$T/victim/v.ait"
[ "$(rc)" = 1 ] && grep -q "error: output '.*out/v.c' is the input" "$T/err" &&
    cmp -s "$T/victim/v.ait" "$T/victim.orig" && [ "$(ls -A "$T/victim/out")" = v.c ]
result output-is-input $? "status $(rc), stderr: $(head -c 300 "$T/err")"

# Writing stdout must succeed: a full disk is an error, and with
# --frame-report nothing is written when the report could not be.
if [ -w /dev/full ]; then
    for args in "-M" "--frame-report -o $T/full" "--dump-ast" "--version"; do
        # shellcheck disable=SC2086
        "$AITC" $args "$T/src/x.ait" >/dev/full 2>"$T/err"
        rc=$?
        [ "$rc" = 1 ] && grep -q "aitc: error: cannot write to standard output: No space left on device" "$T/err" &&
            [ ! -e "$T/full" ]
        result "stdout-full ${args%% *}" $? "status $rc, stderr: $(head -c 300 "$T/err")"
    done
fi

# All outputs of a run are replaced together or not at all. A file size
# limit makes the large x.c fail after y.h, y.c and x.h were written:
# every temporary is removed and the old files stay.
mkdir -p "$T/atomic"
printf 'async int one(void) { return 1; }\n' >"$T/atomic/y.ait"
{ printf 'import "y.ait";\nasync int two(int v) {\n'
  for i in $(seq 1 60); do printf '    v += await one() * %d;\n' "$i"; done
  printf '    return v;\n}\n'; } >"$T/atomic/x.ait"
printf 'old x.h\n' >"$T/atomic/x.h"
printf 'old x.c\n' >"$T/atomic/x.c"
(trap '' XFSZ; ulimit -f 8; "$AITC" -o "$T/atomic" "$T/atomic/y.ait" "$T/atomic/x.ait") >/dev/null 2>"$T/err"
rc=$?
[ "$rc" = 1 ] && grep -q "cannot write '.*x.c': File too large" "$T/err" &&
    [ "$(cat "$T/atomic/x.h")" = "old x.h" ] && [ "$(cat "$T/atomic/x.c")" = "old x.c" ] &&
    [ "$(ls -A "$T/atomic" | tr '\n' ' ')" = "x.ait x.c x.h y.ait " ]
result atomic-disk-full $? "status $rc, left: $(ls -A "$T/atomic" | tr '\n' ' '), stderr: $(head -c 300 "$T/err")"

# Outputs stream to their temporaries as they are made: on an input
# whose output is many times the buffer handed over at once, the files
# written are complete (--check, which generates in memory, finds them
# current; with #line directives, whose line numbers span the handovers).
mkdir -p "$T/stream"
python3 bench/tools/gen_ait.py 10000 "$T/stream/s.ait"
run -o "$T/stream/out" "$T/stream/s.ait"
st=$(rc)
run --check -o "$T/stream/out" "$T/stream/s.ait"
[ "$st" = 0 ] && [ "$(rc)" = 0 ] && [ "$(stat -c %s "$T/stream/out/s.c")" -gt 1000000 ] &&
    [ "$(ls -A "$T/stream/out" | tr '\n' ' ')" = "s.c s.h " ] &&
    sed '/^$/d' "$T/stream/out/s.c" | tail -n 1 | grep -q '^}'
result streamed-output-complete $? "status $st then --check $(rc), left: $(ls -A "$T/stream/out" | tr '\n' ' '), stderr: $(head -c 300 "$T/err")"

# A write that fails in the middle of a streamed output (the file size
# limit, as a full disk would): no partial file, no temporary, the old
# outputs kept, and the directory aitc made for them removed.
cp "$T/stream/out/s.h" "$T/stream/old.h"
(trap '' XFSZ; ulimit -f 512; "$AITC" -o "$T/stream/out" "$T/stream/s.ait" "$T/atomic/y.ait") >/dev/null 2>"$T/err"
rc=$?
(trap '' XFSZ; ulimit -f 512; "$AITC" -o "$T/stream/new/sub" "$T/stream/s.ait") >/dev/null 2>>"$T/err"
rc2=$?
[ "$rc" = 1 ] && [ "$rc2" = 1 ] && grep -q "cannot write '.*s.c': File too large" "$T/err" &&
    [ "$(ls -A "$T/stream/out" | tr '\n' ' ')" = "s.c s.h " ] && cmp -s "$T/stream/out/s.h" "$T/stream/old.h" &&
    [ ! -e "$T/stream/new" ]
result streamed-disk-full $? "status $rc/$rc2, left: $(ls -A "$T/stream/out" "$T/stream/new" 2>&1 | tr '\n' ' '), stderr: $(head -c 300 "$T/err")"

# SIGTERM or SIGINT at any moment of a run: no temporary stays, and the
# outputs are both the old ones or both the complete new ones.
mkdir -p "$T/sig"
python3 bench/tools/gen_ait.py 20000 "$T/sig/g.ait"
"$AITC" --no-line -o "$T/sig/new" "$T/sig/g.ait"
sig_ok=0
for d in 0 0.02 0.1 0.3 0.6 1.2; do
    for s in TERM INT; do
        printf 'old g.h\n' >"$T/sig/g.h"
        printf 'old g.c\n' >"$T/sig/g.c"
        "$AITC" --no-line -o "$T/sig" "$T/sig/g.ait" 2>/dev/null &
        pid=$!
        # The signal is for aitc, not for the shell forked to start it.
        until [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = aitc ] || ! kill -0 "$pid" 2>/dev/null; do :; done
        sleep "$d"
        kill -s "$s" "$pid" 2>/dev/null
        wait "$pid"
        left=$(ls -A "$T/sig" | tr '\n' ' ')
        if [ "$left" != "g.ait g.c g.h new " ]; then sig_ok=1; why="after $s at $d s: $left"; fi
        if [ "$(cat "$T/sig/g.h")" = "old g.h" ]; then
            [ "$(cat "$T/sig/g.c")" = "old g.c" ] || { sig_ok=1; why="after $s at $d s: g.h old, g.c new"; }
        elif ! cmp -s "$T/sig/g.h" "$T/sig/new/g.h" || ! cmp -s "$T/sig/g.c" "$T/sig/new/g.c"; then
            sig_ok=1; why="after $s at $d s: an output is neither old nor complete"
        fi
    done
done
result signal-no-partial-output $sig_ok "${why:-}"

# The same when an output is in the way (a directory): found before
# anything is replaced.
rm "$T/atomic/x.c"
mkdir "$T/atomic/x.c"
run -o "$T/atomic" "$T/atomic/y.ait" "$T/atomic/x.ait"
[ "$(rc)" = 1 ] && grep -q "cannot write '.*x.c': it exists and is not a regular file" "$T/err" &&
    [ "$(cat "$T/atomic/x.h")" = "old x.h" ] && [ ! -e "$T/atomic/y.h" ] &&
    [ "$(ls -A "$T/atomic" | tr '\n' ' ')" = "x.ait x.c x.h y.ait " ]
result atomic-output-in-the-way $? "status $(rc), left: $(ls -A "$T/atomic" | tr '\n' ' ')"

# Nesting: a left-associative chain nests as deep as it is long, and every
# pass after the parser recurses over it. Above the limit: an error at
# the chain's start, exit 1, nothing written; at the limit exactly: the
# program is accepted, also by an aitc built with ASan (bigger frames).
# In "return CHAIN;" of a function body, a chain of n operators is n + 5
# deep (item, function, body, statement, then the chain's own levels).
chain() {       # chain FILE OP N: async int f(x) returning x OP x ... (N operators)
    python3 -c "import sys; op, n = sys.argv[2], int(sys.argv[3]); open(sys.argv[1], 'w').write(
'async int f(int x, int *p) {\n    return x' + {'+': '+x', '.': '.a', '(': '(1)', '[': '[0]'}[op] * n + ';\n}\n')" "$@"
}
for op in + . '(' '['; do
    chain "$T/deep.ait" "$op" 40000
    run -o "$T/deep" "$T/deep.ait"
    [ "$(rc)" = 1 ] && grep -q "deep.ait:2:12: error: expression nested too deeply (limit 2000)" "$T/err" &&
        [ ! -e "$T/deep" ] && [ "$(grep -c error: "$T/err")" = 1 ]
    result "nesting-40000 $op" $? "status $(rc), stderr: $(head -c 300 "$T/err")"
done
chain "$T/limit.ait" + 1996
run -o "$T/limit" "$T/limit.ait"
[ "$(rc)" = 1 ] && grep -q "limit.ait:2:12: error: expression nested too deeply" "$T/err"
result nesting-limit-plus-one $? "status $(rc), stderr: $(head -c 300 "$T/err")"
chain "$T/limit.ait" + 1995
run -o "$T/limit" "$T/limit.ait"
[ "$(rc)" = 0 ] && cc -std=c11 -fsyntax-only -Iruntime/include "$T/limit/limit.c" 2>"$T/err"
result nesting-limit $? "status $(rc), stderr: $(head -c 300 "$T/err")"
if [ -f build/asan/libaitc.a ] && clang -std=c11 -g -O1 -fsanitize=address,undefined \
    -fno-sanitize-recover=undefined -Igenerator -Igenerator/bootstrap generator/main.c \
    build/asan/libaitc.a -o "$T/aitc-asan" 2>"$T/err"; then
    status=0
    for op in + . '(' '['; do
        chain "$T/limit.ait" "$op" 1995
        "$T/aitc-asan" -o "$T/limit-asan" "$T/limit.ait" >/dev/null 2>"$T/err" || { status=1; break; }
    done
    result nesting-limit-asan $status "op $op: $(head -c 300 "$T/err")"
fi

# Hygiene: the generated poll function's own names (frame, context,
# output, temporaries) are ait_-prefixed, so a body that uses an
# undeclared name fails to compile exactly as the same C would.
CC=${CC:-cc}
for name in f cx out frame rc r self_ result; do
    mkdir -p "$T/hyg-$name"
    printf 'async int use_it(int n) {\n    await ait_yield();\n    return n + (%s != 0);\n}\n' \
        "$name" >"$T/hyg-$name/h.ait"
    run -o "$T/hyg-$name" "$T/hyg-$name/h.ait"
    gen_rc=$(rc)
    LC_ALL=C $CC -std=c11 -Iruntime/include -I"$T/hyg-$name" -c "$T/hyg-$name/h.c" -o "$T/hyg-$name/h.o" \
        2>"$T/hyg-$name/cc.err"
    cc_rc=$?
    [ "$gen_rc" = 0 ] && [ $cc_rc -ne 0 ] && grep -q "'$name' undeclared\|undeclared identifier '$name'" "$T/hyg-$name/cc.err"
    result "hygiene-undeclared-$name" $? "aitc $gen_rc, cc $cc_rc: $(head -c 300 "$T/hyg-$name/cc.err")"
done

# The same for the target of a join/select output (it once crashed aitc):
# an undeclared one is the C compiler's error, at its line of the .ait.
for comb in join select; do
    d=$T/hyg-$comb
    mkdir -p "$d"
    printf 'async int one(int x) { return x; }\nasync int use_it(void) {\n    await %s(\n        nosuch = one(22));\n    return 0;\n}\n' \
        "$comb" >"$d/h.ait"
    run -o "$d" "$d/h.ait"
    gen_rc=$(rc)
    LC_ALL=C $CC -std=c11 -Iruntime/include -I"$d" -c "$d/h.c" -o "$d/h.o" 2>"$d/cc.err"
    cc_rc=$?
    [ "$gen_rc" = 0 ] && [ $cc_rc -ne 0 ] &&
        grep -q "h.ait:4:[0-9]*: error: .*\('nosuch' undeclared\|undeclared identifier 'nosuch'\)" "$d/cc.err"
    result "hygiene-undeclared-$comb-target" $? "aitc $gen_rc, cc $cc_rc: $(head -c 300 "$d/cc.err")"
done

# Cost linear in the input: 20,000 awaits in one initializer (a chain of
# binary operators that long is over the nesting limit), 20,000 await
# statements in one function, a chain of 20,000 functions each awaiting the
# previous one. Quadratic passes took minutes on these; the bounds are
# generous, for a loaded machine, and no timing is asserted beyond them.
mkdir -p "$T/big"
{
    printf 'async int one(void) { return 1; }\nasync int big(void) {\n    int a[] = { await one()'
    i=1; while [ $i -lt 20000 ]; do printf ', await one()'; i=$((i + 1)); done
    printf ' };\n    return a[0] + a[19999];\n}\n'
} >"$T/big/expr.ait"
{
    printf 'async int one(void) { return 1; }\nasync int big(void) {\n    int s = 0;\n'
    i=0; while [ $i -lt 20000 ]; do printf '    s += await one();\n'; i=$((i + 1)); done
    printf '    return s;\n}\n'
} >"$T/big/stmts.ait"
{
    printf 'async int f0(void) { return 1; }\n'
    i=1; while [ $i -le 20000 ]; do
        printf 'async int f%d(void) { int x = await f%d(); return x + 1; }\n' $i $((i - 1))
        i=$((i + 1))
    done
} >"$T/big/chain.ait"
for big in expr stmts chain; do
    timeout 60 "$AITC" -Wno-large-frame -o "$T/big/out-$big" "$T/big/$big.ait" >"$T/out" 2>"$T/err"
    st=$?
    [ $st = 0 ] && [ -s "$T/big/out-$big/$big.c" ]
    result "linear-cost-$big" $? "status $st (124: over 60 s), stderr: $(head -c 200 "$T/err")"
done

# --frame-report=cc: the C compiler's sizes, where aitc's estimate cannot
# size a type; the large-frame warning uses them.
printf '%%{\ntypedef struct Big { char b[20000]; } Big;\n%%}\nasync int one(void) { return 1; }\nasync int big(void) {\n    Big b;\n    b.b[0] = 1;\n    await one();\n    return b.b[0];\n}\n' >"$T/src/fr.ait"
run --frame-report -o "$T/fr1" "$T/src/fr.ait"
[ "$(rc)" = 0 ] && grep -q 'big_frame, about >= ' "$T/out" && ! grep -q 'large-frame' "$T/err"
result frame-report-estimate $? "status $(rc), out: $(head -c 300 "$T/out"), err: $(head -c 300 "$T/err")"
CFLAGS="-I$PWD/runtime/include" run --frame-report=cc -o "$T/fr2" "$T/src/fr.ait"
size=$(sed -n 's/.*: big: frame big_frame, \([0-9]*\) bytes (cc).*/\1/p' "$T/out")
[ "$(rc)" = 0 ] && [ -n "$size" ] && [ "$size" -ge 20000 ] &&
    grep -q "warning: the frame of 'big' is $size bytes" "$T/err" && [ -f "$T/fr2/fr.h" ]
result frame-report-cc $? "status $(rc), size '$size', err: $(head -c 300 "$T/err")"
CC=false run --frame-report=cc -o "$T/fr3" "$T/src/fr.ait"
[ "$(rc)" = 1 ] && grep -q 'frame-report=cc' "$T/err" && [ ! -e "$T/fr3/fr.h" ]
result frame-report-cc-no-compiler $? "status $(rc), err: $(head -c 300 "$T/err")"

# -Wshadow stays clean: no generated name shadows a user's global (the
# e2e case names declares globals f, cx, out, frame, rc, r, self_, result).
run -o "$T/shadow" tests/e2e/names/t.ait
LC_ALL=C $CC -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Werror -Iruntime/include -I"$T/shadow" \
    -c "$T/shadow/t.c" -o "$T/shadow/t.o" 2>"$T/shadow/cc.err"
cc_rc=$?
[ "$(rc)" = 0 ] && [ $cc_rc = 0 ]
result wshadow-clean $? "aitc $(rc), cc $cc_rc: $(head -c 300 "$T/shadow/cc.err")"

# Groups: inputs of one run where one implements an interface another
# declares are generated together; the first file's header holds all.
mkdir -p "$T/grp"
printf '%%{\ntypedef struct Small { int n; } Small;\n%%}\ninterface Op {\n    async int run(int x);\n}\nimpl Op for Small {\n    async int run(int x) { await ait_yield(); return x + self->n; }\n}\n' >"$T/grp/a.ait"
printf 'import "a.ait";\n%%{\ntypedef struct Big { int n; } Big;\n%%}\nimpl Op for Big {\n    async int run(int x) {\n        char pad[300];\n        pad[299] = (char)x;\n        await ait_yield();\n        return pad[299] + self->n;\n    }\n}\n' >"$T/grp/b.ait"
printf 'import "a.ait";\nasync int twice(dyn Op o) { return await o.run(1) + await o.run(2); }\n' >"$T/grp/m.ait"
printf 'import "m.ait";\n%%{\ntypedef struct Mid { int n; } Mid;\n%%}\nimpl Op for Mid {\n    async int run(int x) { await ait_yield(); return x * self->n; }\n}\n' >"$T/grp/c.ait"

run -o "$T/grp/o1" "$T/grp/a.ait" "$T/grp/b.ait"
[ "$(rc)" = 0 ] && grep -q 'Big_run_frame Big;' "$T/grp/o1/a.h" && grep -q '^#include "a.h"$' "$T/grp/o1/b.h" &&
    [ "$(grep -c . "$T/grp/o1/b.h")" -le 5 ] && grep -q 'Big_run_ait_run' "$T/grp/o1/b.c" &&
    ! grep -q 'Big_run_ait_run' "$T/grp/o1/a.c"
result group-header-in-first $? "status $(rc), err: $(head -c 300 "$T/err")"

# The order of the inputs does not matter.
run -o "$T/grp/o2" "$T/grp/b.ait" "$T/grp/a.ait"
[ "$(rc)" = 0 ] && diff -r "$T/grp/o1" "$T/grp/o2" >"$T/grp/diff"
result group-input-order $? "$(head -c 300 "$T/grp/diff")"

# Each file of a group depends on every file of the group.
run -M -o "$T/grp/o1" "$T/grp/a.ait" "$T/grp/b.ait"
grep -A1 '^[^ ]*a\.c [^ ]*a\.h: [^ ]*a\.ait' "$T/out" | grep -q 'b\.ait' &&
    grep -A1 '^[^ ]*b\.c [^ ]*b\.h: [^ ]*b\.ait' "$T/out" | grep -q 'a\.ait'
result group-depfile $? "$(head -c 400 "$T/out")"

# --check: a.h is stale when b.ait's impl changes.
sed -i 's/pad\[300\]/pad[400]/' "$T/grp/b.ait"
run --check -o "$T/grp/o1" "$T/grp/a.ait" "$T/grp/b.ait"
[ "$(rc)" = 1 ] && grep -q "a.h' is stale" "$T/err" && grep -q "pad\[400\]" "$T/out"
result group-check-stale $? "status $(rc), err: $(head -c 300 "$T/err")"

# An error in one file writes no file of the group.
printf 'import "a.ait";\nimpl Op for Nope {\n}\n' >"$T/grp/bad.ait"
run -o "$T/grp/o3" "$T/grp/a.ait" "$T/grp/bad.ait"
[ "$(rc)" = 1 ] && grep -q "bad.ait:2:" "$T/err" && [ ! -e "$T/grp/o3/a.h" ] && [ ! -e "$T/grp/o3/bad.c" ]
result group-error-writes-nothing $? "status $(rc), err: $(head -c 300 "$T/err")"

# A file between two files of a group (c imports m, m imports a) joins it
# when it is an input; when it is not, c is not grouped with a (its impl
# is boxed, as across runs).
run -o "$T/grp/o4" "$T/grp/a.ait" "$T/grp/m.ait" "$T/grp/c.ait"
[ "$(rc)" = 0 ] && grep -q 'Mid_run_frame Mid;' "$T/grp/o4/a.h" &&
    grep -q '^#include "a.h"$' "$T/grp/o4/m.h" && grep -q 'twice_ait_run' "$T/grp/o4/m.c"
between_rc=$?
run -o "$T/grp/o5" "$T/grp/a.ait" "$T/grp/c.ait"
[ $between_rc = 0 ] && [ "$(rc)" = 0 ] && ! grep -q 'Mid' "$T/grp/o5/a.h" &&
    grep -q '^#include "m.h"$' "$T/grp/o5/c.h" &&
    grep -q "c.ait:5:6: warning: impl of 'Op' for 'Mid' is not generated together with '[^']*a.ait': '[^']*m.ait', imported between them, is not an input of this run; dyn calls into it are boxed \[-Wungrouped\]" "$T/err"
result group-between-files $? "status $(rc), err: $(head -c 300 "$T/err")"

# Two files of the same name (in two folders) are not grouped: their
# headers would have one name.
mkdir -p "$T/grp/d1" "$T/grp/d2"
cp "$T/grp/a.ait" "$T/grp/d1/s.ait"
sed 's|import "a.ait";|import "../d1/s.ait";|' "$T/grp/b.ait" >"$T/grp/d2/s.ait"
run "$T/grp/d1/s.ait" "$T/grp/d2/s.ait"
[ "$(rc)" = 0 ] && ! grep -q 'Big' "$T/grp/d1/s.h" && grep -q 'Big_run_frame' "$T/grp/d2/s.h" &&
    grep -q "d2/s.ait:[0-9]*:[0-9]*: warning: .*have the same name" "$T/err"
result group-same-name $? "status $(rc), err: $(head -c 300 "$T/err")"
