#!/usr/bin/env python3
"""sass_roofline.py: the GPU roofline counted from the machine code (`make roofline`, which
`make bench-gpu` and `make gpu-bundle` run; docs/performance.md "The roofline").

For each role build of the model kernel (build/cuda/firm_steps_rN.o, sm_90 SASS through
cuobjdump; scripts/nvidia_tools.sh fetches it where the toolkit lacks it) it finds the step
loop (the loop that holds the block's barrier) and walks one firm-step through it, counting
the instructions by the pipe that executes them:

  - the role copies: the loop over roles is unrolled up to the build's capacity, each copy
    behind a guard `r < n_roles` that jumps past the rest (a ladder of branches to one
    target); the walk enters R copies and takes the guard after them;
  - slow paths: a branch that hops over a CALL (IEEE division's rare path) is taken, so the
    slow path is not counted; other forward branches fall through (the firm is active and
    the `if` body runs: the count errs high there, the bound low);
  - an inner backward branch (the block sums' loop over sums, per warp) is not repeated.

The counts per firm-step and pipe give a bound in firm-steps/s for a GPU of S SMs at f Hz:
min over pipes of S f rate / count, with the issue rate (4 schedulers x 32 lanes per SM and
clock) over all instructions among them. Rates per SM and clock (sm_90, in threads): issue
128, FP32 128 (FADD FMUL FFMA FSETP FSEL FMNMX HFMA2...), integer 64 (IMAD IADD3 LOP3 SHF
ISETP LEA MOV SEL VIADD...), FP64 64, MUFU 16 (ex2, rcp, lg2), conversions 16 (F2F F2I
I2F), load/store 32, and the uniform and control instructions take issue slots only.

Also the registers of each build (the nvcc -Xptxas -v log beside each object) and the
occupancy they allow at HC_CUDA_BLOCK threads a block.

usage: sass_roofline.py [--build build/cuda] [--counts FILE] [--markdown]
  --counts FILE  also write the per-(roles) counts gpu_bench reads (TSV)
  --markdown     the tables for docs/performance.md
"""
import argparse
import collections
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CAPS = [int(c) for c in re.findall(r"X\((\d+)\)", open(os.path.join(ROOT, "include/model/hc_defs.h")).read().split(
    "#define HC_ROLE_CAPS(X)")[1].split("\n")[0])]
BLOCK = int(re.search(r"#define HC_CUDA_BLOCK (\d+)", open(os.path.join(ROOT, "include/model/hc_cuda_kernels.h")).read()).group(1))
PIPES = ["fp32", "int", "fp64", "mufu", "conv", "lsu", "other"]
RATE = {"issue": 128, "fp32": 128, "int": 64, "fp64": 64, "mufu": 16, "conv": 16, "lsu": 32}
OPS = {
    "fp32": "FADD FMUL FFMA FSETP FSEL FMNMX FCHK FSWZADD HADD2 HMUL2 HFMA2 FRND",
    "int": "IMAD IADD3 LOP3 SHF ISETP LEA MOV SEL VIADD IMNMX PRMT FLO POPC BREV IABS I2FP F2IP P2R R2P PLOP3 "
           "VIMNMX IADD LOP SHL SHR CS2R S2R",
    "fp64": "DADD DMUL DFMA DSETP",
    "mufu": "MUFU",
    "conv": "F2F F2I I2F",
    "lsu": "LDG STG LDS STS LDC LD ST ATOM ATOMS RED SHFL LDL STL",
}
PIPE_OF = {op: p for p, ops in OPS.items() for op in ops.split()}
# Devices the docs quote (SMs, boost clock in Hz); gpu_bench uses the device's own.
DEVICES = [("H100 SXM", 132, 1.98e9), ("H200", 132, 1.98e9), ("H100 PCIe", 114, 1.755e9)]
INS = re.compile(r"/\*([0-9a-f]{4,})\*/\s+(.*?)\s*;")


def tool(name):
    out = subprocess.run(["bash", os.path.join(ROOT, "scripts/nvidia_tools.sh"), name], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit("sass_roofline: no %s: %s" % (name, out.stderr.strip().splitlines()[-1:]))
    return os.path.join(ROOT, out.stdout.strip(), name) if not out.stdout.startswith("/") else \
        os.path.join(out.stdout.strip(), name)


def sass(obj, arch="sm_90"):
    env = dict(os.environ, NVDISASM_PATH=os.path.dirname(tool("nvdisasm")))
    out = subprocess.run([tool("cuobjdump"), "-sass", "-arch", arch, obj], capture_output=True, text=True, env=env)
    if out.returncode != 0:
        sys.exit("sass_roofline: cuobjdump %s: %s" % (obj, out.stderr.strip()))
    return [(int(m.group(1), 16), m.group(2)) for m in INS.finditer(out.stdout)]


def opcode(text):
    return re.sub(r"^@!?U?PT?\w*\s+", "", text).split()[0]


def pipe(text):
    op = opcode(text).split(".")[0]
    return PIPE_OF.get(op, "other")


def target(text):
    m = re.search(r"\bBRA(?:\.\w+)*\s+(?:\w+,\s*)?(0x[0-9a-f]+)", text)
    return int(m.group(1), 16) if m else None


def walk(ins, roles):
    """The instructions one firm-step issues in the step loop, with `roles` roles."""
    at = {a: i for i, (a, _) in enumerate(ins)}
    bar = [a for a, t in ins if "BAR.SYNC" in t]
    loops = [(target(t), a) for a, t in ins if target(t) is not None and target(t) <= a]
    head, tail = max(((h, e) for h, e in loops if bar and h <= bar[0] <= e), key=lambda l: l[1] - l[0])
    body = [(a, t) for a, t in ins if head <= a <= tail]
    ladder = collections.Counter(target(t) for a, t in body if t.startswith("@") and target(t) is not None)
    passed = collections.Counter()
    counts = collections.Counter()
    i, end = at[head], at[tail]
    while i < end:
        a, t = ins[i]
        counts[pipe(t)] += 1
        tgt = target(t)
        i += 1
        if tgt is None or tgt <= a or "BRA.DIV" in t:
            continue
        if not t.startswith("@"):  # unconditional: follow
            i = at[tgt]
        elif ladder[tgt] >= 4:  # a role guard: after `roles` copies, past the rest
            passed[tgt] += 1
            if passed[tgt] > roles:
                i = at[tgt]
        elif any("CALL" in x for _, x in ins[at[a] + 1:at[tgt]]) and at[tgt] - at[a] <= 8:
            i = at[tgt]  # the hop over a slow path
    counts["total"] = sum(counts[p] for p in PIPES)
    return counts


def bound(c, sms, hz):
    per = {p: sms * hz * RATE[p] / c[p] for p in RATE if p != "issue" and c[p]}
    per["issue"] = sms * hz * RATE["issue"] / c["total"]
    limit = min(per, key=per.get)
    return per[limit], limit


def registers(build, cap):
    """{arch: registers} of the model kernel, from the nvcc -Xptxas -v log."""
    regs, arch = {}, None
    for line in open(os.path.join(build, "firm_steps_r%d.ptxas.log" % cap)):
        m = re.search(r"Compiling entry function '(\w+)' for '(sm_\d+)'", line)
        if m:
            arch = m.group(2) if "firm_steps" in m.group(1) else None
        m = re.search(r"Used (\d+) registers", line)
        if m and arch:
            regs[arch] = int(m.group(1))
    return regs


def occupancy(regs):
    """Warps per SM (sm_90: 65536 registers, 64 warps, whole blocks; a warp's registers in 256s)."""
    per_warp = -(-regs * 32 // 256) * 256
    warps = min(64, 65536 // per_warp)
    return warps - warps % (BLOCK // 32)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build/cuda"))
    ap.add_argument("--counts")
    ap.add_argument("--markdown", action="store_true")
    a = ap.parse_args()
    rows, lo = [], 1
    code = {cap: sass(os.path.join(a.build, "firm_steps_r%d.o" % cap)) for cap in CAPS}
    for cap in CAPS:
        for r in range(lo, cap + 1):
            rows.append((cap, r, walk(code[cap], r)))
        lo = cap + 1
    if a.counts:
        with open(a.counts + ".tmp", "w") as f:
            f.write("# sm_90 SASS instructions per firm-step (scripts/sass_roofline.py)\n")
            f.write("cap\troles\ttotal\t%s\n" % "\t".join(PIPES))
            for cap, r, c in rows:
                f.write("%d\t%d\t%d\t%s\n" % (cap, r, c["total"], "\t".join(str(c[p]) for p in PIPES)))
        os.replace(a.counts + ".tmp", a.counts)
    shown = [(cap, r, c) for cap, r, c in rows if r in (7, 13, 21)]
    print("| build | roles | instructions per firm-step | %s | %s |" % (" | ".join(PIPES),
                                                                         " | ".join(d[0] for d in DEVICES)))
    print("|---|---:|---:|%s%s" % ("---:|" * len(PIPES), "---:|" * len(DEVICES)))
    for cap, r, c in shown:
        bounds = ["%.2g (%s)" % bound(c, sms, hz) for _, sms, hz in DEVICES]
        print("| r%d | %d | %d | %s | %s |" % (cap, r, c["total"], " | ".join(str(c[p]) for p in PIPES),
                                              " | ".join(bounds)))
    c8 = {r: c for cap, r, c in rows}
    per_role = (c8[min(16, CAPS[-1])]["total"] - c8[9]["total"]) / (min(16, CAPS[-1]) - 9) if len(c8) > 16 else 0
    print("\nper role: %.0f instructions; per firm-step without roles: %.0f (r16 build)" %
          (per_role, c8[9]["total"] - 9 * per_role))
    print("\n| build | registers sm_80 | registers sm_90 | warps per SM (sm_90, of 64) | occupancy |")
    print("|---|---:|---:|---:|---:|")
    for cap in CAPS:
        regs = registers(a.build, cap)
        w = occupancy(regs.get("sm_90", 255))
        print("| r%d | %s | %s | %d | %.0f %% |" % (cap, regs.get("sm_80", "?"), regs.get("sm_90", "?"), w,
                                                    100.0 * w / 64))


main()
