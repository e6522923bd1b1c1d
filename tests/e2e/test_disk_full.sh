#!/usr/bin/env bash
# test_disk_full.sh - ptrackd on a full disk (docs/operation.md): every write
# the disk refuses is answered 503 storage_error, saying that the disk is
# full, and never acknowledged; nothing of it is stored, not half of an
# action nor some rows of an import, and it takes no id (the next
# proposals get the ids it would have had); reads and the change feed go
# on; the log says once that writes fail and once that they are stored
# again, not once a write; once there is room again writes are stored
# without a restart; and after a kill -9 or a SIGTERM stopped while the
# disk was full, every acknowledged write is there. A change feed's mark
# (ptrack.seq) that cannot be written costs no write.
#
# How the disk fills: tests/shims/failwrite.so, preloaded, fails every
# write to a file under the data directory with ENOSPC while $FLAG exists,
# as a full disk does, so the test needs no file system of its own.
set -u
source "$(dirname "$0")/lib.sh"
pt_init

pt_shim failwrite
[ -f "$PT_BUILD_DIR/plugins/import_json.so" ] || pt_die "the import plugins are not built"
FLAG="$PT_TMP/disk-full"
DISK_FULL="the disk that holds ptrackd's database is full"
ACK="$PT_TMP/ack"
: >"$ACK"

# full_start [PREFIX]: ptrackd with the shim, failing writes under PREFIX
# (the data directory) while $FLAG exists.
full_start() {
    mkdir -p "$PT_DATA"
    local prefix="${1:-$(realpath "$PT_DATA")/}"
    LD_PRELOAD="$SHIM" FAILWRITE_FLAG="$FLAG" FAILWRITE_PREFIX="$prefix" \
        pt_start --plugin-dir "$PT_BUILD_DIR/plugins"
}
log_lines() { wc -l <"$PT_TMP/ptrackd.log"; }
# log_since MARK: the log's lines after line MARK.
log_since() { tail -n +"$(($1 + 1))" "$PT_TMP/ptrackd.log"; }
# ack: records the last answer's proposal and version as acknowledged.
ack() { echo "$(jv 'j["id"]') $(jv 'j["version"]')" >>"$ACK"; }
version_of() {
    api GET "/v1/proposals/$1"
    jv 'j["version"]'
}
last_seq() {
    api GET /v1/health
    jv 'j["last_seq"]'
}
check_refused() {
    check_error "$1" 503 storage_error
    check_contains "$1: saying that the disk is full" "$DISK_FULL" "$(jv 'j["error"]["message"]')"
}
# check_not_saved WHAT: the last answer, a refused write that is no import,
# says that it was not saved (operation.md), whether the disk refused it
# before its commit or at it.
check_not_saved() {
    check_refused "$1"
    check_contains "$1: and that it was not saved" "$DISK_FULL; it was not saved" \
        "$(jv 'j["error"]["message"]')"
}

python3 "$PT_SOURCE_DIR/bench/gen-proposals.py" 300 "$PT_TMP/batch.jsonl" "$PT_TMP/batch.csv"

pt_config '{}'
full_start

pt_step "writes before the disk fills"
api POST /v1/proposals '{"title":"关于满盘之前的建议","delegation":"山西代表团"}'
check_status "a create" 201
A="$(jv 'j["id"]')"
ack
pt_act "$A" supervise '{"key_supervision":true,"supervisor":"督查室"}'
ack
version_a="$(version_of "$A")"
seq_before="$(last_seq)"
api GET "/v1/proposals/$A/history"
history_a="$(jv 'len(j["items"]) if isinstance(j, dict) else len(j)')"

pt_step "the disk is full"
touch "$FLAG"
mark="$(log_lines)"
api POST /v1/proposals '{"title":"关于满盘时登记的建议"}'
check_not_saved "a create"
check_eq "with no Location" "" "$(hdr Location)"
api POST "/v1/proposals/$A/actions/supervise" '{"key_supervision":false,"supervisor":"督查室二"}'
check_not_saved "an action"
api PATCH "/v1/proposals/$A" '{"title":"关于满盘时改名的建议"}' -- \
    -H "Content-Type: application/merge-patch+json"
check_not_saved "an edit"
api POST /v1/proposals '{"title":"关于幂等键的建议"}' -- -H "Idempotency-Key: disk-full-1"
check_not_saved "a create with an Idempotency-Key"
pt_import jsonl "$PT_TMP/batch.jsonl"
check_refused "an import"
check_contains "that stored nothing" "nothing of it was stored" "$(jv 'j["error"]["message"]')"
pt_import jsonl "$PT_TMP/batch.jsonl" partial=true
check_refused "a partial import"
check_contains "that says it stored nothing" "nothing was imported" "$(jv 'j["error"]["message"]')"
# Many clients at once: each is refused, and the log does not grow with them.
burst=()
for i in $(seq 1 20); do
    curl -s -o "$PT_TMP/burst.$i" -w '%{http_code}' --max-time 30 --unix-socket "$PT_SOCK" \
        -X POST -H 'Content-Type: application/json' \
        --data-binary "{\"title\":\"关于并发写入的建议 $i\"}" http://localhost/v1/proposals \
        >"$PT_TMP/burst.$i.code" &
    burst+=($!)
done
wait "${burst[@]}"
check_eq "20 creates at once are all refused" "503" \
    "$(for i in $(seq 1 20); do cat "$PT_TMP/burst.$i.code"; echo; done | sort -u | tr -d '\n')"
check_eq "each saying that it was not saved" 20 \
    "$(for i in $(seq 1 20); do cat "$PT_TMP/burst.$i"; echo; done | grep -c "$DISK_FULL; it was not saved")"

pt_step "reads go on"
api GET "/v1/proposals/$A"
check_status "a proposal" 200
check_eq "the refused action and edit left it as it was" "$version_a 关于满盘之前的建议 true" \
    "$(jv '"%s %s %s" % (j["version"], j["title"], str(j["key_supervision"]).lower())')"
api GET "/v1/proposals/$A/history"
check_eq "with no history entry of the refused writes" "$history_a" \
    "$(jv 'len(j["items"]) if isinstance(j, dict) else len(j)')"
api GET "/v1/proposals?limit=500"
check_status "the list" 200
check_eq "holds only the acknowledged proposal" "$A" "$(jv '",".join(str(p["id"]) for p in j["items"])')"
api GET "/v1/events?after=0"
check_status "the change feed" 200
check_eq "with no event of the refused writes" "$seq_before" "$(jv 'j["items"][-1]["seq"]')"
api GET /v1/health
check_eq "health says the store cannot write" "503 degraded false" \
    "$ST $(jv '"%s %s" % (j["status"], str(j["writable"]).lower())')"
log_since "$mark" >"$PT_TMP/full.log"
check_eq "the log says once that writes fail" 1 "$(grep -c 'writes to the store in .* fail' "$PT_TMP/full.log")"
check_contains "naming the disk's directory and that it is full" \
    "writes to the store in $(realpath "$PT_DATA")" "$(cat "$PT_TMP/full.log")"
check_contains "and why" "$DISK_FULL" "$(cat "$PT_TMP/full.log")"
check_eq "and not once a request" 0 "$(grep -c -E 'WARN +(POST|PATCH) ' "$PT_TMP/full.log")"

pt_step "room again, without a restart"
rm -f "$FLAG"
mark="$(log_lines)"
api POST /v1/proposals '{"title":"关于腾出空间之后的建议"}'
check_status "a create" 201
check_eq "takes the next id: the refused ones took none" "$((A + 1))" "$(jv 'j["id"]')"
B="$(jv 'j["id"]')"
ack
pt_act "$A" supervise '{"key_supervision":false,"supervisor":"督查室二"}'
ack
api POST /v1/proposals '{"title":"关于幂等键的建议"}' -- -H "Idempotency-Key: disk-full-1"
check_status "the create with the Idempotency-Key sent again is made, not replayed" 201
ack
pt_import jsonl "$PT_TMP/batch.jsonl"
check_status "the import" 201
check_eq "stores every record, with the next ids" "300 $((B + 2)) $((B + 301))" \
    "$(jv '"%s %s %s" % (j["imported"], j["first_id"], j["last_id"])')"
api GET /v1/health
check_eq "health is ok again" "200 ok true" \
    "$ST $(jv '"%s %s" % (j["status"], str(j["writable"]).lower())')"
check_eq "the log says once that writes are stored again" 1 \
    "$(log_since "$mark" | grep -c 'writes to the store are stored again')"
# A create, an action, an edit, a create with a key, an import refused
# while it staged, a partial import and the 20 creates at once.
check_contains "counting every refused write, the import refused while staging too" \
    "in which 26 writes were refused" "$(log_since "$mark")"
total="$(pt_count)"
check_eq "the store holds the acknowledged proposals only" "$((3 + 300))" "$total"

pt_step "kill -9 while the disk is full"
touch "$FLAG"
api POST "/v1/proposals/$B/actions/supervise" '{"key_supervision":true,"supervisor":"督查室三"}'
check_refused "an action"
pt_kill9
rm -f "$FLAG"
pt_start
out="$(python3 "$PT_E2E_DIR/crashcheck.py" "$PT_SOCK" "$ACK" 2>&1)" && rc=0 || rc=$?
printf '%s\n' "$out"
check_eq "every acknowledged write is there, whole; history and feed agree" 0 "$rc"
check_eq "and nothing else" "$total" "$(pt_count)"
check_eq "the refused action is not" "$(grep "^$B " "$ACK" | tail -n 1 | cut -d' ' -f2)" "$(version_of "$B")"
pt_stop

pt_step "SIGTERM while the disk is full"
full_start
touch "$FLAG"
# An import is the first write the disk refuses, while its file is staged,
# before it reaches the store's writer.
pt_import jsonl "$PT_TMP/batch.jsonl"
check_refused "an import"
api GET /v1/health
check_eq "health says the store cannot write after the import alone" "503 degraded false" \
    "$ST $(jv '"%s %s" % (j["status"], str(j["writable"]).lower())')"
api POST /v1/proposals '{"title":"关于停止之前的建议"}'
check_refused "a create"
pt_stop
check_eq "ptrackd stops cleanly" 0 "$PT_STOP_RC"
rm -f "$FLAG"
pt_start
out="$(python3 "$PT_E2E_DIR/crashcheck.py" "$PT_SOCK" "$ACK" 2>&1)" && rc=0 || rc=$?
printf '%s\n' "$out"
check_eq "after the start every acknowledged write is there" 0 "$rc"
check_eq "and nothing else" "$total" "$(pt_count)"
pt_stop

pt_step "an import whose staging file cannot be made"
# FAILWRITE_TMPFILE: the shim fails the O_TMPFILE open of the staging
# file too, as a file system with no room for a new file's inode does.
FAILWRITE_TMPFILE=1 full_start
touch "$FLAG"
mark="$(log_lines)"
pt_import jsonl "$PT_TMP/batch.jsonl"
check_refused "an import"
check_contains "that stored nothing" "nothing of it was stored" "$(jv 'j["error"]["message"]')"
api GET /v1/health
check_eq "health says the store cannot write" "503 degraded false" \
    "$ST $(jv '"%s %s" % (j["status"], str(j["writable"]).lower())')"
check_contains "the log says why" "storage error while staging an import: $DISK_FULL" \
    "$(log_since "$mark")"
api POST /v1/proposals '{"title":"关于暂存文件建不成时的建议"}'
check_not_saved "a create"
rm -f "$FLAG"
api POST /v1/proposals '{"title":"关于暂存文件建得成之后的建议"}'
check_status "with room again, a create" 201
ack
check_contains "the log counts the import with the create" "in which 2 writes were refused" \
    "$(log_since "$mark")"
pt_stop

pt_step "the change feed's mark cannot be written"
seq_then="$(tr -d '\n' <"$PT_DATA/ptrack.seq")"
touch "$FLAG"
mark="$(log_lines)"
full_start "$(realpath "$PT_DATA")/ptrack.seq"
check_eq "a start that cannot write the mark keeps the one it found, not an empty file" \
    "$seq_then" "$(tr -d '\n' <"$PT_DATA/ptrack.seq")"
api POST /v1/proposals '{"title":"关于标记写不进去时的建议"}'
check_status "a create is stored all the same" 201
ack
api POST /v1/proposals '{"title":"关于标记写不进去时的另一条建议"}'
check_status "and the next" 201
ack
check_eq "the log says so once" 1 "$(log_since "$mark" | grep -c "cannot write the change feed's mark")"
api GET /v1/health
check_eq "the store is writable" "ok true" "$(jv '"%s %s" % (j["status"], str(j["writable"]).lower())')"
rm -f "$FLAG"
api POST /v1/proposals '{"title":"关于标记恢复之后的建议"}'
ack
check_eq "once it can, the mark holds the newest seq" "$(last_seq)" "$(head -n 1 "$PT_DATA/ptrack.seq")"
pt_stop
pt_start
api GET /v1/health
check_eq "a restart finds nothing restored" "ok" "$(jv 'j["status"]')"
check_eq "and records no store.restored event" 0 \
    "$(api GET '/v1/events?after=0&limit=1000' && jv 'sum(1 for e in j["items"] if e["type"] == "store.restored")')"
out="$(python3 "$PT_E2E_DIR/crashcheck.py" "$PT_SOCK" "$ACK" 2>&1)" && rc=0 || rc=$?
check_eq "every acknowledged write is there" 0 "$rc"
[ "$rc" = 0 ] || printf '%s\n' "$out"
pt_stop

pt_step "the temporary directory's disk is full: an xlsx or a report export is 503, not the plugin's fault"
XTMP="$(realpath "$PT_TMP")/xtmp"
mkdir -p "$XTMP"
touch "$FLAG"
TMPDIR="$XTMP" full_start "$XTMP/"
api GET "/v1/exports?format=xlsx"
check_error "an xlsx export whose workbook finds no room" 503 storage_error
check_contains "the message names the directory and what to do" \
    "the exporter export_xlsx could not finish: no room for the workbook's temporary files in $XTMP (No space left on device): free room there, or give ptrackd a TMPDIR on a disk with room, and export again" \
    "$(jv 'j["error"]["message"]')"
check_eq "no temporary file is left behind" "" "$(ls -A "$XTMP")"
for f in md html; do
    api GET "/v1/exports?format=$f"
    check_error "a $f report whose spool finds no room" 503 storage_error
    check_contains "the message names the directory and what to do" \
        "the exporter export_report could not finish: no room for the report's temporary file in $XTMP (No space left on device): free room there, or give ptrackd a TMPDIR on a disk with room, and export again" \
        "$(jv 'j["error"]["message"]')"
done
check_eq "nor of the reports" "" "$(ls -A "$XTMP")"
api POST /v1/proposals '{"title":"关于临时目录满时登记的建议"}'
check_status "the store, on another disk, takes writes all the same" 201
rm -f "$FLAG"
api GET "/v1/exports?format=xlsx"
check_status "with room again, the export is made" 200
pt_stop

pt_step "a notifier's cursor that the disk refused is saved once there is room"
# The gate notifier enters deliver() with the event and waits there until
# $OPEN exists: the disk fills meanwhile, so the cursor it then moves to
# cannot be saved. Once there is room, no event comes, and the cursor is
# saved all the same: a restart does not deliver the event again.
FIX="${PT_FIXTURE_PLUGINS:-$PT_BUILD_DIR/tests/plugins}"
chmod go-w "$FIX"/fixture_notify_block.so
GATE="$PT_TMP/gate.txt"
OPEN="$PT_TMP/open"
pt_config '{}' ',"plugins": [{"instance": "gate", "path": "'"$FIX"'/fixture_notify_block.so",
    "config": {"path": "'"$GATE"'", "release": "'"$OPEN"'"}}]'
full_start
api POST /v1/proposals '{"title":"关于通知游标的建议"}'
check_status "a create" 201
seq="$(last_seq)"
wait_for 10 grep -q "^$seq blocked" "$GATE" || pt_die "the gate did not get event $seq"
touch "$FLAG"
mark="$(log_lines)"
touch "$OPEN"
gate() { # gate FIELD: the gate's notifier status field
    api GET /v1/plugins/gate
    jv "j[\"notifier\"][\"$1\"]"
}
refused() { [ "$(gate cursor)" = "$seq" ] && [ "$(gate saved_cursor)" -lt "$seq" ]; }
check_true "the event is taken care of, its cursor not saved" wait_for 10 refused
sleep 6
check_eq "the log says so once, however often it is tried" 1 \
    "$(log_since "$mark" | grep -c "notifier gate: saving its cursor $seq failed")"
rm -f "$FLAG"
saved() { [ "$(gate saved_cursor)" = "$seq" ]; }
check_true "with room again, the cursor is saved with no new event" wait_for 12 saved
check_contains "and the log says so" "notifier gate: its cursor is saved again (after event $seq)" \
    "$(log_since "$mark")"
pt_stop
full_start
sleep 1
check_eq "a restart does not deliver the event again" 1 "$(grep -c "^$seq blocked" "$GATE")"
pt_stop

pt_finish
