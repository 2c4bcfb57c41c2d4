#!/bin/bash
# publish_browser: the published site in a real browser. The site (built by `spotcheck
# publish` from `test_publish --fixture`'s database, whose texts are hostile) is served on
# loopback by python3's http.server under the name results.spotcheck.test; Debian's chromium,
# headless with a fresh profile and every other name unresolvable, loads the index, a round
# page and a site page, takes screenshots of each at 375 px (a phone) and 1280 px into
# $SPOTCHECK_BUILD/screenshots/, and must log no console message (the site has no script, so
# any is an error: a script that ran, a resource that failed to load). The server must have
# answered nothing with 404, the DOM must hold no <script> element, and `spotcheck check` on
# the published site must find no broken or suspected link.
set -euo pipefail
source "$(dirname "$0")/lib/skip.sh"
require_tools chromium python3 jq
: "${SPOTCHECK_BIN:?}" "${SPOTCHECK_BUILD:?}"
fixture="$SPOTCHECK_BUILD/tests/test_publish"
[ -x "$fixture" ] || skip "no $fixture (the unit tests are not built)"
tmp=$(mktemp -d)
shots="$SPOTCHECK_BUILD/screenshots"
server_pid=
cleanup() {
    [ -z "$server_pid" ] || { kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; } || true
    rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*" >&2
    for f in "$tmp"/server.log "$tmp"/console-*.log "$tmp"/shot-*.log "$tmp"/check.log; do
        [ -s "$f" ] && { echo "--- $f"; tail -15 "$f"; }
    done >&2
    exit 1
}
cd "$tmp"
host=results.spotcheck.test

"$fixture" --fixture "$tmp/site.db" > /dev/null || fail "the fixture database was not built"
mkdir -p www/site
python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$tmp/www/site" > server.out 2> server.log &
server_pid=$!
port=
for _ in $(seq 1 100); do
    port=$(sed -n 's/.*port \([0-9]*\).*/\1/p' server.out | head -1)
    [ -n "$port" ] && break
    kill -0 "$server_pid" 2>/dev/null || fail "http.server did not start: $(cat server.log)"
    sleep 0.05
done
[ -n "$port" ] || fail "http.server did not say its port"
base="http://$host:$port/"
printf '[publish]\nbase_url = %s\n' "$base" > spotcheck.conf
"$SPOTCHECK_BIN" --db site.db --config spotcheck.conf publish --out www/site > /dev/null ||
    fail "publish exited $?"

# browse ARGS... URL: chromium headless with a fresh profile, where only $host resolves (to
# loopback). A browser that fails to start (it happens on a loaded machine) is started once
# more; its standard error (the console) is that of the last attempt.
browse() {
    local profile attempt rc=0
    for attempt in 1 2; do
        profile=$(mktemp -d "$tmp/profile.XXXXXX")
        rc=0
        timeout 90 chromium --headless --no-sandbox --disable-gpu --no-first-run \
            --disable-background-networking --disable-component-update --disable-sync \
            --user-data-dir="$profile" --host-resolver-rules="MAP $host 127.0.0.1, MAP * ~NOTFOUND" \
            --enable-logging=stderr --v=0 --hide-scrollbars "$@" || rc=$?
        [ $rc -eq 0 ] && return 0
        echo "chromium exited $rc (attempt $attempt)" >&2
    done
    return $rc
}

rm -rf "$shots" && mkdir -p "$shots"
pages=(index.html 2026Q4-1/index.html sites/4300000001.html)
names=(index round site)
for i in "${!pages[@]}"; do
    url="$base${pages[$i]}"
    # the DOM after loading, and what the console said
    browse --dump-dom "$url" > "dom-$i.html" 2> "console-$i.log" || fail "chromium failed on $url"
    grep -q '<html lang="zh-CN">' "dom-$i.html" || fail "$url: no DOM dumped"
    ! grep -q '<script' "dom-$i.html" || fail "$url: a <script> element in the DOM"
    if grep -E ':CONSOLE[:(]' "console-$i.log"; then
        fail "$url: the console was not silent"
    fi
    for w in 375 1280; do
        png="$shots/${names[$i]}-$w.png"
        browse --window-size="$w,2200" --screenshot="$png" "$url" > /dev/null 2> "shot-$i-$w.log" ||
            fail "chromium could not take $png"
        [ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
            fail "$png is not a PNG"
    done
done
# the hostile texts were shown as text
grep -qF "&lt;script&gt;alert('锚')&lt;/script&gt;" dom-2.html ||
    fail "the anchor text is not in the site page's DOM as text"
! grep -q '" 404 -' server.log || { grep ' 404 ' server.log; fail "the browser asked for a file the site lacks"; }

# spotcheck's own check of the published site: no broken link. Its links to the audited
# sites (evidence, on *.gov.cn in the fixture) are not the site's own and are left out.
set +e
"$SPOTCHECK_BIN" check "$base" --connect-to "$host:$port:127.0.0.1:$port" --allow-private \
    --no-dns --delay 0 --timeout 10 --exclude .gov.cn --format json > check.json 2> check.log
rc=$?
set -e
[ $rc -le 1 ] || { cat check.log; fail "check exited $rc"; }
jq -e '.sites[0].reachable and .sites[0].pages_crawled >= 8 and .sites[0].links_checked >= 15' check.json \
    > /dev/null || { jq '.sites[0] | {reachable, pages_crawled, links_checked}' check.json; fail "check did not crawl the site"; }
broken=$(jq '[.sites[0].links[] | select(.result == "broken" or .result == "suspected")] | length' check.json)
[ "$broken" -eq 0 ] || { jq '.sites[0].links' check.json; fail "check found $broken broken links"; }
echo "browser: 3 pages at 375 and 1280 px without a console message; screenshots in $shots:"
ls "$shots"
echo "check: $(jq '.sites[0].pages_crawled' check.json) pages, $(jq '.sites[0].links_checked' check.json) links, none broken"
