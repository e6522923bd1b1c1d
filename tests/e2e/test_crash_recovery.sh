#!/usr/bin/env bash
# Durability under kill -9: 8 clients write (creates and supervise actions)
# over the socket; each records a write as acknowledged only once curl has
# the 2xx answer. ptrackd is killed with SIGKILL in the middle of the load
# and restarted on the same data directory, three times. After each restart
# every acknowledged write must be there, each proposal's history must have
# one entry per version, and the change feed must run without a gap
# (crashcheck.py).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
pt_init
pt_config
pt_start
WORKERS=8
ROUNDS=3
LOAD_SECONDS=3

# worker N: writes until $PT_TMP/stop exists; appends "ID VERSION" to
# $PT_TMP/ack.N after each acknowledged write, and nothing for others.
worker() {
    local w="$1" out code body id ver k flag
    local ack="$PT_TMP/ack.$w" i=0
    while [ ! -e "$PT_TMP/stop" ]; do
        i=$((i + 1))
        out="$(curl -s --max-time 10 --unix-socket "$PT_SOCK" -X POST \
            -H 'Content-Type: application/json' \
            --data-binary "{\"title\":\"关于崩溃恢复的建议 $w-$i\",\"background\":\"第${w}路写入\",\"tags\":[\"压力\"]}" \
            -w '\n%{http_code}' http://localhost/v1/proposals)" || { sleep 0.02; continue; }
        code="${out##*$'\n'}"
        body="${out%$'\n'*}"
        [ "$code" = 201 ] || { sleep 0.02; continue; }
        id="$(grep -o '"id":[0-9]*' <<<"$body" | head -n 1 | cut -d: -f2)"
        ver="$(grep -o '"version":[0-9]*' <<<"$body" | head -n 1 | cut -d: -f2)"
        [ -n "$id" ] && [ -n "$ver" ] || continue
        echo "$id $ver" >>"$ack"
        for k in 1 2 3; do
            flag=true
            [ $((k % 2)) = 0 ] && flag=false
            out="$(curl -s --max-time 10 --unix-socket "$PT_SOCK" -X POST \
                -H 'Content-Type: application/json' \
                --data-binary "{\"key_supervision\":$flag,\"supervisor\":\"督查室$k\"}" \
                -w '\n%{http_code}' "http://localhost/v1/proposals/$id/actions/supervise")" || break
            code="${out##*$'\n'}"
            body="${out%$'\n'*}"
            [ "$code" = 200 ] || break
            ver="$(grep -o '"version":[0-9]*' <<<"$body" | head -n 1 | cut -d: -f2)"
            [ -n "$ver" ] || break
            echo "$id $ver" >>"$ack"
        done
    done
}

for round in $(seq 1 $ROUNDS); do
    pt_step "round $round: $WORKERS writers for ${LOAD_SECONDS} s, then kill -9"
    rm -f "$PT_TMP/stop"
    wpids=()
    for w in $(seq 1 $WORKERS); do
        worker "$w.$round" &
        wpids+=($!)
    done
    sleep "$LOAD_SECONDS"
    acks_before_kill=$(cat "$PT_TMP"/ack.* 2>/dev/null | wc -l)
    pt_kill9
    touch "$PT_TMP/stop"
    for p in "${wpids[@]}"; do wait "$p" || true; done
    acks=$(cat "$PT_TMP"/ack.*."$round" 2>/dev/null | wc -l)
    check_true "round $round: the load got writes acknowledged ($acks)" test "$acks" -gt 20
    pt_log "acknowledged so far: $(cat "$PT_TMP"/ack.* | wc -l) (about $acks_before_kill when killed)"

    pt_start
    api GET /v1/health
    check_eq "round $round: ptrackd restarts on the same data and is writable" "ok true" \
        "$(jv '"%s %s" % (j["status"], str(j["writable"]).lower())')"
    out="$(python3 "$PT_E2E_DIR/crashcheck.py" "$PT_SOCK" "$PT_TMP"/ack.* 2>&1)" && rc=0 || rc=$?
    printf '%s\n' "$out"
    check_eq "round $round: every acknowledged write survived; history and feed have no gap" 0 "$rc"
done

pt_step "after the crashes, ptrackd still takes writes and stops cleanly"
api POST /v1/proposals '{"title":"关于重启之后的建议"}'
check_status "create after the last restart" 201
pt_stop
pt_start
python3 "$PT_E2E_DIR/crashcheck.py" "$PT_SOCK" "$PT_TMP"/ack.* >"$PT_TMP/final.out" 2>&1 && rc=0 || rc=$?
check_eq "after a SIGTERM stop and a start the store is still consistent" 0 "$rc"
[ "$rc" = 0 ] || cat "$PT_TMP/final.out"
pt_stop
pt_finish
