#!/bin/sh
# run.sh: segmint's unify and features steps beside pandas (customers.py)
# over Online Retail II 2009-2010 (x1, 525,461 lines) and 20 shifted copies
# of it (x20, 10,509,220 lines; see bench.go), each step of the segmint
# binary and the pandas script under /usr/bin/time -v: wall time and peak
# resident set size. Run from anywhere: make bench-unify.
#
#   DATA    the export (default ../shared/data/online-retail-ii/...csv.gz)
#   COPIES  the sizes to run (default "1 20")
#   WORK    a scratch folder (default a new temporary folder, removed after)
set -eu
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
DATA=${DATA:-$ROOT/../shared/data/online-retail-ii/online_retail_ii_2009_2010.csv.gz}
COPIES=${COPIES:-"1 20"}
if [ ! -f "$DATA" ]; then
	echo "run.sh: $DATA not present (Online Retail II, see ../shared/data)" >&2
	exit 1
fi
if [ -z "${WORK:-}" ]; then
	WORK=$(mktemp -d)
	trap 'rm -rf "$WORK"' EXIT
fi
cd "$ROOT"
go build -o "$WORK/segmint" .
go build -o "$WORK/scale" ./jobs/unify/bench/scale

# measure NAME CMD...: runs CMD under /usr/bin/time -v and prints NAME,
# the wall time in seconds and the peak RSS in MiB.
measure() {
	name=$1
	shift
	if ! /usr/bin/time -v -o "$WORK/time.txt" "$@" >"$WORK/out.txt" 2>"$WORK/err.txt"; then
		cat "$WORK/err.txt" >&2
		exit 1
	fi
	awk -v name="$name" '
		/Elapsed \(wall clock\)/ { n = split($NF, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i] }
		/Maximum resident set size/ { rss = $NF / 1024 }
		END { printf "%-28s %8.1f s %8.0f MiB\n", name, s, rss }' "$WORK/time.txt"
}

echo "machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2 " GiB, " $7 " GiB available"}'), load $(cut -d' ' -f1-3 /proc/loadavg)"
for k in $COPIES; do
	dir=$WORK/x$k
	mkdir -p "$dir/orders"
	"$WORK/scale" -copies "$k" -in "$DATA" -out "$dir/orders/online_retail_ii_x$k.csv.gz"
	sed "s|landing: testdata/landing/retail|landing: $dir|" configs/local.yaml >"$dir/config.yaml"
	echo "x$k: $(zcat "$dir/orders/online_retail_ii_x$k.csv.gz" | tail -n +2 | wc -l) lines"
	for step in ingest unify features; do
		SEGMINT_STORE_PATH=$dir/data measure "  segmint $step" \
			"$WORK/segmint" "$step" --date 2010-12-09 --config "$dir/config.yaml" --log-format json
	done
	measure "  pandas customers.py" /usr/bin/python3 jobs/unify/bench/customers.py "$dir/orders/online_retail_ii_x$k.csv.gz"
	echo "    $(cat "$WORK/out.txt")"
	rm -rf "$dir"
done
