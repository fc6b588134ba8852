#!/bin/sh
# What a user of the npm package gets: the packed tarball installs without a
# compiler and sweeps with the native engines. Run by .ci/run after the tests.
#   sh scripts/pack-install-check.sh
#
# 1. `npm run prebuild` (this machine's platform; linux-arm64 too when the cross
#    compiler is installed), then `npm pack`.
# 2. The tarball is installed into an empty folder with a PATH that has no
#    cmake and no C/C++ compiler (every other command of PATH stays).
# 3. There: no build/ folder was made (the prebuilt addon was used), and
#    `portpick sources` reports the native addon loaded with the syn and connect
#    engines (syn needs CAP_NET_RAW: run as root, as CI does).
# 4. A SYN and a connect sweep from that install, inside a private network
#    namespace with the test lab (scripts/in-private-netns.sh).
# 5. The same tarball without its prebuilds, installed with a compiler on PATH:
#    the addon is compiled as on a user's machine (no -Werror, no dev tools).
# Prints the tarball size and the install time.
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/portpick-pack-XXXXXX")
trap 'rm -rf "$work"' EXIT

cd "$repo"
node scripts/prebuild.mjs
tarball=$(npm pack --silent --pack-destination "$work" | tail -n 1)
size=$(wc -c < "$work/$tarball")
echo "pack-install: $tarball, $size bytes; contents:"
tar -tzf "$work/$tarball" | grep -E '\.node$' | sed 's/^/  /'

# A PATH without the build tools: a folder of links to every other command.
nobuild="$work/path-without-compilers"
mkdir -p "$nobuild"
old_ifs=$IFS
IFS=:
for dir in $PATH; do
  [ -d "$dir" ] || continue
  for tool in "$dir"/*; do
    name=${tool##*/}
    case $name in
      cmake | ctest | cpack | ninja | make | gmake | cc | c++ | gcc | g++ | clang | clang++ | *-gcc | *-g++ | *-gcc-[0-9]* | *-g++-[0-9]* | gcc-[0-9]* | g++-[0-9]* | c89 | c99 | cpp | cpp-[0-9]*) continue ;;
    esac
    [ -x "$tool" ] && [ ! -e "$nobuild/$name" ] && ln -s "$tool" "$nobuild/$name"
  done
done
IFS=$old_ifs
for tool in cmake g++ gcc c++ cc make; do
  if PATH="$nobuild" command -v "$tool" >/dev/null 2>&1; then
    echo "pack-install: FAILED to hide $tool from PATH" >&2
    exit 1
  fi
done

app="$work/app"
mkdir -p "$app"
cd "$app"
printf '{ "name": "portpick-install-check", "version": "1.0.0", "private": true }\n' > package.json
started=$(date +%s.%N)
PATH="$nobuild" npm install --no-audit --no-fund --foreground-scripts "$work/$tarball" > "$work/install.log" 2>&1 || {
  cat "$work/install.log" >&2
  echo "pack-install: FAILED: npm install of the tarball without a compiler" >&2
  exit 1
}
ended=$(date +%s.%N)
echo "pack-install: npm install of the tarball without cmake or a compiler took $(awk "BEGIN { printf \"%.1f\", $ended - $started }") s"
if grep -q 'did not compile\|compiling the addon from source' "$work/install.log"; then
  cat "$work/install.log" >&2
  echo "pack-install: FAILED: the install tried to compile instead of using the prebuilt addon" >&2
  exit 1
fi
if [ -e node_modules/portpick/build ]; then
  echo "pack-install: FAILED: node_modules/portpick/build exists (something was compiled)" >&2
  exit 1
fi

bin="$app/node_modules/.bin/portpick"
PATH="$nobuild" "$bin" sources --json > "$work/sources.json"
node -e '
  const { native } = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
  const want = process.getuid() === 0 ? ["syn", "connect"] : ["connect"];
  const missing = want.filter((engine) => !native.engines.includes(engine));
  if (!native.loaded || missing.length > 0) {
    console.error(`pack-install: FAILED: sources reports ${JSON.stringify(native)}`);
    process.exit(1);
  }
  console.log(`pack-install: portpick sources: native addon ${native.version} loaded, engines ${native.engines.join(", ")}`);
' "$work/sources.json"

# Inside the namespace the process holds CAP_NET_RAW (root, or root of its own user namespace): both engines run.
PATH="$nobuild" sh "$repo/scripts/in-private-netns.sh" node "$repo/scripts/sweep-smoke.mjs" "$bin" --modes syn,connect \
  --targets 127.0.0.1,198.18.0.1-198.18.0.3

# 5. The fallback: the same tarball without its prebuilds, installed where a
#    compiler is available, compiles the addon as a user's install does:
#    warnings not errors, and neither the core self-test nor the lab listener.
mkdir -p "$work/unpacked"
tar -xzf "$work/$tarball" -C "$work/unpacked"
rm -rf "$work/unpacked/package/prebuilds"
tar -czf "$work/source-only.tgz" -C "$work/unpacked" package
fallback="$work/fallback"
mkdir -p "$fallback"
cd "$fallback"
printf '{ "name": "portpick-fallback-check", "version": "1.0.0", "private": true }\n' > package.json
started=$(date +%s.%N)
npm install --no-audit --no-fund --foreground-scripts "$work/source-only.tgz" > "$work/fallback.log" 2>&1 || {
  cat "$work/fallback.log" >&2
  echo "pack-install: FAILED: npm install of the tarball without prebuilds" >&2
  exit 1
}
ended=$(date +%s.%N)
built="node_modules/portpick/build"
problems=""
[ -f "$built/Release/portpick_native.node" ] || problems="$problems no addon was compiled;"
grep -q '^PORTPICK_WERROR:BOOL=OFF$' "$built/CMakeCache.txt" 2>/dev/null || problems="$problems -Werror was not off;"
for tool in portpick_lab_listener portpick_core_selftest; do
  [ -e "$built/$tool" ] && problems="$problems $tool was built;"
done
node_modules/.bin/portpick sources --json | node -e '
  let text = ""; process.stdin.on("data", (d) => (text += d)).on("end", () => process.exit(JSON.parse(text).native.loaded ? 0 : 1));
' || problems="$problems the compiled addon does not load;"
if [ -n "$problems" ]; then
  cat "$work/fallback.log" >&2
  echo "pack-install: FAILED: install without prebuilds:$problems" >&2
  exit 1
fi
echo "pack-install: without prebuilds the install compiled the addon (no -Werror, no self-test or lab listener) in $(awk "BEGIN { printf \"%.1f\", $ended - $started }") s, and it loads"
echo "pack-install: OK"
