# tests/regression/cases.sh: the golden-digest cases (sourced by tests/regression/run.sh).
#
# Each case is one command line that writes a run (or a trace) into $OUT; the digests of
# its output tables are kept in tests/regression/<case>.sha256. The sizes are small so the
# whole set runs in seconds, but every case goes through the code path it names: the
# shipped narratives, a blend, a correlated LHS run with sensitivity, a Sobol design, an
# MPI run on 2 ranks, the emulated CUDA backend, and trace replays.
#
# Variables: HC (the program), HC_MPI (its MPI build), HC_EMU (its emulated-GPU build),
# MPIRUN (the bounded mpirun command), C (configs/), OUT (the case's out folder).
# A case that needs a build which is missing fails (it is not skipped): `make test`
# builds every one of them.

SMALL="-q --years 3 --firms 60 --worlds 40 --threads 2 --seed 20261203"
CORR='correlations=[{"inputs": ["inference.annual_price_change", "capability.growth_rate"], "rank_correlation": -0.6}]'

case_narratives() {
    "$HC" run $SMALL --samples all --trajectories all --trace-percentiles 5,50,95 \
        -o "$OUT" "$C/cuts.json" "$C/growth.json"
}
case_quarterly_formats() {
    "$HC" run $SMALL --years 2 --set simulation.steps_per_year=4 --format csv,json,md \
        -o "$OUT" "$C/cuts.json" "$C/growth.json"
}
case_blend() {
    "$HC" run $SMALL -o "$OUT" "$C/cuts.json" "$C/growth.json" "$C/blend.json"
}
case_lhs_correlated() {
    "$HC" run $SMALL --worlds 80 --sampling lhs --sensitivity --set "$CORR" \
        -o "$OUT" "$C/cuts.json" "$C/growth.json"
}
case_sobol() {
    "$HC" run $SMALL --sobol 8 -o "$OUT" "$C/growth.json"
}
case_target_mcse() {
    "$HC" run $SMALL --worlds 20 --target-mcse 5 -o "$OUT" "$C/cuts.json"
}
case_mpi() {
    $MPIRUN -np 2 "$HC_MPI" run $SMALL -o "$OUT" "$C/cuts.json" "$C/growth.json"
}
case_emulated_gpu() {
    "$HC_EMU" run $SMALL --backend cuda -o "$OUT" "$C/cuts.json" "$C/growth.json"
}
case_trace() {
    mkdir -p "$OUT" &&
    "$HC" trace "$C/growth.json" --seed 20261203 --world 3 --firm 17 -o "$OUT/trace_growth.csv" &&
    "$HC" trace "$C/cuts.json" --seed 20261203 --years 3 --world 0 --firm 0 -o "$OUT/trace_cuts.csv"
}

CASES="narratives quarterly_formats blend lhs_correlated sobol target_mcse mpi emulated_gpu trace"
