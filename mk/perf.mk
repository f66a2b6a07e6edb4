# mk/perf.mk: how the CPU backend's inner loop is compiled (docs/performance.md "CPU").
#
# engine_cpu_rN.o, one per capacity of HC_ROLE_CAPS (src/engines/engine_cpu_cap.c), each hold the firm loop of one role capacity, in
# an AVX-512, an AVX2 and a generic variant (src/engines/engine_cpu_firms.h); the program picks
# one at run time, so the build stays portable x86-64. Their flags:
#   -O3                 vectorises the loop over a block's firms (capacities 8, 16) and
#                       the role loops (64);
#   -fno-trapping-math  lets gcc compute both sides of a select in vector lanes (no
#                       result changes: it only assumes no program traps on FP flags);
#   --param max-tree-if-conversion-phi-args=64: the step has selects that merge many
#                       values; gcc's default (4) would leave it as branches, unvectorised.
# -ffp-contract=off stays on from ALL_CFLAGS: no FMA, so every variant rounds alike.
ENGINE_CPU_OBJ := $(ROLE_CAPS:%=$(BUILD)/obj/engines/engine_cpu_r%.o)

$(ENGINE_CPU_OBJ): ALL_CFLAGS += -O3 -fno-trapping-math --param max-tree-if-conversion-phi-args=64
$(ENGINE_CPU_OBJ) $(BUILD)/obj/engines/engine_cpu.o: src/engines/engine_cpu_firms.h

# make bench's per-core table (bench/cpu_bench.c): the engine timed per variant against the
# op-count bound, whose cost loops are compiled as the engine is, so that they vectorise alike.
CPU_BENCH := $(BUILD)/bench/cpu_bench
TEST_DEPS += $(CPU_BENCH) # compiled by make test, so that it keeps building

$(CPU_BENCH): bench/cpu_bench.c $(LIB_OBJ) $(HEADERS)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -O3 -fno-trapping-math --param max-tree-if-conversion-phi-args=64 $< $(LIB_OBJ) \
	    $(LDFLAGS) $(LDLIBS) -o $@
