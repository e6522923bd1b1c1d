#!/usr/bin/env bash
# test_import_joined_files.sh - files joined into one (copy /b
# 一团.csv+二团.csv, cat *.csv) hold what began each of them in the middle.
# csv: a sheet's header again, the second file's UTF-8 BOM before it,
# which the importer stored as a proposal titled "\uFEFF标题" of the
# delegation 代表团; such a row is now passed over as a total row is,
# listed in ignored with its line, and a second import of the joined file
# skips the rest; a row that only shares some of the header's words is a
# proposal. decidim: the header of a second export, a proposal titled
# "title/en" before, now passed over so. jsonl: a line that begins with
# the second file's BOM, refused as "not a JSON value (strings need double
# quotes)" though nothing shows there, is now read, also when the upload
# arrives cut inside that BOM.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_serve
W="$PT_TMP/work"
mkdir -p "$W"

printf '\xef\xbb\xbf编号,标题,代表团,\r\n晋-1,关于加强农村公路养护的建议,山西代表团,\r\n' >"$W/一团.csv"
printf '\xef\xbb\xbf编号,标题,代表团,\r\n冀-1,关于支持雄安新区建设的建议,河北代表团,\r\n' >"$W/二团.csv"
cat "$W/一团.csv" "$W/二团.csv" >"$W/合并.csv"

pt_step "two files joined, each with its header and BOM"
pt_import csv "$W/合并.csv"
check_status "import 合并.csv" 201
check_eq "two proposals, the second header passed over at its line" \
    '2 [{"where": "line 3", "reason": "not a proposal (the header row again)"}]' \
    "$(jv '"%d %s" % (j["imported"], json.dumps(j["ignored"], ensure_ascii=False))')"
api GET "/v1/proposals?limit=10"
check_eq "the titles stored" "关于加强农村公路养护的建议|关于支持雄安新区建设的建议" \
    "$(jv '"|".join(sorted(p["title"] for p in j["items"]))')"
pt_import csv "$W/合并.csv"
check_status "import 合并.csv again" 201
check_eq "nothing twice" "0 2 1" "$(jv '"%d %d %d" % (j["imported"], j["skipped"], j["ignored_count"])')"

pt_step "a row that is not the whole header is a proposal"
printf '编号,标题,代表团\r\n晋-2,标题,代表团\r\n' >"$W/words.csv"
pt_import csv "$W/words.csv"
check_status "import words.csv" 201
check_eq "imported" "1 0" "$(jv '"%d %d" % (j["imported"], j["ignored_count"])')"

pt_step "decidim: two CSV exports joined"
printf 'id;title/en;reference\n1;Night buses;DD-J-1\n' >"$W/a.csv"
printf '\xef\xbb\xbfid;title/en;reference\n2;Shade trees;DD-J-2\n' >"$W/b.csv"
cat "$W/a.csv" "$W/b.csv" >"$W/ab.csv"
pt_import decidim "$W/ab.csv"
check_status "import ab.csv" 201
check_eq "two proposals, the second header passed over at its line" \
    '2 [{"where": "line 3", "reason": "not a proposal (the header row again)"}]' \
    "$(jv '"%d %s" % (j["imported"], json.dumps(j["ignored"], ensure_ascii=False))')"

pt_step "jsonl: two files of lines, each beginning with a BOM, joined"
printf '\xef\xbb\xbf{"title": "关于甲的建议", "number": "J-1"}\r\n' >"$W/a.jsonl"
printf '\xef\xbb\xbf{"title": "关于乙的建议", "number": "J-2"}\r\n' >"$W/b.jsonl"
cat "$W/a.jsonl" "$W/b.jsonl" >"$W/ab.jsonl"
pt_import jsonl "$W/ab.jsonl"
check_status "import ab.jsonl" 201
check_eq "both lines imported" 2 "$(jv 'j["imported"]')"
printf '{"title": "关于丙的建议", "number": "J-3"}\n\xef\xbb\xbf{"title": 3}\n' >"$W/bad.jsonl"
pt_import jsonl "$W/bad.jsonl"
check_status "import bad.jsonl" 422
check_eq "a fault after the BOM is still named, at its line" '["line 2"]' \
    "$(jv 'json.dumps([r["where"] for r in j["error"]["rejected"]])')"

pt_step "jsonl: a BOM at a line's start that the upload cuts in two"
# The first 64 KiB are read whole; past them, a pause in the upload ends
# a read after the BOM's first byte, the rest of it in the next read.
python3 - "$W/long.jsonl" <<'PY'
import json, sys
lines, size, i = [], 0, 0
while size < 70000:
    i += 1
    line = json.dumps({"title": "关于第%d件事的建议" % i, "number": "L-%d" % i,
                       "background": "背景" * 20}, ensure_ascii=False).encode() + b"\n"
    lines.append(line)
    size += len(line)
lines.append(b"\xef\xbb\xbf" + json.dumps({"title": "关于拼接文件的建议", "number": "L-J"},
                                         ensure_ascii=False).encode() + b"\n")
open(sys.argv[1], "wb").write(b"".join(lines))
open(sys.argv[1] + ".cut", "w").write("%d %d" % (size + 1, i + 1))
PY
read -r cut n <"$W/long.jsonl.cut"
OUT="$(python3 "$PT_E2E_DIR/pausedpost.py" "$PT_SOCK" "/v1/imports?format=jsonl" "$W/long.jsonl" \
    "$cut" 1 --bytes 2>/dev/null)"
check_contains "answered 201" "HTTP/1.1 201" "$OUT"
check_eq "every line imported, the one after the cut BOM too" "$n" \
    "$(jv 'j["imported"]' "$(printf '%s\n' "$OUT" | tail -n 1)")"

pt_finish
