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
import signal
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
    """(user, system) CPU seconds of a process so far (/proc/PID/stat)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    tck = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tck, int(fields[12]) / tck


def on_cpu_seconds(pid):
    """CPU seconds of every thread of a process so far, in nanoseconds'
    precision (/proc/PID/task/*/schedstat; /proc/PID/stat counts ticks of 10 ms,
    too coarse for a few µs per request). Threads that exited are not counted:
    the servers' threads live as long as they do."""
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                total += int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return total / 1e9


def machine_busy_seconds():
    """CPU seconds every process of the machine has used so far (/proc/stat)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal ...
    return (v[0] + v[1] + v[2] + v[5] + v[6] + (v[7] if len(v) > 7 else 0)) / os.sysconf("SC_CLK_TCK")


def perf_works():
    """Can `perf stat` count syscall tracepoints here (perf_event_paranoid)?"""
    if shutil.which("perf") is None:
        return False
    r = subprocess.run(["perf", "stat", "-x,", "-e", "raw_syscalls:sys_enter", "true"],
                       capture_output=True, text=True)
    return r.returncode == 0 and "raw_syscalls" in r.stderr


def perf_start(pid):
    """Counts pid's system calls until perf_stop."""
    out = f"/tmp/w9-perf-{os.getpid()}-{pid}.txt"
    p = subprocess.Popen(["perf", "stat", "-x,", "-e", "raw_syscalls:sys_enter", "-p", str(pid),
                          "-o", out], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.2)         # attached before the client starts
    return p, out


def perf_stop(handle):
    p, out = handle
    p.send_signal(signal.SIGINT)
    p.wait(timeout=20)
    count = None
    try:
        with open(out) as f:
            for line in f:
                cells = line.split(",")
                if len(cells) > 2 and "raw_syscalls" in cells[2] and cells[0].strip().isdigit():
                    count = int(cells[0])
        os.unlink(out)
    except OSError:
        pass
    return count


def vmhwm_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def redis_benchmark(port, n, pipeline):
    """One redis-benchmark run: ({SET: .., GET: ..}, client CPU s, wall s)."""
    argv = ["redis-benchmark", "-h", "127.0.0.1", "-p", str(port), "-c", str(CLIENTS),
            "-n", str(n), "-t", "set,get", "--csv"]
    if pipeline > 1:
        argv += ["-P", str(pipeline)]
    t0 = time.time()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    out = p.stdout.read()
    _, _, ru = os.wait4(p.pid, 0)
    p.returncode = 0
    wall = time.time() - t0
    rows = {}
    for line in out.splitlines():
        cells = [c.strip('"') for c in line.split(",")]
        if len(cells) >= 7 and cells[0] in ("SET", "GET"):
            rows[cells[0]] = dict(rps=float(cells[1]), p50=float(cells[4]), p99=float(cells[6]))
    if len(rows) != 2:
        raise RuntimeError("redis-benchmark: " + out[-500:])
    return rows, ru.ru_utime + ru.ru_stime, wall


def measure(proc, port, count_syscalls):
    """Both phases against one server process."""
    res = {}
    for phase, n, pl in [("plain", N_PLAIN, 1), ("pipe", N_PIPE, PIPELINE)]:
        perf = perf_start(proc.pid) if count_syscalls else None
        u0, s0 = cpu_seconds(proc.pid)
        c0 = on_cpu_seconds(proc.pid)
        m0 = machine_busy_seconds()
        rows, client_cpu, wall = redis_benchmark(port, n, pl)
        m1 = machine_busy_seconds()
        c1 = on_cpu_seconds(proc.pid)
        u1, s1 = cpu_seconds(proc.pid)
        cpu = c1 - c0
        ticks = (u1 - u0) + (s1 - s0)
        calls = perf_stop(perf) if perf else None
        reqs = 2 * n
        res[phase] = dict(
            rps=(rows["SET"]["rps"] + rows["GET"]["rps"]) / 2,
            set_rps=rows["SET"]["rps"], get_rps=rows["GET"]["rps"],
            p50=max(rows["SET"]["p50"], rows["GET"]["p50"]),
            p99=max(rows["SET"]["p99"], rows["GET"]["p99"]),
            cpu_us=cpu * 1e6 / reqs,
            # the kernel's share, from the ticks of /proc/PID/stat
            sys_us=cpu * ((s1 - s0) / ticks if ticks > 0 else 0) * 1e6 / reqs,
            client_us=client_cpu * 1e6 / reqs,
            client_busy=client_cpu / wall if wall > 0 else 0,
            server_busy=cpu / wall if wall > 0 else 0,
            # the cores' time other processes took meanwhile (share of all cores)
            others=max(0.0, (m1 - m0) - client_cpu - cpu)
            / (wall * (os.cpu_count() or 1)) if wall > 0 else 0,
            calls=calls / reqs if calls is not None else None)
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
    count_syscalls = perf_works()
    if not count_syscalls:
        notes.append("perf cannot count syscall tracepoints here (perf_event_paranoid?): "
                     "no syscalls/request column.")
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
            res[(server, w)] = measure(proc, port, count_syscalls)
        finally:
            stop(proc)
    return res, notes


def fmt(v, d):
    return "n/a" if v is None else f"{v:,.{d}f}"


def pct(x):
    return f"{100 * x:.0f}%"


def rps_cause(a, r, ref):
    """Why ait's requests/s fell short of ref's, from what was measured."""
    c = (f"redis-benchmark (the client, on the same cores) was busy {pct(a['client_busy'])} of "
         f"the run against ait and {pct(r['client_busy'])} against {ref}; the server "
         f"{pct(a['server_busy'])} and {pct(r['server_busy'])}; other processes on the "
         f"machine took {pct(a['others'])} and {pct(r['others'])} of all its cores' time. ")
    if a["client_busy"] >= 0.85 or r["client_busy"] >= 0.85:
        c += "The client saturates a core first, so requests/s measures how the scheduler shares " \
             "the cores between client and server as much as the server. "
    if a["cpu_us"] <= r["cpu_us"]:
        c += (f"ait spent no more CPU per request ({a['cpu_us']:.2f} µs against "
              f"{r['cpu_us']:.2f}), so the gap is not more work in ait.")
    else:
        c += (f"ait spent more CPU per request ({a['cpu_us']:.2f} µs against "
              f"{r['cpu_us']:.2f}).")
    return c


def cpu_cause(a, t):
    """Why ait's CPU per request is above 0.75x tokio's."""
    target = 0.75 * t["cpu_us"]
    calls = ""
    if a.get("calls") is not None and t.get("calls") is not None:
        calls = f", {a['calls']:.2f} syscalls/request against {t['calls']:.2f}"
    c = (f"ait {a['cpu_us']:.2f} µs/request, {a['sys_us']:.2f} of it in the kernel{calls}; "
         f"tokio {t['cpu_us']:.2f} µs, {t['sys_us']:.2f} in the kernel. ")
    if a["sys_us"] >= target:
        c += (f"The target ({target:.2f} µs) is below ait's kernel time alone: the kernel's work "
              "per request (the same read and send on loopback TCP, the same number of system "
              "calls) is out of the runtime's reach, and user space would have to cost less "
              "than nothing.")
    else:
        c += (f"The target ({target:.2f} µs) leaves {target - a['sys_us']:.2f} µs for user "
              f"space, where ait spends {a['cpu_us'] - a['sys_us']:.2f}.")
    return c


def table(res):
    """The W9 table (markdown lines) and the targets' verdicts."""
    hdr = ["server", "workers", "mode", "requests/s (set, get)", "p50 / p99 ms",
           "server CPU µs/req (kernel)", "syscalls/req", "client CPU µs/req (busy)",
           "other load", "peak RSS MiB", "ait/tokio rps", "ait/redis rps", "ait/tokio CPU"]
    L = ["| " + " | ".join(hdr) + " |", "|" + "|".join(["---"] * len(hdr)) + "|"]
    verdicts = []
    rs = res.get(("redis-server", None))

    def row(name, w, mode, x, rss, ratios):
        return (f"| {name} | {w} | {mode} | {fmt(x['rps'], 0)} ({fmt(x['set_rps'], 0)}, "
                f"{fmt(x['get_rps'], 0)}) | {x['p50']:.3f} / {x['p99']:.3f} | "
                f"{fmt(x['cpu_us'], 2)} ({fmt(x['sys_us'], 2)}) | {fmt(x.get('calls'), 2)} | "
                f"{fmt(x['client_us'], 2)} ({pct(x['client_busy'])}) | {pct(x['others'])} | "
                f"{fmt(rss, 1)} | "
                + " | ".join(ratios) + " |")

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
                L.append(row(name, w, mode, x, full["rss_mib"], ratios))
            if a and t:
                tgt = 1.3 if phase == "pipe" else 1.0
                ok = a["rps"] / t["rps"] >= tgt
                verdicts.append((f"{mode}, {w} workers: ait ≥ {tgt}x tokio requests/s",
                                 ok, a["rps"] / t["rps"], None if ok else rps_cause(a, t, "tokio")))
                ok = a["cpu_us"] <= 0.75 * t["cpu_us"]
                verdicts.append((f"{mode}, {w} workers: ait CPU/request ≤ 0.75x tokio's",
                                 ok, a["cpu_us"] / t["cpu_us"], None if ok else cpu_cause(a, t)))
            if a and r:
                ok = a["rps"] >= r["rps"]
                verdicts.append((f"{mode}, {w} workers: ait ≥ redis-server requests/s",
                                 ok, a["rps"] / r["rps"],
                                 None if ok else rps_cause(a, r, "redis-server")))
    if rs:
        for phase, mode in [("plain", "unpipelined"), ("pipe", f"pipelined -P {PIPELINE}")]:
            L.append(row("redis-server", "1 thread", mode, rs[phase], rs["rss_mib"], ["", "", ""]))
    return L, verdicts


def section(res, notes, versions):
    """The W9 section of docs/BENCHMARKS.md, between markers."""
    L = ["<!-- W9 -->", "## W9: a Redis-protocol server (sample 10)", ""]
    L.append(f"`redis-benchmark -c {CLIENTS} -t set,get` ({versions}) against build/mini-redis "
             "(sample 10, memory store), a tokio + async-trait server of the same design "
             "(bench/rust/src/redis.rs) and `redis-server --save '' --appendonly no`, one "
             f"server after another, same client settings: unpipelined (-n {N_PLAIN:,} per "
             f"test) and pipelined (-P {PIPELINE}, -n {N_PIPE:,}). Requests/s is the mean of "
             "SET and GET; p50/p99 the larger of the two; server CPU is the time the server's "
             "threads were on a CPU (/proc/PID/task/*/schedstat) over the requests made, the "
             "kernel's share of it in parentheses (stime/(utime+stime), /proc/PID/stat); "
             "syscalls/request counts the server's system calls (`perf stat -e "
             "raw_syscalls:sys_enter -p PID`); client CPU is redis-benchmark's own (its "
             "rusage), with the share of the run it was busy (100%: a whole core); other load "
             "is the share of all the machine's cores that other processes took during the "
             "run (/proc/stat, less the client and the server); peak RSS is VmHWM. The client shares the machine's CPUs with the server, so where it is "
             "busy near 100% it, not the server, bounds requests/s. Rerun only this part "
             "with `python3 bench/run.py W9`.")
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
    for what, ok, ratio, _ in verdicts:
        L.append(f"- {what}: {'met' if ok else '**missed**'} ({ratio:.2f}x)")
    L.append("")
    missed = [(what, cause) for what, ok, _, cause in verdicts if not ok]
    if missed:
        L.append("**Why ait misses (measured, this run).**")
        L.append("")
        for what, cause in missed:
            L.append(f"- {what}: {cause}")
        L.append("")
    L.append(CONTEXT)
    L.append("")
    for n in notes:
        L.append("Note: " + n)
        L.append("")
    L.append("<!-- /W9 -->")
    return "\n".join(L), verdicts


CONTEXT = (
    "**What the runtime does per request.** The sockets of the TCP helpers stay "
    "registered with epoll for their lifetime (until `ait_close`), and the reactor "
    "remembers when a read emptied a socket, so a connection's next read waits for the "
    "next event without a syscall: one `read` and one `sendto` per request, no "
    "`epoll_ctl` (it was 5.15 syscalls per request when every wait registered and "
    "deregistered the fd and tried a read that said EAGAIN; tokio makes 2.17). The idle "
    "timeout is an `ait_deadline`: one timer per connection, pushed back with a store, "
    "instead of a timer registered and cancelled under the runtime's lock per read. A "
    "worker that runs out of tasks looks for work once, collecting ready fds if no "
    "worker waits in epoll, and parks (a lone worker parks at once): with 16 rounds of "
    "sched_yield, as before, fd events waited for the search to end, and on a loaded "
    "machine each yield can give the CPU away for milliseconds (p99 30-55 ms at 2 "
    "workers, then 1.4-4.8 ms). And the end of a worker's work no longer wakes "
    "block_on's thread while I/O is pending (it did at every idle moment: 0.11 futex "
    "calls per request at 1 worker). Measured on a machine shared with other jobs: the "
    "requests/s ratios swing from run to run by more than the differences between the "
    "servers; CPU and syscalls per request are the steadier signal.")


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
