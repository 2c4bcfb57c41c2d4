#!/bin/bash
# content_corpus: the eight real government homepages (../shared/corpus/real) served on
# loopback and checked end to end by `spotcheck check` as of 2018-03-31 (list pages absent):
# the crawler decodes them (GB18030 and UTF-8), the content probes read them. Reports labelled
# columns found with the right latest date, sections and site codes right against
# labels.json; fails under 90% of columns. Skips (exit 77) when the corpus is absent. The pages are
# served by the farm's server (tests/farm) from a temporary copy.
set -euo pipefail
source "$(dirname "$0")/lib/skip.sh"
require_tools jq
: "${SPOTCHECK_BIN:?}" "${SPOTCHECK_SRC:?}"
corpus="${SPOTCHECK_SHARED:-$SPOTCHECK_SRC/../shared}/corpus/real"
[ -f "$corpus/labels.json" ] || skip "corpus not found at $corpus (set by SPOTCHECK_SHARED)"
tmp=$(mktemp -d)
export SPOTCHECK_BUILD="${SPOTCHECK_BUILD:-$(dirname "$SPOTCHECK_BIN")}"
source "$SPOTCHECK_SRC/tests/integration/lib/farm.sh"
cleanup() { farm_stop >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# Serve each page as the homepage of its own host with the farm's server: a faults.json
# naming every host as a static site, no charset in the header (each page's meta declares it).
mapfile -t urls < <(jq -r '.pages[].url' "$corpus/labels.json")
mkdir -p "$tmp/www/sites"
{
    echo '{"farm": 1, "sites": ['
    sep=
    for u in "${urls[@]}"; do
        host=${u#http://}; host=${host%%/*}
        file=$(jq -r --arg u "$u" '.pages[] | select(.url == $u) | .file' "$corpus/labels.json")
        mkdir -p "$tmp/www/sites/$host"
        cp "$corpus/$file" "$tmp/www/sites/$host/index.html"
        printf '%s{"host": "%s", "mode": "static", "root": "sites/%s", "header_charset": ""}\n' \
            "$sep" "$host" "$host"
        sep=,
    done
    echo '], "faults": []}'
} > "$tmp/www/faults.json"
farm_start "$tmp/www" || fail "the farm server did not start on the corpus"
args=("${FARM_CONNECT_ARGS[@]}")

set +e
"$SPOTCHECK_BIN" check "${urls[@]}" "${args[@]}" --no-dns --now 2018-03-31 --format json \
    --max-depth 0 --timeout 5 --delay 0 --per-host 8 --concurrency 16 > "$tmp/out.json" 2> "$tmp/err"
rc=$?
set -e
[ $rc -le 1 ] || { cat "$tmp/err"; fail "exit status $rc"; }

# label lines and output lines, joined on (site url, column name)
jq -r '.pages[] | .url as $u | .columns[] | "\($u)\t\(.name)\t\(.latest)"' "$corpus/labels.json" \
    | sort > "$tmp/want"
jq -r '.sites[] | .url as $u | .columns[] | "\($u)\t\(.name)\t\(.latest)"' "$tmp/out.json" \
    | sort -u > "$tmp/got"
total=$(wc -l < "$tmp/want")
right=$(comm -12 "$tmp/want" "$tmp/got" | wc -l)
found=$(cut -f1,2 "$tmp/want" | sort | comm -12 - <(cut -f1,2 "$tmp/got" | sort -u) | wc -l)
# sections: present (a link found) in the labels vs in the output, for the four main ones
jq -r '.pages[] | .url as $u | .sections | to_entries[] | "\($u)\t\(.key)\t\(.value != null)"' \
    "$corpus/labels.json" | sort > "$tmp/want-sec"
jq -r '.sites[] | .url as $u | .sections[] | select(.name == "政府信息公开" or .name == "政策解读" or
       .name == "办事服务" or .name == "互动交流") | "\($u)\t\(.name)\t\(.url != null)"' \
    "$tmp/out.json" | sort > "$tmp/got-sec"
sec_total=$(wc -l < "$tmp/want-sec")
sec_right=$(comm -12 "$tmp/want-sec" "$tmp/got-sec" | wc -l)
jq -r '.pages[] | "\(.url)\t\(.site_code)"' "$corpus/labels.json" | sort > "$tmp/want-code"
jq -r '.sites[] | "\(.url)\t\(.site_code)"' "$tmp/out.json" | sort > "$tmp/got-code"
code_total=$(wc -l < "$tmp/want-code")
code_right=$(comm -12 "$tmp/want-code" "$tmp/got-code" | wc -l)
echo "content_corpus (served, as of 2018-03-31): columns found $found/$total, right latest date" \
     "$right/$total; sections $sec_right/$sec_total; site codes $code_right/$code_total"
comm -23 "$tmp/want" "$tmp/got" | sed 's/^/  missed: /'
[ $((right * 100)) -ge $((total * 90)) ] || fail "under 90% of labelled columns dated right"
[ $((sec_right * 100)) -ge $((sec_total * 90)) ] || fail "under 90% of sections right"
[ "$code_right" -eq "$code_total" ] || fail "site codes differ"
# blank columns (issue 12): none of the labelled homepages has one; the empty-block finder,
# the navigation and the section index links must raise no false alarm (their list pages
# are not in the corpus: a page that does not load is no blank column)
blank=$(jq -r '.sites[] | .url as $u | .columns[] | select(.blank) | "\($u) \(.name) \(.found_in)"' "$tmp/out.json")
echo "content_corpus: blank columns reported: $(grep -c . <<<"$blank" || true)"
[ -z "$blank" ] || { sed 's/^/  blank: /' <<<"$blank"; fail "blank-column false alarms"; }
