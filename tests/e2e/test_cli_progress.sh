#!/usr/bin/env bash
# The progress line of `ptrack import` and `ptrack export`: drawn on stderr
# when it is a terminal, never into a pipe or a log, not with --quiet, and
# not when the export itself is written to the terminal (--out - on a
# screen), where it would be drawn into the text and wipe it; a rate only
# once one was measured, never the 0 B/s of a transfer that has just begun.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

# on_tty OUT ARGS...: runs ptrack with stdin and stderr on a terminal, and
# stdout on it too when OUT is "-", else into the file OUT; sets RC and TTY
# (what the terminal showed, escapes and carriage returns included).
on_tty() {
    local out="$1"
    shift
    set +e
    if [ "$out" = - ]; then
        TTY="$(python3 "$PT_E2E_DIR/ptyrun.py" -- "$PTRACK" --socket "$PT_SOCK" "$@")"
    else
        TTY="$(python3 "$PT_E2E_DIR/ptyrun.py" --stdout "$out" -- "$PTRACK" --socket "$PT_SOCK" "$@")"
    fi
    RC=$?
    set -e
}
drawn() { [[ "$TTY" == *$'\033[K'* ]]; }
not_drawn() { ! drawn; }

# A few hundred proposals: enough bytes that an export takes a moment.
python3 - "$PT_TMP/many.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w", encoding="utf-8") as f:
    for i in range(300):
        f.write(json.dumps({"title": "关于进度显示第%d号的建议" % i, "number": "P%d" % i,
                            "session": "十四届", "background": "背景说明。" * 40},
                           ensure_ascii=False) + "\n")
PY

pt_step "import: a progress line on a terminal, none into a pipe or with --quiet"
on_tty "$PT_TMP/import.out" import "$PT_TMP/many.jsonl"
check_eq "import on a terminal: exit 0" 0 "$RC"
check_contains "the terminal shows the progress line" "导入 " "$TTY"
check_true "drawn in place (carriage return, erase to the end of the line)" drawn
check_contains "the count goes to stdout" "已导入 300 条" "$(cat "$PT_TMP/import.out")"
pt_cli import "$PT_TMP/many.jsonl"
check_rc "import again, stderr not a terminal" 0
check_true "no progress line into a pipe" test "${ERR}" = ""
on_tty "$PT_TMP/import.out" import "$PT_TMP/many.jsonl" --quiet
check_true "--quiet draws no line" not_drawn

pt_step "export: a progress line on a terminal, none into the exported text"
on_tty "$PT_TMP/export.out" export --format jsonl --out "$PT_TMP/all.jsonl"
check_eq "export into a file: exit 0" 0 "$RC"
check_contains "the terminal shows the progress line" "导出 " "$TTY"
check_true "drawn in place" drawn
check_eq "the file holds every proposal" 300 "$(wc -l <"$PT_TMP/all.jsonl")"
on_tty "$PT_TMP/export.out" export --format jsonl --out -
check_eq "export to stdout, a file: exit 0" 0 "$RC"
check_eq "stdout holds every proposal" 300 "$(wc -l <"$PT_TMP/export.out")"
check_true "stderr on a terminal still shows the line" drawn
on_tty - export --format jsonl --out -
check_eq "export onto the terminal: exit 0" 0 "$RC"
check_true "no progress line drawn into the text on the screen" not_drawn
check_eq "every line on the screen is a whole proposal" 300 \
    "$(printf '%s' "$TTY" | tr -d '\r' | grep -c '^{.*"title".*}$' || true)"
on_tty "$PT_TMP/export.out" export --format jsonl --out "$PT_TMP/all.jsonl" --quiet
check_true "--quiet draws no line" not_drawn

pt_step "import from a slow pipe: the line moves as the bytes come"
# About 20 KB, a pause of 2 s, then 20 KB more: all of it less than curl's
# upload buffer, which a read that waits for a full buffer would fill only
# at the end, so that the line would show nothing between 0 and the whole.
cat >"$PT_TMP/slow.py" <<'PY'
import json, sys, time
out = sys.stdout.buffer
def part(first, n):
    for i in range(first, first + n):
        out.write((json.dumps({"title": "关于慢速管道第%d号的建议" % i, "number": "S%d" % i,
                               "session": "十四届", "background": "背景。" * 40},
                              ensure_ascii=False) + "\n").encode())
    out.flush()
part(0, 60)
time.sleep(2)
part(60, 60)
PY
set +e
TTY="$(python3 "$PT_E2E_DIR/ptyrun.py" --stdout "$PT_TMP/import.out" -- /bin/sh -c \
    "env python3 '$PT_TMP/slow.py' | '$PTRACK' --socket '$PT_SOCK' import - --format jsonl")"
RC=$?
set -e
check_eq "import from the pipe: exit 0" 0 "$RC"
check_contains "every record stored" "已导入 120 条" "$(cat "$PT_TMP/import.out")"
# The figures the line showed, in bytes, in order.
shown="$(printf '%s' "$TTY" | tr '\r' '\n' | sed -n 's/^导入 \([0-9.]*\) \(B\|KB\).*/\1 \2/p' |
    awk '{ print ($2 == "KB") ? int($1 * 1024) : $1 }')"
last="$(printf '%s\n' "$shown" | tail -n 1)"
between() { printf '%s\n' "$shown" | awk -v last="$last" '$1 > 0 && $1 < last { f = 1 } END { exit !f }'; }
check_true "the line showed the first part before the rest came (shown: $(echo $shown))" between
# The frames drawn, one a line; the first comes before anything could be
# measured, and says no rate rather than 0 B/s, which would read as a
# stall; the 2 s pause gives the later ones a rate.
frames="$(printf '%s' "$TTY" | tr '\r' '\n' | sed -n 's/\x1b\[K$//; /^导入 /p')"
check_true "the first frame shows no rate ($(printf '%s\n' "$frames" | head -n 1))" \
    bash -c '! grep -q "/s" <<<"$1"' _ "$(printf '%s\n' "$frames" | head -n 1)"
check_true "no frame says 0 B/s" bash -c '! grep -q " 0 B/s" <<<"$1"' _ "$frames"
check_true "a later frame shows the rate" grep -qE '[0-9.]+ (B|KB|MB)/s$' <<<"$frames"

pt_finish
