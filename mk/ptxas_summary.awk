# ptxas_summary.awk: one line per kernel and GPU architecture from `nvcc -Xptxas -v`
# output (mk/cuda.mk prints it after each kernel build; tests/cli_cuda.sh checks it).
#
#   awk -f mk/ptxas_summary.awk LOG             readable lines, headcount's kernels only
#   awk -v table=1 -f mk/ptxas_summary.awk LOG  "kernel arch registers stack_frame
#                                                cumulative_stack spill_stores spill_loads
#                                                shared_bytes", every kernel
#
# ptxas prints, per entry function and architecture:
#   ptxas info    : Compiling entry function 'NAME' for 'sm_90'
#   ptxas info    : Function properties for NAME
#       S bytes stack frame, ST bytes spill stores, LD bytes spill loads
#   ptxas info    : Used R registers, used 1 barriers, [C bytes cumulative stack size, ][M bytes smem, ]...
# and the same "Function properties" lines for device functions it could not inline
# (those belong to no entry, and are skipped).

/Compiling entry function/ {
    split($0, q, "'")
    entry = q[2]; arch = q[4]; props = ""
    stack = st = ld = -1
    next
}
/Function properties for/ {
    props = $NF
    next
}
/bytes stack frame/ {
    if (entry != "" && props == entry) { stack = $1; st = $5; ld = $9 }
    next
}
/ptxas info *: Used [0-9]+ registers/ {
    if (entry == "") next
    regs = 0; cum = 0; smem = 0
    for (i = 1; i <= NF; i++) {
        if ($(i + 1) ~ /^registers/) regs = $i
        if ($(i + 1) == "bytes" && $(i + 2) == "cumulative") cum = $i
        if ($(i + 1) == "bytes" && $(i + 2) ~ /^smem/) smem = $i
    }
    if (table)
        print entry, arch, regs, stack, cum, st, ld, smem
    else if (entry ~ /^hc_/)
        printf "    %-6s %-28s %3d registers, stack %s B (with callees %s B), spills %s/%s B, shared %s B\n",
               arch, entry, regs, stack, cum, st, ld, smem
    entry = ""
}
