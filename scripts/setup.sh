#!/usr/bin/env bash
# Installs what Herald's build, tests and lab need on a Debian machine, then builds.
# Idempotent: each step runs only when what it provides is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
have() { command -v "$1" >/dev/null 2>&1; }
have /usr/lib/frr/bgpd || [ -x /usr/lib/frr/bgpd ] || need_apt+=(frr)
have bird || need_apt+=(bird2)
have gobgpd || need_apt+=(gobgpd)
have ip || need_apt+=(iproute2)
have tcpdump || need_apt+=(tcpdump)
have arping || need_apt+=(arping)
have ping || need_apt+=(iputils-ping)
have curl || need_apt+=(curl)
have openssl || need_apt+=(openssl)
have keepalived || need_apt+=(keepalived)
have kubectl || need_apt+=(kubernetes-client)

if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: need root to install: ${need_apt[*]}" >&2
    exit 1
  fi
  echo "setup: installing ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -q --no-install-recommends "${need_apt[@]}"
fi

# Debian's packages start nothing inside the lab; make sure the daemons they may have
# started system-wide do not hold the ports the lab's routers use.
for unit in frr bird gobgpd keepalived; do
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$unit" 2>/dev/null; then
    systemctl stop "$unit" || true
  fi
done
# FRR writes crash logs here and refuses to start when it is missing.
install -d -o frr -g frr /var/tmp/frr 2>/dev/null || true

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
# npm ci builds the speaker's addon; a checkout installed before the addon existed builds it here.
[ -f speaker/native/build/Release/herald_native.node ] || npm rebuild -w @herald/speaker
npx tsc -b
