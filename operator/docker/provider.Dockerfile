# Provider images that need nothing but Node: mock, vsphere, proxmox. Build from the repository root:
#   docker build -f operator/docker/provider.Dockerfile --build-arg PROVIDER=vsphere \
#     -t ghcr.io/projectbeskar/virtrigaud/provider-vsphere:v0.1.0 .
# The Provider controller passes the seed's arguments (--grpc-addr=:9090 --metrics-addr=:8080
# --provider-type=... --provider-endpoint=... --tls-enabled=...), which follow the entrypoint.
# Non-root (65532) and read-only-root friendly: credentials, config and TLS are mounted under
# /etc/virtrigaud, scratch space is the /tmp emptyDir.
ARG PROVIDER=mock
FROM node:24-bookworm-slim AS build
ARG PROVIDER
WORKDIR /src
COPY . .
RUN npm install --no-audit --no-fund --ignore-scripts \
 && npx tsc -b proto packages/kube packages/api providers/sdk providers/${PROVIDER} \
 && npm prune --omit=dev --no-audit --no-fund --ignore-scripts \
 && mkdir -p /out \
 && cp -r --parents package.json node_modules proto/package.json proto/dist proto/provider \
      packages/kube/package.json packages/kube/dist packages/api/package.json packages/api/dist \
      providers/sdk/package.json providers/sdk/dist \
      providers/${PROVIDER}/package.json providers/${PROVIDER}/bin providers/${PROVIDER}/dist /out/ \
 && ln -s node_modules/.bin/provider-${PROVIDER} /out/provider

FROM gcr.io/distroless/nodejs24-debian12:nonroot
WORKDIR /app
COPY --from=build /out/ /app/
USER 65532:65532
EXPOSE 9090 8080
ENTRYPOINT ["/nodejs/bin/node", "/app/provider"]
