#!/bin/bash
# manpages: the man pages and the bash completion never drift from the binary: every command
# is in spotcheck(1) and the completion; every option any `spotcheck [CMD] --help` prints is
# in spotcheck(1) and completes for that command; every key `spotcheck config` lists is in
# spotcheck.conf(5) (built from docs/spotcheck.conf by scripts/man-conf); both pages format
# without a warning from man/groff.
set -euo pipefail
BIN=${SPOTCHECK_BIN:?}
SRC=${SPOTCHECK_SRC:?}
BUILD=${SPOTCHECK_BUILD:?}
. "$(dirname "$0")/lib/skip.sh"
require_tools jq
man1=$SRC/docs/man/spotcheck.1
man5=$BUILD/man/spotcheck.conf.5
completion=$SRC/docs/completion/spotcheck.bash
[ -f "$man5" ] || { echo "FAIL: $man5 not built (the manpages target)" >&2; exit 1; }
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

# A page's text as a reader sees it: no font escapes, \- as -, \e as \.
plain() { sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' -e 's/\\e/\\/g' -e 's/\\c$//' "$1"; }
plain "$man1" >"${TMPDIR:-/tmp}/spotcheck-man1.$$"
plain "$man5" >"${TMPDIR:-/tmp}/spotcheck-man5.$$"
trap 'rm -f "${TMPDIR:-/tmp}"/spotcheck-man[15].$$' EXIT
text1=${TMPDIR:-/tmp}/spotcheck-man1.$$
text5=${TMPDIR:-/tmp}/spotcheck-man5.$$

# The options a help text mentions: --long and -x words, wherever they stand.
options_of() { grep -oE -- '(^|[][ ,(|])--?[a-zA-Z][-a-zA-Z]*' | sed 's/^[][ ,(|]//' | sort -u; }

# The commands, from the top-level help.
commands=$("$BIN" --help | sed -n '/^Commands:/,/^$/p' | awk 'NF > 1 && $1 != "Commands:" {print $1}')
[ "$(echo "$commands" | wc -w)" -ge 11 ] || fail "expected the 11 commands in --help, got: $commands"

# The completion's answer for words COMP_WORDS, completing the last one.
complete_words() {
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _spotcheck
           printf "%s\n" "${COMPREPLY[@]}"' bash "$completion" "$@"
}

for opt in $("$BIN" --help | options_of); do
  grep -qE -- "(^|[^-a-zA-Z])$opt([^-a-zA-Z]|$)" "$text1" || fail "spotcheck(1) lacks $opt (spotcheck --help)"
  complete_words spotcheck -- "$opt" | grep -qx -- "$opt" || fail "completion lacks $opt before a command"
done
for cmd in $commands; do
  grep -qE "^\.(TP|B|BI|BR) *\"?$cmd( |\"|$)" "$man1" ||
    grep -qE "^\.B[IR]? \"?$cmd " "$man1" || fail "spotcheck(1) has no entry for the command $cmd"
  complete_words spotcheck "${cmd:0:3}" | grep -qx "$cmd" || fail "completion does not offer $cmd"
  for opt in $("$BIN" "$cmd" --help | options_of); do
    grep -qE -- "(^|[^-a-zA-Z])$opt([^-a-zA-Z]|$)" "$text1" ||
      fail "spotcheck(1) lacks $opt (spotcheck $cmd --help)"
    complete_words spotcheck "$cmd" -- "$opt" | grep -qx -- "$opt" ||
      fail "completion lacks $opt for $cmd"
  done
done

# Every configuration key, under its section, in spotcheck.conf(5).
nkeys=0
while IFS=$'\t' read -r section key; do
  nkeys=$((nkeys + 1))
  awk -v s="[$section]" -v k="$key" '
      /^\.SS / { in_s = ($2 == s) } in_s && $0 ~ "^" k " = " { found = 1 } END { exit !found }' \
      "$text5" || fail "spotcheck.conf(5) lacks [$section] $key"
done < <("$BIN" config --format json | jq -r '.[] | [.section, .key] | @tsv' | sort -u)
[ "$nkeys" -gt 50 ] || fail "spotcheck config --format json listed only $nkeys keys"

# The pages format cleanly (groff's warnings are lintian's groff-message).
if command -v man >/dev/null; then
  for page in "$man1" "$man5"; do
    warnings=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$page" 2>&1 >/dev/null) ||
      fail "man cannot format $page"
    [ -z "$warnings" ] || fail "man --warnings on ${page##*/}: $warnings"
  done
else
  echo "man: not installed, formatting not checked (skipped)"
fi

[ $failures -eq 0 ] || { echo "$failures failure(s)" >&2; exit 1; }
echo "ok: $(echo "$commands" | wc -w) commands, their options and $nkeys configuration keys documented and completed"
