#!/usr/bin/env bash
# gpu_bundle.sh: assembles the offline GPU check folder (`make gpu-bundle`; docs/performance.md
# "Proving the backend on a borrowed GPU"). The GPU machine may have the NVIDIA driver and
# nothing else: no network, no apt, no make, no compiler. So the folder holds the binaries,
# the shared libraries they need beyond glibc and the driver (beside them; the binaries find
# them through an rpath of $ORIGIN/../lib), the configs, the GPU suite's scripts and data, and
# compute-sanitizer where one is found. It mirrors the repository's layout, so the suite's
# scripts run in it unchanged.
#
#   scripts/gpu_bundle.sh DEST HEADCOUNT GPU_CHECKS GPU_BENCH [--emulated] [--sanitizer DIR]
#
#   --emulated       the binaries run on the CPU emulator of tests/gpu/emu (a test of the
#                    folder and of gpu_check.sh on a machine without a GPU): marked by the
#                    file EMULATED, which gpu_check.sh reads
#   --sanitizer DIR  a compute-sanitizer folder (the CUDA toolkit's, or the PyPI package's)
#                    to carry; its documentation and 32-bit parts are left out
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 4 ] || { echo "usage: $0 DEST HEADCOUNT GPU_CHECKS GPU_BENCH [--emulated] [--sanitizer DIR]" >&2; exit 2; }
dest=$1 hc=$2 checks=$3 bench=$4
shift 4
emulated=0 sanitizer=
while [ $# -gt 0 ]; do
    case $1 in
    --emulated) emulated=1 ;;
    --sanitizer) sanitizer=$2; shift ;;
    *) echo "gpu_bundle: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

new=$dest.new.$$
rm -rf "$new"
mkdir -p "$new/bin" "$new/lib" "$new/tests/gpu" "$new/tests/data" "$new/configs"
cp "$hc" "$new/bin/headcount"
cp "$checks" "$new/bin/gpu_checks"
cp "$bench" "$new/bin/gpu_bench"
# Symbols stay in the build folder's copies; the bundle travels.
[ $emulated = 1 ] || strip --strip-debug "$new"/bin/*
cp configs/*.json "$new/configs/"
cp tests/gpu/run.sh tests/gpu/compare_bands.py "$new/tests/gpu/"
cp tests/gpu/gpu_check.sh "$new/gpu_check.sh"
cp tests/data/philox_kat.txt "$new/tests/data/"
# the roofline's instruction counts (make roofline), for gpu_bench
[ -f build/cuda/sass_counts.tsv ] && cp build/cuda/sass_counts.tsv "$new/"
[ $emulated = 1 ] && echo "the binaries of bin/ run on the CPU emulator of tests/gpu/emu" >"$new/EMULATED"

# The shared libraries beyond glibc, the dynamic loader and the NVIDIA driver (libcuda is
# the driver's: it must come from the GPU machine, never from here).
libs=$(ldd "$new"/bin/* | awk '$2 == "=>" && $3 ~ /^\// {print $1, $3}' | sort -u |
       grep -vE '^(libc|libm|libdl|librt|libpthread|ld-linux[^ ]*|libcuda|libnvidia[^ ]*)\.so' | awk '{print $2}' | sort -u)
for lib in $libs; do cp -L "$lib" "$new/lib/"; done
for b in "$new"/bin/*; do
    missing=$(LD_LIBRARY_PATH='' ldd "$b" | grep 'not found' || true)
    [ -z "$missing" ] || { echo "gpu_bundle: $b: $missing" >&2; exit 1; }
done

# The toolkit's folder holds the tool and its libraries; the PyPI wheel's bin/ holds the
# tool and its libraries are in ../lib: that pair travels as compute-sanitizer/{bin,lib}.
if [ -n "$sanitizer" ]; then
    mkdir -p "$new/compute-sanitizer"
    if [ -d "$sanitizer/../lib" ] && [ "$(basename "$sanitizer")" = bin ]; then
        cp -r "$sanitizer" "$sanitizer/../lib" "$new/compute-sanitizer/"
    else
        (cd "$sanitizer" && tar cf - --exclude=./docs --exclude=./x86 --exclude=./include .) |
            tar xf - -C "$new/compute-sanitizer"
    fi
fi
rm -rf "$dest"
mv "$new" "$dest"
echo "gpu-bundle: $dest ($(du -sh "$dest" | cut -f1); libraries beside the binaries: $(ls "$dest/lib" | tr '\n' ' ')$([ -n "$sanitizer" ] && echo "; compute-sanitizer carried" || echo "; no compute-sanitizer: its checks will be UNVERIFIED"))"
