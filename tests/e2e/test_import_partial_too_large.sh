#!/usr/bin/env bash
# A partial import whose upload grows past the 2 GiB an import may have,
# after some of its batches were stored, is cut off there, and ptrackd's
# log says what it stored: "the import was cancelled (the file is too
# large); the batches stored before stay: 4000 proposals imported (ids 1
# to 4000) and 0 skipped as already stored; send again only the records
# not stored ...", as the other messages of a partial import cut short do.
# It said "the batches stored before stay" alone, and an operator could
# not tell how many. The client's answer is ptrackd's 413 of an upload
# over the limit.
#
# The limit is fixed (PT_IMPORT_MAX_BODY, 2 GiB; no option lowers it), so
# the client sends that much, chunked: 5,000 proposals as JSON lines, then
# one line of 2 GiB that the jsonl importer skips without holding it (a
# line over 16 MiB). About ten seconds on a Unix socket.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
[ -f "$PT_BUILD_DIR/plugins/import_json.so" ] || pt_die "the plugin import_json is missing"
pt_config
pt_start --plugin-dir "$PT_BUILD_DIR/plugins"

pt_step "5,000 proposals, then more than 2 GiB"
python3 - "$PT_SOCK" "/v1/imports?format=jsonl&partial=true" >"$PT_TMP/answer" 2>"$PT_TMP/client.err" <<'PY'
import json, socket, sys

sock, path = sys.argv[1:3]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sock)
s.sendall(("POST %s HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-ndjson\r\n"
           "Transfer-Encoding: chunked\r\n\r\n" % path).encode())


def chunk(data):
    s.sendall(b"%x\r\n" % len(data) + data + b"\r\n")


records = "".join(
    json.dumps({"title": "关于第%d号乡村道路养护的建议" % i, "kind": "suggestion"},
               ensure_ascii=False) + "\n" for i in range(5000)).encode()
chunk(records)
sent, block = len(records), b"x" * (1 << 20)
try:
    while sent <= 2 * 1024 * 1024 * 1024 + (1 << 20):
        chunk(block)
        sent += len(block)
    s.sendall(b"0\r\n\r\n")
except (BrokenPipeError, ConnectionResetError):
    pass  # ptrackd answered and closed once the limit was passed
answer = b""
try:
    while True:
        data = s.recv(65536)
        if not data:
            break
        answer += data
except ConnectionResetError:
    pass
sys.stdout.write(answer.decode("utf-8", "replace"))
PY
check_contains "the client is answered 413" "HTTP/1.1 413" "$(head -n 1 "$PT_TMP/answer")"
check_contains "payload_too_large" '"code":"payload_too_large"' "$(cat "$PT_TMP/answer")"
check_eq "the two batches read before stay, and nothing else" 4000 "$(pt_count)"

cut_off() { grep -q 'an import by .* was cut off' "$PT_TMP/ptrackd.log"; }
check_true "the import's end is logged" wait_for 30 cut_off
line="$(grep 'an import by .* was cut off' "$PT_TMP/ptrackd.log")"
check_contains "the log says why" "the import was cancelled (the file is too large)" "$line"
check_contains "and what was stored" \
    "the batches stored before stay: 4000 proposals imported (ids 1 to 4000) and 0 skipped as already stored" \
    "$line"
check_contains "and to send again only the rest" "send again only the records not stored" "$line"

pt_stop
pt_finish
