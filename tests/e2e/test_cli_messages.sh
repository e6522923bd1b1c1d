#!/usr/bin/env bash
# ptrack's messages speak the command line's language and keep the exit
# codes docs/cli.md promises: one pointer to where to look, not two; the
# import's refusal names --partial rather than the API's partial=true, and
# a partial import that left records out says so in its exit code; a time
# option the client cannot read is a usage error (exit 2), found before
# anything is sent.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_config
pt_start --plugin-dir "$PT_BUILD_DIR/plugins"
[ -x "$PTRACK" ] || pt_die "ptrack not found at $PTRACK (set PTRACK)"

pt_step "one hint"
pt_cli --json add --title 关于提示的建议
ID="$(jv 'j["id"]' "$OUT")"
pt_cli do "$ID" 分办
check_rc "do with a label that is no action" 2
check_contains "it points to ptrack workflow" "(see ptrack workflow)" "$ERR"
check_eq "and to nothing else" 1 "$(printf '%s\n' "$ERR" | grep -o '(see ' | wc -l)"

pt_finish
