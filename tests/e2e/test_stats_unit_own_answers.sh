#!/usr/bin/env bash
# test_stats_unit_own_answers.sh - the figures a unit sees as its own
# (GET /v1/stats?unit=, a unit's own token, ptrack stats --unit; the
# reports of a unit's export agree, test_stats_figures_agree) count its
# own answers, of proposals answered through the API or imported: in
# separate mode (分办) each unit replies on its own with a category of its
# own, and the unit's reply_categories count that reply's category (its
# latest one that is not a 补充答复), not the proposal's latest reply,
# which may be another unit's; a unit that has replied while another unit
# is awaited has answered its part, and its reply_rate counts it, as its
# overdue leaves it out. A co unit (lead_co mode) gives an opinion and
# answers nothing: the proposals it is co on are left out of its
# reply_rate and reply_categories. The whole store's figures count a
# proposal once every unit has answered, by its latest reply.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

pt_office_workflow "$PT_TMP/wf.json"
pt_serve_cli '{}' ', "workflow": "'"$PT_TMP/wf.json"'"'

assign() { pt_act "$1" assign "{\"mode\": \"$2\", \"units\": $3}"; }
sign() { pt_act "$1" sign "{\"unit\": \"$2\"}"; }
reply() { pt_act "$1" reply "$(printf '{"unit": "%s", "doc_no": "%s", "category": "%s", "text": "答复意见"}' "$2" "$3" "$4")"; }

pt_step "three proposals, answered by their units each in its own way"
S=十四届五次
# 分办 to 水利厅 and 财政厅: 水利厅 answers A (problem solved), 财政厅 C
# (to be solved later), last; rated, closed, then 水利厅 adds a 补充答复 D.
P1="$(pt_create "{\"title\": \"关于加快灌区续建配套与节水改造的建议\", \"lead_author\": \"李代表\", \"session\": \"$S\"}")"
assign "$P1" separate '[{"name": "水利厅"}, {"name": "财政厅"}]'
sign "$P1" 水利厅
sign "$P1" 财政厅
reply "$P1" 水利厅 晋水函〔2026〕11号 A
reply "$P1" 财政厅 晋财函〔2026〕21号 C
pt_act "$P1" feedback '{"person": "李代表", "satisfaction": "satisfied"}'
pt_act "$P1" follow_up '{"unit": "水利厅", "doc_no": "晋水函〔2026〕12号", "category": "D", "text": "补充答复：工程已开工"}'
# 分办 to 水利厅 and 交通厅: 水利厅 answers B; 交通厅 has not yet.
P2="$(pt_create "{\"title\": \"关于农村公路与水毁道路修复的建议\", \"lead_author\": \"王代表\", \"session\": \"$S\"}")"
assign "$P2" separate '[{"name": "水利厅"}, {"name": "交通厅"}]'
sign "$P2" 水利厅
sign "$P2" 交通厅
reply "$P2" 水利厅 晋水函〔2026〕13号 B
# 主办 交通厅, 协办 财政厅: 财政厅 gives its opinion, 交通厅 answers D.
P3="$(pt_create "{\"title\": \"关于普通国省道养护资金保障的建议\", \"lead_author\": \"赵代表\", \"session\": \"$S\"}")"
assign "$P3" lead_co '[{"name": "交通厅", "role": "lead"}, {"name": "财政厅", "role": "co"}]'
sign "$P3" 交通厅
sign "$P3" 财政厅
pt_act "$P3" opinion '{"unit": "财政厅", "opinion": "同意主办单位意见，资金按规定渠道安排"}'
reply "$P3" 交通厅 晋交函〔2026〕31号 D
states=""
for id in $P1 $P2 $P3; do
    api GET "/v1/proposals/$id"
    states="$states${states:+ }$(jv 'j["status"]')"
done
check_eq "the states" "closed handling replied" "$states"

# figures QUERY [TRANSPORT]: reply_rate and reply_categories of GET
# /v1/stats?QUERY, over the socket or TRANSPORT (tcp:TOKEN).
figures() {
    req "${2:-sock}" GET "/v1/stats?$1"
    [ "$ST" = 200 ] || pt_check_fail "GET /v1/stats?$1" "HTTP 200" "HTTP $ST $BODY"
    jv 'json.dumps(j["reply_rate"]) + " " + " ".join("%s%d" % (c, j["reply_categories"][c]) for c in "ABCD")'
}

pt_step "each unit's figures count its own answers"
# 水利厅: P1 answered A (its own, not 财政厅's C, nor its 补充答复 D), P2
# answered B though 交通厅 has not replied.
check_eq "unit=水利厅" "1 A1 B1 C0 D0" "$(figures "unit=$(urlenc 水利厅)")"
# 财政厅: P1 answered C; P3 it is co on, where it owes an opinion, no reply.
check_eq "unit=财政厅" "1 A0 B0 C1 D0" "$(figures "unit=$(urlenc 财政厅)")"
# 交通厅: P2 not answered by it yet; P3 answered D.
check_eq "unit=交通厅" "0.5 A0 B0 C0 D1" "$(figures "unit=$(urlenc 交通厅)")"
# The whole store: P1 answered once both units have, by its latest formal
# reply (财政厅's C); P2 not yet, 交通厅's reply awaited; P3 D.
check_eq "the whole store" "0.6666666667 A0 B0 C1 D1" "$(figures "")"
check_eq "the whole store of the session" "0.6666666667 A0 B0 C1 D1" \
    "$(figures "session=$(urlenc "$S")")"

pt_step "a unit's own token gets the figures of unit="
WATER="$(pt_unit_token 水利厅联络员 水利厅)"
check_eq "水利厅's token" "1 A1 B1 C0 D0" "$(figures "" "tcp:$WATER")"
FINANCE="$(pt_unit_token 财政厅联络员 财政厅)"
check_eq "财政厅's token" "1 A0 B0 C1 D0" "$(figures "" "tcp:$FINANCE")"

pt_step "ptrack stats --unit shows them"
pt_cli stats --unit 水利厅
check_rc "ptrack stats --unit 水利厅" 0
# cats LETTER: the count on the reply category's line of ptrack stats.
cats() { printf '%s\n' "$OUT" | awk -v c="$1" '$1 == c { print $NF }'; }
check_eq "ptrack stats --unit 水利厅: its reply rate and A, B, C" "100.0% 1 1 0" \
    "$(printf '%s\n' "$OUT" | sed -n 's/^ *办复率 reply rate *//p') $(cats A) $(cats B) $(cats C)"

pt_step "the same proposals imported: each unit's answer is stored with them"
# The session's export, as another session's ledger.
S2=十四届六次
req sock GET "/v1/exports?format=json&session=$(urlenc "$S")"
check_status "the session's export" 200
printf '%s' "$BODY" | python3 -c 'import json, sys
print(json.dumps([dict(p, session=sys.argv[1]) for p in json.load(sys.stdin)], ensure_ascii=False))' \
    "$S2" >"$PT_TMP/ledger.json"
pt_import json "$PT_TMP/ledger.json"
check_status "the ledger is imported" 201
check_eq "unit=水利厅, imported" "1 A1 B1 C0 D0" "$(figures "unit=$(urlenc 水利厅)&session=$(urlenc "$S2")")"
check_eq "unit=财政厅, imported" "1 A0 B0 C1 D0" "$(figures "unit=$(urlenc 财政厅)&session=$(urlenc "$S2")")"
check_eq "unit=交通厅, imported" "0.5 A0 B0 C0 D1" "$(figures "unit=$(urlenc 交通厅)&session=$(urlenc "$S2")")"
check_eq "the imported session" "0.6666666667 A0 B0 C1 D1" "$(figures "session=$(urlenc "$S2")")"

pt_finish
