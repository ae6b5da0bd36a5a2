#!/bin/sh
# A feature as the devcontainer CLI runs it: as root, from its own folder, its options as
# variables. It records the order, its options and who it ran as, and installs a command.
set -e
echo greet >>/opt/feature-order
mkdir -p /opt/greet/bin
printf '%s|%s|%s|%s\n' "$GREETING" "$LOUD" "$(id -un)" "$_REMOTE_USER" >/opt/greet/options
cp ./message /opt/greet/message
printf '#!/bin/sh\ncat /opt/greet/message\n' >/opt/greet/bin/greet
chmod +x /opt/greet/bin/greet
