#!/usr/bin/env bash
# gen_run.sh: runs the structure-aware generator (tests/fuzz/gen_ait.c).
#
#   tests/fuzz/gen_run.sh [-q] [-s SECONDS] [-b BATCHES] [-n PROGRAMS] [-S SEED] [GEN_ARGS...]
#
# Each batch: gen_ait writes PROGRAMS random programs from one seed;
# aitc must accept them all; the generated C must compile with gcc -O0
# and with clang -O2 at -std=c11 -Wall -Wextra -Wpedantic -Werror, and
# with clang under ASan/UBSan; the three binaries must print exactly
# what ref.c (the programs' sequential meaning, built with cc) prints.
# -q (quick, for `make test`): small programs, and only the gcc -O0 and
# the clang ASan/UBSan builds.
# Runs BATCHES batches (default 1) or, with -s, batches until SECONDS
# have passed. Seeds are SEED, SEED+1, ... (default: from the clock, so
# longer runs explore; `make test` passes a fixed one). A failing batch
# is kept in build/gen-fail/SEED/ and the command that reproduces it is
# printed. Exit 0 when every batch passed. GEN_ARGS, after --, go to
# gen_ait (-- -x FEATURE / +x FEATURE; the names are in gen_ait.c's
# comment). The interface features (gen_iface.c) are in every program,
# or with -q in every fourth one: their declarations double the C that
# the ASan build compiles, and make test's quick run stays well under a minute.
# A program split over several files (gen_ait's split) is generated in one
# aitc run with all the batch's files, so its files form a group, and main.c
# is compiled with -DGEN_GROUPED (its checks of inline dyn calls); for one
# seed in four aitc runs once per file instead (no groups, the impls of
# other files boxed, no such checks), for another the third files of the
# programs in a second run (see aitc_runs). Each generated header must
# compile alone.
set -u
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
AITC=$ROOT/build/aitc
STRICT="-std=c11 -Wall -Wextra -Wpedantic -Werror"
SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -g"
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

seconds=0 batches=1 programs=8 seed=$(date +%s) quick=
while getopts qs:b:n:S: o; do
    case $o in
    q) quick=1 ;;
    s) seconds=$OPTARG ;;
    b) batches=$OPTARG ;;
    n) programs=$OPTARG ;;
    S) seed=$OPTARG ;;
    *) exit 2 ;;
    esac
done
shift $((OPTIND - 1))

for need in build/aitc build/libait.a build/asan/libait.a; do
    [ -f "$need" ] || { echo "gen_run: $need is missing (make && make asan)"; exit 2; }
done
W=$(mktemp -d "${TMPDIR:-/tmp}/ait-gen.XXXXXX") || exit 2
trap 'rm -rf "$W"' EXIT
cc -std=c11 -O1 -o "$W/gen_ait" tests/fuzz/gen_ait.c tests/fuzz/gen_body.c tests/fuzz/gen_iface.c \
    tests/fuzz/gen_split.c || exit 2

# aitc_run DIR FILE...: one aitc run; else why in $W/why, log in $W/log
aitc_run() {
    local d=$1
    shift
    "$AITC" -o "$d/gen" "$@" >"$W/log" 2>&1 && return
    echo "aitc rejected a generated program (in the run of $(basename -a "$@" | tr '\n' ' ' | head -c 300))" >"$W/why"
    return 1
}

# aitc_runs DIR SEED: the batch's runs of aitc, by SEED % 4. 0 and 2: one
# run of all the files (a split program's files are one group, and main.c
# checks it: grouped=-DGEN_GROUPED); 3: a run per file (no groups, the
# impls of another file boxed); 1: a run without the third files
# (p<i>_c.ait), then one of those (a group, and a file importing it that
# adds impls apart, boxed).
aitc_runs() {
    local d=$1 f rest=()
    grouped=
    case $(($2 % 4)) in
    3)
        for f in "$d"/*.ait; do aitc_run "$d" "$f" || return 1; done ;;
    1)
        for f in "$d"/*.ait; do case $f in *_c.ait) ;; *) rest+=("$f") ;; esac; done
        aitc_run "$d" "${rest[@]}" || return 1
        rest=()
        for f in "$d"/*_c.ait; do [ -e "$f" ] && rest+=("$f"); done
        [ ${#rest[@]} -eq 0 ] || aitc_run "$d" "${rest[@]}" ;;
    *)
        grouped=-DGEN_GROUPED
        aitc_run "$d" "$d"/*.ait ;;
    esac
}

# one_batch SEED: 0 when the batch passed; else why in $W/why, log in $W/log
one_batch() {
    local s=$1 d=$W/b
    shift
    rm -rf "$d" && mkdir -p "$d/gen"
    "$W/gen_ait" -n "$programs" ${quick:+-small} "$@" "$s" "$d" 2>"$W/log" || { echo "gen_ait failed" >"$W/why"; return 1; }
    local srcs=() f h grouped=
    for f in "$d"/*.ait; do srcs+=("$d/gen/$(basename "$f" .ait).c"); done
    aitc_runs "$d" "$s" || return 1
    # any header may come first, alone
    for h in "$d"/gen/*.h; do
        # shellcheck disable=SC2086
        if ! printf '#include "%s"\n' "$(basename "$h")" |
            gcc $STRICT -fsyntax-only -Iruntime/include -I"$d/gen" -x c - >"$W/log" 2>&1; then
            echo "$(basename "$h") does not compile alone" >"$W/why"; return 1
        fi
    done
    if ! cc -w -O0 -o "$d/ref" "$d/ref.c" >"$W/log" 2>&1 ||
       ! (cd "$d" && timeout 60 ./ref) >"$d/want.txt" 2>"$W/log"; then
        echo "ref.c (the generator's own meaning) failed" >"$W/why"; return 1
    fi
    local v cc flags lib
    for v in gcc-O0 ${quick:-clang-O2} clang-asan; do
        case $v in
        gcc-O0) cc=gcc flags="-O0" lib=build/libait.a ;;
        clang-O2) cc=clang flags="-O2" lib=build/libait.a ;;
        clang-asan) cc=clang flags="$SAN -O1" lib=build/asan/libait.a ;;
        esac
        # shellcheck disable=SC2086
        if ! $cc $STRICT $flags $grouped -Iruntime/include -I"$d/gen" "${srcs[@]}" "$d/main.c" "$lib" \
            -lpthread -o "$d/$v" >"$W/log" 2>&1; then
            echo "$v: the generated C does not compile" >"$W/why"; return 1
        fi
        if ! (cd "$d" && timeout 60 "./$v") >"$d/got.txt" 2>"$W/log"; then
            echo "$v: the program failed (status $?)" >"$W/why"; return 1
        fi
        if ! diff -u "$d/want.txt" "$d/got.txt" >"$W/log" 2>&1; then
            echo "$v: output differs from ref.c's" >"$W/why"; return 1
        fi
    done
}

start=$(date +%s) n=0 failed=0
echo "gen_run: $programs programs a batch, seeds from $seed${quick:+ (quick)}"
while :; do
    if [ "$seconds" -gt 0 ]; then
        [ $(($(date +%s) - start)) -lt "$seconds" ] || break
    elif [ "$n" -ge "$batches" ]; then
        break
    fi
    s=$((seed + n))
    n=$((n + 1))
    if ! one_batch "$s" "$@"; then
        failed=$((failed + 1))
        mkdir -p build/gen-fail && rm -rf "build/gen-fail/$s" && cp -r "$W/b" "build/gen-fail/$s"
        echo "gen_run: seed $s: $(cat "$W/why") (kept in build/gen-fail/$s;" \
             "again: tests/fuzz/gen_run.sh ${quick:+-q }-n $programs -S $s${*:+ -- $*})"
        sed -n '1,30p' "$W/log" | sed 's/^/    | /'
        [ "$seconds" -gt 0 ] || break
    fi
done
echo "gen_run: $n batches of $programs programs, $failed failed"
[ "$failed" -eq 0 ]
