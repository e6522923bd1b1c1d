#!/usr/bin/env bash
# ptrack import FILE sends FILE's size as the request's Content-Length,
# taken when it opens the file. A file that grew before it was read
# through (a log being appended to, an export still being written) was
# sent whole all the same, more bytes than announced, and ptrackd read
# those after the body as the start of another request. One that became
# shorter (written over meanwhile) was sent short, and ptrackd waited for
# the rest that would never come. Now what is sent is the file as long as
# it was when the import began, and a file that turns out shorter is a
# file that cannot be read, named, exit 2, the upload cut off.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

# A server that takes one import: it writes SOCK.asked once it has the
# request's head, waits for SOCK.go before it lets the body come (100
# Continue), reads it, and writes into SOCK.got how many bytes came of
# how many announced.
cat >"$PT_TMP/srv.py" <<'PY'
import os, socket, sys, time
path = sys.argv[1]
sys.path.insert(0, os.environ["PT_E2E_DIR"])
from fakeserver import accept_request
c, head, body, length = accept_request(path)
open(path + ".asked", "w").close()
while not os.path.exists(path + ".go"):
    time.sleep(0.05)
c.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
c.settimeout(5)
try:
    while True:
        got = c.recv(65536)
        if not got:
            break
        body += got
        if len(body) >= length:
            c.settimeout(1)
except (socket.timeout, OSError):
    pass
open(path + ".got", "w").write("%d of %d" % (len(body), length))
try:
    c.sendall(b'HTTP/1.1 201 Created\r\nContent-Type: application/json\r\n'
              b'Content-Length: 14\r\n\r\n{"imported":1}')
except OSError:
    pass
c.close()
PY

# changed HOW [ARGS...]: imports a file of 100000 bytes, which grows by 50000 bytes
# (HOW grow) or is written over with 1000 (HOW shrink) once ptrack has
# sent the request's head; sets RC, OUT, ERR and GOT.
RUNS=0
changed() {
    RUNS=$((RUNS + 1))
    local sock="$PT_TMP/srv-$RUNS.sock" file="$PT_TMP/建议-$RUNS.jsonl"
    python3 -c 'import sys; open(sys.argv[1], "w").write("x" * 100000)' "$file"
    PT_E2E_DIR="$PT_E2E_DIR" python3 "$PT_TMP/srv.py" "$sock" &
    wait_for 10 test -e "$sock.ready" || pt_die "srv.py did not start"
    (
        wait_for 10 test -e "$sock.asked" || exit 1
        if [ "$1" = grow ]; then
            python3 -c 'import sys; open(sys.argv[1], "a").write("y" * 50000)' "$file"
        else
            python3 -c 'import sys; open(sys.argv[1], "w").write("z" * 1000)' "$file"
        fi
        touch "$sock.go"
    ) &
    pt_run timeout 30 "$PTRACK" --socket "$sock" import "$file" --quiet "${@:2}"
    wait_for 10 test -e "$sock.got" || pt_die "srv.py saw no end"
    GOT="$(cat "$sock.got")"
    FILE="$file"
}

pt_step "a file that grows while it is sent"
changed grow
check_rc "import" 0
check_eq "ptrackd got the bytes announced, no more" "100000 of 100000" "$GOT"

pt_step "a file that becomes shorter while it is sent"
changed shrink
check_rc "import" 2
check_eq "says the file became shorter, naming it" \
    "ptrack import: cannot read $FILE: it became shorter while it was being sent (100000 bytes when the import began, it ended after 1000) (nothing was imported)" \
    "$ERR"

pt_step "with --partial, what ptrackd stored before stays"
changed shrink --partial
check_rc "import --partial" 2
check_eq "says so, not that nothing was imported" \
    "ptrack import: cannot read $FILE: it became shorter while it was being sent (100000 bytes when the import began, it ended after 1000) (with --partial, the batches of 2,000 records ptrackd stored before it saw ptrack go stay stored; ptrack list shows them, and importing the file again skips the records already stored)" \
    "$ERR"

pt_finish
