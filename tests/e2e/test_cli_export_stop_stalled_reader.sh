#!/usr/bin/env bash
# An export written directly into a reader that has stopped reading
# (stdout into a pipe whose reader is busy, a named pipe) waits in the
# write; Ctrl-C, SIGTERM or SIGHUP there did not stop it: stdio went on
# writing the rest of its block after the write the signal cut short, and
# waited again, for as long as the reader did not read. It now stops
# within a second, as while it waits for ptrackd: 128 + the signal's
# number, and the line that says the output holds only the start.
# Into a stdout that another program made non-blocking (a terminal or a
# pipe shared with it: O_NONBLOCK is on the open file, not the process),
# with a reader slower than ptrackd, the write found the pipe full, EAGAIN,
# and the export failed ("Resource temporarily unavailable", exit 4, the
# reader left with its start); it waits for room as a blocking write does.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli
cd "$PT_TMP"

# Some 6 MB of proposals: far more than a pipe holds.
python3 - "$PT_TMP/many.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w", encoding="utf-8") as f:
    for i in range(3000):
        f.write(json.dumps({"title": "关于停止导出第%d号的建议" % i, "number": "T%d" % i,
                            "session": "十四届", "background": "背景说明。" * 100},
                           ensure_ascii=False) + "\n")
PY
pt_cli import "$PT_TMP/many.jsonl" --quiet
check_rc "proposals to export" 0

# A reader that reads the first 100 KB of its stdin, 8 KB at a time (so
# that a write waiting for room has written part of its block when the
# signal comes), says so in the file it is given (its pid), and then
# reads no more until it is stopped.
cat >"$PT_TMP/stall.py" <<'PY'
import os, signal, sys, time
signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
n = 0
while n < 100000:
    n += len(os.read(0, 8192))
open(sys.argv[1], "w").write(str(os.getpid()))
time.sleep(60)
PY

pt_step "a named pipe whose reader stalls, SIGTERM"
mkfifo 管道
python3 "$PT_TMP/stall.py" "$PT_TMP/read-1" <管道 &
"$PTRACK" --socket "$PT_SOCK" export --format jsonl --out 管道 --quiet 2>"$PT_TMP/err" &
exporter=$!
wait_for 10 test -e "$PT_TMP/read-1" || pt_die "the reader read nothing"
sleep 0.5
pt_stop_bg "$exporter" TERM 3 "an export into a stalled named pipe"
check_eq "exit 143" 143 "$RC"
check_contains "says the pipe holds only the start" \
    "ptrack export: 导出已中断，管道 不完整 (stopped by SIGTERM; 管道 is not a regular file" \
    "$(cat "$PT_TMP/err")"
kill "$(cat "$PT_TMP/read-1")" 2>/dev/null || true

pt_step "stdout into a pipe whose reader stalls, SIGINT"
"${PT_SIGINT_DFL[@]}" "$PTRACK" --socket "$PT_SOCK" export --format jsonl --out - --quiet \
    2>"$PT_TMP/err" > >(exec python3 "$PT_TMP/stall.py" "$PT_TMP/read-2") &
exporter=$!
wait_for 10 test -e "$PT_TMP/read-2" || pt_die "the reader read nothing"
sleep 0.5
pt_stop_bg "$exporter" INT 3 "an export into a stalled pipe"
check_eq "exit 130" 130 "$RC"
check_contains "says stdout holds only the start" \
    "ptrack export: 导出已中断，输出不完整 (stopped by Ctrl-C (SIGINT); what went to stdout" \
    "$(cat "$PT_TMP/err")"
kill "$(cat "$PT_TMP/read-2")" 2>/dev/null || true

pt_step "stdout a non-blocking pipe, read after a pause"
python3 - "$PTRACK" "$PT_SOCK" "$PT_TMP" <<'PY'
import fcntl, os, subprocess, sys, time
ptrack, sock, tmp = sys.argv[1:4]
r, w = os.pipe()
fcntl.fcntl(w, fcntl.F_SETFL, fcntl.fcntl(w, fcntl.F_GETFL) | os.O_NONBLOCK)
err = open(os.path.join(tmp, "err"), "wb")
p = subprocess.Popen([ptrack, "--socket", sock, "export", "--format", "jsonl", "--out", "-",
                      "--quiet"], stdout=w, stderr=err)
os.close(w)
time.sleep(1.5)  # ptrack fills the pipe meanwhile
out = b""
while True:
    b = os.read(r, 65536)
    if not b:
        break
    out += b
    time.sleep(0.01)
open(os.path.join(tmp, "rc"), "w").write(str(p.wait()))
open(os.path.join(tmp, "out"), "wb").write(out)
PY
check_eq "exit 0" 0 "$(cat "$PT_TMP/rc")"
check_eq "nothing said on stderr" "" "$(cat "$PT_TMP/err")"
check_eq "the reader got every proposal" 3000 "$(wc -l <"$PT_TMP/out")"
check_contains "the last of them too" 关于停止导出第2999号的建议 "$(tail -n 1 "$PT_TMP/out")"

pt_finish
