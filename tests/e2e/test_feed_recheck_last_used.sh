#!/usr/bin/env bash
# test_feed_recheck_last_used.sh - a token's last_used_at is when its
# client last sent a request, not when ptrackd checked a stream again.
# Checks: a revoke and a reload check every stream of the change feed
# against the tokens (test_feed_revoked.sh), and a stream whose token is
# still good goes on without its token's last_used_at moving, for a config
# token and for a token made at run time.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_config
pt_start

api POST /v1/tokens '{"name": "大屏看板", "role": "viewer"}'
check_status "a token made at run time" 201
run_token="$(jv 'j["token"]')"
api POST /v1/tokens '{"name": "临时", "role": "viewer"}'
check_status "a token to revoke" 201

# used NAME: the token's last_used_at in GET /v1/tokens.
used() {
    api GET /v1/tokens
    jv "[t.get('last_used_at') for t in j['items'] if t['name'] == '$1'][0]"
}
streaming() { grep -qF '关于看板的建议' "$PT_TMP/$1.txt"; }
for t in viewer:"$VIEWER_TOKEN" run:"$run_token"; do
    curl -sN -H 'Accept: text/event-stream' -H "Authorization: Bearer ${t#*:}" \
        "$PT_URL/v1/events?after=0" >"$PT_TMP/${t%%:*}.txt" 2>/dev/null &
done
api POST /v1/proposals '{"title": "关于看板的建议"}'
check_status "a create" 201
wait_for 10 streaming viewer
wait_for 10 streaming run
viewer_used="$(used 报表机)"
run_used="$(used 大屏看板)"
check_true "the streams' tokens were used" test "${viewer_used:-None}" != None -a "${run_used:-None}" != None

sleep 1.2
api DELETE "/v1/tokens/$(urlenc 临时)"
check_status "another token is revoked" 204
pt_reload
check_eq "the config token's last use is its stream's request still" "$viewer_used" "$(used 报表机)"
check_eq "so is the run-time token's" "$run_used" "$(used 大屏看板)"

pt_stop
pt_finish
