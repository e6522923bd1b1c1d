#!/usr/bin/env bash
# The progress line of `ptrack import` and `ptrack export` on a terminal
# narrower than the line: it was drawn whole, the terminal wrapped it, and
# the \r of each redraw went back only to the start of its last row, so
# that every frame left a row of the line behind, a screenful of them for
# one transfer. The line now fits the terminal: what does not fit is left
# out, the rate first, then the count, then the total, and what is still
# too wide is cut with …; on a wide terminal it is drawn whole as before.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

# A pipe that gives 60 records (numbered after its argument), waits 2 s
# (so that the line shows a rate), then gives 60 more.
cat >"$PT_TMP/slow.py" <<'PY'
import json, sys, time
out = sys.stdout.buffer
def part(first, n):
    for i in range(first, first + n):
        out.write((json.dumps({"title": "关于窄终端第%d号的建议" % i,
                               "number": "N%s-%d" % (sys.argv[1], i), "session": "十四届", "background": "背景。" * 40},
                              ensure_ascii=False) + "\n").encode())
    out.flush()
part(0, 60)
time.sleep(2)
part(60, 60)
PY

# fits COLS: every frame is narrower than COLS columns (the last column
# is left free: a frame that fills it leaves the cursor waiting to wrap).
fits() {
    [ -n "$FRAMES" ] && [ "$(printf '%s\n' "$FRAMES" | widest)" -lt "$1" ]
}

pt_step "export on a terminal of 14 columns: the count left out, the bytes stay"
python3 - "$PT_TMP/many.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w", encoding="utf-8") as f:
    for i in range(2000):
        f.write(json.dumps({"title": "关于导出第%d号的建议" % i, "number": "E%d" % i,
                            "session": "十四届", "background": "背景说明。" * 100},
                           ensure_ascii=False) + "\n")
PY
pt_cli import "$PT_TMP/many.jsonl" --quiet
check_rc "2000 proposals to export" 0
set +e
TTY="$(python3 "$PT_E2E_DIR/ptyrun.py" --cols 14 --stdout "$PT_TMP/export.out" -- \
    "$PTRACK" --socket "$PT_SOCK" export --format jsonl --out "$PT_TMP/all.jsonl")"
RC=$?
set -e
FRAMES="$(printf '%s' "$TTY" | tr '\r' '\n' | sed -n 's/\x1b\[K$//; /^./p')"
check_eq "export: exit 0" 0 "$RC"
check_eq "the file holds every proposal" 2000 "$(wc -l <"$PT_TMP/all.jsonl")"
check_true "every frame fits in 13 columns ($(printf '%s\n' "$FRAMES" | tail -n 1))" fits 14
check_true "the frames show the bytes" grep -qE '^导出 [0-9.]+ (B|KB|MB)$' <<<"$FRAMES"

# import_on COLS: imports the slow pipe on a terminal COLS columns wide;
# sets RC and FRAMES, the frames of the line drawn, one a line.
import_on() {
    local tty
    set +e
    tty="$(python3 "$PT_E2E_DIR/ptyrun.py" --cols "$1" --stdout "$PT_TMP/import.out" -- /bin/sh -c \
        "env python3 '$PT_TMP/slow.py' $1 | '$PTRACK' --socket '$PT_SOCK' import - --format jsonl")"
    RC=$?
    set -e
    FRAMES="$(printf '%s' "$tty" | tr '\r' '\n' | sed -n 's/\x1b\[K$//; /^./p')"
}

pt_step "a terminal of 100 columns: the whole line, rate and all"
import_on 100
check_eq "import: exit 0" 0 "$RC"
check_contains "every record stored" "已导入 120 条" "$(cat "$PT_TMP/import.out")"
check_true "a frame shows the rate ($(printf '%s\n' "$FRAMES" | tail -n 1))" \
    grep -qE '^导入 [0-9.]+ (B|KB)  [0-9.]+ (B|KB)/s$' <<<"$FRAMES"

pt_step "a terminal of 16 columns: the line fits, the rate left out"
import_on 16
check_eq "import: exit 0" 0 "$RC"
check_contains "every record stored" "已导入 120 条" "$(cat "$PT_TMP/import.out")"
check_true "every frame fits in 15 columns ($(printf '%s\n' "$FRAMES" | widest) wide: $(
    printf '%s\n' "$FRAMES" | tail -n 1))" fits 16
check_true "the frames still show the bytes" grep -qE '^导入 [0-9.]+ (B|KB)$' <<<"$FRAMES"
check_true "and no rate" bash -c '! grep -q "/s" <<<"$1"' _ "$FRAMES"

pt_step "a terminal of 8 columns: the line is cut with …"
import_on 8
check_eq "import: exit 0" 0 "$RC"
check_contains "every record stored" "已导入 120 条" "$(cat "$PT_TMP/import.out")"
check_true "every frame fits in 7 columns ($(printf '%s\n' "$FRAMES" | tail -n 1))" fits 8
check_true "cut with …" grep -q '^导入 .*…$' <<<"$FRAMES"

pt_finish
