#!/bin/bash
# daemon_monitor: a full quarter through `spotcheck daemon` in simulated time (--now 2026-10-01
# --until 2027-01-01: both draws of 2026Q4, their crawls, two weeks of availability monitoring,
# the re-checks and both finalisations) against farm 11 of 20 sites, with the office's seed
# 3ba366f2 chosen so that the flaky 10% site, the flaky 2% site, the down site and the site with
# a planted http_500 link are all sampled (asserted first: a change in the sampler or the farm
# fails loudly here rather than silently testing nothing). It checks:
#   - both draws meet the 15% rule and repeat at most 10% (from the stored samples);
#   - every sampled site is crawled and has a final verdict: `report Q R --format json` says
#     finalised, verdict pass or fail, an availability object; crawls.final_verdict is stored;
#   - every sampled site has >= 20 conclusive probes on each of the 7 days (from the database,
#     and min_probes_per_day >= 20, days 7 in the report);
#   - the probes are planned at the times docs/availability.md's recipe gives from the round's
#     monitoring secret (rounds.monitor_seed), the day in the hash: not the same times each day;
#   - the 10% site is vetoed (an `unreachable` defect, availability.veto true, verdict fail),
#     the 2% site is not vetoed for availability (yet some of its probes failed), the down site
#     is vetoed;
#   - planted broken links of the sampled sites are among the stored defects and the report's;
#   - `status --format json` as contract.md says (states finalised, probes_done == probes_due,
#     rechecks_pending 0, crawled == sampled, no last error);
#   - a persistent 5xx ends confirmed after its re-checks: the planted http_500 link has
#     links.recheck_state 'confirmed', two rows in link_rechecks, and is a confirmed
#     broken_link defect of the final verdict; and so does every planted link that fails
#     every time (reset, too large, refused: suspected at the crawl), none is cleared.
# Every check runs and the failures are listed together at the end (one run costs seconds, and
# the list tells a developer everything that is wrong at once).
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
fail() { echo "FAIL: $*" >&2; for f in "$tmp"/*.log; do [ -f "$f" ] && { echo "--- $f"; grep -v ' debug ' "$f" | tail -25; }; done >&2; exit 1; }
problems=()
problem() { echo "problem: $*" >&2; problems+=("$*"); }
cd "$tmp"

farm_generate farm 11 20 > /dev/null
farm_start farm
printf '[sampling]\nseed = 3ba366f2\n[daemon]\ncrawl_concurrency = 2\n' > spotcheck.conf
sc() { "$SPOTCHECK_BIN" --config spotcheck.conf "$@"; }
net=(--no-dns "${FARM_CONNECT_ARGS[@]}" --timeout 3 --retries 1 --per-host 4 --delay 0)
q() { sqlite3 -batch -noheader q.db "$1"; }

sc --db q.db import farm/registry.csv > /dev/null
start=$(date +%s)
sc --db q.db --now 2026-10-01 daemon --until 2027-01-01 "${net[@]}" 2> run.log ||
    fail "daemon exited $?"
echo "the quarter ran in $(( $(date +%s) - start )) s"

# the sites this test is about, from the farm's truth
flaky10=$(jq -r '.sites[] | select(.flaky == 0.1) | .code' farm/truth.json)
flaky2=$(jq -r '.sites[] | select(.flaky == 0.02) | .code' farm/truth.json)
down=$(jq -r '.sites[] | select(.down) | .code' farm/truth.json)
[ -n "$flaky10" ] && [ -n "$flaky2" ] && [ -n "$down" ] || fail "farm 11/20 has no 10%, 2% or down site"
sampled_in() { # ROUND: the active draw's sample of 2026Q4 ROUND, one code a line, sorted
    q "SELECT s.site_code FROM samples s JOIN draws d ON d.id=s.draw_id AND d.active=1
       JOIN rounds r ON r.id=d.round_id WHERE r.quarter='2026Q4' AND r.number=$1 ORDER BY 1"
}
sampled_in 1 > s1.txt
sampled_in 2 > s2.txt
sort -u s1.txt s2.txt > sampled.txt
for c in "$flaky10" "$flaky2" "$down"; do
    grep -qx "$c" sampled.txt || fail "site $c (flaky 10%, 2% or down) is not sampled in 2026Q4:" \
        "the sampler or the farm changed; choose another [sampling] seed"
done
jq -r --rawfile codes sampled.txt '.sites[] | select(.code as $c | $codes | split("\n") | index($c)) |
    (.broken_links // [])[] | select(.reason == "http_500") | .url' farm/truth.json | sort -u > http500.txt
[ -s http500.txt ] || fail "no sampled site has a planted http_500 link (the sampler or the farm changed)"
echo "sampled: round 1 $(tr '\n' ' ' < s1.txt)| round 2 $(tr '\n' ' ' < s2.txt)(10%: $flaky10, 2%: $flaky2, down: $down)"

# both draws: at least 15% of the normally running sites, at most 10% repeats
running=$(jq '[.sites[] | select(.status == "正常运行")] | length' farm/truth.json)
need=$(( (running * 15 + 99) / 100 ))
for r in 1 2; do
    n=$(wc -l < "s$r.txt")
    [ "$n" -ge "$need" ] || problem "round $r: $n sampled of $running running sites, below 15% ($need)"
done
repeats=$(comm -12 s1.txt s2.txt | wc -l)
[ $(( repeats * 10 )) -le "$(wc -l < s2.txt)" ] || problem "round 2 repeats $repeats sites of round 1 (over 10%)"
[ "$(q "SELECT repeats FROM draws d JOIN rounds r ON r.id=d.round_id WHERE d.active=1 AND
        r.quarter='2026Q4' AND r.number=2")" -eq "$repeats" ] || problem "round 2's draw records a wrong repeat count"

# every sampled site crawled and judged, with a final verdict
for r in 1 2; do
    sc --db q.db report 2026Q4 $r --format json > "report$r.json" || problem "report 2026Q4 $r exited $?"
    jq -e --argjson n "$(wc -l < "s$r.txt")" '.finalised == true and (.sites | length) == $n and
        all(.sites[]; (.verdict == "pass" or .verdict == "fail") and .score != null and
            .crawled_at != null and (.availability | type) == "object")' "report$r.json" > /dev/null ||
        problem "report 2026Q4 $r: not finalised, or a site without a verdict, score or availability"
    jq -e 'all(.sites[]; .availability.days == 7 and .availability.min_probes_per_day >= 20 and
        .availability.conclusive >= 140)' "report$r.json" > /dev/null ||
        problem "report 2026Q4 $r: a site without 7 days of >= 20 conclusive probes:
$(jq -c '.sites[] | {code, availability}' "report$r.json")"
done
jq -s '[.[].sites[]]' report1.json report2.json > sites.json
unfinal=$(q "SELECT c.site_code FROM crawls c JOIN rounds r ON r.id=c.round_id WHERE r.quarter='2026Q4'
             AND (c.final_verdict NOT IN ('pass', 'fail') OR c.final_verdict IS NULL OR c.finalised_at IS NULL)")
[ -z "$unfinal" ] || problem "crawls without a stored final verdict: $unfinal"
crawled=$(q "SELECT count(DISTINCT c.site_code) FROM crawls c JOIN rounds r ON r.id=c.round_id
             WHERE r.quarter='2026Q4'")
[ "$crawled" -eq "$(cat s1.txt s2.txt | wc -l)" ] || problem "$crawled sites crawled in 2026Q4"

# >= 20 conclusive probes on each of the 7 days of each sampled site's week (from the database)
for r in 1 2; do
    while read -r code; do
        per_day=$(q "SELECT group_concat(n, ' ') FROM (SELECT count(*) AS n FROM availability_probes p
            JOIN rounds r ON r.id=p.round_id WHERE r.quarter='2026Q4' AND r.number=$r AND
            p.site_code='$code' AND p.conclusive=1 GROUP BY p.day ORDER BY p.day)")
        days=$(wc -w <<< "$per_day")
        low=$(tr ' ' '\n' <<< "$per_day" | awk '$1 < 20' | wc -l)
        [ "$days" -eq 7 ] && [ "$low" -eq 0 ] ||
            problem "round $r site $code: conclusive probes per day: $per_day"
    done < "s$r.txt"
done

# the schedule is the one docs/availability.md defines: a site's planned probe of slot k on day d
# of the week is at start + d*86400 + lo_k + (h mod (len_k - 1080 + 1)), h the first 15 hex digits
# of SHA-256(secret || code || "/avail/" || d || "/" || k), the secret the round's monitor_seed
# (checked for slots 0, 7, 13 and 19 of every day and site, 168 probes)
for r in 1 2; do
    secret=$(q "SELECT monitor_seed FROM rounds WHERE quarter='2026Q4' AND number=$r")
    week=$(( $(date -u -d "$(q "SELECT monitor_from FROM rounds WHERE quarter='2026Q4' AND number=$r")" +%s) - 8 * 3600 ))
    wrong=0 example=
    while IFS='|' read -r code d k planned; do
        h=$(printf '%s%s/avail/%d/%d' "$secret" "$code" "$d" "$k" | sha256sum | cut -c1-15)
        lo=$(( k * 86400 / 20 )) hi=$(( (k + 1) * 86400 / 20 ))
        want=$(date -u -d "@$(( week + d * 86400 + lo + 16#$h % (hi - lo - 1080 + 1) + 8 * 3600 ))" +%Y-%m-%dT%H:%M:%S+08:00)
        [ "$want" = "$planned" ] || { wrong=$((wrong + 1)); example="$code day $d slot $k: planned $planned, the recipe says $want"; }
    done < <(q "SELECT p.site_code, p.day, p.slot, p.planned_at FROM availability_probes p JOIN rounds r ON
                r.id=p.round_id WHERE r.quarter='2026Q4' AND r.number=$r AND p.attempt=0 AND p.slot IN (0, 7, 13, 19)")
    [ $wrong -eq 0 ] || problem "round $r: $wrong planned probes not at the times of docs/availability.md's schedule, e.g. $example"
done
same=$(q "SELECT count(*) FROM availability_probes a JOIN availability_probes b ON b.round_id=a.round_id AND
          b.site_code=a.site_code AND b.slot=a.slot AND b.attempt=0 AND b.day=a.day+1 WHERE a.attempt=0 AND
          substr(a.planned_at, 12) = substr(b.planned_at, 12)")
[ "$same" -lt 20 ] || problem "schedule: $same probes are at the same time of day as the site's probe of that slot the day before (predictable)"

# the availability veto: the 10% site and the down site vetoed, the 2% site not
site() { jq -c --arg c "$1" '.[] | select(.code == $c)' sites.json; }
site "$flaky10" | jq -e '.availability.veto == true and .verdict == "fail" and
    any(.defects[]; .kind == "unreachable" and .severity == "veto")' > /dev/null ||
    problem "the 10% site $flaky10 is not vetoed: $(site "$flaky10" | jq -c '{verdict, availability}')"
site "$down" | jq -e '.availability.veto == true and .verdict == "fail" and
    .availability.failures == .availability.conclusive and any(.defects[]; .kind == "unreachable")' > /dev/null ||
    problem "the down site $down is not vetoed: $(site "$down" | jq -c '{verdict, availability}')"
site "$flaky2" | jq -e '.availability.veto == false and .availability.failures > 0 and
    .availability.failure_rate < 0.05 and all(.defects[]; .kind != "unreachable")' > /dev/null ||
    problem "the 2% site $flaky2: vetoed, or none of its probes failed: $(site "$flaky2" | jq -c '{verdict, availability}')"
# the 10% site's failures counted: at least 5% of its conclusive probes, in the database too
f10=$(q "SELECT sum(ok=0) * 100 >= 5 * count(*) FROM availability_probes WHERE site_code='$flaky10' AND conclusive=1")
[ "$f10" = 1 ] || problem "the 10% site's conclusive probes: $(q "SELECT count(*), sum(ok=0) FROM
    availability_probes WHERE site_code='$flaky10' AND conclusive=1" | tr '|' ' ') (probes, failures);
    groups judged mass_failure: $(q "SELECT count(*) FROM monitor_slots WHERE reason='mass_failure'")"
# no healthy site (not flaky, not down) is vetoed for availability
healthy=$(jq -r '.sites[] | select(.flaky == 0 and (.down | not)) | .code' farm/truth.json)
bad=$(jq -r --arg h "$healthy" '.[] | select(.code as $c | $h | split("\n") | index($c)) |
    select(.availability.veto or .availability.failures > 0) | .code' sites.json)
[ -z "$bad" ] || problem "healthy sites with failed probes or an availability veto: $bad"

# planted broken links of the sampled sites are among the stored defects, and the report's
jq -r --rawfile codes sampled.txt '.sites[] | select(.code as $c | $codes | split("\n") | index($c)) |
    (.broken_links // [])[] | select(.expected_result == "broken") | .url' farm/truth.json | sort -u > planted.txt
q "SELECT d.url FROM defects d JOIN crawls c ON c.id=d.crawl_id JOIN rounds r ON r.id=c.round_id
   WHERE r.quarter='2026Q4' AND d.kind='broken_link'" | sort -u > defects.txt
jq -r '.[].defects[] | select(.kind == "broken_link") | .url' sites.json | sort -u > report-defects.txt
[ -s planted.txt ] || problem "no sampled site has a planted broken link"
missing=$(comm -23 planted.txt defects.txt)
[ -z "$missing" ] || problem "planted broken links missing from the stored defects: $missing"
missing=$(comm -23 planted.txt report-defects.txt)
[ -z "$missing" ] || problem "planted broken links missing from the final verdicts: $missing"

# status --format json as contract.md says
sc --db q.db --now 2027-01-01T12:00 status --format json > status.json
jq -e '(.now | type) == "string" and (.daemon | has("running") and has("pid") and has("since") and
    has("version")) and .daemon.running == false and (.next | has("action") and has("at")) and
    has("last_error") and .last_error == null' status.json > /dev/null ||
    problem "status: the daemon, next or last_error part is not as contract.md says: $(jq -c 'del(.rounds)' status.json)"
for r in 1 2; do
    jq -e --argjson r $r --argjson n "$(wc -l < "s$r.txt")" '[.rounds[] | select(.quarter == "2026Q4" and
        .round == $r)] | length == 1 and (.[0] | .state == "finalised" and .sampled == $n and
        .crawled == $n and (.probes_done | type) == "number" and .probes_due == $n * 7 * 20 and
        .probes_done == .probes_due and .rechecks_pending == 0 and
        (.window.from | type) == "string" and (.window.to | type) == "string")' status.json > /dev/null ||
        problem "status: round $r: $(jq -c --argjson r $r '.rounds[] | select(.quarter == "2026Q4" and .round == $r)' status.json)"
done
done_db=$(q "SELECT count(*) FROM availability_probes p JOIN rounds r ON r.id=p.round_id
             WHERE r.quarter='2026Q4' AND p.conclusive=1")
[ "$done_db" -eq "$(jq '[.rounds[] | select(.quarter == "2026Q4") | .probes_done] | add' status.json)" ] ||
    problem "status: probes_done is not the count of conclusive probes stored ($done_db)"

# a persistent 5xx ends confirmed after its re-checks (re-checks of suspected links, issue 10
# item 4): the planted http_500 link is confirmed, with both re-checks kept as evidence
while read -r url; do
    row=$(q "SELECT l.id, coalesce(l.recheck_state, 'NULL') FROM links l JOIN crawls c ON c.id=l.crawl_id
             JOIN rounds r ON r.id=c.round_id WHERE r.quarter='2026Q4' AND l.url='$url'")
    [ -n "$row" ] || { problem "the http_500 link $url is not stored"; continue; }
    id=${row%%|*} state=${row#*|}
    n=$(q "SELECT count(*) FROM link_rechecks WHERE link_id=$id")
    [ "$state" = confirmed ] && [ "$n" -eq 2 ] ||
        problem "re-checks: the persistent 5xx $url has recheck_state $state and $n rows in link_rechecks (want confirmed, 2)"
    jq -e --arg u "$url" 'any(.[].defects[]; .kind == "broken_link" and .url == $u and .confirmed == true)' \
        sites.json > /dev/null ||
        problem "re-checks: the persistent 5xx $url is not a confirmed broken_link of the final verdict"
done < http500.txt

# every planted link that fails every time (suspected at the crawl: 5xx, reset, too large,
# refused, timeout; docs/farm.md) ends confirmed after its two re-checks, none cleared
jq -r --rawfile codes sampled.txt '.sites[] | select(.code as $c | $codes | split("\n") | index($c)) |
    (.broken_links // [])[] | select(.expected_result == "suspected") | "\(.reason) \(.url)"' farm/truth.json |
    sort -u > suspected.txt
while read -r reason url; do
    row=$(q "SELECT coalesce(l.recheck_state, 'NULL'), (SELECT group_concat(k.result || ':' ||
             coalesce(k.error, k.status), ' ') FROM link_rechecks k WHERE k.link_id=l.id) FROM links l
             JOIN crawls c ON c.id=l.crawl_id JOIN rounds r ON r.id=c.round_id WHERE r.quarter='2026Q4'
             AND l.url='$url'")
    case "$row" in
    confirmed\|*) ;;
    *) problem "re-checks: the planted $reason link $url (it fails every time) ends '${row%%|*}'; its re-checks: ${row#*|}" ;;
    esac
done < suspected.txt

if [ ${#problems[@]} -gt 0 ]; then
    printf '  - %s\n' "${problems[@]}" >&2
    fail "${#problems[@]} problem(s), listed above"
fi
echo "daemon_monitor: ok"
