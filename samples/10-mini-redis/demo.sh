#!/usr/bin/env bash
# demo.sh: sample 10 as a real server (scripts/demo.sh runs it after the
# self-test): build/mini-redis on a free port with 2 workers, a few
# commands from redis-cli, then SIGTERM for a clean shutdown.
set -u
cd "$(dirname "$0")/../.." || exit 1
if ! command -v redis-cli >/dev/null; then
    echo "(redis-cli is not installed: apt-get install redis-tools to see mini-redis serve it)"
    exit 0
fi
log=$(mktemp)
build/mini-redis --port 0 --workers 2 >"$log" 2>&1 &
pid=$!
trap 'kill -KILL $pid 2>/dev/null; rm -f "$log"' EXIT
port=
for _ in $(seq 1 100); do
    port=$(sed -n 's/^mini-redis: listening on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$log")
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || { cat "$log"; exit 1; }
echo "--- build/mini-redis --port 0 --workers 2, then redis-cli:"
for cmd in "PING" "SET greeting 'hello world'" "GET greeting" "INCR visits" "INCR visits" \
           "INCR greeting" "EXISTS greeting nothing" "DEL greeting" "GET greeting"; do
    printf 'redis-cli> %s\n' "$cmd"
    eval "redis-cli -p $port --no-raw $cmd" | sed 's/^/  /'
done
kill -TERM $pid
wait $pid
status=$?
sed 's/127\.0\.0\.1:[0-9]*/127.0.0.1:PORT/' "$log"
exit $status
