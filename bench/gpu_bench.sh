#!/usr/bin/env bash
# bench/gpu_bench.sh: `make bench-gpu`. The CUDA backend on the shipped narratives for 1e6,
# 1e7 and 1e8 firms in all (100 worlds each), after a check against the CPU backend: the
# throughput, the time split, the ratio to the CPU backend and to the roofline counted
# from the kernels' SASS (make roofline: build/cuda/sass_counts.tsv). Prints "skipped: no GPU" where there is none.
#
#   BENCH_GPU_SIZES=1e6,1e7,1e8   firms in all, per scenario
#   BENCH_GPU_WORLDS=100          worlds (firms per world = size / worlds)
#   BENCH_GPU_YEARS=10
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec build/bench/gpu_bench --sizes "${BENCH_GPU_SIZES:-1e6,1e7,1e8}" --worlds "${BENCH_GPU_WORLDS:-100}" \
    --years "${BENCH_GPU_YEARS:-10}" configs/cuts.json configs/growth.json
