# http.sh: serve a directory over HTTP on 127.0.0.1 from an integration test (source this file).
#
#   http_start DIR LOG   starts python3's http.server on a free loopback port serving DIR,
#                        logging to LOG; sets HTTP_PID and HTTP_PORT (fails if it does not start)
#   http_stop            stops it (call it from the test's EXIT trap)
HTTP_PID=
HTTP_PORT=

http_start() {
  local dir=$1 log=$2
  (cd "$dir" && exec python3 -u -m http.server --bind 127.0.0.1 0 > "$log" 2>&1) &
  HTTP_PID=$!
  HTTP_PORT=
  for _ in $(seq 50); do
    HTTP_PORT=$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$log" | sed -n 1p)
    [ -n "$HTTP_PORT" ] && return 0
    sleep 0.1
  done
  echo "http_start: the http server did not start" >&2
  return 1
}

http_stop() {
  [ -n "$HTTP_PID" ] && kill "$HTTP_PID" 2>/dev/null
  HTTP_PID=
  return 0
}
