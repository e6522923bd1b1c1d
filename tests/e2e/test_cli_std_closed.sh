#!/usr/bin/env bash
# ptrack run with stdout or stdin closed (a script's >&- or <&-, a service
# started without them): the next descriptor opened took the free number,
# and that was the connection to ptrackd. The output went into the
# connection, ptrackd got the text of a table or an export where a request
# should come, and ptrack said nothing and exited 0: `add >&-`, `list >&-`
# and `export --out - >&-` all "succeeded" with their output lost.
# `import - <&-` read from the connection ("Resource temporarily
# unavailable"). A closed stdout is now an output that cannot be written
# (exit 4, said, with that ptrackd made the change all the same where it
# did), and a closed stdin a file that cannot be read (exit 2), as
# elsewhere; ptrackd sees only the requests.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_serve_cli

# closed WHICH ARGS...: runs ptrack with stdout (out) or stdin (in) closed;
# sets RC and ERR.
closed() {
    local which="$1"
    shift
    set +e
    if [ "$which" = out ]; then
        "$PTRACK" --socket "$PT_SOCK" "$@" </dev/null >&- 2>"$PT_TMP/cli.err"
    else
        "$PTRACK" --socket "$PT_SOCK" "$@" <&- >"$PT_TMP/cli.out" 2>"$PT_TMP/cli.err"
    fi
    RC=$?
    set -e
    ERR="$(cat "$PT_TMP/cli.err")"
}

pt_step "add >&-: made, and said that the output was lost"
closed out add --title 关于关闭输出的建议
check_eq "exit 4" 4 "$RC"
check_contains "says the output could not be written, and the change was made" \
    "ptrack: writing the output: Bad file descriptor; ptrackd has made the change all the same" \
    "$ERR"
pt_cli list --json
check_rc "list" 0
check_eq "one proposal was added" 1 "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')"

pt_step "list >&-"
closed out list
check_eq "exit 4" 4 "$RC"
check_contains "says the output could not be written" \
    "ptrack: writing the output: Bad file descriptor" "$ERR"

pt_step "export --out - >&-"
closed out export --format jsonl --out - --quiet
check_eq "exit 4" 4 "$RC"
check_contains "says stdout cannot be written" \
    "ptrack export: cannot write stdout: Bad file descriptor (nothing was written)" "$ERR"

pt_step "import - <&-"
closed in import - --format jsonl --quiet
check_eq "exit 2" 2 "$RC"
check_eq "says stdin cannot be read" \
    "ptrack import: cannot read stdin: Bad file descriptor (nothing was imported)" "$ERR"

pt_step "ptrackd saw no text where a request should come"
check_true "no request refused as malformed in its log" \
    bash -c '! grep -qiE "malformed|bad request|400" "$1"' _ "$PT_TMP/ptrackd.log"
pt_cli list --json
check_eq "still the one proposal" 1 "$(printf '%s' "$OUT" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')"

pt_finish
