#!/usr/bin/env bash
# test_deadlines_clock_step.sh - a change of the system clock moves the
# deadline engine within a minute. A machine whose clock is set forward
# (an NTP step at boot, a VM resumed from a snapshot, `date -s`) past a
# deadline and past the day's digest_at raises proposal.overdue and the
# day's digest.daily within a minute; they waited for the monotonic clock,
# which the step does not move: the reminder until the hour the deadline
# had been ahead, up to a day, and the digest likewise. Setting the clock
# back again raises nothing twice.
#
# The clock is moved for ptrackd alone, by tests/shims/clockjump.c
# (LD_PRELOAD), which shifts its wall clock by the milliseconds in a file.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

pt_shim clockjump
SHIFT="$PT_TMP/shift"
# shift MS: moves ptrackd's wall clock MS ahead of the machine's. The file
# is replaced whole (a read between the truncation and the write would
# see no number: no shift), and the shim reads it again within 50 ms:
# waited for, so that the next request sees the new clock.
shift_clock() {
    echo "$1" >"$SHIFT.new"
    mv "$SHIFT.new" "$SHIFT"
    sleep 0.2
}
echo 0 >"$SHIFT"

# The deadline an hour ahead, the digest an hour ahead (local time, as
# digest_at is read).
DIGEST_S=$(($(date +%s) + 3600))
pt_config "{\"reply\": \"1h\", \"remind_before\": \"10m\",
    \"digest_at\": \"$(date -d "@$DIGEST_S" +%H:%M:%S)\"}"
LD_PRELOAD="$SHIM" CLOCKJUMP_FILE="$SHIFT" pt_start

count_events() { # count_events TYPE [ID]: events of TYPE (of proposal ID)
    api GET "/v1/events?after=0&limit=1000"
    jv "len([e for e in j['items'] if e['type'] == '$1' and
             ('${2:-}' == '' or (e['proposal'] or {}).get('id') == int('${2:-0}'))])"
}
has_events() { [ "$(count_events "$@")" -ge 1 ]; }

pt_step "a proposal due in an hour"
api POST /v1/proposals '{"title": "关于农村饮水安全的建议", "lead_author": "张代表"}'
id="$(jv 'j["id"]')"
pt_act "$id" assign '{"mode": "single", "units": [{"name": "水利厅"}]}'
api GET "/v1/proposals/$id"
check_eq "not overdue" false "$(jv 'j["overdue"]')"
check_eq "no reminder yet" 0 "$(count_events proposal.overdue "$id")"

pt_step "the clock is set two hours forward"
shift_clock 7200000
api GET "/v1/proposals/$id"
check_eq "the proposal reads overdue at once" true "$(jv 'j["overdue"]')"
check_true "proposal.overdue is raised within a minute" \
    wait_for 90 has_events proposal.overdue "$id"
check_true "the day's digest is raised within a minute" wait_for 90 has_events digest.daily
api GET "/v1/events?after=0&limit=1000"
check_eq "the digest lists the overdue proposal" "1 [$id]" \
    "$(jv "[str(e['data']['overdue_count']) + ' ' + json.dumps([i['id'] for u in e['data']['overdue']
        for i in u['items']]) for e in j['items'] if e['type'] == 'digest.daily'][0]")"

pt_step "and set back"
shift_clock 0
sleep 3
check_eq "proposal.overdue once" 1 "$(count_events proposal.overdue "$id")"
check_eq "proposal.due_soon never (the step passed the deadline too)" 0 \
    "$(count_events proposal.due_soon "$id")"
check_eq "one digest" 1 "$(count_events digest.daily)"

pt_finish
