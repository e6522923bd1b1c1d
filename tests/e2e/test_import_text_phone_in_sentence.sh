#!/usr/bin/env bash
# test_import_text_phone_in_sentence.sh - a line of a proposal that a
# narrow column wrapped before a telephone number (群众拨打 /
# 0351-12345678等号码常常占线，…) reads as an ad's line, short and with a
# number, and the text importer dropped it as page furniture: the
# background lost the end of its sentence without a word. Such a line is
# now text when the line before it left its sentence open and a sentence
# goes on after the number; an ad's line that ends with its number is
# still dropped, also in the middle of a sentence (有的平台发布的 / 诚聘
# 家政保洁 0351 7654321 / 信息…), and so is one after a sentence that
# ended, or after a blank line.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_serve
W="$PT_TMP/work"
mkdir -p "$W"

cat >"$W/phone.txt" <<'TXT'
关于畅通12345政务服务便民热线的建议
山西代表团
背景：目前，部分地市热线接通率不高，群众拨打
0351-12345678等号码常常占线，诉求难以及时反映。
旺铺转让，地段优越，电话：0351-7654321
有的平台发布的
诚聘家政保洁 0351 7654321
信息真假难辨。
建议：一是扩充坐席；二是完善考核机制。
（据《山西日报》）

诚聘厨师二名  13812345678
TXT
pt_import text "$W/phone.txt"
check_status "import phone.txt" 201
check_eq "one proposal" 1 "$(jv 'j["imported"]')"
api GET "/v1/proposals?limit=10"
check_eq "the wrapped sentences whole; the ad after a sentence that ended dropped" \
    "目前，部分地市热线接通率不高，群众拨打0351-12345678等号码常常占线，诉求难以及时反映。
有的平台发布的信息真假难辨。" "$(jv 'j["items"][0]["background"]')"
check_eq "the asks" "扩充坐席|完善考核机制" "$(jv '"|".join(j["items"][0]["recommendations"])')"

pt_finish
