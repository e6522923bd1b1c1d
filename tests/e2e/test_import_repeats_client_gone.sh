#!/usr/bin/env bash
# test_import_repeats_client_gone.sh - an all-or-nothing import refused
# for a bad record has its whole file looked through for records that
# repeat others, to name them in the answer; when its client goes away
# during that look, the look stops within a moment, as the move of an
# import does, instead of reading the rest of the file for an answer
# nobody reads. An upload of 300,000 records with a bad first line, whose
# client closes the connection once ptrackd's log (at debug) says the look
# began: the log then says that it stopped, and after how many of the
# records, far fewer than all; the import is logged as cut off by the
# client, nothing is stored, and ptrackd goes on serving.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

N=300000
PLUGINS="$PT_BUILD_DIR/plugins"
pt_plugin_so import_json >/dev/null
pt_config '{}'
pt_start --plugin-dir "$PLUGINS" --log-level debug
LOG="$PT_TMP/ptrackd.log"

pt_step "a file of $N good records after a bad one"
python3 - "$PT_TMP/big.jsonl" "$N" <<'EOF'
import sys
with open(sys.argv[1], "w") as f:
    f.write('{"session": "十四届五次", "number": "X0"}\n')
    for i in range(1, int(sys.argv[2]) + 1):
        f.write('{"title": "关于第%d件民生实事的建议", "session": "十四届五次", "number": "X%d", '
                '"delegation": "山西代表团"}\n' % (i, i))
EOF

pt_step "its client goes away once the look for repeats has begun"
# The client sees the look begin in the log and closes its connection. On
# a busy machine the look (about a second) could end before the client
# got the processor back to close: so ptrackd is stopped (SIGSTOP) as soon
# as the look is seen to begin, the connection closed, and ptrackd let go
# on, and an upload whose look still ended first (the client slower than
# the whole look) is sent again, up to three times. A look that never
# stops for a gone client ends first every time, and fails below.
upload() {
    python3 - "$PT_SOCK" "$PT_TMP/big.jsonl" "$LOG" "$PT_PID" <<'EOF'
import os, signal, socket, sys, time
sock, name, log, pid = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
mark = b"looking for the records that repeat others among"
data = open(name, "rb").read()
with open(log, "rb") as f:
    before = f.read().count(mark)
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sock)
s.sendall(("POST /v1/imports?format=jsonl HTTP/1.1\r\nHost: localhost\r\n"
           "Content-Type: application/x-ndjson\r\nContent-Length: %d\r\n\r\n"
           % len(data)).encode() + data)
deadline = time.monotonic() + 120
while time.monotonic() < deadline:
    with open(log, "rb") as f:
        if f.read().count(mark) > before:
            break
    time.sleep(0.002)
else:
    sys.exit("the look for repeats never began")
os.kill(pid, signal.SIGSTOP)
try:
    s.close()
    time.sleep(0.05)
finally:
    os.kill(pid, signal.SIGCONT)
EOF
}
ENDS="an import by root was"
L=""
END=""
UP=1
for try in 1 2 3; do
    before="$(grep -cF "$ENDS" "$LOG")"
    upload
    UP=$?
    [ "$UP" -eq 0 ] || break
    wait_for 60 eval '[ "$(grep -cF "$ENDS" "$LOG")" -gt "$before" ]'
    END="$(grep -F "$ENDS" "$LOG" | tail -n 1)"
    case "$END" in
    *"was refused"*"records was rejected"*)
        pt_log "note: the look ended before the client's close (try $try of 3)" ;;
    *) break ;;
    esac
done
check_true "the look began, and the client went away" test "$UP" -eq 0

L="$(grep -F "the look for the records that repeat others stopped" "$LOG" || true)"
check_contains "the log says the look stopped when the client went away" \
    "the client went away; the look for the records that repeat others stopped: the import was abandoned after " \
    "$L"
LOOKED="$(sed -n 's/.*abandoned after \([0-9]*\) of its \([0-9]*\) records.*/\1 \2/p' <<<"$L")"
check_eq "... of all $N staged records" "$N" "${LOOKED#* }"
check_true "... after a few thousand of them, not all ($LOOKED)" \
    test "${LOOKED%% *}" -gt 0 -a "${LOOKED%% *}" -le $((N / 4))
check_eq "... at INFO: the client's doing" 1 "$(grep -c "INFO  import .*: the client went away; the look" "$LOG")"
check_contains "the import is logged as cut off by its client, not as refused" \
    "the import was cancelled (the client went away); nothing was imported" \
    "$END"
check_eq "no warning of repeats not looked for" 0 \
    "$(grep -c "repeat others were not looked for" "$LOG")"

pt_step "nothing is stored, and ptrackd serves on"
api GET "/v1/proposals?limit=1"
check_status "a list" 200
check_eq "no proposal" 0 "$(jv 'len(j["items"])')"

pt_finish
