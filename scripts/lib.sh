# Shared helpers of scripts/run, scripts/test and scripts/services (sourced, not run).
# Debian 12 is the reference machine; apt is used only for what is missing, `apt-get update` at most once.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
APT_UPDATED="${APT_UPDATED:-}"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "needs root to run: $*"; fi
}

# apt_install PKG...: install those of the Debian packages that are not installed yet.
apt_install() {
  local pkg missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || missing+=("$pkg")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "missing system packages ${missing[*]} and no apt-get to install them"
  if [ -z "$APT_UPDATED" ]; then
    say "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    APT_UPDATED=1
  fi
  say "apt-get install ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# A Python >= 3.11 able to create virtualenvs ($PYTHON wins); installs Debian's python3-venv if needed.
find_python() {
  local candidate
  for candidate in ${PYTHON:-} python3 python3.13 python3.12 python3.11; do
    if command -v "$candidate" >/dev/null \
      && "$candidate" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

# Sets PY (not in a subshell, so APT_UPDATED survives).
ensure_python() {
  [ -n "${PY:-}" ] && return 0
  PY="$(find_python)" && return 0
  say "no Python >= 3.11 with venv found; installing Debian's python3"
  apt_install python3 python3-venv
  PY="$(find_python)" || die "need Python >= 3.11 with the venv module (set PYTHON=/path/to/python3.11)"
}

# make_venv DIR SPEC...: create DIR (if needed) and pip install SPEC... into it, at the versions
# of constraints.txt (the ones CI proved; scripts/lock refreshes it).
# Skipped when a previous install used the same specs and packaging files (stamp in DIR).
CONSTRAINTS="$ROOT/constraints.txt"
make_venv() {
  local dir="$1"; shift
  local stamp
  stamp="$(cat "$ROOT/pyproject.toml" "$ROOT/setup.py" "$CONSTRAINTS" "$ROOT"/examples/*/pyproject.toml 2>/dev/null | cksum) $*"
  if [ ! -x "$dir/bin/python" ]; then
    ensure_python
    say "creating $dir with $PY"
    "$PY" -m venv "$dir"
  fi
  if [ "$(cat "$dir/.unionline-stamp" 2>/dev/null)" = "$stamp" ]; then
    return 0
  fi
  say "installing into $dir: $*"
  # pip and setuptools are chatty (hundreds of build warnings): everything goes to install.log,
  # the terminal gets one progress line per package and the log only if pip fails.
  local log="$dir/install.log"
  : >"$log"
  if ! { "$dir/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip >>"$log" 2>&1 \
      && "$dir/bin/python" -m pip install --disable-pip-version-check --progress-bar off \
        -c "$CONSTRAINTS" "$@" 2>&1 | tee -a "$log" | pip_progress \
      && [ "${PIPESTATUS[0]}" -eq 0 ]; }; then
    cat "$log" >&2
    die "installing into $dir failed (the output above is also in $log)"
  fi
  printf '%s' "$stamp" > "$dir/.unionline-stamp"
}

# pip_progress: pip's output on stdin -> "  [12] Collecting litestar" lines, then a summary.
pip_progress() {
  local line n=0 name
  while IFS= read -r line; do
    case "$line" in
      Collecting\ *|Obtaining\ *)
        n=$((n + 1)); name="${line#* }"; name="${name%% *}"
        printf '  [%3d] %s\n' "$n" "$name" >&2 ;;
      "Installing collected packages:"*)
        printf '  installing…\n' >&2 ;;
      "Successfully installed"*)
        printf '  done: %s\n' "$(printf '%s' "$line" | wc -w | awk '{print $1 - 2}') packages installed" >&2 ;;
    esac
  done
}

# The test virtualenv (scripts/test, scripts/bench): the project editable with its test extra,
# plus the example third-party packages whose folders exist. Installed is not enabled: their
# plugins (hello, smsgw) run only where a test or a configuration names them.
TEST_VENV="$ROOT/.venv-test"
EXAMPLE_PACKAGES=(hello-plugin sms-gateway-channel)
install_test_venv() {
  local specs=(-e "$ROOT[test]") example
  for example in "${EXAMPLE_PACKAGES[@]}"; do
    [ -f "$ROOT/examples/$example/pyproject.toml" ] && specs+=(-e "$ROOT/examples/$example")
  done
  make_venv "$TEST_VENV" "${specs[@]}"
}

# Browser-side tools of the tests (tests/browser/package.json: axe-core for the accessibility
# gate), installed from the npm registry at the versions of package-lock.json (`npm ci`) into
# tests/browser/node_modules; skipped when that lock file was installed already.
BROWSER_TOOLS="$ROOT/tests/browser"
install_browser_tools() {
  local stamp
  stamp="$(cksum <"$BROWSER_TOOLS/package-lock.json")"
  [ "$(cat "$BROWSER_TOOLS/node_modules/.unionline-stamp" 2>/dev/null)" = "$stamp" ] && return 0
  command -v npm >/dev/null || die "npm is missing (apt-get install npm)"
  say "npm ci in tests/browser (axe-core)"
  (cd "$BROWSER_TOOLS" && npm ci --no-audit --no-fund --loglevel=error) >&2 \
    || die "installing the browser test tools failed"
  printf '%s' "$stamp" >"$BROWSER_TOOLS/node_modules/.unionline-stamp"
}

# Is something answering on 127.0.0.1:PORT? (bash's /dev/tcp; no client tools needed)
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

postgres_answers() { port_open "${PG_PORT:-5432}"; }

# A subshell: a bare `exec 3<>... 2>/dev/null` would redirect this shell's stderr for good.
redis_answers() {
  (
    exec 3<>"/dev/tcp/127.0.0.1/${REDIS_PORT:-6379}" || exit 1
    printf 'PING\r\n' >&3
    reply=""
    read -r -t 2 reply <&3 || true
    [[ "$reply" == +PONG* ]]
  ) 2>/dev/null
}

# --- PostgreSQL and Redis for the tests (test machines only: local connections are trusted) ---

PG_PORT="${PG_PORT:-5432}"
REDIS_PORT="${REDIS_PORT:-6379}"

# Debian packages needed to start the services that do not answer yet.
service_packages() {
  postgres_answers || echo postgresql
  redis_answers || echo redis-server
}

start_postgres() {
  postgres_answers && return 0
  local version conf
  version="$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$version" ] || die "PostgreSQL is not answering on 127.0.0.1:$PG_PORT and is not installed"
  say "starting PostgreSQL $version on 127.0.0.1:$PG_PORT"
  conf="/etc/postgresql/$version/main"
  [ -d "$conf" ] || as_root pg_createcluster "$version" main --port "$PG_PORT" >/dev/null
  printf '%s\n' 'local all all trust' 'host all all 127.0.0.1/32 trust' 'host all all ::1/128 trust' \
    | as_root tee "$conf/pg_hba.conf" >/dev/null
  as_root install -d -o postgres -g postgres -m 2775 /var/run/postgresql
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start
  for _ in $(seq 60); do postgres_answers && return 0; sleep 0.5; done
  die "PostgreSQL did not come up on 127.0.0.1:$PG_PORT"
}

start_redis() {
  redis_answers && return 0
  command -v redis-server >/dev/null || die "Redis is not answering on 127.0.0.1:$REDIS_PORT and is not installed"
  say "starting Redis on 127.0.0.1:$REDIS_PORT"
  mkdir -p "$ROOT/var"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
    --pidfile "$ROOT/var/redis-$REDIS_PORT.pid" --logfile "$ROOT/var/redis-$REDIS_PORT.log"
  for _ in $(seq 50); do redis_answers && return 0; sleep 0.2; done
  die "Redis did not come up on 127.0.0.1:$REDIS_PORT"
}
