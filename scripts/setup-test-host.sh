#!/bin/sh
# Installs and configures what the test suite needs on Debian: shellcheck and the shells of
# the portability matrix, podman (with runc, debootstrap and CNI DNS) for the end-to-end
# tests, and podman-compose, whose --dry-run the compose importer's round trip is held to;
# docker.io, whose daemon it starts when none runs, for the end-to-end tests on docker;
# uidmap and slirp4netns, and a usable /dev/net/tun, for the rootless podman run; docker-registry
# (the distribution registry) for a registry of the tests' own on a free port.
# Idempotent and quick when everything is already there, so the README's test command and
# .ci/run can both call it.
set -eu

packages='shellcheck dash busybox yash mksh zsh tmux python3 sudo podman runc catatonit debootstrap golang-github-containernetworking-plugin-dnsname distrobox podman-compose docker.io uidmap slirp4netns docker-registry'

say() {
  printf 'setup-test-host: %s\n' "$*" >&2
}

if [ "$(id -u)" -eq 0 ]; then
  as_root=
elif command -v sudo >/dev/null 2>&1; then
  as_root=sudo
else
  as_root=none
fi

missing=
for package in $packages; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' ||
    missing="$missing $package"
done

if [ -n "$missing" ]; then
  [ "$as_root" != none ] || {
    say "need root (or sudo) to install:$missing"
    exit 1
  }
  say "installing$missing"
  $as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  # shellcheck disable=SC2086 # $missing is a space-separated list of package names
  $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# crun fails on this kind of host (hybrid cgroups) and the default ulimits are too high for
# it; runc with lowered limits works. Only a missing file is written: never the admin's own.
conf=/etc/containers/containers.conf
if [ ! -e "$conf" ] && [ "$as_root" != none ]; then
  say "writing $conf (runtime runc, lowered default ulimits)"
  $as_root mkdir -p /etc/containers
  printf '%s\n' '[containers]' 'default_ulimits = ["nofile=1024:1024", "nproc=1000:1000"]' '' '[engine]' 'runtime = "runc"' |
    $as_root tee "$conf" >/dev/null
fi

# Rootless podman's network (slirp4netns) opens /dev/net/tun, which is mode 666 on a usual
# host; some container hosts make it root's alone.
if [ -c /dev/net/tun ] && [ "$as_root" != none ] && [ "$(stat -c %a /dev/net/tun)" != 666 ]; then
  say 'making /dev/net/tun usable by every user (mode 666), as on a usual host'
  $as_root chmod 666 /dev/net/tun
fi

# supervisor's own config parser, for the supervisord.conf round trip: Debian's package,
# extracted rather than installed (installing would start a supervisord on this host).
supervisor=${XDG_CACHE_HOME:-$HOME/.cache}/boxwright/supervisor-4.2.5
if [ ! -d "$supervisor/usr/lib/python3/dist-packages/supervisor" ]; then
  say "extracting supervisor 4.2.5 into $supervisor"
  download=$(mktemp -d)
  (cd "$download" && apt-get download supervisor=4.2.5-1 >/dev/null 2>&1) || {
    $as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    (cd "$download" && apt-get download supervisor=4.2.5-1 >/dev/null)
  }
  mkdir -p "$supervisor"
  dpkg -x "$download"/supervisor_*.deb "$supervisor"
  rm -rf "$download"
fi

# The end-to-end suites run on docker too: its daemon, started here when none answers (a
# host without systemd, as CI's, has nothing that starts it). Its log goes beside the cache.
if [ "$as_root" != none ] && ! $as_root docker info >/dev/null 2>&1; then
  say 'starting dockerd'
  log=${XDG_CACHE_HOME:-$HOME/.cache}/boxwright/dockerd.log
  mkdir -p "${log%/*}"
  # shellcheck disable=SC2016 # $1 is the inner shell's: the log's path
  $as_root sh -c 'setsid dockerd --storage-driver overlay2 </dev/null >>"$1" 2>&1 &' sh "$log"
  waited=0
  until $as_root docker info >/dev/null 2>&1; do
    [ "$waited" -lt 60 ] || {
      say "dockerd did not answer within 60 seconds (its log: $log)"
      exit 1
    }
    sleep 1
    waited=$((waited + 1))
  done
fi
