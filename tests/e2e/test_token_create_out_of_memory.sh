#!/usr/bin/env bash
# POST /v1/tokens that runs out of memory making room for the new token in
# ptrackd's copy of the tokens in force is refused, 503 storage_error, and
# nothing is stored: the same request, sent again once there is memory,
# makes the token (201), and it works. It was stored and then answered
# 503 ("stored but works only after a restart"): the name was taken (409
# conflict to the same request sent again) by a token no one had, until a
# revoke, and it came to work at the next start.
#
# How it runs out: ptrackd with tests/shims/failalloc.so, which fails every
# allocation of at least FAILALLOC_MIN bytes while $FLAG exists, in the
# loop's thread and the writer's (FAILALLOC_THREAD=ptrackd). ptrackd's copy
# of the tokens grows by doubling: with 1024 tokens in the store (put there
# while it was stopped), the 1025th needs the array of tokens (64 bytes
# each) to grow to 2048, 128 kB, where a request's own allocations, and the
# writer's (a savepoint's journal takes 64 kB at once), stay under
# FAILALLOC_MIN=100000.
set -u
. "$(dirname "$0")/lib.sh"
pt_init
command -v sqlite3 >/dev/null || pt_die "sqlite3 is needed"

# AddressSanitizer has its own malloc, which the shim cannot stand in
# front of: under it there is nothing to test here.
pt_skip_under_asan "whose malloc the failalloc shim cannot replace"
pt_shim failalloc
FLAG="$PT_TMP/fail-large-allocations"
DB="$PT_DATA/ptrack.db"
pt_config '{}'

pt_step "1024 tokens in the store"
pt_start
pt_stop
sqlite3 "$DB" "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 1024)
               INSERT INTO tokens (name, role, sha256, created_at)
               SELECT '联络员' || i, 'viewer', randomblob(32), 1773282600000 FROM k;"
LD_PRELOAD="$SHIM" FAILALLOC_MIN=100000 FAILALLOC_FLAG="$FLAG" FAILALLOC_THREAD=ptrackd pt_start
api GET /v1/tokens
check_eq "every one is in force" 1024 "$(jv 'sum(1 for i in j["items"] if i["source"] == "store")')"

pt_step "the 1025th, out of memory"
touch "$FLAG"
api POST /v1/tokens '{"name": "财政部联络员", "role": "unit", "unit": "财政部"}'
rm -f "$FLAG"
check_error "refused for lack of memory" 503 storage_error
check_contains "saying so, and that no token was made" "out of memory; no token was made" "$BODY"
api GET /v1/tokens
check_eq "it is not in force" 0 \
    "$(jv 'sum(1 for i in j["items"] if i["name"] == "财政部联络员")')"
check_eq "nor stored" 0 \
    "$(sqlite3 -cmd ".timeout 5000" "$DB" "SELECT count(*) FROM tokens WHERE name = '财政部联络员'")"

pt_step "sent again with memory to spare"
api POST /v1/tokens '{"name": "财政部联络员", "role": "unit", "unit": "财政部"}'
check_status "it is made" 201
check_eq "the answer is that token's" "财政部联络员 unit 财政部" \
    "$(jv '" ".join((j["name"], j["role"], j["unit"]))')"
TOKEN="$(jv 'j["token"]')"
req "tcp:$TOKEN" GET /v1/proposals
check_status "and it works at once" 200
api GET /v1/tokens
check_eq "1025 tokens in force, besides the config's" 1025 \
    "$(jv 'sum(1 for i in j["items"] if i["source"] == "store")')"
api GET /v1/health
check_status "the daemon serves on" 200
pt_stop
pt_finish
