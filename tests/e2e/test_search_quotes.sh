#!/usr/bin/env bash
# test_search_quotes.sh - quotation marks around a search word are no part
# of it: a word typed in ASCII quotes ("双减", as in a search engine's box)
# finds the text that has it in Chinese ones (“双减”, 「双减」) and with
# none, and a word pasted with its Chinese quotes finds the text with
# ASCII ones; through the trigram index (three characters or more) and
# LIKE (fewer). A quote inside a word stays, and quotes alone are looked
# for as they are.
set -u
source "$(dirname "$0")/lib.sh"
pt_init
pt_config
pt_start

S=引号检索
new() {
    api POST /v1/proposals "$1"
    [ "$ST" = 201 ] || pt_die "cannot create a proposal: HTTP $ST ${BODY:0:300}"
    jv 'j["id"]'
}
A="$(new '{"title":"关于落实“双减”政策的建议","session":"'$S'"}')"
B="$(new '{"title":"关于校外培训治理的建议","session":"'$S'","background":"「双减政策」实施以来"}')"
C="$(new '{"title":"关于\"双减\"后课后服务的建议","session":"'$S'"}')"
D="$(new '{"title":"关于农村饮水安全的建议","session":"'$S'","background":"O'"'"'Neil 指数"}')"

search() { # QUERY EXPECTED_IDS
    api GET "/v1/proposals?session=$S&sort=id&q=$(urlenc "$1")"
    if [ "$ST" != 200 ]; then
        pt_check_fail "q=$1" "HTTP 200" "HTTP $ST ${BODY:0:300}"
        return
    fi
    check_eq "q=$1" "$2" "$(jv '",".join(str(i["id"]) for i in j["items"])')"
}
search '双减' "$A,$B,$C"
search '"双减"' "$A,$B,$C"
search "'双减'" "$A,$B,$C"
search '“双减”' "$A,$B,$C"
search '「双减」' "$A,$B,$C"
search '＂双减＂' "$A,$B,$C"
search '"双减政策"' "$B"
search '『双减政策』' "$B"
search '“双减” 课后' "$C"
search '"双减" "校外"' "$B"
search "O'Neil" "$D"
search '"' "$C"
search '“ ”' "$A"
search '「」' ""

pt_stop
pt_finish
