#!/usr/bin/env bash
# `--due-within DAYS` (list, export, stats) finds the proposals whose running
# deadline falls within the next DAYS days: it is sent as due_before = now +
# DAYS days. A value that is not a positive whole number of days, or one
# given with --due-before, is a usage error (exit 2) found before anything
# is sent; fullwidth digits are taken, as for the other numbers.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli '{"reply": "5d"}'

ids() { jv '",".join(str(p["id"]) for p in j["items"])' "$OUT"; }

pt_step "three proposals: due in 5 days, due in 60 days, no deadline"
pt_cli --json add --title 关于五天内到期的建议
SOON="$(jv 'j["id"]' "$OUT")"
pt_cli do "$SOON" assign --unit 省水利厅
check_rc "assign: due in 5 days" 0
pt_cli --json add --title 关于六十天后到期的建议
LATER="$(jv 'j["id"]' "$OUT")"
pt_cli do "$LATER" assign --unit 省交通运输厅
pt_cli do "$LATER" sign --unit 省交通运输厅
DAY60="$(python3 -c 'import datetime; print(datetime.date.today() + datetime.timedelta(days=60))')"
pt_cli do "$LATER" extend --set "due_at=$DAY60"
check_rc "extend to 60 days from now" 0
pt_cli --json add --title 关于没有期限的建议
check_rc "add one not assigned" 0
NONE="$(jv 'j["id"]' "$OUT")"

pt_step "list --due-within"
pt_cli --json list --due-within 7
check_rc "list --due-within 7" 0
check_eq "only the one due in 5 days" "$SOON" "$(ids)"
pt_cli --json list --due-within 4
check_eq "within 4 days: none" "" "$(ids)"
pt_cli --json list --due-within 90 --sort due_at
check_eq "within 90 days: both with a deadline, none without" "$SOON,$LATER" "$(ids)"
pt_cli --json list --due-within ７
check_rc "fullwidth digits" 0
check_eq "--due-within ７ is 7" "$SOON" "$(ids)"
for days in 7天 ７天 7日 7d "7 天" "７　日" "7 d"; do
    pt_cli --json list --due-within "$days"
    check_rc "--due-within $days" 0
    check_eq "--due-within $days is 7" "$SOON" "$(ids)"
done
pt_cli list --due-within 7
check_contains "the table shows it" 关于五天内到期的建议 "$OUT"

pt_step "stats and export take it too"
pt_cli --json stats --due-within 7
check_rc "stats --due-within 7" 0
check_eq "stats count one" 1 "$(jv 'j["total"]' "$OUT")"
pt_cli --json stats --due-within 90
check_eq "stats within 90 days count two" 2 "$(jv 'j["total"]' "$OUT")"
pt_cli export --format json --out - --quiet --due-within 7
check_rc "export --due-within 7" 0
check_eq "export holds the one" "[$SOON]" "$(jv '[p["id"] for p in j]' "$OUT")"

pt_step "list --sort due_at: what is due next first"
# A replied proposal keeps the due_at it had, sooner than LATER's, but
# its deadline has stopped: it comes after every deadline that runs, in
# the order of the id with the one that has none.
pt_cli --json add --title 关于已经答复的建议
REPLIED="$(jv 'j["id"]' "$OUT")"
pt_cli do "$REPLIED" assign --unit 省水利厅
pt_cli do "$REPLIED" sign --unit 省水利厅
pt_cli do "$REPLIED" reply --unit 省水利厅 --set doc_no=晋水函〔2026〕9号 --set category=A --set text=已办理
check_rc "reply: replied, its due_at kept" 0
pt_cli --json list --sort due_at
check_eq "--sort due_at: the running deadlines soonest first, then by id" \
    "$SOON,$LATER,$NONE,$REPLIED" "$(ids)"
pt_cli --json list --sort -due_at
check_eq "--sort -due_at: the same reversed" "$REPLIED,$NONE,$LATER,$SOON" "$(ids)"
pt_cli --json list --sort due_at --limit 1 --all
check_eq "--all, page by page: the same" "$SOON,$LATER,$NONE,$REPLIED" "$(ids)"
pt_cli list --sort due_at
check_eq "the table's first row is the one due next, with its 期限" "$SOON 关于五天内到期的建议 date" \
    "$(sed -n 2p <<<"$OUT" | awk '{print $1, $3, ($NF ~ /^[0-9]+-[0-9]+-[0-9]+$/) ? "date" : $NF}')"

pt_step "bad values are usage errors"
for bad in 0 -3 abc 1.5 7周 天 d 7天天 "" 36501; do
    pt_cli list --due-within "$bad"
    check_rc "list --due-within '$bad'" 2
    check_contains "the message says what it takes" "--due-within takes a number of days" "$ERR"
done
pt_cli stats --due-within 0
check_rc "stats --due-within 0" 2
pt_cli export --format json --out - --due-within x
check_rc "export --due-within x" 2
pt_cli list --due-within 7 --due-before 2099-01-01
check_rc "both --due-within and --due-before" 2
check_contains "the message names both" "--due-before and --due-within" "$ERR"

pt_finish
