#!/bin/bash
# daemon_outage: the monitor's own outage (issue 10, "The monitor's own outage"). Round 1 of
# 2026Q4 on farm 11 of 20 sites with the office seed 3c6ef362 (three healthy sites sampled,
# asserted), its monitoring week 2026-10-02 .. 2026-10-08 (days 0..6). The daemon runs in
# simulated time up to an hour of day 2 (2026-10-04), then for that one hour with every host
# unreachable (--connect-to ::127.0.0.1:P, P the farm's closed port: connections refused, for
# the sites and the reference target alike), then with the farm again to the round's
# finalisation (2026-11-12). No crawl or re-check falls inside the hour (checked).
#   A. With [daemon] reference_targets = http://bszs.conac.cn/ (a farm auxiliary host, always
#      up), an hour that cuts a group: it starts inside a slot of day 2 after one site's probe
#      and before another's. The probe times follow from the round's monitoring secret, random
#      per round, so the test runs to day 2, reads the secret and computes day 2's schedule with
#      the recipe of docs/availability.md (sha256sum and shell arithmetic; checked against the
#      planned_at of the probes stored; should days 1 and 0 have the same times instead, day 2
#      is taken to repeat them, and said so, as daemon_monitor checks the recipe), then takes
#      the first slot from 06:00 whose probes are not all in one minute, and starts the hour at
#      the minute after its first probe. Every probe made in the hour failed and is excluded (conclusive 0, reason
#      `reference`), every group holding one is `inconclusive` with reason `reference` (the
#      cut group too, though some of its probes were made before the hour and worked) and is
#      made up until a conclusive attempt; the failed reference probes are stored.
#   B. Without reference targets, the hour 12:00-13:00, which holds every planned probe of
#      slot 10 (12:00-13:12; a probe lies at least 18 minutes before its slot's end) and no
#      other: all three sites fail in that group, more than half, so it is `inconclusive` with
#      reason `mass_failure`, and made up. (A group-wide rule cannot help a group cut by the
#      outage where only a minority of the sites' probes fell inside it; that is what
#      reference targets are for, variant A.)
# In both: no probe of a healthy site is a counted failure (availability.failures 0), so nobody
# is vetoed; [rules] veto.unavailable_percent is lowered to 0.5 so that even one counted failure
# among the 140 would veto, which makes "nobody is vetoed" mean something. Every site still has
# at least 20 conclusive probes on day 2 (the make-ups) and on every day of the week.
set -euo pipefail
source "$(dirname "$0")/lib/skip.sh"
require_tools jq sqlite3
: "${SPOTCHECK_BIN:?}" "${SPOTCHECK_BUILD:?}" "${SPOTCHECK_SRC:?}"
[ -f "$SPOTCHECK_SRC/tests/farm/CMakeLists.txt" ] || skip "this tree has no farm (tests/farm)"
# shellcheck source=lib/farm.sh
. "$SPOTCHECK_SRC/tests/integration/lib/farm.sh"
tmp=$(mktemp -d)
cleanup() {
    farm_stop >/dev/null 2>&1 || true
    if [ -n "${KEEP_TMP:-}" ]; then echo "kept $tmp" >&2; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; for f in "$tmp"/*.log; do [ -f "$f" ] && { echo "--- $f"; grep -v ' debug ' "$f" | tail -15; }; done >&2; exit 1; }
cd "$tmp"

farm_generate farm 11 20 > /dev/null
down_host=$(jq -r '.sites[] | select(.down) | .host' farm/truth.json)
healthy=$(jq -r '.sites[] | select(.served and .flaky == 0 and (.down | not)) | .code' farm/truth.json)

# the moment of site CODE's planned probe in slot K of day D (docs/availability.md: 20 a day,
# a gap of 1,080 s), for the round's monitoring secret SEED and week START (Unix time)
probe_at() { # SEED CODE START D K
    local h lo hi
    h=$(printf '%s%s/avail/%d/%d' "$1" "$2" "$4" "$5" | sha256sum | cut -c1-15)
    lo=$(( $5 * 86400 / 20 )) hi=$(( ($5 + 1) * 86400 / 20 ))
    echo $(( $3 + $4 * 86400 + lo + 16#$h % (hi - lo - 1080 + 1) ))
}
cst() { date -u -d "@$(( $1 + 8 * 3600 ))" "+%Y-%m-%dT%H:%M${2:-}"; } # Unix time in China time

# variant NAME REFERENCES(yes|no) REASON: round 1 with an outage of one hour on day 2
# (2026-10-04) whose groups must be inconclusive with REASON; with references the hour cuts a
# group (above), without it is 12:00-13:00
variant() {
    local name=$1 refs=$2 reason=$3 db=$1.db
    local day=2026-10-04
    {
        printf '[sampling]\nseed = 3c6ef362\n[daemon]\ncrawl_concurrency = 2\n'
        [ "$refs" = no ] || printf 'reference_targets = http://bszs.conac.cn/\n'
        printf '[rules]\nveto.unavailable_percent = 0.5\n'
    } > $name.conf
    farm_start farm
    local closed
    closed=$(printf '%s\n' "${FARM_MAPPINGS[@]}" | grep "^$down_host:" | cut -d: -f4)
    [ -n "$closed" ] || fail "no closed port: the down site $down_host has no mapping"
    local sc=("$SPOTCHECK_BIN" --config "$name.conf" --db "$db")
    local net=(--no-dns --timeout 3 --retries 1 --per-host 4 --delay 0)
    "${sc[@]}" import farm/registry.csv > /dev/null
    # the draw, the first crawl, days 0 and 1 of the monitoring week
    "${sc[@]}" --now 2026-10-01 daemon --until ${day}T00:00 "${net[@]}" "${FARM_CONNECT_ARGS[@]}" \
        2> $name-before.log || fail "$name: the run up to day 2 exited $?"
    local secret week from to
    secret=$(sqlite3 -batch -noheader $db "SELECT monitor_seed FROM rounds WHERE quarter='2026Q4' AND number=1")
    [ "$(sqlite3 -batch -noheader $db "SELECT monitor_from FROM rounds WHERE quarter='2026Q4' AND number=1")" = 2026-10-02 ] ||
        fail "$name: the monitoring week does not start on 2026-10-02, so $day is not its day 2"
    week=$(date -u -d '2026-10-01T16:00:00' +%s) # 2026-10-02T00:00 in China time
    if [ "$refs" = yes ]; then
        # day 2's schedule: the recipe's, if day 1 followed it; else day 1's a day later, if it
        # repeated day 0 (daemon_monitor holds the daemon to the recipe; this test is about outages)
        local follows=1 repeats=1 code d1 d0
        while IFS='|' read -r code k d1 d0; do
            [ "$(cst "$(probe_at "$secret" "$code" "$week" 1 "$k")" ':%S+08:00')" = "$d1" ] || follows=0
            [ "$(date -u -d "${d1%+08:00}" +%s)" -eq $(( $(date -u -d "${d0%+08:00}" +%s) + 86400 )) ] || repeats=0
        done < <(sqlite3 -batch -noheader $db "SELECT a.site_code, a.slot, a.planned_at, b.planned_at FROM
            availability_probes a JOIN availability_probes b ON b.round_id=a.round_id AND
            b.site_code=a.site_code AND b.day=0 AND b.slot=a.slot AND b.attempt=0 WHERE a.day=1 AND a.attempt=0")
        if [ $follows = 1 ]; then
            day2_at() { probe_at "$secret" "$1" "$week" 2 "$2"; }
        elif [ $repeats = 1 ]; then
            echo "$name: day 1's probes repeat day 0's times (not the recipe of docs/availability.md); day 2 is taken to repeat them too"
            day2_at() { date -u -d "$(sqlite3 -batch -noheader $db "SELECT substr(planned_at, 1, 19) FROM
                availability_probes WHERE day=1 AND slot=$2 AND attempt=0 AND site_code='$1'")" +%s |
                awk '{ print $1 + 86400 - 8 * 3600 }'; }
        else
            fail "$name: day 2's probe times cannot be foreseen"
        fi
        local k t first last c first_code from_s
        for k in $(seq 5 14); do
            first="" last=""
            while read -r c; do
                t=$(day2_at "$c" "$k")
                [ -n "$first" ] && [ "$t" -ge "$first" ] || first=$t first_code=$c
                [ -z "$last" ] || [ "$t" -le "$last" ] || last=$t
                [ -n "$last" ] || last=$t
            done < <(sqlite3 -batch -noheader $db "SELECT s.site_code FROM samples s JOIN draws d ON
                d.id=s.draw_id AND d.active=1 JOIN rounds r ON r.id=d.round_id WHERE r.quarter='2026Q4'
                AND r.number=1")
            from_s=$(( (first / 60 + 1) * 60 ))
            [ $from_s -gt "$last" ] || break
        done
        [ $from_s -le "$last" ] || fail "$name: no slot of day 2 whose probes an hour can cut"
        from=$(cst $from_s) to=$(cst $(( from_s + 3600 )))
        echo "$name: slot $k of day 2 has probes from $(cst "$first" :%S) to $(cst "$last" :%S): the outage is $from - $to"
    else
        from=${day}T12:00 to=${day}T13:00
    fi
    "${sc[@]}" --now ${day}T00:00 daemon --until $from "${net[@]}" "${FARM_CONNECT_ARGS[@]}" \
        2> $name-day2.log || fail "$name: the run up to the outage exited $?"
    "${sc[@]}" --now $from daemon --until $to "${net[@]}" --connect-to "::127.0.0.1:$closed" \
        2> $name-outage.log || fail "$name: the run during the outage exited $?"
    "${sc[@]}" --now $to daemon --until 2026-11-12 "${net[@]}" "${FARM_CONNECT_ARGS[@]}" \
        2> $name-after.log || fail "$name: the run after the outage exited $?"
    farm_stop
    q() { sqlite3 -batch -noheader $db "$1"; }
    local lo="$from:00+08:00" hi="$to:00+08:00"
    if [ "$refs" = yes ]; then # the recipe agrees with the daemon's schedule
        local planned
        planned=$(q "SELECT planned_at FROM availability_probes WHERE day=2 AND slot=$k AND attempt=0
                     AND site_code='$first_code'")
        [ "$planned" = "$(cst "$first" ':%S+08:00')" ] ||
            fail "$name: site $first_code's probe of day 2 slot $k was planned at $planned, not at $(cst "$first" :%S) as computed"
    fi

    # the round: three healthy sites, drawn, crawled, finalised; nothing else inside the hour
    q "SELECT s.site_code FROM samples s JOIN draws d ON d.id=s.draw_id AND d.active=1
       JOIN rounds r ON r.id=d.round_id WHERE r.quarter='2026Q4' AND r.number=1" | sort > $name-sampled.txt
    [ "$(wc -l < $name-sampled.txt)" -ge 3 ] || fail "$name: fewer than 3 sites sampled"
    [ -z "$(comm -23 $name-sampled.txt <(sort <<< "$healthy"))" ] ||
        fail "$name: a sampled site is flaky or down (the sampler or the farm changed; choose another seed)"
    [ "$(q "SELECT state FROM rounds WHERE quarter='2026Q4' AND number=1")" = finalised ] ||
        fail "$name: round 1 is not finalised"
    local inside
    inside=$(q "SELECT site_code, started_at FROM crawls WHERE started_at >= '$lo' AND started_at < '$hi'
                UNION ALL SELECT link_id, checked_at FROM link_rechecks WHERE checked_at >= '$lo' AND checked_at < '$hi'")
    [ -z "$inside" ] || fail "$name: a crawl or re-check inside the outage hour: $inside"

    # the hour's probes: all failed, none counted, each group holding one inconclusive (REASON)
    local hour
    hour=$(q "SELECT count(*) FROM availability_probes WHERE probed_at >= '$lo' AND probed_at < '$hi'")
    [ "$hour" -ge 1 ] || fail "$name: no probe inside the outage hour (the schedule changed?)"
    if [ "$refs" = yes ]; then # the cut group: its probes made before the hour worked, and are excluded too
        [ "$(q "SELECT count(*) FROM availability_probes WHERE day=2 AND slot=$k AND attempt=0 AND
                probed_at < '$lo' AND ok=1 AND conclusive=0 AND inconclusive_reason='reference'")" -ge 1 ] ||
            fail "$name: the cut group 2/$k/0 has no probe before the hour that worked and was excluded:
$(q "SELECT site_code, probed_at, ok, conclusive, inconclusive_reason FROM availability_probes WHERE day=2 AND slot=$k")"
    fi
    local bad
    bad=$(q "SELECT site_code, day, slot, attempt, probed_at, ok, coalesce(conclusive, 'NULL'),
                    coalesce(inconclusive_reason, 'NULL') FROM availability_probes
             WHERE probed_at >= '$lo' AND probed_at < '$hi' AND (ok != 0 OR conclusive IS NOT 0
                   OR inconclusive_reason IS NOT '$reason')")
    [ -z "$bad" ] || fail "$name: probes of the outage hour not failed-and-excluded ($reason):
$bad"
    bad=$(q "SELECT DISTINCT p.day, p.slot, p.attempt, coalesce(m.state, 'not judged'), coalesce(m.reason, '')
             FROM availability_probes p LEFT JOIN monitor_slots m ON m.round_id=p.round_id AND m.day=p.day
             AND m.slot=p.slot AND m.attempt=p.attempt WHERE p.probed_at >= '$lo' AND p.probed_at < '$hi'
             AND (m.state IS NOT 'inconclusive' OR m.reason IS NOT '$reason')")
    [ -z "$bad" ] || fail "$name: groups with probes in the outage hour not inconclusive ($reason): $bad"
    # each of them made up: its slot has a conclusive attempt the same day
    bad=$(q "SELECT DISTINCT p.day, p.slot FROM availability_probes p WHERE p.probed_at >= '$lo'
             AND p.probed_at < '$hi' AND NOT EXISTS (SELECT 1 FROM monitor_slots m WHERE
             m.round_id=p.round_id AND m.day=p.day AND m.slot=p.slot AND m.state='conclusive')")
    [ -z "$bad" ] || fail "$name: slots hit by the outage never made up: $bad"
    local groups
    groups=$(q "SELECT group_concat(day || '/' || slot || '/' || attempt, ' ') FROM monitor_slots
                WHERE state='inconclusive' AND reason='$reason'")
    if [ "$refs" = yes ]; then
        local refs_failed
        refs_failed=$(q "SELECT count(*) FROM monitor_reference_probes WHERE probed_at >= '$lo'
                         AND probed_at < '$hi' AND ok=0")
        [ "$refs_failed" -ge 1 ] || fail "$name: no failed reference probe stored in the outage hour"
        [ -z "$(q "SELECT 1 FROM monitor_reference_probes WHERE ok=0 AND (probed_at < '$lo' OR probed_at >= '$hi')")" ] ||
            fail "$name: a reference probe failed outside the outage hour"
    else
        [ "$(q "SELECT count(*) FROM monitor_reference_probes")" -eq 0 ] ||
            fail "$name: reference probes stored without reference targets"
    fi
    # outside the hour every probe worked (the farm was there): the outage is the only failure
    bad=$(q "SELECT site_code, probed_at, error FROM availability_probes WHERE ok=0 AND
             (probed_at < '$lo' OR probed_at >= '$hi')")
    [ -z "$bad" ] || fail "$name: probes failed outside the outage hour: $bad"
    [ -z "$(q "SELECT 1 FROM monitor_slots WHERE state != 'conclusive' AND reason != '$reason'")" ] ||
        fail "$name: other groups not conclusive: $(q "SELECT * FROM monitor_slots WHERE state != 'conclusive'")"

    # nobody vetoed for it, no failure counted, >= 20 conclusive probes on day 2 and every day
    local per_day
    per_day=$(q "SELECT site_code || ':' || count(*) FROM availability_probes WHERE day=2 AND conclusive=1
                 GROUP BY site_code")
    [ "$(wc -l <<< "$per_day")" -eq "$(wc -l < $name-sampled.txt)" ] &&
        [ -z "$(tr ':' ' ' <<< "$per_day" | awk '$2 < 20')" ] ||
        fail "$name: conclusive probes on day 2: $(tr '\n' ' ' <<< "$per_day")"
    "$SPOTCHECK_BIN" --db $db report 2026Q4 1 --format json > $name-report.json
    jq -e --argjson n "$(wc -l < $name-sampled.txt)" '.finalised and (.sites | length) == $n and
        all(.sites[]; .availability.veto == false and .availability.failures == 0 and
            .availability.days == 7 and .availability.min_probes_per_day >= 20 and
            all(.defects[]; .kind != "unreachable"))' $name-report.json > /dev/null ||
        fail "$name: a site vetoed, with a counted failure or under 20 probes a day:
$(jq -c '.sites[] | {code, verdict, availability}' $name-report.json)"
    echo "$name: $hour probes in the outage $from - $to, all excluded; groups inconclusive" \
         "($reason, day/slot/attempt): $groups; day 2: $(tr '\n' ' ' <<< "$per_day")"
}

variant reference yes reference
variant mass no mass_failure
echo "daemon_outage: ok"
