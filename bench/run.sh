#!/usr/bin/env bash
# Starts a ptrackd of its own on a fresh data directory with a TCP listener
# and a clerk token, runs pt-load against it with the arguments given
# (default: 50 clients for 10 s), and stops it. Prints pt-load's figures.
#
#   bash bench/run.sh                      # 50 clients, 10 s
#   bash bench/run.sh --clients 20 --duration 5
set -euo pipefail
cd "$(dirname "$0")/.."
build="${BUILD_DIR:-build}"
[ -x "$build/ptrackd" ] && [ -x "$build/bench/pt-load" ] || {
    echo "bench/run.sh: build first (bash scripts/build.sh)" >&2
    exit 2
}
tmp="$(mktemp -d /tmp/ptbench.XXXXXX)"
pid=""
trap '[ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
token="$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
hash="$(printf %s "$token" | sha256sum | cut -d' ' -f1)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
cat >"$tmp/ptrackd.json" <<JSON
{"data_dir": "$tmp/data", "listen": "127.0.0.1:$port", "log_level": "warn",
 "tokens": [{"name": "bench", "role": "clerk", "sha256": "$hash"}]}
JSON
"$build/ptrackd" --config "$tmp/ptrackd.json" &
pid=$!
for _ in $(seq 1 100); do
    [ -S "$tmp/data/ptrack.sock" ] && break
    sleep 0.05
done
if [ $# -eq 0 ]; then set -- --clients 50 --duration 10; fi
"$build/bench/pt-load" --url "http://127.0.0.1:$port" --token "$token" "$@"
# The WAL under that load: a checkpointer that keeps up holds it near 64 MiB
# (journal_size_limit) however long the load runs.
curl -s -H "Authorization: Bearer $token" "http://127.0.0.1:$port/metrics" |
    awk '/^ptrack_store_wal_bytes / { printf "wal          %.1f MiB\n", $2 / 1048576 }
         /^ptrack_store_checkpoints_total / { printf "checkpoints  %d\n", $2 }' || true
