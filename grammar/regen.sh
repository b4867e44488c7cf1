#!/bin/sh
# regen.sh [DIR]: regenerates the lexer and parser from grammar/ into DIR
# (default generator/bootstrap). The output does not depend on DIR or on
# the date, so the committed copies can be compared byte for byte with a
# fresh run into a scratch directory.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
out=${1:-"$root/generator/bootstrap"}
mkdir -p "$out"
out=$(cd "$out" && pwd)
RE2C=${RE2C:-re2c}
LEMON=${LEMON:-lemon}
LEMPAR=${LEMPAR:-/usr/share/lemon/lempar.c}

cd "$root"
"$RE2C" -W --no-generation-date --no-version -o "$out/lexer.c" grammar/lexer.re
"$LEMON" -q -T"$LEMPAR" -d"$out" grammar/parser.y

# The generators name their output file in #line directives by the path
# they wrote it to; name it by its place in the repository instead.
for f in lexer.c parser.c; do
    awk -v dir="$out/" '
        /^#line / { i = index($0, "\"" dir)
                    if (i) $0 = substr($0, 1, i) "generator/bootstrap/" substr($0, i + 1 + length(dir)) }
        { print }' "$out/$f" >"$out/$f.tmp"
    mv "$out/$f.tmp" "$out/$f"
    chmod 644 "$out/$f"
done
chmod 644 "$out/parser.h"
