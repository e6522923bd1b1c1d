#!/usr/bin/env bash
# test_metrics_reads.sh - GET /metrics counts the proposals by status and
# the overdue ones from the indexes, without reading the proposals' rows.
#
# A Prometheus server scrapes /metrics every 15 s or so, for years. The
# figures it shows (ptrack_proposals by status, ptrack_proposals_overdue)
# used to come from the whole of GET /v1/stats, which reads every
# proposal's row, document and all: about a second a scrape at 100,000
# proposals, and more every year. Checks:
#   - three scrapes of a store of 20,000 proposals read (rchar of
#     /proc/PID/io: what ptrackd asked of the kernel, page cache or disk)
#     less than a tenth of the database file, where reading the rows reads
#     more than the whole table each time (it is larger than a read
#     connection's page cache);
#   - the figures are those of /v1/stats: by status, and overdue;
#   - the database's size and the room left on its disk are there, to
#     warn before a full disk refuses writes.
set -u
. "$(dirname "$0")/lib.sh"
pt_init

N=20000
PLUGINS="$PT_BUILD_DIR/plugins"
[ -f "$PLUGINS/import_json.so" ] || pt_die "$PLUGINS/import_json.so is missing (build it)"

pt_config '{"reply": "2s"}'
pt_start --plugin-dir "$PLUGINS"

python3 "$PT_SOURCE_DIR/bench/gen-proposals.py" "$N" "$PT_TMP/p.jsonl" "$PT_TMP/p.csv" ||
    pt_die "cannot generate the proposals"
pt_import jsonl "$PT_TMP/p.jsonl"
[ "$ST" = 201 ] || pt_die "the import failed: HTTP $ST ${BODY:0:300}"
[ "$(pt_wait_search_indexed)" != timeout ] || pt_die "the search backlog was not indexed"

pt_step "a few proposals assigned, with a deadline that passes"
for id in 3 5 8; do
    pt_act "$id" assign '{"mode": "single", "units": [{"name": "省财政厅", "role": "lead"}]}'
done
pt_act 5 sign '{"unit": "省财政厅"}'
sleep 2.5

pt_step "three scrapes read little of the store"
# rchar counts what every thread of ptrackd reads: the checkpointer copying
# the import's WAL back (the import's answer does not wait for it), the
# search index's last batches and the deadline engine's reminders too. On
# a loaded machine these may still run when the scrapes begin, so the
# scrapes are measured once ptrackd has read nothing for a second (up to
# 60 s), and again (three tries in all) when something else read beside
# them: reading the rows reads more than the whole table at every try.
rchar() { awk '$1 == "rchar:" {print $2}' "/proc/$PT_PID/io"; }
quiet() {
    local a b i
    for i in $(seq 1 60); do
        a="$(rchar)"
        sleep 1
        b="$(rchar)"
        [ "$a" = "$b" ] && return 0
    done
    return 1
}
db_bytes="$(stat -c %s "$PT_DATA/ptrack.db")"
tries=""
for try in 1 2 3; do
    quiet || pt_log "ptrackd kept reading for 60 s without a request"
    before="$(rchar)"
    for _ in 1 2 3; do
        api GET /metrics
        [ "$ST" = 200 ] || pt_die "GET /metrics: HTTP $ST"
    done
    read_bytes=$(($(rchar) - before))
    pt_log "three scrapes read $((read_bytes / 1024)) kB; the database is $((db_bytes / 1024)) kB"
    tries="${tries:+$tries, }$((read_bytes / 1024)) kB"
    [ "$read_bytes" -lt $((db_bytes / 10)) ] && break
done
check_true "they read less than a tenth of the database ($tries of $((db_bytes / 1024)) kB)" \
    [ "$read_bytes" -lt $((db_bytes / 10)) ]

pt_step "the figures are those of /v1/stats"
metric() { printf %s "$BODY" | awk -v k="$1" '$1 == k {print $2}'; }
api GET /metrics
check_eq "submitted" "$((N - 3))" "$(metric 'ptrack_proposals{status="submitted"}')"
check_eq "assigned" 2 "$(metric 'ptrack_proposals{status="assigned"}')"
check_eq "handling" 1 "$(metric 'ptrack_proposals{status="handling"}')"
check_eq "closed, a state none is in" 0 "$(metric 'ptrack_proposals{status="closed"}')"
check_eq "overdue" 3 "$(metric ptrack_proposals_overdue)"
metrics="$BODY"
api GET /v1/stats
check_eq "as /v1/stats counts them" \
    "$(jv '" ".join(str(j["by_status"].get(s, 0)) for s in ("submitted", "assigned", "handling")) + " " + str(j["overdue"])')" \
    "$(BODY="$metrics"; for k in submitted assigned handling; do printf '%s ' "$(metric "ptrack_proposals{status=\"$k\"}")"; done; metric ptrack_proposals_overdue)"

pt_step "the room on the disk, and the database's size"
api GET /metrics
check_eq "ptrack_store_db_bytes is the database file's size" \
    "$(stat -c %s "$PT_DATA/ptrack.db")" "$(metric ptrack_store_db_bytes)"
# What df says for a user that is not root (f_bavail, not f_bfree, which
# counts root's reserve too), taken just before and just after the
# request: other programs write to and free the same disk meanwhile (the
# tests ctest runs beside this one make and remove databases of tens of
# MB in a second), so the figure must lie between the two, give or take
# 64 MiB; a try where the disk moved by more than that is made again (up
# to five), where a figure of another kind misses at every try.
df_free() {
    python3 -c 'import os, sys; v = os.statvfs(sys.argv[1]); print(v.f_bavail * v.f_frsize)' "$PT_DATA"
}
# within LO HI X: X > 0 lies in [min(LO, HI) - 64 MiB, max(LO, HI) + 64 MiB].
within() {
    python3 -c 'import sys; lo, hi, x = map(int, sys.argv[1:4]); lo, hi = min(lo, hi), max(lo, hi)
sys.exit(0 if x > 0 and lo - (64 << 20) <= x <= hi + (64 << 20) else 1)' "$@"
}
for try in 1 2 3 4 5; do
    df_before="$(df_free)"
    api GET /metrics
    df_after="$(df_free)"
    free_m="$(metric ptrack_store_disk_free_bytes)"
    within "$df_before" "$df_after" "${free_m:-0}" && break
done
check_true "ptrack_store_disk_free_bytes is the room df shows ($free_m, df $df_before to $df_after)" \
    within "$df_before" "$df_after" "${free_m:-0}"
for try in 1 2 3 4 5; do
    df_before="$(df_free)"
    api GET /v1/health
    df_after="$(df_free)"
    free_h="$(jv 'j["disk_free_bytes"]')"
    within "$df_before" "$df_after" "${free_h:-0}" && break
done
check_true "GET /v1/health's disk_free_bytes is that room too ($free_h, df $df_before to $df_after)" \
    within "$df_before" "$df_after" "${free_h:-0}"

pt_finish
