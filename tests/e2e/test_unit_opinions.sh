#!/usr/bin/env bash
# test_unit_opinions.sh - a co unit that gives its opinion (协办意见) a
# second time. Checks: the proposal holds the later one, the history keeps
# the first, and `ptrack show` lists the earlier one under 先前意见 as
# replaced, named by its unit, while a unit's only opinion and a proposal
# whose opinions were never replaced have none there.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_config '{}'
pt_start

pt_step "three units; the lead has signed, both co units give their opinion"
P4="$(pt_assigned 关于城乡供水一体化的建议 lead_co \
    '[{"name": "水利厅", "role": "lead"}, {"name": "财政厅", "role": "co"}, {"name": "交通厅", "role": "co"}]')"
pt_act "$P4" sign '{"unit": "水利厅"}'
pt_act "$P4" opinion '{"unit": "交通厅", "opinion": "同意"}'
pt_act "$P4" opinion '{"unit": "财政厅", "opinion": "原则同意"}'
P1="$(pt_assigned 关于加强农村饮水安全保障的建议 lead_co \
    '[{"name": "水利厅", "role": "lead"}, {"name": "财政厅", "role": "co"}]')"
pt_act "$P1" sign '{"unit": "水利厅"}'
pt_act "$P1" opinion '{"unit": "财政厅", "opinion": "同意主办单位意见"}'

pt_step "a co unit's second opinion replaces the first, which stays in sight"
pt_act "$P4" opinion '{"unit": "财政厅", "opinion": "同意，并建议增加省级补助资金"}'
check_eq "the proposal holds the later one" "同意，并建议增加省级补助资金" \
    "$(jv '[u for u in j["units"] if u["name"] == "财政厅"][0]["opinion"]')"
api GET "/v1/proposals/$P4/history"
check_eq "the history keeps the first" "原则同意" \
    "$(jv '[u for u in j["items"][-1]["changes"]["units"]["from"] if u["name"] == "财政厅"][0]["opinion"]')"
pt_cli show "$P4"
check_contains "show: the later one in the units' table" "同意，并建议增加省级补助资金" "$OUT"
check_contains "show: the earlier one listed as replaced" \
    "先前意见 Earlier opinions (replaced 已被替换)" "$OUT"
check_contains "show: under its unit" "原则同意" "$(block '先前意见 Earlier opinions (replaced 已被替换)')"
check_contains "show: named" "财政厅" "$(block '先前意见 Earlier opinions (replaced 已被替换)')"
check_true "show: 交通厅's only opinion is not listed as replaced" \
    "$(block '先前意见 Earlier opinions (replaced 已被替换)' | grep -q 交通厅 && echo false || echo true)"
pt_cli show "$P1"
check_true "show: a proposal whose opinions were not replaced has no such section" \
    "$(printf '%s\n' "$OUT" | grep -q 先前意见 && echo false || echo true)"

pt_finish
