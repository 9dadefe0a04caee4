# CodeVoyage: one image for `serve` and `worker` (see docker-compose.yml and README "Run it scaled").
#
#   docker build -t codevoyage .
#
# Stage 1 builds the web UI, stage 2 the binary with the UI embedded (rust-embed), stage 3 is
# the small runtime image: the binary, git (remote repositories are cloned with git) and CA
# certificates, running as an unprivileged user.

FROM node:20-bookworm-slim AS web
WORKDIR /src/web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web/ ./
RUN npm run build

FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
COPY --from=web /src/web/dist web/dist
RUN cargo build --release --locked -p codevoyage \
 && cp target/release/codevoyage /usr/local/bin/codevoyage

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates git \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --home-dir /var/lib/codevoyage codevoyage
COPY --from=build /usr/local/bin/codevoyage /usr/local/bin/codevoyage
USER codevoyage
ENV CODEVOYAGE_DATA_DIR=/var/lib/codevoyage \
    CODEVOYAGE_LISTEN=0.0.0.0:7878 \
    CODEVOYAGE_LOG_FORMAT=json \
    CODEVOYAGE_LOG=info
VOLUME ["/var/lib/codevoyage"]
# 7878: the web UI and API; 9464: Prometheus metrics when CODEVOYAGE_METRICS_LISTEN is set.
EXPOSE 7878 9464
# SIGTERM drains open requests (serve) or finishes the job in hand (worker).
STOPSIGNAL SIGTERM
ENTRYPOINT ["codevoyage"]
CMD ["serve"]
