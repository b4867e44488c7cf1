#!/usr/bin/env python3
"""bench/run.py: `make bench`. Builds the C and Rust sides, runs W1-W10,
prints one table and writes it to docs/BENCHMARKS.md.

    python3 bench/run.py [--runs 5] [--no-install] [--out FILE] [WORKLOAD...]

WORKLOAD (W1 W2 W3 W3L W4 W4i W5 W6 W7 W8 W9 W10, any case) runs only those: e.g.
`python3 bench/run.py W10 W6`. A subset prints its table and writes
build/bench/subset.md, leaving docs/BENCHMARKS.md alone unless --out names it.
W9 (sample 10 against tokio and redis-server, bench/w9.py) is its own section of
the report, between the markers <!-- W9 --> and <!-- /W9 -->.

Steps: install what is missing (apt-get, as root; otherwise print the
command), generate and compile the C workloads (build/aitc + build/libait.a,
which `make bench` builds first), build bench/rust offline with cargo from
Debian's crates, run each workload --runs times per side (separate
processes, the C and the Rust run of a pair back to back, so both see the
same load), count instructions per call with callgrind at N and 2N, run
aitc on generated inputs (W8), time builds of one generated input (W10),
and report. Without cargo the C side runs
alone and the report says so. Everything lands in build/bench/.
"""
import argparse
import datetime
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import w9  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
B = os.path.join(ROOT, "build", "bench")
GEN = os.path.join(B, "gen")
BENCH_C = os.path.join(B, "bench_c")
RUST_TARGET = os.path.join(B, "rust")
BENCH_RS = os.path.join(RUST_TARGET, "release", "bench_rs")
REDIS_RS = os.path.join(RUST_TARGET, "release", "redis_rs")
MINI_REDIS = os.path.join(ROOT, "build", "mini-redis")
AITC = os.path.join(ROOT, "build", "aitc")
LIBAIT = os.path.join(ROOT, "build", "libait.a")

APT_PKGS = ["librust-tokio-dev", "librust-async-trait-dev", "librust-futures-dev", "valgrind",
            "redis-tools", "redis-server"]

# Iterations per timed run (each run is one process), chosen for ~0.1-0.5 s.
N = {
    "w1": 50_000_000, "w1base": 50_000_000, "w3": 50_000_000, "w3base": 50_000_000,
    "w3l": 50_000_000, "w3lbase": 50_000_000,
    "w2": 20_000_000, "w4": 10_000_000, "w4i": 10_000_000,
    "w5": 5_000_000, "w6": 1_000_000, "w7": 1_000_000,
}
CG_N = 100_000          # callgrind: N and 2N iterations
W8_LINES = [10_000, 100_000, 1_000_000]
W8_RUNS_1M = 1          # one run of the 1M input (tens of seconds on a busy machine)
W8_IR_MAX = 100_000     # callgrind counts aitc's instructions up to this size
W8_RSS_MIB = 300        # target: peak RSS at 1M lines
W10_LINES = 3000        # W10: the W8 generator's input at 3k lines ...
W10_SPLIT = 8           # ... as one file and split in 8 files (make -j2)
W10_RUNS = 3            # builds are slow: at most 3 runs each

WORKLOADS = ["W1", "W2", "W3", "W3L", "W4", "W4I", "W5", "W6", "W7", "W8", "W9", "W10"]
# per workload: the C runs, the Rust runs, callgrind's C and Rust runs
PLAN = {
    "W1": (["w1", "w1base"], ["w1"], ["w1", "w1base"], ["w1"]),
    "W2": (["w2"], ["w2"], ["w2"], ["w2"]),
    "W3": (["w3", "w3base"], ["w3"], ["w3", "w3base"], ["w3"]),
    "W3L": (["w3l", "w3lbase"], ["w3l"], ["w3l", "w3lbase"], ["w3l"]),
    "W4": (["w4"], ["w4"], ["w4"], ["w4"]),
    "W4I": (["w4i"], ["w4"], ["w4i"], ["w4"]),
    "W5": (["w5"], ["w5"], [], []),
    "W6": (["w6"], ["w6"], [], []),
    "W7": (["w7"], ["w7"], [], []),
}


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw).stdout


def try_out(cmd):
    try:
        return subprocess.run(cmd, text=True, capture_output=True).stdout.strip()
    except OSError:
        return ""


# ---- dependencies ---------------------------------------------------------------

def missing_pkgs():
    out = []
    for p in APT_PKGS:
        r = subprocess.run(["dpkg-query", "-W", "-f=${Status}", p], text=True,
                           capture_output=True)
        if "install ok installed" not in r.stdout:
            out.append(p)
    return out


def install_deps(allow):
    miss = missing_pkgs() if shutil.which("dpkg-query") else []
    if not miss:
        return []
    cmd = ["apt-get", "install", "-y", "--no-install-recommends"] + miss
    if allow and os.geteuid() == 0 and shutil.which("apt-get"):
        log("bench: installing " + " ".join(miss))
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        r = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if r.returncode != 0:
            subprocess.run(["apt-get", "update"], env=env, capture_output=True)
            r = subprocess.run(cmd, env=env, capture_output=True, text=True)
        if r.returncode == 0:
            return []
        log(r.stderr[-2000:])
    log("bench: missing packages; install them with:\n  sudo " + " ".join(cmd))
    return missing_pkgs()


def find_cargo():
    for c in [shutil.which("cargo"), os.path.expanduser("~/.cargo/bin/cargo"),
              "/root/.cargo/bin/cargo", "/usr/local/cargo/bin/cargo"]:
        if c and os.access(c, os.X_OK):
            return c
    return None


# ---- building -------------------------------------------------------------------

def build_c():
    os.makedirs(GEN, exist_ok=True)
    sh([AITC, "--no-line", "-o", GEN, os.path.join(ROOT, "bench/c/work.ait")])
    cc = os.environ.get("CC", "cc")
    wrap = "-Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=posix_memalign,--wrap=aligned_alloc"
    sh([cc, "-std=c11", "-O2", "-g", "-Wall", "-Wextra", "-Wpedantic", "-Werror",
        "-I" + os.path.join(ROOT, "runtime/include"), "-I" + GEN,
        "-I" + os.path.join(ROOT, "bench/c"), "-o", BENCH_C,
        os.path.join(GEN, "work.c"), os.path.join(ROOT, "bench/c/baseline.c"),
        os.path.join(ROOT, "bench/c/main.c"), LIBAIT, "-pthread", wrap])


def build_rust(cargo):
    env = dict(os.environ, CARGO_TARGET_DIR=RUST_TARGET)
    env["PATH"] = os.path.dirname(cargo) + os.pathsep + env.get("PATH", "")
    r = subprocess.run([cargo, "build", "--release", "--offline"],
                       cwd=os.path.join(ROOT, "bench/rust"), env=env, text=True,
                       capture_output=True)
    if r.returncode != 0:
        log(r.stderr[-3000:])
        return False
    return True


# ---- running --------------------------------------------------------------------

def parse(line):
    d = {}
    for kv in line.split()[1:]:
        k, _, v = kv.partition("=")
        d[k] = v
    return d


RAW = []   # every RESULT line, saved to build/bench/results.txt


def run_one(argv):
    out = sh(argv)
    for line in out.splitlines():
        if line.startswith("RESULT "):
            RAW.append(line)
            return parse(line)
    raise RuntimeError("no RESULT from " + " ".join(argv))


def run_many(argv, runs):
    return [run_one(argv) for _ in range(runs)]


def run_pairs(c_argv, rs_argv, runs):
    """runs C runs and runs Rust runs, alternating, so that a change in the
    machine's load between runs hits both sides alike."""
    c, rs = [], []
    for _ in range(runs):
        c.append(run_one(c_argv))
        if rs_argv:
            rs.append(run_one(rs_argv))
    return c, rs


def callgrind_ir(argv):
    r = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"] + argv,
                       text=True, capture_output=True)
    m = re.search(r"Collected\s*:\s*(\d+)", r.stderr)
    if not m:
        raise RuntimeError("callgrind: " + r.stderr[-500:])
    return int(m.group(1))


def ir_per_call(binary, w):
    a = callgrind_ir([binary, w, str(CG_N)])
    b = callgrind_ir([binary, w, str(2 * CG_N)])
    return (b - a) / CG_N


# ---- W10: what a build costs ------------------------------------------------------

def timed(cmd, cwd=None, env=None):
    """Runs cmd; its wall time and CPU time (user + system of it and every
    process it waited for: cc, rustc...), in seconds."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    r = subprocess.run(cmd, cwd=cwd, env=env, text=True, capture_output=True)
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        raise RuntimeError(" ".join(cmd) + ": " + (r.stderr or r.stdout)[-2000:])
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    return wall, cpu


W10_MAKEFILE = """\
# W10's split build (bench/run.py): aitc then cc -O2 -c per file, through ait.mk.
AITC := {aitc}
AIT_OUT := gen
AIT_FILES := {parts}
include {root}/ait.mk
CFLAGS := -O2 -I$(AIT_OUT) -I{root}/runtime/include
objects: $(AIT_OBJS)
"""


def w10_ait_one(d):
    """aitc, then cc -O2 -c of its output: one file, as a user's build runs them.
    Returns (wall, cpu) of both and aitc's own cpu."""
    gen = os.path.join(d, "gen")
    shutil.rmtree(gen, ignore_errors=True)
    os.makedirs(gen)
    w1, c1 = timed([AITC, "-o", gen, os.path.join(d, "in.ait")])
    w2, c2 = timed([os.environ.get("CC", "cc"), "-O2", "-c", "-I" + gen,
                    "-I" + os.path.join(ROOT, "runtime/include"), "-o",
                    os.path.join(gen, "in.o"), os.path.join(gen, "in.c")])
    return (w1 + w2, c1 + c2), c1


def w10_ait_split(d):
    """make -j2 of the 8 files (aitc and cc -O2 -c per file)."""
    gen = os.path.join(d, "gen")
    shutil.rmtree(gen, ignore_errors=True)
    os.makedirs(gen)
    r = timed(["make", "-s", "-j2", "objects"], cwd=d)
    missing = [i for i in range(W10_SPLIT)
               if not os.path.exists(os.path.join(gen, "part%d.o" % i))]
    if missing:   # a build that compiled nothing must not pass for a fast one
        raise RuntimeError("W10 split build: no object for parts %s" % missing)
    return r


def w10_rust(crate, cargo, env):
    """cargo build --release of the crate alone (its dependencies are built
    already): touching the sources makes cargo recompile it, not them."""
    for f in os.listdir(os.path.join(crate, "src")):
        os.utime(os.path.join(crate, "src", f))
    return timed([cargo, "build", "--release", "--offline"], cwd=crate, env=env)


def run_w10(cargo, runs):
    """W10: the W8 generator's W10_LINES-line input built by aitc + cc -O2 -c
    (one file; W10_SPLIT files under make -j2) and the same interfaces in
    Rust (bench/tools/gen_rs.py) built by cargo --release. Returns
    {"one"|"split"|"rust": [(wall, cpu)], "lines": .., "ait_bytes": ..,
    "c_bytes": .., "rs_lines": ..}."""
    d = os.path.join(B, "w10")
    one, split, crate = (os.path.join(d, x) for x in ("one", "split", "rust"))
    tools = os.path.join(ROOT, "bench/tools")
    os.makedirs(one, exist_ok=True)
    sh([sys.executable, os.path.join(tools, "gen_ait.py"), str(W10_LINES),
        os.path.join(one, "in.ait")])
    shutil.rmtree(split, ignore_errors=True)
    sh([sys.executable, os.path.join(tools, "gen_ait.py"), "--split", str(W10_SPLIT),
        str(W10_LINES), split])
    parts = " ".join("part%d.ait" % i for i in range(W10_SPLIT))
    with open(os.path.join(split, "Makefile"), "w") as f:
        f.write(W10_MAKEFILE.format(aitc=AITC, root=ROOT, parts=parts))
    out = {"one": [], "split": [], "rust": [], "aitc_cpu": [], "lines": W10_LINES}
    env = None
    if cargo:
        sh([sys.executable, os.path.join(tools, "gen_rs.py"), str(W10_LINES), crate])
        env = dict(os.environ, CARGO_TARGET_DIR=os.path.join(d, "rust-target"))
        env["PATH"] = os.path.dirname(cargo) + os.pathsep + env.get("PATH", "")
        log("bench: W10: building the Rust crate's dependencies")
        timed([cargo, "build", "--release", "--offline"], cwd=crate, env=env)
        out["rs_lines"] = sum(open(os.path.join(crate, "src", f)).read().count("\n")
                              for f in os.listdir(os.path.join(crate, "src")))
    for i in range(runs):
        log(f"bench: W10 builds, run {i + 1} of {runs}")
        both, aitc_cpu = w10_ait_one(one)
        out["one"].append(both)
        out["aitc_cpu"].append(aitc_cpu)
        out["split"].append(w10_ait_split(split))
        if cargo:
            out["rust"].append(w10_rust(crate, cargo, env))
    gen = os.path.join(one, "gen")
    out["ait_bytes"] = os.path.getsize(os.path.join(one, "in.ait"))
    out["c_bytes"] = sum(os.path.getsize(os.path.join(gen, f)) for f in ("in.c", "in.h"))
    for k in ("one", "split", "rust"):
        for wall, cpu in out[k]:
            RAW.append(f"RESULT impl={'rust' if k == 'rust' else 'c'} w=W10-{k} "
                       f"lines={W10_LINES} wall_s={wall:.3f} cpu_s={cpu:.3f}")
    return out


# ---- statistics and formatting -----------------------------------------------------

def stats(vals):
    return statistics.median(vals), min(vals), max(vals)


def fmt(v, digits=None):
    if v is None:
        return "n/a"
    if digits is None:
        digits = 2 if abs(v) < 10 else 1 if abs(v) < 100 else 0
    return f"{v:,.{digits}f}"


def fmt_s(st, digits=None):
    if st is None:
        return "n/a"
    m, lo, hi = st
    return f"{fmt(m, digits)} ({fmt(lo, digits)}–{fmt(hi, digits)})"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-install", action="store_true")
    ap.add_argument("--out", default=None,
                    help="the report (default: docs/BENCHMARKS.md, or build/bench/subset.md "
                         "for a subset)")
    ap.add_argument("workloads", nargs="*", metavar="WORKLOAD",
                    help="run only these (W1 W2 W3 W3L W4 W4i W5 W6 W7 W8 W9 W10); default: all")
    args = ap.parse_args()
    sel = [w.upper() for w in args.workloads] or list(WORKLOADS)
    bad = [w for w in sel if w not in WORKLOADS]
    if bad:
        ap.error("unknown workload(s) %s; known: %s" % (" ".join(bad), " ".join(WORKLOADS)))
    subset = len(set(sel)) < len(WORKLOADS)
    out = args.out or (os.path.join(B, "subset.md") if subset else
                       os.path.join(ROOT, "docs", "BENCHMARKS.md"))
    runs = max(args.runs, 1)
    t_start = time.time()
    os.makedirs(B, exist_ok=True)
    notes = []

    still_missing = install_deps(not args.no_install)
    have_valgrind = shutil.which("valgrind") is not None
    if not have_valgrind:
        notes.append("valgrind is not installed: no instruction counts (apt-get install valgrind).")

    log("bench: building the C side")
    build_c()
    cargo = find_cargo()
    rust_ok = False
    if cargo is None:
        notes.append("cargo was not found (PATH, ~/.cargo/bin): the Rust side did not run; "
                     "C figures only.")
        log("bench: cargo not found: running the C side alone")
    elif any(p.startswith("librust") for p in still_missing):
        notes.append("Debian's Rust crates are missing (" + ", ".join(still_missing) +
                     "): the Rust side did not run.")
    else:
        log("bench: building the Rust side (cargo, offline, Debian crates)")
        rust_ok = build_rust(cargo)
        if not rust_ok:
            notes.append("the Rust side failed to build (see the log): C figures only.")

    res = {}   # (impl, w) -> list of result dicts

    for W in [w for w in WORKLOADS if w in sel and w in PLAN]:
        c_ws, r_ws = PLAN[W][0], PLAN[W][1] if rust_ok else []
        for i, w in enumerate(c_ws):
            rw = r_ws[0] if i == 0 and r_ws and ("rust", r_ws[0]) not in res else None
            log(f"bench: {W}: C {w}" + (f" and Rust {rw}" if rw else "") + f", x{runs}")
            c, rs = run_pairs([BENCH_C, w, str(N[w])],
                              [BENCH_RS, rw, str(N[rw])] if rw else None, runs)
            res[("c", w)] = c
            if rw:
                res[("rust", rw)] = rs

    ir = {}
    if have_valgrind:
        for W in [w for w in WORKLOADS if w in sel and w in PLAN]:
            for w in PLAN[W][2]:
                log(f"bench: callgrind C {w}")
                ir[("c", w)] = ir_per_call(BENCH_C, w)
            for w in PLAN[W][3] if rust_ok else []:
                if ("rust", w) not in ir:
                    log(f"bench: callgrind Rust {w}")
                    ir[("rust", w)] = ir_per_call(BENCH_RS, w)

    # W8: aitc on generated inputs.
    w8 = {}
    w8dir = os.path.join(B, "w8")
    os.makedirs(w8dir, exist_ok=True)
    for lines in W8_LINES if "W8" in sel else []:
        f = os.path.join(w8dir, f"in-{lines}.ait")
        if not os.path.exists(f):
            sh([sys.executable, os.path.join(ROOT, "bench/tools/gen_ait.py"), str(lines), f])
        k = W8_RUNS_1M if lines >= 1_000_000 else runs
        log(f"bench: W8 aitc {lines} lines x{k}")
        w8[lines] = run_many([BENCH_C, "w8", AITC, f], k)
        if have_valgrind and lines <= W8_IR_MAX:
            # Instructions per line: the figure that holds still when times wobble.
            log(f"bench: callgrind W8 aitc {lines} lines")
            with open(f) as fp:
                n = sum(1 for _ in fp)
            with tempfile.TemporaryDirectory() as d:
                ir[("aitc", f"w8-{lines}")] = callgrind_ir([AITC, "--no-line", "-o", d, f]) / n

    w10 = run_w10(cargo if rust_ok else None, min(runs, W10_RUNS)) if "W10" in sel else None

    with open(os.path.join(B, "results.txt"), "w") as f:
        f.write("\n".join(RAW + ["IR %s %s %.2f" % (k[0], k[1], v) for k, v in ir.items()]) + "\n")
    w9_res, w9_notes = (w9.run(MINI_REDIS, REDIS_RS if rust_ok else None, log)
                        if "W9" in sel else (None, None))
    elapsed = time.time() - t_start
    report(res, ir, w8, w10, rust_ok, notes, runs, elapsed, out, sel)
    if w9_res is not None:
        text, _ = w9.section(w9_res, w9_notes, try_out(["redis-benchmark", "--version"]))
        print()
        print(text)
        w9.splice(out, text)


# ---- the report -------------------------------------------------------------------

def col(res, impl, w, key, f=float):
    rs = res.get((impl, w))
    if not rs:
        return None
    return stats([f(r[key]) for r in rs])


def versions(rust_ok):
    v = {}
    v["cc"] = try_out([os.environ.get("CC", "cc"), "--version"]).splitlines()[0:1]
    v["cc"] = v["cc"][0] if v["cc"] else "?"
    cargo = find_cargo()
    if cargo:
        rustc = os.path.join(os.path.dirname(cargo), "rustc")
        v["rustc"] = try_out([rustc if os.path.exists(rustc) else "rustc", "--version"])
        v["cargo"] = try_out([cargo, "--version"])
    lock = os.path.join(ROOT, "bench/rust/Cargo.lock")
    if os.path.exists(lock):
        txt = open(lock).read()
        for name in ["tokio", "async-trait"]:
            m = re.search(r'name = "%s"\nversion = "([^"]+)"' % re.escape(name), txt)
            if m:
                v[name] = m.group(1)
    v["valgrind"] = try_out(["valgrind", "--version"])
    head = try_out(["git", "-C", ROOT, "rev-parse", "--short=12", "HEAD"])
    dirty = try_out(["git", "-C", ROOT, "status", "--porcelain", "--", "runtime", "generator"])
    v["libait"] = head + (" + uncommitted changes in runtime/ or generator/" if dirty else "")
    cpu = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    v["machine"] = f"{cpu}, {os.cpu_count()} CPUs, Linux {platform.release()}"
    return v


def report(res, ir, w8, w10, rust_ok, notes, runs, elapsed, out_path, sel):
    rows = []      # (workload, metric, C, C hand-written, Rust, C/Rust, target, met)
    missed = []    # (key, numbers) for the paragraphs

    def ratio(a, b):
        if a is None or b is None or b == 0:
            return None
        return a / b

    def med(st):
        return st[0] if st else None

    def yn(ok):
        return "n/a" if ok is None else ("yes" if ok else "**no**")

    # --- W1 / W3: static
    for w, label in [("w1", "W1 static leaf call"), ("w3", "W3 static chain, depth 3"),
                     ("w3l", "W3L static chain in a loop with locals")]:
        if w.upper() not in sel:
            continue
        c = col(res, "c", w, "ns_per_op")
        base = col(res, "c", w + "base", "ns_per_op")
        r = col(res, "rust", w, "ns_per_op")
        rt = ratio(med(c), med(r))
        ok = None if rt is None else rt <= 1.0
        rows.append((label, "ns/call", fmt_s(c), fmt_s(base), fmt_s(r), fmt(rt), "C/Rust ≤ 1.00", yn(ok)))
        if ok is False:
            missed.append((w + "-time", dict(c=med(c), r=med(r), base=med(base), ratio=rt)))
        ci, bi, ri = ir.get(("c", w)), ir.get(("c", w + "base")), ir.get(("rust", w))
        rb, rr = ratio(ci, bi), ratio(ci, ri)
        ok2 = None if rb is None else rb <= 1.10 and (rr is None or rr <= 1.3)
        rows.append((label, "instructions/call", fmt(ci, 1), fmt(bi, 1), fmt(ri, 1),
                     fmt(rr), f"C/hand-written ≤ 1.10 (now {fmt(rb)}), C/Rust ≤ 1.3", yn(ok2)))
        if ok2 is False:
            missed.append((w + "-ir", dict(c=ci, base=bi, r=ri, ratio=rb)))

    # --- W2 / W4 / W4i: dyn
    # the boxed chain's target is 3x (a box per level), the inline ones' 4x
    for w, rw, label, x in [("w2", "w2", "W2 dyn leaf call", 4),
                            ("w4", "w4", "W4 dyn at every level (one interface: boxed)", 3),
                            ("w4i", "w4", "W4i dyn at every level (3 interfaces: inline)", 4)]:
        if w.upper() not in sel:
            continue
        c = col(res, "c", w, "ns_per_op")
        r = col(res, "rust", rw, "ns_per_op")
        rt = ratio(med(c), med(r))
        ok = None if rt is None else rt <= 1 / x
        rows.append((label, "ns/call", fmt_s(c), "", fmt_s(r), fmt(rt),
                     f"C/Rust ≤ {1 / x:.2f} ({x}x)", yn(ok)))
        if ok is False:
            missed.append((w + "-time", dict(c=med(c), r=med(r), ratio=rt)))
        ci, ri = ir.get(("c", w)), ir.get(("rust", rw))
        rows.append((label, "instructions/call", fmt(ci, 1), "", fmt(ri, 1), fmt(ratio(ci, ri)),
                     "(information)", ""))
        cm = col(res, "c", w, "mallocs_per_op")
        rm = col(res, "rust", rw, "mallocs_per_op")
        ca = col(res, "c", w, "ait_allocs")
        cal = None if ca is None else med(ca) / N[w]
        okm = None if cm is None else med(cm) == 0
        rows.append((label, "malloc calls/call", fmt(med(cm), 2) +
                     (f" ({fmt(cal, 0)} recycled ait_frame_alloc)" if cal else ""), "",
                     fmt(med(rm), 2), "", "C = 0 in steady state", yn(okm)))
        if okm is False:
            missed.append((w + "-malloc", dict(c=med(cm))))

    # Timing targets of the executors (W5-W7) hold at the median AND at the
    # C side's slowest run, both against Rust's median: a figure that swings
    # does not pass on its good runs.
    def slowest_ok(c, r, tgt, lower_is_better):
        if c is None or r is None:
            return None, None
        rt = ratio(med(c), med(r))
        worst = ratio(c[2] if lower_is_better else c[1], med(r))
        ok = (rt <= tgt and worst <= tgt) if lower_is_better else (rt >= tgt and worst >= tgt)
        return ok, worst

    # --- W5
    c = col(res, "c", "w5", "ns_per_op") if "W5" in sel else None
    r = col(res, "rust", "w5", "ns_per_op")
    rt = ratio(med(c), med(r))
    ok, worst = slowest_ok(c, r, 0.4, True)
    if "W5" in sel:
        rows.append(("W5 yield round trip, current thread", "ns/round trip", fmt_s(c), "",
                     fmt_s(r), f"{fmt(rt)} (slowest {fmt(worst)})",
                     "C/Rust ≤ 0.40 (2.5x), median and slowest", yn(ok)))
    if ok is False:
        missed.append(("w5", dict(c=med(c), r=med(r), ratio=rt, worst=worst)))

    # --- W6 / W7
    def tps(rs_key):
        rs = res.get(rs_key)
        if not rs:
            return None
        return stats([int(x["n"]) / (int(x["ns"]) / 1e9) / 1e6 for x in rs])

    w7_threads = None
    if res.get(("c", "w7")):
        w7_threads = int(res[("c", "w7")][0].get("threads", "0"))
    for w, label, tgt in [("w6", "W6 spawn+join 1M, current thread", 2.5),
                          ("w7", "W7 spawn+join 1M, 2 workers", 2.0)]:
        if w.upper() not in sel:
            continue
        c, r = tps(("c", w)), tps(("rust", w))
        rt = ratio(med(c), med(r))
        ok, worst = slowest_ok(c, r, tgt, False)
        extra = ""
        if w == "w7" and w7_threads is not None and w7_threads <= 1:
            extra = " †"
        rows.append((label, "M tasks/s", fmt_s(c) + extra, "", fmt_s(r),
                     f"{fmt(rt)} (slowest {fmt(worst)})", f"C/Rust ≥ {tgt}, median and slowest",
                     yn(ok)))
        if ok is False:
            missed.append((w + "-tps", dict(c=med(c), r=med(r), ratio=rt, worst=worst,
                                            threads=w7_threads)))
        cr = col(res, "c", w, "rss_kb", lambda v: float(v) / 1024)
        rr = col(res, "rust", w, "rss_kb", lambda v: float(v) / 1024)
        rt2 = ratio(med(cr), med(rr))
        ok2 = None if rt2 is None else rt2 <= 0.45
        rows.append((label, "peak RSS, MiB", fmt_s(cr), "", fmt_s(rr), fmt(rt2),
                     "C/Rust ≤ 0.45" if w == "w6" else "(information)",
                     yn(ok2) if w == "w6" else ""))
        cb = col(res, "c", w, "rss_delta_kb", lambda v: float(v) * 1024 / N[w])
        rb = col(res, "rust", w, "rss_delta_kb", lambda v: float(v) * 1024 / N[w])
        rows.append((label, "bytes/task (RSS growth / N, incl. 8 B handle)", fmt(med(cb), 0), "",
                     fmt(med(rb), 0), fmt(ratio(med(cb), med(rb))), "(information)", ""))
        if w == "w6" and ok2 is False:
            missed.append(("w6-rss", dict(c=med(cr), r=med(rr), ratio=rt2, cb=med(cb), rb=med(rb))))

    # --- W8
    lps, rss, cps = {}, {}, {}
    for lines, rs in w8.items():
        lp = stats([float(x["lines_per_s"]) / 1e6 for x in rs])
        mem = stats([float(x["rss_kb"]) / 1024 for x in rs])
        lps[lines], rss[lines] = lp, mem
        label = f"W8 aitc, {lines // 1000}k lines" if lines < 1_000_000 else "W8 aitc, 1M lines"
        ok = lp[0] >= 1.0
        rows.append((label, "M lines/s" + (f" ({len(rs)} run)" if len(rs) == 1 else ""),
                     fmt_s(lp, 3), "", "", "", "≥ 1.0 M lines/s", yn(ok)))
        if all("cpu_lines_per_s" in x for x in rs):
            cpu = cps[lines] = stats([float(x["cpu_lines_per_s"]) / 1e6 for x in rs])
            rows.append((label, "M lines per CPU second (user + system)", fmt_s(cpu, 3),
                         "", "", "", "(information)", ""))
        big = lines >= 1_000_000
        rows.append((label, "peak RSS, MiB", fmt_s(mem, 0), "", "", "",
                     f"≤ {W8_RSS_MIB} MiB" if big else "(information)",
                     yn(mem[0] <= W8_RSS_MIB) if big else ""))
        if ("aitc", f"w8-{lines}") in ir:
            rows.append((label, "instructions per line (callgrind)",
                         fmt(ir[("aitc", f"w8-{lines}")], 0), "", "", "", "(information)", ""))
    if lps:
        lo, hi = min(lps), max(lps)
        # Judged on CPU time (user + system) when there is one: the wall time
        # of a run also holds its waits for a CPU, which on a shared machine
        # swing more than aitc's own time does.
        wall_scale = lps[lo][0] / lps[hi][0]
        scale = cps[lo][0] / cps[hi][0] if lo in cps and hi in cps else wall_scale
        ok = scale <= 1.3
        rows.append(("W8 scaling", f"CPU time per line, {'1M' if hi >= 1_000_000 else f'{hi // 1000}k'} "
                                   f"vs {lo // 1000}k (wall time: {fmt(wall_scale)}x)",
                     f"{fmt(scale)}x", "", "", "", "≤ 1.3x", yn(ok)))
        mem_hi = rss[hi][0]
        if not ok or any(v[0] < 1.0 for v in lps.values()) or (hi >= 1_000_000 and mem_hi > W8_RSS_MIB):
            irs = {k: v for (impl, w), v in ir.items() if impl == "aitc"
                   for k in [int(w.split("-")[1])] if w.startswith("w8-")}
            missed.append(("w8", dict(scale=scale, lps={k: v[0] for k, v in lps.items()},
                                      rss={k: v[0] for k, v in rss.items()}, irs=irs)))

    # --- W10
    if w10:
        per = w10["lines"] / 1000
        rs_wall = stats([x[0] / per for x in w10["rust"]]) if w10["rust"] else None
        rs_cpu = stats([x[1] / per for x in w10["rust"]]) if w10["rust"] else None
        for k, label in [("one", f"W10 build, {w10['lines'] // 1000}k .ait lines, one file"),
                         ("split", f"W10 build, {w10['lines'] // 1000}k .ait lines, "
                                   f"{W10_SPLIT} files, make -j2")]:
            cw = stats([x[0] / per for x in w10[k]])
            cc = stats([x[1] / per for x in w10[k]])
            rt = ratio(med(cw), med(rs_wall))
            ok = None if rt is None else rt <= 1.0
            rows.append((label, "wall s per 1k .ait lines", fmt_s(cw), "", fmt_s(rs_wall),
                         fmt(rt), "C/Rust ≤ 1.00", yn(ok)))
            rows.append((label, "CPU s per 1k .ait lines", fmt_s(cc), "", fmt_s(rs_cpu),
                         fmt(ratio(med(cc), med(rs_cpu))), "(information)", ""))
            if ok is False:
                share = statistics.median(w10["aitc_cpu"]) / (med(cc) * per)
                missed.append(("w10-" + k, dict(c=med(cw), r=med(rs_wall), ratio=rt,
                                                cpu=med(cc), rcpu=med(rs_cpu), aitc=share)))
        grow = w10["c_bytes"] / w10["ait_bytes"]
        rows.append(("W10 generated code", "C bytes (.c + .h) per .ait byte",
                     fmt(grow, 1), "", "", "", "≤ 10", yn(grow <= 10)))
        if grow > 10:
            missed.append(("w10-bytes", dict(c=grow)))
        if "rs_lines" in w10:
            rows.append(("W10 Rust crate", "lines of Rust for the same interfaces",
                         f"{w10['lines']:,} (.ait)", "", f"{w10['rs_lines']:,}", "",
                         "(information)", ""))

    hdr = ["workload", "metric", "C (ait)", "C hand-written", "Rust", "C/Rust", "target", "met?"]
    table = ["| " + " | ".join(hdr) + " |", "|" + "|".join(["---"] * len(hdr)) + "|"]
    for row in rows:
        table.append("| " + " | ".join(row) + " |")
    table_txt = "\n".join(table)

    print()
    print(table_txt)
    print()
    for n in notes:
        print("note: " + n)
    if w7_threads is not None and w7_threads <= 1:
        print("† W7 (C): the runtime started no worker thread (threads=%d): every task ran on "
              "the block_on thread." % w7_threads)

    v = versions(rust_ok)
    write_doc(out_path, table_txt, v, notes, missed, runs, elapsed, w7_threads, res, ir)
    print(f"\nwritten to {os.path.relpath(out_path, ROOT)} ({elapsed:.0f} s)")


def paragraphs(missed, res, ir):
    out = []
    for key, d in missed:
        if key in ("w1-time", "w3-time", "w3l-time"):
            w = key.split("-")[0].upper()
            out.append(f"**{w}, time vs Rust ({fmt(d['c'])} ns vs {fmt(d['r'])} ns per call).** "
                       "A static await in the same file runs the callee's body in line from its "
                       "start with the arguments in hand (`F_ait_run(..., 0, args)`), locals "
                       "are C locals, and nothing is written to a frame unless a poll returns "
                       "pending, so gcc folds the chain into the loop as rustc does. What is "
                       "left is measured in instructions (below): the asm barrier of each leaf "
                       "call, and in W3 the pointer chain Top -> Mid -> Leaf that the C side "
                       "reloads each iteration (Rust holds Mid<Mid<Leaf>> by value; W3L holds "
                       "its chain by value on both sides). Wall time on this shared machine "
                       "varies by more than the gap.")
        elif key in ("w1-ir", "w3-ir", "w3l-ir"):
            w = key.split("-")[0].upper()
            out.append(f"**{w}, instructions ({fmt(d['c'], 1)} per call; hand-written "
                       f"{fmt(d['base'], 1)}, Rust {fmt(d.get('r'), 1)}).** The generated loop is "
                       "register-only on the path where every poll is ready; the remaining "
                       "difference to Rust is in how the two compilers schedule the leaf's "
                       "barrier and the loop's induction variables, not in frame traffic.")
        elif key in ("w2-time", "w4i-time", "w4-time"):
            w = key.split("-")[0].upper()
            cw = ir.get(("c", key.split("-")[0]))
            rw = ir.get(("rust", "w2" if w == "W2" else "w4"))
            txt = (f"**{w}, dyn vs async-trait ({fmt(d['c'])} vs {fmt(d['r'])} ns per call, "
                   f"{fmt(d['ratio'])}x; {fmt(cw, 0)} vs {fmt(rw, 0)} instructions).** ")
            if w == "W4":
                txt += ("The decorator chain is the boxed path: the decorator's own frame holds "
                        "a dyn frame of its interface, so calls into it are boxed (calls into "
                        "the other impls stay inline). Each boxed level costs a pop and a push "
                        "on the thread's free list of the box's size class (the class comes "
                        "from the vtable; `ait_frame_alloc_class`/`ait_frame_free_class` are "
                        "inlined into the dyn call, about 10 instructions each, no malloc) on "
                        "top of the dyn call itself: 188 instructions per call where "
                        "async-trait takes 599 (a malloc and a free per level). Before the "
                        "fast paths were inlined the two out-of-line calls per level cost "
                        "~40 instructions (229 per call, 2.6x). What is left is the dyn call's "
                        "own work per level (the fit check, the indirect start call, the "
                        "pending bookkeeping).")
            else:
                txt += ("No allocation is made (the impl's frame sits in the dyn frame's inline "
                        "storage), and the dyn call's init, poll and drop are `static inline` in "
                        "the header; a finished call frees its box in poll so no drop call "
                        "follows. What remains is two indirect calls per call (the vtable's init "
                        "and poll adapters) and the dyn frame's bookkeeping (storage fit check, "
                        "frame pointer, vtable, boxed flag: a few stores and loads). async-trait "
                        "costs a malloc+free and a boxed poll per call, so C is ~3x faster. Fix "
                        "for the rest: fold init into the first poll (the vtable's poll takes the "
                        "arguments), removing one indirect call and the argument stores.")
            out.append(txt)
        elif key.endswith("-malloc"):
            out.append(f"**{key.split('-')[0].upper()}, malloc per call ({fmt(d['c'], 2)}).** "
                       "The recycling allocator should serve steady-state frames; see findings.")
        elif key == "w5":
            out.append(f"**W5, yield round trip ({fmt(d['c'])} vs {fmt(d['r'])} ns, "
                       f"{fmt(d['ratio'])}x, slowest run {fmt(d['worst'])}x).** A wake on the executor's own thread is a plain "
                       "flag and the clock is read only when a timer is pending; what remains is "
                       "the executor round (root poll, local queue, remote-queue check). Its "
                       "CPU time per run is steady to ~2% (no page fault, no system call, no "
                       "migration in the loop): a slow run is one that waited for a CPU "
                       "(see other findings).")
        elif key in ("w6-tps", "w7-tps"):
            w = key[:2].upper()
            txt = (f"**{w}, tasks/s ({fmt(d['c'])} vs {fmt(d['r'])} M/s, {fmt(d['ratio'])}x, "
                   f"slowest run {fmt(d['worst'])}x).** ")
            if w == "W7" and d.get("threads") is not None and d["threads"] <= 1:
                txt += ("The multi-threaded executor started no worker thread in this run "
                        "(measured as is). ")
            if w == "W6":
                txt += ("A trivial task is one 48-byte block (a 24-byte header, frame and "
                        "output) carved from 2 MiB chunks of ordinary pages, spawned without "
                        "a lock on the executor's thread, finished with one compare-and-swap "
                        "and freed by a later sweep. What remains per task is the spawn path, "
                        "carving fresh blocks in the allocator's slow path (and the kernel's "
                        "~14k first-touch faults, ~25 ms), and the sweep that reads 1M "
                        "finished tasks from cold memory when block_on returns. What moves "
                        "the slowest run is the CPU share the process gets on a loaded "
                        "machine (see other findings).")
            else:
                txt += ("The machine has 2 CPUs for 3 busy threads (the spawning block_on "
                        "thread and 2 workers). Spawns are handed to the shared queue in "
                        "batches of 32 and the active-task count is updated in batches, but "
                        "each join still registers a waker across threads and the root is "
                        "woken from a worker; timings swing widely here (see min-max). Next: "
                        "spawn straight into a worker's queue, fewer `sched_yield` calls while "
                        "searching for work.")
            out.append(txt)
        elif key == "w6-rss":
            out.append(f"**W6, peak memory ({fmt(d['c'])} vs {fmt(d['r'])} MiB, "
                       f"{fmt(d['cb'], 0)} vs {fmt(d['rb'], 0)} B per task).** A trivial task is "
                       "a 48-byte block: a 24-byte header (state, reference count and the "
                       "index of the type record in one word, the run-queue link, the "
                       "task-list link; the join waker lives in a side table) + a 16-byte "
                       "frame + an 8-byte output; the benchmark also keeps an 8-byte handle "
                       "per task. What is left is the frame itself and the two links; "
                       "sharing one link between the run queue and the task list would need "
                       "a task to leave the list while queued (a doubly linked list: no "
                       "gain).")
        elif key in ("w10-one", "w10-split"):
            what = "one file" if key == "w10-one" else f"{W10_SPLIT} files under make -j2"
            out.append(f"**W10, build time, {what} ({fmt(d['c'])} vs {fmt(d['r'])} s wall per "
                       f"1,000 .ait lines, {fmt(d['ratio'])}x; CPU {fmt(d['cpu'])} vs "
                       f"{fmt(d['rcpu'])} s).** aitc itself takes {d['aitc']:.1%} of the CPU "
                       "time: the rest is `cc -O2` compiling the generated C, and `gcc "
                       "-ftime-report` puts 95% of that in the back end, which scales with the "
                       "code it optimizes. The adapters are one macro line each and nothing "
                       "unused is emitted; what remains is that each impl method's body is "
                       "compiled more than once: in its poll function, in the vtable's start "
                       "entry (the body run with the arguments in hand), and inlined into every "
                       "awaiting caller in the same file. rustc compiles a future only where it "
                       "is awaited or boxed. What would close it: one copy of the body shared by "
                       "the start entry and the poll function (a rough trial saved 6-10% of the "
                       "compile CPU at the price of one more call per dyn level), and the dyn "
                       "start entries emitted only for impls some dyn call can reach.")
        elif key == "w10-bytes":
            out.append(f"**W10, generated code size ({fmt(d['c'], 1)} bytes of C per .ait "
                       "byte; target 10).** The adapters, dyn frames and spawn entries are one "
                       "macro line each in ait.h's terms; what is left is the bodies and the "
                       "frames. Each await with a resume point costs about 330 bytes (its "
                       "temporary, the resume label, the restores, the resuming call, the "
                       "one-line suspension and the `#line` that re-syncs after it), and each "
                       "future's frame struct, typedefs and FRAME_SIZE/FRAME_ALIGN defines "
                       "take about 2.5 KB of the 6.8 KB generated per 30-line block of this "
                       "input. Hiding the await blocks behind macros would close it at the "
                       "price of generated code a reader can follow, which this project "
                       "keeps.")
        elif key == "w8":
            l, r = d["lps"], d["rss"]
            size = lambda k: f"{k // 1_000_000}M" if k >= 1_000_000 else f"{k // 1000}k"
            parts = ", ".join(f"{size(k)}: {fmt(v, 3)} M lines/s, {fmt(r[k], 0)} MiB"
                              for k, v in sorted(l.items()))
            irs = ", ".join(f"{fmt(v, 0)} at {size(k)}" for k, v in sorted(d["irs"].items()))
            out.append(f"**W8, aitc throughput and memory ({parts}; time per line grows "
                       f"{fmt(d['scale'])}x in CPU time from the smallest to the largest input"
                       + (f"; instructions per line {irs}" if irs else "") + ").** "
                       "The work per line is constant (the instruction count per line is the "
                       "same at every size); what grows with the input is memory, and with it "
                       "time: the kernel clears every page aitc touches, and on a shared "
                       "machine the wall time also waits for a CPU. aitc streams each output "
                       "to its temporary file as it is made, formats its common conversions "
                       "itself, and releases per future the emitter's strings, the lowering's "
                       "flow graph and memo; what stays is the whole file's syntax tree, the "
                       "checks' tables and every future's lowered body (about 1 KB per .ait "
                       "line on this input: 0.55 KB tree, 0.16 KB checks, 0.23 KB lowering), "
                       "held because the header's frame section needs every future lowered "
                       "before the source's code section is printed. What would close it: "
                       "a pipeline per top-level item, lowering and printing one future's "
                       "frame, prototypes and code together (the header sections then "
                       "assembled from per-section temporaries) and releasing its arena "
                       "before the next; the syntax tree of a body parsed when its future is "
                       "reached rather than kept for the whole file; and less output per line "
                       "(~225 bytes of C per .ait line; the generated-code-size work).")
    return out


def write_doc(path, table, v, notes, missed, runs, elapsed, w7_threads, res, ir):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    today = datetime.date.today().isoformat()
    L = []
    L.append("# Benchmarks")
    L.append("")
    L.append("ait side by side with the Rust systems a user would otherwise pick: native "
             "`async fn` in traits (static), `async-trait` (boxed dyn), tokio (executors). "
             "Written by `make bench` (bench/run.py); do not edit by hand, rerun it. "
             "What each workload does, and how it is measured: [bench/README.md](../bench/README.md).")
    L.append("")
    L.append("## Command")
    L.append("")
    L.append("```sh")
    L.append("make bench            # = make all && python3 bench/run.py")
    L.append("```")
    L.append("")
    L.append(f"Run on {today}, {runs} runs per figure (separate processes, each C run "
             f"next to a Rust run), medians with min–max; W8's 1M-line input ran "
             f"{W8_RUNS_1M} time(s), W10's builds {min(runs, W10_RUNS)} times. "
             f"Total {elapsed:.0f} s.")
    L.append("")
    L.append("## Versions")
    L.append("")
    L.append(f"- machine: {v.get('machine')}")
    L.append(f"- C compiler: {v.get('cc')} (`-O2`, generated code, libait and the baseline alike)")
    L.append(f"- libait / aitc: commit {v.get('libait')}")
    if "rustc" in v:
        L.append(f"- Rust: {v.get('rustc')}; {v.get('cargo')} (`--release`: opt-level 3, "
                 "codegen-units 1 for bench_rs; W10's crate: cargo's default release profile)")
    L.append(f"- tokio {v.get('tokio', '?')}, async-trait {v.get('async-trait', '?')} "
             "(Debian's packaged crates, built offline)")
    L.append(f"- {v.get('valgrind')} (instruction counts)")
    L.append("")
    L.append("## Results")
    L.append("")
    L.append("C/Rust is C's figure over Rust's (medians): below 1 the C side is faster for "
             "ns, instructions and memory; above 1 it is faster for tasks/s. \"C hand-written\" "
             "is the state machine written by hand (bench/c/baseline.c), the limit the generated "
             "code is held against. Instructions per call come from callgrind at "
             f"{CG_N:,} and {2 * CG_N:,} iterations (the difference over {CG_N:,}, so setup "
             "cancels).")
    L.append("")
    L.append(table)
    L.append("")
    if w7_threads is not None and w7_threads <= 1:
        L.append("† W7 (C): the multi-threaded executor had not landed in the runtime this ran "
                 f"against: with `.workers = 2` the process had {w7_threads} thread(s), so every "
                 "send task ran on the block_on thread. The figure is what exists today, not "
                 "a 2-worker result.")
        L.append("")
    for n in notes:
        L.append(f"Note: {n}")
        L.append("")
    L.append("## Missed targets")
    L.append("")
    ps = paragraphs(missed, res, ir)
    if not ps:
        L.append("None.")
    for p in ps:
        L.append(p)
        L.append("")
    L.append("## Other findings (not tied to one target)")
    L.append("")
    L.append("- Found by this benchmark and fixed since: aitc's frame estimate recursed without "
             "end on a decorator impl in a file importing its interface; a type implementing "
             "two interfaces with a method of the same name now gets an error (the generated "
             "names T_m would clash) instead of duplicate C definitions; a decorator no longer "
             "takes the inline storage away from the other impls' dyn calls.")
    L.append("- Why W5/W6's times swing between runs (measured on the 2-CPU VM, 6.18 kernel, "
             "~60-80% of it taken by other tenants; ait and tokio interleaved, 8-12 runs each; "
             "each run's user+system time over the timed window from getrusage, and "
             "`perf stat -e task-clock,page-faults,cpu-migrations,context-switches`: "
             "migrations 0-2 per run on both sides, the clock is the TSC through the vDSO). "
             "Two causes. (1) W6 only, in the runtime, fixed: the task chunks were advised as "
             "transparent huge pages and populated at once; huge pages were always granted "
             "(thp_fault_alloc +23 per run, no compaction stall, ~2.1k faults), but in one run "
             "in three to ten the kernel spent 70-175 ms more obtaining and zeroing them "
             "(system time 5-35 ms otherwise), so ait's CPU time per run spread 99-255 ms "
             "(2.5x) against tokio's 282-313 ms (1.1x). With ordinary pages faulted in on "
             "first touch (~14k faults; tokio takes ~35k) the system time is 14-42 ms every run "
             "and the CPU time spreads 102-118 ms (1.15x) over two batches of 10 and 12 runs, "
             "the median unchanged (106-132 before, 110 after); ait's slowest run against "
             "tokio's median went from 1.16x to 2.48x in CPU time. Populating 4 KiB pages with "
             "MADV_POPULATE_WRITE was as steady but dearer (120 ms). "
             "(2) W5 and W6, not in the runtime: the wall time swings with the share of a CPU "
             "the process gets while others run. W5's CPU time is 57.1-58.4 ms over 8 runs "
             "(1.02x; 2 page faults, no voluntary switch, no migration) while its wall time "
             "spans 57-137 ms, CPU/wall 0.43-1.00; tokio's runs swing too (1.6x to 3.5x in "
             "the same minutes), likely less than ait's because a run of ~60 ms (ait) "
             "averages the others' bursts over far fewer scheduler slices than one of "
             "~500 ms (tokio); on a quiet minute both spread 1.05-1.25x. Wall-time ratios of "
             "a single run therefore mean little on this machine; CPU time per run is the "
             "runtime's own figure.")
    L.append("- bench/c/work.ait still names W4i's methods `call2`/`call3`: one type cannot take "
             "a method `call` from two interfaces (generated names are TYPE_METHOD).")
    L.append("")
    L.append("## Reading the workloads")
    L.append("")
    L.append("- W1/W3 (C) are `run_loop<C: Op>` monomorphized for `Leaf` and `Top` (`Top -> Mid -> "
             "Leaf`); Rust is the same generic over a trait with native `async fn`.")
    L.append("- W2 is `run_loop_dyn(dyn Op)`; the impl's frame sits in the dyn frame's inline "
             "storage (`Op_call_MAX_FRAME`), and a call that completes at once is one indirect "
             "call (the vtable's start entry: the impl's body run with the arguments in hand) "
             "that stores nothing. Rust: `#[async_trait]`, `&mut dyn DOp`, one `Box` per call.")
    L.append("- W4 is a decorator chain `DMid -> DMid -> Leaf` over one interface: calls into "
             "the decorator are boxed (its frame holds a dyn frame of its own interface; "
             "recycled blocks popped and pushed inline, no malloc), calls into `Leaf` stay inline. W4i is the same depth "
             "through three interfaces, all inline. Both are compared with async-trait's "
             "`Box<dyn>` chain.")
    L.append("- W5: `await ait_yield()` in a loop under `F_block_on`; Rust: "
             "`tokio::task::yield_now()` under a current_thread runtime's `block_on`.")
    L.append("- W6/W7: spawn 1,000,000 trivial tasks from the root future, then join them in "
             "order (`spawn_local`/`spawn` + the runtime's join future; Rust: `tokio::spawn` + "
             "`JoinHandle`). Peak RSS is the process's `ru_maxrss` (VmHWM).")
    L.append("- W8: `build/aitc --no-line` on inputs written by bench/tools/gen_ait.py "
             "(the same 30-line block with fresh names), output to a temporary directory; "
             "wall time, CPU time (user + system) and peak RSS per run, and callgrind's "
             f"instruction count per line up to {W8_IR_MAX:,} lines. Its scaling target is "
             "judged on CPU time: the wall time also holds the run's waits for a CPU.")
    L.append(f"- W10: W8's generator at {W10_LINES:,} lines, built as a user would: `aitc` then "
             f"`cc -O2 -c` of its output (one file), or {W10_SPLIT} files through ait.mk under "
             "`make -j2`; Rust: the same structs, interfaces, impls and functions written by "
             "bench/tools/gen_rs.py (native `async fn` for the static call, `#[async_trait]` for "
             "the dyn one), `cargo build --release` of that crate alone (dependencies built "
             "before). Wall time and CPU time (user + system of every process), per 1,000 "
             ".ait lines.")
    L.append("")
    with open(path, "w") as f:
        f.write("\n".join(L))


if __name__ == "__main__":
    main()
