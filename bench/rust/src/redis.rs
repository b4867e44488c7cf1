//! redis_rs: W9's Rust anchor, a Redis-protocol server of the same design
//! as sample 10 (samples/10-mini-redis), written as a tokio user would:
//! a `Store` trait behind `Arc<dyn Store>` with async-trait, one task per
//! connection (in a JoinSet), a BufReader over the socket, replies into a
//! BufWriter flushed when the input is drained, an idle timeout.
//!
//!     redis_rs --port N [--workers W]     (W = 0: current_thread runtime)
//!
//! Prints "redis_rs: listening on 127.0.0.1:PORT"; SIGINT/SIGTERM stop it.

use async_trait::async_trait;
use std::collections::HashMap;
use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, BufWriter};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::signal::unix::{signal, SignalKind};
use tokio::task::JoinSet;
use tokio::time::timeout;

const SHARDS: usize = 16;
const MAX_LINE: usize = 64 * 1024;
const MAX_BULK: usize = 64 * 1024 * 1024;
const IDLE: Duration = Duration::from_secs(300);

#[async_trait]
trait Store: Send + Sync {
    async fn get(&self, key: &[u8]) -> Option<Vec<u8>>;
    async fn set(&self, key: &[u8], val: &[u8]);
    async fn del(&self, key: &[u8]) -> bool;
    async fn exists(&self, key: &[u8]) -> bool;
    async fn incr(&self, key: &[u8]) -> Result<i64, &'static str>;
}

struct MemStore {
    shards: Vec<Mutex<HashMap<Vec<u8>, Vec<u8>>>>,
}

impl MemStore {
    fn new() -> Self {
        MemStore { shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect() }
    }
    fn shard(&self, key: &[u8]) -> &Mutex<HashMap<Vec<u8>, Vec<u8>>> {
        let mut h: u64 = 1469598103934665603;
        for &b in key {
            h ^= b as u64;
            h = h.wrapping_mul(1099511628211);
        }
        &self.shards[(h % SHARDS as u64) as usize]
    }
}

fn parse_i64(s: &[u8]) -> Option<i64> {
    std::str::from_utf8(s).ok()?.parse::<i64>().ok()
}

#[async_trait]
impl Store for MemStore {
    async fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.shard(key).lock().unwrap().get(key).cloned()
    }
    async fn set(&self, key: &[u8], val: &[u8]) {
        self.shard(key).lock().unwrap().insert(key.to_vec(), val.to_vec());
    }
    async fn del(&self, key: &[u8]) -> bool {
        self.shard(key).lock().unwrap().remove(key).is_some()
    }
    async fn exists(&self, key: &[u8]) -> bool {
        self.shard(key).lock().unwrap().contains_key(key)
    }
    async fn incr(&self, key: &[u8]) -> Result<i64, &'static str> {
        let mut m = self.shard(key).lock().unwrap();
        let cur = match m.get(key) {
            Some(v) => parse_i64(v).ok_or("ERR value is not an integer or out of range")?,
            None => 0,
        };
        let next = cur.checked_add(1).ok_or("ERR increment or decrement would overflow")?;
        m.insert(key.to_vec(), next.to_string().into_bytes());
        Ok(next)
    }
}

fn proto_err(msg: &'static str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg)
}

/// Reads one request into args: Ok(false) at EOF between requests.
async fn read_cmd(rd: &mut BufReader<OwnedReadHalf>, line: &mut Vec<u8>,
                  args: &mut Vec<Vec<u8>>) -> io::Result<bool> {
    loop {
        line.clear();
        if rd.read_until(b'\n', line).await? == 0 {
            return Ok(false);
        }
        if line.len() > MAX_LINE {
            return Err(proto_err("ERR Protocol error: too big inline request"));
        }
        let body = line.strip_suffix(b"\r\n").or_else(|| line.strip_suffix(b"\n")).unwrap_or(line);
        args.clear();
        if body.first() != Some(&b'*') {
            args.extend(body.split(|&c| c == b' ').filter(|w| !w.is_empty()).map(|w| w.to_vec()));
            if args.is_empty() {
                continue;
            }
            return Ok(true);
        }
        let n = parse_i64(&body[1..]).ok_or(proto_err("ERR Protocol error: invalid multibulk length"))?;
        if n <= 0 {
            continue;
        }
        for _ in 0..n {
            line.clear();
            rd.read_until(b'\n', line).await?;
            if line.first() != Some(&b'$') || !line.ends_with(b"\r\n") {
                return Err(proto_err("ERR Protocol error: expected '$'"));
            }
            let len = parse_i64(&line[1..line.len() - 2])
                .filter(|&l| l >= 0 && l as usize <= MAX_BULK)
                .ok_or(proto_err("ERR Protocol error: invalid bulk length"))? as usize;
            let mut v = vec![0u8; len + 2];
            rd.read_exact(&mut v).await?;
            v.truncate(len);
            args.push(v);
        }
        return Ok(true);
    }
}

fn bulk(out: &mut Vec<u8>, v: &[u8]) {
    out.extend_from_slice(format!("${}\r\n", v.len()).as_bytes());
    out.extend_from_slice(v);
    out.extend_from_slice(b"\r\n");
}

async fn execute(store: &dyn Store, args: &[Vec<u8>], out: &mut Vec<u8>) {
    let name = args[0].to_ascii_uppercase();
    match (name.as_slice(), args.len()) {
        (b"GET", 2) => match store.get(&args[1]).await {
            Some(v) => bulk(out, &v),
            None => out.extend_from_slice(b"$-1\r\n"),
        },
        (b"SET", 3) => {
            store.set(&args[1], &args[2]).await;
            out.extend_from_slice(b"+OK\r\n");
        }
        (b"DEL", n) | (b"EXISTS", n) if n >= 2 => {
            let mut k = 0;
            for key in &args[1..] {
                let hit = if name == b"DEL" { store.del(key).await } else { store.exists(key).await };
                k += hit as i64;
            }
            out.extend_from_slice(format!(":{}\r\n", k).as_bytes());
        }
        (b"INCR", 2) => match store.incr(&args[1]).await {
            Ok(v) => out.extend_from_slice(format!(":{}\r\n", v).as_bytes()),
            Err(e) => out.extend_from_slice(format!("-{}\r\n", e).as_bytes()),
        },
        (b"PING", 1) => out.extend_from_slice(b"+PONG\r\n"),
        (b"PING", 2) | (b"ECHO", 2) => bulk(out, &args[1]),
        (b"CONFIG", 3) => out.extend_from_slice(b"*0\r\n"),
        _ => out.extend_from_slice(b"-ERR unknown command or wrong number of arguments\r\n"),
    }
}

async fn handle_conn(store: Arc<dyn Store>, sock: TcpStream) -> io::Result<()> {
    let (rd, wr) = sock.into_split();
    let mut rd = BufReader::with_capacity(16384, rd);
    let mut wr: BufWriter<OwnedWriteHalf> = BufWriter::with_capacity(16384, wr);
    let (mut line, mut args, mut out) = (Vec::new(), Vec::new(), Vec::new());
    loop {
        // Only a read that has to wait for the socket gets the idle timeout.
        let got = if rd.buffer().is_empty() {
            match timeout(IDLE, read_cmd(&mut rd, &mut line, &mut args)).await {
                Ok(r) => r,
                Err(_) => return Ok(()),
            }
        } else {
            read_cmd(&mut rd, &mut line, &mut args).await
        };
        match got {
            Ok(true) => {}
            Ok(false) => return Ok(()),
            Err(e) => {
                if e.kind() == io::ErrorKind::InvalidData {
                    wr.write_all(format!("-{}\r\n", e).as_bytes()).await?;
                    wr.flush().await?;
                }
                return Err(e);
            }
        }
        out.clear();
        execute(&*store, &args, &mut out).await;
        wr.write_all(&out).await?;
        if rd.buffer().is_empty() {
            wr.flush().await?; // the input is drained: one write per batch
        }
    }
}

async fn serve(port: u16) -> io::Result<()> {
    let listener = TcpListener::bind(("127.0.0.1", port)).await?;
    println!("redis_rs: listening on 127.0.0.1:{}", listener.local_addr()?.port());
    use std::io::Write;
    std::io::stdout().flush()?;
    let store: Arc<dyn Store> = Arc::new(MemStore::new());
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    let mut tasks = JoinSet::new();
    loop {
        tokio::select! {
            r = listener.accept() => {
                let (sock, _) = r?;
                sock.set_nodelay(true)?;
                tasks.spawn(handle_conn(store.clone(), sock));
            }
            Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
            _ = term.recv() => break,
            _ = int.recv() => break,
        }
    }
    tasks.shutdown().await;
    println!("redis_rs: shutting down");
    Ok(())
}

fn main() -> io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (mut port, mut workers) = (0u16, 2usize);
    let mut i = 1;
    while i + 1 < args.len() {
        match args[i].as_str() {
            "--port" => port = args[i + 1].parse().expect("--port N"),
            "--workers" => workers = args[i + 1].parse().expect("--workers W"),
            _ => panic!("usage: redis_rs --port N [--workers W]"),
        }
        i += 2;
    }
    let rt = if workers == 0 {
        tokio::runtime::Builder::new_current_thread().enable_all().build()?
    } else {
        tokio::runtime::Builder::new_multi_thread().worker_threads(workers).enable_all().build()?
    };
    rt.block_on(serve(port))
}
