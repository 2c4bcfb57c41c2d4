#!/bin/bash
# mail_smtp: `spotcheck mail` against a real SMTP sink on loopback (lib/smtp_sink.py,
# Debian's python3-aiosmtpd). The round is test_publish's fixture (2026Q4 round 1 finalised,
# sites 4300000001 and 4300000002 failing with hostile names, the others passing), with
# contact addresses set in the registry. Checks:
#   - a refusal (451) of the first message: exit 3, the other site's report sent, the
#     refused one recorded failed with its next attempt 10 minutes on; a run before then sends
#     nothing; a run after (--now advanced) delivers it once; a further run sends nothing;
#   - a permanent refusal (550): recorded failed with no next attempt, never retried, until
#     --resend CODE clears it; [mail] attempts = 3 of 451 refusals: 10 minutes, 1 hour, then
#     final; --resend of an unknown delivery sends it once more (same Message-ID);
#   - the messages: From, To, the RFC 2047 subject decoded, the deterministic Message-ID
#     recorded in the database, Date from --now, multipart/mixed with the text summary
#     (verdict, score, veto, deadline) and the HTML attachment equal to `report --out`'s file;
#     exactly one message per failing site, none for passing sites;
#   - kill -9 while the sink holds its reply to the data, then a rerun: the held message is
#     marked unknown and not resent, the other is sent: still exactly one per failing site;
#   - no reply after the data (the sink holds it past [mail] timeout): unknown, not resent;
#   - refusals: a round that is not finalised, no [mail] smtp_url (exit 2).
set -euo pipefail
source "$(dirname "$0")/lib/skip.sh"
require_tools sqlite3
: "${SPOTCHECK_BIN:?}" "${SPOTCHECK_BUILD:?}" "${SPOTCHECK_SRC:?}"
PY=
for p in python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import aiosmtpd' 2>/dev/null; then PY=$p; break; fi
done
[ -n "$PY" ] || skip "needs python3-aiosmtpd (scripts/setup.sh installs it)"
fixture="$SPOTCHECK_BUILD/tests/test_publish"
[ -x "$fixture" ] || skip "no $fixture (the unit tests are not built)"
tmp=$(mktemp -d)
sink_pid=
sc_pid=
cleanup() {
    [ -z "$sc_pid" ] || kill -9 "$sc_pid" 2>/dev/null || true
    [ -z "$sink_pid" ] || { kill "$sink_pid" 2>/dev/null; wait "$sink_pid" 2>/dev/null; } || true
    rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
cd "$tmp"

start_sink() { # DIR ARGS...
    local dir=$1; shift
    mkdir -p "$dir"
    "$PY" "$SPOTCHECK_SRC/tests/integration/lib/smtp_sink.py" "$dir" "$@" 2> "$dir.log" &
    sink_pid=$!
    for _ in $(seq 100); do [ -s "$dir/port" ] && break; sleep 0.1; done
    [ -s "$dir/port" ] || { cat "$dir.log"; fail "the SMTP sink did not start"; }
    cat > spotcheck.conf <<CONF
[mail]
smtp_url = smtp://127.0.0.1:$(cat "$dir/port")
from = audit@office.example.test
starttls = no
timeout = 20
CONF
}
stop_sink() { kill "$sink_pid"; wait "$sink_pid" || true; sink_pid=; }
sc() { "$SPOTCHECK_BIN" --db "$tmp/site.db" --config spotcheck.conf "$@"; }
q() { sqlite3 "$tmp/site.db" "$1"; }

"$fixture" --fixture "$tmp/site.db" > /dev/null || fail "the fixture database was not built"
for i in 1 2 3 4 5; do
    q "UPDATE sites SET email='web$i@site$i.example.test' WHERE code='430000000$i'"
done
[ "$(q "SELECT count(*) FROM sites WHERE email LIKE 'web%'")" = 5 ] || fail "no addresses set"
"$SPOTCHECK_BIN" --db "$tmp/site.db" report 2026Q4 1 --out reports > /dev/null ||
    fail "report --out failed"

# --- refusals of the command itself
start_sink sink1 --refuse 451 --refuse-count 1
rc=0; sc mail 2026Q4 2 > notfinal.log 2>&1 || rc=$?
[ "$rc" = 2 ] && grep -q "not finalised" notfinal.log || { cat notfinal.log; fail "a drawn round: exit $rc"; }
rc=0; "$SPOTCHECK_BIN" --db "$tmp/site.db" mail 2026Q4 1 > noconf.log 2>&1 || rc=$?
[ "$rc" = 2 ] && grep -q "smtp_url is not set" noconf.log || { cat noconf.log; fail "no smtp_url: exit $rc"; }
[ "$(ls sink1 | grep -c eml || true)" = 0 ] || fail "a refused command sent mail"

# --- a refusal, then the retry
rc=0; sc --now 2026-11-02T09:00 mail 2026Q4 1 > run1.log 2>&1 || rc=$?
[ "$rc" = 3 ] || { cat run1.log; fail "a refused delivery: exit $rc, not 3"; }
grep -q "FAILED: .*451" run1.log || { cat run1.log; fail "the refusal is not reported"; }
[ "$(ls sink1/*.eml | wc -l)" = 1 ] || fail "expected 1 message after the refusal"
[ "$(q "SELECT state||' '||attempts||' '||next_attempt_at FROM deliveries WHERE state='failed'")" = \
  "failed 1 2026-11-02T09:10:00+08:00" ] || { q "SELECT * FROM deliveries"; fail "the failure is not recorded with its retry time"; }
q "SELECT last_error FROM deliveries WHERE state='failed'" | grep -q 451 || fail "no 451 in last_error"
sc --now 2026-11-02T09:03 mail 2026Q4 1 > run2.log || { cat run2.log; fail "a run before the retry is due failed"; }
grep -q "next attempt at 2026-11-02T09:10" run2.log || { cat run2.log; fail "the wait is not reported"; }
[ "$(ls sink1/*.eml | wc -l)" = 1 ] || fail "a retry was sent before it was due"
sc --now 2026-11-02T09:11 mail 2026Q4 1 > run3.log || { cat run3.log; fail "the retry run failed"; }
[ "$(ls sink1/*.eml | wc -l)" = 2 ] || fail "the retry was not delivered"
[ "$(q "SELECT group_concat(state||attempts, ' ') FROM (SELECT * FROM deliveries ORDER BY site_code)")" = "sent1 sent2" ] ||
    [ "$(q "SELECT group_concat(state||attempts, ' ') FROM (SELECT * FROM deliveries ORDER BY site_code)")" = "sent2 sent1" ] ||
    { q "SELECT * FROM deliveries"; fail "the deliveries are not both sent"; }
sc --now 2026-11-03 mail 2026Q4 1 > run4.log || fail "a run with everything sent failed"
grep -q "0 sent now, 2 sent before" run4.log || { cat run4.log; fail "run4 summary"; }
[ "$(ls sink1/*.eml | wc -l)" = 2 ] || fail "a report was sent twice"

# --- the messages
q "SELECT site_code||' '||address||' '||message_id FROM deliveries ORDER BY site_code" > ids.txt
"$PY" - sink1 reports ids.txt <<'PY' || fail "the messages are not as expected"
import email, email.policy, glob, sys
from email.header import decode_header, make_header
sink, reports, ids = sys.argv[1:4]
want = {}
for line in open(ids):
    code, addr, mid = line.split()
    want[addr] = (code, mid)
seen = set()
for path in sorted(glob.glob(sink + "/*.eml")):
    raw = open(path, "rb").read()
    for line in raw.split(b"\r\n"):
        assert len(line) <= 78 or line.startswith(b"Message-ID: "), f"{path}: a line of {len(line)} characters"
    m = email.message_from_bytes(raw, policy=email.policy.default)
    rcpt = open(path[:-4] + ".rcpt").read().split()
    assert len(rcpt) == 1 and rcpt[0] in want, rcpt
    code, mid = want[rcpt[0]]
    assert code not in seen, f"{code} received twice"
    seen.add(code)
    assert m["From"] == "<audit@office.example.test>" or m["From"].addresses[0].addr_spec == "audit@office.example.test", m["From"]
    assert m["To"].addresses[0].addr_spec == rcpt[0], m["To"]
    assert m["Message-ID"] == mid, (m["Message-ID"], mid)
    assert mid.startswith(f"<spotcheck.2026Q4-1.{code}.") and mid.endswith("@office.example.test>"), mid
    assert m["Date"].startswith("Mon, 02 Nov 2026 09:"), m["Date"]
    rawsubj = m.get_all("Subject")
    subj = str(make_header(decode_header(email.message_from_bytes(raw)["Subject"])))
    assert "=?UTF-8?B?" in email.message_from_bytes(raw)["Subject"], "subject not RFC 2047"
    assert subj.startswith("网站抽查结果：") and "2026Q4 第1轮" in subj and subj.endswith("不合格"), subj
    if code == "4300000001":
        assert '<script>alert("名")</script>' in subj, subj
    assert m.get_content_type() == "multipart/mixed"
    parts = list(m.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/html"], parts
    text = parts[0].get_content()
    for s in ("不合格", "得分 88.5", "单项否决", "整改期限", "主要扣分项", code + ".html"):
        assert s in text, (s, text)
    assert parts[1].get_filename() == code + ".html"
    html = parts[1].get_payload(decode=True)
    assert html == open(f"{reports}/{code}.html", "rb").read(), "the attachment differs from report --out's"
assert seen == {"4300000001", "4300000002"}, seen
PY

# --- kill -9 while the sink holds its reply to the data, then a rerun: no duplicate
stop_sink
q "DELETE FROM deliveries"
start_sink sink2 --hold
"$SPOTCHECK_BIN" --db "$tmp/site.db" --config spotcheck.conf --now 2026-11-05 mail 2026Q4 1 \
    > kill1.log 2>&1 &
sc_pid=$!
for _ in $(seq 150); do [ -e sink2/holding ] && break; sleep 0.1; done
[ -e sink2/holding ] || fail "the sink never held a message"
kill -9 "$sc_pid"; wait "$sc_pid" 2>/dev/null || true; sc_pid=
[ "$(q "SELECT count(*) FROM deliveries WHERE state='sending'")" = 1 ] ||
    { q "SELECT * FROM deliveries"; fail "the killed run left no 'sending' row"; }
stop_sink
start_sink sink3
rc=0; sc --now 2026-11-05T01:00 mail 2026Q4 1 > kill2.log 2>&1 || rc=$?
[ "$rc" = 3 ] || { cat kill2.log; fail "the rerun after a kill: exit $rc, not 3 (one unknown)"; }
grep -q "UNKNOWN: an earlier run stopped while sending" kill2.log || { cat kill2.log; fail "unknown not reported"; }
[ "$(q "SELECT group_concat(state, ' ') FROM (SELECT state FROM deliveries ORDER BY state)")" = "sent unknown" ] ||
    { q "SELECT * FROM deliveries"; fail "after the kill: not one sent and one unknown"; }
sc --now 2026-11-06 mail 2026Q4 1 > kill3.log || { cat kill3.log; fail "a later run failed"; }
held=$(ls sink2/*.eml | wc -l); after=$(ls sink3/*.eml | wc -l)
[ "$held" = 1 ] && [ "$after" = 1 ] || fail "after a kill: $held held + $after sent, want 1 + 1"
cat sink2/*.rcpt sink3/*.rcpt | sort | uniq -d | grep -q . && fail "a message was duplicated after the kill"
[ "$(cat sink2/*.rcpt sink3/*.rcpt | sort -u | wc -l)" = 2 ] || fail "not one message per failing site"

# --- no reply after the whole message went out (a timeout, no kill): unknown, not resent
stop_sink
q "DELETE FROM deliveries"
start_sink sink4 --hold
sed -i 's/^timeout = .*/timeout = 2/' spotcheck.conf
rc=0; sc --now 2026-11-07 mail 2026Q4 1 > timeout1.log 2>&1 || rc=$?
[ "$rc" = 3 ] || { cat timeout1.log; fail "no reply: exit $rc, not 3"; }
grep -q "UNKNOWN: the message went out but no reply came" timeout1.log || { cat timeout1.log; fail "no reply: not unknown"; }
[ "$(q "SELECT group_concat(state||attempts, ' ') FROM deliveries")" = "unknown1 unknown1" ] ||
    { q "SELECT * FROM deliveries"; fail "no reply: not both unknown"; }
sc --now 2026-11-08 mail 2026Q4 1 > timeout2.log || { cat timeout2.log; fail "a run after unknowns failed"; }
grep -q "0 sent now" timeout2.log || fail "an unknown delivery was resent"
[ "$(ls sink4/*.eml | wc -l)" = 2 ] || fail "no reply: not one message per site"
sid=$(q "SELECT site_code FROM deliveries WHERE state='unknown' ORDER BY site_code LIMIT 1")
mid=$(q "SELECT message_id FROM deliveries WHERE site_code='$sid'")

# --- the office clears an unknown delivery: --resend CODE sends it once more, same Message-ID
stop_sink
start_sink sink5
rc=0; sc --now 2026-11-08T01:00 mail 2026Q4 1 --resend 4300000003 > resend0.log 2>&1 || rc=$?
[ "$rc" = 2 ] || { cat resend0.log; fail "--resend of a passing site: exit $rc, not 2"; }
sc --now 2026-11-08T01:00 mail 2026Q4 1 --resend "$sid" > resend1.log ||
    { cat resend1.log; fail "--resend $sid failed"; }
grep -q "1 sent now" resend1.log || { cat resend1.log; fail "--resend did not send"; }
[ "$(ls sink5/*.eml | wc -l)" = 1 ] || fail "--resend: not exactly one message"
grep -q "^Message-ID: $mid" sink5/001.eml || fail "--resend: not the same Message-ID"
[ "$(q "SELECT state||attempts FROM deliveries WHERE site_code='$sid'")" = sent1 ] ||
    { q "SELECT * FROM deliveries"; fail "--resend: not recorded sent"; }
rc=0; sc --now 2026-11-08T02:00 mail 2026Q4 1 --resend "$sid" > resend2.log 2>&1 || rc=$?
[ "$rc" = 2 ] && grep -q "nothing to clear" resend2.log || { cat resend2.log; fail "--resend of a sent delivery: exit $rc"; }
[ "$(ls sink5/*.eml | wc -l)" = 1 ] || fail "--resend of a sent delivery sent it again"

# --- a permanent refusal (550): final at once, not retried, until --resend
stop_sink
q "DELETE FROM deliveries"
start_sink sink6 --refuse 550 --refuse-count 2
rc=0; sc --now 2026-11-09T09:00 mail 2026Q4 1 > perm1.log 2>&1 || rc=$?
[ "$rc" = 3 ] && grep -q "not retried (a permanent refusal" perm1.log || { cat perm1.log; fail "550: exit $rc or not reported final"; }
[ "$(q "SELECT group_concat(state||attempts||coalesce(next_attempt_at,'-'), ' ') FROM deliveries")" = "failed1- failed1-" ] ||
    { q "SELECT * FROM deliveries"; fail "550: not recorded failed without a next attempt"; }
q "SELECT last_error FROM deliveries" | grep -q "refused for good.*550" || fail "550: last_error"
sc --now 2026-11-12 mail 2026Q4 1 > perm2.log || { cat perm2.log; fail "a run after a 550 failed"; }
grep -q "0 sent now.*2 held for the office" perm2.log || { cat perm2.log; fail "a 550 was retried"; }
[ "$(ls sink6/*.eml 2>/dev/null | wc -l)" = 0 ] || fail "550: a message was kept"
sc --now 2026-11-12 mail 2026Q4 1 --resend 4300000001 > perm3.log || { cat perm3.log; fail "--resend after a 550"; }
[ "$(ls sink6/*.eml | wc -l)" = 1 ] && grep -q "4300000001" sink6/001.eml || fail "--resend after a 550: not sent"

# --- [mail] attempts: 451 every time, retried after 10 minutes, then 1 hour, then final
stop_sink
q "DELETE FROM deliveries"
start_sink sink7 --refuse 451 --refuse-count 99
printf 'attempts = 3\n' >> spotcheck.conf
rc=0; sc --now 2026-11-13T09:00 mail 2026Q4 1 > att1.log 2>&1 || rc=$?
[ "$rc" = 3 ] || { cat att1.log; fail "451 with attempts 3: exit $rc"; }
[ "$(q "SELECT group_concat(DISTINCT next_attempt_at) FROM deliveries")" = 2026-11-13T09:10:00+08:00 ] ||
    { q "SELECT * FROM deliveries"; fail "the first retry is not 10 minutes on"; }
rc=0; sc --now 2026-11-13T09:10 mail 2026Q4 1 > att2.log 2>&1 || rc=$?
[ "$(q "SELECT group_concat(DISTINCT state||attempts||' '||next_attempt_at) FROM deliveries")" = "failed2 2026-11-13T10:10:00+08:00" ] ||
    { q "SELECT * FROM deliveries"; fail "the second retry is not 1 hour on"; }
rc=0; sc --now 2026-11-13T10:10 mail 2026Q4 1 > att3.log 2>&1 || rc=$?
grep -q "not retried (no attempt left" att3.log || { cat att3.log; fail "attempts 3: not final after the third"; }
[ "$(q "SELECT group_concat(state||attempts||coalesce(next_attempt_at,'-'), ' ') FROM deliveries")" = "failed3- failed3-" ] ||
    { q "SELECT * FROM deliveries"; fail "attempts 3: not final"; }
[ "$(ls sink7/*.eml 2>/dev/null | wc -l)" = 0 ] || fail "a refused message was kept"
echo "mail_smtp: ok"
