#!/usr/bin/env bash
# scripts/demo.sh, the README's first command, run as a newcomer runs it:
# from another directory than the clone, where the commands it prints must
# work as printed; a second time while the first still runs in another
# terminal, which must say that its ptrackd did not start rather than call
# the first one's socket its own; and again after a stop, on the store it
# made, without loading the sample proposals twice; and when a step after
# the start fails, its ptrackd stops with it. The copy of the tree
# it runs in has install-deps.sh and build.sh that do nothing: the programs
# are the build under test (BUILD_DIR).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
pt_init
[ -f "$PT_BUILD_DIR/plugins/import_json.so" ] || pt_die "the plugins are not built in $PT_BUILD_DIR"

tree="$PT_TMP/tree"
mkdir -p "$tree/scripts" "$tree/examples" "$PT_TMP/elsewhere"
cp "$PT_SOURCE_DIR/scripts/demo.sh" "$tree/scripts/"
cp "$PT_SOURCE_DIR/examples/proposals.json" "$tree/examples/"
for s in install-deps.sh build.sh; do
    printf '#!/usr/bin/env bash\nexit 0\n' >"$tree/scripts/$s"
done
export BUILD_DIR="$PT_BUILD_DIR"
samples="$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1], encoding="utf-8"))))' \
    "$tree/examples/proposals.json")"

# demo_start OUT: demo.sh in the background from another directory; DEMO is
# its pid. Its ptrackd (a child) is stopped at the end whatever happens.
demo_start() {
    (cd "$PT_TMP/elsewhere" && exec bash "$tree/scripts/demo.sh") >"$1" 2>&1 &
    DEMO=$!
    PT_PIDS+=("$DEMO")
}
demo_children() { ps -o pid= --ppid "$DEMO" 2>/dev/null || true; }
serving() { grep -q "ptrackd is running" "$1"; }

pt_step "demo.sh from another directory"
demo_start "$PT_TMP/demo1.out"
wait_for 60 serving "$PT_TMP/demo1.out" || pt_die "demo.sh did not start: $(cat "$PT_TMP/demo1.out")"
first="$(demo_children)"
for p in $first; do PT_PIDS+=("$p"); done
DEMO1=$DEMO
check_contains "it loads the sample proposals the first time" \
    "loaded the sample proposals" "$(cat "$PT_TMP/demo1.out")"
# The commands it prints, as printed, from the directory it was run in.
try="$(sed -n '/^Try, in another terminal:$/,/^Stop it/p' "$PT_TMP/demo1.out" | sed '1d;$d')"
out="$(cd "$PT_TMP/elsewhere" && bash -e -c "$try" 2>&1)" && rc=0 || rc=$?
check_eq "the commands it prints work where it was run ($try: ${out:0:300})" 0 "$rc"
check_contains "they list the sample proposals" "革命老区" "$out"

pt_step "demo.sh again while the first runs"
out="$(cd "$PT_TMP/elsewhere" && timeout 60 bash "$tree/scripts/demo.sh" 2>&1)" && rc=0 || rc=$?
check_true "it fails (exit $rc)" test "$rc" -ne 0 -a "$rc" -ne 124
check_contains "ptrackd says why" "is in use by another ptrackd" "$out"
case "$out" in
*"ptrackd is running"*) pt_check_fail "it does not call the first one's ptrackd its own" \
    "no \"ptrackd is running\"" "$out" ;;
*) pt_ok "it does not call the first one's ptrackd its own" ;;
esac
check_true "the first one still serves" kill -0 $first

pt_step "stopped, and run again on the store it made"
kill -TERM "$DEMO1"
gone() { ! kill -0 "$DEMO1" 2>/dev/null && ! kill -0 $first 2>/dev/null; }
wait_for 20 gone || pt_die "demo.sh and its ptrackd did not stop at SIGTERM"
demo_start "$PT_TMP/demo3.out"
wait_for 60 serving "$PT_TMP/demo3.out" || pt_die "demo.sh did not start again: $(cat "$PT_TMP/demo3.out")"
for p in $(demo_children); do PT_PIDS+=("$p"); done
case "$(cat "$PT_TMP/demo3.out")" in
*"loaded the sample proposals"*) pt_check_fail "the samples are not loaded again" "no load" \
    "$(cat "$PT_TMP/demo3.out")" ;;
*) pt_ok "the samples are not loaded again" ;;
esac
out="$("$PTRACK" --socket "$tree/var/ptrack.sock" --json health)"
check_contains "the store holds the samples once ($samples)" "\"proposals\": $samples" "$out"
kill -TERM "$DEMO"
wait "$DEMO" 2>/dev/null || true

pt_step "a step after the start that fails"
# Sample data that cannot be loaded: the script stops there, and its
# ptrackd must not go on serving in the background.
broken="$PT_TMP/broken"
mkdir -p "$broken/scripts" "$broken/examples"
cp "$tree"/scripts/*.sh "$broken/scripts/"
echo '[{"title": ' >"$broken/examples/proposals.json"
# Into a file: a ptrackd left behind would hold a pipe open.
(cd "$PT_TMP/elsewhere" && timeout 60 bash "$broken/scripts/demo.sh") >"$PT_TMP/broken.out" 2>&1 &&
    rc=0 || rc=$?
check_true "it fails (exit $rc)" test "$rc" -ne 0 -a "$rc" -ne 124
left="$(cat "$broken/var/ptrackd.pid" 2>/dev/null || true)"
if [ -n "$left" ]; then
    PT_PIDS+=("$left")
fi
check_true "its ptrackd has stopped (${left:-no pid file left})" \
    bash -c '! "$1" --socket "$2" health >/dev/null 2>&1' _ "$PTRACK" "$broken/var/ptrack.sock"

pt_finish
