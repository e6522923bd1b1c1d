#!/usr/bin/env bash
# A role other than admin for root in socket_users is not used (root is
# always admin on the socket), and the log says so at the start; a SIGHUP
# says it again only when the reloaded file newly says it or says it
# differently, not at every reload of an unchanged file, and not for a file
# whose reload is refused for another reason (the file mended then says it
# once, when it is taken).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init

# root_role ROLE NAME: sets socket_users' entry for root in $PT_CONF (none
# when ROLE is "none").
root_role() {
    python3 - "$PT_CONF" "$1" "${2:-}" <<'PY'
import json, sys
path, role, name = sys.argv[1:4]
c = json.load(open(path, encoding="utf-8"))
if role == "none":
    c.pop("socket_users", None)
else:
    c["socket_users"] = {"0": {"name": name, "role": role}}
json.dump(c, open(path, "w", encoding="utf-8"), ensure_ascii=False)
PY
}
# said: how many times the log says root's role is not used.
said() { grep -c "socket_users.0.role: root is always admin on the socket" "$PT_TMP/ptrackd.log" || true; }

pt_config
root_role viewer 王秘书
pt_start

pt_step "the start says it once"
check_eq "said once at the start" 1 "$(said)"
check_contains "naming the entry's name and the role not used" \
    "its entry names it (王秘书), the role viewer is not used" "$(cat "$PT_TMP/ptrackd.log")"

pt_step "a SIGHUP of the same file does not say it again"
check_true "the first SIGHUP is dealt with" pt_reload
check_true "the second SIGHUP is dealt with" pt_reload
check_eq "still said once after two reloads of the same file" 1 "$(said)"

pt_step "a SIGHUP of a file that says it differently says it again"
root_role clerk 王秘书
check_true "the SIGHUP with the role clerk is dealt with" pt_reload
check_eq "said again for the new role" 2 "$(said)"
check_contains "naming the new role" "the role clerk is not used" "$(cat "$PT_TMP/ptrackd.log")"
check_true "another SIGHUP of it is dealt with" pt_reload
check_eq "and not once more for the same file" 2 "$(said)"
root_role clerk 李主任
check_true "the SIGHUP with another name is dealt with" pt_reload
check_eq "said again for the new name" 3 "$(said)"

pt_step "a file that no longer says it, then says it again"
root_role none
check_true "the SIGHUP without root's entry is dealt with" pt_reload
check_eq "nothing said without the entry" 3 "$(said)"
root_role clerk 李主任
check_true "the SIGHUP with the entry back is dealt with" pt_reload
check_eq "said again, the file newly saying it" 4 "$(said)"
root_role admin 李主任
check_true "the SIGHUP with root as admin is dealt with" pt_reload
check_eq "nothing said for the role admin" 4 "$(said)"

pt_step "a reload refused for another reason does not say it, and the one that takes it says it once"
root_role clerk 周科长
python3 - "$PT_CONF" <<'PY'
import json, sys
c = json.load(open(sys.argv[1], encoding="utf-8"))
c["workflow"] = sys.argv[1] + ".missing-workflow.json"
json.dump(c, open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)
PY
check_true "the SIGHUP with a workflow that does not exist is dealt with" pt_reload
check_contains "and refused" "the configuration was refused" "$(cat "$PT_TMP/ptrackd.log")"
check_eq "nothing said for the file refused" 4 "$(said)"
python3 - "$PT_CONF" <<'PY'
import json, sys
c = json.load(open(sys.argv[1], encoding="utf-8"))
del c["workflow"]
json.dump(c, open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)
PY
check_true "the SIGHUP of the mended file is dealt with" pt_reload
check_eq "said once, for the file taken" 5 "$(said)"
check_true "another SIGHUP of it is dealt with" pt_reload
check_eq "and not again" 5 "$(said)"
pt_stop
pt_finish
