#!/usr/bin/python3
"""make mutate: mutation testing of headcount's tests (tests/README.md "Mutation testing").

Each mutant of tests/mutants.txt is one plausible one-line bug: a file (a basename or a
path glob, so it survives files moving between folders), an exact snippet found once in
it, its replacement, a reason, and the tests meant to catch it. In a scratch copy of the
tree (never the real one), each mutant is applied, what its tests need is rebuilt by
make, and its tests run; the mutant is killed when one of them fails. The golden digests
(tests/regression/run.sh) are never counted as a kill: with --digests they are run on the
survivors, to say which mutants only they would catch.

    scripts/mutate.py [--digests] [--keep] [--only ID[,ID...]] [MUTANTS_FILE]

Exit status: 0 when every mutant is killed, 1 when one survives, 2 when the list or the
tree is wrong (a snippet not found once, a mutant that does not compile, a test failing
without any mutant).
"""
import fnmatch
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIELDS = ("id", "file", "find", "replace", "why", "tests")
TIMEOUT_S = 300


def parse(path):
    """Blocks of `key: value` lines separated by blank lines; # starts a comment line."""
    mutants, cur = [], {}
    for no, line in enumerate(open(path, encoding="utf-8").read().splitlines() + [""], 1):
        if line.startswith("#"):
            continue
        if not line.strip():
            if cur:
                missing = [f for f in FIELDS if f not in cur]
                if missing:
                    sys.exit("%s:%d: mutant %s lacks %s" % (path, no, cur.get("id", "?"), ", ".join(missing)))
                mutants.append(cur)
                cur = {}
            continue
        key, sep, value = line.partition(": ")
        if not sep or key not in FIELDS:
            sys.exit("%s:%d: expected one of %s followed by ': '" % (path, no, ", ".join(FIELDS)))
        cur[key] = value
        cur.setdefault("line", no)
    ids = [m["id"] for m in mutants]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        sys.exit("%s: duplicate ids: %s" % (path, ", ".join(dup)))
    return mutants


def source_files(root):
    out = []
    for d in ("src", "include", "kernels", "tests", "bench"):
        for dirpath, _, names in os.walk(os.path.join(root, d)):
            out += [os.path.relpath(os.path.join(dirpath, n), root) for n in names]
    return out


def locate(m, files, root):
    """The one file a mutant names, and its text; exits on anything but one match."""
    pat = m["file"]
    hits = [f for f in files if fnmatch.fnmatch(f, pat) or os.path.basename(f) == pat]
    if len(hits) != 1:
        sys.exit("mutant %s (line %d): file %r matches %d files %s" % (m["id"], m["line"], pat, len(hits), hits[:5]))
    text = open(os.path.join(root, hits[0]), encoding="utf-8").read()
    if text.count(m["find"]) != 1:
        sys.exit("mutant %s (line %d): %r occurs %d times in %s (must be once)"
                 % (m["id"], m["line"], m["find"], text.count(m["find"]), hits[0]))
    return hits[0], text


def test_plan(token):
    """(make targets, command, needs) of one test token."""
    if token.startswith("unit_") or token.startswith("kat_"):
        return ["build/tests/" + token], ["build/tests/" + token], "tests/%s.c" % token
    if token.startswith("cli_"):
        extra = ["build/emu/headcount", "build/emu/gpu_checks"] if token == "cli_cuda" else []
        return ["build/headcount"] + extra, ["bash", "tests/%s.sh" % token], None
    if token == "emu":
        return (["build/emu/headcount", "build/emu/gpu_checks"],
                ["env", "HC=build/emu/headcount", "CHECKS=build/emu/gpu_checks", "HC_GPU_QUICK=1",
                 "HC_GPU_EMULATED=1", "bash", "tests/gpu/run.sh"], None)
    sys.exit("unknown test %r: expected unit_NAME, kat_NAME, cli_NAME or emu" % token)


def make(scratch, targets, log):
    r = subprocess.run(["make", "-s", "--no-print-directory"] + sorted(set(targets)), cwd=scratch,
                       stdout=log, stderr=subprocess.STDOUT)
    return r.returncode == 0


def tap_failed(out):
    """Whether a TAP stream failed as tests/run_all.sh counts it: a "not ok" line, or a plan
    that is missing or does not match the test lines (a suite that died half-way)."""
    lines = out.splitlines()
    tests = [l for l in lines if l.startswith("ok ") or l.startswith("not ok ")]
    plans = [l for l in lines if l.startswith("1..")]
    return (any(l.startswith("not ok ") for l in tests) or len(plans) != 1
            or plans[0].strip() != "1..%d" % len(tests))


def run_tests(scratch, tokens, log):
    """The first test that fails, or None. The command-line suites exit 0 whatever their
    results, so the verdict is read from their TAP lines, as the runner reads it."""
    for tok in tokens:
        cmd = test_plan(tok)[1]
        try:
            r = subprocess.run(cmd, cwd=scratch, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               timeout=TIMEOUT_S, errors="replace",
                               env=dict(os.environ, CMOCKA_MESSAGE_OUTPUT="TAP", HC_BUILD="build"))
            log.write(r.stdout)
            log.flush()
            if r.returncode != 0 or tap_failed(r.stdout):
                return tok
        except subprocess.TimeoutExpired:
            return tok + " (timeout)"
    return None


# The library's sources that compile include/model/ code which the tests reach through the
# library rather than inline: a model mutant must rebuild them, or the engine under test
# would still run the unmutated model (schema.c computes the size classes' weights).
MODEL_USERS = ["src/engines/engine_cpu.c", "src/engines/engine_cpu_cap.c", "src/engines/trace.c",
               "src/config/schema.c",
               "src/analysis/bands.c"]


class Tree:
    """The scratch copy, and how a mutant goes in and out of it. A header keeps its old
    modification time, so make does not rebuild everything that includes it: only the
    listed unit tests' sources are marked new (the header's inline code they test is
    compiled into them); a .c file is rebuilt by make as usual."""

    def __init__(self, scratch):
        self.scratch = scratch

    def put(self, rel, text, mtime, touch):
        path = os.path.join(self.scratch, rel)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        if rel.endswith(".h"):
            os.utime(path, (mtime, mtime))
            now = time.time()
            for t in touch:
                os.utime(os.path.join(self.scratch, t), (now, now))


def main(argv):
    digests = "--digests" in argv
    keep = "--keep" in argv
    only = None
    args = [a for a in argv if not a.startswith("--")]
    if "--only" in argv:
        only = set(argv[argv.index("--only") + 1].split(","))
        args.remove(argv[argv.index("--only") + 1])
    listing = args[0] if args else os.path.join(ROOT, "tests/mutants.txt")
    mutants = parse(listing)
    if only:
        mutants = [m for m in mutants if m["id"] in only]
    files = source_files(ROOT)
    for m in mutants:
        m["path"], m["text"] = locate(m, files, ROOT)
        m["tokens"] = m["tests"].split()
        for t in m["tokens"]:
            test_plan(t)

    t0 = time.time()
    scratch = tempfile.mkdtemp(prefix="hc-mutate.")
    log_path = os.path.join(scratch, "mutate.log")
    print("mutate: %d mutants from %s; scratch copy %s" % (len(mutants), os.path.relpath(listing, ROOT), scratch),
          flush=True)
    # The tree without .git (the commit stamp stays "unknown", so no mutant changes it) and
    # with the build: make rebuilds only what a mutant touches.
    subprocess.run("tar -C '%s' --exclude=./.git --exclude=./build-asan --exclude=./build/fuzz -cf - . | "
                   "tar -C '%s' -xf -" % (ROOT, scratch), shell=True, check=True)
    tree = Tree(scratch)
    with open(log_path, "a") as log:
        targets = [t for m in mutants for tok in m["tokens"] for t in test_plan(tok)[0]]
        if not make(scratch, targets, log):
            print("mutate: the unmutated tree does not build (log: %s)" % log_path)
            return 2
        tokens = sorted({tok for m in mutants for tok in m["tokens"]})
        bad = run_tests(scratch, tokens, log)
        if bad:
            print("mutate: %s fails without any mutant: fix that first (log: %s)" % (bad, log_path))
            return 2
        print("mutate: baseline built and %d test suites pass (%.0f s)" % (len(tokens), time.time() - t0), flush=True)

        survivors, invalid, killed = [], [], 0
        for i, m in enumerate(mutants, 1):
            t1 = time.time()
            rel = m["path"]
            path = os.path.join(scratch, rel)
            mtime = os.stat(path).st_mtime
            needs = [test_plan(t)[2] for t in m["tokens"] if test_plan(t)[2]]
            touch = [n for n in needs if os.path.exists(os.path.join(scratch, n))]
            if rel.startswith("include/model/"):
                # the model's header is also compiled into the library the tests link (the
                # engine the oracle runs, trace, the metrics of bands): rebuild those objects
                touch += [n for n in MODEL_USERS if os.path.exists(os.path.join(scratch, n))]
            if rel.endswith(".h") and not touch:
                print("mutant %s: a header mutant needs a unit test that includes it" % m["id"])
                return 2
            log.write("\n==== mutant %s: %s\n" % (m["id"], m["why"]))
            log.flush()
            tree.put(rel, m["text"].replace(m["find"], m["replace"]), mtime, touch)
            targets = [t for tok in m["tokens"] for t in test_plan(tok)[0]]
            if not make(scratch, targets, log):
                # a mutant that does not compile tests nothing: the list must be mended
                verdict, by = "INVALID", "it does not compile (-Werror); mend its replace"
                invalid.append(m)
            else:
                by = run_tests(scratch, m["tokens"], log)
                verdict = "killed" if by else "SURVIVED"
            tree.put(rel, m["text"], mtime, touch)
            if verdict == "killed":
                killed += 1
            elif verdict == "SURVIVED":
                survivors.append(m)
            print("%3d/%d %-8s %-34s %s (%.0f s)" % (i, len(mutants), verdict, m["id"], "by " + by if by else
                                                       "tests: " + m["tests"], time.time() - t1), flush=True)

        only_digests = []
        if digests and survivors:
            print("mutate: golden digests on the %d survivors (not counted as kills)" % len(survivors), flush=True)
            base = ["build/headcount", "build/mpi/headcount", "build/emu/headcount"]
            for m in survivors:
                rel = m["path"]
                path = os.path.join(scratch, rel)
                mtime = os.stat(path).st_mtime
                # the digests run the program: a header mutant must reach every object
                tree.put(rel, m["text"].replace(m["find"], m["replace"]), mtime, [])
                if rel.endswith(".h"):
                    os.utime(path, None)
                caught = make(scratch, base, log) and subprocess.run(
                    ["bash", "tests/regression/run.sh"], cwd=scratch, stdout=log, stderr=subprocess.STDOUT).returncode != 0
                tree.put(rel, m["text"], mtime, [])
                if rel.endswith(".h"):
                    os.utime(path, None)
                if caught:
                    only_digests.append(m["id"])
                print("      %-34s %s" % (m["id"], "caught by the digests only" if caught else "not caught by the digests either"),
                      flush=True)

    total = len(mutants) - len(invalid)
    print()
    for m in invalid:
        print("invalid: %s (%s:%d) does not compile" % (m["id"], os.path.relpath(listing, ROOT), m["line"]))
    for m in survivors:
        print("survived: %s (%s:%d): %s" % (m["id"], os.path.relpath(listing, ROOT), m["line"], m["why"]))
    print("mutation score: %d/%d killed (%.0f %%), %d survived%s; %.0f s" % (
        killed, total, 100.0 * killed / max(total, 1), len(survivors),
        ", %d of them caught only by the golden digests" % len(only_digests) if digests else "", time.time() - t0))
    if keep:
        print("mutate: scratch copy kept: %s" % scratch)
    else:
        shutil.rmtree(scratch, ignore_errors=True)
    return 2 if invalid else 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
