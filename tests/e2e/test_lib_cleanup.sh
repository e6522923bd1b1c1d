#!/usr/bin/env bash
# test_lib_cleanup.sh - whatever way a test ends, lib.sh's cleanup ends
# every process its background jobs run: each one of a pipeline
# (a | b &, of which jobs -p names only the first), the children of a
# subshell and of a function run in the background, and what a loop in
# the background starts, even one that would start another once its child
# is killed. Left running, they outlived the test, holding its files,
# ports or connections into the next one. A script sourcing lib.sh starts
# them, each writing its pid, and ends; none of those pids may be left,
# and the script must end (its cleanup waits for the processes it killed,
# and one it missed held it for as long as that one ran: 60 s is its
# bound here). Starts no ptrackd.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

PIDS="$PT_TMP/pids"
: >"$PIDS"
cat >"$PT_TMP/inner.sh" <<'EOF2'
set -u
. "$PT_E2E_DIR/lib.sh"
pt_init
PIDS="$1"
# held: a process that writes its pid to $PIDS and sleeps.
held() { sh -c 'echo $$ >>"$1"; exec sleep 300' held "$PIDS"; }
held | held &
(held | held) &
held &
while :; do held; done &
wait_for 60 eval '[ "$(wc -l <"$PIDS")" -ge 6 ]' || pt_die "the jobs did not start"
exit "${2:-0}"
EOF2

# survivors: the pids written to $PIDS that still run.
survivors() {
    local p left=""
    for p in $(cat "$PIDS"); do
        if [ -e "/proc/$p" ] && ! grep -q '^State:.*zombie' "/proc/$p/status" 2>/dev/null; then
            left+="$p "
        fi
    done
    printf %s "${left% }"
}
none_left() { [ -z "$(survivors)" ]; }

for how in 0 1; do
    : >"$PIDS"
    rc=0
    PT_E2E_DIR="$PT_E2E_DIR" PTRACKD="$PTRACKD" PT_SOURCE_DIR="$PT_SOURCE_DIR" \
        PT_BUILD_DIR="$PT_BUILD_DIR" timeout --foreground 60 bash "$PT_TMP/inner.sh" "$PIDS" "$how" >"$PT_TMP/inner.out" 2>&1 ||
        rc=$?
    check_eq "the script ends, with its own exit code ($how)" "$how" "$rc"
    check_true "its six background processes had started" test "$(wc -l <"$PIDS")" -ge 6
    wait_for 10 none_left || true
    left="$(survivors)"
    check_eq "none of them runs once it has ended (exit $how)" "" "$left"
    for p in $left; do
        kill -9 "$p" 2>/dev/null || true
    done
done

pt_step "ptyrun ends a command still running at its --timeout"
# Before, it waited for the command however long it ran: a hung command
# held the test until ctest's own timeout, with nothing shown.
start=$SECONDS
TTY="$(timeout -s KILL 30 python3 "$PT_E2E_DIR/ptyrun.py" --timeout 1 -- /bin/sh -c 'echo 已开始; sleep 60' \
    2>"$PT_TMP/ptyrun.err")"
RC=$?
check_eq "it exits 124, as timeout(1) does" 124 "$RC"
check_true "within seconds ($((SECONDS - start)) s)" test $((SECONDS - start)) -lt 20
check_contains "with what the command showed" "已开始" "$TTY"
check_contains "and says why" "still running after 1 s: killed" "$(cat "$PT_TMP/ptyrun.err")"

pt_finish
