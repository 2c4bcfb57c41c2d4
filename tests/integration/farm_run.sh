#!/usr/bin/env bash
# farm_run: the one command, `farm run`: generates into a temporary directory, prints the
# mappings and `ready`, serves only on 127.0.0.1 (checked in /proc/net/tcp), stops cleanly on
# SIGTERM and SIGINT with exit 0, and removes its temporary directory; `farm serve` refuses a
# port already in use with exit 3.
set -euo pipefail
source "$(dirname "$0")/lib/skip.sh"
require_tools jq curl
source "$(dirname "$0")/lib/farm.sh"
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

for sig in TERM INT; do
  "$FARM_BIN" run --seed run --sites 5 --profile test --port-file "$tmp/port" >"$tmp/out" 2>"$tmp/err" &
  pid=$!
  for i in $(seq 1 200); do grep -qx ready "$tmp/out" 2>/dev/null && break; sleep 0.05; done
  grep -qx ready "$tmp/out" || fail "farm run never became ready"
  port=$(cat "$tmp/port")
  dir=$(sed -n 's/^farm: generating .* into //p' "$tmp/err")
  [ -f "$dir/truth.json" ] || fail "farm run's directory has no truth.json"
  [ "$(grep -c ":80:127.0.0.1:$port\$" "$tmp/out")" -ge 4 ] || fail "too few mappings"
  host=$(jq -r '[.sites[] | select(.served and .flaky == 0)][0].host' "$dir/truth.json")
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 --connect-to "$host:80:127.0.0.1:$port" "http://$host/")" = 200 ] \
    || fail "farm run does not serve $host"
  # every listening socket of the farm is on 127.0.0.1 (0100007F in /proc/net/tcp)
  hexport=$(printf '%04X' "$port")
  awk -v p=":$hexport" '$4 == "0A" && $2 ~ p"$" { print $2 }' /proc/net/tcp /proc/net/tcp6 2>/dev/null >"$tmp/listen"
  [ -s "$tmp/listen" ] || fail "no listening socket on port $port"
  grep -qv '^0100007F:' "$tmp/listen" && fail "farm listens beyond loopback: $(cat "$tmp/listen")"
  kill -"$sig" "$pid"
  rc=0; wait "$pid" || rc=$?
  pid=
  [ "$rc" -eq 0 ] || fail "farm run exited $rc on SIG$sig"
  [ ! -e "$dir" ] || fail "farm run left $dir behind"
  rm -f "$tmp/port"
done

# a port in use is a runtime error (exit 3), not a hang
farm_generate "$tmp/f" run 3 >/dev/null
farm_start "$tmp/f"
set +e
timeout 10 "$FARM_BIN" serve --dir "$tmp/f" --port "$FARM_PORT" >/dev/null 2>"$tmp/err"
rc=$?
set -e
[ "$rc" -eq 3 ] || fail "serve on a busy port exited $rc"
grep -q 'listen on 127.0.0.1' "$tmp/err" || fail "no clear message for a busy port"
farm_stop
echo "farm_run: ok"
