#!/usr/bin/env bash
# An importer's message that quotes a long name from the file or the
# request (a column's header, a member name, an encoding) in a buffer too
# small for it cuts it between two characters and marks the cut with …,
# where it cut inside a character and the message came out with a ? in
# place of its bytes that were no longer UTF-8: the csv importer's
# refusal of bytes that are no GBK text in a column whose Chinese header
# is long, and of two columns that give one custom key; the decidim
# importer's list of the columns of a header without a title, and its
# refusal of a value that is no UTF-8 under a long key; the json
# importer's refusal after a long member name; the text importer's
# refusal of an encoding it does not know.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_serve
W="$PT_TMP/work"
mkdir -p "$W"

# cut_ok TEXT WHOLE BEFORE AFTER: TEXT holds BEFORE, a prefix of WHOLE (at
# least one character) and … just after it, then AFTER, and no ?.
cut_ok() {
    python3 - "$@" <<'PY'
import sys
text, whole, before, after = sys.argv[1:5]
at = text.find(before)
ok = at >= 0 and "?" not in text and "\ufffd" not in text
if ok:
    rest = text[at + len(before):]
    cut = rest.find("…" + after)
    ok = cut > 0 and whole.startswith(rest[:cut]) and len(rest[:cut]) < len(whole)
sys.exit(0 if ok else 1)
PY
}
LONG="$(python3 -c 'print("关于加强农村公路养护和支持革命老区振兴发展的建议的办理情况说明" * 2)')"

pt_step "csv, GBK: bytes that are no GBK text under a header of ${#LONG} characters"
python3 - "$W/gbk.csv" "$LONG" <<'PY'
import sys
head = ("编号,标题," + sys.argv[2] + "\r\n").encode("gbk")
open(sys.argv[1], "wb").write(head + "甲-1,关于一件事的建议,".encode("gbk") + b"\xff\xff\r\n")
PY
pt_import csv "$W/gbk.csv" "encoding=gbk"
check_status "import gbk.csv" 422
MSG="$(jv 'j["error"]["message"]')"
check_true "the header is cut between characters, with …: $MSG" \
    cut_ok "$MSG" "$LONG" "line 2, column " ": bytes that are not GBK text (FF FF)"

pt_step "csv: two columns under one header of 51 characters"
H51="$(python3 -c 'print(("关于加强农村公路养护的建议" * 4)[:51])')"
printf '标题,%s,%s\r\n关于一件事的建议,a,b\r\n' "$H51" "$H51" >"$W/twice.csv"
pt_import csv "$W/twice.csv"
check_status "import twice.csv" 422
MSG="$(jv 'j["error"]["message"]')"
check_true "the custom key is cut between characters, with …: $MSG" \
    cut_ok "$MSG" "$H51" "both give custom." ""

pt_step "decidim: a header without a title lists its columns, each cut"
printf 'id;a说明文字一二三四五六七八九十;body/en\r\n1;x;y\r\n' >"$W/no-title.csv"
pt_import decidim "$W/no-title.csv"
check_status "import no-title.csv" 422
MSG="$(jv 'j["error"]["message"]')"
check_true "the column is cut between characters, with …: $MSG" \
    cut_ok "$MSG" "a说明文字一二三四五六七八九十" "its columns are: id, " ", body/en"

pt_step "decidim: a value that is no UTF-8 under a key of 71 characters"
KEY="$(python3 -c 'print("a" + "关于加强农村公路养护的建议" * 5 + "养护")')"
printf 'id;title/en;%s\r\n1;Night buses;\xff\r\n' "$KEY" >"$W/bad-value.csv"
pt_import decidim "$W/bad-value.csv"
check_status "import bad-value.csv" 422
MSG="$(jv 'j["error"]["rejected"][0]["reason"]')"
check_true "the key is cut between characters, with …: $MSG" \
    cut_ok "$MSG" "$KEY" "the value of " ""

pt_step "json: a member name too long to be kept whole, before a fault"
printf '{"ab说明文字一二三四五六" 1}' >"$W/key.json"
pt_import json "$W/key.json"
check_status "import key.json" 422
MSG="$(jv 'j["error"]["message"]')"
check_true "the name is cut between characters, with …: $MSG" \
    cut_ok "$MSG" "ab说明文字一二三四五六" "expected ':' after \"" "\""

pt_step "text: an encoding it does not know, named by 31 characters"
ENC="$(python3 -c 'print("a" + "关于加强农村公路养护的建议" * 2 + "养护和支持")')"
req sock POST "/v1/imports?format=text&encoding=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$ENC")" \
    -- --data-binary "x" -H "Content-Type: application/octet-stream"
check_error "import with that encoding" 400 bad_request
MSG="$(jv 'j["error"]["message"]')"
check_true "the encoding is cut between characters, with …: $MSG" \
    cut_ok "$MSG" "$ENC" "encoding: \"" "\" is not an encoding"

check_eq "nothing was stored" 0 "$(pt_count)"
pt_finish
