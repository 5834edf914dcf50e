# The schema-operator image: `docker build -t schema-operator:0.1.0 .` from the repository root.
#
# Two stages: the binary is built on debian:bookworm with the build part of the Makefile's
# PACKAGES, and runs on debian:bookworm-slim with only the shared libraries it links
# (tests/deploy/dockerfile_test.py checks both lists against the Makefile and the built binary).
# It runs as the unprivileged user 65532. The ENTRYPOINT (operator/docker-entrypoint.sh) runs the
# controller, `schema-operator run`, when the arguments are flags or none, so a Deployment passes
# only its flags; a first argument naming a command runs that command:
#   docker run --rm -i IMAGE plan -f - --database-url ... < shop.yaml

FROM debian:bookworm AS build
# From the Makefile's PACKAGES: the compiler and build tools, and every library CMakeLists.txt
# looks for. CMakeLists.txt requires GTest at configure time, so googletest comes along even
# though only the schema-operator target is built.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      cmake ninja-build g++ pkg-config \
      libboost1.81-dev libssl-dev nlohmann-json3-dev libhowardhinnant-date-dev libpqxx-dev libpq-dev \
      prometheus-cpp-dev libyaml-dev libcli11-dev \
      googletest libgtest-dev libgmock-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The whole context less .dockerignore (build folders, .git, the manifests).
COPY . .
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release \
 && ninja -C /build schema-operator \
 && strip /build/schema-operator \
 && /build/schema-operator version

FROM debian:bookworm-slim
# The runtime packages of the libraries the binary links (readelf -d: NEEDED), nothing else:
# libpqxx and libpq (PostgreSQL), libyaml, OpenSSL (TLS to the API server and to PostgreSQL),
# prometheus-cpp (metrics), the C++ runtime. libc6 and libgcc-s1 are in the base image.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libpqxx-6.4 libpq5 libyaml-0-2 libssl3 \
      libprometheus-cpp-core1.0 libstdc++6 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 65532 nonroot \
 && useradd --uid 65532 --gid 65532 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin nonroot
COPY --from=build /build/schema-operator /usr/local/bin/schema-operator
COPY --from=build /src/operator/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
# Fails the build if a shared library is missing from the list above (or the entry point is broken).
RUN ["/usr/local/bin/docker-entrypoint.sh", "version"]
USER 65532:65532
# Health probes on :8081, metrics on :8080 (`schema-operator run --help`).
EXPOSE 8080 8081
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
