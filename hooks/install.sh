#!/bin/sh
# Points git at this repository's hooks/ through core.hooksPath, as husky does.
#
#   sh hooks/install.sh              install (also run by `npm install` / `npm ci`)
#   sh hooks/install.sh --uninstall  remove
#
# With --auto (the npm prepare step) it stays quiet and does nothing in CI, outside a git
# repository, or when BOXWRIGHT_HOOKS=0.
set -eu

mode=install
auto=false
for argument in "$@"; do
  case $argument in
    --uninstall) mode=uninstall ;;
    --auto) auto=true ;;
    *)
      printf 'usage: sh hooks/install.sh [--uninstall]\n' >&2
      exit 2
      ;;
  esac
done

say() {
  printf 'boxwright hooks: %s\n' "$*" >&2
}

if [ "$auto" = true ]; then
  [ "${BOXWRIGHT_HOOKS:-1}" != 0 ] || exit 0
  [ -z "${CI:-}" ] || exit 0
fi
command -v git >/dev/null 2>&1 || exit 0
here=$(cd "$(dirname "$0")/.." && pwd -P)
top=$(git -C "$here" rev-parse --show-toplevel 2>/dev/null) || {
  [ "$auto" = true ] || say "$here is not in a git repository"
  exit 0
}
# Installed as someone else's dependency: their repository, not ours.
[ "$(cd "$top" && pwd -P)" = "$here" ] || exit 0

current=$(git -C "$top" config --get core.hooksPath || true)
if [ "$mode" = uninstall ]; then
  if [ "$current" = hooks ]; then
    git -C "$top" config --unset core.hooksPath
    say 'uninstalled'
  fi
  exit 0
fi
if [ -n "$current" ] && [ "$current" != hooks ]; then
  say "core.hooksPath is already '$current'; leaving it alone"
  exit 0
fi
git -C "$top" config core.hooksPath hooks
[ "$auto" = true ] || say 'installed (core.hooksPath = hooks)'
