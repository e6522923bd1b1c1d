#!/usr/bin/env bash
# GET /v1/health names a notifier whose deliveries are refused for now
# (its gateway down), with since when and how many events wait, while it
# fails, and not once it delivers again (api.md, GET /v1/health): a check
# can alert on a notifier failing for longer than it tolerates, where
# health said ok with nothing more. GET /v1/plugins shows the same moment
# as failing_since; ptrack health and ptrack plugins list say it.
# The fixture refuses every attempt while the file $DOWN exists (its
# gateway down), asking 100 ms between them: the failure lasts until the
# test has read what it shows, however slowly the machine runs.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_fixtures notify_flaky
chmod go-w "$FIX/fixture_notify_flaky.so"

FLAKY="$PT_TMP/flaky.txt"
DOWN="$PT_TMP/gateway-down"
pt_config '{}' ',"plugins": [
  {"instance": "gateway", "path": "'"$FIX"'/fixture_notify_flaky.so",
   "config": {"path": "'"$FLAKY"'", "fail": 0, "down": "'"$DOWN"'", "retry_in": "100ms",
              "events": ["proposal.created"]}}
]'
pt_start

pt_step "a notifier that delivers is not named"
api GET /v1/health
check_status "health" 200
check_eq "notifiers_failing is empty" "[]" "$(jv 'json.dumps(j["notifiers_failing"])')"
api GET /v1/plugins/gateway
check_eq "failing_since is null" "null" "$(jv 'j["notifier"]["failing_since"]')"

pt_step "a notifier whose deliveries are refused is named while it fails"
touch "$DOWN"
before="$(date -u +%s)"
api POST /v1/proposals '{"title": "关于短信网关中断期间通知补发的建议"}'
check_status "a create" 201
api GET /v1/health
seq="$(jv 'j["last_seq"]')"
refused() { grep -q "^$seq proposal.created [0-9]* retry$" "$FLAKY" 2>/dev/null; }
check_true "the fixture refuses event $seq" wait_for 30 refused
# Read health, plugins and the CLI while the refusals go on, until the
# gateway is back.
api GET /v1/health
check_status "health while it fails" 200
check_eq "status stays ok: it is the store's" "ok" "$(jv 'j["status"]')"
check_eq "one notifier is named" "gateway" \
    "$(jv '",".join(f["instance"] for f in j["notifiers_failing"])')"
since="$(jv 'j["notifiers_failing"][0]["since"]')"
check_true "behind counts the event that waits (at least 1)" \
    test "$(jv 'j["notifiers_failing"][0]["behind"]')" -ge 1
since_s="$(python3 -c 'import sys, datetime
print(int(datetime.datetime.strptime(sys.argv[1], "%Y-%m-%dT%H:%M:%S.%fZ")
          .replace(tzinfo=datetime.timezone.utc).timestamp()))' "$since")"
check_true "since ($since) is when the refusals began, not before the create" \
    test "$since_s" -ge "$before" -a "$since_s" -le "$(date -u +%s)"
api GET /v1/plugins/gateway
check_eq "GET /v1/plugins shows the same moment" "$since" "$(jv 'j["notifier"]["failing_since"]')"
pt_cli health
check_rc "ptrack health still passes: the store can write" 0
check_contains "ptrack health has a row for it" "通知发送失败 notifier failing" "$OUT"
check_contains "the row names the instance" "gateway：自" "$OUT"
check_contains "stderr says it waits" \
    "ptrack: notifier gateway has not delivered since" "$ERR"
pt_cli plugins list
check_contains "ptrack plugins list says since when it fails" "failing since" "$OUT"
still_refusing() { ! grep -q "^$seq proposal.created [0-9]* ok$" "$FLAKY"; }
check_true "all of it was read while the notifier was failing" still_refusing

pt_step "once it delivers again it is no longer named"
rm -f "$DOWN"
taken() { grep -q "^$seq proposal.created [0-9]* ok$" "$FLAKY" 2>/dev/null; }
check_true "event $seq is taken after its refusals" wait_for 60 taken
named() {
    api GET /v1/health
    [ "$(jv 'len(j["notifiers_failing"])')" != 0 ]
}
check_true "health names no notifier" wait_for 10 eval '! named'
api GET /v1/plugins/gateway
check_eq "failing_since is null again" "null" "$(jv 'j["notifier"]["failing_since"]')"
pt_cli health
check_eq "ptrack health says nothing on stderr" "" "$ERR"

pt_finish
