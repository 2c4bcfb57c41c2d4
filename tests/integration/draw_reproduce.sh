#!/bin/bash
# draw_reproduce: a draw recomputed outside the program with coreutils only (sha256sum, sort,
# head; jq just reads the program's JSON), exactly as docs/sampling.md tells the public to:
# the frame hash from the registry file itself, an unstratified round 1, an unstratified
# round 2 with the repeat rule, and a stratified round with its proportional allocation.
set -euo pipefail
source "$(dirname "$0")/lib/skip.sh"
require_tools jq
BIN=${SPOTCHECK_BIN:?}
export LC_ALL=C
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
sc() { "$BIN" --db "$tmp/x.db" "$@"; }

# A registry of 150 sites over five regions and both types; every 7th is not running normally.
regions=(长沙市 株洲市 湘潭市 衡阳市 岳阳市)
statuses=(例外 关停 临时关闭 关停上移 迁移 永久下线)
{
    echo "网站标识码,网站名称,首页网址,主办单位,所属地区,级别,网站类型,运行状态,联系人,联系电话,电子邮箱"
    for i in $(seq 1 150); do
        code=$(printf '43%08d' $((i * 7919 % 100000000)))
        region=${regions[$((i * i % 5))]}
        if [ $((i % 3)) -eq 0 ]; then type=政府门户网站; else type=部门网站; fi
        if [ $((i % 7)) -eq 0 ]; then status=${statuses[$((i % 6))]}; else status=正常运行; fi
        echo "$code,站点$i,http://s$i.example.gov.cn/,单位$i,$region,市级,$type,$status,,,"
    done
} > "$tmp/registry.csv"
sc import "$tmp/registry.csv" >/dev/null

# The frame, straight from the registry: normally running sites, codes sorted bytewise.
awk -F, 'NR > 1 && $8 == "正常运行" { print $1 }' "$tmp/registry.csv" | sort > "$tmp/frame.txt"
N=$(wc -l < "$tmp/frame.txt")
frame_hash=$(sha256sum < "$tmp/frame.txt" | cut -c1-64)

# rank SEED: every frame code with its key SHA-256(seed text || code), smallest key first.
rank() {
    while read -r code; do
        printf '%s %s\n' "$(printf '%s%s' "$1" "$code" | sha256sum | cut -c1-64)" "$code"
    done < "$tmp/frame.txt" | sort
}
size() { echo $(( ($1 * N + 9999) / 10000 )); } # ceil(rate × N), rate in 1/10000

# ---- round 1, unstratified: the top n ----
seed1=5eed0001c0ffee00
sc --now 2026-10-01 draw 2026Q4 1 --seed "$seed1" --no-stratify --format json > "$tmp/r1.json"
[ "$(jq -r .frame_hash "$tmp/r1.json")" = "$frame_hash" ] || fail "frame hash differs"
[ "$(jq -r .frame_size "$tmp/r1.json")" = "$N" ] || fail "frame size differs"
n1=$(size 1500)
[ "$(jq '.sample | length' "$tmp/r1.json")" = "$n1" ] || fail "round 1 size is not ceil(0.15 × $N)"
rank "$seed1" | sed -n "1,${n1}p" | cut -d' ' -f2 > "$tmp/expect1.txt"
jq -r '.sample[].code' "$tmp/r1.json" > "$tmp/got1.txt"
diff "$tmp/expect1.txt" "$tmp/got1.txt" || fail "round 1 is not the top $n1 by SHA-256(seed||code)"
rank "$seed1" | sed -n "1,${n1}p" | cut -d' ' -f1 > "$tmp/keys1.txt"
diff "$tmp/keys1.txt" <(jq -r '.sample[].key' "$tmp/r1.json") || fail "published keys differ"

# ---- round 2, unstratified, rate 0.3: earlier sites skipped beyond floor(10% × n) ----
seed2=5eed0002deadbeef
sc --now 2026-11-12 draw 2026Q4 2 --seed "$seed2" --rate 0.3 --no-stratify --format json > "$tmp/r2.json"
n2=$(size 3000)
limit=$((n2 / 10))
taken=0
reps=0
rank "$seed2" > "$tmp/ranked2.txt"
while read -r _ code; do
    [ "$taken" -lt "$n2" ] || break
    if grep -qx "$code" "$tmp/got1.txt"; then
        [ "$reps" -lt "$limit" ] || continue
        reps=$((reps + 1))
    fi
    echo "$code"
    taken=$((taken + 1))
done < "$tmp/ranked2.txt" > "$tmp/expect2.txt"
jq -r '.sample[].code' "$tmp/r2.json" > "$tmp/got2.txt"
diff "$tmp/expect2.txt" "$tmp/got2.txt" || fail "round 2 does not follow the repeat rule"
[ "$(jq .repeats "$tmp/r2.json")" = "$reps" ] || fail "round 2 repeats count"
# the rule had something to skip: more earlier sites in the top n2 than the limit allows
top_rep=$(head -n "$n2" "$tmp/ranked2.txt" | cut -d' ' -f2 | grep -cxFf "$tmp/got1.txt" || true)
[ "$top_rep" -gt "$limit" ] || fail "test registry too kind: $top_rep repeats in the top $n2"
[ "$reps" -le "$limit" ] || fail "more than 10% repeats"

# ---- a stratified round (2027Q1 round 1, rate 0.2): allocation and per-stratum tops ----
seed3=5eed0003
sc --now 2027-01-01 draw 2027Q1 1 --seed "$seed3" --rate 0.2 --format json > "$tmp/r3.json"
n3=$(size 2000)
# region, type, code of each frame site; strata in (region, type) byte order
awk -F, 'NR > 1 && $8 == "正常运行" { t = ($7 == "政府门户网站") ? "portal" : "department";
          print $5 "\t" t "\t" $1 }' "$tmp/registry.csv" | sort -t"$(printf '\t')" -k1,1 -k2,2 -k3,3 > "$tmp/strata.txt"
cut -f1,2 "$tmp/strata.txt" | uniq -c | awk '{ print $2 "\t" $3 "\t" $1 }' > "$tmp/sizes.txt"
u=$(( 16#$(printf '%s/strata' "$seed3" | sha256sum | cut -c1-15) % N ))
next=$u
cum=0
: > "$tmp/expect3.txt"
while IFS="$(printf '\t')" read -r region type count; do
    share=$((n3 * count))
    alloc=$((share / N))
    rem=$((share % N))
    if [ "$rem" -gt 0 ] && [ "$next" -lt $((cum + rem)) ]; then
        alloc=$((alloc + 1))
        next=$((next + N))
    fi
    cum=$((cum + rem))
    got=$(jq --arg r "$region" --arg t "$type" '.strata[] | select(.region == $r and .type == $t) | .sample' "$tmp/r3.json")
    [ "$got" = "$alloc" ] || fail "stratum $region/$type: allocation $got, expected $alloc"
    [ "$alloc" -gt 0 ] || continue
    awk -F'\t' -v r="$region" -v t="$type" '$1 == r && $2 == t { print $3 }' "$tmp/strata.txt" |
        while read -r code; do
            printf '%s %s\n' "$(printf '%s%s' "$seed3" "$code" | sha256sum | cut -c1-64)" "$code"
        done | sort | sed -n "1,${alloc}p" >> "$tmp/expect3.txt"
done < "$tmp/sizes.txt"
sort "$tmp/expect3.txt" | cut -d' ' -f2 > "$tmp/expect3.codes"
jq -r '.sample[].code' "$tmp/r3.json" > "$tmp/got3.txt"
[ "$(wc -l < "$tmp/got3.txt")" = "$n3" ] || fail "stratified size is not ceil(0.2 × $N)"
diff "$tmp/expect3.codes" "$tmp/got3.txt" || fail "stratified draw differs from the recipe"

# every draw verifies
for q in "2026Q4 1" "2026Q4 2" "2027Q1 1"; do
    sc verify $q >/dev/null || fail "verify $q"
done
echo "ok: N=$N, round 1 $n1, round 2 $n2 with $reps repeats (limit $limit), stratified $n3"
