#!/usr/bin/env bash
# A file name is bytes in any encoding (a GBK name from a Windows share),
# and may hold control characters: a message that quotes one as it was
# typed (import FILE, add --from-file, --set-file, export --out, --socket)
# shows it as other typed text is shown, its bytes that are not UTF-8 and
# its controls as \xNN, where it wrote them to the terminal as they were:
# a GBK name as mojibake, an ESC [2J that cleared the screen. A command the
# message proposes to type (iconv, ptrack import) names FILE instead of a
# name that is not shown as it is.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

# 答复 in GBK; an ESC [2J (clear the screen) before 清屏.
GBK="$(printf '\xb4\xf0\xb8\xb4')"
GBK_SHOWN='\xb4\xf0\xb8\xb4'
ESC="$(printf '\033[2J清屏')"
ESC_SHOWN='\x1b[2J清屏'

# shown_ok WHAT TEXT: TEXT is UTF-8 and holds no ESC.
shown_ok() {
    check_true "$1: UTF-8, no ESC" python3 -c '
import sys
b = sys.argv[1].encode("utf-8", "surrogateescape")
b.decode("utf-8")
sys.exit(b"\x1b" in b)' "$2"
}

pt_step "import FILE"
pt_cli import "$PT_TMP/$GBK.json"
check_rc "import of a GBK name that is not there" 2
check_eq "its name shown" \
    "ptrack import: cannot read $PT_TMP/$GBK_SHOWN.json: No such file or directory" "$ERR"
shown_ok "import, GBK" "$ERR"
mkdir "$PT_TMP/$ESC"
pt_cli import "$PT_TMP/$ESC" --format json
check_rc "import of a directory whose name holds an ESC" 2
check_eq "its name shown" \
    "ptrack import: cannot read $PT_TMP/$ESC_SHOWN: Is a directory (nothing was imported)" "$ERR"
shown_ok "import, ESC" "$ERR"

pt_step "add --from-file"
printf '{"title": ' >"$PT_TMP/$GBK.json"
pt_cli add --from-file "$PT_TMP/$GBK.json"
check_rc "add --from-file of a GBK name holding bad JSON" 2
check_contains "its name shown" "ptrack add: $PT_TMP/$GBK_SHOWN.json is not valid JSON" "$ERR"
shown_ok "add, GBK" "$ERR"
printf '{"title": "%s"}\n{"title": "b"}\n' "$GBK" >"$PT_TMP/$ESC.json"
pt_cli add --from-file "$PT_TMP/$ESC.json"
check_rc "add --from-file of a name with an ESC, holding GBK" 2
check_eq "its name shown, and FILE in the command to convert it" \
    "ptrack add: $PT_TMP/$ESC_SHOWN.json is not UTF-8 text (byte 12); save it as UTF-8, or convert it: iconv -f GBK -t UTF-8 FILE > FILE.utf8" \
    "$ERR"
shown_ok "add, ESC" "$ERR"
printf '{"title": "关于一"}\n{"title": "关于二"}\n' >"$PT_TMP/$ESC.json"
pt_cli add --from-file "$PT_TMP/$ESC.json"
check_rc "add --from-file of JSON Lines, by a name with an ESC" 2
check_contains "its name shown, FILE in the command" \
    "ptrack add: $PT_TMP/$ESC_SHOWN.json holds more than one JSON value (one object a line is JSON Lines: use ptrack import FILE --format jsonl" \
    "$ERR"
shown_ok "add, JSON Lines" "$ERR"

pt_step "a name the shell would split is quoted in the command to type"
# The command in the message, typed as it is shown, converts the file.
NAME="$PT_TMP/王's 建议 \$1.json"
printf '{"title": "%s"}\n' "$(printf '关于' | iconv -f UTF-8 -t GBK)" >"$NAME"
pt_cli add --from-file "$NAME"
check_rc "add --from-file of GBK text, by a name with a blank, a quote and a \$" 2
CMD="${ERR#*convert it: }"
check_eq "the command quotes the name" \
    "iconv -f GBK -t UTF-8 '$PT_TMP/王'\\''s 建议 \$1.json' > '$PT_TMP/王'\\''s 建议 \$1.json'.utf8" "$CMD"
(cd "$PT_TMP" && bash -c "$CMD") 2>/dev/null || true
check_contains "typed as shown, it converts the file" '关于' "$(cat "$NAME.utf8" 2>/dev/null)"
printf '{"title": "关于一"}\n{"title": "关于二"}\n' >"$PT_TMP/-提案.json"
pt_cli add --from-file "$PT_TMP/-提案.json"
check_contains "a name that is fine for the shell stays as it is" \
    "use ptrack import $PT_TMP/-提案.json --format jsonl" "$ERR"

pt_step "--set-file"
pt_cli --json add --title 关于文件名显示的建议
ID="$(jv 'j["id"]' "$OUT")"
pt_cli do "$ID" supervise --set key_supervision=true --set-file "supervisor=$PT_TMP/$ESC.txt"
check_rc "do --set-file of a name with an ESC that is not there" 2
check_eq "its name shown" \
    "ptrack do: cannot read $PT_TMP/$ESC_SHOWN.txt: No such file or directory" "$ERR"
shown_ok "--set-file" "$ERR"

pt_step "export --out"
pt_cli export --format csv --out "$PT_TMP/$GBK/proposals.csv"
check_rc "export into a GBK directory that is not there" 4
check_contains "its name shown" \
    "ptrack export: cannot write $PT_TMP/$GBK_SHOWN/proposals.csv: its directory $PT_TMP/$GBK_SHOWN does not exist" \
    "$ERR"
shown_ok "export, GBK" "$ERR"
pt_cli export --format csv --out "$PT_TMP/$ESC.csv"
check_rc "export into a name with an ESC" 0
check_true "the file is there, by the name given" test -s "$PT_TMP/$ESC.csv"
check_contains "what it says names it shown" "exported to $PT_TMP/$ESC_SHOWN.csv" "$OUT"
shown_ok "export, ESC" "$OUT"

pt_step "--socket"
pt_run "$PTRACK" --socket "$PT_TMP/$ESC.sock" list
check_rc "a socket whose name holds an ESC, not there" 3
check_contains "its name shown" "cannot connect to ptrackd at $PT_TMP/$ESC_SHOWN.sock:" "$ERR"
shown_ok "--socket" "$ERR"

pt_finish
