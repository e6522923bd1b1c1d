#!/usr/bin/env bash
# An export that ptrackd cuts off midway (its exporter failed) said
# "FIFO was not written" for a named pipe or a device written directly,
# when the reader at the other end had the first proposals, and said
# nothing of stdout (--out -), where a script's next command read a
# shorter export as if whole. As when the output fails or the export is
# stopped, the line now says that what went there is only the start of
# the export; a regular FILE is still not written, and exit 3 stays.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_fixtures export_failing
chmod go-w "$FIX/fixture_export_failing.so"
# "failing" writes two proposals, one a line, then fails.
pt_config '{}' ',"plugins": [
    {"instance": "failing_out", "path": "'"$FIX"'/fixture_export_failing.so", "config": {"after": 2}}
  ]'
pt_start
cd "$PT_TMP"
for i in 1 2 3 4 5; do
    pt_cli add --title "关于中断导出第${i}号的建议"
    check_rc "proposal $i" 0
done

pt_step "a regular file: not written"
pt_cli export --format failing --out 导出.jsonl --quiet
check_rc "export cut off" 3
check_contains "says it was cut off" "ptrackd cut it off" "$ERR"
check_contains "and that the file was not written" "ptrack export: 导出.jsonl was not written" "$ERR"
check_true "no file under the name" test ! -e 导出.jsonl
check_eq "no temporary file" "" "$(ls -A | grep -F .ptrack- || true)"

pt_step "stdout: what went there is only the start"
pt_cli export --format failing --out - --quiet
check_rc "export to stdout cut off" 3
check_eq "stdout had the first two proposals" 2 "$(printf '%s\n' "$OUT" | grep -c '关于中断导出')"
check_contains "says stdout holds only the start" \
    "ptrack export: what went to stdout is only the start of the export" "$ERR"

pt_step "a named pipe, written directly: its reader has only the start"
mkfifo 管道
cat 管道 >from-pipe &
reader=$!
pt_cli export --format failing --out 管道 --quiet
check_rc "export into the pipe cut off" 3
wait "$reader"
check_eq "the reader had the first two proposals" 2 "$(grep -c '关于中断导出' from-pipe)"
check_contains "says the pipe holds only the start" \
    "ptrack export: 管道 is not a regular file and was written directly: it holds only the start of the export" \
    "$ERR"
check_true "not that it was not written" bash -c '! grep -q "was not written" <<<"$1"' _ "$ERR"

pt_finish
