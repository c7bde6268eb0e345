#!/bin/sh
# As upstream's: the command line is redis-server's (or its options alone); protected mode off, as
# upstream's build sets it, since the containers reach Redis over the compose network.
set -e
if [ "${1#-}" != "$1" ]; then set -- redis-server "$@"; fi
if [ "$1" = redis-server ]; then
  shift
  exec redis-server --protected-mode no "$@"
fi
exec "$@"
