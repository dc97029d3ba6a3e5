# ecs-advisor as a container image, for scheduled runs (deploy/scheduled-report.cfn.yaml runs it weekly on
# Fargate). Two stages: the build (dev dependencies, TypeScript → dist/, `npm pack`), then the runtime: the
# packed files and the production dependencies only, run as the unprivileged `node` user.
#
#   docker build -t ecs-advisor .
#   docker run --rm ecs-advisor                                   # the demo fleet
#   docker run --rm -e AWS_REGION -e AWS_ACCESS_KEY_ID -e AWS_SECRET_ACCESS_KEY -e AWS_SESSION_TOKEN \
#     ecs-advisor report --region eu-west-1 --no-interactive
#
# scripts/image-check.mjs runs the runtime stage's steps without a container engine (npm test does): the
# packed files, a clean `npm ci --omit=dev`, the entrypoint. Keep the two in step.
FROM node:22-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build && mkdir -p /tmp/pkg && npm pack --ignore-scripts --pack-destination /tmp/pkg

FROM node:22-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /tmp/pkg/ /tmp/pkg/
COPY --from=build /src/package-lock.json /app/package-lock.json
RUN tar -xzf /tmp/pkg/ecs-advisor-*.tgz -C /app --strip-components=1 && rm -rf /tmp/pkg \
  && npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
USER node
ENTRYPOINT ["node", "/app/dist/cli/main.js"]
CMD ["report", "--demo", "--no-interactive"]
