# syntax=docker/dockerfile:1.7
#
# opsbot container image: one image for every role (OPSBOT_ROLE=web|worker|scheduler|all).
#
#   docker build -t opsbot .
#   docker run --env-file .env -p 3000:3000 opsbot
#
# Expected size (linux/amd64): ~300 MB on disk, ~95 MB compressed to pull. node:24-slim is
# ~230 MB of it; production node_modules are ~190 MB before the prune step below and ~70 MB
# after it (type declarations, source maps and the cloudflare SDK's TypeScript sources are
# not needed at run time); dist/ and the inventory are about 3 MB.
#
# Probes: GET /healthz (liveness: the process serves HTTP) and GET /readyz (readiness: Redis
# answers within 1 s) on $PORT, served by the web and all roles. The worker and scheduler roles
# serve no HTTP: run them with --no-healthcheck (the Helm chart and docker-compose.yml do).
# No secret is baked in: every credential comes from the environment at run time.

ARG NODE_IMAGE=node:24-slim

# --- build: compile TypeScript with the dev dependencies ------------------------------------
# The output is plain JavaScript, so build on the builder's own platform even for other targets.
FROM --platform=$BUILDPLATFORM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# --- runtime: production dependencies only, non-root, read-only friendly --------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: no dependency needs an install script (msgpackr's native part ships prebuilt; so
# does resvg's, as a per-platform optional package built for glibc: this Debian-based image has it).
# Charts use two of the Inter font's eighteen styles (src/charts/chart-fonts.ts): the rest go.
# npm and corepack go afterwards: nothing runs them at run time, and they are attack surface.
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && find node_modules \( -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' -o -name '*.map' \) -type f -delete \
 && rm -rf node_modules/cloudflare/src \
 && find node_modules/@expo-google-fonts/inter -mindepth 1 -maxdepth 1 -type d \
      ! -name 400Regular ! -name 600SemiBold -exec rm -rf {} + \
 && find node_modules/@expo-google-fonts/inter -name '*.png' -type f -delete \
 && rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
           /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack
COPY --from=build /src/dist/src ./dist/src
COPY infra/environments ./infra/environments

# The node image's unprivileged user, by number so Kubernetes can verify runAsNonRoot.
USER 1000:1000
EXPOSE 3000
# Node itself is PID 1: main.ts handles SIGTERM/SIGINT (drains jobs, exits 0) and never forks,
# so no init process is needed to forward signals or reap zombies.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "--enable-source-maps", "dist/src/main.js"]
