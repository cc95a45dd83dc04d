# syntax=docker/dockerfile:1.7
# Folio's image: the static `folio` binary and the AWS RDS CA bundle on distroless/static, which
# has no shell, no package manager and no libc (glibc is linked into the binary). The same image
# runs as the site (`web`), the API (`api`) or both (`serve`); the ECS task definition's command
# picks. Built for linux/amd64 or linux/arm64 (docker buildx build --platform ...).
# scripts/image-test runs the binary built the same way in the same kind of root, without Docker.
#
# Base images are pinned by tag and digest: the digest is what is pulled, the tag says what it is.
# To move to newer ones: docker buildx imagetools inspect <image:tag>, and update both together.

FROM rust:1.95-bookworm@sha256:6258907abe69656e41cd992e0b705cdcfabcbbe3db374f92ed2d47121282d4a1 AS build
# linux/amd64 or linux/arm64 (Graviton, the personal profile): the pipeline builds each on a
# runner of that architecture, so the build is native and needs no cross linker. An arm64 build
# needs both base digests to be those of the images' multi-architecture indexes (what
# `docker buildx imagetools inspect <image:tag>` prints first); one of a single-architecture
# manifest stops the build with "no match for platform".
ARG TARGETARCH
WORKDIR /src
COPY . .
# crt-static links glibc into the binary, so it runs with no libraries beside it. The caches
# only speed up rebuilds; the binary is copied out of the cached target directory. A dynamically
# linked result fails the build here (ldd says "statically linked" for a static PIE).
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git \
    --mount=type=cache,target=/src/target \
    case "$TARGETARCH" in \
      amd64) target=x86_64-unknown-linux-gnu ;; \
      arm64) target=aarch64-unknown-linux-gnu ;; \
      *) echo "no Rust target for architecture '$TARGETARCH'" >&2; exit 1 ;; \
    esac \
    && RUSTFLAGS="-C target-feature=+crt-static" \
      cargo build --release --locked --bin folio --target "$target" \
    && cp "target/$target/release/folio" /folio \
    && case "$(ldd /folio 2>&1)" in \
         *"statically linked"*|*"not a dynamic executable"*) ;; \
         *) echo "folio is dynamically linked" >&2; exit 1 ;; \
       esac

# The owner's content: `content/` at the repository root (site.toml and about.md, see the
# README), copied into the image when it exists. Without it the directory is empty, and
# outside development the site refuses to start rather than show the built-in demo owner.
RUN mkdir /content && if [ -d content ]; then cp -R content/. /content/; fi

FROM gcr.io/distroless/static-debian12:nonroot@sha256:b7bb25d9f7c31d2bdd1982feb4dafcaf137703c7075dbe2febb41c24212b946f

# The CAs that sign RDS server certificates, fetched at build time and checked against a pinned
# SHA-256, so a changed or tampered bundle fails the build instead of shipping. AWS adds
# certificates to this file from time to time; docs/deploy.md says how to verify a new checksum.
ARG RDS_CA_BUNDLE_SHA256=e5bb2084ccf45087bda1c9bffdea0eb15ee67f0b91646106e466714f9de3c7e3
ADD --checksum=sha256:${RDS_CA_BUNDLE_SHA256} --chmod=0444 \
    https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem /etc/folio/rds-global-bundle.pem

COPY --from=build /folio /folio
COPY --from=build /content /etc/folio/content

ENV DB_SSLROOTCERT=/etc/folio/rds-global-bundle.pem \
    CONTENT_DIR=/etc/folio/content \
    HOST=0.0.0.0 \
    LOG_FORMAT=json

# 65532 is distroless's "nonroot"; numeric so that runAsNonRoot-style checks can verify it.
USER 65532:65532
EXPOSE 3000 3001
# The role comes from FOLIO_ROLE (or the task definition's own health check, which ECS uses
# instead of this one).
HEALTHCHECK CMD ["/folio", "healthcheck"]
ENTRYPOINT ["/folio"]
CMD ["serve"]
