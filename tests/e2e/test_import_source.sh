#!/usr/bin/env bash
# test_import_source.sh - an imported proposal says where an importer made
# it. Checks that a new proposal from a json, jsonl or csv import without a
# source gets source.format the import's format and ref null; that one with
# a ref keeps it (and gets the format when it gives none); that a csv row
# with units but from no ptrack export is new all the same; that a stored
# proposal's own source is kept as it was, null included; that records
# with a format and no ref are not taken for duplicates of one another; and
# that show and the csv export show such a source.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

PLUGINS="$PT_BUILD_DIR/plugins"
pt_plugin_so import_json >/dev/null
pt_plugin_so import_csv >/dev/null
pt_plugin_so export_csv >/dev/null
W="$PT_TMP/work"
mkdir -p "$W"
pt_config '{}'
pt_start --plugin-dir "$PLUGINS"

source_of() {
    api GET "/v1/proposals/$1"
    jv 'json.dumps(j["source"], ensure_ascii=False, sort_keys=True)'
}

pt_step "json: new records with no source, with a ref only, with their own format"
cat >"$W/new.json" <<'EOF'
[{"title":"关于乡村教师待遇的建议"},
 {"title":"关于农村公路养护的建议","source":{"ref":"OA-7"}},
 {"title":"关于社区养老的建议","source":{"format":"oa","ref":"OA-8"}},
 {"title":"关于河道治理的建议","source":null}]
EOF
pt_import json "$W/new.json"
check_status "the json import" 201
check_eq "no source: the import's format, ref null" '{"format": "json", "ref": null}' "$(source_of 1)"
check_eq "a ref only: the import's format" '{"format": "json", "ref": "OA-7"}' "$(source_of 2)"
check_eq "its own format and ref" '{"format": "oa", "ref": "OA-8"}' "$(source_of 3)"
check_eq "source null: the import's format" '{"format": "json", "ref": null}' "$(source_of 4)"

pt_step "records with a format and no ref are no duplicates of one another"
printf '%s\n' '{"title":"关于职业教育的建议"}' '{"title":"关于高校就业的建议"}' >"$W/two.jsonl"
pt_import jsonl "$W/two.jsonl"
check_status "the jsonl import" 201
check_eq "both imported, none skipped" "2 0" "$(jv '"%d %d" % (j["imported"], j["skipped"])')"
check_eq "jsonl's format" '{"format": "jsonl", "ref": null}' "$(source_of 5)"
pt_import jsonl "$W/two.jsonl"
check_eq "sent again: both imported again (nothing tells them for the same)" "2 0" \
    "$(jv '"%d %d" % (j["imported"], j["skipped"])')"

pt_step "csv: a new row gets csv"
printf '标题,领衔代表\n关于城市停车的建议,张三\n' >"$W/new.csv"
pt_import csv "$W/new.csv"
check_status "the csv import" 201
check_eq "csv's format" '{"format": "csv", "ref": null}' "$(source_of "$(jv 'j["first_id"]')")"

pt_step "csv: an office's sheet where only some rows have units"
printf '标题,领衔代表,主办单位,状态
关于农村供水的建议,李四,省水利厅,已交办
关于河道治理的建议,王五,,
' \
    >"$W/units.csv"
pt_import csv "$W/units.csv"
check_status "the csv import" 201
first=$(jv 'j["first_id"]')
check_eq "the row with units is new here too: csv's format, as the row without" \
    '{"format": "csv", "ref": null} {"format": "csv", "ref": null}' \
    "$(source_of "$first") $(source_of $((first + 1)))"

pt_step "a stored proposal keeps its own source, null included"
cat >"$W/stored.json" <<'EOF'
[{"id":40,"created_at":"2026-01-05T08:00:00Z","title":"关于图书馆建设的建议","status":"submitted","source":null},
 {"id":41,"created_at":"2026-01-05T08:00:00Z","title":"关于公交线路的建议","status":"submitted","source":{"format":"oa","ref":"OA-41"}},
 {"id":42,"version":3,"title":"关于菜市场改造的建议","status":"submitted"}]
EOF
pt_import json "$W/stored.json"
check_status "the import of stored proposals" 201
first=$(jv 'j["first_id"]')
check_eq "source null stays null" "null" "$(source_of "$first")"
check_eq "its own source stays" '{"format": "oa", "ref": "OA-41"}' "$(source_of $((first + 1)))"
check_eq "no source stays null" "null" "$(source_of $((first + 2)))"

pt_step "show and the csv export show the format"
pt_cli show 1
check_contains "show names the format" "json" "$(printf %s "$OUT" | grep -i "source")"
api GET "/v1/exports?format=csv&lang=en"
check_status "the csv export" 200
check_eq "the csv export's source columns of #1 and #2" "json| json|OA-7" "$(printf %s "$BODY" | python3 -c '
import csv, io, sys
rows = {r["id"]: r for r in csv.DictReader(io.StringIO(sys.stdin.buffer.read().decode("utf-8-sig")))}
print(" ".join("%s|%s" % (rows[i]["source.format"], rows[i]["source.ref"]) for i in ("1", "2")))')"

pt_finish
