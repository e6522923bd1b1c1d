#!/usr/bin/env bash
# What ptrackd says of a start it refuses for its flags or the paths they
# name, where it said something beside the point:
#   - "--check-config --data-dir var" took --data-dir as the FILE and then
#     called "var" an unexpected argument: a value beginning with "--" is a
#     flag, and the message says that --check-config needs a FILE.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
pt_init
cd "$PT_TMP"

pt_step "a flag where a value should be"
pt_run "$PTRACKD" --check-config --data-dir var
check_rc "--check-config --data-dir var" 1
check_contains "says --check-config needs a FILE" \
    '--check-config needs a FILE, the configuration file to check: "--data-dir" is a flag' "$ERR"
check_true "does not call var unexpected" eval '[[ "$ERR" != *unexpected* ]]'
pt_run "$PTRACKD" --data-dir --socket "$PT_TMP/x.sock" --check-config /dev/null
check_rc "--data-dir --socket" 1
check_contains "says --data-dir needs a DIR" '--data-dir needs a DIR: "--socket" is a flag' "$ERR"
check_true "nothing named --socket was made" test ! -e "$PT_TMP/--socket"

pt_finish
