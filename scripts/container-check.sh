#!/bin/sh
# Builds the Dockerfile with podman and runs the image, as .ci/run does after the
# tests (docs/install.md says what this covers):
#   sh scripts/container-check.sh
# 1. An offline Node base image (scripts/container-base-image.sh: no image
#    registry is needed), then `podman build` of the Dockerfile on it (the build
#    stage installs its compiler from the Debian archive, npm ci from the registry).
# 2. In the image, as the manifest's pod runs it (non-root, read-only root,
#    every capability dropped but NET_RAW, no network): the Kubernetes Job's
#    command line with --dry-run for every completion index (the dry run shows
#    shard index+1 of N, and the SYN engine).
# 3. A real sweep of the container's own loopback (`--network none`): SYN and
#    connect with NET_RAW; connect without it (node must still start).
# Skips, saying why, where podman cannot run (not installed, not root).
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
base=localhost/portpick-ci-base:${PORTPICK_BASE_TAG:-offline}
image=localhost/portpick:check
podman="podman --runtime runc --cgroup-manager cgroupfs"
limits="--ulimit nofile=1024:1024 --ulimit nproc=1024:1024"

skip() {
  echo "container-check: SKIPPED: $1" >&2
  exit 0
}
command -v podman > /dev/null 2>&1 || skip "podman is not installed (Debian: apt-get install podman runc debootstrap)"
command -v runc > /dev/null 2>&1 || skip "runc is not installed (Debian: apt-get install runc)"
[ "$(id -u)" = 0 ] || skip "not root: the offline base image needs debootstrap and chroot"
command -v debootstrap > /dev/null 2>&1 || skip "debootstrap is not installed (Debian: apt-get install debootstrap)"
$podman info > /dev/null 2>&1 || skip "podman does not run here ($($podman info 2>&1 | tail -n 1))"

started=$(date +%s)
step() { echo "container-check: $1 ($(($(date +%s) - started)) s so far)"; }

sh "$repo/scripts/container-base-image.sh" "$base"
step "base image ready"

build_started=$(date +%s)
# This machine's extra CA certificates (a TLS-inspecting proxy's: NODE_EXTRA_CA_CERTS, else npm's
# cafile setting) reach npm in the build stage as a build secret.
ca=${NODE_EXTRA_CA_CERTS:-}
[ -n "$ca" ] || ca=$(npm config get cafile 2>/dev/null || true)
secret=""
[ -n "$ca" ] && [ -f "$ca" ] && secret="--secret id=ca,src=$ca"
$podman build $limits --network host $secret --build-arg BASE="$base" -t "$image" "$repo" > "${TMPDIR:-/tmp}/portpick-container-build.log" 2>&1 || {
  tail -n 40 "${TMPDIR:-/tmp}/portpick-container-build.log" >&2
  echo "container-check: FAILED: podman build (log: ${TMPDIR:-/tmp}/portpick-container-build.log)" >&2
  exit 1
}
size=$($podman image inspect --format '{{.Size}}' "$image")
step "image built in $(($(date +%s) - build_started)) s, $((size / 1048576)) MiB"

# The pod's conditions (deploy/kubernetes/sweep-job.yaml): user 10001, read-only root, only NET_RAW, no network.
pod="--rm --network none --read-only --user 10001:10001 --cap-drop ALL"
out=$(mktemp -d "${TMPDIR:-/tmp}/portpick-container-out-XXXXXX")
trap 'rm -rf "$out"' EXIT
chmod 0777 "$out"

# The Job's shell line and completion count, read from the manifest with the repository's yaml package.
job=$(cd "$repo" && node --input-type=module -e '
  import { readFileSync } from "node:fs";
  import { parseAllDocuments } from "yaml";
  const job = parseAllDocuments(readFileSync("deploy/kubernetes/sweep-job.yaml", "utf8")).map((d) => d.toJS()).find((d) => d.spec?.completionMode === "Indexed");
  process.stdout.write(`${job.spec.completions}\n${job.spec.template.spec.containers[0].args[0]}`);
')
completions=$(printf '%s\n' "$job" | head -n 1)
line=$(printf '%s\n' "$job" | tail -n +2)
if $podman run $limits $pod "$image" scan --help | grep -q -- '--shards'; then
  index=0
  while [ "$index" -lt "$completions" ]; do
    result=$($podman run $limits $pod --cap-add NET_RAW -v "$out:/out" -e JOB_COMPLETION_INDEX="$index" --entrypoint sh "$image" -c "$line --dry-run")
    case $result in
      *"shard $((index + 1))/$completions "*"engine"*" syn "*) ;;
      *)
        echo "container-check: FAILED: the Job's command for index $index: $result" >&2
        exit 1
        ;;
    esac
    index=$((index + 1))
  done
  step "the Job's command line with --dry-run for indexes 0-$((completions - 1)): each plans its shard with the SYN engine"
else
  echo "container-check: PENDING: this build's CLI has no --shards (the Job's form); the $completions dry runs were not made" >&2
fi

smoke="-v $repo/scripts/sweep-smoke.mjs:/check/sweep-smoke.mjs:ro --entrypoint node"
$podman run $limits $pod --cap-add NET_RAW $smoke "$image" /check/sweep-smoke.mjs portpick --modes syn,connect --targets 127.0.0.1
$podman run $limits $pod $smoke "$image" /check/sweep-smoke.mjs portpick --modes connect --targets 127.0.0.1
engines=$($podman run $limits $pod "$image" sources --json | node -e 'let t = ""; process.stdin.on("data", (d) => (t += d)).on("end", () => console.log(JSON.parse(t).native.engines.join(",")))')
if [ "$engines" != "connect,connect-ts" ]; then
  echo "container-check: FAILED: without NET_RAW, sources reports engines $engines (expected connect,connect-ts)" >&2
  exit 1
fi
step "loopback sweeps in the container: SYN and connect as user 10001 with NET_RAW; connect without it"
echo "container-check: OK in $(($(date +%s) - started)) s"
