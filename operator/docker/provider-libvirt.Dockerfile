# provider-libvirt: drives libvirt through virsh, so the image carries libvirt-clients and an SSH
# client for qemu+ssh:// endpoints. Build from the repository root:
#   docker build -f operator/docker/provider-libvirt.Dockerfile \
#     -t ghcr.io/projectbeskar/virtrigaud/provider-libvirt:v0.1.0 .
FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY . .
RUN npm install --no-audit --no-fund --ignore-scripts \
 && npx tsc -b proto packages/kube packages/api providers/sdk providers/libvirt \
 && npm prune --omit=dev --no-audit --no-fund --ignore-scripts

FROM node:24-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libvirt-clients openssh-client ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd -g 65532 nonroot && useradd -u 65532 -g 65532 -M -d /tmp -s /usr/sbin/nologin nonroot
WORKDIR /app
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/proto/package.json ./proto/package.json
COPY --from=build /src/proto/dist ./proto/dist
COPY --from=build /src/proto/provider ./proto/provider
COPY --from=build /src/packages/kube/package.json ./packages/kube/package.json
COPY --from=build /src/packages/kube/dist ./packages/kube/dist
COPY --from=build /src/packages/api/package.json ./packages/api/package.json
COPY --from=build /src/packages/api/dist ./packages/api/dist
COPY --from=build /src/providers/sdk/package.json ./providers/sdk/package.json
COPY --from=build /src/providers/sdk/dist ./providers/sdk/dist
COPY --from=build /src/providers/libvirt/package.json ./providers/libvirt/package.json
COPY --from=build /src/providers/libvirt/bin ./providers/libvirt/bin
COPY --from=build /src/providers/libvirt/dist ./providers/libvirt/dist
# HOME=/tmp: ssh writes known_hosts/control sockets there (an emptyDir; the root FS is read-only).
ENV NODE_ENV=production HOME=/tmp
USER 65532:65532
EXPOSE 9090 8080
ENTRYPOINT ["node", "/app/node_modules/.bin/provider-libvirt"]
