# s3-cleanup in a container: built on Debian 12, run on Debian 12 slim as a non-root user.
# The same image is the AWS Lambda package: Lambda runs its ENTRYPOINT as a custom runtime
# (no arguments and AWS_LAMBDA_RUNTIME_API set), so there is no CMD: arguments would turn
# Lambda mode off.
#
#   docker build -t s3-cleanup .
#   docker run --rm -e AWS_ACCESS_KEY_ID -e AWS_SECRET_ACCESS_KEY -e AWS_REGION \
#     s3-cleanup s3://site --keep 5 --dry-run
#
# The build stage installs the build packages that scripts/deps names and runs the same
# configure and build commands as scripts/test and the tests (cmake --preset default;
# cmake --build --preset default). The run stage installs the runtime packages that the
# Debian package depends on (cmake/packaging.cmake) and the same files it installs.
# tests/integration/test_deploy.py checks that these lists and commands stay in step;
# scripts/image builds the image and tests/integration/test_image.py runs it
# (scripts/test --full).
#
# It writes nothing outside /tmp (the key spill file, TMPDIR) and the audit log's volume
# (/var/log/s3-cleanup, owned by uid 10001), so it runs with a read-only root filesystem.

# ---------------------------------------------------------------------------- build
FROM debian:bookworm AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      g++ cmake ninja-build pkg-config \
      libcurl4-openssl-dev libssl-dev libpugixml-dev libcli11-dev nlohmann-json3-dev \
      libyaml-cpp-dev libgtest-dev python3 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake --preset default \
 && cmake --build --preset default --target s3-cleanup \
 && cmake --install build/default --prefix /out --strip \
 && /out/bin/s3-cleanup --version

# ---------------------------------------------------------------------------- run
FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates \
      libc6 libcurl4 libgcc-s1 libpugixml1v5 libssl3 libstdc++6 libyaml-cpp0.7 \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt/* /var/log/dpkg.log \
 && groupadd --gid 10001 s3-cleanup \
 && useradd --uid 10001 --gid 10001 --no-log-init --create-home --home-dir /home/s3-cleanup \
      --shell /usr/sbin/nologin s3-cleanup \
 && install -d -o 10001 -g 10001 -m 0750 /var/log/s3-cleanup
COPY --from=build /out/bin/s3-cleanup /usr/local/bin/s3-cleanup
COPY --from=build /out/share/man/man1/s3-cleanup.1 /usr/local/share/man/man1/s3-cleanup.1
USER 10001:10001
WORKDIR /home/s3-cleanup
ENTRYPOINT ["/usr/local/bin/s3-cleanup"]
