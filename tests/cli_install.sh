#!/usr/bin/env bash
# tests/cli_install.sh: set-up and installation (issue 16). scripts/setup.sh's groups
# (`make run` installs only what building and running need) and its list off Debian;
# `make install PREFIX=...` into a scratch prefix: the man page renders under `man -l`
# and names every command and option of the help, the installed program runs on the
# installed configs, the bash completion completes; `make uninstall` leaves the prefix
# empty; LICENSE and CITATION.cff.
cd "$(dirname "$0")/.."
. tests/tap.sh

HC_BUILD=${HC_BUILD:-build}
SETUP=scripts/setup.sh
# The packages of the run group, and tools that only tests, benchmarks, fuzzing or MPI need.
RUN_PKGS="gcc libcjson-dev nettle-dev pkg-config"
NOT_RUN_PKGS="libcmocka-dev python3-yaml python3-numpy python3-numba openmpi-bin libopenmpi-dev chromium python3-pil librsvg2-bin clang libclang-rt-14-dev g++ man-db"

# ---- scripts/setup.sh
in_table() { # FILE PACKAGE: the package has a line of setup.sh's table in FILE
    awk -v p="$2" '($1 == "ok" || $1 == "missing") && $2 == p { found = 1 } END { exit !found }' "$1"
}
listed() { # FILE PACKAGE...: each package is in the table
    local file=$1 p; shift
    for p; do in_table "$file" "$p" || { echo "# not listed: $p"; return 1; }; done
}
status_is 0 "setup.sh --dry-run run succeeds (installs nothing)" bash $SETUP --dry-run run
cp "$TMP/out" "$TMP/dry_run"
echo "$(sed 's/^/# /' "$TMP/dry_run")"
listed "$TMP/dry_run" $RUN_PKGS
ok $? "setup.sh --dry-run run lists the build and run packages ($RUN_PKGS)"
extra=""
for p in $NOT_RUN_PKGS; do in_table "$TMP/dry_run" "$p" && extra="$extra $p"; done
[ -z "$extra" ] || echo "# listed:$extra"
ok $([ -z "$extra" ]; echo $?) "setup.sh --dry-run run lists no test, bench, fuzz or MPI tool"
check "setup.sh --dry-run run says what it would install" grep -q "^setup: would install: " "$TMP/dry_run"

status_is 0 "setup.sh --dry-run test succeeds" bash $SETUP --dry-run test
listed "$TMP/out" $RUN_PKGS libcmocka-dev chromium man-db g++ openmpi-bin python3-yaml
ok $? "setup.sh --dry-run test adds the test tools to the build packages"
status_is 0 "setup.sh --dry-run fuzz succeeds" bash $SETUP --dry-run fuzz
ok $(in_table "$TMP/out" clang && ! in_table "$TMP/out" chromium && ! in_table "$TMP/out" libcmocka-dev; echo $?) \
   "setup.sh --dry-run fuzz lists clang, not the test tools"
status_is 2 "setup.sh refuses an unknown group" bash $SETUP --dry-run tset
check "... and names the groups" grep -q "run, test, bench, fuzz, mpi" "$TMP/err"

# Off Debian: the list instead of apt-get, non-zero only when something is missing.
status_is 0 "off Debian, everything present: setup.sh run exits 0" env HC_SETUP_OFF_DEBIAN=1 bash $SETUP run
status_is 1 "off Debian, libraries missing: setup.sh run exits 1" \
    env HC_SETUP_OFF_DEBIAN=1 PKG_CONFIG_LIBDIR=/nonexistent bash $SETUP run
ok $(grep -qE "^  missing +libcjson-dev +libcjson +" "$TMP/err" && grep -qE "^  missing +nettle-dev +nettle +" "$TMP/err" \
     && grep -qE "^  ok +gcc " "$TMP/err" && grep -q "not a Debian system" "$TMP/err"; echo $?) \
   "... and lists each missing package with its pkg-config name and purpose, installing nothing"

# The libraries the program links against are those of the run group.
libs=$(ldd "$HC" 2>/dev/null | awk '{ print $1 }')
echo "$libs" | grep -q "^libcjson\." && echo "$libs" | grep -q "^libnettle\." && echo "$libs" | grep -q "^libgomp\." \
    && ! echo "$libs" | grep -qE "^lib(cmocka|mpi|python)"
ok $? "the program links cJSON, nettle and OpenMP (run group) and no test library"

# ---- make install / uninstall into a scratch prefix
# The build of this suite's program: build-asan/ is SANITIZE=1's.
sanitize=0; [ "$HC_BUILD" = build-asan ] && sanitize=1
prefix=$TMP/prefix
mkdir -p "$prefix"
status_is 0 "make install PREFIX=scratch" make --no-print-directory -s install SANITIZE=$sanitize PREFIX="$prefix"
[ -s "$TMP/err" ] && sed 's/^/# /' "$TMP/err" | tail -5
for f in bin/headcount share/man/man1/headcount.1 share/bash-completion/completions/headcount \
         share/headcount/configs/cuts.json share/headcount/configs/base.json \
         share/doc/headcount/README.md share/doc/headcount/LICENSE share/doc/headcount/CITATION.cff \
         share/doc/headcount/docs/model.md; do
    check "installs $f" test -s "$prefix/$f"
done
check "the installed program is executable" test -x "$prefix/bin/headcount"

page=$prefix/share/man/man1/headcount.1
status_is 0 "man -l renders the installed page" env MANWIDTH=80 MANPAGER=cat PAGER=cat man -l "$page"
cp "$TMP/out" "$TMP/man.txt"
ok $(grep -q "^NAME" "$TMP/man.txt" && grep -q "^SYNOPSIS" "$TMP/man.txt" && grep -q "^COMMANDS" "$TMP/man.txt" \
     && grep -q "headcount - " "$TMP/man.txt"; echo $?) "... with NAME, SYNOPSIS and COMMANDS"
check "groff renders it without a warning" bash -c "groff -man -Tutf8 -ww -z '$page' 2>&1 | { ! grep -q .; }"
# Nothing of the help is lost: every command, and every option of every command (from its
# usage line and its list of options, not its prose).
help_options() { # COMMAND
    "$prefix/bin/headcount" "$1" --help | grep -E '^usage:|^ {1,7}-' \
        | grep -oE -- "(^| |\[)--?[a-z][a-z-]*" | tr -d ' [' | sort -u
}
commands=$("$prefix/bin/headcount" --help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ && $1 != "headcount" { print $1 }')
check "the help lists commands" test -n "$commands"
lost=""
for c in $commands; do
    grep -q "^   $c\$" "$TMP/man.txt" || lost="$lost $c"
    for o in $(help_options "$c"); do
        grep -qE -- "(^| |\[)$o( |,|\]|$)" "$TMP/man.txt" || lost="$lost $c:$o"
    done
done
[ -z "$lost" ] || echo "# not in the man page:$lost"
ok $([ -z "$lost" ]; echo $?) "the page has a section for every command and names each of its options"

status_is 0 "the installed program runs --version" "$prefix/bin/headcount" --version
check "... which names its version" grep -qE "^headcount [0-9]+\.[0-9]+\.[0-9]+" "$TMP/out"
version=$(awk '{ print $2; exit }' "$TMP/out")
status_is 0 "the installed program runs the installed configs (cuts + growth, tiny)" \
    "$prefix/bin/headcount" run -q --worlds 8 --firms 20 --threads 2 -o "$TMP/run" \
    "$prefix/share/headcount/configs/cuts.json" "$prefix/share/headcount/configs/growth.json"
check "... and writes bands.csv" test -s "$TMP/run/bands.csv"

comp=$prefix/share/bash-completion/completions/headcount
check "the completion file is valid bash" bash -n "$comp"
complete_words() { # WORD... : what the completion offers for the last word
    bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _headcount; printf "%s\n" "${COMPREPLY[@]}"' \
        _ "$comp" "$@"
}
check "it registers itself for headcount (complete -p)" \
    bash -c ". '$comp'; complete -p headcount | grep -q -- '-F _headcount'"
ok $([ "$(complete_words headcount r)" = run ]; echo $?) "headcount r<TAB> completes to run"
ok $([ "$(complete_words headcount run --wor)" = --worlds ]; echo $?) "headcount run --wor<TAB> completes to --worlds"
ok $(complete_words headcount compare --b | grep -qx -- --baseline; echo $?) "headcount compare --b<TAB> offers --baseline"
mkdir -p "$TMP/cwd/sub" && touch "$TMP/cwd/a.json" "$TMP/cwd/a.txt"
ok $(cd "$TMP/cwd" && [ "$(complete_words headcount run '' | sort | tr '\n' ' ')" = "a.json sub " ]; echo $?) \
   "headcount run <TAB> offers .json configs and folders"
ok $(cd "$TMP/cwd" && [ "$(complete_words headcount run -o '')" = sub ]; echo $?) "headcount run -o <TAB> offers folders"
# Every option of every command is offered.
lost=""
for c in $commands; do
    offered=$(complete_words headcount "$c" -)
    for o in $(help_options "$c"); do
        echo "$offered" | grep -qx -- "$o" || lost="$lost $c:$o"
    done
done
[ -z "$lost" ] || echo "# not completed:$lost"
ok $([ -z "$lost" ]; echo $?) "the completion offers every option of every command"

status_is 0 "make uninstall PREFIX=scratch" make --no-print-directory -s uninstall SANITIZE=$sanitize PREFIX="$prefix"
left=$(cd "$prefix" && find . -mindepth 1)
[ -z "$left" ] || echo "# left:" $left
ok $([ -z "$left" ]; echo $?) "make uninstall leaves the prefix empty"
check "make uninstall again says nothing is installed" bash -c "! make -s uninstall PREFIX='$prefix' >/dev/null 2>&1"

# Uninstall removes only what install wrote: a file of the user's stays, with its folder.
mkdir -p "$prefix/share/doc" && touch "$prefix/share/doc/mine"
status_is 0 "make install DESTDIR=... PREFIX=/usr (staging)" \
    make --no-print-directory -s install SANITIZE=$sanitize DESTDIR="$TMP/stage" PREFIX=/usr
check "... writes under DESTDIR" test -x "$TMP/stage/usr/bin/headcount"
status_is 0 "make install into a prefix holding other files" make --no-print-directory -s install SANITIZE=$sanitize PREFIX="$prefix"
status_is 0 "make uninstall there" make --no-print-directory -s uninstall SANITIZE=$sanitize PREFIX="$prefix"
ok $([ "$(cd "$prefix" && find . -mindepth 1 | sort | tr '\n' ' ')" = "./share ./share/doc ./share/doc/mine " ]; echo $?) \
   "... removes what it wrote and keeps the other files and their folders"

# ---- LICENSE and CITATION.cff
check "LICENSE is MIT, copyright The headcount authors 2026" \
    bash -c "grep -q '^MIT License' LICENSE && grep -q 'Copyright (c) 2026 The headcount authors' LICENSE"
ok $(grep -q '^cff-version: 1.2.0' CITATION.cff && grep -q "^version: $version\$" CITATION.cff \
     && grep -q '^license: MIT' CITATION.cff && grep -q 'name: "The headcount authors"' CITATION.cff \
     && grep -qE '^date-released: [0-9]{4}-[0-9]{2}-[0-9]{2}$' CITATION.cff \
     && grep -q '^title: ' CITATION.cff && grep -q '^abstract: ' CITATION.cff; echo $?) \
   "CITATION.cff: cff-version 1.2.0, the program's version ($version), MIT, authors, date, abstract"
py_ok "CITATION.cff parses as YAML, with the fields CFF 1.2.0 requires" '
import sys, yaml
c = yaml.safe_load(open("CITATION.cff"))
assert c["cff-version"] == "1.2.0" and c["message"] and c["title"], c
assert c["authors"] == [{"name": "The headcount authors"}], c["authors"]
assert str(c["version"]) == sys.argv[1] and c["license"] == "MIT" and len(c["abstract"]) > 100
' "$version"

echo "1..$n"
