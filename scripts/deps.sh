#!/usr/bin/env bash
# deps.sh: checks for what `make demo` (deps.sh demo) or `make test`
# (deps.sh test, the default) needs, and installs the missing Debian
# packages with apt-get when it can (as root, or with sudo -n). Otherwise
# it prints the exact command to run and exits 1.
set -u
mode=${1:-test}
export DEBIAN_FRONTEND=noninteractive

missing=()      # required packages
optional=()     # installed when we install anyway; never a failure

have() { command -v "$1" >/dev/null 2>&1; }
need_cmd() { have "$1" || missing+=("$2"); }
need_file() { [ -e "$1" ] || missing+=("$2"); }

# clang's sanitizer runtimes come in a package named after its version.
clang_rt_pkg() {
    local major
    major=$(clang --version 2>/dev/null | sed -n 's/.*clang version \([0-9]*\).*/\1/p' | head -n1)
    echo "libclang-rt-${major:-14}-dev"
}

# Can clang build and run a program with ASan and UBSan?
asan_works() {
    local dir ok=1
    dir=$(mktemp -d) || return 1
    printf 'int main(void) { return 0; }\n' >"$dir/t.c"
    clang -fsanitize=address,undefined "$dir/t.c" -o "$dir/t" >/dev/null 2>&1 && "$dir/t" && ok=0
    rm -rf "$dir"
    return $ok
}

check() {
    missing=()
    optional=()
    need_cmd make make
    need_cmd cc gcc
    need_file /usr/include/sqlite3.h libsqlite3-dev     # samples/repository
    need_file /usr/include/uv.h libuv1-dev              # samples/host-loop
    need_cmd redis-cli redis-tools                      # sample 10's demo, tests/redis.sh
    [ "$mode" = demo ] && return
    need_cmd gcc gcc
    need_cmd g++ g++
    need_cmd clang clang
    need_cmd pkg-config pkg-config
    need_file /usr/include/cmocka.h libcmocka-dev
    need_cmd re2c re2c
    need_cmd cmake cmake                # tests: the integration suite
    need_cmd ninja ninja-build
    need_cmd meson meson
    need_cmd lemon lemon
    if have clang && ! asan_works; then missing+=("$(clang_rt_pkg)"); fi
    have valgrind || optional+=(valgrind)
}

check
[ ${#missing[@]} -eq 0 ] && exit 0

# Deduplicate, keeping order.
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | awk '!seen[$0]++')
echo "deps.sh: missing for 'make $mode': ${missing[*]}"

sudo=
if [ "$(id -u)" -ne 0 ]; then
    if have sudo && sudo -n true 2>/dev/null; then sudo="sudo -n"; else sudo=none; fi
fi
if ! have apt-get || [ "$sudo" = none ]; then
    echo "deps.sh: cannot install them here; run:"
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]} ${optional[*]}"
    exit 1
fi

echo "deps.sh: installing ${missing[*]} ${optional[*]}"
$sudo apt-get update -qq >/dev/null || echo "deps.sh: apt-get update failed; trying the install anyway"
if ! $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    echo "deps.sh: apt-get install failed; run:"
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}"
    exit 1
fi
[ ${#optional[@]} -gt 0 ] && { $sudo apt-get install -y -qq --no-install-recommends "${optional[@]}" >/dev/null 2>&1 || true; }

check
if [ ${#missing[@]} -gt 0 ]; then
    echo "deps.sh: still missing after the install: ${missing[*]}"
    exit 1
fi
echo "deps.sh: all set"
