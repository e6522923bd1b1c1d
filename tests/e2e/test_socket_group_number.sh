#!/usr/bin/env bash
# socket_group given as a number (a gid) is a group that must exist, as a
# name must: a gid that names no group was taken without a word, at a
# start as root (root may give a file to any gid) and by --check-config,
# and the socket went to a group nobody could be a member of, where a name
# of no group stops the start. Now both refuse it, saying there is no such
# group; a gid that names a group is taken, as before.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

# conf_group GROUP: $PT_CONF with that socket_group.
conf_group() {
    python3 - "$PT_CONF" "$1" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["socket_group"] = sys.argv[2]
json.dump(c, open(sys.argv[1], "w"), ensure_ascii=False)
PY
}
# A gid that no group has, and one that the user running the test is in.
no_gid="$(python3 -c '
import grp
g = 4000000
while True:
    try:
        grp.getgrgid(g)
        g += 1
    except KeyError:
        break
print(g)')"
own_gid="$(id -g)"
no_name="ptrack-no-such-group-$$"
getent group "$no_name" >/dev/null && pt_die "a group $no_name exists"

pt_config
conf_group "$no_gid"

pt_step "--check-config"
out="$("$PTRACKD" --check-config "$PT_CONF" 2>&1)" && rc=0 || rc=$?
check_eq "a gid of no group exits 1 ($out)" 1 "$rc"
check_contains "saying there is no such group" "socket_group: there is no group \"$no_gid\"" "$out"
conf_group "$no_name"
out="$("$PTRACKD" --check-config "$PT_CONF" 2>&1)" && rc=0 || rc=$?
check_eq "a name of no group exits 1, as before ($out)" 1 "$rc"
check_contains "saying so, as before" "socket_group: there is no group \"$no_name\"" "$out"
conf_group "$own_gid"
out="$("$PTRACKD" --check-config "$PT_CONF" 2>&1)" && rc=0 || rc=$?
check_eq "the gid of a group its user is in is taken ($out)" 0 "$rc"

pt_step "a start"
conf_group "$no_gid"
# Bounded: a start that takes the group serves until it is stopped.
out="$(timeout 20 "$PTRACKD" --config "$PT_CONF" 2>&1)" && rc=0 || rc=$?
check_eq "a gid of no group stops the start ($out)" 1 "$rc"
check_contains "saying there is no such group" "socket_group: there is no group \"$no_gid\"" "$out"
check_true "and leaves no socket" test ! -e "$PT_SOCK"
conf_group "$own_gid"
pt_start
check_eq "the gid of a group it is in gives the socket that group" "$own_gid 660" \
    "$(stat -c '%g %a' "$PT_SOCK")"

pt_finish
