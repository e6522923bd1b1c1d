#!/usr/bin/env bash
# test_commit_sync_error.sh - a write whose commit fails at the disk's
# sync (an I/O error: the disk took the write into the page cache and
# could not make it durable) is answered 503 storage_error, "it was not
# saved", and is not there after ptrackd is killed (kill -9) or stopped
# while the disk fails, and started again: not a create, an action, an
# all-or-nothing import nor a token. SQLite had written the transaction
# whole into the WAL before the sync failed, and the start that read the
# WAL again brought the refused write back.
#
# How the disk fails: tests/shims/failwrite.so with FAILWRITE_SYNC, which
# fails fsync and fdatasync of the data directory's files with EIO while
# $FLAG exists, and lets the writes go through.
set -u
source "$(dirname "$0")/lib.sh"
pt_init

pt_shim failwrite
[ -f "$PT_BUILD_DIR/plugins/import_json.so" ] || pt_die "the import plugins are not built"
FLAG="$PT_TMP/sync-fails"
ACK="$PT_TMP/ack"
: >"$ACK"

failing_start() {
    mkdir -p "$PT_DATA"
    LD_PRELOAD="$SHIM" FAILWRITE_SYNC=1 FAILWRITE_FLAG="$FLAG" \
        FAILWRITE_PREFIX="$(realpath "$PT_DATA")/" pt_start --plugin-dir "$PT_BUILD_DIR/plugins"
}
ack() { echo "$(jv 'j["id"]') $(jv 'j["version"]')" >>"$ACK"; }
check_refused() {
    check_error "$1" 503 storage_error
    check_contains "$1: saying that it was not saved" "it was not saved" \
        "$(jv 'j["error"]["message"]')"
}
printf '{"title":"关于同步失败时导入的建议 %s"}\n' 1 2 3 >"$PT_TMP/three.jsonl"

# refuse WHAT: while the disk's syncs fail, one write is refused: an
# action on $A (the acknowledged proposal), a token, an all-or-nothing
# import or a create. The kill or stop comes right after it: a refused
# write that another write follows was written over by it.
refuse() {
    touch "$FLAG"
    case "$1" in
    action)
        api POST "/v1/proposals/$A/actions/supervise" '{"key_supervision":true,"supervisor":"督查室"}'
        check_refused "an action"
        ;;
    token)
        api POST /v1/tokens '{"name":"同步失败时的令牌","role":"viewer"}'
        check_refused "a token"
        ;;
    import)
        pt_import jsonl "$PT_TMP/three.jsonl"
        check_error "an all-or-nothing import" 503 storage_error
        ;;
    create)
        api POST /v1/proposals '{"title":"关于同步失败时登记的建议"}'
        check_refused "a create"
        ;;
    esac
}

# check_none_back HOW: after the start, the refused writes are not there.
check_none_back() {
    api GET "/v1/proposals?limit=500"
    check_eq "$1: only the acknowledged proposal is there" "$A 1 false" \
        "$(jv '" ".join("%s %s %s" % (p["id"], p["version"], str(p["key_supervision"]).lower()) for p in j["items"])')"
    api GET /v1/tokens
    check_eq "$1: and no refused token" "" \
        "$(jv '" ".join(t["name"] for t in j["items"] if t["source"] == "store")')"
    api GET "/v1/events?after=0"
    check_eq "$1: the change feed holds the create alone" "proposal.created" \
        "$(jv '" ".join(e["type"] for e in j["items"])')"
    out="$(python3 "$PT_E2E_DIR/crashcheck.py" "$PT_SOCK" "$ACK" 2>&1)" && rc=0 || rc=$?
    check_eq "$1: history and feed agree ($out)" 0 "$rc"
}

pt_config '{}'
failing_start
api POST /v1/proposals '{"title":"关于同步失败之前的建议"}'
check_status "a create before the disk fails" 201
A="$(jv 'j["id"]')"
ack

for what in action token import create; do
    pt_step "the disk's syncs fail: $what refused; then kill -9"
    refuse "$what"
    pt_kill9
    rm -f "$FLAG"
    failing_start
    check_none_back "$what, after kill -9"
done

pt_step "the disk's syncs fail: a create refused; then SIGTERM"
refuse create
pt_stop
rm -f "$FLAG"
failing_start
check_none_back "create, after SIGTERM"

pt_step "once the disk syncs again, writes are stored"
pt_act "$A" supervise '{"key_supervision":true,"supervisor":"督查室"}'
check_status "the action sent again" 200
api GET /v1/health
check_eq "health is ok" "ok true" "$(jv '"%s %s" % (j["status"], str(j["writable"]).lower())')"
pt_stop
pt_finish
