"""rewrite_launches.py: a kernels/*.cu file for the CPU emulator (tests/gpu/emu/).

Turns each launch `NAME<<<GRID, BLOCK, SHARED, STREAM>>>(ARGS);` into
`hc_emu_launch(GRID, BLOCK, STREAM, [=] { NAME(ARGS); });`, which cuda_runtime.h of the
emulator runs block by block. Nothing else changes, so the emulator runs the kernels'
own code. Fails if a launch has another shape (the emulator would not know it).

usage: rewrite_launches.py IN.cu OUT.cpp
"""
import re
import sys

LAUNCH = re.compile(r"(\w+(?:\(\w+\))?)\s*<<<(.*?)>>>\s*\((.*?)\)\s*;", re.S)


def rewrite(match):
    name, config, args = match.group(1), match.group(2), match.group(3)
    parts = [p.strip() for p in config.split(",")]
    if len(parts) != 4:
        sys.exit("rewrite_launches.py: a launch needs <<<grid, block, shared bytes, stream>>>: " + match.group(0))
    if parts[2] != "0":
        sys.exit("rewrite_launches.py: dynamic shared memory is not emulated: " + match.group(0))
    return "hc_emu_launch(%s, %s, %s, [=] { %s(%s); });" % (parts[0], parts[1], parts[3], name, args)


def main():
    src = open(sys.argv[1]).read()
    out, n = LAUNCH.subn(rewrite, src)
    if "<<<" in out:
        sys.exit("rewrite_launches.py: a launch left in " + sys.argv[1])
    with open(sys.argv[2], "w") as f:
        f.write('#line 1 "%s"\n' % sys.argv[1])
        f.write(out)


main()
