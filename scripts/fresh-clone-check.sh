#!/bin/sh
# The README's two commands in a clone made into an empty temporary folder, with
# nothing beside it: what a new user does. Run by .ci/run after the suite; any
# test that reaches outside the repository fails here.
#   sh scripts/fresh-clone-check.sh
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
parent=$(mktemp -d "${TMPDIR:-/tmp}/portpick-fresh-XXXXXX")
trap 'rm -rf "$parent"' EXIT
git clone --quiet --no-hardlinks "$repo" "$parent/portpick"
cd "$parent/portpick"
echo "portpick: fresh clone of $(git rev-parse --short HEAD) in $parent/portpick (nothing beside it)"
npm install --no-audit --no-fund
npm test
