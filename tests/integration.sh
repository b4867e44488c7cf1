#!/usr/bin/env bash
# integration.sh: ait in other people's builds. Installs ait into a
# temporary prefix (make install), then builds the small project in
# tests/integration/project (store.ait, app.ait importing it, main.c)
# against the INSTALLED prefix with each of: make + ait.mk, CMake + Ninja,
# CMake + Unix Makefiles, pkg-config + cc (and Meson: the build, no-op and
# import-edit checks of the meson.build shown in docs/integration.md). Each checks the build, the
# no-op rebuild, the rebuild after editing the imported store.ait, the
# CI step (aitc --check), and a build after the prefix was moved. The
# group project (tests/integration/group: an interface in shape.ait, an
# impl with a large frame in poly.ait) is built with make and both CMake
# generators in each mode: one aitc run per file (the impl is not counted
# in shape.h) and one run for all (AIT_ONE_RUN, ait_generate's ONE_RUN:
# it is), with the no-op, edit, deleted-output and mode-switch rebuilds.
# Prints "ok NAME" or "not ok NAME: reason" per test; tests/run.sh counts
# them.
set -u
cd "$(dirname "$0")/.." || exit 1
# The aitc under test is the installed one; an AITC in the environment
# (tests/run.sh passes one) would override ait.mk's default.
unset AITC
T=$(mktemp -d "${TMPDIR:-/tmp}/ait-integration.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
PREFIX=$T/prefix
MOVED=$T/moved
LOG=$T/log

result() {       # result NAME CONDITION-STATUS REASON
    if [ "$2" -eq 0 ]; then echo "ok $1"; else echo "not ok $1: $3"; fi
}
why() { tail -n 15 "$LOG" | tr '\n' '|' | cut -c 1-600; }
project() {         # project NAME [DIR]: a copy of tests/integration/DIR (or project)
    rm -rf "$T/$1" && cp -r "tests/integration/${2:-project}" "$T/$1" &&
        { [ -f "$T/$1/Makefile" ] || cp tests/integration/project/Makefile "$T/$1/"; }
}
# The edit of the imported file: the program's answer goes from 100 to 1000.
edit_store() { sed -i 's/key \* self->scale;/key * self->scale * 10;/' "$1/store.ait"; }
total_is() { [ "$("$1" 2>&1)" = "total $2" ]; }
# The group project (tests/integration/group): shape.ait declares Shape,
# poly.ait implements it with a large frame. The edit: area 41 to 401.
edit_poly() { sed -i 's/scale \* 10 /scale * 100 /' "$1/poly.ait"; }
area_is() { [ "$("$1" 2>&1)" = "area $2 inline $3" ]; }   # inline: Poly in shape.h's MAX_FRAME

# check_step NAME DIR GENDIR [ABS]: aitc --check is 0 on the current
# outputs, then 1 with a diff once store.ait changed (the edit is undone
# after). With ABS the inputs are named by absolute paths, as CMake does
# (the #line directives name the input as it was given).
check_step() {
    local name=$1 dir=$2 gen=$3 ok=1 in=
    [ $# -ge 4 ] && in=$dir/
    (cd "$dir" && "$AITC" --check -o "$gen" "${in}store.ait" "${in}app.ait") >"$LOG" 2>&1 && ok=0
    cp "$dir/store.ait" "$T/store.ait.orig"
    sed -i 's/return key/return 1 + key/' "$dir/store.ait"
    if [ $ok -eq 0 ]; then
        (cd "$dir" && "$AITC" --check -o "$gen" "${in}store.ait" "${in}app.ait") >"$LOG" 2>&1
        [ $? -eq 1 ] && grep -q '^@@ ' "$LOG" && grep -q 'is stale' "$LOG" || ok=1
    fi
    cp "$T/store.ait.orig" "$dir/store.ait"
    result "$name-ci-check" $ok "aitc --check: not 0 when current and 1 with a diff when stale: $(why)"
}

# ---- make install ------------------------------------------------------
make --no-print-directory -s -j2 install PREFIX="$PREFIX" >"$LOG" 2>&1
result install $? "make install failed: $(why)"
AITC=$PREFIX/bin/aitc
missing=
for f in bin/aitc lib/libait.a include/ait.h lib/pkgconfig/ait.pc share/ait/ait.mk \
         lib/cmake/ait/aitConfig.cmake lib/cmake/ait/aitConfigVersion.cmake; do
    [ -f "$PREFIX/$f" ] || missing="$missing $f"
done
[ -f "$PREFIX/lib/libait-asan.a" ] && [ -f "$PREFIX/lib/pkgconfig/ait-asan.pc" ] || missing="$missing libait-asan"
[ -f "$PREFIX/lib/libait-tsan.a" ] && [ -f "$PREFIX/lib/pkgconfig/ait-tsan.pc" ] || missing="$missing libait-tsan"
result install-files "$([ -z "$missing" ]; echo $?)" "missing:$missing"
! grep -rq "$PREFIX" "$PREFIX/lib/pkgconfig" "$PREFIX/lib/cmake" "$PREFIX/share"
result install-relocatable $? "an installed file names the prefix: $(grep -rl "$PREFIX" "$PREFIX/lib" "$PREFIX/share")"

# ---- make + ait.mk -----------------------------------------------------
P=$T/make
project make
mk() { make --no-print-directory -C "$P" AIT_HOME="$PREFIX" "$@"; }
mk_noop() { mk -q "$@" >"$LOG" 2>&1 && mk "$@" >"$LOG" 2>&1 && ! grep -q aitc "$LOG" && grep -q "up to date" "$LOG"; }
aitc_runs() { grep -c 'bin/aitc ' "$LOG"; }     # in a make log
mk >"$LOG" 2>&1 && total_is "$P/app" 100
result make-build $? "$(why)"
mk_noop
result make-noop $? "make -q is not 0 or make did work: $(why)"
edit_store "$P"
mk >"$LOG" 2>&1 && [ "$(aitc_runs)" = 2 ] && total_is "$P/app" 1000 &&
    ! grep -q -- '-o main.o' "$LOG" && mk -q >/dev/null 2>&1
result make-import-edit $? "not exactly store.ait and app.ait regenerated, or stale: $(why)"
mk clean >/dev/null 2>&1 && mk gen/app.o >"$LOG" 2>&1
result make-generated-object-alone $? "make clean; make gen/app.o: $(why)"
mk >/dev/null 2>&1
check_step make "$P" gen

# ---- make + ait.mk, AIT_ONE_RUN: the group project ----------------------
P=$T/make-group
project make-group group
mk >"$LOG" 2>&1 && [ "$(aitc_runs)" = 2 ] && area_is "$P/app" 41 0
result make-group-per-file $? "not one aitc run per file, or poly.ait's impl counted in shape.h: $(why)"
mk AIT_ONE_RUN=1 >"$LOG" 2>&1 && [ "$(aitc_runs)" = 1 ] && area_is "$P/app" 41 1 &&
    grep -q Poly_area_FRAME_SIZE "$P/gen/shape.h"
result make-one-run-build $? "not one aitc run, or shape.h does not count poly.ait's impl: $(why)"
mk_noop AIT_ONE_RUN=1
result make-one-run-noop $? "make -q is not 0 or make did work: $(why)"
edit_poly "$P"
mk AIT_ONE_RUN=1 >"$LOG" 2>&1 && [ "$(aitc_runs)" = 1 ] && area_is "$P/app" 401 1 &&
    grep -q -- '-o gen/poly.o' "$LOG" && ! grep -Eq -- '-o (main|gen/shape)\.o' "$LOG" && mk_noop AIT_ONE_RUN=1
result make-one-run-edit $? "not one aitc run recompiling poly.c alone, or stale, or not a no-op after: $(why)"
(cd "$P" && "$AITC" --check -o gen shape.ait poly.ait && ! "$AITC" --check -o gen poly.ait) >"$LOG" 2>&1
result make-one-run-ci-check $? "aitc --check: not 0 for both files in one run, or not 1 for poly.ait alone: $(why)"
rm "$P/gen/poly.h"
mk AIT_ONE_RUN=1 >"$LOG" 2>&1 && [ -f "$P/gen/poly.h" ] && area_is "$P/app" 401 1 && mk_noop AIT_ONE_RUN=1
result make-one-run-output-deleted $? "gen/poly.h not regenerated: $(why)"
mk >"$LOG" 2>&1 && area_is "$P/app" 401 0 && mk AIT_ONE_RUN=1 >"$LOG" 2>&1 && area_is "$P/app" 401 1
result make-one-run-switch $? "switching AIT_ONE_RUN off and on did not regenerate: $(why)"

# ---- CMake -------------------------------------------------------------
cmake_noop() {      # cmake_noop BUILD GENERATOR: a build that does nothing
    cmake --build "$1" >"$LOG" 2>&1 && ! grep -Eq 'aitc|Building|Linking' "$LOG" &&
        { [ "$2" != Ninja ] || grep -q 'no work to do' "$LOG"; }
}
cmake_case() {      # cmake_case NAME GENERATOR
    local name=$1 g=$2 b=$T/$1/build
    project "$name"
    cmake -S "$T/$name" -B "$b" -G "$g" -DCMAKE_PREFIX_PATH="$PREFIX" >"$LOG" 2>&1 &&
        cmake --build "$b" >>"$LOG" 2>&1 && total_is "$b/app" 100 && total_is "$b/app_again" 100
    result "$name-build" $? "$(why)"
    cmake_noop "$b" "$g"
    result "$name-noop" $? "the no-op build did work: $(why)"
    edit_store "$T/$name"
    cmake --build "$b" >"$LOG" 2>&1 && grep -q 'aitc store.ait' "$LOG" && grep -q 'aitc app.ait' "$LOG" &&
        [ "$(grep -c 'aitc ' "$LOG")" = 2 ] && total_is "$b/app" 1000 && total_is "$b/app_again" 1000 &&
        cmake_noop "$b" "$g"
    result "$name-import-edit" $? "store.ait and app.ait not regenerated once each: $(why)"
    check_step "$name" "$T/$name" "$b/appgen.ait" abs
}
# cmake_group_case NAME GENERATOR: the group project, ait_generate's ONE_RUN.
cmake_group_case() {
    local name=$1 g=$2 b=$T/$1/build
    project "$name" group
    cmake -S "$T/$name" -B "$b" -G "$g" -DCMAKE_PREFIX_PATH="$PREFIX" >"$LOG" 2>&1 &&
        cmake --build "$b" >>"$LOG" 2>&1 && [ "$(grep -c 'aitc ' "$LOG")" = 2 ] && area_is "$b/app" 41 0
    result "$name-per-file" $? "not one aitc run per file, or poly.ait's impl counted in shape.h: $(why)"
    cmake -S "$T/$name" -B "$b" -DONE_RUN=ON >"$LOG" 2>&1 && cmake --build "$b" >>"$LOG" 2>&1 &&
        [ "$(grep -c 'aitc ' "$LOG")" = 1 ] && grep -q 'aitc shape.ait poly.ait' "$LOG" &&
        area_is "$b/app" 41 1 && grep -q Poly_area_FRAME_SIZE "$b/app.ait/shape.h"
    result "$name-one-run-build" $? "not one aitc run, or shape.h does not count poly.ait's impl: $(why)"
    cmake_noop "$b" "$g"
    result "$name-one-run-noop" $? "the no-op build did work: $(why)"
    # Ninja sees that aitc left shape.h and shape.c alone (restat); the
    # Makefiles generator touches every output, so recompiles them all.
    edit_poly "$T/$name"
    cmake --build "$b" >"$LOG" 2>&1 && [ "$(grep -c 'aitc ' "$LOG")" = 1 ] && area_is "$b/app" 401 1 &&
        { [ "$g" != Ninja ] || ! grep -Eq 'main\.c\.o|shape\.c\.o' "$LOG"; } && cmake_noop "$b" "$g"
    result "$name-one-run-edit" $? "not one aitc run, or stale, or more recompiled, or not a no-op after: $(why)"
    rm "$b/app.ait/poly.h"
    cmake --build "$b" >"$LOG" 2>&1 && [ -f "$b/app.ait/poly.h" ] && area_is "$b/app" 401 1 && cmake_noop "$b" "$g" &&
        rm -r "$b/app.ait" && cmake --build "$b" >"$LOG" 2>&1 && area_is "$b/app" 401 1 && cmake_noop "$b" "$g"
    result "$name-one-run-output-deleted" $? "poly.h, or the directory of the outputs, not regenerated: $(why)"
    cmake -S "$T/$name" -B "$b" -DONE_RUN=OFF >"$LOG" 2>&1 && cmake --build "$b" >>"$LOG" 2>&1 &&
        area_is "$b/app" 401 0
    result "$name-one-run-off" $? "turning ONE_RUN off did not regenerate: $(why)"
}
if command -v cmake >/dev/null && command -v ninja >/dev/null; then
    cmake_case cmake-ninja Ninja
    cmake_case cmake-make "Unix Makefiles"
    cmake_group_case cmake-ninja-group Ninja
    cmake_group_case cmake-make-group "Unix Makefiles"
else
    result cmake 1 "cmake or ninja is missing (scripts/deps.sh test installs them)"
fi

# ---- Meson: docs/integration.md's meson.build, as written there ----------
if command -v meson >/dev/null; then
    project meson
    sed -n '/^```meson$/,/^```$/p' docs/integration.md | sed '1d;$d' >"$T/meson/meson.build"
    b=$T/meson/build
    PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig meson setup "$b" "$T/meson" >"$LOG" 2>&1 &&
        ninja -C "$b" >>"$LOG" 2>&1 && total_is "$b/app" 100
    result meson-build $? "$(why)"
    ninja -C "$b" >"$LOG" 2>&1 && grep -q 'no work to do' "$LOG"
    result meson-noop $? "$(why)"
    edit_store "$T/meson"
    ninja -C "$b" >"$LOG" 2>&1 && [ "$(grep -c 'Generating' "$LOG")" = 2 ] && total_is "$b/app" 1000
    result meson-import-edit $? "store and app not regenerated once each: $(why)"
else
    result meson 1 "meson is missing (scripts/deps.sh test installs it)"
fi

# ---- pkg-config + cc ---------------------------------------------------
P=$T/pkgconfig
project pkgconfig
pc_build() {        # pc_build PREFIX [MODULE]: aitc, then one cc line
    (cd "$P" && PKG_CONFIG_PATH=$1/lib/pkgconfig &&
        export PKG_CONFIG_PATH &&
        "$1/bin/aitc" -o gen store.ait app.ait &&
        # shellcheck disable=SC2046
        ${CC:-cc} -std=c11 -Igen $(pkg-config --cflags "${2:-ait}") gen/store.c gen/app.c main.c \
            $(pkg-config --libs "${2:-ait}") -o app)
}
pc_build "$PREFIX" >"$LOG" 2>&1 && total_is "$P/app" 100
result pkgconfig-build $? "$(why)"
before=$(stat -c %Y.%y "$P"/gen/*)
pc_build "$PREFIX" >"$LOG" 2>&1 && [ "$(stat -c %Y.%y "$P"/gen/*)" = "$before" ]
result pkgconfig-noop $? "a second aitc run rewrote unchanged outputs"
edit_store "$P"
(cd "$P" && "$AITC" -M -o gen app.ait) | grep -q 'store.ait' &&
    pc_build "$PREFIX" >"$LOG" 2>&1 && total_is "$P/app" 1000
result pkgconfig-import-edit $? "aitc -M does not name store.ait for app.ait, or stale: $(why)"
check_step pkgconfig "$P" gen
for v in asan tsan; do
    pc_build "$PREFIX" "ait-$v" >"$LOG" 2>&1 && total_is "$P/app" 1000
    result "pkgconfig-ait-$v" $? "$(why)"
done

# ---- after moving the prefix ---------------------------------------------
mv "$PREFIX" "$MOVED"
project moved-make
make --no-print-directory -C "$T/moved-make" AIT_HOME="$MOVED" >"$LOG" 2>&1 &&
    total_is "$T/moved-make/app" 100 && grep -q "$MOVED/bin/aitc" "$LOG"
result make-moved-prefix $? "$(why)"
if command -v cmake >/dev/null && command -v ninja >/dev/null; then
    project moved-cmake
    cmake -S "$T/moved-cmake" -B "$T/moved-cmake/build" -G Ninja -DCMAKE_PREFIX_PATH="$MOVED" \
        >"$LOG" 2>&1 && cmake --build "$T/moved-cmake/build" >>"$LOG" 2>&1 &&
        total_is "$T/moved-cmake/build/app" 100
    result cmake-moved-prefix $? "$(why)"
fi
rm -rf "$P/gen" "$P/app"
pc_build "$MOVED" >"$LOG" 2>&1 && total_is "$P/app" 1000
result pkgconfig-moved-prefix $? "$(why)"
