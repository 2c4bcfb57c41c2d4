#!/bin/bash
# package: scripts/package builds spotcheck_<version>_<arch>.deb; unpacked with dpkg-deb -x
# into a temporary root it holds exactly the install layout (binary, man pages, conffile,
# unit, sysusers.d, tmpfiles.d, completion, docs) and Debian's parts (copyright, changelog,
# maintainer scripts that enable nothing, Depends from dpkg-shlibdeps); the unpacked binary
# prints its versions and imports the demo registry; the unit passes systemd-analyze verify
# and the package passes lintian (no error, no warning) when those tools are installed.
set -euo pipefail
BIN=${SPOTCHECK_BIN:?}
SRC=${SPOTCHECK_SRC:?}
BUILD=${SPOTCHECK_BUILD:?}
. "$(dirname "$0")/lib/skip.sh"
require_tools dpkg-deb dpkg-shlibdeps dpkg-buildflags dpkg-architecture cmake strip gzip jq
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# --- build (its own build tree, kept for the next run: Debian's hardening flags differ)
SPOTCHECK_NO_INSTALL=1 bash "$SRC/scripts/package" --build-dir "$BUILD/package-build" \
  --out "$tmp/out" >"$tmp/package.log" 2>&1 || { cat "$tmp/package.log" >&2; exit 1; }
version=$("$BIN" --version | sed -n '1s/^spotcheck //p')
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
deb=$tmp/out/spotcheck_${version}_${arch}.deb
[ -f "$deb" ] || { ls -l "$tmp/out" >&2; echo "FAIL: no $deb" >&2; exit 1; }
echo "built ${deb##*/} ($(stat -c %s "$deb") bytes)"

# --- contents
root=$tmp/root
dpkg-deb -x "$deb" "$root"
dpkg-deb -e "$deb" "$tmp/control"
unitdir=lib/systemd/system
[ -f "$root/usr/lib/systemd/system/spotcheck.service" ] && unitdir=usr/lib/systemd/system
expected="usr/bin/spotcheck
usr/share/man/man1/spotcheck.1.gz
usr/share/man/man5/spotcheck.conf.5.gz
etc/spotcheck/spotcheck.conf
$unitdir/spotcheck.service
usr/lib/sysusers.d/spotcheck.conf
usr/lib/tmpfiles.d/spotcheck.conf
usr/share/bash-completion/completions/spotcheck
usr/share/lintian/overrides/spotcheck
usr/share/doc/spotcheck/copyright
usr/share/doc/spotcheck/changelog.gz
usr/share/doc/spotcheck/README.md
usr/share/doc/spotcheck/deploy.md
usr/share/doc/spotcheck/configuration.md
usr/share/doc/spotcheck/mail.md
usr/share/doc/spotcheck/examples/registry.csv"
for f in $expected; do
  [ -f "$root/$f" ] || fail "the package lacks /$f"
done
# nothing else, but more docs under /usr/share/doc/spotcheck
while read -r f; do
  case $f in usr/share/doc/spotcheck/*) continue ;; esac
  grep -qxF "$f" <<<"$expected" || fail "the package holds an unexpected file /$f"
done < <(cd "$root" && find . -type f -printf '%P\n' | sort)
[ -x "$root/usr/bin/spotcheck" ] || fail "/usr/bin/spotcheck is not executable"
file_out=$(LC_ALL=C readelf -S "$root/usr/bin/spotcheck" 2>/dev/null || true)
grep -q '\.debug_info' <<<"$file_out" && fail "/usr/bin/spotcheck is not stripped"
for page in usr/share/man/man1/spotcheck.1.gz usr/share/man/man5/spotcheck.conf.5.gz; do
  gzip -t "$root/$page" || fail "/$page is not gzip"
done
grep -qx "/etc/spotcheck/spotcheck.conf" "$tmp/control/conffiles" ||
  fail "/etc/spotcheck/spotcheck.conf is not a conffile"
"$root/usr/bin/spotcheck" config --sample | cmp -s - "$root/etc/spotcheck/spotcheck.conf" ||
  fail "/etc/spotcheck/spotcheck.conf is not the binary's config --sample"
grep -qx "u spotcheck - \"spotcheck daemon\" /var/lib/spotcheck" "$root/usr/lib/sysusers.d/spotcheck.conf" ||
  fail "sysusers.d does not declare the spotcheck user"
grep -q "^d /var/lib/spotcheck 0750 spotcheck spotcheck" "$root/usr/lib/tmpfiles.d/spotcheck.conf" ||
  fail "tmpfiles.d does not create /var/lib/spotcheck"

# --- the unit: /usr/bin, /etc/spotcheck/spotcheck.conf, Type=notify with a watchdog, sandboxed
unit=$root/$unitdir/spotcheck.service
for line in "Type=notify" "User=spotcheck" "StateDirectory=spotcheck" "NoNewPrivileges=yes" \
            "ProtectSystem=strict" "PrivateTmp=yes" "WantedBy=multi-user.target" \
            "ExecStart=/usr/bin/spotcheck --db /var/lib/spotcheck/spotcheck.db --config /etc/spotcheck/spotcheck.conf daemon"; do
  grep -qxF "$line" "$unit" || fail "the unit lacks '$line'"
done
grep -qE '^WatchdogSec=[1-9]' "$unit" || fail "the unit has no WatchdogSec="
if command -v systemd-analyze >/dev/null; then
  # the unpacked binary stands in for /usr/bin/spotcheck; MANPATH finds Documentation=
  sed "s|/usr/bin/spotcheck|$root/usr/bin/spotcheck|" "$unit" >"$tmp/spotcheck.service"
  if MANPATH=$root/usr/share/man systemd-analyze verify "$tmp/spotcheck.service" >"$tmp/verify" 2>&1; then
    echo "systemd-analyze verify: ok"
  else
    fail "systemd-analyze verify: $(cat "$tmp/verify")"
  fi
else
  echo "systemd-analyze: not installed, the unit not verified (skipped)"
fi

# --- control: computed Depends, maintainer scripts that create the user and enable nothing
control=$tmp/control/control
grep -qx "Package: spotcheck" "$control" || fail "control: Package"
grep -qx "Version: $version" "$control" || fail "control: Version is not $version"
grep -qx "Architecture: $arch" "$control" || fail "control: Architecture is not $arch"
depends=$(sed -n 's/^Depends: //p' "$control")
for lib in libc6 libcurl4 libuv1 libsqlite3-0 libgumbo1; do
  grep -qE "(^|, )$lib( |,|$)" <<<"$depends" || fail "Depends lacks $lib: $depends"
done
for s in postinst prerm postrm; do
  [ -x "$tmp/control/$s" ] || fail "no executable $s"
  sh -n "$tmp/control/$s" || fail "$s is not valid sh"
  grep -vE '^\s*#' "$tmp/control/$s" | grep -qE '\benable\b|\bstart\b' &&
    fail "$s enables or starts something"
done
grep -q "systemd-sysusers /usr/lib/sysusers.d/spotcheck.conf" "$tmp/control/postinst" ||
  fail "postinst does not create the user from sysusers.d"

# --- the unpacked binary runs: its versions, an import of the demo registry
"$root/usr/bin/spotcheck" --version >"$tmp/version" || fail "--version exited $?"
schema=$("$BIN" --version | sed -n 's/^database schema //p')
for want in "^spotcheck $version\$" "^libcurl [0-9]" "^libuv [0-9]" "^SQLite 3\\." "^database schema $schema\$"; do
  grep -qE "$want" "$tmp/version" || fail "--version lacks /$want/: $(tr '\n' '|' <"$tmp/version")"
done
"$root/usr/bin/spotcheck" --db "$tmp/demo.db" import "$SRC/docs/demo/registry.csv" >"$tmp/import" 2>&1 ||
  fail "import of the demo registry: $(cat "$tmp/import")"
sites=$("$root/usr/bin/spotcheck" --db "$tmp/demo.db" sites --format json | jq '.sites | length')
[ "$sites" -gt 0 ] || fail "the import stored no site"
echo "unpacked binary: $(head -1 "$tmp/version"), imported $sites sites"

# --- lintian: no error and no warning (overrides carry their reasons)
if command -v lintian >/dev/null; then
  if lintian --fail-on error,warning --pedantic --display-info --show-overrides "$deb" \
       >"$tmp/lintian" 2>"$tmp/lintian.err"; then
    echo "lintian: passed"; sed 's/^/  /' "$tmp/lintian"
  else
    fail "lintian: $(cat "$tmp/lintian" "$tmp/lintian.err")"
  fi
else
  echo "lintian: not installed, skipped (scripts/setup.sh installs it)"
fi

[ $failures -eq 0 ] || { echo "$failures failure(s)" >&2; exit 1; }
echo "ok: ${deb##*/}"
