# Eddy: build with the Swift toolchain, run on a slim Debian with the C libraries it links and the sqlite3
# shell (query and back up inside the container). The layers go from what changes least to what changes
# most: the packages the build needs, the Swift dependencies (resolved from Package.swift alone), then
# the sources.
FROM swift:6.3.1-bookworm AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends librdkafka-dev libsqlite3-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
RUN swift package resolve
# Every target of the package must be there for SwiftPM to load it, the tests' too; only eddy is built.
COPY Sources ./Sources
COPY migrations ./migrations
COPY Tests ./Tests
COPY bench/ParserBench ./bench/ParserBench
# The commit `eddy --version` names: the build context has no .git (`docker build --build-arg
# EDDY_GIT_COMMIT=$(git rev-parse HEAD) .`; the release workflow passes it).
ARG EDDY_GIT_COMMIT=unknown
RUN EDDY_GIT_COMMIT="$EDDY_GIT_COMMIT" swift build -c release --product eddy --static-swift-stdlib \
    && cp "$(swift build -c release --show-bin-path)/eddy" /usr/local/bin/eddy

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends librdkafka1 libsqlite3-0 sqlite3 ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/eddy eddy \
    && mkdir -p /var/lib/eddy \
    && chown eddy /var/lib/eddy
COPY --from=build /usr/local/bin/eddy /usr/local/bin/eddy
COPY LICENSE /usr/share/doc/eddy/LICENSE
# The example workload files: eddy run --workload /usr/share/eddy/workloads/orders.yaml
COPY workloads /usr/share/eddy/workloads
USER 10001
WORKDIR /var/lib/eddy
ENV EDDY_DB=/var/lib/eddy/eddy.db \
    EDDY_HTTP=0.0.0.0:8080
VOLUME /var/lib/eddy
EXPOSE 8080
# The port is the one EDDY_HTTP names (what follows its last colon), so the check follows a changed port.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s CMD ["sh", "-c", "curl -fsS \"http://127.0.0.1:${EDDY_HTTP##*:}/healthz\""]
ENTRYPOINT ["eddy", "run"]
