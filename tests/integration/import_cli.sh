#!/usr/bin/env bash
# import_cli: `spotcheck import` and `spotcheck sites` through the real binary: the bundled
# demo registry (UTF-8 and GBK give the same sites), a broken CSV that lists every bad row
# with its line and changes nothing, --skip-invalid, exit codes, and the output formats.
set -euo pipefail
source "$(dirname "$0")/lib/skip.sh"
require_tools jq sqlite3
bin=${SPOTCHECK_BIN:?}
src=${SPOTCHECK_SRC:?}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
db="$tmp/s.db"

demo="$src/docs/demo/registry.csv"
demo_gbk="$src/docs/demo/registry-gbk.csv"
[ -f "$demo" ] || fail "the bundled demo registry $demo is missing"

# 1. the demo registry imports; sites --format json prints every site
"$bin" --db "$db" import "$demo" >"$tmp/out" || fail "demo import failed"
rows=$(( $(grep -c . "$demo") - 1 ))  # non-empty lines minus the header (no embedded newlines)
count=$("$bin" --db "$db" sites --all --format json | jq '.sites | length')
[ "$count" -eq "$rows" ] || fail "sites --format json lists $count sites, the registry has $rows rows"
[ "$("$bin" --db "$db" sites --all --format json | jq -r '.count')" -eq "$rows" ] || fail "count field"
"$bin" --db "$db" sites --format json | jq -e '.sites | all(.code and .name and .url and .status)' >/dev/null \
  || fail "a site lacks code/name/url/status"
normal=$("$bin" --db "$db" sites --status 正常运行 --format json | jq '.sites | length')
normal_en=$("$bin" --db "$db" sites --status normal --format json | jq '.sites | length')
[ "$normal" -eq "$normal_en" ] && [ "$normal" -gt 0 ] && [ "$normal" -lt "$rows" ] \
  || fail "status filter: $normal normal of $rows"

# 2. the GBK copy (bundled too: its absence is a failure, not a silently skipped step) is
#    detected and gives the same sites
[ -f "$demo_gbk" ] || fail "the bundled GBK demo registry $demo_gbk is missing"
"$bin" --db "$tmp/gbk.db" import "$demo_gbk" | grep -q "(GBK)" || fail "GBK not detected"
diff <("$bin" --db "$db" sites --all --format csv) <("$bin" --db "$tmp/gbk.db" sites --all --format csv) \
  || fail "GBK and UTF-8 registries differ"

# 3. CSV output imports again unchanged
"$bin" --db "$db" sites --all --format csv >"$tmp/roundtrip.csv"
"$bin" --db "$db" import "$tmp/roundtrip.csv" | grep -q "0 added, 0 updated, 0 status changes" \
  || fail "re-importing our own CSV output changed something"

# 3b. Regression: a value with leading or trailing blanks (kept inside quotes on import) was
#     written unquoted, so re-importing our own CSV trimmed it and "updated" the site.
printf '网站标识码,网站名称,首页网址,主办单位,运行状态\n4300000077,"省政府 ",http://www.hunan.gov.cn/,"  办公厅",正常运行\n' >"$tmp/blank.csv"
"$bin" --db "$tmp/blank.db" import "$tmp/blank.csv" >/dev/null || fail "blank import"
"$bin" --db "$tmp/blank.db" sites --format csv >"$tmp/blank2.csv"
"$bin" --db "$tmp/blank.db" import "$tmp/blank2.csv" | grep -q "0 added, 0 updated, 0 status changes" \
  || fail "values with blanks do not survive a CSV round trip: $(cat "$tmp/blank2.csv")"

# 4. a broken CSV: every bad row with its line number, exit 2, nothing changed
before=$(sqlite3 "$db" "SELECT count(*)||'/'||sum(listed) FROM sites; SELECT count(*) FROM registry_imports;")
cat >"$tmp/bad.csv" <<'CSV'
网站标识码,网站名称,首页网址,主办单位,所属地区,级别,网站类型,运行状态,联系人,联系电话,电子邮箱
4300000077,湖南省人民政府,http://www.hunan.gov.cn/,湖南省人民政府办公厅,湖南省,省级,政府门户网站,正常运行,张三,0731-1,a@hunan.gov.cn
43000000,短码,http://a.hunan.gov.cn/,,,,,正常运行,,,
4300000078,坏状态,http://b.hunan.gov.cn/,,,,,在跑,,,
4300000079,坏网址,not a url,,,,,正常运行,,,
CSV
set +e
"$bin" --db "$db" import "$tmp/bad.csv" 2>"$tmp/err"
rc=$?
set -e
[ $rc -eq 2 ] || fail "broken CSV: exit $rc, want 2"
grep -q "bad.csv:3:.*10 characters" "$tmp/err" || fail "line 3 not reported: $(cat "$tmp/err")"
grep -q "bad.csv:4:.*unknown status" "$tmp/err" || fail "line 4 not reported"
grep -q "bad.csv:5:.*URL" "$tmp/err" || fail "line 5 not reported"
grep -q "nothing imported" "$tmp/err" || fail "no 'nothing imported'"
after=$(sqlite3 "$db" "SELECT count(*)||'/'||sum(listed) FROM sites; SELECT count(*) FROM registry_imports;")
[ "$before" = "$after" ] || fail "a refused import changed the database ($before -> $after)"

# 5. an unterminated quote is refused even with --skip-invalid
printf '网站标识码,网站名称,首页网址,运行状态\n4300000077,"open,http://x.gov.cn/,正常运行\n' >"$tmp/open.csv"
set +e
"$bin" --db "$db" import --skip-invalid "$tmp/open.csv" 2>"$tmp/err"; rc=$?
set -e
[ $rc -eq 2 ] && grep -q "line 2" "$tmp/err" || fail "unterminated quote: exit $rc $(cat "$tmp/err")"

# 6. --skip-invalid imports the good row and reports the rest
"$bin" --db "$tmp/skip.db" import --skip-invalid "$tmp/bad.csv" 2>"$tmp/err" >"$tmp/out" || fail "--skip-invalid failed"
[ "$("$bin" --db "$tmp/skip.db" sites --format json | jq '.sites | length')" -eq 1 ] || fail "--skip-invalid count"
grep -q "bad.csv:4:" "$tmp/err" || fail "--skip-invalid did not report bad rows"

# 7. usage errors and missing files exit 2; a non-database exits 3
set +e
"$bin" --db "$db" import 2>/dev/null; [ $? -eq 2 ] || fail "import without file"
"$bin" --db "$db" import "$tmp/none.csv" 2>/dev/null; [ $? -eq 2 ] || fail "missing file"
"$bin" --db "$db" sites --format xml 2>/dev/null; [ $? -eq 2 ] || fail "bad format"
"$bin" --db "$db" sites --status running 2>/dev/null; [ $? -eq 2 ] || fail "bad status"
"$bin" --now 2026-02-30 sites 2>/dev/null; [ $? -eq 2 ] || fail "bad --now"
"$bin" nosuchcommand 2>/dev/null; [ $? -eq 2 ] || fail "unknown command"
echo "not a database, just text, long enough to be read as a header page..." >"$tmp/junk.db"
"$bin" --db "$tmp/junk.db" sites 2>/dev/null; [ $? -eq 3 ] || fail "junk database should exit 3"
set -e
# 8. Regression: a file with no valid site row (only a header: a truncated export; or every
#    row invalid under --skip-invalid) was "imported" and marked every site no longer listed.
#    It is refused and changes nothing.
before=$(sqlite3 "$db" "SELECT count(*)||'/'||sum(listed) FROM sites; SELECT count(*) FROM registry_imports;")
printf '网站标识码,网站名称,首页网址,运行状态\r\n' >"$tmp/header.csv"
printf '网站标识码,网站名称,首页网址,运行状态\n43,x,http://x.gov.cn/,正常运行\n' >"$tmp/allbad.csv"
set +e
"$bin" --db "$db" import "$tmp/header.csv" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "no valid site" "$tmp/err" || fail "header-only file: exit $rc $(cat "$tmp/err")"
"$bin" --db "$db" import --skip-invalid "$tmp/allbad.csv" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "no valid site" "$tmp/err" || fail "all rows invalid: exit $rc $(cat "$tmp/err")"
set -e
after=$(sqlite3 "$db" "SELECT count(*)||'/'||sum(listed) FROM sites; SELECT count(*) FROM registry_imports;")
[ "$before" = "$after" ] || fail "an import without valid rows changed the database ($before -> $after)"

# 9. A database this user may not write (opened read-only): tests/integration/import_readonly.sh,
#    its own test because as root it runs as another user (issue 14).

# 10. Regression: a reading command given a database that does not exist (a mistyped --db)
#     created an empty one and answered from it ("0 sites", "not drawn"). It is refused with
#     exit 2 and nothing is created.
for cmd in "sites" "plan 2026Q4" "verify 2026Q4 1"; do
  set +e
  "$bin" --db "$tmp/typo.db" $cmd >/dev/null 2>"$tmp/err"; rc=$?
  set -e
  [ $rc -eq 2 ] && grep -q "no database" "$tmp/err" || fail "$cmd on a missing database: exit $rc $(cat "$tmp/err")"
  [ ! -e "$tmp/typo.db" ] || fail "$cmd created $tmp/typo.db"
done

"$bin" --help | grep -q "import" || fail "--help"
"$bin" import --help | grep -q "skip-invalid" || fail "import --help"
# every document a --help names exists (it named docs/configuration.md, which does not)
for cmd in "" import sites plan draw verify; do
  "$bin" $cmd --help | grep -o 'docs/[a-z_]*\.md' | while read -r doc; do
    [ -f "$src/$doc" ] || fail "spotcheck $cmd --help names $doc, which does not exist"
  done
done
echo "import_cli: ok"
