#!/usr/bin/env bash
# `ptrack delete ID` asks before it deletes a draft when stdin is a
# terminal, showing the draft's number and title; y (or yes, 是) deletes,
# anything else leaves it; --yes or -y does not ask; a script (stdin not a
# terminal) is never asked.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_config
pt_start
[ -x "$PTRACK" ] || pt_die "ptrack not found at $PTRACK (set PTRACK)"

# on_tty ANSWER ARGS...: runs ptrack with a terminal as stdin and stderr,
# typing ANSWER and a newline once it has asked; sets RC and TTY (what the
# terminal showed).
on_tty() {
    local answer="$1"
    shift
    set +e
    TTY="$(python3 - "$answer" "$PTRACK" --socket "$PT_SOCK" "$@" <<'PY'
import os, pty, select, sys, time
answer = sys.argv[1].encode()
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
out = b""
sent = False
deadline = time.time() + 20
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        try:
            data = os.read(fd, 4096)
        except OSError:  # EIO: the child closed the terminal
            data = b""
        if not data:
            break
        out += data
    if not sent and b"[y/N]" in out:
        os.write(fd, answer + b"\n")
        sent = True
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode("utf-8", "replace"))
sys.exit(os.waitstatus_to_exitcode(status))
PY
)"
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

pt_step "a script is not asked"
pt_cli --json add --title 关于脚本删除的建议 --draft
D4="$(jv 'j["id"]' "$OUT")"
pt_cli delete "$D4"
check_rc "delete with stdin not a terminal" 0
check_true "deleted without a question" test "$(exists "$D4" && echo yes || echo no)" = no

pt_finish
