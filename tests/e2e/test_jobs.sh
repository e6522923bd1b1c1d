#!/usr/bin/env bash
# test_jobs.sh - import and export jobs end to end, with the fixture plugins
# of tests/plugins/ loaded through config `plugins`:
#   import_jsonl   one proposal per line; a broken line is rejected by name
#   import_slow    emits slowly until cancelled
#   export_jsonl   one proposal per line
#   export_failing fails after `after` proposals
#   jobs_failing   fails at once with the code asked for (?rc=)
#   export_misuse  breaks export_begin's contract, one way per format
# Checks: all or nothing with every rejected record named; partial=true;
# history and events of imported proposals; duplicates skipped; stored
# proposals (what the exporter writes) imported with their status; a
# cancelled import stores nothing and ends at once; export filters; a
# failing exporter is a failed transfer for curl (exit 18), not a file; the
# fixtures are ABI 1.0 plugins, so parameters they never declared are let
# through; a plugin's failure before the first byte is answered as its
# return code says (api.md), with its message and its instance, and the
# CLI's exit code follows; and 100,000 proposals exported in flat memory (ptrackd's peak
# RSS, printed).
set -u
. "$(dirname "$0")/lib.sh"
pt_init

pt_fixtures import_jsonl import_slow export_jsonl export_failing jobs_failing export_misuse

pt_config '{}' ',"plugins": [
    {"instance": "jl_in", "path": "'"$FIX"'/fixture_import_jsonl.so"},
    {"instance": "slow_in", "path": "'"$FIX"'/fixture_import_slow.so"},
    {"instance": "jl_out", "path": "'"$FIX"'/fixture_export_jsonl.so"},
    {"instance": "failing_out", "path": "'"$FIX"'/fixture_export_failing.so", "config": {"after": 5}},
    {"instance": "fails_jobs", "path": "'"$FIX"'/fixture_jobs_failing.so"},
    {"instance": "misuse_out", "path": "'"$FIX"'/fixture_export_misuse.so"}
  ]'
pt_start

# upload TRANSPORT QUERY FILE: POST /v1/imports?QUERY with FILE as the body.
upload() {
    local transport="$1" query="$2" file="$3"
    req "$transport" POST "/v1/imports?$query" -- --data-binary "@$file" \
        -H "Content-Type: application/x-ndjson"
}

# rss_kb FIELD: ptrackd's VmHWM or VmRSS in kB.
rss_kb() { awk -v f="$1:" '$1 == f {print $2}' "/proc/$PT_PID/status"; }

count0="$(pt_count)"

pt_step "formats and access"
upload "tcp:$CLERK_TOKEN" "format=csv" /dev/null
check_error "an import in a format no importer serves" 404 not_found
check_contains "the 404 lists the formats served" "jsonl" "$(jv 'j["error"]["message"]')"
check_contains "... the slow one too" "slow" "$(jv 'j["error"]["message"]')"
as_viewer GET "/v1/exports?format=xlsx"
check_error "an export in a format no exporter serves" 404 not_found
check_contains "the export 404 lists the formats served" "failing" "$(jv 'j["error"]["message"]')"
printf '{"title":"x"}\n' >"$PT_TMP/one.jsonl"
upload "tcp:$VIEWER_TOKEN" "format=jsonl" "$PT_TMP/one.jsonl"
check_error "a viewer may not import" 403 forbidden
upload "tcp:$CLERK_TOKEN" "format=jsonl&partial=maybe" "$PT_TMP/one.jsonl"
check_error "partial must be true or false" 400 bad_request
check_eq "nothing was stored by refused imports" "$count0" "$(pt_count)"

pt_step "all or nothing: one broken line and one invalid record"
cat >"$PT_TMP/bad.jsonl" <<'EOF'
{"title": "关于加强农村饮水安全的建议", "number": "A-1", "session": "十四届一次"}
{"title": "关于完善社区养老服务的建议", "number": "A-2", "session": "十四届一次"}
{"title": "这一行少了右括号", "number": "A-3"
{"number": "A-4", "session": "十四届一次"}
{"title": "关于治理城市内涝的建议", "number": "A-5", "session": "十四届一次"}
EOF
upload "tcp:$CLERK_TOKEN" "format=jsonl" "$PT_TMP/bad.jsonl"
check_error "an import with a broken line and an invalid record" 422 validation_failed
check_eq "both rejected records are named" '["line 3", "line 4"]' "$(jv '[r["where"] for r in j["error"]["rejected"]]')"
check_contains "the broken line's reason" "not a JSON object" "$(jv 'j["error"]["rejected"][0]["reason"]')"
check_contains "the invalid record's reason names the field" "title" "$(jv 'j["error"]["rejected"][1]["reason"]')"
check_eq "nothing of it was stored" "$count0" "$(pt_count)"

pt_step "partial=true keeps the good records"
upload "tcp:$CLERK_TOKEN" "format=jsonl&partial=true" "$PT_TMP/bad.jsonl"
check_status "a partial import" 200
check_eq "three imported" "3" "$(jv 'j["imported"]')"
check_eq "two rejected, named" '["line 3", "line 4"]' "$(jv '[r["where"] for r in j["rejected"]]')"
check_eq "the store has three more" "$((count0 + 3))" "$(pt_count)"
upload "tcp:$CLERK_TOKEN" "format=jsonl&partial=true" "$PT_TMP/bad.jsonl"
check_eq "... skipped 3, imported 0" "3 0" "$(jv 'j["skipped"]') $(jv 'j["imported"]')"

pt_step "many rejected records: the first 1,000 are listed, all are counted"
# 30,000 broken lines, then 20,000 good ones: each good record after the
# rejects once took time in proportion to the rejects so far.
python3 -c '
for i in range(30000):
    print("{broken %d" % i)
for i in range(20000):
    print("{\"title\": \"关于第%d号批量导入的建议\", \"number\": \"M-%d\", \"session\": \"拒绝计数专场\"}" % (i, i))
' >"$PT_TMP/many.jsonl"
before=$(pt_count)
t0=$(date +%s)
upload "tcp:$CLERK_TOKEN" "format=jsonl" "$PT_TMP/many.jsonl"
check_error "all or nothing" 422 validation_failed
check_eq "1,000 listed, 30,000 counted" "1000 30000" \
    "$(jv '"%d %d" % (len(j["error"]["rejected"]), j["error"]["rejected_count"])')"
check_contains "the message says so" "30000 of 50000 records were rejected (the first 1000 are listed)" \
    "$(jv 'j["error"]["message"]')"
check_eq "nothing of it was stored" "$before" "$(pt_count)"
upload "tcp:$CLERK_TOKEN" "format=jsonl&partial=true" "$PT_TMP/many.jsonl"
check_eq "partial: the good ones stored, the others counted" "20000 1000 30000" \
    "$(jv '"%d %d %d" % (j["imported"], len(j["rejected"]), j["rejected_count"])')"
check_true "both within 60 s ($(($(date +%s) - t0)) s)" [ $(($(date +%s) - t0)) -lt 60 ]
count0=$((count0 + 20000))

pt_step "a clean import stores all, with history and events"
api GET /v1/health
seq0="$(jv 'j["last_seq"]')"
cat >"$PT_TMP/clean.jsonl" <<'EOF'
{"title": "关于推进垃圾分类的建议", "number": "B-1", "session": "十四届一次", "delegation": "海淀代表团", "tags": ["环境"]}
{"title": "关于规范校外培训的建议", "number": "B-2", "session": "十四届一次", "delegation": "海淀代表团", "status": "draft"}

{"title": "关于改善公交换乘的建议", "number": "B-3", "session": "十四届一次", "delegation": "朝阳代表团", "source": {"format": "jsonl", "ref": "oa-77"}}
EOF
upload "tcp:$CLERK_TOKEN" "format=jsonl" "$PT_TMP/clean.jsonl"
check_status "a clean import" 201
check_eq "three imported, none rejected" "3 []" "$(jv 'j["imported"]') $(jv 'j["rejected"]')"
first="$(jv 'j["first_id"]')"
last="$(jv 'j["last_id"]')"
check_eq "first_id and last_id span them" "2" "$((last - first))"
check_eq "the store has them" "$((count0 + 6))" "$(pt_count)"
as_viewer GET "/v1/proposals/$first/history"
check_eq "the history says import, by the clerk" "import 建议办张科长" "$(jv 'j["items"][0]["action"]') $(jv 'j["items"][0]["actor"]')"
as_viewer GET "/v1/proposals/$((first + 1))"
check_eq "a draft stays a draft" "draft" "$(jv 'j["status"]')"
as_viewer GET "/v1/events?after=$seq0"
check_eq "one proposal.created event each" "[$first, $((first + 1)), $last]" \
    "$(jv '[e["proposal"]["id"] for e in j["items"] if e["type"] == "proposal.created"]')"
printf '{"title": "换个编号", "source": {"format": "jsonl", "ref": "oa-77"}}\n' >"$PT_TMP/dup.jsonl"
upload "tcp:$CLERK_TOKEN" "format=jsonl" "$PT_TMP/dup.jsonl"
check_eq "a record with a known source.ref is skipped" "201 1 0" "$ST $(jv 'j["skipped"]') $(jv 'j["imported"]')"

pt_step "what the exporter writes imports back, state and all"
api POST /v1/proposals '{"title": "关于加快老旧小区改造的建议", "number": "C-1", "session": "十四届一次"}'
cid="$(jv 'j["id"]')"
api GET /v1/workflow
st2="$(jv '[s["name"] for s in j["states"] if not s["initial"] and not s["terminal"]][0]')"
curl -sS --max-time 30 --unix-socket "$PT_SOCK" "http://localhost/v1/exports?format=jsonl&q=%E8%80%81%E6%97%A7%E5%B0%8F%E5%8C%BA" >"$PT_TMP/c1.jsonl"
check_eq "the export found it by text" "1" "$(wc -l <"$PT_TMP/c1.jsonl" | tr -d ' ')"
python3 - "$PT_TMP/c1.jsonl" "$st2" >"$PT_TMP/c2.jsonl" <<'EOF'
import json, sys
p = json.loads(open(sys.argv[1], encoding="utf-8").readline())
p["number"] = "C-1-copy"
p["status"] = sys.argv[2]
p["version"] = 9
print(json.dumps(p, ensure_ascii=False))
EOF
upload "tcp:$CLERK_TOKEN" "format=jsonl" "$PT_TMP/c2.jsonl"
check_status "importing an exported proposal" 201
nid="$(jv 'j["first_id"]')"
as_viewer GET "/v1/proposals/$nid"
check_eq "it keeps its state, gets a new id and starts at version 1" "$st2 1 C-1-copy" \
    "$(jv 'j["status"]') $(jv 'j["version"]') $(jv 'j["number"]')"
check_true "the new id is not the old one" [ "$nid" != "$cid" ]

pt_step "a cancelled import stores nothing and ends at once"
before="$(pt_count)"
printf 'anything\n' >"$PT_TMP/slow.txt"
slow_jobs() {
    api GET /v1/plugins
    jv '[p["jobs"] for p in j["items"] if p["instance"] == "slow_in"][0]'
}
# The client leaves once its import runs (a loaded machine may take a
# while to start it); left alone, the job would run 50 s (1000 records,
# one every 50 ms), so one that ends within 20 s of it was cancelled.
curl -sS --max-time 60 -H "Authorization: Bearer $CLERK_TOKEN" --data-binary "@$PT_TMP/slow.txt" \
    "$PT_URL/v1/imports?format=slow" >/dev/null 2>&1 &
slow_client=$!
check_true "the slow import runs" wait_for 30 eval '[ "$(slow_jobs)" = 1 ]'
t0="$(date +%s%3N)"
kill "$slow_client" 2>/dev/null || true
wait "$slow_client" 2>/dev/null || true
wait_for 60 eval '[ "$(slow_jobs)" = 0 ]' || true
ms=$(($(date +%s%3N) - t0))
check_eq "the slow import's job ended once the client left" "0" "$(slow_jobs)"
check_true "... within 20 s, long before its 50 s ($ms ms)" test "$ms" -lt 20000
sleep 0.3
check_eq "nothing of the slow import was stored" "$before" "$(pt_count)"

pt_step "export filters and headers"
curl -sS --max-time 30 -D "$PT_TMP/exp.hdrs" -H "Authorization: Bearer $VIEWER_TOKEN" \
    "$PT_URL/v1/exports?format=jsonl&delegation=%E6%B5%B7%E6%B7%80%E4%BB%A3%E8%A1%A8%E5%9B%A2" >"$PT_TMP/hd.jsonl"
check_eq "delegation=海淀代表团 gives exactly its two" "B-1 B-2" \
    "$(python3 -c 'import json,sys; print(" ".join(json.loads(l)["number"] for l in open(sys.argv[1], encoding="utf-8")))' "$PT_TMP/hd.jsonl")"
HDRS="$PT_TMP/exp.hdrs"
check_contains "Content-Disposition names the exporter's file" 'attachment; filename="proposals.jsonl"' "$(hdr Content-Disposition)"
check_contains "Content-Type is the exporter's" "application/x-ndjson" "$(hdr Content-Type)"
# disposition NAME: the Content-Disposition of an export the fixture names NAME.
disposition() {
    as_viewer GET "/v1/exports?format=jsonl&status=draft&filename=$(urlenc "$1")"
    hdr Content-Disposition
}
check_eq "a Chinese name: ASCII kept, each run of Chinese one '_' (none at an end), the UTF-8 name in filename*" \
    "attachment; filename=\"2026_A.jsonl\"; filename*=UTF-8''2026%E5%B9%B4%E5%BB%BA%E8%AE%AEA%E6%B1%87%E6%80%BB.jsonl" \
    "$(disposition 2026年建议A汇总.jsonl)"
check_eq "a name with no letter or digit outside Chinese: export, with its extension" \
    "attachment; filename=\"export.jsonl\"; filename*=UTF-8''%E5%8A%9E%E7%90%86%E4%B8%AD.jsonl" \
    "$(disposition 办理中.jsonl)"
check_eq "a quote in an ASCII name: '_' in the quoted string, the name itself in filename*" \
    "attachment; filename=\"a_b.jsonl\"; filename*=UTF-8''a%22b.jsonl" "$(disposition 'a"b.jsonl')"
curl -sS --max-time 30 --unix-socket "$PT_SOCK" "http://localhost/v1/exports?format=jsonl&status=draft&session=%E5%8D%81%E5%9B%9B%E5%B1%8A%E4%B8%80%E6%AC%A1" >"$PT_TMP/dr.jsonl"
check_eq "status=draft&session=... gives the one draft" "B-2" \
    "$(python3 -c 'import json,sys; print(" ".join(json.loads(l)["number"] for l in open(sys.argv[1], encoding="utf-8")))' "$PT_TMP/dr.jsonl")"
as_viewer GET "/v1/exports?format=jsonl&status=nonsense"
check_error "a bad filter is refused before the export starts" 400 bad_request
req "tcp:" GET "/v1/exports?format=jsonl"
check_error "an export needs a token" 401 unauthorized

pt_step "ABI 1.0 plugins declare no query parameters: every one is let through, as before"
api GET /v1/plugins
check_eq "the 1.0 importer's args are null (not declared)" "None None" \
    "$(jv '" ".join(str(p["args"].get(k)) for p in j["items"] for k in ("import", "export") if p["instance"] in ("jl_in", "jl_out") and k in p["args"])')"
upload "tcp:$CLERK_TOKEN" "format=jsonl&sepp=x&whatever=1" /dev/null
check_status "an import with parameters the 1.0 importer never declared" 201
as_viewer GET "/v1/exports?format=jsonl&stauts=closed&delegation=%E6%B5%B7%E6%B7%80%E4%BB%A3%E8%A1%A8%E5%9B%A2"
check_status "an export with an undeclared parameter" 200
check_eq "... still filtered by the filters it knows" "B-1 B-2" \
    "$(printf %s "$BODY" | python3 -c 'import json,sys; print(" ".join(json.loads(l)["number"] for l in sys.stdin if l.strip()))')"
as_viewer GET "/v1/exports?format=jsonl&stauts=closed&kind=nonsense"
check_error "... whose values are still checked" 400 bad_request

pt_step "a failing exporter is a failed transfer"
curl -sS --max-time 30 --unix-socket "$PT_SOCK" "http://localhost/v1/exports?format=failing" \
    -o "$PT_TMP/broken.jsonl" 2>"$PT_TMP/broken.err"
rc=$?
check_eq "curl reports a partial transfer (exit 18)" "18" "$rc"
check_eq "... after the 5 proposals it wrote" "5" "$(wc -l <"$PT_TMP/broken.jsonl" | tr -d ' ')"
curl -sS --max-time 30 --unix-socket "$PT_SOCK" "http://localhost/v1/exports?format=failing&delegation=nobody" \
    -o "$PT_TMP/broken2.json" -w '%{http_code}' >"$PT_TMP/broken2.code" 2>/dev/null
check_eq "failing before any output is an error answer, not a file: the plugin's, not a bug of ptrackd's" \
    "500 plugin_error" \
    "$(cat "$PT_TMP/broken2.code") $(jv 'j["error"]["code"]' "$(cat "$PT_TMP/broken2.json")")"
check_contains "... naming the instance, with its set_error text" \
    "the exporter failing_out failed: fewer than 5 proposals to fail after" \
    "$(jv 'j["error"]["message"]' "$(cat "$PT_TMP/broken2.json")")"
api GET /v1/health
check_status "the daemon is healthy after the failures" 200

pt_step "a plugin's return code decides the answer, which carries its message"
# export RC STATUS CODE: GET /v1/exports?format=fails&rc=RC.
for c in "error 500 plugin_error" "einval 400 bad_request" "ebadarg 400 bad_request" \
    "enomem 503 storage_error" "retry 503 storage_error" "notfound 500 plugin_error"; do
    set -- $c
    as_viewer GET "/v1/exports?format=fails&rc=$1"
    check_error "export() returning $1 before the first byte" "$2" "$3"
    check_contains "... names the instance and carries set_error's text" \
        "exporter fails_jobs" "$(jv 'j["error"]["message"]')"
    check_contains "... set_error's text" "the fixture was told to fail with $1" "$(jv 'j["error"]["message"]')"
done
as_viewer GET "/v1/exports?format=fails&rc=retry"
check_contains "retry: a passing trouble of the server's" "the exporter fails_jobs could not finish: " \
    "$(jv 'j["error"]["message"]')"
as_viewer GET "/v1/exports?format=fails&rc=notfound"
check_contains "a code export() must not return is named" "returned PTRACK_ENOTFOUND" "$(jv 'j["error"]["message"]')"
as_viewer GET "/v1/exports?format=fails&rc=error&silent=true"
check_contains "no set_error: the message says so" "without saying why" "$(jv 'j["error"]["message"]')"
for c in "error 422 validation_failed" "einval 422 validation_failed" \
    "ebadarg 400 bad_request" "enomem 503 storage_error" "retry 503 storage_error" "notfound 500 plugin_error"; do
    set -- $c
    upload "tcp:$CLERK_TOKEN" "format=fails&rc=$1" "$PT_TMP/one.jsonl"
    check_error "import() returning $1" "$2" "$3"
    check_contains "... names the instance, with set_error's text" \
        "importer fails_jobs" "$(jv 'j["error"]["message"]')"
    check_contains "... set_error's text" "the fixture was told to fail with $1" "$(jv 'j["error"]["message"]')"
done
upload "tcp:$CLERK_TOKEN" "format=fails&rc=unread" "$PT_TMP/one.jsonl"
check_error "import() returning OK without reading the file fails, not an import of nothing" 500 plugin_error
check_contains "... saying so" \
    "the importer fails_jobs failed: it returned before reading the whole file (a bug in the plugin); nothing was imported" \
    "$(jv 'j["error"]["message"]')"
upload "tcp:$CLERK_TOKEN" "format=fails&rc=ebadarg" "$PT_TMP/one.jsonl"
check_contains "import() returning PTRACK_EBADARG: the importer refused the request" \
    "importer fails_jobs refused the request: the fixture was told to fail with ebadarg; nothing was imported" \
    "$(jv 'j["error"]["message"]')"
if [ -x "$PTRACK" ]; then
    cd "$PT_TMP"
    "$PTRACK" --socket "$PT_SOCK" export --format fails --arg rc=error --out fails.txt \
        >/dev/null 2>"$PT_TMP/cli.err"
    check_eq "ptrack export: the exporter's failure before the first byte is exit 4 (a 5xx)" "4" "$?"
    check_contains "... with the daemon's message" "the fixture was told to fail with error" "$(cat "$PT_TMP/cli.err")"
    "$PTRACK" --socket "$PT_SOCK" export --format fails --arg rc=einval --out fails.txt \
        >/dev/null 2>"$PT_TMP/cli.err"
    check_eq "... a request the exporter refuses is exit 1 (a 4xx)" "1" "$?"
    check_true "... and no file is left" [ ! -e "$PT_TMP/fails.txt" ]
    "$PTRACK" --socket "$PT_SOCK" --json import "$PT_TMP/bad.jsonl" --format jsonl --quiet \
        >"$PT_TMP/cli.out" 2>"$PT_TMP/cli.err"
    check_eq "ptrack --json import of a file with rejected records: exit 1" "1" "$?"
    check_eq "... stdout is the daemon's answer, the rejected records in it" \
        'validation_failed ["line 3", "line 4"]' \
        "$(jv '"%s %s" % (j["error"]["code"], json.dumps([r["where"] for r in j["error"]["rejected"]], ensure_ascii=False))' "$(cat "$PT_TMP/cli.out")")"
    check_contains "... and stderr still has the message" "2 of 5 records were rejected" "$(cat "$PT_TMP/cli.err")"
    "$PTRACK" --socket "$PT_SOCK" export --format failing --out broken.jsonl >/dev/null 2>"$PT_TMP/cli.err"
    check_eq "an export cut off midway is exit 3" "3" "$?"
    check_contains "... and the message points at ptrackd's log" "ptrackd's log" "$(cat "$PT_TMP/cli.err")"
    cd - >/dev/null
fi

pt_step "export_begin's contract: a call that breaks it is refused with PTRACK_EINVAL, logged once"
as_viewer GET "/v1/exports?format=nobegin"
check_error "job_write before export_begin fails the export, even if the plugin returns OK" 500 plugin_error
check_contains "... saying what the exporter did" "misuse_out failed: job_write was called before export_begin" \
    "$(jv 'j["error"]["message"]')"
check_contains "... the call returned PTRACK_EINVAL" "nobegin: job_write -> -3" "$(cat "$PT_TMP/ptrackd.log")"
as_viewer GET "/v1/exports?format=twice"
check_status "a second export_begin is refused; the first stays" 200
check_eq "... its content type and file name" "text/plain; charset=utf-8 | attachment; filename=\"a.txt\"" \
    "$(hdr Content-Type) | $(hdr Content-Disposition)"
check_eq "... and the output" "x" "$BODY"
check_contains "... the second and third calls returned PTRACK_EINVAL" "twice: export_begin -> 0 -3 -3" \
    "$(cat "$PT_TMP/ptrackd.log")"
check_eq "... and the misuse was logged once" "1" \
    "$(grep -c 'exporter misuse_out: export_begin was called again' "$PT_TMP/ptrackd.log")"
as_viewer GET "/v1/exports?format=badtype"
check_error "a content type with a CR LF is refused, and the export fails" 500 plugin_error
check_contains "... naming it" 'is not a content type' "$(jv 'j["error"]["message"]')"
check_contains "... export_begin returned PTRACK_EINVAL" "badtype: export_begin -> -3" "$(cat "$PT_TMP/ptrackd.log")"
check_eq "... and no header of its making went out" "" "$(hdr X-Evil)"
as_viewer GET "/v1/exports?format=badname"
check_error "a file name with a quote and a CR LF is refused" 500 plugin_error
check_contains "... naming it" 'is not a file name' "$(jv 'j["error"]["message"]')"
as_viewer GET "/v1/exports?format=slashname"
check_error "a file name with a slash is refused" 500 plugin_error
check_contains "... export_begin returned PTRACK_EINVAL" "slashname: export_begin -> -3" "$(cat "$PT_TMP/ptrackd.log")"
as_viewer GET "/v1/exports?format=cnslash"
check_error "a Chinese file name with a slash is refused" 500 plugin_error
check_contains "... named as the plugin gave it, Chinese and all" '"汇总/2025.txt" is not a file name' \
    "$(jv 'j["error"]["message"]')"
as_viewer GET "/v1/exports?format=silent"
check_error "an export() that returns OK without export_begin fails, not an empty 200" 500 plugin_error
check_contains "... saying so" "export() returned PTRACK_OK without calling export_begin: it made no output" \
    "$(jv 'j["error"]["message"]')"

pt_step "100,000 proposals: imported in four files, exported in flat memory"
N=100000
python3 - "$PT_TMP/big" "$N" <<'EOF'
import json, sys
base, n = sys.argv[1], int(sys.argv[2])
text = "为进一步提高城乡基层治理水平，建议加强社区工作者队伍建设，完善考核激励机制，" * 8
parts = 4
for k in range(parts):
    with open("%s.%d.jsonl" % (base, k), "w", encoding="utf-8") as f:
        for i in range(k * n // parts, (k + 1) * n // parts):
            f.write(json.dumps({
                "title": "关于第 %d 号基层治理问题的建议" % i,
                "number": "BIG-%06d" % i,
                "session": "十四届二次",
                "delegation": "代表团%02d" % (i % 40),
                "background": text,
                "recommendations": ["建议一：%d" % i, "建议二：完善制度"],
                "tags": ["基层治理"],
            }, ensure_ascii=False) + "\n")
EOF
before="$(pt_count)"
t0=$(date +%s)
for k in 0 1 2 3; do
    req "tcp:$CLERK_TOKEN" POST "/v1/imports?format=jsonl" -- --data-binary "@$PT_TMP/big.$k.jsonl" \
        --max-time 280 -H "Content-Type: application/x-ndjson"
    check_eq "big file $k imported whole" "201 25000" "$ST $(jv 'j["imported"]')"
done
pt_log "imported $N proposals in $(($(date +%s) - t0)) s"
check_eq "the store has 100,000 more" "$((before + N))" "$(pt_count)"

# The peak RSS is reset (clear_refs 5), so that what is measured is the
# export's peak, not the import's.
echo 5 >"/proc/$PT_PID/clear_refs" 2>/dev/null || pt_log "cannot reset VmHWM; measuring from the import's peak"
hwm0="$(rss_kb VmHWM)"
rss0="$(rss_kb VmRSS)"
t0=$(date +%s)
curl -sS --max-time 280 -H "Authorization: Bearer $VIEWER_TOKEN" \
    "$PT_URL/v1/exports?format=jsonl&session=%E5%8D%81%E5%9B%9B%E5%B1%8A%E4%BA%8C%E6%AC%A1" -o "$PT_TMP/big.out"
rc=$?
hwm1="$(rss_kb VmHWM)"
size=$(stat -c %s "$PT_TMP/big.out")
lines=$(wc -l <"$PT_TMP/big.out" | tr -d ' ')
pt_log "export: $lines lines, $((size / 1024 / 1024)) MiB in $(($(date +%s) - t0)) s;" \
    "ptrackd VmRSS before $((rss0 / 1024)) MiB, VmHWM before $((hwm0 / 1024)) MiB," \
    "after $((hwm1 / 1024)) MiB (growth $(((hwm1 - hwm0) / 1024)) MiB)"
check_eq "curl got the whole export" "0" "$rc"
check_eq "every one of the 100,000 was exported (session filter)" "$N" "$lines"
check_true "the output is over 100 MB" [ "$size" -gt 100000000 ]
check_true "ptrackd's peak memory grew by less than 30 MB during the export" [ $((hwm1 - hwm0)) -lt 30720 ]
python3 - "$PT_TMP/big.out" <<'EOF' >"$PT_TMP/order.txt"
import json, sys
prev = 0
ok = True
for line in open(sys.argv[1], encoding="utf-8"):
    i = json.loads(line)["id"]
    ok = ok and i > prev
    prev = i
print("ascending" if ok else "out of order")
EOF
check_eq "the export is in id order" "ascending" "$(cat "$PT_TMP/order.txt")"

pt_stop
pt_finish
