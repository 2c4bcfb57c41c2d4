#!/bin/bash
# check_farm: precision and recall of `spotcheck check` against the farm's ground truth.
# Every planted broken link must be reported with its expected result (broken or
# suspected); no trap (HEAD 405, 429 then 200, redirects to good pages, fragments, dot
# segments, Chinese paths, working external links) may be reported; no other link may be
# reported as confirmed broken. Sites the farm does not serve or keeps down must come out
# unreachable. Every link record carries its redirect chain: a redirect_ok trap its two
# hops, a redirect loop its hop up to the repeat, an endless chain as many hops as the
# limit (5). Prints the figures.
set -euo pipefail
source "$(dirname "$0")/lib/skip.sh"
require_tools jq
: "${SPOTCHECK_BIN:?}" "${SPOTCHECK_BUILD:?}" "${SPOTCHECK_SRC:?}"
[ -f "$SPOTCHECK_SRC/tests/farm/CMakeLists.txt" ] || skip "this tree has no farm (tests/farm)"
# shellcheck source=lib/farm.sh
. "$SPOTCHECK_SRC/tests/integration/lib/farm.sh"
tmp=$(mktemp -d)
cleanup() { farm_stop >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
[ -x "$FARM_BIN" ] || fail "no farm binary at $FARM_BIN"

total_planted=0 total_found=0 total_traps=0 total_trap_hits=0 total_extra_broken=0
total_extra_suspected=0 total_chains=0
for spec in "1 3" "7 12" "23 8"; do
    read -r seed nsites <<<"$spec"
    dir=$tmp/farm-$seed
    farm_generate "$dir" "$seed" "$nsites" > /dev/null
    farm_start "$dir"
    mapfile -t urls < <(jq -r '.sites[].url' "$dir/truth.json")
    start=$(date +%s.%N)
    set +e
    # --all-links: the working redirect_ok traps are listed too, with their chains.
    "$SPOTCHECK_BIN" check "${urls[@]}" --format json --all-links --no-dns "${FARM_CONNECT_ARGS[@]}" \
        --timeout 3 --retries 2 --delay 0 --per-host 4 --concurrency 16 \
        --max-pages 5000 --max-depth 50 > "$tmp/out-$seed.json" 2> "$tmp/err-$seed.txt"
    rc=$?
    set -e
    secs=$(awk -v a="$(date +%s.%N)" -v b="$start" 'BEGIN { printf "%.2f", a - b }')
    farm_stop
    [ $rc -le 1 ] || { cat "$tmp/err-$seed.txt"; fail "seed $seed: exit status $rc"; }
    out=$tmp/out-$seed.json
    truth=$dir/truth.json

    # Sites the farm does not serve, or keeps down, are unreachable; the others reachable.
    jq -r '.sites[] | "\(.url) \(.served and (.down | not))"' "$truth" | sort > "$tmp/want-reach"
    jq -r '.sites[] | "\(.url) \(.reachable)"' "$out" | sort > "$tmp/got-reach"
    diff "$tmp/want-reach" "$tmp/got-reach" || fail "seed $seed: reachability differs"

    jq -r '.sites[] | (.broken_links // [])[] | "\(.url) \(.expected_result)"' "$truth" | sort -u > "$tmp/planted"
    jq -r '.sites[] | .links[] | select(.result == "broken" or .result == "suspected") |
           "\(.url) \(.result)"' "$out" | sort -u > "$tmp/reported"
    jq -r '.sites[] | (.traps // [])[] | .url' "$truth" | sort -u > "$tmp/traps"
    planted=$(wc -l < "$tmp/planted")
    found=$(comm -12 "$tmp/planted" "$tmp/reported" | wc -l)
    missed=$(comm -23 "$tmp/planted" "$tmp/reported")
    extra=$(comm -13 "$tmp/planted" "$tmp/reported")
    trap_hits=$(cut -d' ' -f1 "$tmp/reported" | sort -u | comm -12 - "$tmp/traps")
    ntraps=$(wc -l < "$tmp/traps")
    nhits=$(printf '%s' "$trap_hits" | grep -c . || true)
    extra_broken=$(printf '%s\n' "$extra" | grep -c ' broken$' || true)
    extra_suspected=$(printf '%s\n' "$extra" | grep -c ' suspected$' || true)
    printf 'seed %-3s %2d sites: planted %3d found %3d | traps %3d reported %d | extra broken %d suspected %d | %.1fs\n' \
        "$seed" "$nsites" "$planted" "$found" "$ntraps" \
        "$nhits" "$extra_broken" "$extra_suspected" "$secs"
    [ -z "$missed" ] || { echo "missed or misclassified:"; echo "$missed";
        echo "reported as:"; while read -r u _; do grep -F "$u " "$tmp/reported" || echo "$u (not reported)"; done <<<"$missed"; fail "seed $seed: recall"; }
    [ -z "$trap_hits" ] || { echo "$trap_hits"; fail "seed $seed: a trap was reported"; }
    [ "$extra_broken" -eq 0 ] || { echo "$extra"; fail "seed $seed: links reported broken that the truth does not plant"; }

    # Redirect chains, exactly, in every record of the URL (each site that links to it).
    chains=$(jq -r --slurpfile out "$out" '
        .sites[] | select(.served and (.down | not)) | . as $site |
        (((.traps // [])[] | select(.kind == "redirect_ok") |
            {url, want: [(.url | sub("/[^/]*$"; "/step2.html")), $site.columns[0].url]}),
         ((.broken_links // [])[] | select(.reason == "redirect_loop") |
            {url, want: [(.url | sub("/[^/]*$"; "/b.html"))]}),
         ((.broken_links // [])[] | select(.reason == "too_many_redirects") |
            {url, want: [range(1; 6) as $k | "\(.url)?n=\($k)"]})) |
        . as $t | [$out[0].sites[].links[] | select(.url == $t.url)] as $got |
        if ($got | length) == 0 then "BAD \($t.url): not in links[]"
        elif any($got[]; .redirects != $t.want) then
            "BAD \($t.url): redirects \([$got[].redirects] | unique | tojson), want \($t.want | tojson)"
        else "ok \($t.url)" end' "$truth")
    nchains=$(printf '%s\n' "$chains" | grep -c '^ok ' || true)
    if printf '%s\n' "$chains" | grep -q '^BAD '; then
        printf '%s\n' "$chains" | grep '^BAD '; fail "seed $seed: redirect chains"
    fi
    # No chain on a link that was not redirected: "redirects" only when there are hops.
    jq -e '[.sites[].links[] | select(has("redirects")) | select((.redirects | length) == 0 or
            .final_url != .redirects[-1])] | length == 0' "$out" > /dev/null ||
        fail "seed $seed: an empty chain, or one that does not end at final_url"
    echo "seed $seed: $nchains redirect chains as planted"
    total_chains=$((total_chains + nchains))
    total_planted=$((total_planted + planted)); total_found=$((total_found + found))
    total_traps=$((total_traps + ntraps)); total_trap_hits=$((total_trap_hits + nhits))
    total_extra_broken=$((total_extra_broken + extra_broken))
    total_extra_suspected=$((total_extra_suspected + extra_suspected))
done
echo "check_farm: recall $total_found/$total_planted planted broken links, $total_trap_hits/$total_traps traps reported," \
     "$total_extra_broken false broken, $total_extra_suspected unplanted suspected (flaky sites)," \
     "$total_chains redirect chains as planted"
[ "$total_chains" -gt 0 ] || fail "no redirect trap or loop planted: the chains went untested"
