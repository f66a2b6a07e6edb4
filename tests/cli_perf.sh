#!/usr/bin/env bash
# cli_perf.sh: the CPU backend's firm-loop variants (src/engines/engine_cpu_firms.h) from the
# command line (TAP): every variant this CPU runs writes the same bands.csv bytes as the
# one picked by default; HC_CPU_VARIANT naming no usable variant is refused; and no
# engine object holds a fused multiply-add, whose single rounding would make the vector
# variants differ from the scalar ones. tests/unit_engine_variants.c compares the
# variants' raw results bit for bit. Run from the repository root after `make`.
set -u
. "$(dirname "$0")/tap.sh"

BUILD=${HC_BUILD:-build}
# The role capacities, as the build reads them (HC_ROLE_CAPS, include/model/hc_defs.h).
CAPS=$(sed -n 's/^#define HC_ROLE_CAPS(X)//p' include/model/hc_defs.h | tr -c '0-9' ' ')
SMALL=(--quiet --worlds 24 --firms 30 --years 3)
CONFIGS=(configs/cuts.json configs/growth.json)

# --- no FMA in the engine, whichever variant
# objdump (binutils) and the objects are prerequisites of make test: without them nothing
# was checked, a failure; a disassembly with no instruction at all is one too.
for cap in $CAPS; do
    obj=$BUILD/obj/engines/engine_cpu_r$cap.o
    if ! objdump -d --no-show-raw-insn "$obj" >"$TMP/r$cap.dis" 2>"$TMP/r$cap.err" ||
       ! grep -qE '^\s+[0-9a-f]+:\s' "$TMP/r$cap.dis"; then
        echo "# cannot disassemble $obj: $(head -c 200 "$TMP/r$cap.err")"
        ok 1 "engine_cpu_r$cap.o has no fused multiply-add"
        continue
    fi
    fused=$(grep -cE '\sv?f(n)?m(add|sub|addsub|subadd)[0-9]+[ps][sd]\s' "$TMP/r$cap.dis")
    [ "$fused" -eq 0 ] || echo "# $fused fused multiply-add instructions in $obj"
    ok "$fused" "engine_cpu_r$cap.o has no fused multiply-add"
done

# --- the variants this CPU runs give the same bytes
# (AVX-512 up to 16 roles only: src/engines/engine_cpu_cap.c)
variants=()
for cap in $CAPS; do
    variants+=("r${cap}_generic")
    case "$(uname -m)" in
    x86_64 | i?86)
        if grep -qw avx2 /proc/cpuinfo; then variants+=("r${cap}_avx2"); fi
        if [ "$cap" -le 16 ] && grep -qw avx512bw /proc/cpuinfo && grep -qw avx512vl /proc/cpuinfo &&
            grep -qw avx512dq /proc/cpuinfo; then
            variants+=("r${cap}_avx512")
        fi
        ;;
    esac
done
status_is 0 "run with the variant picked by default" "$HC" run "${SMALL[@]}" -o "$TMP/default" "${CONFIGS[@]}"
for v in "${variants[@]}"; do
    status_is 0 "run with HC_CPU_VARIANT=$v" env HC_CPU_VARIANT="$v" "$HC" run "${SMALL[@]}" -o "$TMP/$v" "${CONFIGS[@]}"
    cmp -s "$TMP/default/bands.csv" "$TMP/$v/bands.csv"; ok $? "$v: the same bands.csv bytes"
    cmp -s "$TMP/default/firms.csv" "$TMP/$v/firms.csv"; ok $? "$v: the same firms.csv bytes"
done

# --- refused variants: exit 1 with the variable named
status_is 1 "an unknown HC_CPU_VARIANT is refused" env HC_CPU_VARIANT=r12_sse9 "$HC" run "${SMALL[@]}" -o "$TMP/bad" configs/cuts.json
grep -q "HC_CPU_VARIANT=r12_sse9" "$TMP/err"; ok $? "and the message names it"
echo "1..$n"
