#!/usr/bin/env bash
# The connection to ptrackd failing during `ptrack import` (ptrackd killed,
# or crashed) was only "the connection to ptrackd ... failed" (exit 3):
# nothing said whether the file had been imported, when that depends on how
# far it had come, as for a stop (Ctrl-C), whose message says it. It is now
# said in the same words: before the whole file was sent, nothing was
# imported (an import is all or nothing); after, ptrackd may have stored
# it; with --partial, the batches stored stay; and when ptrackd had already
# answered that it was stored, that it was. The exit code stays 3. Each
# line names the file, as a refusal does: the one that says the connection
# failed too, which named none ("ptrack: the connection to ptrackd ...
# failed"), while stdin is named by neither.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

# A server on a Unix socket that takes one import and then, by MODE:
# "early" closes the connection after the first bytes of the body; "sent"
# reads the whole body and closes without an answer; "answered" reads it,
# sends the status line and the start of the body, and closes.
cat >"$PT_TMP/gone.py" <<'PY'
import os, socket, sys
path, mode = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.environ["PT_E2E_DIR"])
from fakeserver import accept_request
c, head, body, length = accept_request(path)
c.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
if mode == "early":
    while len(body) < 1000:
        body += c.recv(65536)
else:
    while len(body) < length:
        got = c.recv(65536)
        if not got:
            break
        body += got
    if mode == "answered":
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 200\r\n\r\n{\"imported\": 3")
c.shutdown(socket.SHUT_RDWR)
c.close()
PY
python3 - "$PT_TMP/建议.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w", encoding="utf-8") as f:
    for i in range(3000):
        f.write(json.dumps({"title": "关于连接中断第%d号的建议" % i, "number": "L%d" % i,
                            "session": "十四届", "background": "背景说明。" * 20},
                           ensure_ascii=False) + "\n")
PY

# lost MODE ARGS...: runs the import against gone.py in MODE, on a
# socket of its own (ARGS after the file; with FROM_STDIN=1 the file is
# stdin instead).
RUNS=0
lost() {
    RUNS=$((RUNS + 1))
    local mode="$1" sock="$PT_TMP/gone-$RUNS.sock"
    shift
    PT_E2E_DIR="$PT_E2E_DIR" python3 "$PT_TMP/gone.py" "$sock" "$mode" &
    local server=$!
    wait_for 10 test -e "$sock.ready" || pt_die "gone.py did not start"
    if [ "${FROM_STDIN:-0}" = 1 ]; then
        # pt_run's stdin is /dev/null: the file is put there inside.
        pt_run bash -c 'f="$1"; shift; exec "$@" <"$f"' _ "$PT_TMP/建议.jsonl" \
            "$PTRACK" --socket "$sock" import - --format jsonl --quiet "$@"
    else
        pt_run "$PTRACK" --socket "$sock" import "$PT_TMP/建议.jsonl" --quiet "$@"
    fi
    wait "$server" || true
}

pt_step "the connection fails before the whole file was sent"
lost early
check_rc "import" 3
check_contains "says the connection failed, naming the file" \
    "ptrack: $PT_TMP/建议.jsonl: the connection to ptrackd at $PT_TMP/gone-$RUNS.sock failed" "$ERR"
check_contains "and that nothing was imported" \
    "ptrack import: $PT_TMP/建议.jsonl: 导入已中断，未导入任何记录 (the connection to ptrackd failed before the whole file was sent: an import is stored whole or not at all, so nothing was imported)" \
    "$ERR"

pt_step "with --partial, before the whole file was sent"
lost early --partial
check_rc "import --partial" 3
check_contains "says the batches stored stay" "ptrack import: $PT_TMP/建议.jsonl: 导入已中断，可能已导入一部分" "$ERR"

pt_step "the connection fails after the whole file was sent, before an answer"
lost sent
check_rc "import" 3
check_contains "says it may have been stored" \
    "ptrack import: $PT_TMP/建议.jsonl: 导入已中断，不知是否已导入 (the connection to ptrackd failed after the whole file was sent, before it answered: it may have stored the import; ptrack list shows whether it did)" \
    "$ERR"

pt_step "the connection fails after ptrackd answered 200"
lost answered
check_rc "import" 3
check_contains "says the import was stored" \
    "ptrack import: $PT_TMP/建议.jsonl: 导入已完成，但未读完结果 (the connection to ptrackd failed after it answered HTTP 200: the import was stored; ptrack list shows it)" \
    "$ERR"

pt_step "stdin: neither line names a file"
FROM_STDIN=1 lost early
check_rc "import -" 3
check_contains "says the connection failed" \
    "ptrack: the connection to ptrackd at $PT_TMP/gone-$RUNS.sock failed" "$ERR"
check_contains "and that nothing was imported" \
    "ptrack import: 导入已中断，未导入任何记录 (the connection to ptrackd failed" "$ERR"

pt_step "ptrackd not running: no such line"
pt_run "$PTRACK" --socket "$PT_TMP/none.sock" import "$PT_TMP/建议.jsonl" --quiet
check_rc "import" 3
check_true "only that it cannot connect" bash -c '! grep -q "导入" <<<"$1"' _ "$ERR"

pt_finish
