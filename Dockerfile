# segmint: a static binary on a distroless base, run as a non-root user.
#   docker build -t segmint .
#   docker run --rm -e AWS_ACCESS_KEY_ID -e AWS_SECRET_ACCESS_KEY \
#     segmint nightly --config configs/s3.yaml
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY main.go ./
COPY configs ./configs
COPY jobs ./jobs
COPY lib ./lib
COPY models ./models
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/segmint . \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
WORKDIR /app
COPY --from=build /out/segmint /app/segmint
COPY configs /app/configs
# The bundled sample, so that the embedded default runs in the image too.
COPY testdata/landing /app/testdata/landing
COPY testdata/synthetic /app/testdata/synthetic
# The local store of the default configuration, writable by the runtime user.
COPY --from=build --chown=65532:65532 /out/data /app/data
USER 65532:65532
ENTRYPOINT ["/app/segmint"]
CMD ["help"]
