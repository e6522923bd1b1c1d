#!/usr/bin/env bash
# Ctrl-C (SIGINT), SIGTERM or SIGHUP during `ptrack import` or `ptrack
# export` ends it cleanly: the progress line is wiped, one line says what
# the stop left behind, and the exit code is 128 + the signal's number.
# For an all-or-nothing import stopped before the whole file went out,
# nothing was stored; once it had all gone out, ptrackd may have stored
# it; a --partial import keeps the batches stored before. An export's
# temporary file is removed; what went to stdout or a named pipe is said
# to be incomplete. Each is tried on a terminal (Ctrl-C typed, as a person
# does) or in a script.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

# on_tty OUT PROMPT SIG ARGS...: runs ptrack with stdin and stderr on a
# terminal (stdout into the file OUT) and stops it with SIG a second after
# the terminal shows PROMPT (INT is typed as Ctrl-C); sets RC, TTY (what
# the terminal showed) and SCREEN (what it shows at the end: carriage
# returns and erases applied).
on_tty() {
    local out="$1" prompt="$2" sig="$3"
    shift 3
    set +e
    TTY="$(python3 "$PT_E2E_DIR/ptyrun.py" --stdout "$out" --prompt "$prompt" --stop "$sig" \
        --delay 1 --timeout 30 -- "$PTRACK" "$@")"
    RC=$?
    set -e
    SCREEN="$(printf '%s' "$TTY" | python3 -c '
import sys
lines, line, at = [], [], 0
text = sys.stdin.read()
i = 0
while i < len(text):
    c = text[i]
    if text.startswith("\033[K", i):
        del line[at:]
        i += 3
        continue
    if c == "\r":
        at = 0
    elif c == "\n":
        lines.append("".join(line))
        line, at = [], 0
    else:
        line[at:at + 1] = [c]
        at += 1
    i += 1
lines.append("".join(line))
print("\n".join(l for l in lines if l))')"
}
# The line of SCREEN that holds $1.
screen_line() { printf '%s\n' "$SCREEN" | grep -F -- "$1" || true; }
no_progress_left() { ! printf '%s\n' "$SCREEN" | grep -qE '[0-9] ?[KMG]?i?B/s'; }

# in_script SIG WAIT ARGS...: runs ptrack in the background, stdin from
# /dev/null, stdout into $PT_TMP/script.out, stderr into $PT_TMP/script.err,
# and sends SIG once the command WAIT succeeds; sets RC and ERR.
in_script() {
    local sig="$1" wait="$2" pid
    shift 2
    "${PT_SIGINT_DFL[@]}" "$PTRACK" "$@" </dev/null >"$PT_TMP/script.out" 2>"$PT_TMP/script.err" &
    pid=$!
    wait_for 30 eval "$wait" || pt_check_fail "ready to be stopped: $wait" "true" "false"
    pt_stop_bg "$pid" "$sig" 10 "ptrack $1"
    ERR="$(cat "$PT_TMP/script.err")"
}

# records FILE FIRST COUNT: COUNT proposals in jsonl, numbered from FIRST.
records() {
    python3 - "$@" <<'PY'
import json, sys
path, first, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(path, "a", encoding="utf-8") as f:
    for i in range(first, first + count):
        f.write(json.dumps({"title": "关于中断导入第%d号的建议" % i, "number": "S%d" % i,
                            "session": "十四届", "background": "背景说明。" * 20},
                           ensure_ascii=False) + "\n")
PY
}

# slow_file PIPE PART: a file that comes slowly: a named pipe that a
# writer (WRITER, a pid) fills with what PART holds and then holds open for
# a minute, so that the import is stopped with part of the file sent.
slow_file() {
    local pipe="$1" part="$2"
    rm -f "$pipe"
    mkfifo "$pipe"
    "$PY" -c '
import sys, time
sys.stdout.buffer.write(open(sys.argv[1], "rb").read())
sys.stdout.flush()
time.sleep(60)' "$part" >"$pipe" 2>/dev/null &
    WRITER=$!
}

proposals() { pt_count; }

pt_step "import on a terminal, Ctrl-C before the whole file went out: nothing was stored"
rm -f "$PT_TMP/part.jsonl"
records "$PT_TMP/part.jsonl" 1 300
before="$(proposals)"
slow_file "$PT_TMP/slow.jsonl" "$PT_TMP/part.jsonl"
# The line shows what went out when it was last drawn: the reads of the
# pipe then wait, and so does the line, so the stop comes a second after
# it is first drawn, once the file's first part has gone out.
on_tty "$PT_TMP/import.out" "导入 " INT --socket "$PT_SOCK" import "$PT_TMP/slow.jsonl"
check_eq "exit 130 (128 + SIGINT)" 130 "$RC"
check_contains "it says that nothing was imported" \
    "ptrack import: $PT_TMP/slow.jsonl: 导入已中断，未导入任何记录 (stopped by Ctrl-C (SIGINT) before the whole file was sent" \
    "$SCREEN"
check_true "the message stands on a line of its own" \
    test "$(screen_line 导入已中断 | cut -c1-14)" = "ptrack import:"
check_true "no progress line is left on the screen" no_progress_left
check_eq "nothing was stored" "$before" "$(proposals)"
kill "$WRITER" 2>/dev/null || true

pt_step "import --partial in a script, SIGTERM: the batches stored before stay"
rm -f "$PT_TMP/part.jsonl"
records "$PT_TMP/part.jsonl" 1001 2300
slow_file "$PT_TMP/slow.jsonl" "$PT_TMP/part.jsonl"
batch_stored() { [ "$(proposals)" -ge "$((before + 2000))" ]; }
in_script TERM batch_stored --socket "$PT_SOCK" import "$PT_TMP/slow.jsonl" --partial
check_eq "exit 143 (128 + SIGTERM)" 143 "$RC"
check_contains "it says the batches stored before stay" \
    "ptrack import: $PT_TMP/slow.jsonl: 导入已中断，可能已导入一部分 (stopped by SIGTERM before ptrackd answered: with --partial it stores the records in batches of 2,000" \
    "$ERR"
check_eq "one line" 1 "$(printf '%s\n' "$ERR" | wc -l)"
check_true "no progress line into the log" test "${ERR#*$'\r'}" = "$ERR"
check_eq "the first batch of 2,000 is stored, the rest not" "$((before + 2000))" "$(proposals)"
kill "$WRITER" 2>/dev/null || true

# A server that takes a whole upload and then answers nothing, as ptrackd
# does while it stores a large import, and starts an export it then
# stalls, as a slow one would.
STALL_PORT="$(pt_free_port)"
"$PY" "$PT_E2E_DIR/receivers/stall_http.py" "$STALL_PORT" "$PT_TMP/upload.done" &
wait_for 10 pt_listening "$STALL_PORT" ||
    pt_die "the stalling server did not start"
STALL="http://127.0.0.1:$STALL_PORT"

pt_step "import in a script, SIGINT after the whole file went out: it may have been stored"
rm -f "$PT_TMP/whole.jsonl"
records "$PT_TMP/whole.jsonl" 5001 50
uploaded() { [ -e "$PT_TMP/upload.done" ]; }
in_script INT uploaded --url "$STALL" import "$PT_TMP/whole.jsonl"
check_eq "exit 130" 130 "$RC"
check_contains "it says ptrackd may have stored it" \
    "ptrack import: $PT_TMP/whole.jsonl: 导入已中断，不知是否已导入 (stopped by Ctrl-C (SIGINT) after the whole file was sent, before ptrackd answered: it may have stored the import" \
    "$ERR"

pt_step "a signal ignored when ptrack started stays ignored: nohup's SIGHUP, a background job's SIGINT"
# still_running PID: PID has not ended a second after the signal (a
# signal that stops ptrack ends it within milliseconds).
still_running() { sleep 1; kill -0 "$1" 2>/dev/null; }
# goes_on SIG WHAT PTRACK...: starts PTRACK... (an import to the stalling
# server) in the background, sends SIG once the upload is in, and checks
# that the import goes on, then that SIGTERM still stops it.
goes_on() {
    local sig="$1" what="$2" pid
    shift 2
    rm -f "$PT_TMP/upload.done"
    "$@" --url "$STALL" import "$PT_TMP/whole.jsonl" </dev/null >/dev/null 2>"$PT_TMP/bg.err" &
    pid=$!
    wait_for 30 uploaded || pt_check_fail "the upload went out" "true" "false"
    kill -s "$sig" "$pid"
    check_true "$what goes on after SIG$sig" still_running "$pid"
    pt_stop_bg "$pid" TERM 10 "$what"
    check_eq "and SIGTERM still stops it" 143 "$RC"
}
goes_on HUP "nohup ptrack import" nohup "$PTRACK"
# Started with & from this script, without PT_SIGINT_DFL: SIGINT ignored.
goes_on INT "a background job of a script" "$PTRACK"

pt_step "export on a terminal, Ctrl-C: the file is not written"
mkdir -p "$PT_TMP/exp"
on_tty "$PT_TMP/export.out" "KB" INT --url "$STALL" export --format csv --out "$PT_TMP/exp/out.csv"
check_eq "exit 130" 130 "$RC"
# Wrapped within 100 columns, as a message on a terminal is.
check_contains "it says the file was not written" \
    "$(tr -d ' ' <<<"ptrack export: 导出已中断，未写入 $PT_TMP/exp/out.csv (stopped by Ctrl-C (SIGINT); $PT_TMP/exp/out.csv was not written")" \
    "$(tr -d ' \n' <<<"$SCREEN")"
w="$(printf '%s\n' "$SCREEN" | widest)"
check_true "within 100 columns (widest line: $w)" test "$w" -le 100
check_true "the message stands on a line of its own" \
    test "$(screen_line 导出已中断 | cut -c1-14)" = "ptrack export:"
check_true "no progress line is left on the screen" no_progress_left
check_eq "nothing is left in the directory" "" "$(ls -A "$PT_TMP/exp")"

pt_step "export to stdout in a script, SIGTERM: the output is said to be incomplete"
has_output() { [ -s "$PT_TMP/script.out" ]; }
in_script TERM has_output --url "$STALL" export --format csv --out -
check_eq "exit 143" 143 "$RC"
check_contains "it says stdout holds only the start" \
    "ptrack export: 导出已中断，输出不完整 (stopped by SIGTERM; what went to stdout, " "$ERR"
check_contains "what it holds" "KB, is only the start of the export)" "$ERR"

pt_step "export into a named pipe, SIGHUP: the pipe's reader is told it is incomplete"
mkfifo "$PT_TMP/exp/pipe.csv"
cat "$PT_TMP/exp/pipe.csv" >"$PT_TMP/pipe.copy" &
has_copy() { [ -s "$PT_TMP/pipe.copy" ]; }
in_script HUP has_copy --url "$STALL" export --format csv --out "$PT_TMP/exp/pipe.csv"
check_eq "exit 129" 129 "$RC"
check_contains "it says the pipe got only the start" \
    "ptrack export: 导出已中断，$PT_TMP/exp/pipe.csv 不完整 (stopped by SIGHUP; $PT_TMP/exp/pipe.csv is not a regular file and was written directly" \
    "$ERR"

pt_finish
