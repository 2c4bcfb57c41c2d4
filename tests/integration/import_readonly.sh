#!/usr/bin/env bash
# import_readonly: a database this user may not write (an auditor's read-only copy) is opened
# read-only: `sites`, `plan` and `verify` answer from it, `import` into it fails cleanly (exit
# 3, "readonly"), and neither changes the file nor leaves anything beside it (docs/database.md).
# Regression: every command used to fail with "attempt to write a readonly database".
#
# Root ignores file modes, so as root the commands run as `nobody` (setpriv). nobody may not
# reach the checkout or the build tree (a clone under /root, mode 700: issue 14), so every
# file it needs — the spotcheck binary, the registry, the database — is copied into a
# directory it can reach and execute from, and it runs from there (cwd, HOME and TMPDIR too).
# Skips (exit 77) when root cannot become nobody or no such directory exists.
set -euo pipefail
source "$(dirname "$0")/lib/skip.sh"
bin=${SPOTCHECK_BIN:?}
src=${SPOTCHECK_SRC:?}
require_tools jq
fail() { echo "FAIL: $*" >&2; exit 1; }
tmp=$(mktemp -d)
share=
cleanup() {
  [ -z "$share" ] || { chmod -R u+w "$share" 2>/dev/null; rm -rf "$share"; }
  rm -rf "$tmp"
}
trap cleanup EXIT

demo="$src/docs/demo/registry.csv"
[ -f "$demo" ] || fail "the bundled demo registry $demo is missing"
rows=$(( $(grep -c . "$demo") - 1 )) # non-empty lines minus the header

# The database to copy: the demo registry and one drawn round, written by this user.
"$bin" --db "$tmp/s.db" import "$demo" >/dev/null || fail "demo import"
"$bin" --db "$tmp/s.db" --now 2026-10-01 draw 2026Q4 1 --seed 5eed5eed >/dev/null || fail "draw"
[ ! -e "$tmp/s.db-wal" ] || fail "the database left a -wal file behind"

# as CMD...: runs CMD as the reading user, from $share. `env` does the final exec after the
# switch, so the binary is found with nobody's rights (setpriv itself may still reach it).
as_user=()
if [ "$(id -u)" = 0 ]; then
  command -v setpriv >/dev/null || skip "setpriv (util-linux) is needed to run as nobody"
  as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  "${as_user[@]}" true 2>/dev/null || skip "root cannot switch to uid 65534 here (a user namespace?)"
fi
as() { "${as_user[@]}" env -C "$share" HOME="$share" TMPDIR="$share" "$@"; }

# A directory the reading user can reach and execute the binary from. mktemp's directories
# are 700 and TMPDIR may itself be private (under /root), and /tmp may be noexec: try each.
tried=()
for base in "${TMPDIR:-/tmp}" /tmp /var/tmp /dev/shm; do
  [ -d "$base" ] || continue
  share=$(mktemp -d "$base/spotcheck-ro.XXXXXX")
  chmod 755 "$share"
  cp "$bin" "$share/spotcheck"
  chmod 755 "$share/spotcheck"
  as ./spotcheck --help >/dev/null 2>&1 && break
  tried+=("$base")
  rm -rf "$share"
  share=
done
[ -n "$share" ] || skip "no directory where $(id -un 65534 2>/dev/null || echo nobody) can run the binary (tried ${tried[*]})"

mkdir "$share/ro"
cp "$tmp/s.db" "$share/ro/r.db"
cp "$demo" "$share/registry.csv"
chmod 644 "$share/registry.csv"
chmod 444 "$share/ro/r.db"
chmod 555 "$share/ro"
before=$(sha256sum <"$share/ro/r.db")
# The premise: the user can read the database and the registry, and cannot write either the
# file or its directory (else this test would prove nothing).
as test -r ro/r.db -a -r registry.csv || fail "the reading user cannot read its copies"
if as sh -c ': >>ro/r.db' 2>/dev/null || as sh -c ': >ro/probe' 2>/dev/null; then
  fail "the reading user can write the database or its directory: nothing would be proved"
fi

sc() { as ./spotcheck --db ro/r.db "$@"; }
sc sites --all --format json >"$tmp/ro.json" 2>"$tmp/err" || fail "sites: $(cat "$tmp/err")"
[ "$(jq '.sites | length' "$tmp/ro.json")" -eq "$rows" ] || fail "sites lists the wrong count"
sc plan 2026Q4 >"$tmp/plan" 2>"$tmp/err" || fail "plan: $(cat "$tmp/err")"
grep -q . "$tmp/plan" || fail "plan printed nothing"
sc verify 2026Q4 1 >/dev/null 2>"$tmp/err" || fail "verify: $(cat "$tmp/err")"
set +e
sc import registry.csv >/dev/null 2>"$tmp/err"
rc=$?
set -e
[ $rc -eq 3 ] && grep -q "readonly" "$tmp/err" || fail "import into a read-only database: exit $rc $(cat "$tmp/err")"

[ "$(sha256sum <"$share/ro/r.db")" = "$before" ] || fail "the read-only database changed"
left=$(ls -A "$share/ro")
[ "$left" = r.db ] || fail "a read-only open left files behind: $left"
echo "import_readonly: ok (as $(as id -un))"
