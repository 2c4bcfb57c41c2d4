#!/bin/bash
# content_config: `spotcheck check --config FILE` overrides the rule table with its [rules]
# section; a bad key or value, or a rule key outside [rules], is a usage error (exit 2) naming
# the file and the line, before anything is fetched.
set -euo pipefail
source "$(dirname "$0")/lib/skip.sh"
require_tools jq
: "${SPOTCHECK_BIN:?}"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

printf '[rules]\n# ok so far\nwindow.news = 7\nwindow.nwes = 3\n' > "$tmp/bad-key.conf"
printf '[rules]\npoints.broken_link_home = lots\n' > "$tmp/bad-value.conf"
printf '[rules]\npass_score = 120\n' > "$tmp/out-of-range.conf"
printf '# the old format, without a section\nwindow.news = 7\n' > "$tmp/sectionless.conf"
printf '[network]\nwindow.news = 7\n' > "$tmp/wrong-section.conf"
for spec in "bad-key.conf:4: unknown key \"window.nwes\" in [rules]" \
            "bad-value.conf:2: [rules] points.broken_link_home: \"lots\" is not a number" \
            "out-of-range.conf:2: [rules] pass_score: 120 is outside 0..100" \
            "sectionless.conf:2: \"window.news\" is outside any section; put it under [rules]" \
            "wrong-section.conf:2: unknown key \"window.news\" in [network]; it belongs in [rules]"; do
    file=${spec%%:*}
    set +e
    "$SPOTCHECK_BIN" check --config "$tmp/$file" --no-dns --timeout 1 http://nowhere.invalid/ \
        > "$tmp/out" 2> "$tmp/err"
    rc=$?
    set -e
    [ $rc -eq 2 ] || { cat "$tmp/err"; fail "$file: exit $rc, want 2"; }
    grep -qF "$tmp/$spec" "$tmp/err" || { cat "$tmp/err"; fail "$file: message lacks '$spec'"; }
    [ ! -s "$tmp/out" ] || fail "$file: wrote output"
done
set +e
"$SPOTCHECK_BIN" check --config "$tmp/missing.conf" http://nowhere.invalid/ 2> "$tmp/err"
rc=$?
set -e
[ $rc -eq 2 ] || fail "missing config: exit $rc, want 2"
grep -qF "missing.conf" "$tmp/err" || fail "missing config: message does not name the file"
# A valid file takes effect: with the unreachable veto off and a pass score of 0, an
# unreachable site passes (exit 0) and its defect is only information.
printf '[rules]\nveto.unreachable = 0\npass_score = 0   # lenient\n' > "$tmp/lenient.conf"
set +e
"$SPOTCHECK_BIN" check --config "$tmp/lenient.conf" --no-dns --timeout 1 --format json \
    http://nowhere.invalid/ > "$tmp/out" 2> "$tmp/err"
rc=$?
set -e
[ $rc -eq 0 ] || { cat "$tmp/err"; fail "lenient config: exit $rc, want 0"; }
jq -e '.sites[0].reachable == false and .sites[0].verdict == "pass" and
       ([.sites[0].defects[] | select(.kind == "unreachable" and .severity == "info")] | length) == 1' \
    "$tmp/out" > /dev/null || { cat "$tmp/out"; fail "lenient config not applied"; }
set +e
"$SPOTCHECK_BIN" check --no-dns --timeout 1 http://nowhere.invalid/ > /dev/null 2>&1
rc=$?
set -e
[ $rc -eq 1 ] || fail "default rules: an unreachable site must fail (exit $rc)"
echo "content_config: bad rule files rejected with file and line; overrides applied"
