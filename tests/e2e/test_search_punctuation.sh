#!/usr/bin/env bash
# test_search_punctuation.sh - search words are split on the Chinese
# punctuation typed between them (， 、 ； 。 ： ！ ？), as on a space: a
# search for 饮水，教育 finds the proposals that have both, wherever they
# stand, not only the text 饮水，教育 itself; through the trigram index
# (three characters or more) and LIKE (fewer). ASCII commas stay inside a
# word (1,000万元); punctuation standing alone, or in quotation marks, is
# looked for as it is; the words so split count against the limit of 20,
# and a search too long says how long it is (ptrack names its option).
set -u
source "$(dirname "$0")/lib.sh"
pt_init
pt_config
pt_start

S=标点检索
A="$(pt_create '{"title":"关于加强农村饮水安全保障的建议","session":"'$S'","background":"近年来农村教育投入不足"}')"
B="$(pt_create '{"title":"关于推进小型水库除险加固的建议","session":"'$S'","background":"部分水库安全保障不足，需投入1,000万元"}')"
C="$(pt_create '{"title":"关于农村教育的建议","session":"'$S'","background":"饮水、教育、医疗"}')"

search() { check_search "q=$1" "$S" "$1" "$2"; } # QUERY EXPECTED_IDS
search '饮水，教育' "$A,$C"
search '饮水、教育' "$A,$C"
search '农村饮水；教育投入' "$A"
search '安全保障。水库' "$B"
search '水库：保障' "$B"
search '水库！医疗' ""
search '保障？' "$A,$B"
search '，农村，' "$A,$C"
search '“饮水”，“教育”' "$A,$C"
search '1,000万元' "$B"
search '、' "$C"
# Punctuation standing alone beside other words is passed over, as between
# them: typed with spaces around it, it finds what the words find.
search '农村 、' "$A,$C"
search '饮水 ， 教育' "$A,$C"
search '饮水 ， “，” 教育' "$A,$C"
# Punctuation in quotation marks is looked for as it is, as without them;
# quotation marks the punctuation leaves alone are no word of their own.
search '“，”' "$B"
search '"、"' "$C"
search '饮水，"' "$A,$C"
search '“，饮水”' "$A,$C"
search '「水库」。' "$B"

words="保障"
for i in $(seq 1 20); do words="$words，保障"; done
api GET "/v1/proposals?q=$(urlenc "$words")"
check_error "21 words split on full-width commas" 400 bad_request
check_contains "which says how the words were counted" \
    "q: 21 words, split at spaces and at ，、；。：！？; a search takes at most 20" \
    "$(jv 'j["error"]["message"]')"
# A search longer than a filter's 1000 bytes says how long it is, in the
# characters a person counts too.
api GET "/v1/proposals?q=$(urlenc "$(python3 -c 'print("饮" * 334)')")"
check_error "a search of 334 Chinese characters" 400 bad_request
check_contains "says how long it is and how much fits" \
    "q: longer than 1000 bytes (1002 bytes, 334 characters; a Chinese character takes 3 bytes, so at most 333 of them)" \
    "$(jv 'j["error"]["message"]')"

pt_step "ptrack names its option, not the API's parameter"
pt_need_cli
pt_cli list --search "$(python3 -c 'print("饮" * 334)')"
check_rc "list --search of 334 Chinese characters" 2
check_contains "names --search, says how long it is and how much fits" \
    "--search is longer than 1000 bytes (1002 bytes, 334 characters; a Chinese character takes 3 bytes, so at most 333 of them)" \
    "$ERR"
pt_cli list --search "$(python3 -c 'print("x" * 20000)')"
check_rc "list --search of 20000 letters" 2
check_contains "the same, not the request line too long (431)" \
    "--search is longer than 1000 bytes (20000 bytes, 20000 characters" "$ERR"
pt_cli stats --delegation "$(python3 -c 'print("山西" * 200)')"
check_rc "stats --delegation of 400 Chinese characters" 2
check_contains "names --delegation" "--delegation is longer than 1000 bytes (1200 bytes, 400 characters" "$ERR"
pt_cli list --search "$(python3 -c 'print("饮" * 333)')"
check_rc "list --search of 333 Chinese characters: taken" 0

pt_stop
pt_finish
