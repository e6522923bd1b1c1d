#!/usr/bin/env bash
# test_token_person_kept_length.sh - a delegate's token is bound to the
# person's name as the proposals keep it (pt_name_clean), and a name is
# kept whole, never cut (config.md: at most 500 bytes). POST /v1/tokens
# measured the name as given, but a full stop between Chinese characters
# is kept as U+00B7, two bytes for one: a name of 497 bytes as given
# (aa中.中.…中) was 620 bytes as kept, the token was made (201), and its
# identity held the first 500 bytes of it, which are the whole name of
# another person (aa中·中·…中): the token listed that person's proposal.
# Now:
#   - such a token is refused with 422 validation_failed on person, and
#     none is made;
#   - a name of 501 bytes as kept is refused so; one of 500 is taken
#     whole, and its token lists that person's proposal.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
pt_init
pt_config
pt_start

# given K / kept K: a person's name as given, with K full stops each
# after a 中 (4 bytes as given, 5 as kept), after "aa" and before a last 中,
# and as kept.
given() { python3 -c 'import sys; print("aa" + "中." * int(sys.argv[1]) + "中")' "$1"; }
kept() { python3 -c 'import sys; print("aa" + "中·" * int(sys.argv[1]) + "中")' "$1"; }
bytes() { printf %s "$1" | wc -c; }
body() { python3 -c 'import json, sys; print(json.dumps(dict(zip(sys.argv[1::2], sys.argv[2::2])), ensure_ascii=False))' "$@"; }

LONG="$(given 123)"
OTHER="$(kept 99)"
check_eq "the long name as given" 497 "$(bytes "$LONG")"
check_eq "the other person's name" 500 "$(bytes "$OTHER")"
api POST /v1/proposals "$(body title 另一位代表的建议 lead_author "$OTHER")"
check_status "the other person's proposal" 201
OTHER_ID="$(jv 'j["id"]')"

pt_step "a person longer than 500 bytes as kept is refused"
api POST /v1/tokens "$(body name 长名代表 role delegate person "$LONG")"
check_error "a token for the long name" 422 validation_failed
check_eq "the field is person" person "$(jv 'j["error"]["fields"][0]["field"]')"
check_contains "the message says how it is kept" "U+00B7" "$(jv 'j["error"]["fields"][0]["message"]')"
LONG_TOKEN="$(jv 'j.get("token", "")')"
if [ -n "$LONG_TOKEN" ]; then
    req "tcp:$LONG_TOKEN" GET /v1/proposals
    check_eq "BUG: the token made lists no one else's proposal" "[]" "$(jv '[i["id"] for i in j["items"]]')"
fi
api GET /v1/tokens
check_eq "no token was made" 0 "$(jv 'len([t for t in j["items"] if t["source"] == "store"])')"

pt_step "a person of 500 bytes as kept is taken whole"
api POST /v1/tokens "$(body name 代表本人 role delegate person "$(given 99)x")"
check_error "a token for a name of 501 bytes as kept" 422 validation_failed
api POST /v1/tokens "$(body name 代表本人 role delegate person "$(given 99)")"
check_status "a token for a name of 500 bytes as kept" 201
check_eq "its person is the name as kept" "$OTHER" "$(jv 'j["person"]')"
FITS_TOKEN="$(jv 'j["token"]')"
req "tcp:$FITS_TOKEN" GET /v1/proposals
check_eq "it lists that person's proposal" "[$OTHER_ID]" "$(jv '[i["id"] for i in j["items"]]')"

pt_stop
pt_finish
