#!/usr/bin/env bash
# SIGHUP: a new token works at once and a removed one is refused; a config
# with an error, or that the next start would refuse (a listen off
# loopback without allow_remote, a socket_group that does not exist), is
# refused with a log line and the running one stays, and a change of
# socket_group or the categories is logged as waiting for a restart; a new
# plugin instance is loaded and a removed one unloaded, while one loaded
# at run time stays until the configuration names it; a keep-alive
# connection opened before the reload is still served after it; a config
# token named as a token made at run time, or being made when the SIGHUP
# comes, is refused, on SIGHUP and at start.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
pt_init

NEW_TOKEN="new-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
# An idle_timeout of 10 min: the keep-alive connection below waits, idle,
# for the reloads before its second request, which a busy machine may
# make take more than the default minute.
pt_config '' ',"limits": {"idle_timeout": "10m"}'
pt_start
pid="$PT_PID"

# reload: pt_reload, which a reload that never ends fails.
reload() { pt_reload || pt_die "ptrackd did not log the end of the reload within 60 s"; }

pt_step "before the reload"
as_viewer GET /v1/health
check_status "the viewer token works" 200
req "tcp:$NEW_TOKEN" GET /v1/health
check_error "a token not configured yet" 401 unauthorized

# A keep-alive connection opened now must still be served after the reload:
# its second request waits for the file $PT_TMP/reloaded, made once the
# good config below has been taken.
python3 - "$PT_PORT" "$CLERK_TOKEN" "$PT_TMP/reloaded" >"$PT_TMP/keepalive.out" 2>&1 <<'PY' &
import http.client, os, sys, time
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=20)
h = {"Authorization": "Bearer " + sys.argv[2]}
c.request("GET", "/v1/health", headers=h); r = c.getresponse(); r.read()
print("first", r.status, flush=True)
for _ in range(3000):
    if os.path.exists(sys.argv[3]):
        break
    time.sleep(0.1)
c.request("GET", "/v1/workflow", headers=h); r = c.getresponse(); r.read()
print("second", r.status, flush=True)
PY
keepalive=$!
wait_for 30 grep -q '^first' "$PT_TMP/keepalive.out" || true

pt_step "a config with an error is refused and the running one stays"
cp "$PT_CONF" "$PT_TMP/good.json"
python3 - "$PT_CONF" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["limits"] = {"body": "1XB"}
json.dump(c, open(sys.argv[1], "w"), ensure_ascii=False)
PY
reload
check_true "the daemon is still running" kill -0 "$pid"
check_true "the refusal is logged, naming the key" \
    grep -q 'SIGHUP: the configuration was refused.*limits.body' "$PT_TMP/ptrackd.log"
as_viewer GET /v1/health
check_status "the old tokens still work" 200
check_eq "health tells a viewer the file's configuration is not in force, not why" "True None" \
    "$(jv 'str(bool(j["config_refused"]["at"])) + " " + str(j["config_refused"]["message"])')"
api GET /v1/health
check_contains "... and an admin why" "limits.body" "$(jv 'j["config_refused"]["message"]')"
check_eq "... still ok: the running configuration serves" ok "$(jv 'j["status"]')"
out="$("$PTRACK" --socket "$PT_SOCK" health 2>&1)" && rc=0 || rc=$?
check_eq "ptrack health passes" 0 "$rc"
check_contains "... and warns that the last reload was refused" \
    "ptrack: the last reload's configuration was refused, and the one before runs: config $PT_CONF: limits.body" "$out"
# The message quotes the file: a value with U+202E is shown without it, as
# ptrackd's other messages are, not turning the rest of the line around.
python3 - "$PT_CONF" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["limits"] = {"body": "1\u202eXB"}
json.dump(c, open(sys.argv[1], "w"), ensure_ascii=False)
PY
reload
api GET /v1/health
check_contains "a refusal quoting a value with U+202E" $'\u202e' "$(jv 'j["config_refused"]["message"]')"
out="$("$PTRACK" --socket "$PT_SOCK" health 2>&1)" && rc=0 || rc=$?
check_eq "ptrack health passes" 0 "$rc"
check_contains "... and warns that the last reload was refused" "limits.body" "$out"
check_eq "... without the U+202E" "" "$(printf %s "$out" | grep $'\u202e' || true)"
cp "$PT_TMP/good.json" "$PT_CONF"
reload
as_viewer GET /v1/health
check_eq "a reload that is applied clears it" null "$(jv 'json.dumps(j["config_refused"])')"
# A workflow that would not load at the next start, with a new token: the
# reload is refused whole (the workflow itself only changes at a start).
NEXT_TOKEN="next-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
python3 - "$PT_TMP/good.json" "$PT_CONF" "$PT_TMP/nosuch-workflow.json" "$(pt_sha256 "$NEXT_TOKEN")" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["workflow"] = sys.argv[3]
c["tokens"].append({"name": "下次启动", "role": "viewer", "sha256": sys.argv[4]})
json.dump(c, open(sys.argv[2], "w"), ensure_ascii=False)
PY
reload
check_true "a workflow that does not load is refused, and logged" \
    grep -q 'SIGHUP: the configuration was refused.*workflow .*nosuch-workflow.json' "$PT_TMP/ptrackd.log"
req "tcp:$NEXT_TOKEN" GET /v1/health
check_error "nothing of that config came into force" 401 unauthorized
# A plugin instance whose file does not exist, with a new token: refused
# whole, before anything changes.
python3 - "$PT_TMP/good.json" "$PT_CONF" "$(pt_sha256 "$NEXT_TOKEN")" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["tokens"].append({"name": "下次启动", "role": "viewer", "sha256": sys.argv[3]})
c.setdefault("plugins", []).append({"instance": "ghost", "path": "/nonexistent/notify_ghost.so"})
json.dump(c, open(sys.argv[2], "w"), ensure_ascii=False)
PY
reload
check_true "a plugin that cannot be loaded is refused before anything changes, and logged" \
    grep -q 'SIGHUP: the configuration was refused.*plugin instance ghost: .*does not exist' "$PT_TMP/ptrackd.log"
# The refusal reads as --check-config (and a start) says it of the same
# file, so that one grep finds it in either; the check said
# "plugins: plugin instance ghost: ...".
refused="$(grep 'SIGHUP: the configuration was refused.*plugin instance ghost' "$PT_TMP/ptrackd.log" |
    tail -n 1 | sed 's/.*the running one stays: //')"
check_eq "the reload's refusal names the file, the instance and the plugin file" \
    "config $PT_CONF: plugin instance ghost: plugin file /nonexistent/notify_ghost.so does not exist" \
    "$refused"
out="$("$PTRACKD" --check-config "$PT_CONF" 2>&1)" && rc=0 || rc=$?
check_eq "--check-config refuses the same file" 1 "$rc"
check_eq "in the same words" "$refused" "$(sed -n 's/^ptrackd: //p' <<<"$out")"
api GET /v1/health
check_eq "and GET /v1/health's config_refused too" "$refused" "$(jv 'j["config_refused"]["message"]')"
req "tcp:$NEXT_TOKEN" GET /v1/health
check_error "the token of that config did not come into force" 401 unauthorized

pt_step "a config that the next start would refuse is refused"
# listen and socket_group change only at a restart; a reload that took
# what that restart refuses would leave a daemon that cannot start again.
python3 - "$PT_TMP/good.json" "$PT_CONF" "$(pt_sha256 "$NEXT_TOKEN")" "$(pt_free_port)" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["tokens"].append({"name": "下次启动", "role": "viewer", "sha256": sys.argv[3]})
c["listen"] = "0.0.0.0:" + sys.argv[4]
json.dump(c, open(sys.argv[2], "w"), ensure_ascii=False)
PY
reload
check_true "a listen off loopback without allow_remote is refused, and logged" \
    grep -q 'SIGHUP: the configuration was refused.*listen: 0.0.0.0:.*allow_remote' "$PT_TMP/ptrackd.log"
req "tcp:$NEXT_TOKEN" GET /v1/health
check_error "nothing of that config came into force" 401 unauthorized
python3 - "$PT_TMP/good.json" "$PT_CONF" "$(pt_sha256 "$NEXT_TOKEN")" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["tokens"].append({"name": "下次启动", "role": "viewer", "sha256": sys.argv[3]})
c["socket_group"] = "没有这个组"
json.dump(c, open(sys.argv[2], "w"), ensure_ascii=False)
PY
reload
check_true "a socket_group that does not exist is refused, and logged" \
    grep -q 'SIGHUP: the configuration was refused.*socket_group: there is no group "没有这个组"' "$PT_TMP/ptrackd.log"
req "tcp:$NEXT_TOKEN" GET /v1/health
check_error "nothing of that config came into force" 401 unauthorized
# A group that exists and new categories are taken, for the next start,
# and the log says that they wait for it.
python3 - "$PT_TMP/good.json" "$PT_CONF" "$(id -gn)" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["socket_group"] = sys.argv[3]
c["categories"] = ["教育", "交通运输"]
json.dump(c, open(sys.argv[2], "w"), ensure_ascii=False)
PY
reload
check_true "a socket_group change is logged as waiting for the next start" \
    grep -q "WARN  SIGHUP: socket_group changed to \"$(id -gn)\"; it takes effect at the next start" "$PT_TMP/ptrackd.log"
check_true "so is a change of the categories" \
    grep -q 'WARN  SIGHUP: categories changed; they take effect at the next start' "$PT_TMP/ptrackd.log"
check_eq "the socket kept its mode" 600 "$(stat -c %a "$PT_SOCK")"
api POST /v1/proposals '{"title":"类别不变的建议","category":"生态环境"}'
check_status "the running categories (any) still apply" 201

pt_step "a good config: tokens and plugin instances change at once"
python3 - "$PT_TMP/good.json" "$PT_CONF" "$(pt_sha256 "$NEW_TOKEN")" \
    "$PT_FIXTURE_PLUGINS/fixture_notify_record.so" "$PT_TMP/events.txt" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["tokens"] = [t for t in c["tokens"] if t["role"] != "viewer"]
c["tokens"].append({"name": "新报表机", "role": "viewer", "sha256": sys.argv[3]})
c["plugins"] = [{"instance": "record", "path": sys.argv[4], "config": {"path": sys.argv[5]}}]
json.dump(c, open(sys.argv[2], "w"), ensure_ascii=False)
PY
reload
req "tcp:$NEW_TOKEN" GET /v1/health
check_status "the new token works at once" 200
as_viewer GET /v1/health
check_error "the removed token is refused" 401 unauthorized
api GET /v1/plugins
check_eq "the new plugin instance is loaded" '["record"]' "$(jv '[i["instance"] for i in j["items"]]')"
api POST /v1/proposals '{"title":"重新加载后的建议"}'
check_status "a write after the reload" 201
for _ in $(seq 1 300); do
    [ -s "$PT_TMP/events.txt" ] && break
    sleep 0.1
done
check_true "the new instance delivers events" test -s "$PT_TMP/events.txt"

pt_step "the keep-alive connection survived"
touch "$PT_TMP/reloaded"
wait "$keepalive" || true
check_contains "first request" "first 200" "$(cat "$PT_TMP/keepalive.out")"
check_contains "second request on the same connection, after the reload" "second 200" \
    "$(cat "$PT_TMP/keepalive.out")"

pt_step "removing the instance unloads it"
cp "$PT_TMP/good.json" "$PT_CONF"
reload
api GET /v1/plugins
check_eq "no instance is left" '[]' "$(jv '[i["instance"] for i in j["items"]]')"

pt_step "an instance loaded at run time stays across a reload"
api POST /v1/plugins "{\"instance\":\"adhoc\",\"path\":\"$PT_FIXTURE_PLUGINS/fixture_notify_record.so\",\"config\":{\"path\":\"$PT_TMP/adhoc.txt\"}}"
check_status "loaded at run time" 201
check_eq "it says so" "true" "$(jv 'j["runtime"]')"
reload
api GET /v1/plugins
check_eq "a reload that does not name it keeps it" '[["adhoc", true]]' \
    "$(jv 'json.dumps([[i["instance"], i["runtime"]] for i in j["items"]])')"
api POST /v1/proposals '{"title":"运行时加载的通知"}'
check_status "a write after that reload" 201
for _ in $(seq 1 300); do
    grep -q "proposal.created" "$PT_TMP/adhoc.txt" 2>/dev/null && break
    sleep 0.1
done
check_true "and it still delivers" grep -q "proposal.created" "$PT_TMP/adhoc.txt"
python3 - "$PT_TMP/good.json" "$PT_CONF" "$PT_FIXTURE_PLUGINS/fixture_notify_record.so" \
    "$PT_TMP/adhoc.txt" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["plugins"] = [{"instance": "adhoc", "path": sys.argv[3], "config": {"path": sys.argv[4]}}]
json.dump(c, open(sys.argv[2], "w"), ensure_ascii=False)
PY
reload
api GET /v1/plugins
check_eq "once the configuration names it, it is the configuration's" '[["adhoc", false]]' \
    "$(jv 'json.dumps([[i["instance"], i["runtime"]] for i in j["items"]])')"
cp "$PT_TMP/good.json" "$PT_CONF"
reload
api GET /v1/plugins
check_eq "and a reload without it unloads it" '[]' "$(jv '[i["instance"] for i in j["items"]]')"

pt_step "a config token named as a token being made is refused"
# A trigger makes storing the token take about 3 s (more on a busy
# machine); the SIGHUP comes while it is being stored, after the create's
# own check of the config's names. The config is written first: ptrackd
# reads it only at the SIGHUP.
sqlite3 -cmd ".timeout 5000" "$PT_DATA/ptrack.db" "CREATE TRIGGER slow_token AFTER INSERT ON tokens
    WHEN NEW.name = '夜班员'
    BEGIN SELECT count(*) FROM (WITH RECURSIVE c(x) AS
        (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 15000000) SELECT x FROM c); END;"
python3 - "$PT_TMP/good.json" "$PT_CONF" "$(pt_sha256 "$NEW_TOKEN")" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["tokens"].append({"name": "夜班员", "role": "clerk", "sha256": sys.argv[3]})
json.dump(c, open(sys.argv[2], "w"), ensure_ascii=False)
PY
curl -s -o "$PT_TMP/making.body" -w '%{http_code}' --max-time 120 --unix-socket "$PT_SOCK" \
    -X POST -H "Content-Type: application/json" -d '{"name": "夜班员", "role": "viewer"}' \
    http://localhost/v1/tokens >"$PT_TMP/making.status" &
cpid=$!
# The token is being stored once the writer holds the database's write
# lock for longer than any other write does: held twice 0.3 s apart.
db_locked() {
    local out
    out="$(sqlite3 "$PT_DATA/ptrack.db" "BEGIN IMMEDIATE; ROLLBACK;" 2>&1)" || true
    case "$out" in *"database is locked"*) return 0 ;; esac
    return 1
}
token_being_stored() { db_locked && sleep 0.3 && db_locked; }
wait_for 60 token_being_stored || pt_die "the token's write did not begin within 60 s"
reload
wait "$cpid"
check_eq "the token is made" 201 "$(cat "$PT_TMP/making.status")"
check_true "the reload during its making is refused, naming the token" \
    grep -q 'SIGHUP: the configuration was refused.*tokens\[3\]: "夜班员" is the name of a token being made at run time' \
    "$PT_TMP/ptrackd.log"
req "tcp:$NEW_TOKEN" GET /v1/health
check_error "the config's token of that name did not come into force" 401 unauthorized
sqlite3 -cmd ".timeout 5000" "$PT_DATA/ptrack.db" "DROP TRIGGER slow_token;"
api DELETE "/v1/tokens/%E5%A4%9C%E7%8F%AD%E5%91%98"
check_status "it is revoked again" 204
cp "$PT_TMP/good.json" "$PT_CONF"

pt_step "a config token named as a token made at run time is refused"
api POST /v1/tokens '{"name": "值班员", "role": "viewer"}'
check_status "a token made at run time" 201
python3 - "$PT_TMP/good.json" "$PT_CONF" "$(pt_sha256 "$NEW_TOKEN")" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["tokens"].append({"name": "值班员", "role": "clerk", "sha256": sys.argv[3]})
json.dump(c, open(sys.argv[2], "w"), ensure_ascii=False)
PY
reload
check_true "the daemon is still running" kill -0 "$pid"
check_true "the refusal is logged, naming the file and the token" \
    grep -qF "SIGHUP: the configuration was refused, the running one stays: config $PT_CONF: tokens[3]: \"值班员\" is the name of a token made at run time" \
    "$PT_TMP/ptrackd.log"
req "tcp:$NEW_TOKEN" GET /v1/health
check_error "the config's token did not come into force" 401 unauthorized
out="$("$PTRACKD" --check-config "$PT_CONF" 2>&1)" && rc=0 || rc=$?
check_eq "--check-config beside the running ptrackd refuses it too" 1 "$rc"
check_contains "naming the file and the token" \
    "config $PT_CONF: tokens[3]: \"值班员\" is the name of a token made at run time" "$out"
pt_stop
"$PTRACKD" --config "$PT_CONF" >"$PT_TMP/start.out" 2>&1 && rc=0 || rc=$?
check_eq "a start with that config fails" 1 "$rc"
check_contains "naming the file and the token" \
    "config $PT_CONF: tokens[3]: \"值班员\" is the name of a token made at run time" \
    "$(cat "$PT_TMP/start.out")"
out="$("$PTRACKD" --check-config "$PT_CONF" 2>&1)" && rc=0 || rc=$?
check_eq "as --check-config does, with ptrackd stopped" 1 "$rc"
check_contains "naming the token" 'tokens[3]: "值班员" is the name of a token made at run time' "$out"

pt_step "a SIGHUP that changes an importer while its job runs: changed when the job ends"
cp "$PT_TMP/good.json" "$PT_CONF"
slow_config() { # slow_config COUNT: the good config with the slow importer emitting COUNT
    python3 - "$PT_TMP/good.json" "$PT_CONF" "$PT_FIXTURE_PLUGINS/fixture_import_slow.so" "$1" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["plugins"] = [{"instance": "slow_in", "path": sys.argv[3], "config": {"count": int(sys.argv[4])}}]
json.dump(c, open(sys.argv[2], "w"), ensure_ascii=False)
PY
}
# 300 records, 15 s: the SIGHUP below comes while the job runs, however
# long a loaded machine takes to send it.
slow_config 300
pt_start
pid="$PT_PID"
printf 'x\n' >"$PT_TMP/slow.txt"
curl -s -o "$PT_TMP/slow.body" -w '%{http_code}' --max-time 120 --unix-socket "$PT_SOCK" \
    -X POST --data-binary "@$PT_TMP/slow.txt" 'http://localhost/v1/imports?format=slow' \
    >"$PT_TMP/slow.status" &
cpid=$!
for _ in $(seq 1 300); do
    api GET /v1/plugins/slow_in
    [ "$(jv 'j["jobs"]')" = 1 ] && break
    sleep 0.1
done
check_eq "the import runs" 1 "$(jv 'j["jobs"]')"
slow_config 3
reload
check_true "the change waits for the job, and the log says so" \
    grep -q 'reload: plugin instance slow_in has 1 import or export job running; it goes on with its running configuration for it and is changed when the last one ends' "$PT_TMP/ptrackd.log"
api GET /v1/plugins/slow_in
check_eq "meanwhile it runs with its running configuration" "300 1" "$(jv 'str(j["config"]["count"])+" "+str(j["jobs"])')"
wait "$cpid" || true
check_eq "the import ends as it began" 201 "$(cat "$PT_TMP/slow.status")"
# The change follows the job's end, which its answer may come before.
check_true "once the job has ended, the log says the instance is changed" \
    wait_for 30 grep -q 'reload: the last job of plugin instance slow_in has ended; it is changed now' "$PT_TMP/ptrackd.log"
api GET /v1/plugins/slow_in
check_eq "and it has its new configuration" "3 0" "$(jv 'str(j["config"]["count"])+" "+str(j["jobs"])')"
check_true "nothing was refused for good" bash -c "! grep -q 'unload it when it ends' '$PT_TMP/ptrackd.log'"
api POST '/v1/imports?format=slow' 'y' -- -H 'Content-Type: text/plain'
check_eq "an import now runs with the new configuration" 3 "$(jv 'j["imported"]')"
pt_stop

pt_step "two importers whose changes wait for their jobs: each is changed when its own job ends"
# The instance loaded last has its job end first: the change of the one
# loaded first still waits, and the ending job's instance is freed by its
# own change while the waiting list is walked.
two_config() { # two_config COUNT PAUSE
    python3 - "$PT_TMP/good.json" "$PT_CONF" "$PT_FIXTURE_PLUGINS" "$1" "$2" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["plugins"] = [
    {"instance": "slow_a", "path": sys.argv[3] + "/fixture_import_slow.so", "config": {"count": int(sys.argv[4])}},
    {"instance": "stub_b", "path": sys.argv[3] + "/fixture_jobs_stubborn.so", "config": {"pause": sys.argv[5]}}]
json.dump(c, open(sys.argv[2], "w"), ensure_ascii=False)
PY
}
two_config 60 1500ms
pt_start
pid="$PT_PID"
cpids=()
for f in slow stubborn; do
    curl -s -o "$PT_TMP/two.$f.body" -w '%{http_code}' --max-time 30 --unix-socket "$PT_SOCK" \
        -X POST --data-binary "@$PT_TMP/slow.txt" "http://localhost/v1/imports?format=$f" \
        >"$PT_TMP/two.$f.status" &
    cpids+=($!)
done
for _ in $(seq 1 300); do
    api GET /v1/plugins
    [ "$(jv 'sum(i["jobs"] for i in j["items"])')" = 2 ] && break
    sleep 0.1
done
check_eq "both imports run" 2 "$(jv 'sum(i["jobs"] for i in j["items"])')"
two_config 2 1s
reload
wait "${cpids[@]}" || true
check_eq "both imports end as they began" "201 201" "$(cat "$PT_TMP/two.slow.status") $(cat "$PT_TMP/two.stubborn.status")"
# The changes follow the jobs' ends, which their answers may come before.
two_changed() {
    api GET /v1/plugins
    [ "$(jv 'sum(i["jobs"] for i in j["items"])')" = 0 ] &&
        [ "$(jv 'len(j["items"])')" = 2 ] &&
        [ "$(jv 'len(j.get("failed", []))')" = 0 ] &&
        grep -q 'reload: the last job of plugin instance slow_a has ended' "$PT_TMP/ptrackd.log"
}
wait_for 30 two_changed || true
check_true "ptrackd is still running" kill -0 "$pid"
api GET /v1/plugins
check_eq "each instance has its new configuration" '["2", "1s"]' \
    "$(jv 'json.dumps([str(i["config"].get("count", i["config"].get("pause"))) for i in sorted(j["items"], key=lambda i: i["instance"])])')"
check_eq "and no job" 0 "$(jv 'sum(i["jobs"] for i in j["items"])')"
pt_stop

pt_step "a format moves from an instance that goes to one that changes, in one reload"
move_config() { # move_config A_FIXTURE [B_FIXTURE]
    python3 - "$PT_TMP/good.json" "$PT_CONF" "$PT_FIXTURE_PLUGINS" "$@" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["plugins"] = [{"instance": "in_a", "path": sys.argv[3] + "/" + sys.argv[4]}]
if len(sys.argv) > 5:
    c["plugins"].append({"instance": "in_b", "path": sys.argv[3] + "/" + sys.argv[5]})
json.dump(c, open(sys.argv[2], "w"), ensure_ascii=False)
PY
}
move_config fixture_import_slow.so fixture_jobs_stubborn.so
pt_start
pid="$PT_PID"
api GET /v1/plugins
check_eq "in_b imports stubborn" in_b "$(jv 'j["formats"]["import"]["stubborn"]')"
move_config fixture_jobs_stubborn.so
"$PTRACKD" --check-config "$PT_CONF" >/dev/null 2>&1 && rc=0 || rc=$?
check_eq "--check-config takes in_a now importing what in_b, which goes, imported" 0 "$rc"
reload
api GET /v1/plugins
check_eq "so does the reload: in_a imports stubborn, in_b is gone, nothing failed" \
    '["in_a", ["in_a"], []]' \
    "$(jv 'json.dumps([j["formats"]["import"].get("stubborn"), [i["instance"] for i in j["items"]], j.get("failed", [])])')"
pt_stop

pt_step "a SIGHUP whose changed notifier create() refuses keeps the running one"
notifier_config() { # notifier_config FAIL: the good config with a bad_create notifier
    python3 - "$PT_TMP/good.json" "$PT_CONF" "$PT_FIXTURE_PLUGINS/fixture_bad_create.so" "$1" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["plugins"] = [{"instance": "robot", "path": sys.argv[3], "config": {"fail": sys.argv[4] == "true"}}]
json.dump(c, open(sys.argv[2], "w"), ensure_ascii=False)
PY
}
notifier_config false
out="$("$PTRACKD" --check-config "$PT_CONF" 2>&1)" && rc=0 || rc=$?
check_eq "--check-config passes an entry create() takes" 0 "$rc"
pt_start
pid="$PT_PID"
api GET /v1/health
check_eq "health lists no failed plugin" "[]" "$(jv 'j["plugins_failed"]')"
notifier_config true
out="$("$PTRACKD" --check-config "$PT_CONF" 2>&1)" && rc=0 || rc=$?
check_eq "--check-config refuses an option value only create() can judge" 1 "$rc"
check_contains "naming the instance and create()'s reason" \
    "plugin instance robot: plugin bad_create refused to create instance \"robot\": create failed: cannot reach the fixture's server (as designed)" "$out"
reload
check_true "the refusal is logged, and that the running instance goes on" \
    grep -q 'reload: plugin instance robot was not changed: plugin bad_create refused to create instance "robot": create failed: cannot reach the fixture.s server (as designed); it goes on with its running configuration' "$PT_TMP/ptrackd.log"
api GET /v1/plugins/robot
check_eq "the notifier still runs, with its earlier entry" "False running" \
    "$(jv 'str(j["config"]["fail"])+" "+("running" if j["notifier"] else "stopped")')"
api GET /v1/health
check_eq "health still answers ok" "ok" "$(jv 'j["status"]')"
check_eq "and names the instance that did not change" '["robot"]' "$(jv 'json.dumps(j["plugins_failed"])')"
api GET /v1/plugins
check_contains "GET /v1/plugins says why" "create failed: cannot reach the fixture" "$(jv 'j["failed"][0]["error"]')"
check_contains "so does ptrack plugins list, below the table" \
    "未按配置运行 not as configured: robot: " "$("$PTRACK" --socket "$PT_SOCK" plugins list)"
notifier_config false
reload
api GET /v1/health
check_eq "a reload that loads it takes it off the list" "[]" "$(jv 'j["plugins_failed"]')"
pt_stop

pt_step "a start whose notifier create() refuses serves without it, as a reload does"
# A restart with the entry a reload left aside (its server out of reach,
# say) must not keep the office from its proposals.
notifier_config true
mark="$(wc -l <"$PT_TMP/ptrackd.log")"
pt_start
check_true "the start goes on" kill -0 "$PT_PID"
check_true "the log says which instance and why, at error" \
    grep -q 'ERROR plugin instance robot was not loaded: plugin bad_create refused to create instance "robot": create failed: cannot reach the fixture.s server (as designed); ptrackd serves without it until a reload (SIGHUP) loads it' \
    <(tail -n +"$((mark + 1))" "$PT_TMP/ptrackd.log")
api GET /v1/health
check_eq "health names it" '["robot"]' "$(jv 'json.dumps(j["plugins_failed"])')"
api POST /v1/proposals '{"title": "关于通知插件缺席时登记的建议"}'
check_status "proposals are taken all the same" 201
notifier_config false
reload
api GET /v1/health
check_eq "a reload that loads it takes it off the list" "[]" "$(jv 'json.dumps(j["plugins_failed"])')"
api GET /v1/plugins/robot
check_eq "and it runs" running "$(jv '"running" if j["notifier"] else "stopped"')"
pt_stop

pt_finish
