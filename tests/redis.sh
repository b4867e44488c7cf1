#!/usr/bin/env bash
# redis.sh: sample 10 (build/mini-redis) driven by the real redis-cli, at
# 0 workers (the current-thread executor) and at 2. Prints "ok NAME" or
# "not ok NAME: why" per check (tests/run.sh counts them: suite "redis").
#
# Every server listens on 127.0.0.1, port 0 (it prints the port the
# kernel chose), and is stopped by this script, whatever happens (trap).
# Nothing here depends on timing but the idle timeout check, which waits
# at most 10 s for a close that comes after 1 s.
set -u
cd "$(dirname "$0")/.." || exit 1
MR=${MINI_REDIS:-build/mini-redis}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ait-redis.XXXXXX") || exit 1
PIDS=()
cleanup() {
    local p
    for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
    rm -rf "$TMP"
}
trap cleanup EXIT

if ! command -v redis-cli >/dev/null; then
    echo "not ok redis-cli: not installed (apt-get install redis-tools; scripts/deps.sh does)"
    exit 0
fi
if [ ! -x "$MR" ]; then
    echo "not ok mini-redis: $MR is missing (make)"
    exit 0
fi

ok() { echo "ok $1"; }
notok() { echo "not ok $1: $2"; }

# start NAME ARGS...: starts mini-redis, sets PID and PORT (empty on failure).
start() {
    local name=$1 i
    shift
    PORT=
    "$MR" --port 0 "$@" >"$TMP/$name.log" 2>&1 &
    PID=$!
    PIDS+=("$PID")
    for i in $(seq 1 100); do
        PORT=$(sed -n 's/^mini-redis: listening on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$TMP/$name.log")
        [ -n "$PORT" ] && return 0
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.1
    done
    notok "$name start" "no port printed: $(head -c 300 "$TMP/$name.log")"
    return 1
}

# stop NAME: SIGTERM, then the exit status must be 0 (a clean shutdown).
stop() {
    local name=$1 rc
    kill -TERM "$PID" 2>/dev/null
    wait "$PID"
    rc=$?
    if [ $rc -eq 0 ] && grep -q '^mini-redis: shutting down' "$TMP/$name.log"; then
        ok "$name: clean shutdown on SIGTERM"
    else
        notok "$name: clean shutdown on SIGTERM" "exit status $rc: $(tail -c 300 "$TMP/$name.log")"
    fi
}

cli() { timeout 20 redis-cli -p "$PORT" "$@" 2>&1; }

# expect NAME EXPECTED ACTUAL
expect() {
    if [ "$2" = "$3" ]; then ok "$1"; else notok "$1" "expected '$2', got '$(printf '%s' "$3" | head -c 200)'"; fi
}

# raw NAME BYTES: sends BYTES on a fresh connection, closes its write side,
# prints what came back until the server closed (at most 10 s).
raw() {
    timeout 10 python3 - "$PORT" "$1" <<'EOF'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(sys.argv[2].encode("latin-1").decode("unicode_escape").encode("latin-1"))
s.shutdown(socket.SHUT_WR)
out = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    out += b
sys.stdout.write(out.decode("latin-1").replace("\r\n", "|"))
EOF
}

alive() {
    if kill -0 "$PID" 2>/dev/null && [ "$(cli PING)" = PONG ]; then ok "$1"; else notok "$1" "the server is gone or does not answer"; fi
}

suite() {
    local w=$1 t="w$1"
    start "$t" --workers "$w" || return
    expect "$t: PING" "PONG" "$(cli PING)"
    expect "$t: SET with spaces" "OK" "$(cli SET greeting 'hello, big world')"
    expect "$t: GET with spaces" "hello, big world" "$(cli GET greeting)"
    expect "$t: GET missing key" "(nil)" "$(cli --no-raw GET no-such-key)"
    expect "$t: EXISTS" "1" "$(cli EXISTS greeting no-such-key)"
    expect "$t: INCR" "1 2 3" "$(cli INCR counter) $(cli INCR counter) $(cli INCR counter)"
    expect "$t: INCR on a non-integer" "ERR value is not an integer or out of range" "$(cli INCR greeting)"
    expect "$t: DEL" "1 0" "$(cli DEL greeting) $(cli DEL greeting)"
    expect "$t: CONFIG GET" "" "$(cli CONFIG GET save)"

    # binary-safe: NUL bytes, CR, LF inside the value (redis-cli -x reads stdin)
    printf 'a\0b\r\nc\0' >"$TMP/bin"
    expect "$t: SET binary value" "OK" "$(cli -x SET bin <"$TMP/bin")"
    cli GET bin >"$TMP/bin.out"
    printf '\n' >>"$TMP/bin"            # redis-cli adds a newline
    if cmp -s "$TMP/bin" "$TMP/bin.out"; then ok "$t: GET binary value"; else notok "$t: GET binary value" "bytes differ"; fi

    # 1 MB value
    head -c 1048576 /dev/urandom >"$TMP/big"
    expect "$t: SET 1 MB value" "OK" "$(cli -x SET big <"$TMP/big")"
    cli GET big >"$TMP/big.out"
    if [ "$(stat -c %s "$TMP/big.out")" = 1048577 ] && head -c 1048576 "$TMP/big.out" | cmp -s - "$TMP/big"; then
        ok "$t: GET 1 MB value"
    else
        notok "$t: GET 1 MB value" "$(stat -c %s "$TMP/big.out") bytes back, or bytes differ"
    fi

    # pipelined: 1000 requests in one stream (redis-cli --pipe)
    { for i in $(seq 1 500); do printf 'SET k%d v%d\r\nINCR piped\r\n' "$i" "$i"; done; } >"$TMP/pipe"
    local out
    out=$(timeout 30 redis-cli -p "$PORT" --pipe <"$TMP/pipe" 2>&1 | tail -n1)
    expect "$t: --pipe 1000 requests" "errors: 0, replies: 1000" "$out"
    expect "$t: pipelined INCRs all applied" "500" "$(cli GET piped)"
    expect "$t: pipelined SETs all applied" "v321" "$(cli GET k321)"
    # several requests in one write, replies in order
    expect "$t: one write, three requests" "+PONG|\$2|v1|:1|" \
        "$(raw '*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nGET\r\n$2\r\nk1\r\n*2\r\n$6\r\nEXISTS\r\n$2\r\nk2\r\n')"

    # a client that disconnects mid-command: nothing applied, server fine
    raw '*3\r\n$3\r\nSET\r\n$4\r\nhalf\r\n$10\r\nabc' >/dev/null
    expect "$t: disconnect mid-command applies nothing" "0" "$(cli EXISTS half)"
    alive "$t: alive after a disconnect mid-command"

    # bad input: an error reply and a close, never a crash; others go on
    exec 5<>/dev/tcp/127.0.0.1/"$PORT"      # a connection open across the bad ones
    printf '*1\r\n$4\r\nPING\r\n' >&5
    expect "$t: garbage gets an error" "-ERR unknown command '\\x01\\x02junk'|" \
        "$(raw '\x01\x02junk\r\n' | sed 's/\x01/\\x01/; s/\x02/\\x02/')"
    expect "$t: negative bulk length" "-ERR Protocol error: invalid bulk length|" \
        "$(raw '*2\r\n$3\r\nGET\r\n$-7\r\n')"
    expect "$t: negative multibulk length is ignored" "+PONG|" "$(raw '*-3\r\n*1\r\n$4\r\nPING\r\n')"
    expect "$t: huge bulk length" "-ERR Protocol error: invalid bulk length|" \
        "$(raw '*2\r\n$3\r\nGET\r\n$99999999999\r\n')"
    expect "$t: oversized line" "-ERR Protocol error: too big inline request|" \
        "$(raw "$(head -c 70000 /dev/zero | tr '\0' 'x')")"
    expect "$t: no CRLF after a bulk" "-ERR Protocol error: bulk string not followed by CRLF|" \
        "$(raw '*2\r\n$3\r\nGET\r\n$1\r\nabc\r\n')"
    local first
    IFS= read -r -t 10 first <&5
    printf '*2\r\n$3\r\nGET\r\n$3\r\nk10\r\n' >&5
    local l1 l2
    IFS= read -r -t 10 l1 <&5
    IFS= read -r -t 10 l2 <&5
    exec 5<&- 5>&-
    expect "$t: another connection goes on" "+PONG \$3 v10" "${first%$'\r'} ${l1%$'\r'} ${l2%$'\r'}"
    alive "$t: alive after bad input"
    stop "$t"
}

aof_suite() {
    local w=$1 t="w$1 aof" f="$TMP/data-$1.aof"
    start "w$1-aof" --workers "$w" --aof "$f" || return
    cli SET user 'ada lovelace' >/dev/null
    printf 'x\0y\r\n' >"$TMP/bin2"
    cli -x SET bin <"$TMP/bin2" >/dev/null
    cli -x SET big <"$TMP/big" >/dev/null
    cli INCR visits >/dev/null
    cli INCR visits >/dev/null
    cli SET gone x >/dev/null
    cli DEL gone >/dev/null
    stop "w$1-aof"
    if grep -q '^mini-redis: append-only file flushed' "$TMP/w$1-aof.log"; then ok "$t: file flushed at exit"; else notok "$t: file flushed at exit" "$(cat "$TMP/w$1-aof.log")"; fi
    start "w$1-aof2" --workers "$w" --aof "$f" || return
    expect "$t: restart replays the file" "7" \
        "$(sed -n 's/.*, \([0-9]*\) commands replayed).*/\1/p' "$TMP/w$1-aof2.log")"
    expect "$t: value found after restart" "ada lovelace" "$(cli GET user)"
    expect "$t: counter found after restart" "2" "$(cli GET visits)"
    expect "$t: deleted key stays deleted" "0" "$(cli EXISTS gone)"
    cli GET bin >"$TMP/bin.out2"
    printf '\n' >>"$TMP/bin2"           # redis-cli adds a newline
    if cmp -s "$TMP/bin2" "$TMP/bin.out2"; then ok "$t: binary value after restart"; else notok "$t: binary value after restart" "bytes differ"; fi
    cli GET big >"$TMP/big.out2"
    if head -c 1048576 "$TMP/big.out2" | cmp -s - "$TMP/big"; then ok "$t: 1 MB value after restart"; else notok "$t: 1 MB value after restart" "bytes differ"; fi
    stop "w$1-aof2"
}

idle_suite() {
    local t="idle timeout"
    start idle --workers 2 --idle 1 || return
    # an idle connection is closed by the server: the read ends (EOF)
    if timeout 10 bash -c "exec 5<>/dev/tcp/127.0.0.1/$PORT; cat <&5 >/dev/null"; then
        ok "$t: an idle connection is closed"
    else
        notok "$t: an idle connection is closed" "still open after 10 s"
    fi
    alive "$t: the server goes on"
    stop idle
}

for w in 0 2; do
    suite "$w"
    aof_suite "$w"
done
idle_suite
