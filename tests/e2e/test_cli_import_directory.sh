#!/usr/bin/env bash
# ptrack import DIR: a directory opens for reading as a file does, so the
# import went on to connect to ptrackd and said only there that it could
# not read it; with ptrackd not running (or not reached), it said
# "cannot connect to ptrackd" (exit 3), and the person went looking for
# the daemon when the file was wrong. A directory is now refused first,
# naming it, as a usage error (exit 2), whether ptrackd runs or not.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_config
mkdir "$PT_TMP/建议汇总.jsonl"

pt_step "ptrackd not running"
pt_cli import "$PT_TMP/建议汇总.jsonl"
check_rc "import of a directory" 2
check_eq "names the directory and says why" \
    "ptrack import: cannot read $PT_TMP/建议汇总.jsonl: Is a directory (nothing was imported)" "$ERR"

pt_step "ptrackd running"
pt_start --plugin-dir "$PT_BUILD_DIR/plugins"
pt_cli import "$PT_TMP/建议汇总.jsonl" --format jsonl --partial
check_rc "import of a directory" 2
check_eq "the same" \
    "ptrack import: cannot read $PT_TMP/建议汇总.jsonl: Is a directory (nothing was imported)" "$ERR"
pt_cli list --json
check_contains "nothing was stored" '"items": []' "$OUT"

pt_finish
