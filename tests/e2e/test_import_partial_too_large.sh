#!/usr/bin/env bash
# A partial import whose upload grows past the 2 GiB an import may have,
# after some of its batches were stored, is cut off there, and its client
# is told what it stored: 413 payload_too_large with the import's own
# error, "the import was cancelled (the file is too large: larger than the
# limit of 2147483648 bytes); the batches stored before stay: 4000
# proposals imported (ids 1 to 4000) and 0 skipped as already stored; send
# again only the records not stored ...", and imported, skipped and
# id_ranges as any failure of a partial import has. The HTTP server
# answered such an upload itself, sent chunked (no Content-Length: a file
# from stdin), with its plain 413 ("request body is larger than the limit
# of 2147483648 bytes"), and what the batches stored reached only the log:
# the client could not tell, and might send the whole file again and store
# them twice. ptrack import --partial - says it, and to send only the rest.
#
# The limit is fixed (PT_IMPORT_MAX_BODY, 2 GiB; no option lowers it), so
# each client sends that much, chunked: 5,000 proposals as JSON lines,
# then one line of 2 GiB that the jsonl importer skips without holding it
# (a line over 16 MiB). About ten seconds each on a Unix socket.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
[ -f "$PT_BUILD_DIR/plugins/import_json.so" ] || pt_die "the plugin import_json is missing"
pt_config
pt_start --plugin-dir "$PT_BUILD_DIR/plugins"
pt_need_cli

# The upload: 5,000 proposals, titled with $1, then a line of more than
# 2 GiB, on stdout; a reader that stops is no error.
cat >"$PT_TMP/upload.py" <<'PY'
import json, sys

out = sys.stdout.buffer
records = "".join(
    json.dumps({"title": "关于第%d号%s的建议" % (i, sys.argv[1]), "kind": "suggestion"},
               ensure_ascii=False) + "\n" for i in range(5000)).encode()
sent, block = 0, b"x" * (1 << 20)
try:
    out.write(records)
    while sent <= 2 * 1024 * 1024 * 1024 + (1 << 20):
        out.write(block)
        sent += len(block)
    out.flush()
except BrokenPipeError:
    pass
sys.stderr.close()
PY

pt_step "5,000 proposals, then more than 2 GiB, sent chunked"
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
BODY="$(python3 -c 'import sys; print(open(sys.argv[1], newline="").read().split("\r\n\r\n", 1)[1])' \
    "$PT_TMP/answer")"
check_eq "payload_too_large" payload_too_large "$(jv 'j["error"]["code"]')"
check_eq "the answer is the import's: it says what was stored" 4000 \
    "$(jv 'j["error"]["imported"]')"
check_eq "and skipped" 0 "$(jv 'j["error"]["skipped"]')"
check_eq "and their ids" "[[1, 4000]]" "$(jv 'j["error"]["id_ranges"]')"
check_contains "its message says why" \
    "the import was cancelled (the file is too large: larger than the limit of 2147483648 bytes)" \
    "$(jv 'j["error"]["message"]')"
check_contains "and what was stored, and to send only the rest" \
    "the batches stored before stay: 4000 proposals imported (ids 1 to 4000) and 0 skipped as already stored; send again only the records not stored" \
    "$(jv 'j["error"]["message"]')"
check_eq "the two batches read before stay, and nothing else" 4000 "$(pt_count)"

cut_off() { grep -q 'an import by .* was cut off' "$PT_TMP/ptrackd.log"; }
check_true "the import's end is logged" wait_for 30 cut_off
line="$(grep 'an import by .* was cut off' "$PT_TMP/ptrackd.log")"
check_contains "the log says why" "the import was cancelled (the file is too large" "$line"
check_contains "and what was stored" \
    "the batches stored before stay: 4000 proposals imported (ids 1 to 4000) and 0 skipped as already stored" \
    "$line"
check_contains "and to send again only the rest" "send again only the records not stored" "$line"

pt_step "ptrack import --partial - of the same, from stdin"
pt_run bash -c 'python3 "$1" 山区学校供暖 | "$2" --socket "$3" import - --format jsonl --partial --quiet' \
    _ "$PT_TMP/upload.py" "$PTRACK" "$PT_SOCK"
check_eq "exit 1" 1 "$RC"
check_contains "ptrack says why" \
    "内容过大：the import was cancelled (the file is too large: larger than the limit of 2147483648 bytes)" \
    "$ERR"
check_contains "what was stored, with the ids, and to send only the rest" \
    "the batches stored before stay: 4000 proposals imported (ids 4001 to 8000) and 0 skipped as already stored; send again only the records not stored" \
    "$ERR"
check_contains "and the counts" "已导入 4000 条，跳过重复 0 条 (4000 imported, 0 skipped)" "$ERR"
check_eq "its two batches stay" 8000 "$(pt_count)"

pt_stop
pt_finish
