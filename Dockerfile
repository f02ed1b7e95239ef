# emi's container image: `docker build --build-arg EMI_COMMIT=$(git rev-parse HEAD) -t emi:0.2.0 .`
# The build stage compiles the bundle and better-sqlite3 (python3, make, g++); the image holds only
# what runs: the packed emi (as `npm pack` makes it) and its production dependencies, owned by root
# and read-only to the non-root user emi runs as. Happy on a read-only root file system: the store
# (when SQLite) goes to the /var/lib/emi volume, temporary files to /tmp (mount an emptyDir or tmpfs).
# test/deploy/image-steps.test.ts runs these steps outside a container.

FROM node:20-slim AS build
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json ./
# Every dependency, without scripts: the sources are not here yet for `prepare`.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
# There is no .git in the build context: the release workflow passes the commit.
ARG EMI_COMMIT=unknown
RUN EMI_COMMIT="$EMI_COMMIT" node scripts/build.mjs \
  && npm pack --ignore-scripts --pack-destination /tmp \
  && mkdir /app \
  && tar -xzf /tmp/emi-*.tgz -C /app --strip-components=1 \
  && cp package-lock.json /app/
WORKDIR /app
# Production dependencies only; better-sqlite3's native module is built here, where the compiler is.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
  && npm rebuild better-sqlite3 \
  && rm package-lock.json

FROM node:20-slim
ENV NODE_ENV=production \
  TMPDIR=/tmp \
  EMI_STORE=sqlite:/var/lib/emi/state.db
RUN groupadd --system --gid 10001 emi \
  && useradd --system --uid 10001 --gid emi --home-dir /var/lib/emi --shell /usr/sbin/nologin emi \
  && mkdir -p /var/lib/emi /repo \
  && chown emi:emi /var/lib/emi \
  && chmod 0700 /var/lib/emi
COPY --from=build /app /app
USER 10001:10001
# The declarations repository is mounted (or synced by git-sync) here.
WORKDIR /repo
VOLUME ["/var/lib/emi"]
# node itself, never npx: SIGTERM reaches emi, which stops cleanly (leases released).
ENTRYPOINT ["node", "/app/bin/emi.js"]
CMD ["--help"]
