#!/usr/bin/env bash
# nvidia_tools.sh: the NVIDIA tools that a CUDA toolkit may lack (the compiler-only
# toolkits, as here, have nvcc and ptxas but no cuobjdump, nvdisasm or compute-sanitizer),
# from NVIDIA's own PyPI packages, each unpacked into build/nvidia-tools/TOOL (nothing is
# installed system-wide; one folder each, as pip --target replaces the shared nvidia/). Prints the folder that holds TOOL, the toolkit's own where it has one.
#
#   scripts/nvidia_tools.sh cuobjdump|nvdisasm|compute-sanitizer
#
# Used by scripts/sass_roofline.py (`make bench-gpu`, `make roofline`) and `make gpu-bundle`
# (which carries compute-sanitizer to the GPU machine). The sanitizer is pinned to the
# toolkit's CUDA 13.0, so it asks no newer driver than the program does. Exit 1, with the
# reason on stderr, when the tool can be had neither way (no network: the callers then
# report it UNVERIFIED).
set -euo pipefail
cd "$(dirname "$0")/.."
CUDA=${CUDA:-/usr/local/cuda}
tool=${1:?usage: scripts/nvidia_tools.sh cuobjdump|nvdisasm|compute-sanitizer}
DEST=build/nvidia-tools/$tool
case $tool in
cuobjdump) pkg=nvidia-cuda-cuobjdump==13.2.51 rel=bin ;;
nvdisasm) pkg=nvidia-cuda-nvdisasm==13.2.78 rel=bin ;;
# The toolkit keeps compute-sanitizer in a folder of its own; the 13.0 wheel, in bin/ with
# its libraries in ../lib.
compute-sanitizer) pkg=nvidia-cuda-sanitizer-api==13.0.85 rel=bin ;;
*) echo "nvidia_tools: unknown tool $tool" >&2; exit 2 ;;
esac
for dir in "$CUDA/$rel" "$CUDA/compute-sanitizer" "$DEST/nvidia/cu13/$rel"; do
    [ -x "$dir/$tool" ] && { echo "$dir"; exit 0; }
done
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
echo "nvidia_tools: $tool is not in $CUDA; unpacking PyPI's $pkg into $DEST" >&2
if ! "$PY" -m pip install --quiet --no-deps --disable-pip-version-check --target "$DEST" --upgrade "$pkg" >&2; then
    echo "nvidia_tools: could not install $pkg (no network, or no pip for $PY)" >&2
    exit 1
fi
[ -x "$DEST/nvidia/cu13/$rel/$tool" ] || { echo "nvidia_tools: $pkg has no $rel/$tool" >&2; exit 1; }
echo "$DEST/nvidia/cu13/$rel"
