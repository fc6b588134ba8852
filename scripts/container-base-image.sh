#!/bin/sh
# Makes a Node base image for the Dockerfile without any image registry, for CI
# machines that reach only the Debian archive and the npm registry:
#   a `debootstrap --variant=minbase` tree of this machine's Debian release, from
#   the mirror this machine's apt sources already name (read here, at run time),
#   plus this machine's own node and npm, laid out as in the official Node image
#   (/usr/local/bin/node, /usr/local/lib/node_modules/npm), piped into `podman import`.
#   sh scripts/container-base-image.sh IMAGE[:TAG]
# Needs root, debootstrap and podman. Prints what it made and how long it took.
set -eu
image=${1:?usage: container-base-image.sh IMAGE[:TAG]}
podman=${PODMAN:-podman --runtime runc --cgroup-manager cgroupfs}

. /etc/os-release
suite=${VERSION_CODENAME:?this is not a Debian-like system with a release code name}

# The mirror: the first apt source whose suites include this release.
mirror=""
for file in /etc/apt/sources.list.d/*.sources; do
  [ -f "$file" ] || continue
  mirror=$(awk -v suite="$suite" '
    /^[[:space:]]*$/ { if (uri != "" && found) { print uri; exit } uri = ""; found = 0; next }
    tolower($1) == "uris:" { uri = $2 }
    tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i == suite) found = 1 }
    END { if (uri != "" && found) print uri }
  ' "$file" | head -n 1)
  [ -n "$mirror" ] && break
done
if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
  mirror=$(awk -v suite="$suite" '$1 == "deb" && $0 !~ /\[/ && $3 == suite { print $2; exit } $1 == "deb" && $0 ~ /\[/ { for (i = 2; i <= NF; i++) if ($i ~ /\]$/) { if ($(i + 2) == suite) { print $(i + 1); exit } } }' /etc/apt/sources.list)
fi
if [ -z "$mirror" ]; then
  echo "container-base-image: no apt source for $suite found in /etc/apt; cannot debootstrap" >&2
  exit 1
fi

node_bin=$(command -v node)
npm_dir=$(cd "$(dirname "$(readlink -f "$(command -v npm)")")/.." && pwd)
tree=$(mktemp -d "${TMPDIR:-/tmp}/portpick-base-XXXXXX")
trap 'rm -rf "$tree"' EXIT

started=$(date +%s)
echo "container-base-image: debootstrap --variant=minbase $suite from the machine's apt source into $tree"
debootstrap --variant=minbase "$suite" "$tree" "$mirror" > "$tree.log" 2>&1 || {
  tail -n 30 "$tree.log" >&2
  echo "container-base-image: debootstrap failed (log above)" >&2
  rm -f "$tree.log"
  exit 1
}
rm -f "$tree.log"
# The build stage installs its compiler from the same archive.
printf 'deb %s %s main\n' "$mirror" "$suite" > "$tree/etc/apt/sources.list"
rm -rf "$tree/var/cache/apt/archives/"*.deb "$tree/var/lib/apt/lists/"*

install -m 0755 "$node_bin" "$tree/usr/local/bin/node"
# Libraries node needs that minbase lacks (normally none: libc6, libstdc++6 and libgcc-s1 are there).
ldd "$node_bin" | awk '/=> \// { print $3 }' | while read -r lib; do
  [ -e "$tree$lib" ] || { mkdir -p "$tree$(dirname "$lib")" && cp -L "$lib" "$tree$lib"; }
done
mkdir -p "$tree/usr/local/lib/node_modules"
cp -a "$npm_dir" "$tree/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$tree/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$tree/usr/local/bin/npx"
chroot "$tree" /usr/local/bin/node --version > /dev/null

$podman rmi -f "$image" > /dev/null 2>&1 || true
tar -C "$tree" -c . | $podman import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["node"]' --quiet - "$image" > /dev/null
size=$($podman image inspect --format '{{.Size}}' "$image")
echo "container-base-image: $image ($suite minbase + node $($node_bin --version) + npm $(npm --version)), $((size / 1048576)) MiB, made in $(($(date +%s) - started)) s"
