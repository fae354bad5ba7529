# Eddy: build with the Swift 6 toolchain, run on a slim Debian with only the C libraries it links.
FROM swift:6.3-bookworm AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends librdkafka-dev libsqlite3-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY migrations ./migrations
RUN swift build -c release --product eddy --static-swift-stdlib \
    && cp "$(swift build -c release --show-bin-path)/eddy" /usr/local/bin/eddy

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends librdkafka1 libsqlite3-0 ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/eddy eddy \
    && mkdir -p /var/lib/eddy \
    && chown eddy /var/lib/eddy
COPY --from=build /usr/local/bin/eddy /usr/local/bin/eddy
USER 10001
WORKDIR /var/lib/eddy
ENV EDDY_DB=/var/lib/eddy/eddy.db \
    EDDY_HTTP=0.0.0.0:8080
VOLUME /var/lib/eddy
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s CMD ["curl", "-fsS", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["eddy", "run"]
