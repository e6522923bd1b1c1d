#!/usr/bin/env bash
# An xlsx export keeps the rows of each of its two sheets in a temporary
# file, unlinked at once, until the workbook is written. One abandoned
# before that (its client gone while the rows were read, a stop, a
# revoked token) freed the workbook and left both files open: two
# descriptors and the rows on the disk, out of sight of df's users, for
# as long as ptrackd ran, for each such export. Now they are closed with
# the workbook.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
pt_init

# ptrackd's temporary files in a directory of the test's, to be told apart.
export TMPDIR="$PT_TMP/tmp"
mkdir -p "$TMPDIR"
pt_serve

# temp_files: ptrackd's open files in $TMPDIR.
temp_files() { find "/proc/$PT_PID/fd" -lname "$TMPDIR/*" 2>/dev/null | wc -l; }

pt_step "4000 proposals"
python3 - >"$PT_TMP/many.jsonl" <<'PY'
import json
for i in range(4000):
    print(json.dumps({"title": "关于第%d件表格导出测试的建议" % i, "category": "农业",
                      "background": "背景材料" * 20}, ensure_ascii=False))
PY
pt_import jsonl "$PT_TMP/many.jsonl"
check_status "they are imported" 201

pt_step "12 xlsx exports whose clients go while the rows are read"
python3 - "$PT_SOCK" <<'PY'
import socket, struct, sys, time
for i in range(12):
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    s.sendall(b"GET /v1/exports?format=xlsx HTTP/1.1\r\nHost: localhost\r\n\r\n")
    time.sleep(0.05)
    s.close()
    time.sleep(0.05)
PY
wait_for 60 pt_jobs_running_is 0 || pt_die "the exports did not end: $(pt_jobs_running)"
cut="$(grep -c 'an export by .* was cut off .*format xlsx' "$PT_TMP/ptrackd.log" || true)"
pt_log "$cut exports were cut off"
check_true "the exports were cut off ($cut)" test "$cut" -ge 1
check_eq "no temporary file of theirs is left open" 0 "$(temp_files)"

pt_step "a whole one"
api GET "/v1/exports?format=xlsx"
check_status "is made" 200
check_eq "and leaves none open either" 0 "$(temp_files)"

pt_stop
check_eq "ptrackd stops with 0" 0 "$PT_STOP_RC"
pt_finish
