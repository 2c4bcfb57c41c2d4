#!/bin/bash
# publish_site: `spotcheck publish` on a database whose registry and crawls carry hostile text
# (<script>, quotes, apostrophes, ampersands in site names, sponsors, regions, anchor texts,
# column names and defect details; built by `test_publish --fixture`). Checks the layout of
# contract.md (only finalised rounds), that no hostile text reaches a page or the feed as
# markup, the CSV (BOM, stable columns, one row per sampled site), that datapackage.json
# describes every CSV column (name, type, description) in order, the JSON is `report --format
# json`'s document, the draw-verification recipe printed on a round page (run beside the
# published frame) gives the frame hash and the sample, the Atom feed is well-formed with
# absolute links under [publish] base_url, publishing twice gives the same files, no staging
# directory is left, the rounds are marked published, and the refusals (no --out, a directory
# that is not a site) exit 2.
set -euo pipefail
source "$(dirname "$0")/lib/skip.sh"
require_tools jq xmllint sqlite3
: "${SPOTCHECK_BIN:?}" "${SPOTCHECK_BUILD:?}"
fixture="$SPOTCHECK_BUILD/tests/test_publish"
[ -x "$fixture" ] || skip "no $fixture (the unit tests are not built)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$tmp"

"$fixture" --fixture "$tmp/site.db" > /dev/null || fail "the fixture database was not built"
cat > spotcheck.conf <<'CONF'
[publish]
title = 抽查<b>结果</b> & "公开"
base_url = https://results.example.test/gov
CONF
sc() { "$SPOTCHECK_BIN" --db "$tmp/site.db" --config spotcheck.conf "$@"; }
mkdir out
sc publish --out out/site > publish.log || fail "publish exited $?"
grep -q "published 2 rounds" publish.log || { cat publish.log; fail "publish did not say what it did"; }

# --- the layout (contract.md): only the finalised rounds
for f in index.html method.html feed.xml 2026Q4-1/index.html 2027Q1-1/index.html \
         sites/4300000001.html sites/4300000002.html sites/4300000003.html sites/4300000004.html \
         data/2026Q4-1.csv data/2026Q4-1.json data/2027Q1-1.csv data/2027Q1-1.json \
         data/latest.json data/datapackage.json; do
    [ -s "out/site/$f" ] || fail "missing out/site/$f"
done
[ ! -e out/site/2026Q4-2 ] || fail "round 2026Q4-2 is only drawn, yet published"
[ "$(find out/site -name '*.html' | wc -l)" -eq 8 ] || { find out/site; fail "unexpected pages"; }

# --- escaping: nothing hostile as markup anywhere; the texts are there, escaped
for f in $(find out/site -name '*.html') out/site/feed.xml; do
    ! grep -Eq '<script|<img|<b>|<i>|href="javascript:' "$f" || fail "$f holds hostile markup"
    grep -qF '抽查&lt;b&gt;结果&lt;/b&gt; &amp; &quot;公开&quot;' "$f" || fail "$f: title not escaped"
done
grep -qF '&lt;script&gt;alert(&#39;锚&#39;)&lt;/script&gt; &amp; &quot;引&quot;' out/site/sites/4300000001.html ||
    fail "the anchor text is not on the site page, escaped"
grep -qF '栏目&lt;script&gt;x&lt;/script&gt;&amp;&quot;&#39;' out/site/sites/4300000001.html ||
    fail "the column name is not on the site page, escaped"
grep -qF '&lt;script&gt;alert(&quot;名&quot;)&lt;/script&gt;' out/site/2026Q4-1/index.html ||
    fail "the site name is not on the round page, escaped"
for f in $(find out/site -name '*.html'); do
    grep -q '<html lang="zh-CN">' "$f" || fail "$f: no lang=zh-CN"
    grep -q 'name="viewport"' "$f" || fail "$f: no viewport"
    # nothing is loaded from another host (links to a site's pages are evidence, not loads)
    ! grep -Eq 'src="(https?:)?//|<link[^>]*href="(https?:)?//|@import|url\(' "$f" ||
        fail "$f loads something from another host"
done

# --- the CSV: BOM, columns, one row per sampled site
head -c 3 out/site/data/2026Q4-1.csv | od -An -tx1 | grep -q 'ef bb bf' || fail "the CSV has no BOM"
header=$(head -1 out/site/data/2026Q4-1.csv | sed 's/^\xef\xbb\xbf//' | tr -d '\r')
want="quarter,round,rank,site_code,site_name,url,region,sponsor,verdict,score,crawled_at,availability_probes,availability_failures,availability_failure_rate,defects,veto_defects,broken_links,defect_kinds,rectification_deadline,rectification_state,rectified_on,rechecked_on"
[ "$header" = "$want" ] || fail "CSV columns: $header"
[[ "$header" =~ ^[a-z_,]+$ ]] || fail "CSV columns are not snake_case"
rows=$(python3 -c 'import csv,sys; r=list(csv.reader(open(sys.argv[1], encoding="utf-8-sig"))); print(len(r)-1, len(set(len(x) for x in r)))' out/site/data/2026Q4-1.csv)
[ "$rows" = "4 1" ] || fail "CSV rows/fields: $rows (want 4 rows, one width)"
sampled=$(jq '.sites | length' out/site/data/2026Q4-1.json)
[ "$sampled" -eq 4 ] || fail "the JSON has $sampled sites"

# --- datapackage.json describes every CSV column, in order, with name, type, description
jq -e '.profile == "tabular-data-package" and (.resources | length) == 2' out/site/data/datapackage.json \
    > /dev/null || fail "datapackage.json: not a package of two resources"
for r in 2026Q4-1 2027Q1-1; do
    cols=$(head -1 "out/site/data/$r.csv" | sed 's/^\xef\xbb\xbf//' | tr -d '\r')
    described=$(jq -r --arg p "$r.csv" '.resources[] | select(.path == $p) | .schema.fields |
        map(select(.name != null and .type != null and (.description | length) > 0) | .name) | join(",")' \
        out/site/data/datapackage.json)
    [ "$described" = "$cols" ] || fail "datapackage.json describes '$described' for $r.csv, which has '$cols'"
done
jq -e '[.resources[].schema.fields[].type] | all(. == "string" or . == "integer" or . == "number" or . == "date")' \
    out/site/data/datapackage.json > /dev/null || fail "a field type that Table Schema does not know"
jq -e '[.resources[].schema.fields[] | select(.name == "rectification_state") | .constraints.enum] |
    length == 2 and all(. == ["due", "rectified", "not_rectified"])' out/site/data/datapackage.json > /dev/null ||
    fail "datapackage.json: rectification_state has no enum constraint"
python3 -c 'import csv,sys
for r in csv.DictReader(open(sys.argv[1], encoding="utf-8-sig")):
    want = "due" if r["rectification_deadline"] else ""
    assert r["rectification_state"] == want and r["rectified_on"] == r["rechecked_on"] == "", r' \
    out/site/data/2026Q4-1.csv || fail "CSV: the rectification state of a site without a re-check"

# --- the JSON is report's document; latest.json the newest round's
sc report 2026Q4 1 --format json | cmp -s - out/site/data/2026Q4-1.json || fail "data/2026Q4-1.json differs from report"
sc report 2027Q1 1 --format json | cmp -s - out/site/data/latest.json || fail "latest.json is not 2027Q1-1"
# the published frame hashes to the frame hash
[ "$(sha256sum < out/site/data/2026Q4-1.frame.txt | cut -c1-64)" = "$(jq -r .draw.frame_hash out/site/data/2026Q4-1.json)" ] ||
    fail "the frame does not hash to frame_hash"

# the recipe printed on the round page, run as it stands beside the frame, gives the sample in rank order
python3 -c 'import html,re,sys; print(html.unescape(re.search(r"<pre><code>(.*?)</code></pre>", open(sys.argv[1], encoding="utf-8").read(), re.S).group(1)))' \
    out/site/2026Q4-1/index.html > recipe.sh
mkdir recipe && cp out/site/data/2026Q4-1.frame.txt recipe/
(cd recipe && bash "$tmp/recipe.sh") > recipe.out || fail "the page's recipe failed"
[ "$(head -1 recipe.out | cut -c1-64)" = "$(jq -r .draw.frame_hash out/site/data/2026Q4-1.json)" ] ||
    fail "the page's recipe hashes the frame to $(head -1 recipe.out)"
recomputed=$(sed 1d recipe.out | tr '\n' ' ')
drawn=$(jq -r '.sites[].code' out/site/data/2026Q4-1.json | tr '\n' ' ')
[ "$recomputed" = "$drawn" ] || { cat recipe.sh; fail "the page's recipe gives '$recomputed', the draw '$drawn'"; }

# --- the feed: well-formed Atom with absolute links under base_url
xmllint --noout out/site/feed.xml || fail "feed.xml is not well-formed"
[ "$(xmllint --xpath 'count(//*[local-name()="entry"])' out/site/feed.xml)" = 2 ] || fail "feed: not 2 entries"
xmllint --xpath '//*[local-name()="entry"]/*[local-name()="link"]/@href' out/site/feed.xml |
    grep -o 'href="[^"]*"' | grep -qv '^href="https://results.example.test/gov/' &&
    fail "feed: a link outside base_url"
grep -q '<updated>20' out/site/feed.xml || fail "feed: no updated"

# --- idempotent, atomic: the same files again; nothing left beside the site
cp -a out/site before
sc publish --out out/site > /dev/null || fail "second publish exited $?"
diff -r before out/site > /dev/null || { diff -r before out/site | head; fail "publishing twice changed files"; }
[ "$(ls -A out)" = site ] || { ls -la out; fail "something left beside the site: $(ls -A out)"; }
# a leftover of a killed publish is removed by the next one
mkdir -p out/.site.publish-XXdead/data
sc publish --out out/site > /dev/null || fail "publish beside a leftover exited $?"
[ "$(ls -A out)" = site ] || fail "a killed publish's leftover stayed: $(ls -A out)"

# --- the rounds are marked published; the drawn round is not
states=$(sqlite3 -batch site.db "SELECT quarter||'-'||number||'='||state FROM rounds WHERE state!='planned' ORDER BY 1" | tr '\n' ' ')
[ "$states" = "2026Q4-1=published 2026Q4-2=drawn 2027Q1-1=published " ] || fail "round states: $states"

# --- refusals
set +e
"$SPOTCHECK_BIN" --db site.db publish > /dev/null 2> noout.err; s1=$?
mkdir -p home && echo keep > home/notes.txt
sc publish --out home > /dev/null 2> home.err; s2=$?
"$SPOTCHECK_BIN" --db missing.db publish --out x > /dev/null 2> nodb.err; s3=$?
set -e
[ $s1 -eq 2 ] && grep -q "out_dir" noout.err || fail "publish without --out: exit $s1"
[ $s2 -eq 2 ] && [ -f home/notes.txt ] && [ ! -e home/index.html ] || fail "a foreign --out: exit $s2"
[ $s3 -ne 0 ] && [ ! -e missing.db ] || fail "a missing database: exit $s3"
# [publish] out_dir is the default
printf '[publish]\nout_dir = %s/cfgsite\n' "$tmp" > out.conf
"$SPOTCHECK_BIN" --db site.db --config out.conf publish > /dev/null || fail "publish to out_dir"
[ -s cfgsite/index.html ] || fail "[publish] out_dir not used"
echo "publish: layout, escaping, CSV + datapackage, JSON, Atom, idempotence, atomic swap, refusals: ok"
