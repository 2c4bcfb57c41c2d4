# setup.sh: sourced by scripts/test and scripts/demo. Installs the Debian packages the
# build, the tests and the demo need when they are missing, then configures and builds.
set -euo pipefail

SPOTCHECK_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export SPOTCHECK_ROOT

# Debian packages, by what needs them.
SPOTCHECK_PACKAGES=(
  build-essential cmake pkg-config                   # the build
  libcurl4-openssl-dev libuv1-dev libgumbo-dev       # fetch engine, event loop, HTML
  libsqlite3-dev libssl-dev zlib1g-dev               # storage, hashes, gzip
  libinih-dev                                        # the configuration file (INI)
  libsystemd-dev                                     # sd_notify: readiness, watchdog
  libcmocka-dev                                      # unit tests
  curl jq sqlite3 iproute2 util-linux python3        # integration tests, netns
  dpkg-dev lintian man-db                            # scripts/package and its test
  libxml2-utils chromium fonts-wqy-microhei          # the published site: feed check, browser test
  python3-aiosmtpd                                   # the mail test's SMTP sink
)

install_missing_packages() {
  local missing=()
  for p in "${SPOTCHECK_PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "== installing: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# build DIR BUILD_TYPE: configure and build into DIR.
build_tree() {
  local dir=$1 type=$2
  cmake -S "$SPOTCHECK_ROOT" -B "$dir" -DCMAKE_BUILD_TYPE="$type" >/dev/null
  cmake --build "$dir" -j"$(nproc)"
}

# Runs "$@" in a fresh network namespace with only loopback up, where the kernel allows
# it, so nothing the command does can leave the machine; otherwise runs it as it is.
in_private_network() {
  if unshare -n true 2>/dev/null && command -v ip >/dev/null; then
    echo "== running inside a private network namespace (loopback only)"
    unshare -n bash -c 'ip link set lo up && exec "$@"' bash "$@"
  else
    echo "== unshare -n is not allowed here: running on the host network (tests use loopback only)"
    "$@"
  fi
}
