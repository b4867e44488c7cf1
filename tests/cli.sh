#!/usr/bin/env bash
# cli.sh: tests of aitc's command line (DESIGN.md section 7). Prints
# "ok NAME" or "not ok NAME: reason" per test; tests/run.sh counts them.
set -u
cd "$(dirname "$0")/.." || exit 1
AITC=${AITC:-$PWD/build/aitc}
T=$(mktemp -d "${TMPDIR:-/tmp}/ait-cli.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT

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

# Import cycles are fine: each file is read once.
printf 'import "b.ait";\nasync int fa(void) { return 1; }\n' >"$T/src/a.ait"
printf 'import "a.ait";\nasync int fb(void) { return 2; }\n' >"$T/src/b.ait"
run -o "$T/o6" "$T/src/a.ait" "$T/src/b.ait"
[ "$(rc)" = 0 ] && [ -f "$T/o6/a.c" ] && [ -f "$T/o6/b.c" ]
result import-cycle $? "status $(rc), stderr: $(head -c 300 "$T/err")"
