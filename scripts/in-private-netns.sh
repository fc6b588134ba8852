#!/bin/sh
# Runs a command inside a fresh, private network namespace (README: Tests and network safety):
# only `lo` plus the test lab below exist there, so a probe aimed at a wrong
# address finds no route and fails instead of leaving the machine.
#   root:           unshare --net
#   ordinary user:  unshare -rn  (user + net namespace; CAP_NET_RAW inside it only)
#   neither:        run as is, and say so; lab tests skip themselves visibly.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if [ "${PORTPICK_IN_NETNS:-}" = 1 ]; then exec "$@"; fi
export PORTPICK_IN_NETNS=1
if [ "$(id -u)" = 0 ] && unshare --net true 2>/dev/null; then
  exec unshare --net -- sh "$here/lab-setup.sh" "$@"
elif unshare -rn true 2>/dev/null; then
  exec unshare -rn -- sh "$here/lab-setup.sh" "$@"
fi
echo "portpick: cannot create a private network namespace here; only loopback connect tests run (lab tests are skipped)." >&2
export PORTPICK_IN_NETNS=0
exec "$@"
