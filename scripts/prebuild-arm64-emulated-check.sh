#!/bin/sh
# Loads the linux-arm64 prebuild (npm run prebuild) in an arm64 Node under
# qemu-user emulation and runs its self-tests, on an x64 Debian machine, as root:
#   sh scripts/prebuild-arm64-emulated-check.sh
# Nothing is installed on the machine: qemu-aarch64-static is taken from the
# qemu-user-static package (`apt-get download`, unpacked into a temporary folder),
# and Debian's arm64 nodejs (Node 18, N-API 9) with its libraries from a
# `debootstrap --foreign --arch=arm64` tree of this machine's release and apt
# mirror. The permutation of the x64 prebuild must come out the same.
# Not run by CI: it downloads packages and a debootstrap tree from the apt mirror.
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
addon="$repo/prebuilds/linux-arm64/portpick.napi.armv8.glibc.node"
[ -f "$addon" ] || { echo "arm64-check: no $addon: run npm run prebuild with g++-aarch64-linux-gnu installed" >&2; exit 1; }
. /etc/os-release
mirror=$(awk -v suite="$VERSION_CODENAME" 'tolower($1) == "uris:" { uri = $2 } tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i == suite && uri != "") { print uri; exit } }' /etc/apt/sources.list.d/*.sources 2>/dev/null)
[ -n "$mirror" ] || { echo "arm64-check: no deb822 apt source for $VERSION_CODENAME found" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/portpick-arm64-XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get download qemu-user-static > /dev/null 2>&1
dpkg-deb -x qemu-user-static_*.deb qemu
debootstrap --foreign --arch=arm64 --variant=minbase --include=nodejs "$VERSION_CODENAME" root "$mirror" > debootstrap.log 2>&1
for deb in root/var/cache/apt/archives/*.deb; do dpkg-deb -x "$deb" root; done
cp "$addon" root/tmp/addon.node
script='
  const addon = require(process.argv[1]);
  const tests = addon.selfTest();
  const failed = tests.filter((test) => !test.ok);
  const permutation = Array.from(addon.permute(1000, 42n, Float64Array.from([0, 1, 2, 3, 999])));
  console.log(JSON.stringify({ node: process.version, arch: process.arch, version: addon.version(), selfTests: tests.length, failed: failed.map((t) => t.name), permutation }));
'
arm=$(qemu/usr/bin/qemu-aarch64-static -L "$work/root" "$work/root/usr/bin/node" -e "$script" "$work/root/tmp/addon.node")
x64=$(node -e "$script" "$repo/prebuilds/linux-x64/portpick.napi.glibc.node")
echo "arm64-check: arm64 (emulated): $arm"
echo "arm64-check: x64:              $x64"
node -e '
  const [arm, x64] = process.argv.slice(1).map((text) => JSON.parse(text));
  const ok = arm.arch === "arm64" && arm.failed.length === 0 && arm.selfTests === x64.selfTests && JSON.stringify(arm.permutation) === JSON.stringify(x64.permutation);
  console.log(ok ? "arm64-check: OK" : "arm64-check: FAILED");
  process.exit(ok ? 0 : 1);
' "$arm" "$x64"
