#!/bin/bash
# content_farm: precision and recall of the content probes through `spotcheck check` against
# the farm's ground truth (truth.json): stale columns, blank columns, missing sections, stale
# homepages and missing site codes, over at least 40 served farm sites with every layout
# (div, table, tabs) and date style. Also counts columns found with the right latest date
# and category, and each site's verdict against the truth's (its planted veto items).
# Columns and blank columns carry where they were found (homepage, navigation, section_index:
# issue 12), navigation-only homepages included; blank, stale and all columns are also held
# on each layout and charset, and blank columns on each form of empty list page.
# Prints the figures; fails below 100% (the farm is the easy case).
set -euo pipefail
source "$(dirname "$0")/lib/skip.sh"
require_tools jq
: "${SPOTCHECK_BIN:?}" "${SPOTCHECK_BUILD:?}" "${SPOTCHECK_SRC:?}"
# shellcheck source=lib/farm.sh
. "$SPOTCHECK_SRC/tests/integration/lib/farm.sh"
[ -f "$SPOTCHECK_SRC/tests/farm/CMakeLists.txt" ] || skip "this tree has no farm (tests/farm)"
tmp=$(mktemp -d)
cleanup() { farm_stop >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# the tree has a farm, so its binary missing is a broken build: a failure, not a skip
[ -x "$FARM_BIN" ] || fail "no farm binary at $FARM_BIN"

# the four main sections, each its own figure (found where the truth has it, at its URL)
sections='{"政府信息公开":"disclosure","政策解读":"interpretation","办事服务":"services","互动交流":"interaction"}'
# the key elements of a service guide (服务不实用), each its own figure
elements='{"事项名称":"name","办事依据":"basis","受理单位":"unit","基本流程":"process","申请材料":"materials","收费标准":"fees","办理时限":"time_limit","咨询电话":"phone"}'
: > "$tmp/truth.txt"
: > "$tmp/got.txt"
nsites=0
# CONTENT_FARM_SEEDS="seed sites [profile],..." runs other farms (default: two test farms of 30
# sites and a demo farm of 30)
# (a third word names the profile: test by default; the demo profile plants hidden columns too,
# each seed once)
IFS=, read -r -a specs <<<"${CONTENT_FARM_SEEDS:-5 30,11 30,7 30 demo}"
for spec in "${specs[@]}"; do
    read -r seed n profile <<<"$spec"
    dir=$tmp/farm-$seed
    farm_generate "$dir" "$seed" "$n" --profile "${profile:-test}" > /dev/null
    farm_start "$dir"
    as_of=$(jq -r .as_of "$dir/truth.json")
    mapfile -t urls < <(jq -r '.sites[] | select(.served and (.down | not)) | .url' "$dir/truth.json")
    nsites=$((nsites + ${#urls[@]}))
    set +e
    "$SPOTCHECK_BIN" check "${urls[@]}" --format json --no-dns "${FARM_CONNECT_ARGS[@]}" \
        --now "$as_of" --timeout 5 --retries 2 --delay 0 --per-host 4 --concurrency 16 \
        --max-pages 5000 --max-depth 50 > "$tmp/out-$seed.json" 2> "$tmp/err-$seed.txt"
    rc=$?
    set -e
    farm_stop
    # for the figures by layout, charset and blank form: each site of this farm as "seed/url"
    jq -r --arg s "$seed" '.sites[] | select(.served and (.down | not)) |
        "\($s)/\(.url) \(.layout) \(.charset)"' "$dir/truth.json" >> "$tmp/groups"
    jq -r --arg s "$seed" '.sites[] | select(.served and (.down | not)) | .url as $u | .columns[] |
        select(.blank) | "\($s)/\($u) \(.url) \(.blank_list_form) \(.blank_home_form)"' \
        "$dir/truth.json" >> "$tmp/forms"
    [ $rc -le 1 ] || { cat "$tmp/err-$seed.txt"; fail "seed $seed: exit status $rc"; }
    # One line per finding: "<kind> <site url> <what>", from the truth and from the output.
    # Every column counts wherever it is shown: a homepage block, only the navigation (a
    # navigation-only homepage's columns too) or only a section's column index page; blank
    # columns and columns carry where they were found (found_in).
    jq -r '.sites[] | select(.served and (.down | not)) | . as $s |
        ( .columns[] | select(.stale and (.blank | not)) | "stale_column \($s.url) \(.url)" ),
        ( .columns[] | select(.blank) | "blank_column \($s.url) \(.url) \(.found_in)" ),
        ( .columns[] | "column \($s.url) \(.url) \(.name) \(.category) \(.latest) \(.found_in)" ),
        ( .sections[] | select(.present | not) | "missing_section \($s.url) \(.name)" ),
        ( .sections[] | select(.present) | "section_\($sec[.name]) \($s.url) \(.url)" ),
        ( select(.homepage.mode == "navigation") |
            "navigation_homepage \(.url) \(.homepage.latest) \(.homepage.stale)" ),
        ( select(.homepage.stale) | "stale_homepage \($s.url) -" ),
        ( select(.site_code_shown | not) | "missing_site_code \($s.url) -" ),
        ( .interaction.unanswered[]? | "unanswered_message \($s.url) \(.url) \(.asked) \(.title)" ),
        ( select(.interaction.no_channel) | "interaction_veto \($s.url) -" ),
        ( .interaction.channels[]? | "channel \($s.url) \(.name) \(.url) \(.works) \(.messages_seen) \(.answered) \(.median_response_days)" ),
        "verdict \(.url) \(.verdict)",
        ( .services // empty | .guides[] | select(.checked) |
            ( "guide \($s.url) \(.url) \(.name)",
              ( select(.missing | length > 0) | "incomplete_guide \($s.url) \(.url)",
                  "defect_incomplete_guide \($s.url) \(.url)" ),
              ( . as $g | .missing[] | "missing_\($el[.]) \($s.url) \($g.url)" ) ) )' \
        --argjson sec "$sections" --argjson el "$elements" "$dir/truth.json" > "$tmp/truth-$seed.txt"
    jq -r '.sites[] | . as $s |
        ( .columns[] | select(.stale and (.blank | not)) | "stale_column \($s.url) \(.url)" ),
        ( .columns[] | select(.blank) | "blank_column \($s.url) \(.url) \(.found_in)" ),
        ( .columns[] | "column \($s.url) \(.url) \(.name) \(.category) \(.latest) \(.found_in)" ),
        ( .sections[] | select(.present | not) | select(.name == "政府信息公开" or
            .name == "政策解读" or .name == "办事服务" or .name == "互动交流") |
            "missing_section \($s.url) \(.name)" ),
        ( .sections[] | select(.present) | select($sec[.name] != null) |
            "section_\($sec[.name]) \($s.url) \(.url)" ),
        ( select(.homepage.mode == "navigation") |
            "navigation_homepage \(.url) \(.homepage.latest) \(.homepage.stale)" ),
        ( select(.homepage.stale) | "stale_homepage \($s.url) -" ),
        ( select(.site_code == null) | "missing_site_code \($s.url) -" ),
        ( .interaction.unanswered[]? | "unanswered_message \($s.url) \(.url) \(.asked) \(.title)" ),
        ( .defects[] | select(.kind == "no_interaction_channel" and .severity == "veto") |
            "interaction_veto \($s.url) -" ),
        ( .interaction.channels[]? | select(.works != null) |
            "channel \($s.url) \(.name) \(.url) \(.works) \(.messages_seen) \(.answered) \(.median_response_days)" ),
        "verdict \(.url) \(.verdict)",
        ( .services // empty | .guides[] |
            ( "guide \($s.url) \(.url) \(.name)",
              ( select(.missing | length > 0) | "incomplete_guide \($s.url) \(.url)" ),
              ( . as $g | .missing[] | "missing_\($el[.]) \($s.url) \($g.url)" ) ) ),
        ( .defects[] | select(.kind == "incomplete_guide") |
            "defect_incomplete_guide \($s.url) \(.url)" )' \
        --argjson sec "$sections" --argjson el "$elements" "$tmp/out-$seed.json" > "$tmp/got-$seed.txt"
    cat "$tmp/truth-$seed.txt" >> "$tmp/truth.txt"
    cat "$tmp/got-$seed.txt" >> "$tmp/got.txt"
done
sort -u "$tmp/truth.txt" -o "$tmp/truth.txt"
sort -u "$tmp/got.txt" -o "$tmp/got.txt"
echo "content_farm: $nsites served sites"
[ "$nsites" -ge 40 ] || fail "only $nsites sites"
# figures SET [KIND...]: prints precision/recall per kind (default: all) over truth.SET /
# got.SET; returns 1 unless 100%
figures() {
    local set=$1 rc=0 kind want got both p r label kinds
    shift
    kinds=("$@")
    [ ${#kinds[@]} -gt 0 ] || kinds=(stale_column blank_column missing_section stale_homepage \
        missing_site_code column verdict section_disclosure section_interpretation \
        section_services section_interaction navigation_homepage guide incomplete_guide \
        defect_incomplete_guide missing_name missing_basis missing_unit missing_process \
        missing_materials missing_fees missing_time_limit missing_phone unanswered_message \
        interaction_veto channel)
    for kind in "${kinds[@]}"; do
        want=$(grep -c "^$kind " "$tmp/truth.$set" || true)
        got=$(grep -c "^$kind " "$tmp/got.$set" || true)
        both=$(comm -12 <(grep "^$kind " "$tmp/truth.$set" || true) \
                        <(grep "^$kind " "$tmp/got.$set" || true) | wc -l)
        p=$(awk -v b="$both" -v n="$got" 'BEGIN { printf "%.1f", n ? 100 * b / n : 100 }')
        r=$(awk -v b="$both" -v n="$want" 'BEGIN { printf "%.1f", n ? 100 * b / n : 100 }')
        label=$kind
        [ "$kind" = column ] && label="columns (name url cat. latest where)"
        [ "$kind" = verdict ] && label="verdicts (pass/fail by the vetoes)"
        [ "$kind" = navigation_homepage ] && label="navigation-only homepages (latest)"
        [ "$kind" = guide ] && label="service guides checked (url name)"
        [ "$kind" = unanswered_message ] && label="unanswered messages (url day title)"
        [ "$kind" = interaction_veto ] && label="no working channel (veto)"
        [ "$kind" = channel ] && label="channels (works seen answered median)"
        [ "$kind" = unanswered_message ] && label="unanswered messages (url day title)"
        [ "$kind" = interaction_veto ] && label="no working channel (veto)"
        [ "$kind" = channel ] && label="channels (works seen answered median)"
        printf '  %-36s truth %4d reported %4d agree %4d  precision %5s%%  recall %5s%%\n' \
            "$label" "$want" "$got" "$both" "$p" "$r"
        if [ "$both" -ne "$want" ] || [ "$both" -ne "$got" ]; then
            rc=1
            comm -23 <(grep "^$kind " "$tmp/truth.$set" || true) \
                     <(grep "^$kind " "$tmp/got.$set" || true) | head -3 | sed 's/^/    missed: /'
            comm -13 <(grep "^$kind " "$tmp/truth.$set" || true) \
                     <(grep "^$kind " "$tmp/got.$set" || true) | head -3 | sed 's/^/    extra:  /'
        fi
    done
    return $rc
}
# the lines of every farm with their sites named "seed/url", for the subsets below
for spec in "${specs[@]}"; do
    read -r seed n <<<"$spec"
    for set in truth got; do
        awk -v s="$seed" '{ $2 = s "/" $2; print }' "$tmp/$set-$seed.txt" >> "$tmp/$set.seeded"
    done
done
cp "$tmp/truth.txt" "$tmp/truth.all"
cp "$tmp/got.txt" "$tmp/got.all"
figures all || fail "the content probes disagree with the farm's truth"
# the planted shapes are there to be found: every kind above has truth lines
for kind in navigation_homepage section_disclosure section_interpretation section_services section_interaction \
    guide incomplete_guide missing_name missing_basis missing_unit missing_process missing_materials \
    missing_fees missing_time_limit missing_phone unanswered_message interaction_veto channel; do
    grep -q "^$kind " "$tmp/truth.all" || fail "the farms planted no $kind"
done
# 服务不实用: every shape was planted and held above: guides on the site and on the platform,
# tables and headed blocks, each way an element is missing, more guides than the sample
for f in "$tmp"/farm-*/truth.json; do jq -c '.sites[] | select(.services) | .services' "$f"; done > "$tmp/services.jsonl"
for cond in '.guides[] | select(.on_platform)' '.guides[] | select(.on_platform | not)' \
    '.guides[] | select(.form == "table")' '.guides[] | select(.form == "blocks")' \
    '.guides[] | select(.pairs_per_row == 2)' '.guides[] | select(.fee_none)' \
    '.guides[] | select(.missing_how | index("no_label"))' '.guides[] | select(.missing_how | index("empty"))' \
    '.guides[] | select(.missing_how | index("none_yet"))' 'select(.guides_total > .sample)'; do
    [ -n "$(jq -c "$cond" "$tmp/services.jsonl" | head -1)" ] || fail "the farms planted no guide where $cond"
done
# on every charset: guides checked on GBK and on UTF-8 sites alike
for cs in GBK UTF-8; do
    n=$(for f in "$tmp"/farm-*/truth.json; do jq --arg cs "$cs" '[.sites[] | select(.charset == $cs and .services) |
        .services.guides[] | select(.checked and (.on_platform | not))] | length' "$f"; done | awk '{s += $1} END {print s + 0}')
    [ "$n" -gt 0 ] || fail "no on-site guide checked on a $cs site"
done
# blank columns and columns on every layout and charset the farm makes, and blank columns
# by the form their list page takes (暂无信息, an empty list, only its pager)
: > "$tmp/subsets"
for group in "2 div" "2 table" "2 tabs" "3 UTF-8" "3 GBK"; do
    read -r field value <<<"$group"
    awk -v f="$field" -v v="$value" '$f == v { print $1 }' "$tmp/groups" > "$tmp/sites"
    [ -s "$tmp/sites" ] || fail "the farms made no site with $value"
    for set in truth got; do
        awk 'NR == FNR { s[$1]; next } ($2 in s)' "$tmp/sites" "$tmp/$set.seeded" | sort -u \
            > "$tmp/$set.$value"
    done
    echo "  -- $value sites"
    figures "$value" blank_column column stale_column || fail "figures differ on $value sites"
done
for form in zanwu_xinxi empty_list pager_only; do
    awk -v f="$form" '$3 == f { print $1, $2 }' "$tmp/forms" | sort -u > "$tmp/form"
    [ -s "$tmp/form" ] || fail "the farms planted no blank list page of the form $form"
    for set in truth got; do
        awk 'NR == FNR { s[$1 " " $2]; next } ($2 " " $3 in s)' "$tmp/form" "$tmp/$set.seeded" \
            | grep '^blank_column ' | sort -u > "$tmp/$set.$form" || true
    done
    echo "  -- blank list pages: $form"
    figures "$form" blank_column || fail "blank columns of the form $form differ"
done
# every place a column hides and every homepage form is planted; some site reaches the
# blank-column veto only through blank columns its homepage does not show
for where in homepage navigation section_index; do
    grep -q "^blank_column .* $where\$" "$tmp/truth.all" || fail "no blank column found in $where planted"
done
for form in zanwu_xinxi no_rows zanwu_neirong; do
    awk -v f="$form" '$4 == f' "$tmp/forms" | grep -q . || fail "no blank homepage block of the form $form"
done
hidden_veto=0
for spec in "${specs[@]}"; do
    read -r seed n <<<"$spec"
    hidden_veto=$((hidden_veto + $(jq '[.sites[] | select(.vetoes | index("blank_columns")) |
        select([.columns[] | select(.blank and .found_in == "homepage")] | length < 5)] | length' \
        "$tmp/farm-$seed/truth.json")))
done
[ "$hidden_veto" -ge 1 ] || fail "no site reaches the blank-column veto only through hidden columns"
echo "content_farm: $hidden_veto sites reach the blank-column veto through hidden columns"
# the channels are planted on every layout and charset the farm makes
for spec in "${specs[@]}"; do
    read -r seed _ _ <<<"$spec"
    jq -e '[.sites[] | select(.served and (.down | not) and ((.interaction.channels // []) | length > 0))] as $c |
        (["div", "table", "tabs"] | all(. as $l | $c | any(.layout == $l))) and
        (["UTF-8", "GBK"] | all(. as $k | $c | any(.charset == $k))) and
        ($c | map(.interaction.channels[]) | any(.list_state) and any(.list_state | not))' \
        "$tmp/farm-$seed/truth.json" > /dev/null ||
        fail "seed $seed: channels not on every layout, charset and list kind"
done
echo "content_farm: 100% on every figure"
