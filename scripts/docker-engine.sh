#!/usr/bin/env bash
# A Docker engine and a compose for `npm run test:compose`, on a Debian machine where none answers
# (CI's): Debian's docker.io (dockerd, started here as root: overlay2, cgroupfs, in the background,
# its log in /var/log/bus-compose/dockerd.log) and, unless `docker compose` (v2) answers, Debian's
# docker-compose 1.29. An engine that answers already is used as it is. Prints the compose command.
set -euo pipefail

log() { echo "docker engine: $*" >&2; }
apt_install() {
  if [ -z "${APT_UPDATED:-}" ]; then apt-get update -qq >&2; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

if ! docker info >/dev/null 2>&1; then
  if ! command -v dockerd >/dev/null 2>&1; then
    log "installing Debian's docker.io"
    apt_install docker.io
  fi
  mkdir -p /var/log/bus-compose
  log "starting dockerd (overlay2, cgroupfs; log /var/log/bus-compose/dockerd.log)"
  nohup dockerd --storage-driver overlay2 --exec-opt native.cgroupdriver=cgroupfs \
    >>/var/log/bus-compose/dockerd.log 2>&1 </dev/null &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { log "dockerd did not answer in 60 s"; tail -20 /var/log/bus-compose/dockerd.log >&2; exit 1; }
fi

if docker compose version >/dev/null 2>&1; then
  echo "docker compose"
else
  command -v docker-compose >/dev/null 2>&1 || { log "installing Debian's docker-compose"; apt_install docker-compose; }
  echo "docker-compose"
fi
