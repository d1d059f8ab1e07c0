#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# One command from a fresh Debian 12 machine to a working demo: install the
# packages, build, start the local DNS world on loopback, scan an example pool
# against it, stop the world.
set -euo pipefail
cd "$(dirname "$0")"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if ! dpkg -s $(grep -v '^#' debian-packages.txt) >/dev/null 2>&1; then
    $SUDO apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        $(grep -v '^#' debian-packages.txt) >/dev/null
fi
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build >/dev/null
dir=$(mktemp -d)
trap 'zones/world stop --dir "$dir" >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
zones/world start --dir "$dir" --port "${WORLD_PORT:-53530}" >/dev/null
. "$dir/world.env"
echo "== dnsbl-scan check against the local DNS world ($WORLD_RESOLVER)"
# The world's root is signed with its own key: its trust anchor replaces the real root's.
echo "\$ dnsbl-scan check --resolver $WORLD_RESOLVER --trust-anchor $WORLD_TRUST_ANCHOR" \
    "192.0.2.10 2001:db8::10 example-esp.test secure.dnssec.test"
build/dnsbl-scan check --resolver "$WORLD_RESOLVER" --rate 0 --trust-anchor "$WORLD_TRUST_ANCHOR" \
    192.0.2.10 2001:db8::10 example-esp.test secure.dnssec.test || true
echo
echo "== the sending addresses of two domains (--expand mx,spf,a), on the IP lists"
echo "\$ dnsbl-scan check --resolver $WORLD_RESOLVER --checks dnsbl,fcrdns --expand mx,spf,a" \
    "expand-a.test expand-b.test"
build/dnsbl-scan check --resolver "$WORLD_RESOLVER" --rate 0 --checks dnsbl,fcrdns \
    --expand mx,spf,a expand-a.test expand-b.test || true
echo
echo "== dnsbl-scan scan of the example pool (zones/demo-pool.txt)"
echo "\$ dnsbl-scan scan --resolver $WORLD_RESOLVER --checks dnsbl,origin @zones/demo-pool.txt"
build/dnsbl-scan scan --resolver "$WORLD_RESOLVER" --rate 0 --checks dnsbl,origin \
    @zones/demo-pool.txt || true
