#!/usr/bin/env bash
# Installs what is missing, builds, and runs ptrackd in the foreground on its
# embedded store in ./var, with the sample proposals of examples/ loaded the
# first time. Stop it with Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
build="${BUILD_DIR:-build}"
sock=var/ptrack.sock

"$build/ptrackd" --data-dir var --socket "$sock" --plugin-dir "$build/plugins" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid' INT TERM
for _ in $(seq 1 100); do
  [ -S "$sock" ] && "$build/ptrack" --socket "$sock" health >/dev/null 2>&1 && break
  sleep 0.1
done

count=$("$build/ptrack" --socket "$sock" --json health | sed -n 's/.*"proposals": *\([0-9]*\).*/\1/p')
if [ "${count:-0}" = "0" ]; then
  "$build/ptrack" --socket "$sock" add --from-file examples/proposals.json >/dev/null
  echo "loaded the sample proposals from examples/proposals.json"
fi

cat <<MSG

ptrackd is running (pid $pid) on $sock with its data in var/.
Try, in another terminal:
  $build/ptrack --socket $sock list
  $build/ptrack --socket $sock list --search 革命老区
  $build/ptrack --socket $sock show 1
  $build/ptrack --socket $sock workflow
Stop it with Ctrl-C.
MSG
wait $pid
