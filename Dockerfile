# tsplay as a container image: the CLI as the entrypoint, run by a non-root user (node, uid 1000).
# Used by `tsplay cluster install` for unattended in-cluster runs (a CronJob of `tsplay run
# --in-cluster`): the shipped playbooks are at /app/playbooks, the install's ConfigMap is mounted at
# /etc/tsplay/config, the SSH key Secret at /etc/tsplay/ssh, an emptyDir at /work (the root
# filesystem may be read-only).
#
#   docker build -t REGISTRY/tsplay:0.1.0 .
#   docker push REGISTRY/tsplay:0.1.0
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json tsconfig.json playbook.schema.json ./
COPY scripts ./scripts
COPY engine ./engine
COPY modules ./modules
COPY lab ./lab
COPY bench ./bench
RUN npm ci && npm prune --omit=dev

FROM node:20-bookworm-slim
# openssh-client: ssh-keygen for known_hosts handling; ca-certificates: HTTPS to the API and webhooks
RUN apt-get update && apt-get install -y --no-install-recommends openssh-client ca-certificates \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /src/package.json /src/playbook.schema.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY playbooks ./playbooks
COPY inventory ./inventory
# the run journal and lab state live under the working directory: a writable one of the user's own
RUN mkdir -p /work && chown node:node /work
USER node
WORKDIR /work
ENV NODE_ENV=production CI=1 HOME=/work
ENTRYPOINT ["node", "/app/dist/engine/cli/main.js"]
CMD ["--help"]
