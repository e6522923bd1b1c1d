#!/usr/bin/env bash
# ptrack add --from-file whose reader goes away (| head -1) adds the whole
# file all the same, and says on stderr that its output was lost, how many
# were added and that ptrackd made the change (exit 4, as for add >
# /dev/full): it was ended by SIGPIPE at the write after head left, the
# rest of the file not added and nothing said. A command that has changed
# nothing (list) still ends quietly when its reader goes, as before.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

# cut_short ARGS...: ptrack ARGS | head -n 1, with ptrack's exit code in
# RC, its stderr in ERR, and the first line in OUT. The pipe holds 4 KiB
# (F_SETPIPE_SZ), not 64: so ptrack cannot have written all it has before
# the reader goes, however late a busy machine runs the reader, and a
# write after it does fail.
cut_short() {
    set +e
    python3 - "$PT_TMP/cut.out" "$PT_TMP/cut.err" "$PTRACK" --socket "$PT_SOCK" "$@" <<'EOF'
import fcntl, os, subprocess, sys
r, w = os.pipe()
fcntl.fcntl(w, 1031, 4096)  # F_SETPIPE_SZ
with open(sys.argv[2], "wb") as err:
    p = subprocess.Popen(sys.argv[3:], stdin=subprocess.DEVNULL, stdout=w, stderr=err)
os.close(w)
got = b""
while b"\n" not in got:
    chunk = os.read(r, 4096)
    if not chunk:
        break
    got += chunk
os.close(r)
with open(sys.argv[1], "wb") as out:
    out.write(got.split(b"\n")[0] + b"\n" if got else b"")
rc = p.wait()
sys.exit(rc if rc >= 0 else 128 - rc)
EOF
    RC=$?
    set -e
    OUT="$(cat "$PT_TMP/cut.out")"
    ERR="$(cat "$PT_TMP/cut.err")"
}

pt_step "many proposals from a file, the reader gone after the first line"
# 300 lines of output are more than the pipe's 4 KiB and stdio's: the
# writes past the reader's exit fail.
python3 -c '
import json, sys
json.dump([{"title": "关于第%d项读者先走的建议" % i, "delegation": "山西代表团"} for i in range(1, 301)],
          open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)' "$PT_TMP/many.json"
cut_short add --from-file "$PT_TMP/many.json"
check_contains "head printed the first proposal" "关于第1项读者先走的建议" "$OUT"
check_rc "ptrack add --from-file | head -1 is not ended by SIGPIPE (141)" 4
check_eq "every proposal of the file was added" 300 "$(pt_count)"
check_contains "stderr says the output was lost" "ptrack: writing the output:" "$ERR"
check_contains "and that ptrackd made the change all the same" \
    "ptrackd has made the change all the same" "$ERR"
check_contains "and how many were added" "ptrack add: 已新增 300 / 300 条 (300 of 300 added)" "$ERR"

pt_step "--json: the array of what was added, lost"
python3 -c '
import json, sys
json.dump([{"title": "关于第%d项以JSON输出的建议" % i} for i in range(1, 121)],
          open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)' "$PT_TMP/json.json"
cut_short --json add --from-file "$PT_TMP/json.json"
check_rc "ptrack --json add --from-file | head -1" 4
check_eq "every proposal of it was added" 420 "$(pt_count)"
check_contains "stderr says the change was made all the same" \
    "ptrackd has made the change all the same" "$ERR"

pt_step "one proposal, the reader gone before it reads"
# The pipe's reading end is closed before ptrack starts: the reader is
# gone whatever the scheduler does.
set +e
python3 - "$PT_TMP/one.err" "$PTRACK" --socket "$PT_SOCK" add --title 关于读者未读的建议 <<'EOF'
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
with open(sys.argv[1], "wb") as err:
    rc = subprocess.call(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=w, stderr=err)
sys.exit(rc if rc >= 0 else 128 - rc)
EOF
RC=$?
set -e
ERR="$(cat "$PT_TMP/one.err")"
check_rc "ptrack add | true" 4
check_contains "says ptrackd made the change all the same" \
    "ptrackd has made the change all the same" "$ERR"
check_eq "and it was added" 421 "$(pt_count)"

pt_step "a read says nothing when its reader goes"
# Whether the reader has left before the table's last write is up to the
# scheduler: the exit is 141 (SIGPIPE, as before) or 0, never a message.
cut_short list --all
check_contains "head printed the header" "标题" "$OUT"
check_true "list --all | head -1 ends by SIGPIPE or whole (exit $RC)" test "$RC" = 141 -o "$RC" = 0
check_eq "and says nothing" "" "$ERR"

pt_finish
