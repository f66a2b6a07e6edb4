#!/usr/bin/env bash
# Installs the Debian packages headcount's build and tests need, only those missing.
# Called by the Makefile before every build, so `make run` and `make test` work on a
# fresh machine. Needs root (or sudo) only when something is actually missing.
set -eu

# Package -> why. Keep this list the one place that names build dependencies.
packages=(
  libcjson-dev     # config parsing (cJSON)
  libcmocka-dev    # C unit-test framework
  python3-numpy    # numpy reference for percentiles and the NumPy benchmark
  python3-numba    # the Numba implementation `make bench` compares against (bench/numba_model.py)
  nettle-dev       # SHA-256 of output files in manifest.json (src/hash.c)
  pkg-config
  g++              # cuRAND's Philox known answers, and the CPU emulator of the CUDA runtime (tests/gpu/emu)
  openmpi-bin      # mpirun, for the MPI tests (docs/cluster.md)
  libopenmpi-dev   # mpicc and mpi.h: `make MPI=1`
  chromium         # renders report.html headless for its screenshot check (tests/report_check.py)
  python3-pil      # reads that screenshot's pixels
  fonts-dejavu-core # the font report.html and the charts ask for first, so the screenshot is stable
  clang            # `make fuzz`: the libFuzzer harnesses of the config loader (tests/fuzz/)
  libclang-rt-14-dev # libFuzzer and the sanitizer runtimes for clang 14
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing missing Debian packages: ${missing[*]}" >&2
sudo_cmd=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "setup: need root to install ${missing[*]} (run: apt-get install ${missing[*]})" >&2; exit 1; }
  sudo_cmd="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo_cmd apt-get update -qq
$sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done" >&2
