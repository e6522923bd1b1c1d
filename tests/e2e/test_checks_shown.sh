#!/usr/bin/env bash
# test_checks_shown.sh - a passed check's description is printed as a
# failed one's is (lib.sh's pt_shown): a control character (ESC, CR, a C1
# one) or a byte that is not UTF-8 as \xNN, Chinese text, tabs and line
# feeds as they are. A description may quote what a check looked for, and
# printed raw an escape sequence in it reached the log and the terminal,
# recolouring or overwriting what followed. Starts no ptrackd.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

# A check that fails here reads its expected and its got alike: what came
# held the raw character, which the failure shows as \xNN.
# ok_line WHAT: the line pt_ok prints for WHAT (the check it counts is the
# subshell's, not this test's).
ok_line() { (pt_ok "$1"); }

check_eq "an escape sequence is shown as \\xNN" 'ok: 标题\x1b[31m红' "$(ok_line $'标题\e[31m红')"
check_eq "a carriage return is shown as \\xNN" 'ok: 第一行\x0d覆盖' "$(ok_line $'第一行\r覆盖')"
check_eq "a C1 control is shown as its two bytes" 'ok: a\xc2\x85b' "$(ok_line $'a\xc2\x85b')"
check_eq "a byte that is not UTF-8 is shown as \\xNN" 'ok: a\xffb\xe4\xb8' "$(ok_line $'a\xffb\xe4\xb8')"
check_eq "Chinese text is printed as it is" 'ok: 关于加强农村饮水安全的建议 -> 201' \
    "$(ok_line '关于加强农村饮水安全的建议 -> 201')"
check_eq "tabs and line feeds are printed as they are" $'ok: 甲\t乙\n丙' "$(ok_line $'甲\t乙\n丙')"

pt_finish
