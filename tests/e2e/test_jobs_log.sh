#!/usr/bin/env bash
# Every import and export leaves one line in ptrackd's log when it ends:
# who moved how many proposals, in which format, how many bytes and how
# long it took; or why an import was refused, and where an export was cut
# off. An operator asked what came in or went out, and when, goes by it.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve

LOG="$PT_TMP/ptrackd.log"
# The line of the log that contains $1, once it is there (the log's line
# is written just after the answer goes out).
log_line() {
    wait_for 10 grep -qF -- "$1" "$LOG" || true
    { grep -F -- "$1" "$LOG" || true; } | tail -n 1
}

pt_step "an import, then the same file again"
printf '标题,代表团,编号,届次\n关于加强农村饮水安全保障的建议,山西代表团,1001,省十四届人大三次会议\n关于加快农村公路建设的建议,太原代表团,1002,省十四届人大三次会议\n' \
    >"$PT_TMP/two.csv"
SIZE="$(stat -c %s "$PT_TMP/two.csv")"
pt_import csv "$PT_TMP/two.csv"
check_status "the import" 201
L="$(log_line "imported 2 proposals")"
check_contains "the log names who imported how many, the format and the size" \
    "root imported 2 proposals (format csv of plugin instance import_csv, $SIZE bytes, " "$L"
check_true "... and how long it took ($L)" grep -qE ' [0-9]+\.[0-9] s\)$' <<<"$L"
pt_import csv "$PT_TMP/two.csv"
check_status "the same file again" 201
check_contains "the second says what it skipped" \
    "root imported 0 proposals (format csv of plugin instance import_csv, $SIZE bytes" \
    "$(log_line "2 skipped as already stored")"

pt_step "a partial import with a rejected record"
printf '标题,类别\n关于完善城市公交线网的建议,交通\n,交通\n' >"$PT_TMP/partial.csv"
pt_import csv "$PT_TMP/partial.csv" "partial=true"
check_status "the partial import" 200
check_contains "the log counts what was rejected" "root imported 1 proposal (format csv" \
    "$(log_line "; 1 record rejected")"

pt_step "a refused import says why"
printf '标题\n"关于未闭合引号的建议\n' >"$PT_TMP/broken.csv"
pt_import csv "$PT_TMP/broken.csv"
check_error "a broken file" 422 validation_failed
check_contains "the log says it was refused, by whom, and why" \
    "an import by root was refused (format csv of plugin instance import_csv" \
    "$(log_line "a quoted field is never closed")"
check_contains "... and that nothing was imported" "nothing was imported" \
    "$(log_line "a quoted field is never closed")"

pt_step "an upload its client gives up halfway"
for i in $(seq 1 200); do printf '关于第%d项民生实事的建议,山西代表团\n' "$i"; done |
    sed '1i 标题,代表团' >"$PT_TMP/long.csv"
python3 "$PT_SOURCE_DIR/tests/e2e/pausedpost.py" "$PT_SOCK" "/v1/imports?format=csv" \
    "$PT_TMP/long.csv" 20 0.3 --close 2>/dev/null
L="$(log_line "was cut off")"
check_contains "the log says the import was cut off, by whom, and that the client went away" \
    "an import by root was cut off (format csv of plugin instance import_csv" "$L"
check_contains "... at INFO: the client's doing, not a failure of ptrackd's" " INFO " "$L"
check_eq "... and no warning of a failed import" 0 "$(grep -c "an import by root failed" "$LOG" || true)"

pt_step "a partial import its client gives up after two batches"
# 4500 records go out, then the client waits for two batches of 2000 to
# be stored and goes away: the log says what they stored, as the answer
# to a stop of ptrackd does, not only that they stay.
BEFORE="$(pt_count)"
CUTS="$(grep -c "was cut off" "$LOG" || true)"
for i in $(seq 1 6000); do printf '关于第%d项分批导入的建议,山西代表团,B%d,十四届\n' "$i" "$i"; done |
    sed '1i 标题,代表团,编号,届次' >"$PT_TMP/batches.csv"
python3 - "$PT_SOCK" "$PT_TMP/batches.csv" "$BEFORE" <<'PY'
import json, socket, sys, time
sock, name, before = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = open(name, "rb").read()
cut = 0
for _ in range(4501):
    cut = data.index(b"\n", cut) + 1
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sock)
s.sendall(("POST /v1/imports?format=csv&partial=true HTTP/1.1\r\nHost: localhost\r\n"
           "Content-Type: text/csv\r\nContent-Length: %d\r\n\r\n" % len(data)).encode() + data[:cut])
def count():
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.connect(sock)
    c.sendall(b"GET /v1/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
    got = b""
    while True:
        d = c.recv(65536)
        if not d:
            break
        got += d
    c.close()
    return json.loads(got.split(b"\r\n\r\n", 1)[1])["proposals"]
deadline = time.monotonic() + 60
while count() < before + 4000:
    if time.monotonic() > deadline:
        sys.exit("the two batches were not stored")
    time.sleep(0.05)
s.close()
PY
wait_for 30 eval '[ "$(grep -c "was cut off" "$LOG")" -gt "$CUTS" ]' || true
L="$(grep -F "was cut off" "$LOG" | tail -n 1)"
check_contains "the log says the client went away" "the import was cancelled (the client went away)" "$L"
check_contains "... and what the two batches stored" \
    "the batches stored before stay: 4000 proposals imported (ids $((BEFORE + 1)) to $((BEFORE + 4000))) and 0 skipped as already stored" \
    "$L"

pt_step "an export, through a unit's token"
TOKEN="$(pt_unit_token 水利厅收文 省水利厅)"
api POST /v1/proposals/1/actions/assign '{"mode": "single", "units": [{"name": "省水利厅", "role": "lead"}]}'
check_status "assign #1 to 省水利厅" 200
req "tcp:$TOKEN" GET "/v1/exports?format=jsonl"
check_status "the unit's export" 200
# The size the log gives: the body's bytes, as the export wrote them.
SIZE="$(python3 -c 'import sys; n = int(sys.argv[1]); print(f"{n} bytes" if n < 1024 else f"{n / 1024:.1f} KiB")' \
    "$(stat -c %s "$PT_TMP/resp.body")")"
check_contains "the log names the token, what the unit may see (1 proposal) and the bytes sent" \
    "水利厅收文 exported 1 proposal (format jsonl of plugin instance export_json, $SIZE, " \
    "$(log_line "水利厅收文 exported")"

pt_finish
