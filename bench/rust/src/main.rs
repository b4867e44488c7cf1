//! bench_rs: the Rust anchors of ait's benchmarks (bench/README.md).
//!
//!   bench_rs WORKLOAD N
//!
//! prints one machine-readable line:
//!
//!   RESULT impl=rust w=W1 n=N ns=TOTAL ns_per_op=X mallocs=M mallocs_per_op=Y
//!          rss_kb=PEAK rss_delta_kb=D
//!
//! Workloads (trivial work, so that dispatch, allocation and scheduling dominate):
//!   w1  native `async fn` in a trait (Rust >= 1.75), called through a generic: static
//!   w2  the same method through `#[async_trait]` and `&mut dyn`: one Box per call
//!   w3  a static chain of depth 3 (Top<Mid<Leaf>>), native async fn in traits
//!   w3l the same chain in a loop with loop-carried locals and a local per layer across the await
//!   w4  the chain through `Box<dyn>` + async-trait at every level (3 boxes per call)
//!   w5  tokio current_thread: `yield_now().await` in a loop inside block_on
//!   w6  tokio current_thread: spawn N trivial tasks, then join them all
//!   w7  tokio multi_thread, 2 workers: the same
//! W1-W4 are driven by a no-op waker polling loop (they never pend), as the C side
//! runs them with F_block_on (whose cost is paid once, not per call).
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Instant;

// ---- a counting allocator: calls to alloc/alloc_zeroed/realloc on this thread ----

thread_local! {
    static MALLOCS: Cell<u64> = const { Cell::new(0) };
}

struct Counting;

#[inline(always)]
fn count() {
    let _ = MALLOCS.try_with(|c| c.set(c.get() + 1));
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc(l) }
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc_zeroed(l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        count();
        unsafe { System.realloc(p, l, n) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn mallocs() -> u64 {
    MALLOCS.with(|c| c.get())
}

// ---- W1, W3: native async fn in traits, static dispatch ----

#[allow(async_fn_in_trait)]
pub trait Op {
    async fn call(&mut self, x: u64) -> u64;
}

pub struct Leaf {
    n: u64,
}

impl Op for Leaf {
    async fn call(&mut self, x: u64) -> u64 {
        self.n += black_box(x);
        self.n
    }
}

pub struct Mid<T: Op> {
    inner: T,
}

impl<T: Op> Op for Mid<T> {
    async fn call(&mut self, x: u64) -> u64 {
        self.inner.call(x).await + 1
    }
}

async fn static_loop<T: Op>(op: &mut T, n: u64) -> u64 {
    let mut s = 0u64;
    for i in 0..n {
        s = s.wrapping_add(op.call(i).await);
    }
    s
}

// ---- W3L: the chain in a loop that keeps state (locals across each await) ----

#[allow(async_fn_in_trait)]
pub trait Step {
    async fn step(&mut self, x: u64) -> u64;
}

impl Step for Leaf {
    async fn step(&mut self, x: u64) -> u64 {
        self.n += black_box(x);
        self.n
    }
}

pub struct LMid<T: Step> {
    inner: T,
}

impl<T: Step> Step for LMid<T> {
    async fn step(&mut self, x: u64) -> u64 {
        let k = x ^ 1;
        let r = self.inner.step(k).await;
        r.wrapping_add(k)
    }
}

async fn w3l_loop<T: Step>(op: &mut T, n: u64) -> u64 {
    let mut acc = 0u64;
    let mut count = 0u64;
    while count < n {
        let k = count.wrapping_mul(2);
        acc = acc.wrapping_add(op.step(k).await ^ k);
        count += 1;
    }
    acc.wrapping_add(count)
}

// ---- W2, W4: async-trait, dyn dispatch (a boxed future per call) ----

#[async_trait::async_trait]
pub trait DOp {
    async fn call(&mut self, x: u64) -> u64;
}

pub struct DLeaf {
    n: u64,
}

#[async_trait::async_trait]
impl DOp for DLeaf {
    async fn call(&mut self, x: u64) -> u64 {
        self.n += black_box(x);
        self.n
    }
}

pub struct DMid {
    inner: Box<dyn DOp + Send>,
}

#[async_trait::async_trait]
impl DOp for DMid {
    async fn call(&mut self, x: u64) -> u64 {
        self.inner.call(x).await + 1
    }
}

async fn dyn_loop(op: &mut (dyn DOp + Send), n: u64) -> u64 {
    let mut s = 0u64;
    for i in 0..n {
        s = s.wrapping_add(op.call(i).await);
    }
    s
}

/// Polls a future that never pends to completion with a no-op waker.
fn run_ready<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

// ---- W5-W7: tokio ----

fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().build().expect("runtime")
}

fn multi_thread(workers: usize) -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .build()
        .expect("runtime")
}

async fn yield_loop(n: u64) -> u64 {
    for _ in 0..n {
        tokio::task::yield_now().await;
    }
    n
}

async fn spawn_join(n: u64) -> u64 {
    let mut hs = Vec::with_capacity(n as usize);
    for i in 0..n {
        hs.push(tokio::spawn(async move { black_box(i) + 1 }));
    }
    let mut s = 0u64;
    for h in hs {
        s = s.wrapping_add(h.await.expect("join"));
    }
    s
}

// ---- measurement ----

fn rss_kb() -> (u64, u64) {
    // (current VmRSS, peak VmHWM) in KiB, as getrusage's ru_maxrss reports the peak.
    let s = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| -> u64 {
        s.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: bench_rs w1|w2|w3|w3l|w4|w5|w6|w7 N");
        std::process::exit(2);
    }
    let w = args[1].as_str();
    let n: u64 = args[2].parse().expect("N");
    let warm = 1000u64.min(n);

    let (rss0, _) = rss_kb();
    let (ns, sum, m) = match w {
        "w1" | "w3" | "w3l" | "w2" | "w4" => {
            let mut leaf = Leaf { n: 0 };
            let mut chain = Mid { inner: Mid { inner: Leaf { n: 0 } } };
            let mut lchain = LMid { inner: LMid { inner: Leaf { n: 0 } } };
            let mut dleaf = DLeaf { n: 0 };
            let mut dchain = DMid { inner: Box::new(DMid { inner: Box::new(DLeaf { n: 0 }) }) };
            let mut go = |k: u64| -> u64 {
                match w {
                    "w1" => run_ready(static_loop(&mut leaf, k)),
                    "w3" => run_ready(static_loop(&mut chain, k)),
                    "w3l" => run_ready(w3l_loop(&mut lchain, k)),
                    "w2" => run_ready(dyn_loop(&mut dleaf, k)),
                    _ => run_ready(dyn_loop(&mut dchain, k)),
                }
            };
            go(warm);
            let m0 = mallocs();
            let t0 = Instant::now();
            let s = go(n);
            let ns = t0.elapsed().as_nanos() as u64;
            (ns, s, mallocs() - m0)
        }
        "w5" => {
            let rt = current_thread();
            rt.block_on(yield_loop(warm));
            let m0 = mallocs();
            let t0 = Instant::now();
            let s = rt.block_on(yield_loop(n));
            let ns = t0.elapsed().as_nanos() as u64;
            (ns, s, mallocs() - m0)
        }
        "w6" | "w7" => {
            // No warm-up: the peak RSS must be that of one batch of N tasks.
            let rt = if w == "w6" { current_thread() } else { multi_thread(2) };
            let m0 = mallocs();
            let t0 = Instant::now();
            let s = rt.block_on(spawn_join(n));
            let ns = t0.elapsed().as_nanos() as u64;
            let m = mallocs() - m0;
            drop(rt);
            (ns, s, m)
        }
        _ => {
            eprintln!("bench_rs: unknown workload {w}");
            std::process::exit(2);
        }
    };
    let (_, hwm) = rss_kb();
    black_box(sum);
    println!(
        "RESULT impl=rust w={} n={} ns={} ns_per_op={:.3} mallocs={} mallocs_per_op={:.4} rss_kb={} rss_delta_kb={} check={}",
        w.to_uppercase(),
        n,
        ns,
        ns as f64 / n as f64,
        m,
        m as f64 / n as f64,
        hwm,
        hwm.saturating_sub(rss0),
        sum
    );
}
