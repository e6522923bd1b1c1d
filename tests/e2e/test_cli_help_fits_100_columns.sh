#!/usr/bin/env bash
# Every line of ptrack's help fits a terminal of 100 columns (a Chinese
# character counting two): ptrack --help, ptrack help, and ptrack help CMD
# and ptrack CMD --help for every command --help lists. An option's help
# too long for the line wraps under itself, at its column, and loses no
# word; a short one keeps its line. A list of labels in brackets breaks
# only at its separators or spaces, never inside a label: list --status
# broke "(办理中，重新办理)" as "(办理" / "中，重新办理)". watch --help says what
# ends it, a closed reader too.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_need_cli

# fits WHAT: every line of the last output ($OUT) is at most 100 columns.
fits() {
    local w
    w="$(printf '%s\n' "$OUT" | widest)"
    check_true "$1 fits 100 columns (widest line: $w)" test "$w" -le 100
}

# broken_labels: the lines of the options' help in the last output ($OUT)
# that end inside a label in brackets, a Chinese character whose bracket
# is still open (办理 at the end of a line, 中，重新办理) at the start of
# the next). The text above the options is written with its line breaks.
broken_labels() {
    printf '%s\n' "$OUT" | sed -n '/^Options:/,$p' | python3 -c '
import sys, unicodedata
for l in sys.stdin.read().split("\n"):
    depth = 0
    for c in l:
        depth += c in "(（"
        depth -= depth > 0 and c in ")）"
    if depth > 0 and l and unicodedata.east_asian_width(l[-1]) == "W" and l[-1] not in "，、":
        print(l)'
}

pt_step "ptrack --help, ptrack help"
pt_run "$PTRACK" --help
check_rc "ptrack --help" 0
fits "ptrack --help"
COMMANDS="$(printf '%s\n' "$OUT" | sed -n '/^Commands:/,/^$/s/^  \([a-z]*\)  .*/\1/p')"
check_true "--help lists the commands" test "$(wc -w <<<"$COMMANDS")" -ge 15
pt_run "$PTRACK" help
check_rc "ptrack help" 0
fits "ptrack help"

pt_step "every command's help"
for c in $COMMANDS; do
    pt_run "$PTRACK" help "$c"
    check_rc "ptrack help $c" 0
    fits "ptrack help $c"
    HELP="$OUT"
    pt_run "$PTRACK" "$c" --help
    check_rc "ptrack $c --help" 0
    fits "ptrack $c --help"
    check_eq "ptrack $c --help is ptrack help $c" "$HELP" "$OUT"
    check_eq "ptrack $c --help breaks no label in brackets" "" "$(broken_labels)"
done

# option OPTION: the help of OPTION in the last output's Options, its
# lines joined by a blank; "not aligned" when a line it goes on to does
# not start at the column its first line's help starts at.
option() {
    printf '%s\n' "$OUT" | python3 -c '
import re, sys
want, lines = sys.argv[1], sys.stdin.read().split("\n")
for i, l in enumerate(lines):
    m = re.match(r"^  " + re.escape(want) + r"( \S+)?( +)", l)
    if not m:
        continue
    col, text, ok = m.end(), [l[m.end():]], True
    for n in lines[i + 1:]:
        if not n.strip() or re.match(r"^  --", n):
            break
        ok = ok and len(n) - len(n.lstrip(" ")) == col
        text.append(n.strip())
    print(" ".join(text) if ok else "not aligned")
    break' "$1"
}

pt_step "a long option's help wraps under itself, whole"
pt_run "$PTRACK" list --help
check_eq "list --todo, every word of it" \
    "only proposals where the unit still has to 签收 (sign), 协办意见 (opinion) or 答复 (reply): one, several (签收，答复) or 全部 (all); the unit is --unit or your own" \
    "$(option --todo)"
check_eq "list --status, every word of it" \
    "only this state, a code (handling) or its label (办理中), or several (办理中，重新办理)" \
    "$(option --status)"
check_contains "its labels on one line" "                       (办理中，重新办理)" "$OUT"
check_eq "a short option keeps its line, the next option follows it" "  --cursor C" \
    "$(printf '%s\n' "$OUT" | grep -A1 '^  --limit N' | tail -n 1 | cut -c1-12)"
pt_run "$PTRACK" do --help
check_eq "do --unit, every word of it" \
    "assign/reassign (any action with a units field): a unit (ROLE lead|co|separate; without one: co, but lead for the first when none is lead, or separate when one is); other actions: the unit (repeatable)" \
    "$(option --unit)"
pt_run "$PTRACK" plugins --help
check_eq "plugins --path, every word of it" \
    "load: the plugin file; without a slash it is looked up in ptrackd's plugin directory; a relative path that exists here is sent as an absolute one" \
    "$(option --path)"

pt_step "watch --help says that a closed reader ends it, as cli.md and ptrack.1 do"
pt_run "$PTRACK" watch --help
check_contains "watch --help: a pipe's reader gone, a socket's peer closed" \
    "A closed reader ends it too, within a second or so, without waiting for an event to write: a pipe whose reader has gone (watch | head -1) or a socket whose peer has closed it" \
    "$(printf '%s\n' "$OUT" | tr '\n' ' ')"
check_contains "watch --help: what ends it where SIGPIPE is ignored" \
    "where SIGPIPE is ignored or blocked, exit 4, naming the seq to go on from" \
    "$(printf '%s\n' "$OUT" | tr '\n' ' ')"

pt_finish
