#!/usr/bin/env bash
# A signal that comes while ptrackd starts. A start may take a while (a
# schema to move, a plugin's create() that connects to its server: here
# tests/plugins/slow_create.c, which sleeps in create()), and ptrackd took
# its signals only at the end of it: a SIGHUP meanwhile killed it without
# a line in the log, and a SIGTERM stopped it without a word and without
# saving the notifiers' cursors. Now:
#   - a SIGHUP during the start: ptrackd serves once the start is done,
#     and reads the configuration again then;
#   - a SIGTERM during the start: ptrackd stops once the start is done,
#     as at any other time: it says so, exits 0, removes its pid file and
#     its socket, and its notifier says where it stopped;
#   - a SIGTERM during a start that a plugin's create() holds up for ever:
#     ptrackd waited with it until the service manager's start timeout
#     killed it. Now it ends 3 s after the signal, by the signal, saying
#     which instance held it up; it had answered nothing, and the next
#     start finds the store as it was. So too when a plugin's file holds
#     the start up as it is loaded (a constructor that never returns).
set -u
. "$(dirname "$0")/lib.sh"
pt_init

pt_fixtures slow_create notify_record
pt_config '{}' ',"plugins": [
    {"instance": "journal", "path": "'"$FIX"'/fixture_notify_record.so",
     "config": {"path": "'"$PT_TMP"'/journal.txt"}},
    {"instance": "slow", "path": "'"$FIX"'/fixture_slow_create.so", "config": {"delay": "2s"}}
  ]'

# journal_loaded_since N: whether the log, past its first N lines, says
# the first plugin instance is loaded: the store is open, and the slow
# one's create() is next.
journal_loaded_since() {
    tail -n +"$(($1 + 1))" "$PT_TMP/ptrackd.log" | grep -q "plugin instance journal loaded"
}

# start_held: starts ptrackd (with a pid file) and returns once its store
# is open, while the slow plugin's create() still sleeps: the moment for
# the signal a test then sends, itself or by pt_stop. (The database file
# alone would not tell: it is there from the first start on.)
start_held() {
    local from=0
    [ -f "$PT_TMP/ptrackd.log" ] && from=$(wc -l <"$PT_TMP/ptrackd.log")
    "$PTRACKD" --config "$PT_CONF" --pidfile "$PT_TMP/ptrackd.pid" >>"$PT_TMP/ptrackd.log" 2>&1 &
    PT_PID=$!
    PT_PIDS+=("$PT_PID")
    wait_for 10 journal_loaded_since "$from" || pt_die "ptrackd did not load its first plugin"
}

pt_step "SIGHUP during the start"
start_held
kill -HUP "$PT_PID"
wait_for 15 test -S "$PT_SOCK"
sleep 0.5
check_true "ptrackd is still running" kill -0 "$PT_PID"
api GET /v1/health
check_status "and serves" 200
wait_for 30 grep -q "SIGHUP: configuration reloaded" "$PT_TMP/ptrackd.log"
check_contains "it read the configuration again once started" "SIGHUP: configuration reloaded" \
    "$(cat "$PT_TMP/ptrackd.log")"
api POST /v1/proposals '{"title": "关于启动期间收到信号的建议"}'
check_status "a create" 201
wait_for 30 test -s "$PT_TMP/journal.txt"
pt_stop
check_eq "it stops with 0" 0 "$PT_STOP_RC"

pt_step "SIGTERM during the start"
: >"$PT_TMP/ptrackd.log"
start_held
pt_stop
log="$(cat "$PT_TMP/ptrackd.log")"
check_eq "ptrackd exits 0" 0 "$PT_STOP_RC"
check_contains "saying it stops" "SIGTERM: stopping after the requests in flight" "$log"
check_contains "the notifier saved its cursor" "notifier journal: stopped after event 1" "$log"
check_contains "and that it stopped" "ptrackd stopped" "$log"
check_true "its pid file is removed" test ! -e "$PT_TMP/ptrackd.pid"
check_true "and its socket" test ! -e "$PT_SOCK"

pt_step "SIGTERM during a start held up in a plugin's create()"
sed -i 's/"delay": "2s"/"delay": "1h"/' "$PT_CONF"
: >"$PT_TMP/ptrackd.log"
start_held
pt_stop
check_true "ptrackd ends within 10 s of the signal (took $PT_STOP_MS ms)" [ "$PT_STOP_MS" -lt 10000 ]
log="$(cat "$PT_TMP/ptrackd.log")"
check_eq "by the signal (128 + SIGTERM)" 143 "$PT_STOP_RC"
check_contains "saying that the start was held up, and where" \
    "SIGTERM: the start is held up in the create() of plugin instance slow" "$log"
check_true "it did not start serving" test ! -e "$PT_SOCK"
check_true "nor write its pid file" test ! -e "$PT_TMP/ptrackd.pid"

pt_step "SIGTERM during a start held up as a plugin's file is loaded (its constructor)"
sed -i 's/"delay": "1h"/"delay": "0s"/' "$PT_CONF"
: >"$PT_TMP/ptrackd.log"
# The file is loaded as the configuration is checked, before the store is
# opened: once it is mapped, its constructor runs and the start is there
# (a loaded machine may take more than a moment to get so far).
slow_mapped() { grep -qF fixture_slow_create.so "/proc/$1/maps" 2>/dev/null; }
PT_FIXTURE_LOAD_SLEEP_MS=3600000 "$PTRACKD" --config "$PT_CONF" --pidfile "$PT_TMP/ptrackd.pid" \
    >>"$PT_TMP/ptrackd.log" 2>&1 &
PT_PID=$!
PT_PIDS+=("$PT_PID")
wait_for 30 slow_mapped "$PT_PID" || true
pt_stop
check_true "ptrackd ends within 10 s of the signal (took $PT_STOP_MS ms)" [ "$PT_STOP_MS" -lt 10000 ]
log="$(cat "$PT_TMP/ptrackd.log")"
check_eq "by the signal (128 + SIGTERM)" 143 "$PT_STOP_RC"
check_contains "saying that the start was held up, and where" \
    "SIGTERM: the start is held up in the load of plugin file $FIX/fixture_slow_create.so (its constructors or its entry point)" \
    "$log"
check_true "it did not start serving" test ! -e "$PT_SOCK"
sed -i 's/"delay": "0s"/"delay": "1h"/' "$PT_CONF"

pt_step "SIGINT or SIGTERM during a --check-config held up in a plugin's create()"
# A check touches no data: a signal ends it at once, as it did before
# ptrackd blocked its signals; it waited with them for the create(), for
# ever, and took only SIGKILL.
check_signal() { # check_signal SIG: ptrackd --check-config, SIG once it loads the plugin
    "$PTRACKD" --check-config "$PT_CONF" >"$PT_TMP/check.log" 2>&1 &
    local pid=$!
    PT_PIDS+=("$pid")
    wait_for 30 slow_mapped "$pid" || true
    pt_stop_bg "$pid" "$1" 5 "ptrackd --check-config"
    echo "$RC"
}
check_eq "Ctrl-C ends it, by SIGINT" 130 "$(check_signal INT)"
check_eq "SIGTERM ends it, by SIGTERM" 143 "$(check_signal TERM)"
sed -i 's/"delay": "1h"/"delay": "0s"/' "$PT_CONF"
check_true "a check left alone still passes" "$PTRACKD" --check-config "$PT_CONF"

pt_step "started again"
pt_start
api GET /v1/health
check_eq "the proposal is there" "1" "$(jv 'j["proposals"]')"
pt_stop
check_eq "it stops with 0" 0 "$PT_STOP_RC"
pt_finish
