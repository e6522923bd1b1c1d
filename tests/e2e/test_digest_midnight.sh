#!/usr/bin/env bash
# The daily digest planned late in the evening: ptrackd starts at 23:59:45
# local time (a time zone chosen so that it is) with digest_at 00:00:00,
# and the digest comes at midnight, dated the new day; the next one is
# planned for the midnight after, not twice for the same day. The start,
# after today's digest time with no digest raised today, raises today's;
# a restart raises no second digest for a day.
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
TODAY="$(TZ="$TZ_LATE" date +%F)"
TOMORROW="$(TZ="$TZ_LATE" date -d '+1 minute' +%F)"

pt_config '{"digest_at": "00:00:00"}'
TZ="$TZ_LATE" pt_start

digests() { # the digest.daily events as "date" lines
    api GET "/v1/events?after=0&limit=1000"
    jv '"\n".join(e["data"]["date"] for e in j["items"] if e["type"] == "digest.daily")'
}

pt_step "the day's missed digest at the start, the next at local midnight"
# ptrackd was not running at 00:00 today: today's digest is raised at the
# start; tomorrow's comes at midnight, dated tomorrow.
for i in $(seq 1 300); do
    [ "$(digests | grep -c .)" -ge 2 ] && break
    sleep 0.1
done
check_eq "today's at the start, then one for $TOMORROW" "$TODAY $TOMORROW" "$(digests | tr '\n' ' ' | sed 's/ $//')"
check_contains "the log says it was raised" "the daily digest for $TOMORROW was raised" \
    "$(cat "$PT_TMP/ptrackd.log")"
sleep 2
check_eq "and no second one for the same day" "$TODAY $TOMORROW" "$(digests | tr '\n' ' ' | sed 's/ $//')"

pt_step "a restart raises no other digest for the day"
pt_stop
TZ="$TZ_LATE" pt_start
sleep 1
check_eq "still the two" "$TODAY $TOMORROW" "$(digests | tr '\n' ' ' | sed 's/ $//')"

pt_finish
