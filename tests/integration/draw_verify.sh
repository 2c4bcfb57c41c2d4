#!/bin/bash
# draw_verify: plan, draw and verify on the demo registry through the binary: a quarter's two
# rounds keep the 15% and 10% rules; a stored draw verifies, and stops verifying when one
# sample row or one frame row is altered with the sqlite3 shell; redraws, refusals and exit
# statuses (0 ok, 1 mismatch, 2 refused or bad usage).
set -euo pipefail
source "$(dirname "$0")/lib/skip.sh"
require_tools jq sqlite3
BIN=${SPOTCHECK_BIN:?}
SRC=${SPOTCHECK_SRC:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
sc() { "$BIN" --db "$tmp/x.db" "$@"; }
status_of() { local s=0; "$@" > "$tmp/out" 2> "$tmp/err" || s=$?; echo "$s"; }

sc import "$SRC/docs/demo/registry.csv" >/dev/null
N=$(sc sites --status normal --format json | jq '.sites | length')

# the plan before anything is drawn
sc --now 2026-11-22 plan 2026Q4 --format json > "$tmp/plan0.json"
[ "$(jq '.rounds | length' "$tmp/plan0.json")" = 2 ] || fail "two rounds by default"
[ "$(jq -r '.rounds[0].draw_date' "$tmp/plan0.json")" = 2026-10-01 ] || fail "round 1 date"
[ "$(jq -r '.rounds[1].draw_date' "$tmp/plan0.json")" = 2026-11-12 ] || fail "round 2 date"
[ "$(jq '.rounds[1].draw' "$tmp/plan0.json")" = null ] || fail "nothing drawn yet"
sc --now 2026-11-22 plan | grep -q "^2026Q4: 2 rounds" || fail "plan defaults to today's quarter"

# both rounds with seeds from the secure random source
sc --now 2026-10-01T09:00 draw 2026Q4 1 --format json > "$tmp/r1.json"
sc --now 2026-11-12T09:00 draw 2026Q4 2 --format json > "$tmp/r2.json"
for r in r1 r2; do
    jq -e --argjson N "$N" '.frame_size == $N and (.sample | length) == .sample_size
        and .sample_size * 100 >= 15 * $N and (.seed | test("^[0-9a-f]{64}$"))
        and (.frame_hash | test("^[0-9a-f]{64}$")) and .rate == 0.15 and .seed_source == "random"' \
        "$tmp/$r.json" >/dev/null || fail "$r breaks the 15% rule or the JSON contract"
done
[ "$(jq -r .seed "$tmp/r1.json")" != "$(jq -r .seed "$tmp/r2.json")" ] || fail "same random seed"
reps=$(jq -r '.sample[].code' "$tmp/r1.json" | grep -cxFf - <(jq -r '.sample[].code' "$tmp/r2.json") || true)
[ "$reps" = "$(jq .repeats "$tmp/r2.json")" ] || fail "repeats count"
[ $((reps * 10)) -le "$(jq .sample_size "$tmp/r2.json")" ] || fail "more than 10% repeats"
jq -r '.sample[].code' "$tmp/r1.json" | while read -r code; do
    grep -q "^$code,.*,正常运行," "$SRC/docs/demo/registry.csv" || fail "$code is not normally running"
done

sc verify 2026Q4 1 > "$tmp/v1" || fail "round 1 does not verify"
grep -q "^verified" "$tmp/v1" || fail "verify says so"
sc verify 2026Q4 2 >/dev/null || fail "round 2 does not verify"
[ "$(sc verify 2026Q4 1 --frame | sha256sum | cut -c1-64)" = "$(jq -r .frame_hash "$tmp/r1.json")" ] ||
    fail "--frame prints the hashed bytes"

# the plan shows what is drawn
sc --now 2026-11-22 plan 2026Q4 --format json > "$tmp/plan1.json"
[ "$(jq -r '.rounds[1].draw.seed' "$tmp/plan1.json")" = "$(jq -r .seed "$tmp/r2.json")" ] || fail "plan shows the draw"
[ "$(jq -r '.rounds[0].state' "$tmp/plan1.json")" = drawn ] || fail "round state"

# one altered sample row: verify fails with 1 and names the rank; restored, it passes again
code1=$(jq -r '.sample[0].code' "$tmp/r1.json")
other=$(jq -r '.sample[].code' "$tmp/r1.json" | grep -vxFf - <(sc verify 2026Q4 1 --frame) | sed -n 1p)
sqlite3 "$tmp/x.db" "UPDATE samples SET site_code='$other' WHERE site_code='$code1' AND draw_id=1"
[ "$(status_of sc verify 2026Q4 1)" = 1 ] || fail "altered sample verifies"
grep -q "MISMATCH" "$tmp/out" && grep -q "rank 1: stored $other, recomputed $code1" "$tmp/out" ||
    fail "verify does not say what differs: $(cat "$tmp/out")"
[ "$(status_of sc verify 2026Q4 1 --format json)" = 1 ] || fail "json mismatch status"
jq -e '.verified == false and (.differences | length) == 1' "$tmp/out" >/dev/null || fail "json differences"
sqlite3 "$tmp/x.db" "UPDATE samples SET site_code='$code1' WHERE site_code='$other' AND draw_id=1"
[ "$(status_of sc verify 2026Q4 1)" = 0 ] || fail "restored sample does not verify"

# one frame row altered (a site's code swapped for one never in the frame)
sqlite3 "$tmp/x.db" "UPDATE draw_frame SET site_code='4300009999' WHERE draw_id=2 AND site_code=(SELECT min(site_code) FROM draw_frame WHERE draw_id=2)"
[ "$(status_of sc verify 2026Q4 2)" = 1 ] || fail "altered frame verifies"
grep -q "frame hash: stored" "$tmp/out" || fail "frame hash difference not named"

# refusals: exit 2 with a clear message
[ "$(status_of sc draw 2026Q4 1)" = 2 ] || fail "a round drawn twice"
grep -q "already drawn" "$tmp/err" || fail "message for a second draw"
[ "$(status_of sc draw 2026Q4 1 --redraw "wrong seed")" = 2 ] || fail "redraw under a later round"
[ "$(status_of sc draw 2027Q1 1 --redraw "never drawn")" = 2 ] || fail "redraw of a round never drawn"
grep -q "has not been drawn" "$tmp/err" || fail "message for a redraw of a round never drawn"
[ "$(sqlite3 "$tmp/x.db" "SELECT count(*) FROM draws WHERE redraw_reason='never drawn'")" = 0 ] ||
    fail "a refused redraw stored its reason"
[ "$(status_of sc draw 2027Q1 1 --rate 0.1)" = 2 ] || fail "rate below 15%"
grep -q "below the rule" "$tmp/err" || fail "message for a low rate"
[ "$(status_of sc draw 2027Q1 1 --rounds 1)" = 2 ] || fail "one round a quarter"
[ "$(status_of sc draw 2027Q1 2)" = 2 ] || fail "round 2 before round 1"
[ "$(status_of sc draw 2027Q1 3)" = 2 ] || fail "round 3 of 2"
[ "$(status_of sc draw 2027Q5 1)" = 2 ] || fail "bad quarter"
[ "$(status_of sc draw 2027Q1 1 --seed xyz12345)" = 2 ] || fail "bad seed"
[ "$(status_of sc draw 2027Q1)" = 2 ] || fail "missing round"
[ "$(status_of sc verify 2026Q3 1)" = 2 ] || fail "verify of an undrawn round"
[ "$(status_of sc plan 2026Q4 --rounds 7)" = 2 ] || fail "seven rounds"
sc draw 2027Q1 1 --seed 00000000 >/dev/null 2>&1 || fail "a valid draw after refusals"

# redraw of round 2 with a reason: the old draw is kept and still verifies by id
sc draw 2026Q4 2 --redraw "frame row tampered with" --seed abcdef01 --format json > "$tmp/r2b.json"
[ "$(jq -r .redraw_reason "$tmp/r2b.json")" = "frame row tampered with" ] || fail "reason recorded"
[ "$(jq .earlier_draws "$tmp/r2b.json" | jq -c .)" = "[1]" ] || fail "earlier draws"
sc verify 2026Q4 2 >/dev/null || fail "redraw does not verify"
[ "$(status_of sc verify 2026Q4 2 --draw 2)" = 1 ] || fail "old tampered draw is still checked by id"
sc --now 2026-11-22 plan 2026Q4 --format json | jq -e '.rounds[1].replaced_draws == 1' >/dev/null || fail "plan shows the redraw"
# Regression: plan --rounds 3 of a quarter drawn with 2 rounds showed a third round (with
# overlapping windows) that draw would refuse. The stored calendar wins; a contradicting
# --rounds is refused like draw refuses it.
[ "$(status_of sc --now 2026-11-22 plan 2026Q4 --rounds 3)" = 2 ] || fail "plan --rounds 3 of a 2-round quarter"
grep -q "planned with 2 rounds" "$tmp/err" || fail "message for plan --rounds 3: $(cat "$tmp/err")"
sc --now 2026-11-22 plan 2026Q4 --format json | jq -e '.rounds_per_quarter == 2 and (.rounds | length) == 2' >/dev/null \
    || fail "plan of a drawn quarter"
sc --now 2026-11-22 plan 2027Q2 --rounds 3 --format json | jq -e '(.rounds | length) == 3' >/dev/null \
    || fail "plan --rounds 3 of an undrawn quarter"
for bad in " 2" "+2" 0 -1 2x 99999999999999999999; do
    [ "$(status_of sc verify 2026Q4 2 --draw "$bad")" = 2 ] || fail "verify --draw '$bad'"
done
sc draw --help | grep -q -- "--redraw REASON" || fail "help"
echo "ok: demo frame $N, samples $(jq .sample_size "$tmp/r1.json")/$(jq .sample_size "$tmp/r2.json"), $reps repeats"
