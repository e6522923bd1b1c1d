#!/usr/bin/env bash
# test_doc_options.sh - the documentation names what the programs take
# (tests/e2e/docoptions.py): every option of each ptrack command's --help
# in its section of docs/cli.md and man/ptrack.1; every ptrackd flag in
# man/ptrackd.8 and docs/config.md; every key of the config loader in
# docs/config.md (and man/ptrackd.8); every query parameter of a list and
# of the change feed, every error code (with its HTTP status) and every
# metric (with its type) in docs/api.md, with the filters GET /v1/stats
# and GET /v1/exports take; every
# environment variable the programs read in their manual pages. And the
# manual pages render without a warning from groff.
set -u
source "$(dirname "$0")/lib.sh"
pt_init
pt_need_cli

pt_step "every option, key, parameter, code and variable is documented"
out="$("$PY" "$PT_SOURCE_DIR/tests/e2e/docoptions.py" "$PT_SOURCE_DIR" "$PTRACK" "$PTRACKD" 2>&1)" &&
    rc=0 || rc=$?
check_eq "docoptions.py finds nothing missing" "0:" "$rc:$out"

pt_step "the manual pages render without a warning"
if command -v groff >/dev/null; then
    for page in man/ptrack.1 man/ptrackd.8; do
        # -k: the pages are UTF-8 (preconv), as man(1) reads them.
        out="$(groff -k -man -Tutf8 -ww -z "$PT_SOURCE_DIR/$page" 2>&1)"
        check_eq "groff -k -man -ww $page: no warning" "" "$out"
    done
else
    echo "skipped: groff is not installed"
fi

pt_finish
