#!/usr/bin/env bash
# `ptrack delete ID` asks before it deletes a draft when stdin is a
# terminal, showing the draft's number and title; y (or yes, 是) deletes,
# anything else leaves it; --yes or -y does not ask; a script (stdin not a
# terminal) is never asked. -y to a command that asks nothing is refused as
# "-y", the way it was typed.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_config
pt_start
pt_need_cli

# on_tty ANSWER ARGS...: runs ptrack with a terminal as stdin and stderr,
# typing ANSWER and a newline once it has asked; sets RC and TTY (what the
# terminal showed).
on_tty() {
    local answer="$1"
    shift
    set +e
    TTY="$(python3 "$PT_E2E_DIR/ptyrun.py" --answer "$answer" --timeout 20 -- \
        "$PTRACK" --socket "$PT_SOCK" "$@")"
    RC=$?
    set -e
}

exists() {
    api GET "/v1/proposals/$1"
    [ "$ST" = 200 ]
}

pt_cli --json add --title 关于删除确认的建议 --number 草-7 --draft
D="$(jv 'j["id"]' "$OUT")"

pt_step "on a terminal: asked, with the number and title"
on_tty n delete "$D"
check_eq "answering n exits 0" 0 "$RC"
check_contains "the question shows the number and the title" "#$D  草-7  关于删除确认的建议" "$TTY"
check_contains "it says nothing was deleted" "未删除 not deleted" "$TTY"
check_true "the draft is still there" exists "$D"
on_tty "" delete "$D"
check_true "an empty answer keeps it too" exists "$D"
on_tty y delete "$D"
check_eq "answering y exits 0" 0 "$RC"
check_contains "it says deleted" "已删除 deleted" "$TTY"
check_true "the draft is gone" test "$(exists "$D" && echo yes || echo no)" = no

pt_step "--yes and -y do not ask"
pt_cli --json add --title 关于不问的建议 --draft
D2="$(jv 'j["id"]' "$OUT")"
on_tty n delete "$D2" --yes
check_true "--yes deleted it without a question" test "${TTY#*\[y/N\]}" = "$TTY"
check_true "it is gone" test "$(exists "$D2" && echo yes || echo no)" = no
pt_cli --json add --title 关于短选项的建议 --draft
D3="$(jv 'j["id"]' "$OUT")"
on_tty n delete -y "$D3"
check_true "-y is --yes" test "$(exists "$D3" && echo yes || echo no)" = no
# Where nothing is asked, -y is no option: the error names what was typed.
pt_cli list -y
check_rc "-y to a command without --yes" 2
check_contains "the error names -y as it was typed" "unknown option -y (see ptrack list --help)" "$ERR"
check_true "not as the --yes it stands for" test "${ERR#*--yes}" = "$ERR"

pt_step "a script is not asked"
pt_cli --json add --title 关于脚本删除的建议 --draft
D4="$(jv 'j["id"]' "$OUT")"
pt_cli delete "$D4"
check_rc "delete with stdin not a terminal" 0
check_true "deleted without a question" test "$(exists "$D4" && echo yes || echo no)" = no

pt_finish
