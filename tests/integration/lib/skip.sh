# skip.sh: how an integration test that cannot run says so (source this file). ctest reports
# exit 77 as "Skipped" (SKIP_RETURN_CODE in tests/CMakeLists.txt), never as "Passed", so a
# test that could not run is never mistaken for one that ran and passed.
#   skip REASON...        prints "SKIPPED: <test>: REASON" on stderr and exits 77
#   require_tools CMD...  skips unless every CMD is on PATH (scripts/setup.sh installs them)
# Call both at the top level of the test, not inside $(...) (a subshell's exit is its own).

skip() {
  local name=${0##*/}
  echo "SKIPPED: ${name%.sh}: $*" >&2
  exit 77
}

require_tools() {
  local t missing=()
  for t in "$@"; do
    command -v "$t" >/dev/null 2>&1 || missing+=("$t")
  done
  [ ${#missing[@]} -eq 0 ] || skip "needs ${missing[*]}, not installed (scripts/setup.sh installs it)"
}
