#!/bin/bash
# daemon_rectify: rectification and its re-check (整改 复查) by `spotcheck daemon` in simulated
# time against the farm (seed 11, 20 sites). Round 1 of 2026Q4 is finalised on 2026-11-12; the
# test reads its failing sites and their failed items from `report --format json` (today three:
# 4313820012 www.lianyuan.gov.cn, with the availability veto, an unanswered message (veto), two
# incomplete service guides, two news columns stale, no search box; 4304000073
# www.hengyang.gov.cn, homepage stale and an unanswered message (vetoes), a stale column, 13
# incomplete guides, no site code, no search, a broken link; 4308000085 fgw.zjj.gov.cn, no
# 办事服务 (veto), homepage stale, a blank and two stale columns, no search, a broken link). All
# are "due" with the deadline 2026-11-27. The site to fix is the first failing one whose every
# failed item the test knows how to fix in the farm's served files (lib/farm_fix.pl: a search
# box, the guides completed, the message answered, a new item in each stale column; the
# availability veto needs no edit); between the finalisation and the deadline its files are
# edited (the farm serves from the directory). The other failing sites are left as they are;
# "kept" is the first of them in crawl order (re-checked first, in the first pair of jobs).
#   - before the deadline's next day nothing is re-checked (state still "due"; status counts
#     every failing site waiting);
#   - a daemon killed (SIGKILL) in the middle of the re-check crawls stores nothing half: no
#     re-check row or item of a site whose crawl was cut; the restart does it;
#   - then `report --format json`: the fixed site "rectified" on 2026-11-28 with every failed
#     item (each kind edited among them) fixed, kept "not_rectified" with its items still there
#     (a veto among them) and the re-check's finding, both with the original check's and the
#     re-check's moments; every other untouched site "not_rectified"; the site report JSON
#     agrees;
#   - the daemon rebuilt the round's reports ([daemon] state_dir) and republished: the public
#     site page and round page show the outcomes (已整改 / 未整改 with the re-check's day) and
#     the table of both checks;
#   - the next round's bulletin (2026Q4 2, 整改要求) lists the previous failures with their
#     outcome; status counts them all done.
set -euo pipefail
source "$(dirname "$0")/lib/skip.sh"
require_tools jq sqlite3 perl
: "${SPOTCHECK_BIN:?}" "${SPOTCHECK_BUILD:?}" "${SPOTCHECK_SRC:?}"
[ -f "$SPOTCHECK_SRC/tests/farm/CMakeLists.txt" ] || skip "this tree has no farm (tests/farm)"
# shellcheck source=lib/farm.sh
. "$SPOTCHECK_SRC/tests/integration/lib/farm.sh"
tmp=$(mktemp -d)
bg_pid=
cleanup() {
    [ -z "$bg_pid" ] || kill -9 "$bg_pid" 2>/dev/null || true
    farm_stop >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; for f in "$tmp"/*.log; do [ -f "$f" ] && { echo "--- $f"; tail -20 "$f"; }; done >&2; exit 1; }
cd "$tmp"

farm_generate farm 11 20 > /dev/null
farm_start farm
printf '[publish]\nout_dir = site\n[sampling]\nseed = 5eed0f5eed0f5eed\n[daemon]\ncrawl_concurrency = 2\n' > spotcheck.conf
sc() { "$SPOTCHECK_BIN" --config spotcheck.conf --db q.db "$@"; }
net=(--no-dns "${FARM_CONNECT_ARGS[@]}" --timeout 3 --retries 1 --per-host 4)
q() { sqlite3 -batch -noheader q.db "$1"; }

sc import farm/registry.csv > /dev/null
sc --now 2026-10-01 daemon --until 2026-11-12 "${net[@]}" --delay 0 2> run1.log || fail "daemon exited $?"
sc report 2026Q4 1 --format json > r1.json

# the failing sites, in crawl order (the order of their re-checks)
mapfile -t failing < <(q "SELECT c.site_code FROM crawls c JOIN rounds r ON r.id=c.round_id
    WHERE r.number=1 AND r.quarter='2026Q4' GROUP BY c.site_code ORDER BY min(c.id)" |
    while read -r c; do jq -r --arg c "$c" '.sites[] | select(.code == $c and .verdict == "fail") | .code' r1.json; done)
nfail=${#failing[@]}
[ "$nfail" = "$(jq '[.sites[] | select(.verdict == "fail")] | length' r1.json)" ] ||
    fail "the failing sites of round.json are not the round's crawled sites"
[ "$nfail" -ge 2 ] || { jq -c '[.sites[] | {code, verdict}]' r1.json; fail "fewer than two failing sites in 2026Q4 1 (farm or seed changed?)"; }
for c in "${failing[@]}"; do
    jq -e --arg c "$c" '.sites[] | select(.code == $c) | .rectification.deadline == "2026-11-27" and
        .rectification.state == "due" and .rectification.rechecked_at == null' r1.json > /dev/null ||
        fail "$c is not a failing site due for rectification by 2026-11-27"
done

# the site to fix: the first whose failed items (veto or deduct) lib/farm_fix.pl can all fix
fixable='["no_search", "incomplete_guide", "unanswered_message", "stale_column", "unreachable"]'
failed_items() { jq -c --arg c "$1" '.sites[] | select(.code == $c) | [.defects[] | select(.severity != "info")]' r1.json; }
fixed="" kept=""
for c in "${failing[@]}"; do
    if [ -z "$fixed" ] && failed_items "$c" | jq -e --argjson k "$fixable" \
        'length > 0 and all(.[]; .kind as $x | $k | index($x) != null) and
         all(.[]; .kind != "unreachable" or (.detail | test("probes failed")))' > /dev/null; then
        fixed=$c
    elif [ -z "$kept" ]; then
        kept=$c
    fi
done
[ -n "$fixed" ] || { jq -c '.sites[] | {code, kinds: [.defects[].kind]}' r1.json; fail "no failing site with only items the test can fix ($fixable)"; }
[ -n "$kept" ] || fail "no failing site to leave alone"
untouched=()
for c in "${failing[@]}"; do [ "$c" = "$fixed" ] || untouched+=("$c"); done
fixed_host=$(jq -r --arg c "$fixed" '.sites[] | select(.code == $c) | .host' farm/truth.json)
charset=$(jq -r --arg c "$fixed" '.sites[] | select(.code == $c) | .charset' farm/truth.json)
fixed_url=$(jq -r --arg c "$fixed" '.sites[] | select(.code == $c) | .url' r1.json)
nitems=$(failed_items "$fixed" | jq length)
fixed_kinds=$(failed_items "$fixed" | jq -c '[.[].kind] | unique')
echo "fixing $fixed ($fixed_host, $nitems failed items: $fixed_kinds); leaving ${untouched[*]}"

# the office of one site fixes what failed; the others do nothing
if failed_items "$fixed" | jq -e 'any(.[]; .kind == "no_search")' > /dev/null; then
    grep -q 'search' "farm/sites/$fixed_host/index.html" && fail "the farm's $fixed_host has a search box already"
fi
while IFS=$'\t' read -r kind url detail; do
    perl "$SPOTCHECK_SRC/tests/integration/lib/farm_fix.pl" farm "$charset" "$kind" "$url" "$detail" ||
        fail "could not fix $fixed's $kind at $url ($detail) in the farm"
done < <(failed_items "$fixed" | jq -r --arg u "$fixed_url" '.[] | [.kind, (.url // $u), .detail] | @tsv')

# up to the deadline's last minute: nothing re-checked
sc --now 2026-11-12 daemon --until 2026-11-27T23:50 "${net[@]}" --delay 0 2> run2.log || fail "daemon exited $?"
[ "$(q "SELECT count(*) FROM rectifications")" = 0 ] || fail "a re-check before the deadline passed"
sc --now 2026-11-27T23:50 status --format json > s2.json
jq -e '.rounds[] | select(.round == 1 and .quarter == "2026Q4") | .rectification_rechecks ==
    {"done": 0, "waiting": $n, "due": 0}' --argjson n "$nfail" s2.json > /dev/null || { cat s2.json; fail "status before the deadline"; }
sc --now 2026-11-27T23:50 status | grep -q "rectification re-checks 0 done, $nfail waiting (0 due)" ||
    fail "status text before the deadline"

# a kill in the middle of the re-check crawls (slowed by the politeness delay): nothing half
"$SPOTCHECK_BIN" --config spotcheck.conf --db q.db --now 2026-11-27T23:50 daemon \
    --until 2026-11-28T01:00 "${net[@]}" --delay 200 2> run3.log &
bg_pid=$!
for _ in $(seq 200); do grep -q "re-checking $kept" run3.log && break; sleep 0.1; done
grep -q "re-checking $kept" run3.log || fail "the re-check of $kept never started"
sleep 1
kill -9 "$bg_pid"; wait "$bg_pid" 2>/dev/null || true; bg_pid=
grep -q "re-checked $kept" run3.log && fail "the re-check finished before the kill (make it slower)"
kept_crawl=$(q "SELECT c.id FROM crawls c JOIN rounds r ON r.id=c.round_id WHERE r.number=1 AND r.quarter='2026Q4' AND c.site_code='$kept'")
[ "$(q "SELECT count(*) FROM rectifications WHERE crawl_id=$kept_crawl")" = 0 ] &&
    [ "$(q "SELECT count(*) FROM rectification_items WHERE crawl_id=$kept_crawl")" = 0 ] ||
    fail "a killed re-check left something stored"
[ "$(q "SELECT count(*) FROM rectification_items i LEFT JOIN rectifications x ON x.crawl_id=i.crawl_id WHERE x.crawl_id IS NULL")" = 0 ] ||
    fail "re-check items without their re-check"
echo "killed mid-re-check: $(q "SELECT count(*) FROM rectifications") of $nfail stored"

# the restart does the rest
sc --now 2026-11-28T00:00 daemon --until 2026-11-28T01:00 "${net[@]}" --delay 0 2> run4.log || fail "restart exited $?"
grep -q "re-checked $kept (2026Q4 1) after its deadline: not rectified" run4.log ||
    fail "the restart did not re-check $kept"
[ "$(q "SELECT count(*) FROM rectifications")" = "$nfail" ] || fail "not $nfail re-checks stored"
[ "$(q "SELECT count(*) FROM rectifications WHERE published_at IS NULL")" = 0 ] ||
    fail "a re-check is not marked published"
grep -q "published the re-checks after rectification deadlines" run3.log run4.log ||
    fail "the daemon did not republish after the re-checks"

# report --format json: the states with both checks' evidence
sc report 2026Q4 1 --format json > r2.json || fail "report exited $?"
cmp -s reports/2026Q4-1/round.json r2.json ||
    fail "the daemon did not rebuild reports/2026Q4-1 after the re-checks"
jq -e --arg c "$fixed" '.sites[] | select(.code == $c) | .rectification |
    .state == "rectified" and .rectified_on == "2026-11-28" and (.rechecked_at | startswith("2026-11-28T00:0")) and
    .recheck.reachable and (.items | length) == $n and all(.items[]; .state == "fixed" and
    .original.checked_at != null and .original.detail != null and .recheck.checked_at == $r.rechecked_at and .recheck.finding == null)' \
    --argjson n "$nitems" --argjson r "$(jq --arg c "$fixed" '.sites[] | select(.code == $c) | .rectification' r2.json)" r2.json > /dev/null ||
    { jq --arg c "$fixed" '.sites[] | select(.code == $c) | .rectification' r2.json; fail "$fixed is not rectified with its evidence"; }
jq -e --arg c "$fixed" --argjson k "$fixed_kinds" '.sites[] | select(.code == $c) | .rectification.items |
    (map(.kind) | unique) == $k' r2.json > /dev/null ||
    fail "the items of $fixed are not the kinds fixed ($fixed_kinds)"
jq -e --arg c "$kept" '.sites[] | select(.code == $c) | .rectification |
    .state == "not_rectified" and .rectified_on == null and
    (.items | length) == $n and ([.items[] | select(.state == "still_there")] | length) >= 3 and
    all(.items[] | select(.state == "still_there"); .recheck.finding != null and .original.detail != null and
        .original.checked_at != null and .recheck.checked_at != null) and
    any(.items[]; .severity == "veto" and .state == "still_there")' \
    --argjson n "$(failed_items "$kept" | jq length)" r2.json > /dev/null ||
    { jq --arg c "$kept" '.sites[] | select(.code == $c) | .rectification' r2.json; fail "$kept is not 'not rectified' with its evidence"; }
for c in "${untouched[@]}"; do
    jq -e --arg c "$c" '.sites[] | select(.code == $c) | .rectification.state == "not_rectified"' r2.json > /dev/null ||
        { jq --arg c "$c" '.sites[] | select(.code == $c) | .rectification' r2.json; fail "$c, left as it was, is not 'not rectified'"; }
done
sc report 2026Q4 1 --out rep1 > /dev/null || fail "report --out exited $?"
jq -e '.rectification.state == "rectified"' "rep1/$fixed.json" > /dev/null || fail "the site report JSON of $fixed"
jq -e '.rectification.state == "not_rectified"' "rep1/$kept.json" > /dev/null || fail "the site report JSON of $kept"
grep -q "已整改（2026-11-28 复查）" "rep1/$fixed.html" || fail "the site report HTML of $fixed"
grep -q "仍存在：" "rep1/$kept.html" || fail "the site report HTML of $kept shows no item still there"

# the public site, republished by the daemon
grep -q "已整改（2026-11-28 复查）" "site/sites/$fixed.html" || fail "site/sites/$fixed.html does not show the rectification"
grep -q "整改与复查" "site/sites/$fixed.html" || fail "site/sites/$fixed.html has no section of both checks"
grep -q "未整改（2026-11-28 复查）" "site/sites/$kept.html" || fail "site/sites/$kept.html does not show 'not rectified'"
grep -q "仍存在：" "site/sites/$kept.html" || fail "site/sites/$kept.html shows no re-check finding"
grep -q "已整改（2026-11-28 复查）" site/2026Q4-1/index.html && grep -q "未整改（2026-11-28 复查）" site/2026Q4-1/index.html ||
    fail "the round page does not show both outcomes"

# the open data: the state and the re-check's day at the end of each failing site's row
python3 - "$fixed" "$kept" site/data/2026Q4-1.csv <<'PY' || fail "the open data CSV does not show the re-checks"
import csv, sys
fixed, kept, path = sys.argv[1:]
for r in csv.DictReader(open(path, encoding="utf-8-sig")):
    got = (r["rectification_state"], r["rectified_on"], r["rechecked_on"])
    if r["site_code"] == fixed:
        assert got == ("rectified", "2026-11-28", "2026-11-28"), (fixed, got)
    elif r["rectification_deadline"]:
        assert got == ("not_rectified", "", "2026-11-28"), (r["site_code"], got)
    else:
        assert got == ("", "", ""), (r["site_code"], got)
PY
# report's text: the outcome in the rectification column
sc report 2026Q4 1 > r2.txt || fail "report (text) exited $?"
grep "  $fixed  " r2.txt | grep -q "  rectified on 2026-11-28  " || { cat r2.txt; fail "report's text: $fixed not rectified"; }
grep "  $kept  " r2.txt | grep -q "  not rectified (2026-11-28)  " || { cat r2.txt; fail "report's text: $kept not 'not rectified'"; }

# the next round's bulletin: 整改要求 with the previous round's outcomes
sc report 2026Q4 2 --out rep2 > /dev/null || fail "report 2026Q4 2 exited $?"
grep -q "已整改（2026-11-28 复查）（rectified）" rep2/bulletin.html &&
    grep -q "未整改（2026-11-28 复查）（not_rectified）" rep2/bulletin.html ||
    fail "the next bulletin does not list the previous failures' outcomes"
jq -e --argjson want "$(jq -n --arg f "$fixed" '[$ARGS.positional[] | {(.): (if . == $f then "rectified" else "not_rectified" end)}] | add' --args "${failing[@]}")" \
    '[.rectification.previous_failures[] | {(.code): .rectification.state}] | add == $want' rep2/bulletin.json > /dev/null ||
    { jq '.rectification' rep2/bulletin.json; fail "bulletin.json: previous failures' outcomes"; }

sc --now 2026-11-28T02:00 status --format json > s4.json
jq -e '.rounds[] | select(.round == 1 and .quarter == "2026Q4") | .rectification_rechecks ==
    {"done": $n, "waiting": 0, "due": 0}' --argjson n "$nfail" s4.json > /dev/null || { cat s4.json; fail "status after the re-checks"; }
echo "daemon_rectify: ok"
