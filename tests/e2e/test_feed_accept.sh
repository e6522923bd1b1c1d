#!/usr/bin/env bash
# GET /v1/events answers as an event stream when Accept names
# text/event-stream as RFC 9110 12.5.1 reads it: a media type in any case,
# one range among several, and not one refused with q=0
# (core/api-feed.c, accepts_stream).
set -u
. "$(dirname "$0")/lib.sh"
pt_init
pt_config '{}'
pt_start

api POST /v1/proposals '{"title":"关于加强农村饮水安全保障的建议","delegation":"山西代表团"}'
check_status "a proposal is made" 201

# The Content-Type ptrackd answers GET /v1/events with, for an Accept:
# read from the answer's head, as soon as it has come (up to 60 s), not
# from whatever came within a fixed time (a stream does not end, and on a
# busy machine its head could come after that time).
answer_type() {
    "$PY" - "$PT_SOCK" "$1" <<'PY' || true
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(60)
s.connect(sys.argv[1])
s.sendall(("GET /v1/events?after=0 HTTP/1.1\r\nHost: localhost\r\nAccept: %s\r\n\r\n"
           % sys.argv[2]).encode())
head = b""
while b"\r\n\r\n" not in head:
    got = s.recv(4096)
    if not got:
        break
    head += got
for line in head.partition(b"\r\n\r\n")[0].decode("latin-1").split("\r\n")[1:]:
    name, _, value = line.partition(":")
    if name.strip().lower() == "content-type":
        print(value.strip())
PY
}

pt_step "the media type is matched in any case"
check_eq "text/event-stream" "text/event-stream; charset=utf-8" "$(answer_type 'text/event-stream')"
check_eq "Text/Event-Stream" "text/event-stream; charset=utf-8" "$(answer_type 'Text/Event-Stream')"
check_eq "TEXT/EVENT-STREAM among others, with a q" "text/event-stream; charset=utf-8" \
    "$(answer_type 'application/json;q=0.5, TEXT/EVENT-STREAM;q=0.9')"

pt_step "a range refused with q=0, or another type, is a page"
check_eq "text/event-stream;q=0" "application/json; charset=utf-8" \
    "$(answer_type 'application/json, text/event-stream;q=0')"
check_eq "text/event-stream; q=0.000" "application/json; charset=utf-8" \
    "$(answer_type 'text/event-stream; q=0.000')"
check_eq "text/event-streams" "application/json; charset=utf-8" "$(answer_type 'text/event-streams')"
check_eq "*/*" "application/json; charset=utf-8" "$(answer_type '*/*')"

pt_stop
pt_finish
