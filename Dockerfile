# One image for every app: the 13 adapters, the scheduler, the console, the one-shot migration and the
# sample unit system (examples/unit-system) differ only in their command and settings (docker-compose.yml).
# It holds no secret: keys, passwords and webhook secrets come from .env at run time (node
# scripts/bus-keys.mjs > .env), and .dockerignore keeps .env and .bus/ out of the build context.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# npm ci's postinstall (the Prisma client) needs only this script: the others come after the
# dependencies, so that a change to them does not install everything again.
COPY scripts/prisma-generate.mjs ./scripts/
COPY prisma ./prisma
COPY prisma.config.ts ./
RUN npm ci --no-audit --no-fund
# The runtime's dependencies apart (the build's tools, TypeScript, jest, linters, pruned), before the
# sources arrive: a change to the code alone reuses this layer and the final image's copy of it.
RUN mkdir /deps && cp -a package.json package-lock.json node_modules /deps/ \
 && cd /deps && npm prune --omit=dev --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY apps ./apps
COPY libs ./libs
COPY examples ./examples
RUN npx tsc -p tsconfig.build.json

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0
# Owned by root and read-only to the apps' user: a compromised process cannot rewrite the code it runs.
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /deps/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/scripts ./scripts
COPY --from=build /app/prisma ./prisma
COPY --from=build /app/prisma.config.ts ./
USER node
# Ready: the process answers and reaches its database and queues (GET /health/ready, 503 otherwise).
# bash's /dev/tcp rather than a Node process: cheap enough for a check every 10 s in dozens of containers.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=5 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${PORT:-3000} && printf 'GET /health/ready HTTP/1.0\\r\\n\\r\\n' >&3 && read -t 2 -r status <&3 && [[ $status == *' 200 '* ]]"]
CMD ["node", "dist/apps/adapter/src/main.js"]
