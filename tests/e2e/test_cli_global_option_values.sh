#!/usr/bin/env bash
# The global options that take a value (--socket, --url, --token) say so
# in one line when the value is missing, before the command as after it:
# `ptrack --url` is a usage error (exit 2) that names the option and what
# it takes, not the whole help on stderr with no word of what was wrong.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_need_cli

pt_step "a global option with nothing after it"
for spec in "socket PATH" "url URL" "token TOKEN"; do
    opt="${spec% *}" metavar="${spec#* }"
    pt_run "$PTRACK" "--$opt"
    check_rc "ptrack --$opt" 2
    check_eq "it says --$opt needs a value, in one line" \
        "ptrack: option --$opt needs a value ($metavar)" "$ERR"
    check_eq "and prints nothing on stdout" "" "$OUT"
done
pt_run "$PTRACK" --json --socket
check_rc "ptrack --json --socket" 2
check_eq "the option without a value is named after a flag too" \
    "ptrack: option --socket needs a value (PATH)" "$ERR"

pt_step "after the command, as it was"
pt_run "$PTRACK" list --url
check_rc "ptrack list --url" 2
check_eq "the same words, with the command" "ptrack list: option --url needs a value (URL)" "$ERR"

pt_step "a value given with = is a value"
pt_run "$PTRACK" --socket=/nonexistent/pt.sock
check_rc "ptrack --socket=PATH without a command" 2
check_contains "is the help, the command being what is missing" "Usage: ptrack" "$ERR"

pt_finish
