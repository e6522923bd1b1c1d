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
A="$(pt_create '{"title":"关于落实“双减”政策的建议","session":"'$S'"}')"
B="$(pt_create '{"title":"关于校外培训治理的建议","session":"'$S'","background":"「双减政策」实施以来"}')"
C="$(pt_create '{"title":"关于\"双减\"后课后服务的建议","session":"'$S'"}')"
D="$(pt_create '{"title":"关于农村饮水安全的建议","session":"'$S'","background":"O'"'"'Neil 指数"}')"

search() { check_search "q=$1" "$S" "$1" "$2"; } # QUERY EXPECTED_IDS
search '双减' "$A,$B,$C"
search '"双减"' "$A,$B,$C"
search "'双减'" "$A,$B,$C"
search '“双减”' "$A,$B,$C"
search '「双减」' "$A,$B,$C"
search '＂双减＂' "$A,$B,$C"
search '〝双减〞' "$A,$B,$C"
search '〝双减〟' "$A,$B,$C"
search '«双减»' "$A,$B,$C"
search '‹双减›' "$A,$B,$C"
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
