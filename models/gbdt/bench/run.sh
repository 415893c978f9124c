#!/usr/bin/env bash
# Runs the gbdt comparison: scikit-learn and XGBoost (Debian python3
# packages) and segmint's gbdt on bank-full, the 10x table and iFood, on the
# same splits, REPS times each, one model per process.
#
#   models/gbdt/bench/run.sh [REPS]     (from the repository root)
#
# The 10x table is written first if absent (make10x.py, ~46 MB in
# ${SEGMINT_GBDT_BENCH:-$TMPDIR/segmint-gbdt-bench}). Results go to stdout.
set -euo pipefail
cd "$(dirname "$0")"
reps=${1:-3}
dir=${SEGMINT_GBDT_BENCH:-${TMPDIR:-/tmp}/segmint-gbdt-bench}
py=/usr/bin/python3
[ -f "$dir/bank10x.csv" ] || $py make10x.py "$dir"
echo "# $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq "$reps"); do
  for m in sklearn xgb; do
    $py compare.py $m bank
    $py compare.py $m ifood
    $py compare.py $m bank10x "$dir/bank10x.csv" "$dir/bank10x-split.csv"
  done
  for b in Bank Bank10x Ifood; do
    # one process per benchmark, so that each peak RSS is its own
    (cd .. && SEGMINT_GBDT_BENCH=$dir go test -run XXX -bench "^BenchmarkFit$b\$" -benchtime 1x -count 1 . | grep '^Benchmark')
  done
done
echo "# end $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
