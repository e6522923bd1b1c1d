#!/usr/bin/env bash
# ptrack token revoke "$NAME" and ptrack plugins unload "$NAME" with NAME
# empty (a variable that was not set) name nothing: they sent DELETE to
# /v1/tokens/ or /v1/plugins/ and said ptrackd's 405, "DELETE is not
# allowed on /v1/tokens/" (exit 1), which did not tell the person that the
# name was missing. They are usage errors now (exit 2) that send nothing;
# the tokens and instances in force stay.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

pt_cli token create --name 财政部联络员 --role unit --unit 财政部
check_rc "a token is made" 0

pt_step "token revoke ''"
pt_cli token revoke ''
check_rc "token revoke of an empty name" 2
check_eq "it says the name is missing" \
    "ptrack token: token revoke needs the token's name; it was given empty (see ptrack token --help)" \
    "$ERR"
pt_cli token list
check_contains "the token is still in force" 财政部联络员 "$OUT"

pt_step "plugins unload ''"
pt_cli plugins unload ''
check_rc "plugins unload of an empty name" 2
check_eq "it says the name is missing" \
    "ptrack plugins: plugins unload needs the instance's name; it was given empty (see ptrack plugins --help)" \
    "$ERR"
pt_cli plugins list
check_contains "the instances are still loaded" import_csv "$OUT"

pt_step "a name given still works"
pt_cli token revoke 财政部联络员
check_rc "token revoke 财政部联络员" 0

pt_stop
pt_finish
