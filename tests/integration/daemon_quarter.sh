#!/bin/bash
# daemon_quarter: `spotcheck daemon` runs round 1 of a quarter against the farm in simulated
# time (--now 2026-10-01 --until 2026-11-12): it draws round 1 (at least 15% of the normally
# running sites), crawls and stores every sampled site, finalises the round when its window
# closes; planted broken links of the sampled sites are among the stored defects; `status
# --format json` agrees. Run again, it repeats nothing. A second daemon on the database is
# refused (exit 2, naming the first's pid). SIGHUP with a broken file keeps the configuration.
# SIGTERM during a crawl exits 0 within 5 s, and a restart finishes the work without crawling a
# stored site twice; that database gets its registry from [daemon] registry, imported once.
set -euo pipefail
source "$(dirname "$0")/lib/skip.sh"
require_tools jq sqlite3
: "${SPOTCHECK_BIN:?}" "${SPOTCHECK_BUILD:?}" "${SPOTCHECK_SRC:?}"
[ -f "$SPOTCHECK_SRC/tests/farm/CMakeLists.txt" ] || skip "this tree has no farm (tests/farm)"
# shellcheck source=lib/farm.sh
. "$SPOTCHECK_SRC/tests/integration/lib/farm.sh"
tmp=$(mktemp -d)
bg_pid=
sink_pid=
cleanup() {
    [ -z "$bg_pid" ] || kill -TERM "$bg_pid" 2>/dev/null || true
    [ -z "$sink_pid" ] || kill "$sink_pid" 2>/dev/null || true
    farm_stop >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; for f in "$tmp"/*.log; do [ -f "$f" ] && { echo "--- $f"; tail -20 "$f"; }; done >&2; exit 1; }
cd "$tmp"

farm_generate farm 11 20 > /dev/null
farm_start farm
# the failing sites' reports go by mail to a real SMTP sink on loopback (python3-aiosmtpd,
# installed by scripts/setup.sh; without it this part is left out and said so)
PY=
for p in python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import aiosmtpd' 2>/dev/null; then PY=$p; break; fi
done
mailconf=
if [ -n "$PY" ]; then
    mkdir -p sink
    # the sink refuses the first message (451): the daemon retries it itself 10 minutes on
    "$PY" "$SPOTCHECK_SRC/tests/integration/lib/smtp_sink.py" sink --refuse 451 --refuse-count 1 \
        2> sink.log &
    sink_pid=$!
    for _ in $(seq 100); do [ -s sink/port ] && break; sleep 0.1; done
    [ -s sink/port ] || fail "the SMTP sink did not start"
    mailconf="[mail]\nsmtp_url = smtp://127.0.0.1:$(cat sink/port)\nfrom = audit@office.example.test\nstarttls = no\n"
else
    echo "NOTE: python3-aiosmtpd missing: the daemon's mail is not checked here"
fi
printf "$mailconf"'[publish]\nout_dir = site\n[sampling]\nseed = 5eed0f5eed0f5eed\n[daemon]\ncrawl_concurrency = 2\n' > spotcheck.conf
sc() { "$SPOTCHECK_BIN" --config spotcheck.conf "$@"; }
net=(--no-dns "${FARM_CONNECT_ARGS[@]}" --timeout 3 --retries 1 --per-host 4)
q() { sqlite3 -batch -noheader "$1" "$2"; }
# SIGTERM to the daemon in the background; rc gets its exit status
stop_bg() { kill -TERM "$bg_pid"; set +e; wait "$bg_pid"; rc=$?; set -e; bg_pid=; }

sc --db q.db import farm/registry.csv > /dev/null
sc --db q.db --now 2026-10-01 daemon --until 2026-11-12 "${net[@]}" --delay 0 2> run1.log ||
    fail "daemon exited $?"

# round 1: drawn, every sampled site crawled and stored, finalised
sc --db q.db --now 2026-11-12T12:00 status --format json > status.json
running=$(jq '[.sites[] | select(.status == "正常运行")] | length' farm/truth.json)
jq -e --argjson n "$running" '.rounds[] | select(.quarter == "2026Q4" and .round == 1) |
    .state == "published" and .sampled >= (($n * 15 + 99) / 100 | floor) and .crawled == .sampled' \
    status.json > /dev/null || { cat status.json; fail "round 1 is not drawn, crawled and finalised"; }
# (with the SMTP sink, its deliberate 451 to the first message is the one error noted)
jq -e --arg mail "${PY:+mail}" '.daemon.running == false and
    (.last_error == null or ($mail != "" and (.last_error | test("`spotcheck mail` exited 3"))))' \
    status.json > /dev/null ||
    { cat status.json; fail "status: daemon or last_error"; }
sampled=$(jq '.rounds[] | select(.round == 1) | .sampled' status.json)
stored=$(q q.db "SELECT count(*) FROM crawls c JOIN rounds r ON r.id=c.round_id WHERE r.number=1")
[ "$stored" -eq "$sampled" ] || fail "round 1: $stored crawls stored for $sampled sampled sites"

# planted broken links of the sampled sites are among the stored defects
q q.db "SELECT s.site_code FROM samples s JOIN draws d ON d.id=s.draw_id AND d.active=1
        JOIN rounds r ON r.id=d.round_id WHERE r.quarter='2026Q4' AND r.number=1" | sort > sampled.txt
jq -r --rawfile codes sampled.txt '.sites[] | select(.code as $c | $codes | split("\n") | index($c)) |
    (.broken_links // [])[] | select(.expected_result == "broken") | .url' farm/truth.json | sort -u > planted.txt
q q.db "SELECT d.url FROM defects d JOIN crawls c ON c.id=d.crawl_id JOIN rounds r ON r.id=c.round_id
        WHERE r.number=1 AND d.kind='broken_link'" | sort -u > defects.txt
[ -s planted.txt ] || fail "no sampled site has a planted broken link (farm or seed changed?)"
missing=$(comm -23 planted.txt defects.txt)
[ -z "$missing" ] || fail "planted broken links missing from the stored defects: $missing"
# the round's results as `report --format json` gives them: every sampled site judged, the
# planted broken links among its defects
sc --db q.db report 2026Q4 1 --format json > report.json
jq -e --argjson n "$sampled" '.finalised and (.sites | length) == $n and .draw.sample_size == $n and
    all(.sites[]; (.verdict == "pass" or .verdict == "fail") and .crawled_at != null and .score != null)' \
    report.json > /dev/null || fail "report: not every sampled site is judged"
jq -r '.sites[].defects[] | select(.kind == "broken_link") | .url' report.json | sort -u > report-defects.txt
[ -z "$(comm -23 planted.txt report-defects.txt)" ] || fail "report: planted broken links missing"
echo "round 1: $sampled of $running running sites sampled and crawled, $(wc -l < planted.txt) planted broken links among the defects"

# once final, the daemon rebuilt the round's reports ([daemon] state_dir, here .) and
# published the site ([publish] out_dir), which marked the round published
for f in reports/2026Q4-1/bulletin.html reports/2026Q4-1/round.json site/index.html \
         site/2026Q4-1/index.html site/data/2026Q4-1.csv; do
    [ -s "$f" ] || fail "the daemon did not write $f"
done
cmp -s reports/2026Q4-1/round.json report.json || fail "reports/2026Q4-1/round.json differs from report --format json"
grep -q "published it" run1.log || fail "no publication logged"
if [ -n "$PY" ]; then
    # one message per failing site with an address, none for the others
    want=$(jq '[.sites[] | select(.verdict == "fail")] | length' report.json)
    # the first was refused (451) and waits for its retry 10 minutes after the finalisation,
    # past --until; a daemon run over that moment retries it by itself
    [ "$(q q.db "SELECT state||attempts||' '||next_attempt_at FROM deliveries WHERE state != 'sent'")" = \
      "failed1 2026-11-12T00:10:00+08:00" ] || { q q.db "SELECT * FROM deliveries"; fail "the refusal is not waiting for its retry"; }
    got=$(ls sink/*.eml 2>/dev/null | wc -l)
    [ "$got" -eq $((want - 1)) ] || fail "before the retry the sink got $got messages for $want failing sites"
    sc --db q.db --now 2026-11-12 daemon --until 2026-11-12T00:30 "${net[@]}" --delay 0 2> run-retry.log ||
        fail "the daemon over the retry exited $?"
    grep -q "retrying the failed mail deliveries of 2026Q4 1" run-retry.log ||
        { cat run-retry.log; fail "the daemon did not retry the refused delivery"; }
    got=$(ls sink/*.eml 2>/dev/null | wc -l)
    [ "$got" -eq "$want" ] || fail "the sink got $got messages for $want failing sites"
    [ "$(q q.db "SELECT count(*) FROM deliveries WHERE state='sent'")" -eq "$want" ] ||
        fail "deliveries: not $want sent"
    [ "$(q q.db "SELECT count(*) FROM deliveries WHERE attempts=2 AND state='sent'")" = 1 ] ||
        { q q.db "SELECT * FROM deliveries"; fail "the refused delivery was not retried by the daemon"; }
    echo "mail: $got defect reports delivered to the sink, one per failing site"
fi
first=$(head -1 sampled.txt)
grep -q '<svg' "site/sites/$first.html" || fail "site/sites/$first.html has no availability chart"

# the same command again repeats nothing
snapshot() { q q.db "SELECT id, round_id, site_code FROM crawls ORDER BY id; SELECT id FROM draws ORDER BY id;
                     SELECT quarter, number, state FROM rounds ORDER BY quarter, number"; }
snapshot > before.txt
sc --db q.db --now 2026-10-01 daemon --until 2026-11-12 "${net[@]}" --delay 0 2> run2.log ||
    fail "second run exited $?"
snapshot > after.txt
diff before.txt after.txt || fail "the second run changed crawls, draws or rounds"
! grep -E ' (crawling|drew|finalised|is final:) ' run2.log || fail "the second run repeated work"
echo "second run: nothing repeated"

# a second daemon while one runs is refused, naming the first
"$SPOTCHECK_BIN" --config spotcheck.conf --db q.db --now 2026-11-20 daemon "${net[@]}" 2> idle.log &
bg_pid=$!
for _ in $(seq 1 100); do
    sc --db q.db status --format json 2>/dev/null | jq -e '.daemon.running' > /dev/null && break
    sleep 0.1
done
sc --db q.db status --format json | jq -e --argjson p "$bg_pid" '.daemon.running and .daemon.pid == $p
    and .daemon.version != null' > /dev/null || fail "status does not show the running daemon"
set +e
sc --db q.db --now 2026-11-20 daemon "${net[@]}" 2> second.log
rc=$?
set -e
[ $rc -eq 2 ] || fail "a second daemon exited $rc, not 2"
grep -q "pid $bg_pid" second.log || { cat second.log; fail "the refusal does not name pid $bg_pid"; }
stop_bg
[ $rc -eq 0 ] || fail "the idle daemon exited $rc on SIGTERM"
echo "second daemon refused: $(head -1 second.log)"

# SIGHUP with a broken file keeps the configuration in effect; with a good one, reloads
cp spotcheck.conf hup.conf
"$SPOTCHECK_BIN" --config hup.conf --db q.db --now 2026-11-20 daemon "${net[@]}" 2> hup.log &
bg_pid=$!
for _ in $(seq 1 100); do grep -q ' daemon started ' hup.log && break; sleep 0.05; done
printf '[daemon]\ncrawl_concurrency = lots\n' > hup.conf
kill -HUP "$bg_pid"
for _ in $(seq 1 100); do grep -q 'SIGHUP' hup.log && break; sleep 0.05; done
grep -q "SIGHUP: hup.conf:2: .*the configuration in effect is kept" hup.log ||
    { cat hup.log; fail "SIGHUP with a broken file: no FILE:LINE error"; }
kill -0 "$bg_pid" || fail "the daemon died on SIGHUP with a broken file"
cp spotcheck.conf hup.conf
kill -HUP "$bg_pid"
for _ in $(seq 1 100); do grep -q 'SIGHUP: reloaded' hup.log && break; sleep 0.05; done
grep -q 'SIGHUP: reloaded hup.conf' hup.log || { cat hup.log; fail "SIGHUP did not reload"; }
stop_bg
[ $rc -eq 0 ] || fail "the daemon exited $rc after SIGHUP and SIGTERM"
echo "SIGHUP: a broken file is refused with FILE:LINE and the old configuration kept; a good one reloads"

# SIGTERM during a crawl: exit 0 within 5 s; a restart finishes without crawling a stored site
# twice. This database is not imported by hand: [daemon] registry names the export.
printf 'registry = farm/registry.csv\n' >> spotcheck.conf  # under [daemon], the last section
"$SPOTCHECK_BIN" --config spotcheck.conf --db t.db --now 2026-10-01 daemon --until 2026-11-12 \
    "${net[@]}" --delay 50 2> term.log &
bg_pid=$!
# the crawls run one slot after another: stop during the second, once the first is stored
for _ in $(seq 1 1200); do [ "$(grep -c ' crawling ' term.log)" -ge 2 ] && break; sleep 0.05; done
[ "$(grep -c ' crawling ' term.log)" -ge 2 ] || fail "the second crawl did not start"
grep -q ' imported the registry farm/registry.csv as import #1' term.log ||
    fail "[daemon] registry was not imported"
sleep 0.3
start=$(date +%s.%N)
stop_bg
secs=$(awk -v a="$(date +%s.%N)" -v b="$start" 'BEGIN { printf "%.2f", a - b }')
[ $rc -eq 0 ] || fail "SIGTERM during a crawl: exit $rc"
awk -v s="$secs" 'BEGIN { exit !(s <= 5) }' || fail "SIGTERM took ${secs}s"
grep -q ' cancelled; it is redone on restart' term.log || fail "no crawl was in flight at SIGTERM"
q t.db "SELECT id, site_code FROM crawls ORDER BY id" > kept.txt
# meanwhile the round's results show the sites not crawled yet as pending
sc --db t.db report 2026Q4 1 --format json > pending.json
jq -e --argjson kept "$(wc -l < kept.txt)" '(.finalised | not) and
    ([.sites[] | select(.verdict == "pending" and .score == null and .crawled_at == null)] | length)
    == (.sites | length) - $kept' pending.json > /dev/null ||
    { cat pending.json; fail "report: sites not crawled yet are not pending"; }
sc --db t.db --now 2026-10-01 daemon --until 2026-11-12 "${net[@]}" --delay 0 2> restart.log ||
    fail "restart exited $?"
sc --db t.db --now 2026-11-12T12:00 status --format json > status2.json
jq -e '.rounds[] | select(.round == 1) | .state == "published" and .crawled == .sampled' \
    status2.json > /dev/null || { cat status2.json; fail "the restart did not finish round 1"; }
q t.db "SELECT id, site_code FROM crawls ORDER BY id" > final.txt
[ -s kept.txt ] || fail "the first crawl was not stored before SIGTERM"
[ -z "$(comm -23 <(sort kept.txt) <(sort final.txt))" ] || fail "a crawl stored before SIGTERM was redone"
while read -r _ code; do
    ! grep -q " crawling $code " restart.log || fail "the restart crawled $code again"
done < <(tr '|' ' ' < kept.txt)
! grep -q 'imported the registry' restart.log || fail "the restart imported the same registry again"
dups=$(q t.db "SELECT count(*) FROM (SELECT 1 FROM crawls GROUP BY round_id, site_code HAVING count(*) > 1)")
[ "$dups" -eq 0 ] || fail "duplicated crawls"
echo "SIGTERM during a crawl: exit 0 in ${secs}s, $(wc -l < kept.txt) crawls kept, restart finished round 1"
echo "daemon_quarter: ok"
