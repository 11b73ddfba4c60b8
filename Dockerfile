# paydesk: a multi-stage build. The first stage compiles the release binary; the runtime
# stage is Debian slim with only CA certificates (for HTTPS to Discord and the payment
# providers) and the binary, run as an unprivileged user.
#
#   docker build -t paydesk .
#   docker run --rm -e PAYDESK_DISCORD_TOKEN=… -e PAYDESK_STORE_URL=postgres://… \
#       -v /etc/paydesk:/etc/paydesk:ro -p 8080:8080 paydesk
#
# The build stage's steps are run outside Docker by deploy/docker-build-steps.sh (CI), so
# a missing file or a broken --locked build is found without a Docker daemon.

FROM rust:1.88-bookworm AS build
WORKDIR /src
# The build context the binary needs: the manifest and lock file, the sources, the
# migrations (embedded by sqlx::migrate!), the customer message files and the bundled
# classifier corpus (include_str!).
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY migrations ./migrations
COPY locales ./locales
COPY tests/data/nlu_extra.jsonl ./tests/data/nlu_extra.jsonl
COPY data/nlu/model.bin ./data/nlu/model.bin
RUN cargo build --release --locked \
 && objcopy --strip-debug target/release/paydesk \
 && target/release/paydesk --version

FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --home-dir /var/lib/paydesk --shell /usr/sbin/nologin paydesk
COPY --from=build /src/target/release/paydesk /usr/local/bin/paydesk
USER paydesk
WORKDIR /var/lib/paydesk
# Logs as JSON lines on stderr (no colour codes off a terminal).
ENV PAYDESK_LOG_FORMAT=json
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/paydesk"]
CMD ["run", "--config", "/etc/paydesk/bot.toml"]
