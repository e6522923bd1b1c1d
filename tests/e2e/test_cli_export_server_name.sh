#!/usr/bin/env bash
# `ptrack export` without --out writes the file the server names in its
# Content-Disposition, and took any name filename* decoded to: %0A or
# %C2%85 (NEL, which an older ptrackd let an exporter give) made a file
# with a line break in its name, %1B one with an escape that a listing of
# the directory runs, %FF one whose name is no UTF-8, %E2%80%AE (U+202E)
# one whose name a terminal shows turned around. Such a name is not taken:
# the export is written to proposals.FORMAT, as when the server names
# none. A Chinese name is taken as before. The header is read parameter by
# parameter: filename*= inside a quoted filename is no parameter.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

# A stand-in for ptrackd on a Unix socket: every request gets a small CSV
# with the Content-Disposition value given.
cat >"$PT_TMP/named.py" <<'PY'
import os, sys
path, disposition = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.environ["PT_E2E_DIR"])
from fakeserver import requests
for c, _, _, _ in requests(path):
    body = "标题\r\n关于加强社区养老服务的建议\r\n".encode()
    c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/csv; charset=utf-8\r\n"
              b"Content-Disposition: " + disposition.encode() + b"\r\nConnection: close\r\n"
              b"Content-Length: %d\r\n\r\n" % len(body) + body)
    c.close()
PY

RUNS=0
# export_as DISPOSITION: runs ptrack export --format csv in a new empty
# directory against named.py; sets FILES to the names written there.
export_as() {
    RUNS=$((RUNS + 1))
    local sock="$PT_TMP/named-$RUNS.sock" dir="$PT_TMP/out-$RUNS"
    mkdir -p "$dir"
    pt_stand_in "$PT_TMP/named.py" "$sock" "$1"
    (cd "$dir" && pt_run timeout 10 "$PTRACK" --socket "$sock" export --format csv --quiet)
    kill "$STAND_IN" 2>/dev/null || true
    FILES="$(cd "$dir" && python3 -c 'import os; print(" ".join(ascii(n) for n in sorted(os.listdir("."))))')"
}

export_as "attachment; filename=\"2026.csv\"; filename*=UTF-8''2026%E5%B9%B4%E5%BB%BA%E8%AE%AE.csv"
check_eq "a Chinese name is taken" "'2026\\u5e74\\u5efa\\u8bae.csv'" "$FILES"
export_as "attachment; filename=\"a.csv\"; filename*=UTF-8''%E6%B1%87%C2%85x.csv"
check_eq "a name with NEL (U+0085) is not taken" "'proposals.csv'" "$FILES"
export_as "attachment; filename=\"a.csv\"; filename*=UTF-8''a%0Ab.csv"
check_eq "a name with a line feed is not taken" "'proposals.csv'" "$FILES"
export_as "attachment; filename=\"a.csv\"; filename*=UTF-8''a%1B%5B31mb.csv"
check_eq "a name with an escape is not taken" "'proposals.csv'" "$FILES"
export_as "attachment; filename=\"a.csv\"; filename*=UTF-8''a%FFb.csv"
check_eq "a name that is not UTF-8 is not taken" "'proposals.csv'" "$FILES"
export_as "attachment; filename=\"a$(printf '\x7f')b.csv\""
check_eq "a plain filename= with DEL is not taken" "'proposals.csv'" "$FILES"
export_as "attachment; filename=\"a.csv\"; filename*=UTF-8''%E6%B1%87%E6%80%BB%E2%80%AEvsc.exe"
check_eq "a name with U+202E, which ls shows as 汇总exe.csv, is not taken" "'proposals.csv'" "$FILES"
export_as "attachment; filename=\"a.csv\"; filename*=UTF-8''%E2%81%A7%E6%B1%87%E6%80%BB.csv"
check_eq "a name with U+2067 (an isolate) is not taken" "'proposals.csv'" "$FILES"
export_as "attachment; filename=\"a.csv\"; filename*=UTF-8''%C2%A1b.csv"
check_eq "U+00A1, after C1, is taken" "'\\xa1b.csv'" "$FILES"

# The parameters are read one by one (RFC 6266): a name is not found
# inside another parameter's quoted value, nor at the end of a longer
# name; the names are in any case; filename* may give a language; a
# quoted-pair is the character it stands for.
export_as "attachment; filename=\"2026 filename*=UTF-8''evil.csv\""
check_eq "filename*= inside the quoted filename is part of its name" \
    "\"2026 filename*=UTF-8''evil.csv\"" "$FILES"
export_as "attachment; xfilename=\"evil.csv\"; filename=\"proposals-2026.csv\""
check_eq "xfilename= is not filename=" "'proposals-2026.csv'" "$FILES"
export_as "attachment; filename=\"a.csv\"; FileName*=utf-8''%E6%B1%87%E6%80%BB.csv"
check_eq "the names in any case" "'\\u6c47\\u603b.csv'" "$FILES"
export_as "attachment;filename=\"a.csv\";filename*=UTF-8'zh-CN'%E6%B1%87%E6%80%BB.csv"
check_eq "filename* with a language, and no blanks" "'\\u6c47\\u603b.csv'" "$FILES"
export_as 'attachment; filename="a\"b.csv"'
check_eq "a quoted-pair in filename" "'a\"b.csv'" "$FILES"
export_as "attachment; filename=\"good.csv\"; filename*=UTF-8''a%00.exe"
check_eq "filename* with %00 is not read: filename is taken" "'good.csv'" "$FILES"
export_as "attachment; filename=\"good.csv\"; filename*=UTF-8''a%4.csv"
check_eq "filename* with a % and one hex digit is not read" "'good.csv'" "$FILES"
export_as 'attachment; filename="open.csv'
check_eq "a quote that is not closed: no name" "'proposals.csv'" "$FILES"

pt_finish
