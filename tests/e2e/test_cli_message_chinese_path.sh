#!/usr/bin/env bash
# A message on a terminal does not break a file's path between its Chinese
# characters (import, export --out, add --from-file, edit --set-file, and
# the iconv command that converts a file): the path starts a line of its
# own where it fits there; one wider than the line starts one and is
# broken only where the line is full. It broke where the terminal's edge
# fell, as Chinese text does: cannot read /tmp/办公室文件夹/二〇二 and the
# rest of the name on the next line. A pipe gets each message on one line.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli
pt_cli add --title 关于加强农村饮水安全保障的建议
check_rc "a proposal to edit" 0
ID="$(sed -n 's/^#\([0-9]*\) .*/\1/p' <<<"$OUT")"

SHORT="$PT_TMP/办公室/建议.csv"
LONG="$PT_TMP/办公室文件夹/二〇二六年人大代表建议汇总表格第一批次最终版本确认稿件.csv"

# path_lines COLS PATH: checks that PATH starts a line of TTY, and that the
# lines it goes on over are full: each but the last within COLS columns and
# no more than one column short of them (a Chinese character takes two).
path_lines() {
    python3 - "$1" "$2" "$TTY" <<'PY'
import sys, unicodedata
cols, path, tty = int(sys.argv[1]), sys.argv[2], sys.argv[3]
def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
lines = tty.split("\n")
for i, l in enumerate(lines):
    if l.lstrip().startswith(path[:8]):
        break
else:
    sys.exit("no line starts with the path:\n" + tty)
rest, at = path, i
while True:
    piece = lines[at].lstrip()
    if rest.startswith(piece) and piece:
        if width(lines[at]) > cols or width(lines[at]) < cols - 1:
            sys.exit("line %r holds a piece of the path but is not full" % lines[at])
        rest, at = rest[len(piece):], at + 1
        continue
    if not piece.startswith(rest):
        sys.exit("the path is not whole from line %d:\n%s" % (i + 1, tty))
    break
PY
}

for cols in 40 60; do
    for args in "import|$SHORT" "add --from-file|$SHORT" "edit $ID --set-file|background=$SHORT" \
        "export --format csv --out|$SHORT"; do
        # shellcheck disable=SC2086
        pt_cli_cols "$cols" ${args%|*} "${args#*|}"
        what="${args%%|*} at $cols columns"
        check_true "$what: refused" test "$RC" -ne 0
        check_contains "$what: the path whole on a line" "$SHORT:" "$TTY"
        check_true "$what: every line fits (widest $(widest <<<"$TTY"))" \
            test "$(widest <<<"$TTY")" -le "$cols"
        value="${args#*|}"
        # shellcheck disable=SC2086
        pt_cli_cols "$cols" ${args%|*} "${value/$SHORT/$LONG}"
        check_true "$what, a path wider than the line: refused" test "$RC" -ne 0
        check_true "... its path starts a line and is broken only where one is full" \
            path_lines "$cols" "$LONG:"
    done
done

pt_step "the command that converts a file names it whole"
# A file in GBK (a .csv is pointed to ptrack import instead).
GBK="$PT_TMP/办公室/建议.dat"
mkdir -p "$PT_TMP/办公室"
printf '\xbd\xa8\xd2\xe9\n' >"$GBK"
for cols in 40 60; do
    pt_cli_cols "$cols" add --from-file "$GBK"
    check_true "not UTF-8: refused" test "$RC" -ne 0
    check_eq "the file named three times, whole each time, at $cols columns" 3 \
        "$(grep -oF "$GBK" <<<"$TTY" | wc -l)"
    check_contains "the converted file's name whole" "$GBK.utf8" "$TTY"
    check_contains "the command whole, its lines joined" "iconv -f GBK -t UTF-8 $GBK > $GBK.utf8" \
        "$(sed -e ':a' -e 'N' -e '$!ba' -e 's/\n  / /g' <<<"$TTY")"
    check_true "every line fits (widest $(widest <<<"$TTY"))" \
        test "$(widest <<<"$TTY")" -le "$cols"
done

pt_step "a pipe: each message on one line"
pt_cli import "$LONG"
check_eq "import" "ptrack import: cannot read $LONG: No such file or directory" "$ERR"

pt_finish
