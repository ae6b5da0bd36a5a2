#!/bin/sh
# Installs the Debian packages the test suite needs: shellcheck and the shells of the
# portability matrix. Idempotent and quick when everything is already there, so the
# README's test command and .ci/run can both call it.
set -eu

packages='shellcheck dash busybox yash mksh zsh'

missing=
for package in $packages; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' ||
    missing="$missing $package"
done
[ -n "$missing" ] || exit 0

if [ "$(id -u)" -eq 0 ]; then
  as_root=
elif command -v sudo >/dev/null 2>&1; then
  as_root=sudo
else
  printf 'setup-test-host: need root (or sudo) to install:%s\n' "$missing" >&2
  exit 1
fi

printf 'setup-test-host: installing%s\n' "$missing" >&2
$as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# shellcheck disable=SC2086 # $missing is a space-separated list of package names
$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
