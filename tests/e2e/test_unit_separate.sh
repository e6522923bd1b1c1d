#!/usr/bin/env bash
# test_unit_separate.sh - a 分办 (separate-mode) proposal that only some of
# its units have answered, as `ptrack show`, `ptrack do`, GET /v1/stats and
# the md report tell it. Checks: show names the units still awaited
# (待答复单位), to the office and to a unit, as `ptrack do` does after the
# reply; the proposal is not counted as answered (办复) yet, by the stats'
# reply_rate and reply_categories and by the report's 办复率 and 办理结果,
# which agree; once the last unit has replied the row is gone and every
# figure counts it; in the rehandling round that follows, which any one
# unit's answer ends, no unit is named as awaited.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_config '{}'
pt_start --plugin-dir "$PT_BUILD_DIR/plugins"

MONEY="$(pt_unit_token 财政厅联络员 财政厅)"
awaited() { printf '%s\n' "$OUT" | grep '待答复单位 Awaiting' | sed 's/^ *//' | tr -s ' '; }
rate() { # the report's 办复率 row
    pt_cli export --format md --out -
    printf '%s\n' "$OUT" | grep '^| 办复率 |'
}

P0="$(pt_assigned 关于加强河道治理的建议 single '[{"name": "水利厅", "role": "lead"}]')"
pt_act "$P0" sign '{"unit": "水利厅"}'
pt_act "$P0" reply "$(pt_reply_body 水利厅 水函〔2026〕9号)"

pt_step "one of two units has replied"
P1="$(pt_assigned 关于完善水价补贴的建议 separate '[{"name": "水利厅"}, {"name": "财政厅"}]')"
pt_act "$P1" sign '{"unit": "财政厅"}'
pt_run "$PTRACK" --url "$PT_URL" --token "$MONEY" do "$P1" 答复 --set doc_no=财函〔2026〕1号 \
    --set category=B --set text=财政厅部分的答复
check_rc "财政厅 replies" 0
check_contains "ptrack do names the unit still awaited" "待答复单位 awaiting replies: 水利厅" "$OUT"
pt_cli show "$P1"
check_eq "show names it too" "待答复单位 Awaiting 水利厅" "$(awaited)"
pt_run "$PTRACK" --url "$PT_URL" --token "$MONEY" show "$P1"
check_eq "as the unit that replied reads it" "待答复单位 Awaiting 水利厅" "$(awaited)"
pt_cli show "$P0"
check_eq "a single-mode proposal has no such row" "" "$(awaited)"
api GET /v1/stats
check_eq "stats: not answered yet, 1 of 2, its B not counted" "0.5 0" \
    "$(jv '"%s %s" % (j["reply_rate"], j["reply_categories"]["B"])')"
check_eq "the report agrees" "| 办复率 | 50.0%（1/2） |" "$(rate)"
check_eq "and has no 办理结果 for it yet" "" \
    "$(printf '%s\n' "$OUT" | grep '^| #'"$P1"' |' | awk -F'|' '{gsub(/ /, "", $9); print $9}')"

pt_step "the other unit replies"
pt_act "$P1" reply "$(pt_reply_body 水利厅 水函〔2026〕1号)"
check_eq "replied" replied "$(jv 'j["status"]')"
pt_cli show "$P1"
check_eq "show names no one" "" "$(awaited)"
api GET /v1/stats
check_eq "stats: answered, by the category of the latest reply" "1 2 0" \
    "$(jv '"%s %s %s" % (j["reply_rate"], j["reply_categories"]["A"], j["reply_categories"]["B"])')"
check_eq "the report agrees" "| 办复率 | 100.0%（2/2） |" "$(rate)"

pt_step "rehandling: any one unit's answer ends the round"
pt_act "$P1" feedback '{"person": "张代表", "satisfaction": "unsatisfied"}'
pt_cli show "$P1"
check_eq "show names no one as awaited" "" "$(awaited)"
pt_act "$P1" reply "$(pt_reply_body 财政厅 财函〔2026〕2号)"
check_eq "one reply moves it on" replied "$(jv 'j["status"]')"

pt_finish
