#!/usr/bin/env bash
# test_person_name_one_spelling.sh - a person's name is kept in one
# spelling however it was typed or pasted. The dot between the parts of a
# transliterated name (艾力·买买提) is kept as U+00B7: ・
# U+30FB, • U+2022, ‧ U+2027, ． U+FF0E or a full stop between two
# ideographs. So a filter by person finds the proposal whichever dot it
# was named with, a delegate whose token is bound to the name written one
# way reads and rates the proposals named the other way, and a co-signer
# named twice, with two dots, is one. A dot that stands anywhere else
# (Li.Na, a dot at the end) is kept as it came. The invisible characters
# a copy from a web page brings along (U+200B, U+FEFF, U+00AD) go from
# beside an ideograph: 王<U+200B>芳 is 王芳. And a Kangxi radical, which
# a name copied from a PDF holds (⽥ U+2F65), is the ideograph it stands
# for (田).
set -u
source "$(dirname "$0")/lib.sh"
pt_init
pt_config
pt_start

pt_step "names are kept with U+00B7"
api POST /v1/proposals "$(printf '{"title":"关于新疆棉花产业的建议","lead_author":"艾力\u30fb买买提","co_signers":["阿卜杜拉\u2022买买提","阿卜杜拉·买买提","热依拉.\U00030EDE提","王\u2027芳","Li.Na","张三.","\ufeff刘\u200b丽萍\u00ad","刘丽萍","\u2f65\u2f12"]}')"
check_status "created" 201
P="$(jv 'j["id"]')"
check_eq "the lead author" "艾力·买买提" "$(jv 'j["lead_author"]')"
check_eq "the co-signers, one person once" \
    "$(printf '阿卜杜拉·买买提|热依拉·\U00030EDE提|王·芳|Li.Na|张三.|刘丽萍|田力')" "$(jv '"|".join(j["co_signers"])')"

pt_step "a filter by person with any dot"
for who in "艾力·买买提" "艾力・买买提" "艾力•买买提" "艾力.买买提" "艾力．买买提" "阿卜杜拉‧买买提"; do
    api GET "/v1/proposals?person=$(urlenc "$who")"
    check_eq "person=$who" "$P" "$(jv '",".join(str(i["id"]) for i in j["items"])')"
done

api GET "/v1/proposals?person=$(urlenc "$(printf '刘\u200b丽萍')")"
check_eq "person=刘<U+200B>丽萍" "$P" "$(jv '",".join(str(i["id"]) for i in j["items"])')"

api GET "/v1/proposals?person=$(urlenc "$(printf '\u2f65力')")"
check_eq "person=⽥力" "$P" "$(jv '",".join(str(i["id"]) for i in j["items"])')"

pt_step "a delegate bound to the name with another dot"
api POST /v1/tokens '{"name": "艾力代表", "role": "delegate", "person": "艾力•买买提"}'
check_status "the token is made" 201
TOK="$(jv 'j["token"]')"
check_eq "bound to the name as kept" "艾力·买买提" "$(jv 'j.get("person") or j.get("token_info", {}).get("person")')"
req "tcp:$TOK" GET "/v1/proposals/$P"
check_status "the delegate reads the proposal they lead" 200

pt_finish
