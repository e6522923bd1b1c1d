#!/usr/bin/env bash
# On a terminal narrower than 100 columns, a command's help fits it, the
# text around the options too: the description's paragraphs flow at the
# terminal's width (a Chinese character counting two) and keep their
# breaks, no word split; an example too wide for the line is broken at its
# blanks and continued with \, so that it is still the same command; the
# exit codes and a subcommand's text go on under themselves. They were
# written at 81-87 columns and kept those lines, which an 80-column
# terminal wrapped wherever its edge fell. A pipe gets the help as before.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_need_cli

# on COLS ARGS...: ptrack --help ARGS on a terminal COLS columns wide; TTY
# gets what it showed.
on() {
    local cols="$1"
    shift
    set +e
    python3 "$PT_E2E_DIR/ptyrun.py" --cols "$cols" -- "$PTRACK" "$@" >"$PT_TMP/help.tty"
    RC=$?
    set -e
    TTY="$(tr -d '\r' <"$PT_TMP/help.tty")"
}

# text: the help in $1 without its options' tables (which have their own
# tests), one word a line: every run of ASCII (a word, a path, an option),
# and every Chinese character, but the \ that continues an example.
text() {
    printf '%s\n' "$1" | python3 -c '
import re, sys
out, skip = [], False
for l in sys.stdin.read().split("\n"):
    if re.match(r"^(Options|Global options.*):$", l):
        skip = True
    elif skip and not l:
        skip = False
    elif not skip:
        out += [w for w in re.findall(r"[!-~]+|[^\x00-\x7f\s]", l) if w != "\\"]
print("\n".join(out))'
}

# examples: the help's command lines (two blanks, then ptrack), joined at
# their \, one a line, without a remark after them ("   (by the end of
# that day)", which goes under its command on a narrow terminal).
examples() {
    printf '%s\n' "$1" | python3 -c '
import re, sys
cmds, cmd = [], None
for l in sys.stdin.read().split("\n"):
    s = l.strip()
    if cmd is None and l.startswith("  ptrack "):
        cmd = s
    elif cmd is not None:
        cmd += " " + s
    else:
        continue
    if cmd.endswith("\\"):
        cmd = cmd[:-1].rstrip()
        continue
    cmds.append(re.sub(r"   +\(.*", "", cmd))
    cmd = None
print("\n".join(cmds))'
}

for c in "" add do list history edit import plugins token watch health; do
    # shellcheck disable=SC2086
    pt_run "$PTRACK" $c --help
    check_rc "ptrack $c --help on a pipe" 0
    PIPED="$OUT"
    for cols in 80 60; do
        pt_step "ptrack $c --help on a terminal of $cols columns"
        # shellcheck disable=SC2086
        on "$cols" $c --help
        check_eq "exit 0" 0 "$RC"
        W="$(printf '%s\n' "$TTY" | widest)"
        check_true "every line fits $cols columns (widest $W)" test "$W" -le "$cols"
        check_eq "every word of it, none split" "$(text "$PIPED")" "$(text "$TTY")"
        check_eq "as many paragraphs as on a pipe" "$(grep -c '^$' <<<"$PIPED")" \
            "$(grep -c '^$' <<<"$TTY")"
        check_eq "the same examples" "$(examples "$PIPED")" "$(examples "$TTY")"
    done
done

pt_step "what flows"
on 60 do --help
check_contains "a paragraph: its lines joined, at 60 columns" \
    "Sends POST /v1/proposals/ID/actions/ACTION with the action's
fields and prints the new state." "$TTY"
check_contains "an example too wide: broken at a blank, not between an option and its value" \
    "  ptrack do 12 opinion --unit 省财政厅 \\
      --set opinion=同意主办单位意见" "$TTY"
on 40 list --help
check_contains "nor between an option and a value that begins with a dash" \
    "  ptrack list --search 饮水安全 \\
      --sort -due_at --all" "$TTY"
on 60 do --help
check_contains "its remark goes under it" \
    "  ptrack do 12 extend --set due_at=2026-09-30 --if-match 7
      (by the end of that day)" "$TTY"
check_contains "an example that fits keeps its line" "
  ptrack do 12 sign --unit 省水利厅
" "$TTY"
check_contains "an exit code's text goes on under itself" "
  4  ptrackd failed (5xx), what answered is not ptrackd (no
     JSON), or ptrack itself did (out of memory, output not
     writable)" "$TTY"
on 60 token --help
check_contains "a subcommand's text goes on at its column" "
ptrack token revoke NAME
                        revokes a token made at run time; it
                        stops working at once (a token of" "$TTY"
on 40 plugins --help
check_contains "at 40 columns, under the subcommand, 4 columns in" "
ptrack plugins [list]
    the instances ptrackd runs: plugin," "$TTY"

pt_step "a pipe, a terminal of 100 columns: the lines as written"
pt_run "$PTRACK" do --help
check_contains "a pipe" "Sends POST /v1/proposals/ID/actions/ACTION with the action's fields and
prints the new state." "$OUT"
on 100 do --help
check_eq "a terminal of 100 columns: as on a pipe" "$OUT" "$TTY"

pt_finish
