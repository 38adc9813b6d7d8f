# syntax=docker/dockerfile:1
# One image for the API (default), the worker and the CLI; compose picks the process with `command`.

FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV TURBO_TELEMETRY_DISABLED=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
# The whole tree before `npm ci` (instead of package.json files first) so that a new workspace
# cannot be forgotten here; the npm cache mount keeps reinstalls from downloading again.
COPY . .
RUN --mount=type=cache,target=/root/.npm npm ci
RUN npx turbo run build \
 && npm prune --omit=dev \
 && rm -rf .turbo node_modules/.cache apps/*/.turbo packages/*/.turbo

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and only readable by the `node` user the processes run as: the app never writes
# to its own files, and a compromised process cannot change them.
COPY --from=build /app /app
USER node
EXPOSE 8000
CMD ["node", "apps/api/dist/server.js"]
