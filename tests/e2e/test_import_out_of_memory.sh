#!/usr/bin/env bash
# test_import_out_of_memory.sh - an importer that runs out of memory inside
# its import() is answered 503 storage_error, a failure that passes, and
# not 422 validation_failed, which would blame the file: the built-in csv
# importer (plugins/import_csv) returns PTRACK_ENOMEM as it is.
#
# How it runs out: ptrackd gets an address-space limit (prlimit) a few MB
# above what it has mapped, and one record of 15 MB (under the importer's
# 16 MiB) makes the importer's record buffer grow past it. malloc's
# threshold for mapping a block of its own is fixed at 128 KiB
# (GLIBC_TUNABLES), so that every large block is a new mapping that the
# limit counts, whatever ran before. The limit starts so low that the job
# thread may not start at all (the host's own 503, "cannot start a job
# thread"), and grows until import() runs. Then ptrackd itself runs out
# while it checks a record an importer emitted (a shim that fails large
# allocations on demand): that too is 503, not a rejected record. Skipped
# for a ptrackd built with AddressSanitizer.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

command -v prlimit >/dev/null || pt_die "prlimit (util-linux) is needed"
# AddressSanitizer maps terabytes of shadow memory and aborts when a map
# fails: under an address-space limit it stops ptrackd before any importer
# runs out.
pt_skip_under_asan "which cannot run under an address-space limit"
PLUGINS="$PT_BUILD_DIR/plugins"
pt_plugin_so import_csv >/dev/null

pt_config '{}'
GLIBC_TUNABLES=glibc.malloc.mmap_threshold=131072 pt_start --plugin-dir "$PLUGINS"

python3 -c '
import sys
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("标题,背景\n关于甲的建议,\"" + ("很长" * 5000 + "\n") * 500 + "\"\n")
' "$PT_TMP/big.csv"

pt_step "an import() that runs out of memory"
for extra in 4 8 12 16 20 24 32; do
    vsz=$(awk '$1 == "VmSize:" {print $2}' "/proc/$PT_PID/status")
    prlimit --pid "$PT_PID" --as=$(((vsz + extra * 1024) * 1024)):unlimited ||
        pt_die "cannot limit ptrackd's address space"
    req sock POST "/v1/imports?format=csv" -- --data-binary "@$PT_TMP/big.csv" \
        -H "Content-Type: text/csv"
    prlimit --pid "$PT_PID" --as=unlimited:unlimited
    case "$BODY" in *"cannot start a job thread"*) continue ;; esac
    break
done
pt_log "with $extra MB more address space: HTTP $ST"
check_error "is answered" 503 storage_error
check_contains "saying that the importer ran out of memory" \
    "the importer import_csv ran out of memory: out of memory reading the CSV file" \
    "$(jv 'j["error"]["message"]')"
check_eq "with no rejected record: no line of the file is at fault" 0 \
    "$(jv 'len(j["error"].get("rejected") or [])')"
check_eq "nothing is stored" 0 "$(pt_count)"

pt_step "ptrackd goes on"
api GET /v1/health
check_status "GET /v1/health" 200
printf '标题\n关于乙的建议\n' >"$PT_TMP/small.csv"
req sock POST "/v1/imports?format=csv" -- --data-binary "@$PT_TMP/small.csv" \
    -H "Content-Type: text/csv"
check_status "an import afterwards" 201

pt_stop

pt_step "the host runs out of memory checking an imported record"
# ptrackd with tests/shims/failalloc.so: while $FLAG exists, every
# allocation of 1 MiB or more fails. The fixture import_big emits one
# proposal of 40 recommendations of 100 kB: no allocation of the fixture's,
# nor the host's copy of each recommendation, reaches 1 MiB, but the
# host's rendering of the whole proposal (4 MB) does.
pt_shim failalloc
FIX="${PT_FIXTURE_PLUGINS:-$PT_BUILD_DIR/tests/plugins}"
chmod go-w "$FIX/fixture_import_big.so"
FLAG="$PT_TMP/fail-large-allocations"
pt_config '{}' ',"plugins": [{"instance": "big", "path": "'"$FIX"'/fixture_import_big.so"}]'
LD_PRELOAD="$SHIM" FAILALLOC_MIN=1048576 FAILALLOC_FLAG="$FLAG" pt_start
before="$(pt_count)"
touch "$FLAG"
req sock POST "/v1/imports?format=big" -- --data-binary "x" -H "Content-Type: text/plain"
rm -f "$FLAG"
check_error "is answered" 503 storage_error
check_eq "with no rejected record: the record is not at fault" 0 \
    "$(jv 'len(j["error"].get("rejected") or [])')"
check_contains "saying that memory ran out, where, and that the file is not at fault" \
    "ptrackd ran out of memory checking the record at record 1; the file is not at fault" \
    "$(jv 'j["error"]["message"]')"
check_eq "nothing is stored" "$before" "$(pt_count)"
req sock POST "/v1/imports?format=big" -- --data-binary "x" -H "Content-Type: text/plain"
check_status "the same import with memory to spare" 201
check_eq "stores it" "$((before + 1))" "$(pt_count)"
pt_stop

pt_finish
