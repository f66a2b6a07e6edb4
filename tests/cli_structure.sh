#!/usr/bin/env bash
# cli_structure.sh: the shape of the code (issue 13), by scripts/check_structure.py: no
# include circle among the modules of src/, include/ and kernels/, no file over 800 lines,
# no function over 120, with what is not yet split listed in scripts/structure_allow.txt.
# Then each rule is shown to fail on a copy of the tree with a fault planted in it, so a
# check that silently passes everything is caught too. TAP output; needs no build.
set -u
. "$(dirname "$0")/tap.sh"
CHECK=scripts/check_structure.py

# The tree as it is: each of the script's results becomes one test here.
"$PY" "$CHECK" >"$TMP/check.out" 2>&1
rc=$?
while IFS= read -r line; do
    case "$line" in
        "ok "*) ok 0 "${line#ok [0-9]* - }" ;;
        "not ok "*) ok 1 "${line#not ok [0-9]* - }" ;;
        "#"*) echo "$line" ;;
    esac
done <"$TMP/check.out"
[ $rc -eq 0 ] || [ $rc -eq 1 ] || { sed 's/^/# /' "$TMP/check.out"; ok 1 "check_structure.py runs"; }

# A copy of the tree with one fault planted: the check must fail, naming it.
plant() {
    rm -rf "$TMP/tree" && mkdir -p "$TMP/tree/scripts" && cp -r src include kernels "$TMP/tree/" &&
        cp scripts/structure_allow.txt "$TMP/tree/scripts/"
}
fails_with() {
    local name=$1 want=$2
    "$PY" "$CHECK" --root "$TMP/tree" >"$TMP/planted.out" 2>&1
    local rc=$?
    if [ $rc -ne 1 ] || ! grep -q -- "$want" "$TMP/planted.out"; then
        echo "# exit $rc, expected 1 and \"$want\":"; sed 's/^/#   /' "$TMP/planted.out" | tail -8
        ok 1 "$name"
    else
        ok 0 "$name"
    fi
}

plant
printf '#include "hc_output.h"\n' >>"$TMP/tree/include/hc_outdir.h" # the writer's header below its helpers
fails_with "a planted include circle is caught and named" "include circle: .*hc_outdir.h.*hc_output.h"

plant
for i in $(seq 1 801); do echo "/* line $i */"; done >>"$TMP/tree/src/analysis/stats.c"
fails_with "a planted file over 800 lines is caught" "src/analysis/stats.c: [0-9]* lines (at most 800)"

plant
{ echo "int hc_planted_long(int x);"; echo "int hc_planted_long(int x)"; echo "{"
  for i in $(seq 1 125); do echo "    x += $i;"; done; echo "    return x;"; echo "}"; } >>"$TMP/tree/src/analysis/stats.c"
fails_with "a planted function over 120 lines is caught" "hc_planted_long() is 128 lines"

plant
echo "long-file src/analysis/stats.c  no longer long" >>"$TMP/tree/scripts/structure_allow.txt"
fails_with "an allow-list entry that is no longer needed is caught" "long-file src/analysis/stats.c is allowed .* no longer found"

echo "1..$n"
