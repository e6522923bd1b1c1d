#!/usr/bin/env bash
# ptrack export --out - into a stdout that another program made
# non-blocking (a terminal or a pipe shared with it: O_NONBLOCK is on the
# open file, not the process), with a reader slower than ptrackd: the
# write found the pipe full, EAGAIN, and the export failed, "cannot write
# stdout: Resource temporarily unavailable", exit 4, the reader left with
# its start. It now waits for room as a blocking write does, and the
# reader gets the whole export.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli
cd "$PT_TMP"

# Some 600 KB of proposals: far more than a pipe holds.
python3 - "$PT_TMP/many.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w", encoding="utf-8") as f:
    for i in range(300):
        f.write(json.dumps({"title": "关于非阻塞输出第%d号的建议" % i, "number": "N%d" % i,
                            "session": "十四届", "background": "背景说明。" * 100},
                           ensure_ascii=False) + "\n")
PY
pt_cli import "$PT_TMP/many.jsonl" --quiet
check_rc "proposals to export" 0

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
check_eq "the reader got every proposal" 300 "$(wc -l <"$PT_TMP/out")"
check_contains "the last of them too" 关于非阻塞输出第299号的建议 "$(tail -n 1 "$PT_TMP/out")"

pt_finish
