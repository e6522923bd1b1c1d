#!/usr/bin/env bash
# test_search_spaces.sh - search words are split on every kind of space,
# as a blank field is blank of any: a no-break space (U+00A0, which text
# pasted from a web page or a word processor holds between words and a Mac
# types with Option-Space), an em space, a narrow no-break space, a line
# break, as well as the ASCII and the ideographic space. Each word must
# occur, through the trigram index (three characters or more) and LIKE
# (fewer); a q of such spaces alone is an empty search box, and the words
# so split count against the limit of 20.
set -u
source "$(dirname "$0")/lib.sh"
pt_init
pt_config
pt_start

S=空格检索
A="$(pt_create '{"title":"关于加强农村饮水安全保障的建议","session":"'$S'","background":"近年来农村饮水工作取得明显成效"}')"
B="$(pt_create '{"title":"关于推进小型水库除险加固的建议","session":"'$S'","background":"部分水库安全保障不足"}')"

search() { check_search "q=$1" "$S" "$2" "$3"; } # WHAT QUERY EXPECTED_IDS
NBSP="$(printf '\xc2\xa0')"
EMSP="$(printf '\xe2\x80\x83')"
NNBSP="$(printf '\xe2\x80\xaf')"
IDSP="$(printf '\xe3\x80\x80')"
for sp in " " "$IDSP" "$NBSP" "$EMSP" "$NNBSP" $'\n'; do
    name="$(printf %s "$sp" | od -An -tx1 | tr -d ' \n')"
    search "安全保障 [$name] 明显成效" "安全保障${sp}明显成效" "$A"
    search "保障 [$name] 成效" "保障${sp}成效" "$A"
    search "保障 [$name] 水库" "保障${sp}水库" "$B"
    search "农村饮水 [$name] 水库" "农村饮水${sp}水库" ""
    search "[$name] around a word" "${sp}水库${sp}" "$B"
done
search "no-break spaces alone" "$NBSP$NBSP" "$A,$B"
search "em spaces alone" "$EMSP" "$A,$B"

words=""
for i in $(seq 1 21); do words="$words${NBSP}保障"; done
api GET "/v1/proposals?q=$(urlenc "$words")"
check_error "21 words split on no-break spaces" 400 bad_request

pt_stop
pt_finish
