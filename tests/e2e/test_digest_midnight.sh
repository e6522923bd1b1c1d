#!/usr/bin/env bash
# The daily digest planned late in the evening: ptrackd starts at 23:59:45
# local time (a time zone chosen so that it is) with digest_at 00:00:00,
# and the digest comes at midnight, dated the new day; the next one is
# planned for the midnight after, not twice for the same day; a restart
# raises no second digest for a day; a store that has raised digests
# before raises, at a start after the day's time, the day's missed one.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

# A POSIX time zone whose local time is 23:59:45 now (east of UTC is
# written with a minus sign).
TZ_LATE="$(python3 -c '
import time
now = int(time.time())
off = (86400 - 15 - now % 86400) % 86400
if off > 43200:
    off -= 86400
sign = "-" if off >= 0 else "+"
a = abs(off)
print("PTL%s%d:%02d:%02d" % (sign, a // 3600, a % 3600 // 60, a % 60))
')"
pt_log "TZ=$TZ_LATE, local time $(TZ="$TZ_LATE" date '+%F %T')"
TOMORROW="$(TZ="$TZ_LATE" date -d '+1 minute' +%F)"

pt_config '{"digest_at": "00:00:00"}'
TZ="$TZ_LATE" pt_start

digests() { # the digest.daily events as "date" lines
    api GET "/v1/events?after=0&limit=1000"
    jv '"\n".join(e["data"]["date"] for e in j["items"] if e["type"] == "digest.daily")'
}

pt_step "the digest comes at local midnight, dated the new day"
# A new store raises no digest for the day it starts on: the first comes
# at midnight.
for i in $(seq 1 300); do
    [ -n "$(digests)" ] && break
    sleep 0.1
done
check_eq "one digest, for $TOMORROW" "$TOMORROW" "$(digests)"
check_contains "the log says it was raised" "the daily digest for $TOMORROW was raised" \
    "$(cat "$PT_TMP/ptrackd.log")"
sleep 2
check_eq "and no second one for the same day" "$TOMORROW" "$(digests)"

pt_step "a restart raises no other digest for the day"
pt_stop
TZ="$TZ_LATE" pt_start
sleep 1
check_eq "still one" "$TOMORROW" "$(digests)"

pt_step "a day's digest missed while ptrackd was down is raised at the start"
# The store had a digest on an earlier day (yesterday's mark), none today,
# and today's time has passed.
pt_stop
sqlite3 "$PT_DATA/ptrack.db" "DELETE FROM deadline_marks WHERE proposal_id = 0;
    INSERT INTO deadline_marks VALUES (0, 'digest', 0);"
NOW_DAY="$(TZ="$TZ_LATE" date +%F)"
TZ="$TZ_LATE" pt_start
two_digests() { [ "$(digests | grep -c .)" -ge 2 ]; }
wait_for 30 two_digests || true
check_eq "a second digest, for $NOW_DAY, at the start" "$TOMORROW $NOW_DAY" \
    "$(digests | tr '\n' ' ' | sed 's/ $//')"

pt_finish
