#!/usr/bin/env bash
# demo.sh: for each samples/NAME/ (sorted), runs aitc on its .ait files
# into build/samples/NAME/, compiles the generated code with its main.c (and
# any other .c file of the sample) and libait, and runs it. A sample with a
# demo.sh of its own (a server: samples/10-mini-redis) is shown by that
# script too, after its plain run. Called by `make demo` after the build.
set -u
cd "$(dirname "$0")/.." || exit 1
CC=${CC:-cc}
CFLAGS="-std=c11 -Wall -Wextra -Wpedantic -Werror -O2"
status=0
ran=0
for dir in samples/*/; do
    name=$(basename "$dir")
    ls "$dir"*.ait >/dev/null 2>&1 && [ -f "$dir/main.c" ] || continue
    out=build/samples/$name
    ran=$((ran + 1))
    echo "=== sample $name ==="
    mkdir -p "$out"
    if ! build/aitc -o "$out" "$dir"*.ait; then
        echo "(aitc failed on $name)"; status=1; continue
    fi
    srcs=()
    for f in "$dir"*.ait; do srcs+=("$out/$(basename "$f" .ait).c"); done
    for f in "$dir"*.c; do [ "$(basename "$f")" = main.c ] || srcs+=("$f"); done
    extra=$(cat "$dir/link.txt" 2>/dev/null || true)
    # shellcheck disable=SC2086
    if ! $CC $CFLAGS -Iruntime/include -I"$out" -I"$dir" "${srcs[@]}" "$dir/main.c" \
            build/libait.a -lpthread $extra -o "$out/$name"; then
        echo "(compiling $name failed)"; status=1; continue
    fi
    "$out/$name" </dev/null || { echo "($name exited with status $?)"; status=1; }
    if [ -x "$dir/demo.sh" ]; then
        "$dir/demo.sh" || { echo "($name's demo.sh exited with status $?)"; status=1; }
    fi
    echo
done
[ $ran -eq 0 ] && echo "no samples yet (samples/*/ with .ait files and a main.c)"
exit $status
