#!/bin/bash
# daemon_crash: SIGKILL at 20 or more random moments of a quarter, each followed by a restart of
# the same command, ends with what an uninterrupted run of the quarter stores, without
# duplicated rows (issue 10, "Crashes").
#
# The quarter: farm 11 of 20 sites, office seed 5a40a6db, --now 2026-10-01 --until 2027-01-01:
# two draws, six crawls, two monitoring weeks (round 1 holds the flaky 2% site and a site whose
# planted suspected links are re-checked twice, round 2 the flaky 10% site), the re-checks, both
# finalisations with their reports and publication ([publish] out_dir: child processes of the
# daemon, each run to its own directories), and at the until moment the first draw and crawl of
# 2027Q1. It takes a few
# seconds, so the whole quarter is the unit. (Not daemon_monitor's seed: there a flaky site
# shares a round with the down site, and which groups are inconclusive then hangs on when the
# flaky site fails, which a kill may shift; see below. Here nothing but the flaky sites' own
# failures depends on the farm's counters.)
#   1. Reference: a fresh farm and a fresh database, one uninterrupted run; its wall time T.
#   2. Crash run: a fresh farm (the flaky sites' counters start again from 0, so both runs see
#      the same sequence of answers as far as possible) and a fresh database; the daemon is
#      started with the same command (--now T0 --until T1 again) and killed with SIGKILL at a
#      random moment, restarted, and so on until a run ends by itself (exit 0, "the clock
#      reached --until"). A run is killed at whichever comes first: a random delay drawn from
#      [0, D], or, once the database holds 1 to 60 (random) more units of work than when the
#      run started (draws, crawls, probes, groups judged, re-checks, final verdicts: most of the
#      quarter is probes, stored faster than a wall-clock delay can aim at), 0 to 15 ms later.
#      D is T/60; a crawl stores nothing until it ends (the longest takes about a second), so
#      after a killed run that stored nothing D doubles (up to 2T), and is T/60 again once one
#      did. At least 20 kills must hit a daemon that had started (logged its start; kills
#      before that are made and counted apart): should the quarter end after fewer (the
#      machine was quick), the crash run starts again from a fresh farm and database with
#      delays and targets halved (up to three times). The kills are listed by the simulated
#      moment the daemon had reached (its debug log). CRASH_SEED=N replays the random choices.
# Compared with the reference, identical:
#   - rounds and their states; each round's active draw (seed, frame hash, sizes, repeats) and
#     its sample;
#   - crawls per round and site (count, crawl verdict and score, final verdict and score) and
#     their defects (round, site, stage, kind, url: each with its count, so a defect stored
#     twice by a redone crawl or finalisation shows);
#   - per site and day, the number of conclusive probes; per site, the number of probes and of
#     failed conclusive probes (but the flaky site's failures, below); the judged groups of
#     each round by state and reason; the re-checks stored (link, attempt, result, state);
#   - the re-checks after the rectification deadlines (site, outcome, moment, each item fixed
#     or not; docs/rectification.md);
#   - `report 2026Q4 R --format json` of both rounds and the published data/2026Q4-R.json, but
#     the flaky sites' failure counts (their availability figures and the detail of an
#     `unreachable` defect, which quotes them); rounds end `published` in both.
# What may legitimately differ, and so is compared loosely or not at all:
#   - probe TIMES: the monitoring secret is random per round (rounds.monitor_seed), so each run
#     probes at other moments; only counts are compared;
#   - the flaky site's failures: the farm counts a flaky site's homepage requests since it
#     started, and a probe (or a crawl's homepage fetch) in flight when the daemon is killed
#     reached the farm but is not stored, so it is made again and the failure pattern shifts
#     by one request. Its conclusive failures may differ by at most the number of kills, and
#     its verdict (and everything else) must not change.
set -euo pipefail
source "$(dirname "$0")/lib/skip.sh"
require_tools jq sqlite3 awk
: "${SPOTCHECK_BIN:?}" "${SPOTCHECK_BUILD:?}" "${SPOTCHECK_SRC:?}"
[ -f "$SPOTCHECK_SRC/tests/farm/CMakeLists.txt" ] || skip "this tree has no farm (tests/farm)"
# shellcheck source=lib/farm.sh
. "$SPOTCHECK_SRC/tests/integration/lib/farm.sh"
tmp=$(mktemp -d)
bg_pid=
cleanup() {
    [ -z "$bg_pid" ] || kill -KILL "$bg_pid" 2>/dev/null || true
    farm_stop >/dev/null 2>&1 || true
    if [ -n "${KEEP_TMP:-}" ]; then echo "kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*" >&2
    for f in "$tmp/ref.log" "$tmp/run-${runs:-0}.log"; do
        [ -f "$f" ] && { echo "--- $f"; grep -av ' debug ' "$f" | tail -15 | cut -c1-300; }
    done >&2
    exit 1
}
cd "$tmp"
seed=${CRASH_SEED:-$(( $(date +%s%N) % 32768 ))}
RANDOM=$seed
echo "CRASH_SEED=$seed"

farm_generate farm 11 20 > /dev/null
for run in ref crash; do # each run publishes to its own directories
    printf '[sampling]\nseed = 5a40a6db\n[daemon]\ncrawl_concurrency = 2\nstate_dir = state-%s\n[publish]\nout_dir = pub-%s\n' \
        $run $run > $run.conf
    mkdir -p state-$run
done
T0=2026-10-01 T1=2027-01-01
now_ns() { date +%s%N; }

# 1. the reference: one uninterrupted run
farm_start farm
"$SPOTCHECK_BIN" --config ref.conf --db ref.db import farm/registry.csv > /dev/null
t=$(now_ns)
# the quarter's command, with a debug log (the simulated moment of each jump) on stderr
daemon=(--config ref.conf --now "$T0" -v daemon --until "$T1" --no-dns "${FARM_CONNECT_ARGS[@]}"
        --timeout 3 --retries 1 --per-host 4 --delay 0)
"$SPOTCHECK_BIN" --db ref.db "${daemon[@]}" 2> ref.log || fail "the reference run exited $?"
ref_ms=$(( ($(now_ns) - t) / 1000000 ))
farm_stop
echo "reference run: $ref_ms ms"

# 2. the crash run: SIGKILL at a random moment, restart, until a run ends by itself
stored() { # how much work crash.db holds: grows with every finished unit of work
    sqlite3 -batch -noheader crash.db "SELECT (SELECT count(*) FROM draws) + (SELECT count(*) FROM crawls)
        + (SELECT count(*) FROM crawls WHERE final_verdict IS NOT NULL) + (SELECT count(*) FROM
        availability_probes) + (SELECT count(*) FROM monitor_slots) + (SELECT count(*) FROM
        link_rechecks) + (SELECT count(*) FROM rounds WHERE state IN ('checking', 'finalised'))" 2>/dev/null || echo 0
}
rand_ms() { echo $(( (RANDOM * 32768 + RANDOM) % ($1 + 1) )); }
ours() { for p in $(pgrep -x spotcheck || true); do # our spotcheck processes
    [ "$(readlink "/proc/$p/cwd" 2>/dev/null)" != "$tmp" ] || echo "$p"; done; }
survivors=0 # kills that a report or publish child of the daemon outlived by a second
crash_run() { # SCALE: delays and targets divided by SCALE; sets kills, runs, moments
    rm -f crash.db crash.db-wal crash.db-shm crash.db.lock crash.log run-*.log
    farm_start farm
    rm -rf pub-crash state-crash && mkdir state-crash
    "$SPOTCHECK_BIN" --config crash.conf --db crash.db import farm/registry.csv > /dev/null
    daemon=(--config crash.conf --now "$T0" -v daemon --until "$T1" --no-dns "${FARM_CONNECT_ARGS[@]}"
            --timeout 3 --retries 1 --per-host 4 --delay 0) # the new farm's port
    local base_delay_ms=$(( ref_ms / 60 / $1 > 10 ? ref_ms / 60 / $1 : 10 ))
    local max_delay_ms=$base_delay_ms completed=0 before target delay_ms t rc
    local deadline=$(( $(date +%s) + 60 + 20 * ref_ms / 1000 ))
    kills=0 runs=0 moments=()
    while [ $completed -eq 0 ]; do
        [ "$(date +%s)" -le $deadline ] || fail "the crash run did not finish ($runs runs, $kills kills)"
        runs=$((runs + 1))
        before=$(stored)
        target=$(( before + 1 + RANDOM % (60 / $1) ))
        delay_ms=$(rand_ms $max_delay_ms)
        # a log per run, so that nothing written late by a killed run can garble another's
        "$SPOTCHECK_BIN" --db crash.db "${daemon[@]}" 2> run-$runs.log &
        bg_pid=$!
        t=$(now_ns)
        while kill -0 "$bg_pid" 2>/dev/null; do
            [ $(( ($(now_ns) - t) / 1000000 )) -lt "$delay_ms" ] || break
            if [ "$(stored)" -ge $target ]; then
                sleep "$(awk -v m="$(rand_ms 15)" 'BEGIN { printf "%.3f", m / 1000 }')"
                break
            fi
            sleep 0.005
        done
        kill -KILL "$bg_pid" 2>/dev/null || true
        set +e
        { wait "$bg_pid"; } 2> /dev/null # no "Killed" notice from bash
        rc=$?
        set -e
        bg_pid=
        if [ $rc -eq 137 ]; then
            kills=$((kills + 1))
            for _ in $(seq 1 20); do [ -z "$(ours)" ] && break; sleep 0.05; done
            if [ -n "$(ours)" ]; then
                survivors=$((survivors + 1))
                echo "after kill $kills, still running: $(for p in $(ours); do tr '\0' ' ' < /proc/$p/cmdline; echo; done)" >&2
                for _ in $(seq 1 100); do [ -z "$(ours)" ] && break; sleep 0.1; done
            fi
            # the simulated moment the daemon had reached, from its last line
            moments+=("$( (grep -ao '\[20[0-9-]*T[0-9:]*' run-$runs.log || true) | tail -1 | tr -d '[')")
            if [ "$(stored)" -gt "$before" ]; then
                max_delay_ms=$base_delay_ms
            else
                max_delay_ms=$(( max_delay_ms * 2 < 2 * ref_ms ? max_delay_ms * 2 : 2 * ref_ms ))
            fi
        elif [ $rc -eq 0 ] && grep -q 'stopping: the clock reached --until' run-$runs.log; then
            completed=1
        else
            fail "run $runs exited $rc"
        fi
    done
    farm_stop
}
ticked() { printf '%s\n' "${moments[@]}" | grep -c . || true; } # kills of a daemon past its start
for scale in 1 2 4 8; do
    crash_run $scale
    [ "$(ticked)" -lt 20 ] || break
    echo "the quarter ended after $kills kills: again, with delays and targets divided by $((scale * 2))"
done
# a killed daemon's report or publish child dies with it (daemon/main.c: PR_SET_PDEATHSIG), so
# none may run on beside the restart: checked a second after each kill
[ $survivors -eq 0 ] || fail "$survivors kills left a report or publish child of the daemon running"
for i in $(seq 1 "$runs"); do cat "run-$i.log"; done > crash.log
[ "$(ticked)" -ge 20 ] || fail "only $(ticked) kills hit a running daemon before it finished (seed $seed)"
echo "crash run: $kills kills ($(ticked) after the daemon started) in $runs runs; the simulated moments the daemon had reached:"
printf '%s\n' "${moments[@]}" | sed 's/^$/(starting)/' | sort | uniq -c |
    awk '{ printf "  %2d %-20s", $1, $2 } NR % 4 == 0 { print "" } END { print "" }'

# 3. compare
q() { sqlite3 -batch -noheader "$1" "$2"; }
for db in ref.db crash.db; do
    [ "$(q $db 'PRAGMA integrity_check')" = ok ] || fail "$db: integrity_check: $(q $db 'PRAGMA integrity_check')"
    [ -z "$(q $db 'PRAGMA foreign_key_check')" ] || fail "$db: foreign_key_check: $(q $db 'PRAGMA foreign_key_check')"
done
# the flaky sites: their failures may shift by the requests redone after kills (see above)
flaky_codes=$(jq -r '.sites[] | select(.flaky > 0) | .code' farm/truth.json)
flaky=$(sed "s/.*/'&'/" <<< "$flaky_codes" | paste -sd,)
RQ="r.quarter || ' ' || r.number"
exact() { # NAME SQL: identical in both databases
    q ref.db "$2" > "ref-$1.txt"
    q crash.db "$2" > "crash-$1.txt"
    diff "ref-$1.txt" "crash-$1.txt" > "diff-$1.txt" ||
        { cat "diff-$1.txt" >&2; fail "$1 differ from the uninterrupted run (< reference, > crash run)"; }
}
exact rounds "SELECT quarter, number, state FROM rounds ORDER BY 1, 2"
exact draws "SELECT $RQ, d.active, d.seed, d.frame_hash, d.frame_size, d.sample_size, d.repeats
    FROM draws d JOIN rounds r ON r.id=d.round_id ORDER BY 1, d.id"
exact samples "SELECT $RQ, s.site_code, s.rank, s.is_repeat FROM samples s JOIN draws d ON d.id=s.draw_id
    AND d.active=1 JOIN rounds r ON r.id=d.round_id ORDER BY 1, 2"
exact crawls "SELECT $RQ, c.site_code, count(*), c.verdict, c.score, c.final_verdict, c.final_score
    FROM crawls c JOIN rounds r ON r.id=c.round_id GROUP BY 1, 2 ORDER BY 1, 2"
exact defects "SELECT $RQ, c.site_code, d.stage, d.kind, coalesce(d.url, ''), count(*) FROM defects d
    JOIN crawls c ON c.id=d.crawl_id JOIN rounds r ON r.id=c.round_id GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5"
exact conclusive_per_day "SELECT $RQ, p.site_code, p.day, count(*) FROM availability_probes p
    JOIN rounds r ON r.id=p.round_id WHERE p.conclusive=1 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
exact probes "SELECT $RQ, p.site_code, count(*), sum(p.conclusive=1),
    CASE WHEN p.site_code IN ($flaky) THEN 'flaky' ELSE sum(p.ok=0 AND p.conclusive=1) END
    FROM availability_probes p JOIN rounds r ON r.id=p.round_id GROUP BY 1, 2 ORDER BY 1, 2"
exact groups "SELECT $RQ, m.state, coalesce(m.reason, ''), count(*) FROM monitor_slots m
    JOIN rounds r ON r.id=m.round_id GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
exact rechecks "SELECT $RQ, l.url, k.attempt, k.result, coalesce(l.recheck_state, '') FROM link_rechecks k
    JOIN links l ON l.id=k.link_id JOIN crawls c ON c.id=l.crawl_id JOIN rounds r ON r.id=c.round_id ORDER BY 1, 2, 3"
[ -s ref-rechecks.txt ] || fail "no re-check in the reference run: the comparison of re-checks is empty"
# the flaky sites' conclusive failures: within the number of kills
flaky_failures="SELECT $RQ || ' ' || p.site_code, sum(p.ok=0) FROM availability_probes p JOIN rounds r
    ON r.id=p.round_id WHERE p.conclusive=1 AND p.site_code IN ($flaky) GROUP BY 1 ORDER BY 1"
paste -d'|' <(q ref.db "$flaky_failures") <(q crash.db "$flaky_failures") > flaky.txt
while IFS='|' read -r key a key2 b; do
    [ "$key" = "$key2" ] || fail "the flaky sites' probes: $key in the reference, $key2 after the kills"
    d=$(( a > b ? a - b : b - a ))
    [ $d -le "$kills" ] || fail "$key: $a failures in the reference, $b after $kills kills"
    echo "flaky site $key: $a failed probes in the reference, $b after the kills"
done < flaky.txt
[ -s flaky.txt ] || fail "no flaky site was monitored (the sampler or the farm changed)"

# no duplicated rows
dups() { # NAME SQL: must return nothing
    local out
    out=$(q crash.db "$2")
    [ -z "$out" ] || fail "duplicated $1: $out"
}
dups "probe keys" "SELECT round_id, site_code, day, slot, attempt, count(*) FROM availability_probes
    GROUP BY 1, 2, 3, 4, 5 HAVING count(*) > 1"
dups crawls "SELECT round_id, site_code, count(*) FROM crawls GROUP BY 1, 2 HAVING count(*) > 1"
dups "active draws" "SELECT round_id, count(*) FROM draws WHERE active=1 GROUP BY 1 HAVING count(*) > 1"
dups groups "SELECT round_id, day, slot, attempt, count(*) FROM monitor_slots GROUP BY 1, 2, 3, 4 HAVING count(*) > 1"
dups "re-checks" "SELECT link_id, attempt, count(*) FROM link_rechecks GROUP BY 1, 2 HAVING count(*) > 1"
dups "unjudged probes of finalised rounds" "SELECT p.round_id, p.site_code, p.day, p.slot, p.attempt FROM
    availability_probes p JOIN rounds r ON r.id=p.round_id WHERE r.state IN ('finalised', 'published') AND p.conclusive IS NULL"
dups "site samples" "SELECT draw_id, site_code, count(*) FROM samples GROUP BY 1, 2 HAVING count(*) > 1"

# the re-checks after the rectification deadlines: the same sites, outcomes and items, each
# stored once (a kill mid-re-check stores nothing; the restart does it)
rectified="SELECT $RQ || ' ' || c.site_code, x.rectified, x.checked_at,
    (SELECT group_concat(i.kind || ':' || i.fixed, ',') FROM rectification_items i WHERE i.crawl_id=x.crawl_id)
    FROM rectifications x JOIN crawls c ON c.id=x.crawl_id JOIN rounds r ON r.id=c.round_id ORDER BY 1"
diff <(q ref.db "$rectified") <(q crash.db "$rectified") >&2 || fail "the re-checks after the deadlines differ"
[ -n "$(q ref.db "$rectified")" ] || fail "no re-check after a rectification deadline in the reference run"

# the round reports agree too (availability of the sites that are not flaky included), and
# what each run published (the round's open data)
for r in 1 2; do
    for db in ref crash pub-ref pub-crash; do
        case $db in
        pub-*) [ -f $db/data/2026Q4-$r.json ] || fail "$db/data/2026Q4-$r.json was not published"
               cat $db/data/2026Q4-$r.json ;;
        *) "$SPOTCHECK_BIN" --db $db.db report 2026Q4 $r --format json ;;
        esac | jq -S --arg f "$flaky_codes" '.sites |= map(if (.code as $c | $f | split("\n") | index($c))
                then del(.availability.failures, .availability.failure_rate, .availability.probes) |
                    del(.defects[] | select(.kind == "unreachable") | .detail) |
                    del(.rectification.items[]? | select(.kind == "unreachable") | .original.detail)
                else . end)' > "$db-report$r.json"
    done
    diff ref-report$r.json crash-report$r.json >&2 || fail "report 2026Q4 $r differs from the uninterrupted run"
    diff pub-ref-report$r.json pub-crash-report$r.json >&2 ||
        fail "the published data/2026Q4-$r.json differs from the uninterrupted run's"
    jq -e '.finalised' crash-report$r.json > /dev/null || fail "report 2026Q4 $r: not finalised after the kills"
done
echo "compared: rounds, draws, samples, crawls, defects, conclusive probes per day, probe totals," \
     "failures, groups, re-checks, reports, published data: as the uninterrupted run; no duplicated" \
     "rows; integrity ok"
echo "daemon_crash: ok"
