#!/usr/bin/env bash
# Installs the Debian packages headcount needs, only those missing, by purpose:
#
#   scripts/setup.sh [--dry-run] [GROUP...]     GROUP: run test bench fuzz mpi (default run)
#
#   run    build and run the program: `make`, `make run`, `make install`
#   test   `make test`: cmocka, NumPy, the report's headless-browser check, man, g++, MPI
#   bench  `make bench`: the NumPy and Numba implementations it compares against
#   fuzz   `make fuzz`: clang and libFuzzer
#   mpi    `make MPI=1`: Open MPI
#
# Every group builds the program, so each includes run's packages. The Makefile calls
# this before building, with the groups its goals need. Needs root (or sudo) only when
# something is actually missing. --dry-run prints each package, whether it is there, and
# what would be installed, and installs nothing.
#
# Off Debian (no dpkg-query or apt-get) nothing is installed: each package's check below
# says whether what it provides is there, and what is missing is listed with its Debian
# name, pkg-config name and purpose, for the system's own package manager. The exit
# status is non-zero only when something is missing. HC_SETUP_OFF_DEBIAN=1 takes that
# path on Debian too (tests/cli_install.sh).
set -eu

# The one place that names dependencies. Columns, separated by |:
#   groups      the groups that need the package (comma-separated)
#   package     its Debian name
#   pkg-config  its pkg-config module, or -
#   check       how to tell it is there off Debian: pc (the pkg-config module),
#               cmd:NAME (a command), py:MODULE (a module of python3), font:FAMILY,
#               cc:FLAGS (cc compiles and links a program with these flags),
#               fuzzer (clang links a libFuzzer harness)
#   purpose     why headcount needs it
deps='
run            | gcc                | -       | cc:-fopenmp  | the C compiler, with its OpenMP runtime (libgomp), which the program links against
run            | make               | -       | cmd:make     | the build
run            | pkg-config         | -       | cmd:pkg-config | tells whether the libraries below are there (this script, off Debian)
run            | libcjson-dev       | libcjson | pc          | cJSON: reads configs and writes the JSON outputs (libcjson.so)
run            | nettle-dev         | nettle  | pc           | SHA-256 of output files in manifest.json (libnettle.so; src/base/hash.c)
test           | libcmocka-dev      | cmocka  | pc           | the C unit-test framework (tests/unit_*.c)
test,bench     | python3-numpy      | -       | py:numpy     | numpy reference for percentiles; the NumPy implementation of `make bench`
test           | g++                | -       | cmd:g++      | cuRAND Philox known answers, and the CPU emulator of the CUDA runtime (tests/gpu/emu)
test,mpi       | openmpi-bin        | -       | cmd:mpirun   | mpirun, for the MPI tests (docs/cluster.md)
test,mpi       | libopenmpi-dev     | ompi-c  | cmd:mpicc    | mpicc and mpi.h: `make MPI=1`, and the MPI variant `make test` builds
test           | chromium           | -       | cmd:chromium | renders report.html headless for its screenshot check (tests/report_check.py)
test           | python3-pil        | -       | py:PIL       | reads the pixels of that screenshot
test           | fonts-dejavu-core  | -       | font:DejaVu Sans | the font report.html and the charts ask for first, so the screenshot is stable
test           | librsvg2-bin       | -       | cmd:rsvg-convert | PNG and PDF copies of the charts, which the tests check (a run without it makes SVG only)
test           | python3-yaml       | -       | py:yaml      | parses CITATION.cff (tests/cli_install.sh)
test           | python3-jsonschema | -       | py:jsonschema | validates the shipped configs against docs/config.schema.json (tests/cli_schema.sh)
test           | clang-format       | -       | cmd:clang-format | `make format-check` (.ci/run): the C and CUDA files in the style of .clang-format
test           | man-db             | -       | cmd:man      | man -l, to check the installed man page renders (tests/cli_install.sh)
bench          | python3-numba      | -       | py:numba     | the Numba implementation `make bench` compares against (bench/numba_model.py)
fuzz           | clang              | -       | cmd:clang    | `make fuzz`: the libFuzzer harnesses of the config loader (tests/fuzz/)
fuzz           | libclang-rt-14-dev | -       | fuzzer       | libFuzzer and the sanitizer runtimes for clang 14
'
all_groups="run test bench fuzz mpi"

usage() {
    echo "usage: scripts/setup.sh [--dry-run] [GROUP...]   GROUP: ${all_groups// /, } (default run)" >&2
    exit 2
}

dry_run=0
groups=(run)
for arg in "$@"; do
    [[ " ${groups[*]} " == *" $arg "* ]] && continue
    case $arg in
        --dry-run) dry_run=1 ;;
        -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "setup: unknown option $arg" >&2; usage ;;
        *) [[ " $all_groups " == *" $arg "* ]] || { echo "setup: unknown group $arg" >&2; usage; }
           groups+=("$arg") ;;
    esac
done

trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; printf '%s' "${s%"${s##*[![:space:]]}"}"; }

# The rows of the groups asked for, each once, in the order of the list.
rows=()
while IFS='|' read -r g pkg pc chk why; do
    [ -n "$(trim "$g")" ] || continue
    for want in "${groups[@]}"; do
        if [[ ",$(trim "$g")," == *",$want,"* ]]; then
            rows+=("$(trim "$pkg")|$(trim "$pc")|$(trim "$chk")|$(trim "$why")")
            break
        fi
    done
done <<<"$deps"

off_debian=0
if [ "${HC_SETUP_OFF_DEBIAN:-0}" = 1 ] || ! command -v dpkg-query >/dev/null 2>&1 \
   || ! command -v apt-get >/dev/null 2>&1; then
    off_debian=1
fi

# Whether what a row provides is there, by its check (off Debian).
present_off_debian() { # pkg-config-name check
    local pc=$1 chk=$2 tmp rc
    case $chk in
        pc) command -v pkg-config >/dev/null 2>&1 && pkg-config --exists "$pc" ;;
        cmd:*) command -v "${chk#cmd:}" >/dev/null 2>&1 \
                   || { [ "$chk" = cmd:chromium ] && command -v chromium-browser >/dev/null 2>&1; } ;;
        # The interpreter the tests and benchmarks run (tests/tap.sh, bench/run.sh).
        py:*) /usr/bin/python3 -c "import ${chk#py:}" >/dev/null 2>&1 ;;
        font:*) command -v fc-list >/dev/null 2>&1 && fc-list | grep -q "${chk#font:}" ;;
        cc:*|fuzzer)
            tmp=$(mktemp -d)
            if [ "$chk" = fuzzer ]; then
                printf '#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' >"$tmp/t.c"
                clang -fsanitize=fuzzer "$tmp/t.c" -o "$tmp/t" >/dev/null 2>&1
            else
                printf 'int main(void) { return 0; }\n' >"$tmp/t.c"
                # shellcheck disable=SC2086 # the flags are words
                "${CC:-cc}" ${chk#cc:} "$tmp/t.c" -o "$tmp/t" >/dev/null 2>&1
            fi
            rc=$?; rm -rf "$tmp"; return $rc ;;
        *) return 1 ;;
    esac
}

present() { # package pkg-config-name check
    if [ $off_debian = 1 ]; then
        present_off_debian "$2" "$3"
    else
        dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
    fi
}

missing=()
report=()
for row in "${rows[@]}"; do
    IFS='|' read -r pkg pc chk why <<<"$row"
    if present "$pkg" "$pc" "$chk"; then state=ok; else state=missing; missing+=("$pkg"); fi
    report+=("$(printf '  %-8s %-19s %-10s %s' "$state" "$pkg" "$([ "$pc" = - ] || echo "$pc")" "$why")")
done

header() {
    printf '  %-8s %-19s %-10s %s\n' "" "Debian" "pkg-config" "purpose"
    printf '%s\n' "${report[@]}"
}

if [ $off_debian = 1 ]; then
    if [ ${#missing[@]} -eq 0 ]; then
        [ $dry_run = 1 ] && { echo "setup: not Debian; what ${groups[*]} need is all there:"; header; }
        exit 0
    fi
    {
        echo "setup: not a Debian system (no dpkg-query/apt-get), so nothing is installed."
        echo "setup: install those marked missing with your package manager (its names differ"
        echo "setup: from Debian's; the pkg-config name is the library's own), then run make again:"
        header
    } >&2
    exit 1
fi

if [ $dry_run = 1 ]; then
    echo "setup: packages of ${groups[*]}:"
    header
    if [ ${#missing[@]} -eq 0 ]; then
        echo "setup: would install: nothing (all present)"
    else
        echo "setup: would install: ${missing[*]}"
    fi
    exit 0
fi
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
