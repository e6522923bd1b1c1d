#!/usr/bin/env bash
# A title or a name holding a bidirectional formatting character (U+202E
# RLO, an isolate U+2067, a mark U+200F) was printed as it is, and a
# terminal turned the rest of the line around: a table's row read
# backwards from the title on, its deadline and units with it. ptrack's
# terminal output drops them (table cells, ptrack show's lines); --json
# keeps the text exactly as ptrackd holds it. ptrackd's messages, which
# may quote such a name, and the reasons of an import's rejected records,
# which quote the file, are shown without them too; what was typed and
# is quoted in a usage error has them shown as escapes (\u202E), and its
# controls too, so that the message stays on one line. A title of them
# alone, which the table would show as nothing, is blank, and refused.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

ID="$(pt_create '{"title": "关于\u202e加强农村\u061c公路管理的建议", "delegation": "山西\u2067代表团", "lead_author": "王\u200f秀\u061c英"}')" || exit 1
pt_cli do "$ID" 交办 --unit "$(printf '省交通\u202d运输厅')"
check_rc "assigned" 0

# has_bidi TEXT: whether TEXT holds any of U+061C, U+200E, U+200F, U+202A..U+202E,
# U+2066..U+2069.
has_bidi() {
    printf %s "$1" | python3 -c '
import re, sys
t = sys.stdin.buffer.read().decode("utf-8")
print("yes" if re.search("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]", t) else "no")'
}

pt_step "ptrack list: the row without them"
pt_cli list
check_rc "list" 0
check_eq "no bidirectional control in the table" no "$(has_bidi "$OUT")"
check_contains "the title without it" "关于加强农村公路管理的建议" "$OUT"
check_contains "the delegation without it" "山西代表团" "$OUT"
check_contains "the unit without it" "省交通运输厅" "$OUT"

pt_step "ptrack show: its lines without them"
pt_cli show "$ID"
check_rc "show" 0
check_eq "no bidirectional control in the card" no "$(has_bidi "$OUT")"
check_contains "the title without it" "关于加强农村公路管理的建议" "$OUT"
check_contains "the lead author without it" "王秀英" "$OUT"

pt_step "messages: ptrackd's without them, what was typed with them shown as escapes"
pt_cli do "$ID" 签收 --unit 外交部
check_rc "a refused sign" 1
check_eq "no bidirectional control in ptrackd's message" no "$(has_bidi "$ERR")"
check_contains "the unit it names without it" "省交通运输厅" "$ERR"
pt_cli token create --name 交通厅收文 --role unit --unit "$(printf '省交通\u202d运输厅')"
check_rc "token create" 0
check_eq "no bidirectional control in what it made" no "$(has_bidi "$ERR")"
check_contains "the unit without it" "made token 交通厅收文 (unit, 省交通运输厅)" "$ERR"
pt_cli list "$(printf '省\u202e交通厅')"
check_rc "an unexpected argument" 2
check_eq "no bidirectional control in the usage error" no "$(has_bidi "$ERR")"
check_contains "the argument as typed, its U+202E escaped" '"省\u202E交通厅"' "$ERR"
pt_cli list "$(printf -- '--unit\u202e')" x
check_rc "an unknown option" 2
check_contains "the option as typed, escaped" 'unknown option --unit\u202E ' "$ERR"
pt_run "$PTRACK" "$(printf -- '--sock\u2067')" x list
check_rc "an unknown option before the command" 2
check_contains "the option as typed, escaped" 'unknown option --sock\u2067 ' "$ERR"
pt_cli list --due-before "$(printf '2026-12-01\n\u200f')"
check_rc "a bad date" 2
check_eq "a usage error on one line" 1 "$(printf '%s\n' "$ERR" | wc -l)"
printf '标题,领衔代表,状态\r\n关于加强社区养老服务的建议,张代表,草稿\u202e已提出\r\n' >"$PT_TMP/bidi.csv"
pt_cli import "$PT_TMP/bidi.csv" --format csv
check_rc "an import whose record is rejected" 1
check_contains "the reason names the cell" "is not a state" "$ERR"
check_eq "no bidirectional control in the rejected record's reason" no "$(has_bidi "$ERR")"
check_contains "the cell without it" '"草稿已提出"' "$ERR"

pt_step "a title of them alone is blank, not a row that shows nothing"
# The table and the card drop them; a title of nothing else would show as
# nothing there, and is refused as a title of spaces is.
pt_cli add --title "$(printf '\u202e\u200f\u2067\u2069\u061c')"
check_rc "add with a title of bidirectional controls alone" 1
check_contains "it is blank" "title: must not be blank" "$ERR"
check_eq "nothing was added" 1 "$(pt_count)"

pt_step "--json: the text exactly as ptrackd holds it"
pt_cli --json list
check_eq "the title with its U+202E and U+061C" "$(printf '关于\u202e加强农村\u061c公路管理的建议')" \
    "$(jv 'j["items"][0]["title"]' "$OUT")"
pt_cli --json show "$ID"
check_eq "the delegation with its U+2067" "$(printf '山西\u2067代表团')" "$(jv 'j["delegation"]' "$OUT")"

pt_finish
