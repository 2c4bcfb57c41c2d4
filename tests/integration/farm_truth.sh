#!/usr/bin/env bash
# farm_truth: what the farm serves agrees with its truth.json: every column's latest date is
# on its list page (in the site's list style) and on the homepage (in its homepage style),
# blank columns say 暂无信息, present sections are in the navigation bar and missing ones are
# not, the site code is in the footer exactly when truth says so, GBK pages are GBK, and the
# Content-Type charset is the one truth declares. Everything is fetched over HTTP.
set -euo pipefail
source "$(dirname "$0")/lib/skip.sh"
require_tools jq curl
source "$(dirname "$0")/lib/farm.sh"
tmp=$(mktemp -d)
trap 'farm_stop || true; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

farm_generate "$tmp/f" truth 14
farm_start "$tmp/f"
truth="$tmp/f/truth.json"

# fetch URL CHARSET: the body as UTF-8 (the farm's own charset knowledge, from truth)
fetch() {
  local body="$tmp/body"
  curl -sS --max-time 5 "${FARM_CONNECT_ARGS[@]}" -o "$body" -D "$tmp/head" "$1" || fail "fetch $1"
  grep -q '^HTTP/1.1 200' "$tmp/head" || fail "$1: $(head -1 "$tmp/head")"
  if [ "$2" = GBK ]; then
    iconv -f GBK -t UTF-8 "$body" || fail "$1 is not GBK"
  else
    iconv -f UTF-8 -t UTF-8 "$body" || fail "$1 is not UTF-8"
  fi
}

list_style() { # DATE STYLE
  local y=${1:0:4} m=${1:5:2} d=${1:8:2}
  case $2 in
    slash) echo "$y/$m/$d" ;; cn) echo "${y}年${m}月${d}日" ;; bracket) echo "[$y-$m-$d]" ;;
    *) echo "$y-$m-$d" ;;
  esac
}
home_style() {
  local y=${1:0:4} m=${1:5:2} d=${1:8:2}
  case $2 in
    slash) echo "$y/$m/$d" ;; cn) echo "${y}年${m}月${d}日" ;; bracket) echo "[$m-$d]" ;;
    mmdd) echo "$m-$d" ;; *) echo "$y-$m-$d" ;;
  esac
}

checked=0
nav_sites=0
while IFS=$'\t' read -r host url charset style code shown hdr; do
  home=$(fetch "$url" "$charset")
  # the charset declared in the header is the one truth says
  if [ "$hdr" = null ]; then
    grep -qi '^content-type: text/html.*charset' "$tmp/head" && fail "$host: header has a charset"
  else
    grep -qi "^content-type: text/html; charset=$hdr" "$tmp/head" || fail "$host: header charset not $hdr"
  fi
  if [ "$shown" = true ]; then
    grep -qF "网站标识码：$code" <<<"$home" || fail "$host: site code not in the footer"
  else
    grep -qF "$code" <<<"$home" && fail "$host: site code shown though truth says not"
  fi
  grep -qF '党政机关' <<<"$home" || fail "$host: no 党政机关 badge"
  grep -qF '我为政府网站找错' <<<"$home" || fail "$host: no 我为政府网站找错"
  while IFS=$'\t' read -r label present surl sstyle; do
    # how the nav bar names it: the link text, or an image button's alt or the link's title
    case $sstyle in
      image_alt) shown="alt=\"$label\"></a>" ;;
      image_title) shown="title=\"$label\"><img" ;;
      *) shown=">$label</a>" ;;
    esac
    if [ "$present" = true ]; then
      grep -qF "$shown" <<<"$home" || fail "$host: section $label ($sstyle) not in the nav bar"
      # on the provincial service platform (an auxiliary host, UTF-8) or on the site
      case $surl in
        "$url"*) fetch "$surl" "$charset" >/dev/null ;;
        "http://zwfw.hunan.gov.cn/"*) fetch "$surl" UTF-8 >/dev/null ;;
        *) fail "$host: section $label at an unexpected host: $surl" ;;
      esac
    else
      grep -qF "$shown" <<<"$home" && fail "$host: missing section $label is in the nav bar"
    fi
  done < <(jq -r --arg h "$host" '.sites[] | select(.host == $h) | .sections[] | [.label, .present, (.url // "none"), .style] | @tsv' "$truth")
  # a navigation-only homepage shows no date; its latest is the newest item of the list
  # page one click away that the truth names
  mode=$(jq -r --arg h "$host" '.sites[] | select(.host == $h) | .homepage.mode' "$truth")
  if [ "$mode" = navigation ]; then
    nav_sites=$((nav_sites + 1))
    read -r nlatest nfrom < <(jq -r --arg h "$host" '.sites[] | select(.host == $h) | "\(.homepage.latest) \(.homepage.latest_from)"' "$truth")
    grep -qF "$(list_style "$nlatest" "$style")" <<<"$(fetch "$nfrom" "$charset")" \
      || fail "$host: navigation-only homepage's latest $nlatest not on $nfrom"
    jq -e --arg h "$host" '[.sites[] | select(.host == $h) | .columns[] | .latest // "0"] | max' "$truth" \
      | grep -qF "\"$nlatest\"" || fail "$host: navigation latest $nlatest is not its newest column item"
    grep -qE '(19|20)[0-9]{2}[-/年][0-9]{2}[-/月][0-9]{2}|\[[0-9]{2}-[0-9]{2}\]|>[0-9]{2}-[0-9]{2}<' <<<"$home" \
      && fail "$host: navigation-only homepage shows a date"
  fi
  # a column is shown where found_in says: a homepage block, only the navigation (the
  # homepage's nav bar), or only the sections' column index pages (not on the homepage)
  index_url=$(jq -r --arg h "$host" --arg u "$url" '[.sites[] | select(.host == $h) | .sections[] | select(.present) | .url | select(startswith($u))][0] // "none"' "$truth")
  while IFS=$'\t' read -r name curl latest blank where; do
    case $where in
      homepage|navigation) grep -qF "$name" <<<"$home" || fail "$host: column $name ($where) not on the homepage" ;;
      section_index)
        grep -qF ">$name<" <<<"$home" && fail "$host: column $name (section_index) on the homepage"
        [ "$index_url" != none ] || fail "$host: column $name in a section index, but no section"
        grep -qF ">$name<" <<<"$(fetch "$index_url" "$charset")" \
          || fail "$host: column $name not on the section index $index_url" ;;
      *) fail "$host: column $name found_in $where" ;;
    esac
    list=$(fetch "$curl" "$charset")
    if [ "$blank" = true ]; then
      # 暂无信息, an empty list, or only the list's own pager (共0条)
      grep -qE '暂无信息|<ul class="list">$|共0条' <<<"$list" \
        || fail "$host: blank column $name shows no empty list"
      grep -qE '<li><a href="/[a-z]+/[0-9]{6}/' <<<"$list" && fail "$host: blank column $name lists items"
    else
      grep -qF "$(list_style "$latest" "$style")" <<<"$list" \
        || fail "$host: $name latest $latest not on its list page $curl"
      [ "$mode" = navigation ] || [ "$where" != homepage ] || grep -qF "$(home_style "$latest" "$style")" <<<"$home" \
        || fail "$host: $name latest $latest not on the homepage"
    fi
    checked=$((checked + 1))
  done < <(jq -r --arg h "$host" '.sites[] | select(.host == $h) | .columns[] | [.name, .url, (.latest // "none"), .blank, .found_in] | @tsv' "$truth")
done < <(jq -r '.sites[] | select(.served and .flaky == 0) | [.host, .url, .charset, .date_style, .code, .site_code_shown, (.charset_header // "null")] | @tsv' "$truth")
[ "$checked" -ge 40 ] || fail "only $checked columns checked"
[ "$nav_sites" -ge 1 ] || fail "no navigation-only homepage planted"
jq -e '[.sites[] | select(.served) | .sections[] | select(.present) | .style] | (index("image_alt") != null and index("image_title") != null)' "$truth" >/dev/null \
  || fail "no image-button section planted"
jq -e '[.sites[] | select(.served) | .sections[] | select(.present) | .url | select(startswith("http://zwfw.hunan.gov.cn/"))] | length >= 1' "$truth" >/dev/null \
  || fail "no section on the provincial service platform planted"

# the homepage staleness in truth follows from the dates (14-day rule as of truth.as_of)
jq -e '.as_of as $a | [.sites[] | select(.served) | .homepage |
        (.stale == (((($a + "T00:00:00Z") | fromdate) - ((.latest + "T00:00:00Z") | fromdate)) / 86400 > 14))]
       | all' "$truth" >/dev/null || fail "homepage stale flags disagree with the dates"
jq -e '.as_of as $a | [.sites[].columns[]? | select(.blank | not) | select(.limit_days != null) |
        (.stale == (((($a + "T00:00:00Z") | fromdate) - ((.latest + "T00:00:00Z") | fromdate)) / 86400 > .limit_days))]
       | all' "$truth" >/dev/null || fail "column stale flags disagree with the windows"
# no link on the farm is broken but the planted ones: every href/src of every page points to
# a file of its site, a planted fault or trap, a served or auxiliary host, or a planted dns host
jq -r '.sites[] | (.broken_links // [])[], (.traps // [])[] | .href' "$truth" | sort -u >"$tmp/planted"
jq -r '(.sites[] | select(.served or .down) | .url), (.aux_hosts[] | "http://\(.)/")' "$truth" | sort -u >"$tmp/hosts"
nlinks=0
while IFS=$'\t' read -r host charset; do
  root="$tmp/f/sites/$host"
  find "$root" -name '*.html' -print0 | xargs -0 cat |
    { if [ "$charset" = GBK ]; then iconv -f GBK -t UTF-8; else cat; fi; } |
    grep -o '\(href\|src\)="[^"]*"' | sed 's/^[a-z]*="//; s/"$//; s/&amp;/\&/g' | sort -u >"$tmp/links"
  while IFS= read -r l; do
    nlinks=$((nlinks + 1))
    grep -qxF -- "$l" "$tmp/planted" && continue
    case $l in
      http://*) grep -qxF "http://$(cut -d/ -f3 <<<"$l")/" "$tmp/hosts" || fail "$host links to unknown host: $l" ;;
      /*) p=${l%%[?#]*}; [ "${p%/}" != "$p" ] && p="${p}index.html"
          [ -f "$root$p" ] || fail "$host: $l has no file and is not planted" ;;
      *) fail "$host: unexpected relative link $l" ;;
    esac
  done <"$tmp/links"
done < <(jq -r '.sites[] | select(.served) | [.host, .charset] | @tsv' "$truth")
[ "$nlinks" -ge 500 ] || fail "only $nlinks distinct links checked"

# counts: items over all list pages, list pages per column, pages per site
while IFS=$'\t' read -r host cs curl items lpages; do
  dir="$tmp/f/sites/$host/$(cut -d/ -f4 <<<"$curl")"
  got=$(cat "$dir"/index*.html | iconv -f "$cs" -t UTF-8 | grep -c '^<li><a href="/[a-z]*/[0-9]\{6\}/t' || true)
  [ "$got" -eq "$items" ] || fail "$curl: $got items on its list pages, truth says $items"
  [ "$(find "$dir" -maxdepth 1 -name 'index*.html' | wc -l)" -eq "$lpages" ] || fail "$curl: list page count"
done < <(jq -r '.sites[] | select(.served) | .host as $h | .charset as $c | .columns[] | [$h, $c, .url, .items, .list_pages] | @tsv' "$truth")
while IFS=$'\t' read -r host pages traps; do
  n=$(find "$tmp/f/sites/$host" -name '*.html' ! -path '*/api/hot*' | wc -l)
  [ "$n" -eq "$pages" ] || fail "$host: $n pages on disk, truth says $pages"
done < <(jq -r '.sites[] | select(.served) | [.host, .pages, (.traps | length)] | @tsv' "$truth")

farm_stop || fail "farm serve did not exit cleanly"
echo "farm_truth: ok ($checked columns, $nlinks distinct links)"
