# portpick in a container: the port picker and the sweeper (SYN and connect).
#
#   docker build -t portpick .
#   docker run --rm portpick check 8080
#   docker run --rm --cap-add NET_RAW portpick scan 198.51.100.0/24 -p 22,80,443 --json
#
# Multi-stage: the addon is compiled in a build stage that has cmake and a C++
# compiler; the image that runs is a slim Node image without them, as a non-root
# user. SYN mode needs CAP_NET_RAW: the image carries a copy of node with that
# file capability and `portpick` starts it only when the container was granted
# NET_RAW (docker --cap-add NET_RAW, Kubernetes securityContext.capabilities.add);
# otherwise plain node runs and scans use the connect engine. (The kernel refuses
# to start a binary whose file capabilities the container may not have, so the
# capability is not put on the node every other command runs.)
#
# BASE is any Debian-based Node 20 image (CI builds from one made offline:
# scripts/container-base-image.sh). BUILD_BASE defaults to the same.
ARG BASE=node:20-bookworm-slim
ARG BUILD_BASE=${BASE}

FROM ${BUILD_BASE} AS build
RUN if ! command -v cmake >/dev/null || ! command -v g++ >/dev/null || ! command -v make >/dev/null; then \
      apt-get update && apt-get install -y --no-install-recommends cmake g++ make && rm -rf /var/lib/apt/lists/*; \
    fi
WORKDIR /src
COPY package.json package-lock.json ./
# Behind a TLS-inspecting proxy, pass its CA certificates: --secret id=ca,src=FILE (PEM).
RUN --mount=type=secret,id=ca \
    if [ -s /run/secrets/ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca; fi; \
    npm ci --ignore-scripts --no-audit --no-fund
COPY . .
# A user's build of the addon (warnings are not errors), but the image must have it.
RUN node scripts/build-native.mjs --require-addon \
 && npm run build:ts \
 && npm prune --omit=dev --no-audit --no-fund \
 && node -e "const a = require('./build/Release/portpick_native.node'); console.log('addon', a.version(), a.selfTest().every((t) => t.ok) ? 'self-tests ok' : process.exit(1))"

FROM ${BASE}
# setcap comes from libcap2-bin, removed again after use when this step installed it.
RUN set -eu; \
    installed=""; \
    if ! command -v setcap >/dev/null; then \
      apt-get update && apt-get install -y --no-install-recommends libcap2-bin && installed=yes; \
    fi; \
    mkdir -p /usr/local/lib/portpick; \
    cp "$(command -v node)" /usr/local/lib/portpick/node-net-raw; \
    setcap cap_net_raw+ep /usr/local/lib/portpick/node-net-raw; \
    if [ -n "$installed" ]; then apt-get purge -y --auto-remove libcap2-bin; apt-get clean; rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin; fi; \
    if ! id portpick >/dev/null 2>&1; then useradd --system --uid 10001 --user-group --home-dir /work --shell /usr/sbin/nologin portpick; fi; \
    mkdir -p /work /out && chown portpick:portpick /work /out
COPY --from=build /src/package.json /opt/portpick/package.json
COPY --from=build /src/dist /opt/portpick/dist
COPY --from=build /src/data /opt/portpick/data
COPY --from=build /src/node_modules /opt/portpick/node_modules
COPY --from=build /src/build/Release/portpick_native.node /opt/portpick/build/Release/portpick_native.node
COPY deploy/container/portpick.sh /usr/local/bin/portpick
RUN chmod 0755 /usr/local/bin/portpick \
 && node -p "require('/opt/portpick/package.json').bin.portpick" > /usr/local/lib/portpick/bin \
 && portpick --version
USER portpick
WORKDIR /work
ENTRYPOINT ["portpick"]
CMD ["--help"]
