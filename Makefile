# segmint: two commands do all set-up on a machine with Go.
#   make run    the nightly job on the embedded default (local folder store in
#               ./data, the bundled sample in testdata/, no credentials)
#   make test   the tests, with a real S3 server (MinIO) installed and started
#               on loopback by .ci/s3-server.sh
GO    ?= go
BIN   := bin/segmint
# The bundled sample ends on 2010-12-09; the command's own default is yesterday.
DATE  ?= 2010-12-09

.PHONY: build run test test-race vet fmt tidy clean s3-start s3-stop

build:
	$(GO) build -o $(BIN) .

run: build
	./$(BIN) nightly --date $(DATE) --config configs/local.yaml

test:
	.ci/test.sh

test-race:
	GOTESTFLAGS=-race .ci/test.sh

vet:
	$(GO) vet ./...

fmt:
	gofmt -w .

tidy:
	$(GO) mod tidy

s3-start:
	@.ci/s3-server.sh start

s3-stop:
	@.ci/s3-server.sh stop

clean:
	rm -rf bin data
