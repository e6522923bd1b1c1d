#!/usr/bin/env bash
# Installs what is missing, builds, and runs ptrackd in the foreground on its
# embedded store in ./var, with the sample proposals of examples/ loaded the
# first time. Stop it with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
bash scripts/install-deps.sh
bash scripts/build.sh
build="${BUILD_DIR:-build}"
sock=var/ptrack.sock
# The pid file tells that this ptrackd is the one serving: another one
# (a demo still running in another terminal) also answers on var/ptrack.sock.
pidfile=var/ptrackd.pid
mkdir -p -m 0700 var

"$build/ptrackd" --data-dir var --socket "$sock" --plugin-dir "$build/plugins" \
    --pidfile "$pidfile" &
pid=$!
# However the script ends (Ctrl-C, a step below that fails), its ptrackd
# ends with it, not left serving var/ in the background.
stop() {
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# Until this ptrackd serves, or ends: one refused (the data directory in use
# by another ptrackd, say) has said why on stderr. A schema being moved
# takes as long as it takes.
until [ "$(cat "$pidfile" 2>/dev/null)" = "$pid" ]; do
  if ! kill -0 "$pid" 2>/dev/null; then
    rc=0
    wait "$pid" || rc=$?
    echo "ptrackd did not start (exit status $rc); see its message above" >&2
    exit 1
  fi
  sleep 0.1
done

count=$("$build/ptrack" --socket "$sock" --json health | sed -n 's/.*"proposals": *\([0-9]*\).*/\1/p')
if [ "${count:-0}" = "0" ]; then
  "$build/ptrack" --socket "$sock" add --from-file examples/proposals.json >/dev/null
  echo "loaded the sample proposals from examples/proposals.json"
fi

cat <<MSG

ptrackd is running (pid $pid) on $sock with its data in var/, in $root.
Try, in another terminal:
  cd $(printf %q "$root")
  $build/ptrack --socket $sock list
  $build/ptrack --socket $sock list --search 革命老区
  $build/ptrack --socket $sock show 1
  $build/ptrack --socket $sock workflow
Stop it with Ctrl-C.
MSG
wait $pid
