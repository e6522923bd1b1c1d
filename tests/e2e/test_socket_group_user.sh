#!/usr/bin/env bash
# socket_group names a group that ptrackd's own user is not in: a user
# other than root may give its socket only to a group it is in, so a
# start made the socket, failed to give it away and stopped, after
# --check-config had called the file good and a reload had taken it. Now,
# with ptrackd running as nobody (as the unit runs it as ptrack):
#   - --check-config refuses the file, naming the group and what to do;
#   - --check-config run as root, which passed it, warns that root passes
#     the checks of permissions, names the data directory's owner (the
#     service's user) and checks socket_group's membership for that user;
#   - a start refuses it with the same message, and leaves no socket;
#   - a reload that newly names such a group is refused, and the running
#     configuration stays (/v1/health says config_refused);
#   - a group it is in still gives the socket that group, mode 0660.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null; then
    echo "skipped: needs root (to run ptrackd as nobody) and setpriv"
    pt_finish
fi
own_group="$(getent group 65534 | cut -d: -f1)"
[ -n "$own_group" ] || pt_die "no group 65534 for nobody"
# A group nobody is not in once setpriv has cleared its groups.
other_group="$(getent group 0 | cut -d: -f1)"
[ -n "$other_group" ] || pt_die "no group 0"

chmod 755 "$PT_TMP"
mkdir -p "$PT_DATA" "$PT_TMP/run"
chown 65534:65534 "$PT_DATA" "$PT_TMP/run"
PT_SOCK="$PT_TMP/run/pt.sock"
# ptrackd as nobody, with only its own group, as a service's user.
cat >"$PT_TMP/as-nobody" <<EOF
#!/bin/sh
exec setpriv --reuid=65534 --regid=65534 --clear-groups "$PTRACKD" "\$@"
EOF
chmod 755 "$PT_TMP/as-nobody"
AS_ROOT="$PTRACKD"
PTRACKD="$PT_TMP/as-nobody"

# conf_group GROUP: $PT_CONF with that socket_group, readable by nobody.
conf_group() {
    python3 - "$PT_CONF" "$1" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["socket_group"] = sys.argv[2]
json.dump(c, open(sys.argv[1], "w"), ensure_ascii=False)
PY
    chmod 644 "$PT_CONF"
}

pt_config
conf_group "$other_group"
want="socket_group: ptrackd's user (uid 65534) is not in the group \"$other_group\""

pt_step "--check-config as the service's user"
out="$("$PTRACKD" --check-config "$PT_CONF" 2>&1)" && rc=0 || rc=$?
check_eq "a socket_group its user is not in exits 1 ($out)" 1 "$rc"
check_contains "naming the group and the user" "$want" "$out"
check_contains "and saying what to do" "add the user to the group" "$out"

pt_step "--check-config as root"
out="$("$AS_ROOT" --check-config "$PT_CONF" 2>&1)" && rc=0 || rc=$?
check_eq "passes, as root may give the socket to any group ($out)" 0 "$rc"
check_contains "but says that root passes what the service's user may not" \
    "run as root, which passes every check of permissions: the data directory $PT_DATA belongs to nobody (uid 65534)" \
    "$out"
check_contains "and that this user is not in the group" \
    "socket_group: nobody (uid 65534) is not in the group \"$other_group\": if the service runs as that user, its start stops" \
    "$out"
conf_group "$own_group"
out="$("$AS_ROOT" --check-config "$PT_CONF" 2>&1)" && rc=0 || rc=$?
check_eq "a group that user is in passes too" 0 "$rc"
check_true "without a word of the group" test "$(grep -c 'is not in the group' <<<"$out")" = 0
conf_group "$other_group"

pt_step "a start"
out="$(timeout 20 "$PTRACKD" --config "$PT_CONF" 2>&1)" && rc=0 || rc=$?
check_eq "exits 1" 1 "$rc"
check_contains "with the same message" "$want" "$out"
check_true "and leaves no socket behind" test ! -e "$PT_SOCK"

pt_step "a reload that newly names such a group"
conf_group "$own_group"
pt_start
check_eq "a group it is in: the socket is 0660 with the group" "660 $own_group" \
    "$(stat -c '%a %G' "$PT_SOCK")"
conf_group "$other_group"
kill -HUP "$PT_PID"
wait_for 10 grep -qF "$want" "$PT_TMP/ptrackd.log"
check_contains "is refused, saying why" "$want" "$(cat "$PT_TMP/ptrackd.log")"
api GET /v1/health
check_contains "/v1/health says the configuration was refused" "$other_group" \
    "$(jv 'j["config_refused"]')"
check_eq "the socket keeps its group" "660 $own_group" "$(stat -c '%a %G' "$PT_SOCK")"
pt_stop
check_eq "ptrackd stops with 0" 0 "$PT_STOP_RC"

# The group's members must reach the socket too: a directory above it that
# lets them through neither as others nor as its group (the default socket
# in the data directory, 0700; /run/ptrack, 0750 of another group) left
# every one of them refused, and nothing said so.
pt_step "a socket the group cannot reach is warned about"
conf_group "$own_group"
chmod 750 "$PT_TMP/run"
pt_start
pt_stop
check_eq "a directory of the group, 0750: no warning" 0 \
    "$(grep -c 'its members cannot reach' "$PT_TMP/ptrackd.log")"
# A directory of the group is passed by the group's bits, not by others':
# 0705 keeps its members out (it was taken for one they may pass).
chmod 705 "$PT_TMP/run"
pt_start
pt_stop
check_contains "a directory of the group, 0705: warned, naming it" \
    "socket_group $own_group: its members cannot reach the socket $PT_SOCK: the directory $PT_TMP/run (mode 0705) does not let them through" \
    "$(cat "$PT_TMP/ptrackd.log")"
chmod 750 "$PT_TMP/run"
chown 65534:0 "$PT_TMP/run"
pt_start
pt_stop
check_contains "a directory of another group, 0750: warned, naming it" \
    "socket_group $own_group: its members cannot reach the socket $PT_SOCK: the directory $PT_TMP/run (mode 0750) does not let them through" \
    "$(cat "$PT_TMP/ptrackd.log")"
pt_finish
