#!/usr/bin/env bash
# The Content-Disposition of GET /v1/exports is well-formed whatever file
# name the exporter gives (the fixture export_jsonl takes it from
# ?filename=): the header holds printable ASCII only, a plain name is
# filename="..." alone, and a name a quoted string or an old client would
# change (Chinese, a quote, a percent sign) comes exactly in
# filename*=UTF-8''... (RFC 6266, RFC 5987) beside an ASCII fallback. A
# name with a control character, C1's (U+0085 NEL, U+009B CSI) as well as
# C0's, a bidirectional formatting character (U+202E, which a terminal
# would show the saved file's name turned around by), and "." or "..", are
# refused as export_begin's contract says: 500 plugin_error.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

pt_fixtures export_jsonl
pt_config '{}' ',"plugins": [{"instance": "jl_out", "path": "'"$FIX"'/fixture_export_jsonl.so"}]'
pt_start
api POST /v1/proposals '{"title":"关于加强社区养老服务的建议","lead_author":"张代表"}'
check_status "a proposal" 201

# export NAME: an export the fixture names NAME; sets ST, BODY, HDRS.
export_named() {
    as_viewer GET "/v1/exports?format=jsonl&filename=$(urlenc "$1")"
}
# check_name DESCRIPTION NAME EXPECTED: the export is made, its header is
# EXPECTED, it is printable ASCII, and the name a client that reads
# filename* gets back is NAME itself.
check_name() {
    export_named "$2"
    check_status "$1: the export is made" 200
    check_eq "$1: the header" "$3" "$(hdr Content-Disposition)"
    check_eq "$1: printable ASCII only" "ok" "$(python3 -c '
import sys
v = [l for l in open(sys.argv[1], "rb").read().split(b"\r\n") if l.lower().startswith(b"content-disposition:")]
print("ok" if len(v) == 1 and all(0x20 <= c < 0x7f for c in v[0]) else "no: %r" % v)' "$HDRS")"
    check_eq "$1: the name read back from it" "$2" "$(python3 -c '
import sys, urllib.parse
v = sys.argv[1]
star = v.split("filename*=UTF-8'"''"'", 1)
print(urllib.parse.unquote(star[1].split(";")[0], errors="strict") if len(star) == 2 else v.split("filename=\"", 1)[1].rsplit("\"", 1)[0])' "$(hdr Content-Disposition)")"
}

pt_step "plain and Chinese names"
check_name "a plain name" "proposals-2026.jsonl" 'attachment; filename="proposals-2026.jsonl"'
check_name "a Chinese name" "2026年建议汇总.jsonl" \
    "attachment; filename=\"2026.jsonl\"; filename*=UTF-8''2026%E5%B9%B4%E5%BB%BA%E8%AE%AE%E6%B1%87%E6%80%BB.jsonl"
check_name "a name with emoji and full-width punctuation" "汇总（📌重点）.jsonl" \
    "attachment; filename=\"export.jsonl\"; filename*=UTF-8''%E6%B1%87%E6%80%BB%EF%BC%88%F0%9F%93%8C%E9%87%8D%E7%82%B9%EF%BC%89.jsonl"

pt_step "ASCII that a quoted string or an old client would change"
check_name "a quote: exact in filename*, '_' in the fallback" 'a"b.jsonl' \
    "attachment; filename=\"a_b.jsonl\"; filename*=UTF-8''a%22b.jsonl"
check_name "a percent sign and two hex digits, which some clients decode in filename=" "50%41.jsonl" \
    "attachment; filename=\"50_41.jsonl\"; filename*=UTF-8''50%2541.jsonl"
check_name "a semicolon and spaces stay inside the quotes" "a; b.jsonl" 'attachment; filename="a; b.jsonl"'

pt_step "control characters are refused"
for cc in $'\xc2\x85' $'\xc2\x9b' $'\xc2\x80'; do
    export_named "汇总${cc}x.jsonl"
    check_error "a name with $(printf %s "$cc" | od -An -tx1 | tr -d ' \n') is refused" 500 plugin_error
    check_contains "... as not a file name" 'is not a file name' "$(jv 'j["error"]["message"]')"
    check_eq "... with no Content-Disposition" "" "$(hdr Content-Disposition)"
done
export_named $'a\x1b[31m.jsonl'
check_error "a name with ESC is refused" 500 plugin_error

pt_step "bidirectional formatting characters are refused"
# 汇总<U+202E>vsc.exe would be saved as it is named and listed as 汇总exe.csv.
for bidi in $'\u061c' $'\u202e' $'\u202a' $'\u200e' $'\u200f' $'\u2066' $'\u2069'; do
    export_named "汇总${bidi}vsc.exe"
    check_error "a name with $(printf %s "$bidi" | od -An -tx1 | tr -d ' \n') is refused" 500 plugin_error
    check_contains "... as not a file name" 'is not a file name' "$(jv 'j["error"]["message"]')"
    check_eq "... with no Content-Disposition" "" "$(hdr Content-Disposition)"
done
check_name "U+200D (the joiner of emoji) is no bidirectional character" "汇总👨‍👩‍👧.jsonl" \
    "attachment; filename=\"export.jsonl\"; filename*=UTF-8''%E6%B1%87%E6%80%BB%F0%9F%91%A8%E2%80%8D%F0%9F%91%A9%E2%80%8D%F0%9F%91%A7.jsonl"
check_name "nor U+2065, before the isolates" $'a\u2065.jsonl' \
    "attachment; filename=\"a.jsonl\"; filename*=UTF-8''a%E2%81%A5.jsonl"
for name in . ..; do
    export_named "$name"
    check_error "\"$name\", which names a directory, is refused" 500 plugin_error
done
check_name "a name that begins with two dots is a name" "..jsonl" 'attachment; filename="..jsonl"'
export_named "汇总¡.jsonl"
check_status "U+00A1, the first character after C1, is no control character" 200

pt_stop
pt_finish
