#!/bin/bash
# check_basic: `spotcheck check` end to end against a static site served on 127.0.0.1:
# JSON shape (contract.md), broken links found, traps not reported, exit codes, text
# output escaping, usage errors.
set -euo pipefail
source "$(dirname "$0")/lib/skip.sh"
require_tools jq python3
BIN=${SPOTCHECK_BIN:?}
tmp=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

site=$tmp/site
mkdir -p "$site/list" "$site/新闻"
cat > "$site/index.html" <<'HTML'
<html><head><meta charset="utf-8"><title>测试市人民政府</title></head><body>
<a href="list/">通知公告</a>
<a href="missing.html">失效<script>x</script>链接&#27;[31m</a>
<a href="/新闻/a.html">中文路径</a>
<a href="./list/../list/#frag">同一栏目</a>
<a href="mailto:a@b.gov.cn">信箱</a>
<img src="nope.png" alt="坏图">
</body></html>
HTML
printf '<title>通知公告</title><a href="../missing.html">又一次</a><a href="item.html">条目</a>' > "$site/list/index.html"
printf '<title>条目</title><p>内容</p>' > "$site/list/item.html"
printf '<title>新闻</title><p>内容</p>' > "$site/新闻/a.html"
# GBK page with a meta charset: decoded, its link found
printf '<meta charset="gbk"><title>\xb9\xab\xb8\xe6</title><a href="/gbk-missing.html">\xca\xa7\xd0\xa7</a>' > "$site/list/gbk.html"
printf '<a href="gbk.html">gbk</a>' >> "$site/list/index.html"

cd "$site"
python3 -u -m http.server --bind 127.0.0.1 0 > "$tmp/http.log" 2>&1 &
pid=$!
for _ in $(seq 50); do
    port=$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$tmp/http.log" | sed -n 1p)
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || fail "http server did not start"
cd "$tmp"
NET=(--no-dns --connect-to "www.test.gov.cn:80:127.0.0.1:$port" --delay 0 --per-host 4)

set +e
"$BIN" check http://www.test.gov.cn/ --format json "${NET[@]}" > out.json 2> err.txt
rc=$?
set -e
[ $rc -eq 1 ] || { cat err.txt; fail "exit status $rc, want 1 (broken links)"; }
jq -e . out.json > /dev/null || fail "not JSON"
jq -e '.spotcheck and .as_of and (.sites | length == 1)' out.json > /dev/null || fail "top level"
s='.sites[0]'
jq -e "$s.reachable == true and $s.pages_crawled == 5" out.json > /dev/null ||
    fail "reachable/pages: $(jq -c "$s | {reachable, pages_crawled}" out.json)"
for k in url reachable pages_crawled links_checked verdict score homepage site_code sections columns links defects; do
    jq -e "$s | has(\"$k\")" out.json > /dev/null || fail "missing key $k"
done
broken=$(jq -r "$s.links[] | select(.result == \"broken\") | .url" out.json | sort | tr '\n' ' ')
want="http://www.test.gov.cn/gbk-missing.html http://www.test.gov.cn/missing.html http://www.test.gov.cn/nope.png "
[ "$broken" = "$want" ] || fail "broken links: '$broken', want '$want'"
jq -e "$s.links[] | select(.url == \"http://www.test.gov.cn/missing.html\") |
       .status == 404 and .error == \"http_status\" and .on_homepage == true and
       .found_on == \"http://www.test.gov.cn/\"" out.json > /dev/null || fail "missing.html record"
jq -e "$s.links[] | select(.url == \"http://www.test.gov.cn/gbk-missing.html\") | .anchor == \"失效\"" \
    out.json > /dev/null || fail "GBK anchor not decoded"
# Each URL fetched once, whatever its spellings and however often linked.
n=$(grep -c '"GET /missing.html' "$tmp/http.log" || true)
[ "$n" -eq 1 ] || fail "missing.html fetched $n times"
n=$(grep -c '"GET /list/ ' "$tmp/http.log" || true)
[ "$n" -eq 1 ] || fail "list/ fetched $n times"

# --all-links lists the working and skipped ones too.
set +e
"$BIN" check http://www.test.gov.cn/ --format json --all-links "${NET[@]}" > all.json
set -e
jq -e "$s.links[] | select(.url == \"mailto:a@b.gov.cn\") | .result == \"skipped\"" all.json > /dev/null ||
    fail "mailto not skipped"
jq -e "[$s.links[] | select(.result == \"ok\")] | length >= 4" all.json > /dev/null || fail "ok links"

# Text: readable, and a control character from the page does not reach the terminal.
set +e
"$BIN" check http://www.test.gov.cn/ "${NET[@]}" > out.txt
set -e
grep -q "broken links (3)" out.txt || { cat out.txt; fail "text report"; }
if grep -q $'\x1b' out.txt; then fail "escape character in text output"; fi

# A page without broken links: no link reported, and (until the rule table judges the
# site, when the verdict decides) exit 0.
set +e
"$BIN" check http://www.test.gov.cn/list/item.html --max-depth 0 --format json "${NET[@]}" > clean.json
rc=$?
set -e
jq -e '.sites[0].reachable and (.sites[0].links | length == 0)' clean.json > /dev/null ||
    fail "a clean page reports links"
if jq -e '.sites[0].verdict == null' clean.json > /dev/null; then
    [ $rc -eq 0 ] || fail "a clean page should pass (exit $rc)"
else
    want=$(jq -r 'if .sites[0].verdict == "pass" then 0 else 1 end' clean.json)
    [ $rc -eq "$want" ] || fail "exit $rc does not follow the verdict"
fi
# Unreachable: no mapping and --no-dns.
set +e
"$BIN" check http://www.unmapped.gov.cn/ --no-dns --format json > un.json
rc=$?
set -e
[ $rc -eq 1 ] || fail "unreachable exit $rc"
jq -e '.sites[0].reachable == false and .sites[0].error == "dns"' un.json > /dev/null || fail "dns"
# Private addresses are refused without a mapping or --allow-private.
set +e
"$BIN" check "http://127.0.0.1:$port/" --format json > priv.json
set -e
jq -e '.sites[0].error == "private_address"' priv.json > /dev/null || fail "private not refused"
set +e
"$BIN" check "http://127.0.0.1:$port/list/item.html" --allow-private --max-depth 0 --format json > ap.json
set -e
jq -e '.sites[0].reachable' ap.json > /dev/null || fail "--allow-private"

# Usage errors: exit 2.
for args in "" "--format xml http://a/" "--connect-to bogus http://a/" "--max-pages 0 http://a/" \
            "--delay -1 http://a/" "--bogus http://a/" "--now 2026-13-01 http://a/" \
            "ftp://www.test.gov.cn/" "http://" "--no-dns http://a/ www.test.gov.cn"; do
    set +e
    # shellcheck disable=SC2086
    "$BIN" check $args > /dev/null 2>&1
    rc=$?
    set -e
    [ $rc -eq 2 ] || fail "'check $args' exit $rc, want 2"
done
# Numbers are strict: no blank, no '+', no trailing text (strtol let these through).
for opt in "--max-pages= 5" "--max-pages=+5" "--timeout=+1" "--delay= 0" "--retries=1x" \
           "--concurrency=+8" "--max-body= 2048"; do
    set +e
    "$BIN" check http://a/ --no-dns --timeout 1 --retries 0 "$opt" > /dev/null 2> num.err
    rc=$?
    set -e
    [ $rc -eq 2 ] || fail "'check $opt' exit $rc, want 2"
    grep -q -- "${opt%%=*}" num.err || fail "'check $opt': message does not name the option"
done
"$BIN" check --help | grep -q -- "--connect-to" || fail "help"
echo "check_basic: ok"
