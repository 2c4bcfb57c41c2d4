#!/bin/bash
# daemon_notify: under systemd (Type=notify, WatchdogSec=) the daemon tells its supervisor it
# is ready, pets the watchdog from its loop, says what it does next, and says it is stopping:
# a unix datagram socket stands in for systemd's NOTIFY_SOCKET, WATCHDOG_USEC asks for a
# watchdog every 0.2 s, and SIGTERM stops the daemon (exit 0).
set -euo pipefail
source "$(dirname "$0")/lib/skip.sh"
require_tools python3
: "${SPOTCHECK_BIN:?}"
tmp=$(mktemp -d)
sink_pid=
daemon_pid=
cleanup() {
    [ -z "$daemon_pid" ] || kill -KILL "$daemon_pid" 2>/dev/null || true
    [ -z "$sink_pid" ] || kill "$sink_pid" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; cat "$tmp/notify.log" "$tmp/daemon.log" >&2 2>/dev/null; exit 1; }

# the supervisor's socket: every datagram received is appended to notify.log, one per line
python3 - "$tmp/notify.sock" "$tmp/notify.log" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a", buffering=1) as log:
    while True:
        log.write(s.recv(4096).decode().replace("\n", " ") + "\n")
PY
sink_pid=$!
for _ in $(seq 50); do [ -S "$tmp/notify.sock" ] && break; sleep 0.1; done
[ -S "$tmp/notify.sock" ] || fail "the notify socket did not appear"

"$SPOTCHECK_BIN" --db "$tmp/d.db" import "$SPOTCHECK_SRC/docs/demo/registry.csv" >/dev/null
NOTIFY_SOCKET="$tmp/notify.sock" WATCHDOG_USEC=400000 \
    "$SPOTCHECK_BIN" --db "$tmp/d.db" --now 2026-09-20 daemon --no-dns 2>"$tmp/daemon.log" &
daemon_pid=$!
for _ in $(seq 50); do grep -q "READY=1" "$tmp/notify.log" 2>/dev/null && break; sleep 0.1; done
grep -q "READY=1" "$tmp/notify.log" || fail "no READY=1"
sleep 1.5
n=$(grep -c "WATCHDOG=1" "$tmp/notify.log" || true)
[ "$n" -ge 4 ] || fail "only $n watchdog pings in 1.5 s (asked for one every 0.2 s)"
grep -q "STATUS=next: " "$tmp/notify.log" || fail "no STATUS with the next action"
kill -TERM "$daemon_pid"
set +e
wait "$daemon_pid"
rc=$?
set -e
daemon_pid=
[ "$rc" -eq 0 ] || fail "SIGTERM: exit $rc"
sleep 0.2
grep -q "STOPPING=1" "$tmp/notify.log" || fail "no STOPPING=1"
echo "READY, $n watchdog pings, STATUS and STOPPING received"
