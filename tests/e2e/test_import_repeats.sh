#!/usr/bin/env bash
# test_import_repeats.sh - a record that repeats another of the same import
# (the same number in the same session, or the same source) is rejected,
# naming where the first one is, instead of being counted as skipped and
# lost. Checks: all or nothing (refused 422, nothing stored) and partial
# (the first stored, the repeat listed in rejected), by number and by
# source, with the first in an earlier batch of a partial import; a
# record that matches a proposal stored before the import is still
# skipped, so that the same file sent again imports nothing and rejects
# nothing. Each rejected record is listed in its place by line, a repeat
# found after the others too, also one between two of them.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

PLUGINS="$PT_BUILD_DIR/plugins"
pt_plugin_so import_json >/dev/null
W="$PT_TMP/work"
mkdir -p "$W"
pt_config '{}'
pt_start --plugin-dir "$PLUGINS"

counts() { jv '"%d %d %d" % (j["imported"], j["skipped"], j["rejected_count"])'; }
rejects() { jv '" | ".join("%s: %s" % (r["where"], r["reason"]) for r in j["rejected"])'; }

pt_step "two records of one number in one session, all or nothing"
printf '%s' '[{"title":"甲","session":"SX","number":"D1"},{"title":"乙","session":"SX","number":"D1"}]' \
    >"$W/two.json"
pt_import json "$W/two.json"
check_error "refused" 422 validation_failed
check_eq "the second is named, with the first's place" \
    "item 2 (line 1): 编号 D1 of session SX repeats a record before it in this import: one of the two would be lost (give each proposal its own 编号)" \
    "$(jv '" | ".join("%s: %s" % (r["where"], r["reason"]) for r in j["error"]["rejected"])')"
check_contains "the message counts it" "1 of 2 records was rejected; nothing was imported" \
    "$(jv 'j["error"]["message"]')"
api GET "/v1/proposals"
check_eq "nothing stored" "0" "$(jv 'len(j["items"])')"

pt_step "the same, partial"
pt_import json "$W/two.json" "partial=true"
check_status "partial" 200
check_eq "one imported, none skipped, one rejected" "1 0 1" "$(counts)"
check_contains "the second is named" "item 2 (line 1): 编号 D1 of session SX repeats" "$(rejects)"
api GET "/v1/proposals"
check_eq "the first is stored" "甲" "$(jv '",".join(p["title"] for p in j["items"])')"

pt_step "sent again: both match the proposal stored before, and are skipped"
pt_import json "$W/two.json" "partial=true"
check_eq "partial: nothing imported, two skipped, none rejected" "0 2 0" "$(counts)"
pt_import json "$W/two.json"
check_status "all or nothing" 201
check_eq "all or nothing: the same" "0 2 0" "$(counts)"

pt_step "by source, and the same number in another session is another proposal"
cat >"$W/src.jsonl" <<'EOF'
{"title":"丙","source":{"format":"oa","ref":"OA-1"}}
{"title":"丁","session":"SY","number":"D1"}
{"title":"戊","source":{"format":"oa","ref":"OA-1"}}
{"title":"己","source":{"format":"decidim","ref":"OA-1"}}
EOF
pt_import jsonl "$W/src.jsonl" "partial=true"
check_eq "three imported, one rejected" "3 0 1" "$(counts)"
check_eq "the repeat of the source is named" \
    "line 3: source.ref OA-1 of format oa repeats a record before it in this import: one of the two would be lost (give each proposal its own source.ref)" \
    "$(rejects)"

pt_step "a partial import: the first in an earlier batch"
python3 - "$W/many.jsonl" <<'EOF'
import json, sys
with open(sys.argv[1], "w", encoding="utf-8") as f:
    for i in range(1, 2601):
        f.write(json.dumps({"title": "批量建议%d" % i, "session": "SZ", "number": "Z%d" % i}, ensure_ascii=False) + "\n")
    f.write(json.dumps({"title": "重复的第一件", "session": "SZ", "number": "Z1"}, ensure_ascii=False) + "\n")
    f.write(json.dumps({"title": "又一个", "session": "SX", "number": "D1"}, ensure_ascii=False) + "\n")
EOF
pt_import jsonl "$W/many.jsonl" "partial=true"
check_status "partial" 200
check_eq "2600 imported, the one stored before skipped, one rejected" "2600 1 1" "$(counts)"
check_eq "the repeat is named at its own line" \
    "line 2601: 编号 Z1 of session SZ repeats a record before it in this import: one of the two would be lost (give each proposal its own 编号)" \
    "$(rejects)"

pt_step "a long source.ref: the reason is cut at a character, and says the rest"
LONGREF="$(python3 -c 'print("来文" * 150)')"
printf '{"title":"甲","source":{"ref":"%s"}}\n{"title":"乙","source":{"ref":"%s"}}\n' "$LONGREF" "$LONGREF" >"$W/longref.jsonl"
pt_import jsonl "$W/longref.jsonl" "partial=true"
check_status "partial" 200
check_contains "the reason names the format after the cut ref" "of format jsonl repeats a record before it" "$(rejects)"

pt_step "all or nothing, many rows: refused whole"
sed 's/"SZ"/"SW"/' "$W/many.jsonl" >"$W/many2.jsonl"
# moves: the all-or-nothing imports stored, early and late (/metrics).
moves() {
    api GET /metrics
    printf %s "$BODY" | awk '$1 ~ /^ptrack_import_moves_total\{way="(early|late)"\}$/ { n += $2 } END { print n + 0 }'
}
moves_before="$(moves)"
pt_import jsonl "$W/many2.jsonl"
check_error "refused" 422 validation_failed
check_eq "not counted as stored in ptrack_import_moves_total" "$moves_before" "$(moves)"
pt_import jsonl "$W/many2.jsonl"
check_eq "the repeat is named" "line 2601" "$(jv '",".join(r["where"] for r in j["error"]["rejected"])')"
api GET "/v1/proposals?session=SW&limit=1"
check_eq "nothing of it stored" "0" "$(jv 'len(j["items"])')"

pt_step "a partial import lists its rejects in line order, a repeat found at the next batch too"
# Line 5 repeats line 1 in the first batch, whose repeats are known only
# once the second batch has been read; lines 2101-3100 fail validation in
# the second. The first 1,000 by line are listed: the repeat, then 999.
python3 - "$W/order.jsonl" <<'EOF'
import json, sys
with open(sys.argv[1], "w", encoding="utf-8") as f:
    for i in range(1, 3201):
        if i == 5:
            rec = {"title": "重复的建议", "session": "SO", "number": "O1"}
        elif 2101 <= i <= 3100:
            rec = {"session": "SO", "number": "O%d" % i, "delegation": "山西代表团"}
        else:
            rec = {"title": "关于加快太原地铁建设的建议%d" % i, "session": "SO", "number": "O%d" % i}
        f.write(json.dumps(rec, ensure_ascii=False) + "\n")
EOF
pt_import jsonl "$W/order.jsonl" "partial=true"
check_status "partial" 200
check_eq "2199 imported, 1001 rejected, 1000 listed" "2199 0 1001 1000" \
    "$(jv '"%d %d %d %d" % (j["imported"], j["skipped"], j["rejected_count"], len(j["rejected"]))')"
check_eq "the repeat first, then the invalid records by line" "line 5,line 2101,line 2102,line 3099" \
    "$(jv '",".join(r["where"] for r in j["rejected"][:3] + j["rejected"][-1:])')"
check_eq "listed in line order" "True" \
    "$(jv 'str([int(r["where"].split()[1]) for r in j["rejected"]] == sorted(int(r["where"].split()[1]) for r in j["rejected"]))')"

pt_step "all or nothing: invalid records and repeats are named together, in line order"
cat >"$W/both.jsonl" <<'EOF'
{"title":"关于治理汾河的建议","session":"SB","number":"B1"}
{"title":"关于治理汾河的建议（又一份）","session":"SB","number":"B1"}
{"session":"SB","number":"B3","delegation":"山西代表团"}
{"title":"关于修缮晋祠的建议","source":{"format":"oa","ref":"OA-9"}}
{"title":"关于修缮晋祠的建议（重复）","source":{"format":"oa","ref":"OA-9"}}
EOF
pt_import jsonl "$W/both.jsonl"
check_error "refused" 422 validation_failed
check_eq "the repeats as well as the invalid record, by line" "line 2,line 3,line 5" \
    "$(jv '",".join(r["where"] for r in j["error"]["rejected"])')"
check_contains "the message counts all three" "3 of 5 records were rejected; nothing was imported" \
    "$(jv 'j["error"]["message"]')"
api GET "/v1/proposals?session=SB&limit=1"
check_eq "nothing of it stored" "0" "$(jv 'len(j["items"])')"
sed -e 2d -e 5d -e 's/{"session":"SB","number":"B3",/{"title":"关于保护平遥古城的建议","session":"SB","number":"B3",/' \
    "$W/both.jsonl" >"$W/both-fixed.jsonl"
pt_import jsonl "$W/both-fixed.jsonl"
check_status "one round of corrections is enough" 201
check_eq "three imported" "3 0 0" "$(counts)"

pt_step "a repeat between two invalid records is listed between them"
# The invalid records of lines 2 and 4 are rejected as they are read, the
# repeat of line 3 once the rows are stored (partial) or looked through
# (all or nothing): it goes in the middle of the list.
cat >"$W/middle.jsonl" <<'EOF'
{"title":"关于整治汾河河道的建议","session":"SM","number":"M1"}
{"session":"SM","number":"M2"}
{"title":"关于整治汾河河道的建议（又一份）","session":"SM","number":"M1"}
{"session":"SM","number":"M4"}
EOF
pt_import jsonl "$W/middle.jsonl" "partial=true"
check_status "partial" 200
check_eq "partial: all three listed, in line order" "3: line 2,line 3,line 4" \
    "$(jv '"%d: %s" % (j["rejected_count"], ",".join(r["where"] for r in j["rejected"]))')"
sed 's/"SM"/"SN"/' "$W/middle.jsonl" >"$W/middle2.jsonl"
pt_import jsonl "$W/middle2.jsonl"
check_error "all or nothing: refused" 422 validation_failed
check_eq "all or nothing: all three listed, in line order" "3: line 2,line 3,line 4" \
    "$(jv '"%d: %s" % (j["error"]["rejected_count"], ",".join(r["where"] for r in j["error"]["rejected"]))')"

pt_step "all or nothing, many rows: a repeat after an invalid record is named too"
python3 - "$W/late.jsonl" <<'EOF'
import json, sys
with open(sys.argv[1], "w", encoding="utf-8") as f:
    for i in range(1, 2603):
        rec = {"title": "关于改善农村公路的建议%d" % i, "session": "SL", "number": "L%d" % i}
        if i == 1500:
            del rec["title"]
        if i == 2602:
            rec["number"] = "L7"
        f.write(json.dumps(rec, ensure_ascii=False) + "\n")
EOF
pt_import jsonl "$W/late.jsonl"
check_error "refused" 422 validation_failed
check_eq "both named, in line order" "line 1500,line 2602" \
    "$(jv '",".join(r["where"] for r in j["error"]["rejected"])')"
check_contains "the repeat's reason" "编号 L7 of session SL repeats a record before it" \
    "$(jv 'j["error"]["rejected"][-1]["reason"]')"
api GET "/v1/proposals?session=SL&limit=1"
check_eq "nothing of it stored" "0" "$(jv 'len(j["items"])')"

pt_step "all or nothing: a repeat of a number whose source is stored already is named as the move names it"
printf '%s\n' '{"title":"关于整治煤矿塌陷区的建议","source":{"format":"oa","ref":"OA-5"}}' >"$W/stored.jsonl"
pt_import jsonl "$W/stored.jsonl"
check_status "stored first" 201
cat >"$W/mixed.jsonl" <<'EOF'
{"title":"关于发展大同黄花产业的建议","session":"SI","number":"I1"}
{"title":"关于发展大同黄花产业的建议（二）","session":"SI","number":"I1","source":{"format":"oa","ref":"OA-5"}}
EOF
pt_import jsonl "$W/mixed.jsonl"
check_error "the move refuses it" 422 validation_failed
check_contains "as a repeat of its number" "line 2: 编号 I1 of session SI repeats" \
    "$(jv '" | ".join("%s: %s" % (r["where"], r["reason"]) for r in j["error"]["rejected"])')"
{ cat "$W/mixed.jsonl"; printf '%s\n' '{"session":"SI","number":"I3"}'; } >"$W/mixed-bad.jsonl"
pt_import jsonl "$W/mixed-bad.jsonl"
check_error "with an invalid record, refused" 422 validation_failed
check_contains "the same repeat named" "line 2: 编号 I1 of session SI repeats" \
    "$(jv '" | ".join("%s: %s" % (r["where"], r["reason"]) for r in j["error"]["rejected"])')"
check_eq "and the invalid record after it" "line 2,line 3" \
    "$(jv '",".join(r["where"] for r in j["error"]["rejected"])')"

pt_finish
