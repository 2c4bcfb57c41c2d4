#!/bin/bash
# config_cli: the one configuration file through the binary: every command reads --config
# and refuses a bad file with FILE:LINE (exit 2) before doing anything; options override the
# file; `spotcheck config` shows each value's origin (text and JSON); the sample file is the
# defaults; [sampling] drives draw (a rate below 0.15 refused); [network] and [rules] drive
# check (a verdict changes); too-long lines and files over 1 MiB are refused.
set -euo pipefail
BIN=${SPOTCHECK_BIN:?}
SRC=${SPOTCHECK_SRC:?}
. "$(dirname "$0")/lib/skip.sh"
require_tools jq python3
. "$(dirname "$0")/lib/http.sh"
tmp=$(mktemp -d)
cleanup() { http_stop; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
status_of() { local s=0; "$@" > "$tmp/out" 2> "$tmp/err" || s=$?; echo "$s"; }

# --- bad files: exit 2, FILE:LINE in the message, nothing written on stdout, for every command
printf '[network]\ntimeout = 5\n[rules]\nwindow.nwes = 3\n' > "$tmp/bad-key.conf"
printf '[network]\n[netwrok]\n' > "$tmp/bad-section.conf"
printf '\n[network]\ndelay = soon\n' > "$tmp/bad-value.conf"
printf 'window.news = 7\n' > "$tmp/no-section.conf"
{ printf '[publish]\ntitle = '; head -c 300 /dev/zero | tr '\0' x; printf '\n'; } > "$tmp/long-line.conf"
printf '[sampling]\nrate = 0.1\n' > "$tmp/low-rate.conf"
for spec in "bad-key.conf:4: unknown key \"window.nwes\" in [rules]" \
            "bad-section.conf:2: unknown section [netwrok]" \
            "bad-value.conf:3: [network] delay: 'soon' is not a whole number 0..600000" \
            "no-section.conf:1: \"window.news\" is outside any section; put it under [rules]" \
            "long-line.conf:2: the line is longer than 199 bytes" \
            "low-rate.conf:2: [sampling] rate: the rate 0.1 is below the rule"; do
    file=${spec%%:*}
    for cmd in "import $SRC/docs/demo/registry.csv" "sites" "plan" "draw 2026Q4 1" \
               "verify 2026Q4 1" "check http://nowhere.invalid/" "config" "daemon" "status" \
               "report 2026Q4 1" "publish"; do
        # shellcheck disable=SC2086
        s=$(status_of "$BIN" --db "$tmp/none.db" --config "$tmp/$file" $cmd)
        [ "$s" = 2 ] || { cat "$tmp/err"; fail "$cmd with $file: exit $s, want 2"; }
        grep -qF "$tmp/$spec" "$tmp/err" || { cat "$tmp/err"; fail "$cmd with $file: message lacks '$spec'"; }
        [ ! -s "$tmp/out" ] || fail "$cmd with $file: wrote output"
    done
done
[ ! -e "$tmp/none.db" ] || fail "a command with a bad file created the database"
# the per-command --config works as the global one
[ "$(status_of "$BIN" config --config "$tmp/bad-key.conf")" = 2 ] || fail "per-command --config"
# a missing file, a directory
[ "$(status_of "$BIN" --config "$tmp/missing.conf" sites)" = 2 ] || fail "missing file"
grep -qF "$tmp/missing.conf" "$tmp/err" || fail "missing file: not named"
[ "$(status_of "$BIN" --config "$tmp" config)" = 2 ] || fail "a directory as the file"

# --- over 1 MiB: refused, even though the key at its end is good (it used to be cut and the
# key silently ignored)
{ head -c 1048576 /dev/zero | tr '\0' '\n'; printf '[rules]\npass_score = 0\n'; } > "$tmp/big.conf"
[ "$(status_of "$BIN" --config "$tmp/big.conf" config)" = 2 ] || fail "a file over 1 MiB accepted"
grep -q "refused" "$tmp/err" || { cat "$tmp/err"; fail "the refusal does not say so"; }
[ "$(status_of "$BIN" --config "$tmp/big.conf" check --no-dns --timeout 1 http://nowhere.invalid/)" = 2 ] \
    || fail "check ran with an oversize file"

# --- origins: default, file:FILE:LINE, command line; the command line wins
cat > "$tmp/office.conf" <<'EOF'
# the office
[network]
timeout = 7
delay = 100   # milliseconds
[rules]
window.news = 7
[mail]
password_file = /etc/spotcheck/smtp.pass
EOF
"$BIN" --config "$tmp/office.conf" config --timeout 5 > "$tmp/list"
grep -qxF "default	network.max_pages=500" "$tmp/list" || fail "default origin: $(cat "$tmp/list")"
grep -qxF "file:$tmp/office.conf:4	network.delay=100" "$tmp/list" || fail "file origin"
grep -qxF "file:$tmp/office.conf:6	rules.window.news=7" "$tmp/list" || fail "rules origin"
grep -qxF "command line	network.timeout=5" "$tmp/list" || fail "the command line over the file"
grep -qxF "file:$tmp/office.conf:8	mail.password_file=/etc/spotcheck/smtp.pass" "$tmp/list" \
    || fail "password_file"
grep -qi "password=" "$tmp/list" && fail "a password key is listed"
"$BIN" --config "$tmp/office.conf" --db "$tmp/o.db" config --format json > "$tmp/list.json"
jq -e --arg f "file:$tmp/office.conf:3" '
    (.[] | select(.section == "network" and .key == "timeout")) == {section: "network", key: "timeout", value: 7, origin: $f}
    and (.[] | select(.key == "db")).origin == "command line"
    and (.[] | select(.key == "seed")).value == null
    and (.[] | select(.key == "stratify")).value == true
    and (map(select(.section == "rules")) | length) > 40' "$tmp/list.json" > /dev/null \
    || fail "config --format json: $(head -c 600 "$tmp/list.json")"
[ "$(jq length "$tmp/list.json")" = "$(wc -l < "$tmp/list")" ] || fail "text and JSON list differ"

# --- the sample file: what `config --sample` writes, and with every key uncommented it is
# the defaults (same values as no file at all)
"$BIN" config --sample | cmp - "$SRC/docs/spotcheck.conf" || fail "docs/spotcheck.conf is not 'config --sample'"
sed 's/^#\([a-z][a-z0-9_.]*\) =/\1 =/' "$SRC/docs/spotcheck.conf" > "$tmp/sample.conf"
[ "$(grep -c '^[a-z][a-z0-9_.]* =' "$tmp/sample.conf")" = "$(wc -l < "$tmp/list")" ] \
    || fail "the sample does not list every key"
"$BIN" --config "$tmp/sample.conf" config > "$tmp/sample-list"
"$BIN" config | cut -f2 > "$tmp/default-values"
cut -f2 "$tmp/sample-list" | diff "$tmp/default-values" - || fail "the sample's values are not the defaults"
# (grep on a file, not on a pipe: grep -q stopping early would fail the writer under pipefail)
grep -q "^file:$tmp/sample.conf:[0-9]*	rules.pass_score=60$" "$tmp/sample-list" \
    || fail "the uncommented sample is not read"

# --- [sampling] drives draw; --rate overrides the file; [daemon] db is the database
printf '[daemon]\ndb = %s\n[sampling]\nrate = 0.3\nseed = 5EED5EED\nstratify = no\n' "$tmp/s.db" > "$tmp/sampling.conf"
"$BIN" --config "$tmp/sampling.conf" import "$SRC/docs/demo/registry.csv" > /dev/null
[ -s "$tmp/s.db" ] || fail "[daemon] db not used by import"
"$BIN" --config "$tmp/sampling.conf" --now 2026-10-01 draw 2026Q4 1 --format json > "$tmp/d1.json"
jq -e '.rate == 0.3 and .seed == "5eed5eed"' "$tmp/d1.json" > /dev/null || fail "draw ignored [sampling]: $(jq -c '{rate, seed}' "$tmp/d1.json")"
"$BIN" --config "$tmp/sampling.conf" --now 2026-11-12 draw 2026Q4 2 --rate 0.2 --format json > "$tmp/d2.json"
jq -e '.rate == 0.2' "$tmp/d2.json" > /dev/null || fail "--rate did not override the file"
"$BIN" --config "$tmp/sampling.conf" verify 2026Q4 1 > /dev/null || fail "verify with the file's db"
[ "$(status_of "$BIN" --config "$tmp/sampling.conf" draw 2026Q4 1 --rate 0.1)" = 2 ] || fail "--rate 0.1 accepted"

# --- check: [network] from the file maps the site to a local server; --connect-to on the
# command line replaces the mapping; [rules] turns a failing verdict into a pass
mkdir -p "$tmp/site"
printf '<html><head><title>测试</title></head><body><a href="gone.html">失效</a></body></html>' > "$tmp/site/index.html"
http_start "$tmp/site" "$tmp/http.log" || fail "http server did not start"
printf '[network]\nconnect_to = www.cfg.gov.cn:80:127.0.0.1:%s\nno_dns = true\ntimeout = 5\n' "$HTTP_PORT" > "$tmp/net.conf"
s=$(status_of "$BIN" --config "$tmp/net.conf" --now 2026-11-22 check --format json http://www.cfg.gov.cn/)
[ "$s" = 1 ] || { cat "$tmp/err"; fail "check with [network]: exit $s, want 1 (fails by default rules)"; }
jq -e '.sites[0].reachable == true and .sites[0].verdict == "fail" and ([.sites[0].links[] | select(.result == "broken")] | length) == 1' \
    "$tmp/out" > /dev/null || fail "[network] connect_to not applied: $(head -c 400 "$tmp/out")"
cp "$tmp/out" "$tmp/check-default.json"
# the same command without the file: no mapping, no DNS: unreachable
"$BIN" --now 2026-11-22 check --no-dns --timeout 2 --format json http://www.cfg.gov.cn/ > "$tmp/out" 2>/dev/null || true
jq -e '.sites[0].reachable == false' "$tmp/out" > /dev/null || fail "reachable without the file's mapping"
# the command line's --connect-to replaces the file's list (a closed port: unreachable)
"$BIN" --config "$tmp/net.conf" --now 2026-11-22 check --connect-to www.cfg.gov.cn:80:127.0.0.1:1 \
    --format json http://www.cfg.gov.cn/ > "$tmp/out" 2>/dev/null || true
jq -e '.sites[0].reachable == false' "$tmp/out" > /dev/null || fail "--connect-to did not override the file"
# [rules] that forgive everything: the same site passes
{ cat "$tmp/net.conf"; printf '[rules]\npass_score = 0\nveto.homepage_stale = 0\nveto.no_interaction = 0\nveto.no_interaction_channel = 0\nveto.no_services = 0\n'; } > "$tmp/lenient.conf"
s=$(status_of "$BIN" --config "$tmp/lenient.conf" --now 2026-11-22 check --format json http://www.cfg.gov.cn/)
[ "$s" = 0 ] || { cat "$tmp/err"; jq -c '.sites[0].defects' "$tmp/out"; fail "lenient [rules]: exit $s, want 0"; }
jq -e '.sites[0].verdict == "pass"' "$tmp/out" > /dev/null || fail "[rules] did not change the verdict"

echo "config_cli: every command reads the file; errors name FILE:LINE; options override it; origins shown; sample = defaults"
