#!/usr/bin/env bash
# test_workflow_separate.sh - replies in separate mode (分办), through the API.
# Checks: a unit that has replied cannot reply again while the round waits
# for another unit (422 validation_failed on unit, naming the units awaited
# and the follow_up action, and nothing written); the other unit's reply
# ends the round (replied, both replies "first"); after rehandling each
# unit in turn answers again (kind "again"), and each such answer moves the
# proposal on; once closed, a unit adds a supplementary reply with
# follow_up.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_config '{}'
pt_start

replies() { # ID: "unit:kind ..." of its replies
    api GET "/v1/proposals/$1"
    jv '" ".join("%s:%s" % (r["unit"], r["kind"]) for r in j["replies"])'
}

pt_step "a unit replies once a round"
api POST /v1/proposals '{"title": "关于加强农村饮水安全保障的建议"}'
P="$(jv 'j["id"]')"
pt_act "$P" assign '{"mode": "separate", "units": [{"name": "水利厅", "role": "separate"}, {"name": "财政厅", "role": "separate"}]}'
pt_act "$P" sign '{"unit": "水利厅"}'
pt_act "$P" reply "$(pt_reply_body 水利厅 水函〔2026〕1号)"
check_eq "水利厅 replied; the round waits for 财政厅" handling "$(jv 'j["status"]')"
V="$(jv 'j["version"]')"
api POST "/v1/proposals/$P/actions/reply" "$(pt_reply_body 水利厅 水函〔2026〕2号)"
check_error "水利厅 replies again before 财政厅" 422 validation_failed
check_eq "the problem is on unit" unit "$(jv 'j["error"]["fields"][0]["field"]')"
check_contains "the message says it has replied and who is awaited" \
    '"水利厅" has already replied in this round, which still waits for 财政厅' \
    "$(jv 'j["error"]["fields"][0]["message"]')"
check_contains "and where a supplementary reply goes" \
    'a supplementary reply is made with the "follow_up" action (补充答复) in state closed' \
    "$(jv 'j["error"]["fields"][0]["message"]')"
api GET "/v1/proposals/$P"
check_eq "nothing was written" "handling v$V" "$(jv '"%s v%s" % (j["status"], j["version"])')"
check_eq "one reply, the first" "水利厅:first" "$(replies "$P")"

pt_act "$P" reply "$(pt_reply_body 财政厅 财函〔2026〕1号)"
check_eq "财政厅's reply ends the round" replied "$(jv 'j["status"]')"
check_eq "both replies are first" "水利厅:first 财政厅:first" "$(replies "$P")"

pt_step "after rehandling each unit answers again"
pt_act "$P" feedback '{"person": "张代表", "satisfaction": "unsatisfied"}'
check_eq "unsatisfied: rehandling" rehandling "$(jv 'j["status"]')"
pt_act "$P" reply "$(pt_reply_body 财政厅 财函〔2026〕2号)"
check_eq "财政厅 answers again: replied" replied "$(jv 'j["status"]')"
pt_act "$P" feedback '{"person": "张代表", "satisfaction": "unsatisfied"}'
pt_act "$P" reply "$(pt_reply_body 水利厅 水函〔2026〕3号)"
check_eq "水利厅 answers again: replied" replied "$(jv 'j["status"]')"
check_eq "the later replies are again" "水利厅:first 财政厅:first 财政厅:again 水利厅:again" \
    "$(replies "$P")"

pt_step "once closed, a supplementary reply is a follow_up"
pt_act "$P" feedback '{"person": "张代表", "satisfaction": "satisfied"}'
pt_act "$P" follow_up "$(pt_reply_body 水利厅 水函〔2026〕4号)"
check_eq "closed, with a supplementary reply" "closed 水利厅:supplementary" \
    "$(jv '"%s %s:%s" % (j["status"], j["replies"][-1]["unit"], j["replies"][-1]["kind"])')"

pt_finish
