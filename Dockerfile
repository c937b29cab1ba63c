# syntax=docker/dockerfile:1
# Three stages: production dependencies (native build tools stay behind), the TypeScript build
# (dev dependencies stay behind), and the runtime that gets only the results of both.
# scripts/image-smoke.sh builds and runs it in CI (with Podman) and checks what a user relies on.

FROM node:24-bookworm-slim AS deps
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary can be downloaded.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# Only the compiled addon is needed at run time: a source build leaves objects, a static library
# and the SQLite amalgamation next to it.
RUN npm ci --omit=dev --no-audit --no-fund \
  && cd node_modules/better-sqlite3 \
  && mv build/Release/better_sqlite3.node /tmp/ \
  && rm -rf build deps src \
  && mkdir -p build/Release \
  && mv /tmp/better_sqlite3.node build/Release/

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# tsc needs no native module: skip install scripts (and the compiler toolchain).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts ./scripts
RUN npm run build

FROM node:24-bookworm-slim AS runtime
WORKDIR /app
# HOST=0.0.0.0: reachable through published ports. NODE_ENV=production: without the PINGONE_*
# settings the app refuses to start (exit 2) unless DEMO=1 asks for the embedded demo on purpose.
# The demo's emulator binds loopback unless EMULATOR_HOST=0.0.0.0 (its /__emulator/sms lists every
# code); the browser needs it for the phone page, published on the same port number
# (-p 3001:3001): its pages and issuer URL name it. docs/operations.md has the commands.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    EMULATOR_PORT=3001 \
    DATA_DIR=/app/data
COPY package.json package-lock.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY views ./views
COPY public ./public
# Group 0 with the owner's rights: OpenShift's restricted policy runs an arbitrary uid in group 0.
RUN mkdir -p /app/data && chown node:0 /app/data && chmod g=u /app/data
USER node
EXPOSE 3000 3001
HEALTHCHECK --interval=15s --timeout=5s --retries=4 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node itself is PID 1 (no npm, no shell): SIGTERM reaches the server, which stops taking
# connections, lets in-flight requests finish, closes the stores and exits 0.
# A 1 GB old-space limit, far above the live heap, makes V8 collect before the heap balloons, so
# RSS stays flat over a long soak (figures: docs/performance.md, Heap).
CMD ["node", "--max-old-space-size=1024", "dist/src/server.js"]
