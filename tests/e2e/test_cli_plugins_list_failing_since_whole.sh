#!/usr/bin/env bash
# ptrack plugins list wraps the line under a notifier's row within 100
# columns, and the wrap broke "failing since 2026-12-02 08:00:05" between
# the date and the time when the date came at the line's end, leaving the
# hour at the start of the next line. The date and its time now go down
# together. The notifiers here, from a stand-in for ptrackd, have figures
# of every length, so that the time comes at every place of the line.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

cat >"$PT_TMP/plugins.py" <<'PY'
import json, os, sys
sys.path.insert(0, os.environ["PT_E2E_DIR"])
from fakeserver import answer_json, requests
items = [{"instance": "robot%d" % n, "plugin": "notify_webhook", "version": "1.0.0",
          "kinds": ["notifier"], "runtime": True,
          "notifier": {"retrying": True, "queue": 0, "delivered": int("7" * n), "failed": 3,
                       "cursor": 12, "behind": 0, "failing_since": "2026-12-02T00:00:05Z"}}
         for n in range(1, 25)]
body = json.dumps({"items": items, "formats": {}, "failed": []}).encode()
for c, _, _, _ in requests(sys.argv[1]):
    answer_json(c, body)
PY
pt_stand_in "$PT_TMP/plugins.py" "$PT_TMP/fake.sock"

pt_step "plugins list"
TZ=Asia/Shanghai pt_run timeout 10 "$PTRACK" --socket "$PT_TMP/fake.sock" plugins list
check_rc "plugins list" 0
w="$(printf '%s\n' "$OUT" | widest)"
check_true "it fits 100 columns (widest line: $w)" test "$w" -le 100
check_eq "every notifier says since when it fails" 24 \
    "$(printf '%s\n' "$OUT" | tr '\n' ' ' | grep -o 'failing *since *2026-12-02 *08:00:05' | wc -l)"
check_eq "with the date and its time on one line" 24 \
    "$(printf '%s\n' "$OUT" | grep -c '2026-12-02 08:00:05')"
check_true "no line ends with the date" \
    bash -c '! grep -q "2026-12-02\$" <<<"$1"' _ "$OUT"

pt_finish
