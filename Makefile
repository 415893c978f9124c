# segmint: two commands do all set-up on a machine with Go.
#   make run    the nightly job on the embedded default (local folder store in
#               ./data, the bundled sample in testdata/, no credentials)
#   make test   the tests, with a real S3 server (MinIO) installed and started
#               on loopback by .ci/s3-server.sh
GO    ?= go
BIN   := bin/segmint
# The bundled sample ends on 2010-12-09; the command's own default is yesterday.
DATE  ?= 2010-12-09
# run runs the night before DATE first, so that DATE's report has a
# previous run to compare with (lifecycle flows, segment adds and removes).
PREV  ?= $(shell date -u -d "$(DATE) -1 day" +%F)

.PHONY: build run demo test test-race bench vet lint fmt tidy clean s3-start s3-stop report-screenshot

build:
	$(GO) build -o $(BIN) .

run: build
	./$(BIN) backfill --from $(PREV) --to $(DATE) --config configs/local.yaml

# report-screenshot: the sample's report rendered in headless Chromium
# (installed by .ci/chromium.sh when missing), the top of the page saved as
# testdata/report-sample.png for the README.
report-screenshot:
	eval "$$(.ci/chromium.sh)"; SEGMINT_REQUIRE_CHROMIUM=1 SEGMINT_REPORT_SCREENSHOT=$(CURDIR)/testdata/report-sample.png \
		$(GO) test -count=1 -run '^TestSampleReport$$/^chromium$$' -v ./jobs/nightly

# demo: all four API connectors pull from local fakes of the platforms
# (segmint fakes), beside the file drop; then the sources and their cursors.
DEMO_ENV := SEGMINT_DEMO_HUBSPOT_TOKEN=pat-demo-hubspot \
	SEGMINT_DEMO_SF_CLIENT_ID=fake-consumer-key SEGMINT_DEMO_SF_CLIENT_SECRET=fake-consumer-secret \
	SEGMINT_DEMO_SF_REFRESH_TOKEN=fake-refresh-token \
	SEGMINT_DEMO_GADS_DEV_TOKEN=fake-developer-token SEGMINT_DEMO_GADS_CLIENT_ID=fake-client-id.apps.googleusercontent.com \
	SEGMINT_DEMO_GADS_CLIENT_SECRET=fake-client-secret SEGMINT_DEMO_GADS_REFRESH=fake-refresh-token \
	SEGMINT_DEMO_META_TOKEN=fake-meta-token
demo: build
	@./$(BIN) fakes > data-fakes.log 2>&1 & echo $$! > .fakes.pid; \
	for i in $$(seq 50); do grep -q ready data-fakes.log 2>/dev/null && break; sleep 0.2; done; \
	$(DEMO_ENV) ./$(BIN) ingest --config configs/demo.yaml --log-format console; rc=$$?; \
	./$(BIN) sources --config configs/demo.yaml; \
	kill $$(cat .fakes.pid); rm -f .fakes.pid data-fakes.log; exit $$rc

# bench: the benchmarks (the full-data ones read ../shared/data when present).
bench:
	$(GO) test -run XXX -bench . -benchtime 3x ./jobs/nightly/ ./jobs/command/

# bench-models: the models beside scikit-learn and XGBoost (Debian
# python3-sklearn and python3-xgboost) on bank-full, a 10x table and iFood,
# and the Go benchmarks of logreg, k-means and BG/NBD (read ../shared/data).
.PHONY: bench-models
bench-models:
	models/gbdt/bench/run.sh 1
	$(GO) test -run XXX -bench . -benchtime 1x ./models/logreg/ ./models/clv/ ./models/kmeans/

# bench-identity: identity resolution over 10 million links with the Go
# runtime's soft memory limit at 1600 MiB, as large runs should set it
# (without it Go's default GC peaks above 2 GiB: BENCHMARKS.md).
.PHONY: bench-identity
bench-identity:
	GOMEMLIMIT=1600MiB $(GO) test -run '^$$' -bench Resolve10M -benchtime 1x ./lib/identity

# bench-unify: unify and features beside pandas at 1x and 20x Online Retail II
# (reads ../shared/data; see jobs/unify/bench/run.sh).
.PHONY: bench-unify
bench-unify:
	jobs/unify/bench/run.sh

# bench-backtest: each classifier trained as the nightly of D would, scored
# as of D and compared with what happened after D, beside scikit-learn
# (Debian python3-sklearn) on the same snapshots, over Online Retail II
# (reads ../shared/data, or BACKTEST_DATA=path; about 1.5 minutes; see
# jobs/train/backtest_test.go and BENCHMARKS.md).
BACKTEST_DATA ?= ../shared/data/online-retail-ii/online_retail_ii_2009_2010.csv.gz
.PHONY: bench-backtest
bench-backtest:
	SEGMINT_BACKTEST=1 SEGMINT_BACKTEST_DATA=$(abspath $(BACKTEST_DATA)) \
		$(GO) test -run '^TestBacktest$$' -count 1 -v -timeout 30m ./jobs/train

# bench-recommend: the recommend step on the full year of Online Retail II
# for 2010-08-31 (fitted up to 2010-08-01, measured on the next 30 days),
# item-item beside the most-popular baseline (reads ../shared/data, or
# RECS_DATA=path; see jobs/recommend/bench_test.go and BENCHMARKS.md).
RECS_DATA ?= $(BACKTEST_DATA)
.PHONY: bench-recommend
bench-recommend:
	SEGMINT_RECS_BENCH=1 SEGMINT_RECS_DATA=$(abspath $(RECS_DATA)) \
		$(GO) test -run '^TestFullYearBeatsPopular$$' -count 1 -v -timeout 30m ./jobs/recommend

test:
	.ci/test.sh

test-race:
	GOTESTFLAGS=-race .ci/test.sh

# crash: the crash harness (not in `make test`): segmint nightly killed with
# SIGKILL at 52 points per configuration (local and S3, with and without
# --redo), rerun and compared with an uninterrupted run; then the slow
# fault-injection cases. 12-17 minutes (README: Tests).
.PHONY: crash
crash:
	.ci/crash.sh

vet:
	$(GO) vet ./... ./testdata/synth/...

# lint: staticcheck at the version pinned in .ci/lint.sh (installed if missing).
lint:
	.ci/lint.sh

fmt:
	gofmt -w .

tidy:
	$(GO) mod tidy

s3-start:
	@.ci/s3-server.sh start

s3-stop:
	@.ci/s3-server.sh stop

clean:
	rm -rf bin data data-fakes.log .fakes.pid
