#!/usr/bin/env bash
# farm_generate: the farm generator alone: the same seed gives a byte-identical tree and a
# different seed does not; the registry (UTF-8 and GBK) has the agreed header and one row
# per truth site, with statuses that are not 正常运行; bad usage exits 2 and writes nothing;
# the bench profile writes one plain site of the asked size, its column lists paged.
set -euo pipefail
source "$(dirname "$0")/lib/skip.sh"
require_tools jq
source "$(dirname "$0")/lib/farm.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
[ -x "$FARM_BIN" ] || fail "no farm binary at $FARM_BIN"

tree_sum() { (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum); }

# 1. determinism
farm_generate "$tmp/a" s1 15
farm_generate "$tmp/b" s1 15
farm_generate "$tmp/c" s2 15
[ "$(tree_sum "$tmp/a")" = "$(tree_sum "$tmp/b")" ] || fail "same seed gave different trees"
[ "$(tree_sum "$tmp/a")" != "$(tree_sum "$tmp/c")" ] || fail "different seeds gave the same tree"
"$FARM_BIN" generate --seed s1 --sites 15 --out "$tmp/d" --profile test --as-of 2026-06-30
cmp -s "$tmp/a/truth.json" "$tmp/d/truth.json" && fail "--as-of changed nothing"
[ "$(jq -r .as_of "$tmp/d/truth.json")" = 2026-06-30 ] || fail "truth as_of"

# 2. the registry
header='网站标识码,网站名称,首页网址,主办单位,所属地区,级别,网站类型,运行状态,联系人,联系电话,电子邮箱'
[ "$(head -1 "$tmp/a/registry.csv" | tr -d '\r')" = "$header" ] || fail "registry header"
iconv -f GBK -t UTF-8 "$tmp/a/registry-gbk.csv" | cmp -s - "$tmp/a/registry.csv" \
  || fail "registry-gbk.csv is not the GBK form of registry.csv"
LC_ALL=C grep -q $'\xe7\xbd\x91' "$tmp/a/registry-gbk.csv" && fail "registry-gbk.csv holds UTF-8"
rows=$(( $(wc -l <"$tmp/a/registry.csv") - 1 ))
[ "$rows" -eq "$(jq '.sites | length' "$tmp/a/truth.json")" ] || fail "registry rows != truth sites"
grep -q ',正常运行,' "$tmp/a/registry.csv" || fail "no running site"
[ "$(grep -c -v -e ',正常运行,' "$tmp/a/registry.csv")" -ge 2 ] || fail "no site that is not running"
grep -q '^43[0-9]\{8\},' "$tmp/a/registry.csv" || fail "site codes are not 43xxxxxxxx"
grep -q '"[^"]*,[^"]*"' "$tmp/a/registry.csv" || fail "no quoted sponsor with a comma"
grep -q '""' "$tmp/a/registry.csv" || fail "no sponsor with a doubled quote"
[ "$(cut -d, -f5 "$tmp/a/registry.csv" | sort -u | wc -l)" -ge 4 ] || fail "too few regions"
# served sites have files, the others none; the down site is not served
jq -r '.sites[] | [.host, .served, .down] | @tsv' "$tmp/a/truth.json" | while IFS=$'\t' read -r host served down; do
  if [ "$served" = true ]; then
    [ -f "$tmp/a/sites/$host/index.html" ] || fail "$host is served but has no homepage"
  else
    [ ! -e "$tmp/a/sites/$host" ] || fail "$host is not served but has files"
  fi
done
[ "$(jq '[.sites[] | select(.down)] | length' "$tmp/a/truth.json")" -eq 1 ] || fail "no down site"
[ "$(jq '[.sites[] | select(.flaky > 0)] | length' "$tmp/a/truth.json")" -ge 1 ] || fail "no flaky site"

# 3. every planted kind is in the truth of a small farm
for r in http_404 http_410 http_500 http_503 soft_404 redirect_loop too_many_redirects dns \
         timeout reset too_large connect; do
  jq -e --arg r "$r" '[.sites[].broken_links[]? | select(.reason == $r)] | length > 0' \
    "$tmp/a/truth.json" >/dev/null || fail "no broken link of reason $r"
done
for k in redirect_ok head_405 retry_after_429 fragment dot_segments chinese_path external_ok; do
  jq -e --arg k "$k" '[.sites[].traps[]? | select(.kind == $k)] | length > 0' \
    "$tmp/a/truth.json" >/dev/null || fail "no trap of kind $k"
done
jq -e '[.sites[].columns[]? | select(.blank)] | length >= 5' "$tmp/a/truth.json" >/dev/null || fail "blank columns"
jq -e '[.sites[] | select(.homepage.stale == true)] | length >= 1' "$tmp/a/truth.json" >/dev/null || fail "no stale homepage"
jq -e '[.sites[] | select(.served and .site_code_shown == false)] | length >= 1' "$tmp/a/truth.json" >/dev/null || fail "site code always shown"
jq -e '[.sites[].sections[]? | select(.present == false)] | length >= 2' "$tmp/a/truth.json" >/dev/null || fail "no missing section"

# a date shown without a year is never more than 330 days old (the year rule reads it right)
jq -e '.as_of as $a | [.sites[] | select(.date_style == "mmdd" or .date_style == "bracket") |
        .columns[] | select(.blank | not) |
        ((($a + "T00:00:00Z") | fromdate) - ((.latest + "T00:00:00Z") | fromdate)) / 86400 <= 330] | all' \
  "$tmp/a/truth.json" >/dev/null || fail "a yearless homepage date is older than 330 days"
farm_generate "$tmp/y" y 60
jq -e '[.sites[] | select(.served) | .layout] | unique == ["div", "table", "tabs"]' "$tmp/y/truth.json" >/dev/null || fail "layouts"
jq -e '[.sites[] | select(.served) | .date_style] | unique | length == 5' "$tmp/y/truth.json" >/dev/null || fail "date styles"
jq -e '[.sites[] | select(.charset_declared_wrong)] | length == 1' "$tmp/y/truth.json" >/dev/null || fail "no wrongly declared charset"
jq -e '[.sites[] | select(.served) | .charset_meta] | index(null) != null' "$tmp/y/truth.json" >/dev/null || fail "no header-only charset"
jq -e '[.sites[] | select(.served) | .charset_header] | index(null) != null' "$tmp/y/truth.json" >/dev/null || fail "no meta-only charset"
jq -e '[.sites[] | select(.served) | .charset_meta] | index("gb2312") != null' "$tmp/y/truth.json" >/dev/null || fail "no gb2312 declaration"
jq -e '[.sites[] | select(.flaky > 0)] | length == 2' "$tmp/y/truth.json" >/dev/null || fail "demo wants two flaky sites"
for st in 例外 关停 临时关闭 关停上移 迁移 永久下线; do
  grep -q ",$st," "$tmp/y/registry.csv" || fail "demo registry lacks status $st"
done

# the bundled demo registry is the farm's: `farm generate --seed demo --sites 60` (profile demo)
src=${SPOTCHECK_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
"$FARM_BIN" generate --registry-only --seed demo --sites 60 --out "$tmp/demo"
[ ! -e "$tmp/demo/sites" ] && [ ! -e "$tmp/demo/truth.json" ] || fail "--registry-only wrote more than the registry"
cmp -s "$tmp/demo/registry.csv" "$src/docs/demo/registry.csv" || fail "docs/demo/registry.csv is not the farm's demo registry"
cmp -s "$tmp/demo/registry-gbk.csv" "$src/docs/demo/registry-gbk.csv" || fail "docs/demo/registry-gbk.csv is not the farm's"

# 4. bad usage: exit 2, nothing written
set +e
"$FARM_BIN" generate --seed x --sites 3 >/dev/null 2>&1; [ $? -eq 2 ] || fail "missing --out"
"$FARM_BIN" generate --seed x --sites 0 --out "$tmp/e" >/dev/null 2>&1; [ $? -eq 2 ] || fail "--sites 0"
"$FARM_BIN" generate --seed x --sites 3 --out "$tmp/e" --as-of 2026-02-30 >/dev/null 2>&1; [ $? -eq 2 ] || fail "bad --as-of"
# regression: sscanf's %d took a sign, so --as-of 2026-+1-22 was read as 2026-01-22
for bad in 2026-+1-22 "2026- 1-22" 2026-11-2; do
  "$FARM_BIN" generate --seed x --sites 3 --out "$tmp/e" --as-of "$bad" >/dev/null 2>&1; [ $? -eq 2 ] || fail "--as-of $bad"
done
"$FARM_BIN" generate --seed x --sites 3 --out "$tmp/e" --profile nope >/dev/null 2>&1; [ $? -eq 2 ] || fail "bad profile"
"$FARM_BIN" generate --seed x --sites 9999 --out "$tmp/e" >/dev/null 2>&1; [ $? -eq 2 ] || fail "too many sites"
"$FARM_BIN" generate --seed x --sites 3 --out "$tmp/a" >/dev/null 2>&1; [ $? -eq 2 ] || fail "non-empty --out"
"$FARM_BIN" frobnicate >/dev/null 2>&1; [ $? -eq 2 ] || fail "unknown command"
"$FARM_BIN" serve --dir "$tmp/nonexistent" >/dev/null 2>&1; [ $? -eq 2 ] || fail "serve without faults.json"
set -e
[ ! -e "$tmp/e/truth.json" ] || fail "a failed generate wrote a truth"
[ "$(tree_sum "$tmp/a")" = "$(tree_sum "$tmp/b")" ] || fail "a refused generate changed the tree"

# 5. the bench profile: one plain site, P pages of ~25 KB with ~85 links each, its columns'
#    lists paged (首页 上一页 numbers 下一页 尾页); pages.txt names every page
"$FARM_BIN" generate --seed b --out "$tmp/bench" --profile bench --bench-pages 600
root="$tmp/bench/sites/www.bench.gov.cn"
[ -f "$root/index.html" ] || fail "bench: no index.html"
[ "$(find "$root" -type f | wc -l)" -eq 600 ] || fail "bench: page count"
[ "$(jq .pages "$tmp/bench/truth.json")" -eq 600 ] || fail "bench: truth pages"
(cd "$root" && find . -type f | sed 's|^\./index\.html$|/|; s|^\.||; s|^|http://www.bench.gov.cn|') | sort >"$tmp/bench-files"
sort "$tmp/bench/pages.txt" | cmp -s - "$tmp/bench-files" || fail "bench: pages.txt is not the site's files"
size=$(find "$root" -name '*.html' -printf '%s\n' | awk '{s += $1} END {printf "%d", s / NR}')
[ "$size" -gt 22000 ] && [ "$size" -lt 28000 ] || fail "bench: pages average $size bytes, not ~25 KB"
links=$(grep -o '<a href=' "$root/p/7.html" | wc -l)
[ "$links" -ge 80 ] && [ "$links" -le 90 ] || fail "bench: $links links"
lists=$(jq .list_pages "$tmp/bench/truth.json")
[ "$(find "$root" -name 'index_*.html' | wc -l)" -eq $((lists - 9)) ] || fail "bench: list pages"
grep -q '<span class="current">3</span> <a href="/c0/index_3.html">4</a>' "$root/c0/index_2.html" ||
  fail "bench: list pages are not paged"
find "$root" -name '*.html' -print0 | xargs -0 grep -oh 'href="[^"]*"' | sed 's/.*href="//; s/"$//' | sort -u |
  while read -r href; do
    f="$root$href"; [ "$href" = / ] && f="$root/index.html"
    [ -f "$f" ] || fail "bench: link $href has no file"
  done
[ "$(jq '.faults | length' "$tmp/bench/faults.json")" -eq 0 ] || fail "bench has faults"
echo "farm_generate: ok"
