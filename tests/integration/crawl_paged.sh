#!/usr/bin/env bash
# crawl_paged: with its limits lifted, `spotcheck check` crawls EVERY reachable page of a site
# whose news column is paged over 32 or more list pages, each linking only 首页, 上一页, a window
# of five page numbers, 下一页 and 尾页 (the shape of CMS column lists), so that most list pages
# are reached only through other list pages. pages_crawled must equal the farm's
# reachable_pages, and every page of the farm's pages.txt must have been fetched with GET (the
# farm's request log; a link that is only checked gets a HEAD). A page missed is named, with
# whether it was checked (HEAD) or never requested at all.
set -euo pipefail
: "${SPOTCHECK_BIN:?}"
source "$(dirname "$0")/lib/skip.sh"
require_tools jq
[ -f "$SPOTCHECK_SRC/tests/farm/CMakeLists.txt" ] || skip "this tree has no farm (tests/farm)"
source "$(dirname "$0")/lib/farm.sh"
tmp=$(mktemp -d)
trap 'farm_stop || true; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

farm_generate "$tmp/f" paged 3
truth=$tmp/f/truth.json
host=www.hunan.gov.cn
read -r url want lists < <(jq -r --arg h "$host" '.sites[] | select(.host == $h) |
    "\(.url) \(.reachable_pages) \(.columns[0].list_pages)"' "$truth")
[ "$lists" -ge 30 ] || fail "the paged column has only $lists list pages"
grep "^http://$host/" "$tmp/f/pages.txt" | sort -u >"$tmp/want"
[ "$(wc -l <"$tmp/want")" -eq "$want" ] || fail "pages.txt and reachable_pages ($want) disagree"

farm_start "$tmp/f" --log "$tmp/requests"
# The limits lifted: --max-depth takes at most 1000 (more than any path on the farm).
rc=0
"$SPOTCHECK_BIN" check "$url" --format json --no-dns "${FARM_CONNECT_ARGS[@]}" \
    --max-pages 1000000 --max-depth 1000 --delay 0 --per-host 8 --timeout 3 --retries 2 \
    >"$tmp/out.json" 2>"$tmp/err" || rc=$?
farm_stop || fail "farm serve did not exit cleanly"
[ "$rc" -le 1 ] || { cat "$tmp/err"; fail "spotcheck check exited $rc"; }

got=$(jq '.sites[0].pages_crawled' "$tmp/out.json")
# requested URLs of the site, by method (the log has METHOD HOST TARGET)
for m in GET HEAD; do
    awk -v m="$m" -v h="$host" '$1 == m && $2 == h { print "http://" $2 $3 }' "$tmp/requests" |
        sort -u >"$tmp/$m"
done
missed=$(comm -23 "$tmp/want" "$tmp/GET")
nmissed=$(printf '%s' "$missed" | grep -c . || true)
echo "crawl_paged: $host has $want reachable pages ($lists list pages in its paged column);" \
    "spotcheck crawled $got, fetched $(comm -12 "$tmp/want" "$tmp/GET" | wc -l) of them with GET"
if [ "$nmissed" -gt 0 ]; then
    echo "never crawled ($nmissed):"
    while IFS= read -r u; do
        if grep -qxF "$u" "$tmp/HEAD"; then echo "  $u (checked with HEAD only)"; else echo "  $u (never requested)"; fi
    done <<<"$missed" | head -40
    fail "$nmissed reachable pages were not crawled"
fi
[ "$got" -eq "$want" ] || fail "pages_crawled is $got, the site has $want reachable pages"
echo "crawl_paged: ok"
