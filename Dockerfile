# syntax=docker/dockerfile:1
# One image build for every service of the workspace. PACKAGE picks the service:
#   docker build -t tickwire/market-data .
#   docker build -t tickwire/scanner --build-arg PACKAGE=@tickwire/scanner .
#   docker build -t tickwire/gateway --build-arg PACKAGE=@tickwire/gateway .
#   docker build -t tickwire/exchange-sim --build-arg PACKAGE=@tickwire/exchange-sim .
# The runtime stage holds only that package's production dependencies (`pnpm deploy --prod`),
# runs as the unprivileged `node` user, and starts node itself as PID 1 (exec form, no shell),
# so the SIGTERM of `docker stop` or Kubernetes reaches the process that drains its streams.
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
ARG PNPM_VERSION=12
RUN npm install --global "pnpm@${PNPM_VERSION}" && npm cache clean --force
WORKDIR /workspace
# Dependencies are fetched from the lockfile alone, so this layer survives source changes.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch
COPY package.json tsconfig.base.json ./
COPY packages ./packages
COPY services ./services
RUN pnpm install --frozen-lockfile --offline
ARG PACKAGE=@tickwire/market-data
# The package and the workspace packages it depends on, nothing else.
RUN pnpm --filter "${PACKAGE}..." build
RUN pnpm --filter "${PACKAGE}" deploy --prod --legacy /out

FROM ${NODE_IMAGE} AS runtime
# Every service of the image listens on 8080 (outside a container the scanner defaults to 8090 and
# the gateway to 8070), where EXPOSE and the HEALTHCHECK look; PORT still overrides it.
ENV NODE_ENV=production PORT=8080
WORKDIR /app
# Owned by root and read-only for the user that runs it: the root filesystem can be mounted read-only.
COPY --from=build /out ./
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]
