# interviewbot as a container: a static Go binary on an empty (scratch) image.
#
#   docker build -t interviewbot \
#     --build-arg VERSION="$(git describe --tags --always --dirty)" \
#     --build-arg COMMIT="$(git rev-parse HEAD)" .
#   docker run --rm interviewbot ask "Hyperion?"
#
# With podman, add --format docker so the HEALTHCHECK below is kept (the OCI
# image format has no field for it). .ci/container-test builds and tests it.

# The build stage: any image with a Go 1.26 toolchain, /bin/sh and a CA bundle
# at /etc/ssl/certs/ca-certificates.crt. The bundle is copied into the final
# image, so a builder must carry a clean one.
ARG GO_IMAGE=golang:1.26-bookworm

FROM ${GO_IMAGE} AS build
WORKDIR /src
ENV CGO_ENABLED=0
# Module proxy settings, for builds behind a mirror (empty means Go's default).
ARG GOPROXY
ARG GONOSUMDB
# Dependencies first, in their own layer: it is rebuilt only when go.mod or
# go.sum change, not on every source edit.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
ARG COMMIT=unknown
# Inlining is turned off in the dependencies that never run on the path of a
# question (geo queries, the older index formats, the on-disk store, the
# Discord client, voice crypto): half a megabyte less, at no cost to the
# search and the answer, which keep it.
RUN go build -trimpath \
      -gcflags=github.com/blevesearch/geo/...=-l \
      -gcflags=github.com/blevesearch/zapx/v11/...=-l \
      -gcflags=github.com/blevesearch/zapx/v12/...=-l \
      -gcflags=github.com/blevesearch/zapx/v13/...=-l \
      -gcflags=github.com/blevesearch/zapx/v14/...=-l \
      -gcflags=github.com/blevesearch/zapx/v15/...=-l \
      -gcflags=github.com/blevesearch/zapx/v16/...=-l \
      -gcflags=go.etcd.io/bbolt/...=-l \
      -gcflags=github.com/bwmarrin/discordgo/...=-l \
      -gcflags=golang.org/x/crypto/...=-l \
      -ldflags "-s -w -X main.version=${VERSION} -X main.commit=${COMMIT}" \
      -o /out/interviewbot ./cmd/interviewbot

# The final image: the binary, the CA bundle for Discord's HTTPS and nothing else.
FROM scratch
ARG VERSION=dev
ARG COMMIT=unknown
LABEL org.opencontainers.image.title="interviewbot" \
      org.opencontainers.image.description="Discord bot answering questions about one interview" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${COMMIT}"
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/interviewbot /interviewbot
# No shell, no package manager, no root: 65532 is the usual "nonroot" id.
USER 65532:65532
EXPOSE 8080
ENV HTTP_ADDR=:8080 LOG_FORMAT=json
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["/interviewbot", "healthcheck"]
ENTRYPOINT ["/interviewbot"]
CMD ["run"]
