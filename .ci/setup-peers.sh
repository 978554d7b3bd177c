#!/usr/bin/env bash
# Real peers for harness/peers (issue 6): the native binaries of nginx, squid,
# haproxy, tinyproxy and Apache from Debian's packages, a Docker engine, and a
# local peer image built from Debian packages (no container registry is
# reachable on CI, so the image is debootstrapped and `docker import`ed).
# Varnish and Caddy (issue 13) play the balancer role, natively and in the
# image; nghttpx (nghttp2-proxy, issue 15) is an HTTP/2 front; Apache Traffic
# Server and lighttpd (issue 16) bring the matrix to ten implementations. The image tag
# carries a number that changes with its package list, so a machine holding an
# older image builds the new one instead of using it.
#
# Idempotent and quiet: every step is skipped when its result is already
# there. It exports nothing: the tests find the engine on the default socket
# and the image under its default name (harness/peers/images.ts,
# LOCAL_PEER_IMAGE), and TESTCONTAINERS_RYUK_DISABLED is set by the harness.
set -euo pipefail

IMAGE=proxyspec/peers:bookworm-4
# The Debian mirror comes from this machine's own apt sources (deb822 or
# one-line format), so no registry host is named in the repository.
apt_mirror() {
  local uri
  uri=$(grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v -- '-security' | head -n 1)
  [ -n "$uri" ] || uri=$(grep -hsE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '{print $2}' | grep -v -- '-security' | head -n 1)
  printf '%s' "$uri"
}
MIRROR=$(apt_mirror)
LOG_DIR=/var/log/proxyspec
mkdir -p "$LOG_DIR"
started=$SECONDS

say() { printf 'setup-peers: %s\n' "$*"; }

# 1. Packages. The daemons must not start on install (they would listen on
#    every address on ports 80, 3128, 6081, 8888): policy-rc.d says no, and we
#    only remove it afterwards if we put it there. varnish compiles its VCL
#    with gcc (a dependency of the package).
packages=(nginx squid haproxy tinyproxy apache2 varnish caddy nghttp2-proxy trafficserver lighttpd docker.io debootstrap)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  own_policy=no
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 0755 /usr/sbin/policy-rc.d
    own_policy=yes
  fi
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=600 update -qq >"$LOG_DIR/apt-update.log" 2>&1
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >"$LOG_DIR/apt-install.log" 2>&1 ||
    { tail -20 "$LOG_DIR/apt-install.log"; exit 1; }
  [ "$own_policy" = yes ] && rm -f /usr/sbin/policy-rc.d
fi

# 2. The Docker engine: no bridge and no iptables (containers use the host's
#    network and bind 127.0.0.1 only), in the background, logging to a file.
docker_ok() { timeout 10 docker info >/dev/null 2>&1; }
if ! docker_ok; then
  say "starting dockerd (log: $LOG_DIR/dockerd.log)"
  setsid nohup dockerd --bridge=none --iptables=false --ip6tables=false \
    >"$LOG_DIR/dockerd.log" 2>&1 </dev/null &
  for _ in $(seq 1 60); do
    docker_ok && break
    sleep 1
  done
  docker_ok || { tail -20 "$LOG_DIR/dockerd.log"; say "dockerd did not answer within 60 s"; exit 1; }
fi

# 3. The local peer image: a minimal bookworm with the ten peers inside.
if ! docker image inspect "$IMAGE" >/dev/null 2>&1; then
  [ -n "$MIRROR" ] || { say "no Debian mirror found in /etc/apt/sources.list*"; exit 1; }
  say "building $IMAGE with debootstrap (log: $LOG_DIR/debootstrap.log)"
  work=$(mktemp -d /var/tmp/proxyspec-rootfs.XXXXXX)
  trap 'rm -rf "$work"' EXIT
  debootstrap --variant=minbase --include=nginx-light,squid,haproxy,tinyproxy,apache2,varnish,caddy,nghttp2-proxy,trafficserver,lighttpd,ca-certificates \
    bookworm "$work/rootfs" "$MIRROR" >"$LOG_DIR/debootstrap.log" 2>&1 ||
    { tail -20 "$LOG_DIR/debootstrap.log"; exit 1; }
  chroot "$work/rootfs" apt-get clean
  rm -rf "$work/rootfs/var/lib/apt/lists/"*
  tar -C "$work/rootfs" -c . | docker import - "$IMAGE" >/dev/null
  rm -rf "$work"
  trap - EXIT
fi

say "ready in $((SECONDS - started)) s: $(nginx -v 2>&1 | sed 's/.*: //'), $(squid -v | head -1 | sed 's/.*Version //;s/^/squid /'), $(varnishd -V 2>&1 | head -1 | sed 's/^varnishd (//;s/ revision.*//'), caddy $(caddy version | cut -d' ' -f1), image $IMAGE"
