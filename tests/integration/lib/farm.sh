# farm.sh: start and stop the local site farm from an integration test (source this file).
#
#   farm_start DIR [ARGS...]   starts `farm serve --dir DIR [ARGS...]` (e.g. --log FILE) on a
#                    free loopback port, waits for `ready`,
#                    and sets FARM_PID, FARM_PORT, FARM_MAPPINGS (array of HOST:80:127.0.0.1:PORT)
#                    and FARM_CONNECT_ARGS (array: --connect-to M for every mapping), usable by
#                    curl and spotcheck alike: spotcheck check "${FARM_CONNECT_ARGS[@]}" URL
#   farm_stop        stops it (SIGTERM), waits, and fails if it did not exit cleanly.
#   farm_generate DIR SEED SITES [ARGS...]   runs `farm generate` (profile test by default).
# The binary is "$SPOTCHECK_BUILD/tests/farm/farm" (override with FARM_BIN).

FARM_BIN="${FARM_BIN:-${SPOTCHECK_BUILD:-build}/tests/farm/farm}"
FARM_PID=
FARM_PORT=
FARM_MAPPINGS=()
FARM_CONNECT_ARGS=()

farm_generate() {
  local dir=$1 seed=$2 sites=$3
  shift 3
  "$FARM_BIN" generate --seed "$seed" --sites "$sites" --out "$dir" --profile test "$@"
}

farm_start() {
  local dir=$1 i line
  shift
  FARM_STDOUT=$(mktemp "${TMPDIR:-/tmp}/farm-out.XXXXXX")
  "$FARM_BIN" serve --dir "$dir" --port 0 --port-file "$FARM_STDOUT.port" "$@" >"$FARM_STDOUT" &
  FARM_PID=$!
  for i in $(seq 1 200); do
    grep -qx ready "$FARM_STDOUT" 2>/dev/null && break
    if ! kill -0 "$FARM_PID" 2>/dev/null; then
      echo "farm_start: farm serve exited early" >&2
      wait "$FARM_PID" 2>/dev/null
      FARM_PID=
      return 1
    fi
    sleep 0.05
  done
  if ! grep -qx ready "$FARM_STDOUT"; then
    echo "farm_start: farm serve did not become ready" >&2
    farm_stop
    return 1
  fi
  FARM_PORT=$(cat "$FARM_STDOUT.port")
  FARM_MAPPINGS=()
  FARM_CONNECT_ARGS=()
  while IFS= read -r line; do
    [ "$line" = ready ] && break
    FARM_MAPPINGS+=("$line")
    FARM_CONNECT_ARGS+=(--connect-to "$line")
  done <"$FARM_STDOUT"
  return 0
}

farm_stop() {
  local rc=0
  if [ -n "$FARM_PID" ]; then
    kill -TERM "$FARM_PID" 2>/dev/null
    wait "$FARM_PID" || rc=$?
    FARM_PID=
  fi
  [ -n "${FARM_STDOUT:-}" ] && rm -f "$FARM_STDOUT" "$FARM_STDOUT.port"
  return $rc
}
