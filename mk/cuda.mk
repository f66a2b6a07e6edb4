# mk/cuda.mk: the CUDA backend (issue 3; docs/performance.md "GPU").
#
#   make             with nvcc found, also builds the kernels of kernels/ for sm_80 and
#                    sm_90 (SASS) and compute_90 (PTX, which the driver compiles for newer
#                    GPUs), warnings as errors, and prints each kernel's registers, stack
#                    and spills; the program links cudart statically, so it runs where only
#                    the NVIDIA driver is installed
#   make test-gpu    CPU vs GPU bands, repeat runs, 1 vs 2 GPUs, chunking, known answers,
#                    compute-sanitizer (tests/gpu/); FAILS without a usable GPU ("no usable
#                    GPU: nothing was checked"); `make test` reports them "skipped: no GPU"
#   make bench-gpu   firm-steps/s for 1e6, 1e7, 1e8 firms against the CPU and the roofline
#   make roofline    the instructions per firm-step counted in the kernels' SASS, the bound
#                    they set on an H100/H200, and the registers and occupancy of each build
#   make CUDA_BACKEND=0   the CPU program only, even where nvcc exists
#
# Without nvcc ($(CUDA)/bin/nvcc, or NVCC=...) the CPU program builds as before.

NVCC ?= $(CUDA)/bin/nvcc
CUDA_BACKEND ?= $(if $(shell command -v $(NVCC) 2>/dev/null),1,0)
ifeq ($(filter 0 1,$(CUDA_BACKEND)),)
  $(error CUDA_BACKEND=$(CUDA_BACKEND): expected 1 (build the CUDA backend, needs nvcc) or 0)
endif

# What the kernels include: include/model/, the headers nvcc compiles (not every header: a
# change elsewhere should not cost minutes of nvcc).
CUDA_HEADERS := $(wildcard include/model/*.h)

.PHONY: test-gpu bench-gpu

ifeq ($(CUDA_BACKEND),1)

NVCC_VERSION := $(shell $(NVCC) --version 2>/dev/null | sed -n 's/.*release \([0-9.]*\).*/\1/p')
ifeq ($(NVCC_VERSION),)
  $(error $(NVCC) does not run; set NVCC=/path/to/nvcc, or CUDA_BACKEND=0 for a CPU-only build)
endif
ifeq ($(MAKELEVEL),0)
  $(info ✓ nvcc $(NVCC_VERSION): building the CUDA backend (sm_80, sm_90, PTX compute_90))
endif

# The kernels depend on no build variant (MPI, sanitizers: those are C flags), so every
# variant shares one copy of them, whatever BUILD is.
CUDA_BUILD   := build/cuda
# The model kernel is built once per role capacity (ROLE_CAPS, the Makefile's, from
# HC_ROLE_CAPS in include/model/hc_defs.h); the host picks the smallest that holds a
# scenario (src/engines/engine_cuda_host.c, launch_firm_steps).
CUDA_CAPS    := $(ROLE_CAPS)
CUDA_KERNELS := world_paths world_sums percentiles firm_stats philox_kat
CUDA_OBJ     := $(CUDA_KERNELS:%=$(CUDA_BUILD)/%.o) $(CUDA_CAPS:%=$(CUDA_BUILD)/firm_steps_r%.o)
CUDA_LIB     := $(CUDA_BUILD)/libhc_cuda.a
CUDA_GENCODE := -gencode arch=compute_80,code=sm_80 -gencode arch=compute_90,code=sm_90 \
                -gencode arch=compute_90,code=compute_90
# --fmad=false: no fused multiply-add, as the C code's -ffp-contract=off, so the GPU
# computes the model's float operations as written (and the percentiles bit for bit).
# -lineinfo: compute-sanitizer and profilers name source lines; it changes no code.
# --compress-mode=size: the fatbin a fifth the size (the driver inflates it at load), so
# the program and the GPU tools fit the offline bundle (mk/gpu_bundle.mk); no code changes.
NVCC_FLAGS   := -std=c++17 -O3 --fmad=false -lineinfo --compress-mode=size -Iinclude $(CUDA_GENCODE) -Xptxas -v \
                --Werror all-warnings -Xcompiler -Wall,-Wextra,-Werror

ALL_CFLAGS += -DHC_HAVE_CUDA -isystem $(CUDA)/include
# cudart statically; it needs libdl, librt, libpthread, and the kernels' host code
# (CUB, guards of static locals) libstdc++, which every Linux has.
LDLIBS     += $(CUDA_LIB) -L$(CUDA)/lib64 -lcudart_static -ldl -lrt -lpthread -lstdc++

# Every link of the C objects pulls in the CUDA backend, and engine_cuda_host.o is among
# them: making it depend on the archive builds the kernels first and relinks after them.
$(BUILD)/obj/engines/engine_cuda_host.o $(BUILD)/obj/engines/engine_cuda_tools.o: $(CUDA_LIB) src/engines/engine_cuda.h

# Each kernel: nvcc -Xptxas -v's report goes to a log next to the object (tests/cli_cuda.sh
# reads it) and a summary to the terminal; the compute_90 PTX is kept for the test that
# compiles it for GPUs newer than this build knows.
# The compute_90 PTX is what a GPU newer than this build's SASS runs, compiled by its
# driver: each build also compiles it for PTX_CHECK_ARCH, so it is known to compile, and its
# resource use goes into the log with the SASS targets' (tests/cli_cuda.sh reads it).
PTX_CHECK_ARCH := sm_100
PTXAS          := $(dir $(NVCC))ptxas

# Intermediate files go to a folder of this make's own (several makes may share the tree),
# and each output is moved into place whole.
define nvcc_compile
	@echo "  NVCC    $< $(2)"
	$(Q)k=$(@:.o=).keep.$$$$; rm -rf $$k && mkdir -p $$k && \
	{ $(NVCC) $(NVCC_FLAGS) $(1) --keep --keep-dir $$k -c $< -o $$k/out.o 2> $$k/ptxas.log \
	      || { cat $$k/ptxas.log; rm -rf $$k; exit 1; }; } && \
	{ $(PTXAS) -arch=$(PTX_CHECK_ARCH) -v --warning-as-error $$k/$(notdir $(basename $<)).compute_90.ptx \
	      -o $$k/check.cubin 2> $$k/ptx_check.log \
	      || { cat $$k/ptx_check.log; echo "the compute_90 PTX of $< does not compile for $(PTX_CHECK_ARCH)"; \
	           rm -rf $$k; exit 1; }; } && \
	mv $$k/$(notdir $(basename $<)).compute_90.ptx $(@:.o=.compute_90.ptx) && \
	cat $$k/ptxas.log $$k/ptx_check.log > $(@:.o=.ptxas.log) && mv $$k/out.o $@ && rm -rf $$k
	@awk -f mk/ptxas_summary.awk $(@:.o=.ptxas.log)
endef

# The flags are part of every kernel object: a stamp that changes only when they do.
$(shell mkdir -p $(CUDA_BUILD); echo '$(NVCC) $(NVCC_FLAGS) PTX_CHECK_ARCH=$(PTX_CHECK_ARCH)' > $(CUDA_BUILD)/flags.stamp.new; \
        cmp -s $(CUDA_BUILD)/flags.stamp.new $(CUDA_BUILD)/flags.stamp && rm -f $(CUDA_BUILD)/flags.stamp.new || \
        mv $(CUDA_BUILD)/flags.stamp.new $(CUDA_BUILD)/flags.stamp)

$(CUDA_BUILD)/firm_steps_r%.o: kernels/firm_steps.cu $(CUDA_HEADERS) $(CUDA_BUILD)/flags.stamp
	$(call nvcc_compile,-DHC_FIRM_ROLE_CAP=$*,(roles <= $*))

$(CUDA_BUILD)/%.o: kernels/%.cu $(CUDA_HEADERS) $(CUDA_BUILD)/flags.stamp
	$(call nvcc_compile,,)

$(CUDA_LIB): $(CUDA_OBJ)
	@echo "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $^

# The roofline counted from the machine code (scripts/sass_roofline.py; cuobjdump from
# PyPI where the toolkit has none): the instructions per firm-step by pipe, which gpu_bench
# reads, and the tables of docs/performance.md "The roofline". Without cuobjdump (no
# network) bench-gpu still runs, and says it has no counts.
SASS_COUNTS := $(CUDA_BUILD)/sass_counts.tsv
$(SASS_COUNTS): $(CUDA_CAPS:%=$(CUDA_BUILD)/firm_steps_r%.o) scripts/sass_roofline.py scripts/nvidia_tools.sh
	@echo "  SASS    $(CUDA_BUILD)/firm_steps_r*.o: instructions per firm-step"
	$(Q)$(PYTHON) scripts/sass_roofline.py --build $(CUDA_BUILD) --counts $@ >$(CUDA_BUILD)/roofline.md || \
	    echo "  (no SASS counts: scripts/sass_roofline.py failed; the roofline is left out)"
.PHONY: roofline
roofline: $(SASS_COUNTS)
	@cat $(CUDA_BUILD)/roofline.md
bench-gpu gpu-bundle: $(SASS_COUNTS)

else # no nvcc

ifeq ($(MAKELEVEL),0)
  $(info ✗ no nvcc ($(NVCC)): CPU-only build; GPU tests will be skipped)
endif

endif

# Objects whose code differs with and without the CUDA backend are rebuilt when that
# changes (the stamp is rewritten only when it does).
$(shell mkdir -p $(BUILD); echo 'CUDA_BACKEND=$(CUDA_BACKEND) CUDA=$(CUDA)' > $(BUILD)/cuda.stamp.new; \
        cmp -s $(BUILD)/cuda.stamp.new $(BUILD)/cuda.stamp && rm -f $(BUILD)/cuda.stamp.new || \
        mv $(BUILD)/cuda.stamp.new $(BUILD)/cuda.stamp)
$(BUILD)/obj/engines/engine_cuda_host.o $(BUILD)/obj/engines/engine_cuda_tools.o $(BUILD)/obj/engines/simulate.o \
    $(BUILD)/obj/commands/cmd_devices.o: $(BUILD)/cuda.stamp

# ---- the CPU emulator (tests/gpu/emu): the backend's host code and the kernels' own code,
# built with g++ against an emulated CUDA runtime, so that tests/cli_cuda.sh runs them on
# a machine without a GPU (and without nvcc). Emulated: threads, barriers, warp
# operations, constant and shared memory, device buffers against guard pages. Not: speed,
# the GPU's arithmetic, cuRAND.
EMU_BUILD    := $(BUILD)/emu
EMU_DIR      := tests/gpu/emu
EMU_CXXFLAGS := -std=c++17 -O2 -g -ffp-contract=off -D__CUDACC__ -D__CUDA_ARCH__=900 -I$(EMU_DIR) -Iinclude \
                -include cuda_runtime.h -Wall -Wextra -Werror -Wno-unknown-pragmas
# The C files that differ with the CUDA backend, compiled against the emulator's headers.
EMU_CFLAGS    = $(filter-out -isystem $(CUDA)/include,$(ALL_CFLAGS)) -I$(EMU_DIR) -DHC_HAVE_CUDA -DHC_CUDA_EMULATOR
EMU_CAPS     := $(ROLE_CAPS)
EMU_OBJ      := $(EMU_BUILD)/world_paths.o $(EMU_BUILD)/world_sums.o $(EMU_BUILD)/percentiles.o \
                $(EMU_BUILD)/firm_stats.o \
                $(EMU_CAPS:%=$(EMU_BUILD)/firm_steps_r%.o) $(EMU_BUILD)/emu_runtime.o \
                $(EMU_BUILD)/engine_cuda_host.o $(EMU_BUILD)/engine_cuda_tools.o $(EMU_BUILD)/simulate.o
EMU_HEADERS  := $(wildcard $(EMU_DIR)/*.h $(EMU_DIR)/cub/device/*.cuh) $(CUDA_HEADERS)
EMU_LIB_OBJ   = $(filter-out $(BUILD)/obj/engines/engine_cuda_host.o $(BUILD)/obj/engines/engine_cuda_tools.o \
                  $(BUILD)/obj/engines/simulate.o,$(LIB_OBJ))
EMU_LDLIBS    = $(filter-out $(CUDA_LIB) -L$(CUDA)/lib64 -lcudart_static,$(LDLIBS))
EMU_PROGRAMS := $(EMU_BUILD)/headcount $(EMU_BUILD)/gpu_checks $(EMU_BUILD)/gpu_bench
TEST_DEPS    += $(EMU_PROGRAMS)

# Kept after the build: compiler messages point into them.
.SECONDARY: $(EMU_BUILD)/world_paths.cpp $(EMU_BUILD)/world_sums.cpp $(EMU_BUILD)/percentiles.cpp \
            $(EMU_BUILD)/firm_stats.cpp \
            $(EMU_BUILD)/firm_steps.cpp

$(EMU_BUILD)/%.cpp: kernels/%.cu $(EMU_DIR)/rewrite_launches.py | $(EMU_BUILD)
	$(Q)$(PYTHON) $(EMU_DIR)/rewrite_launches.py $< $@

$(EMU_BUILD)/firm_steps_r%.o: $(EMU_BUILD)/firm_steps.cpp $(EMU_HEADERS)
	@echo "  CXX     $< (emulator, roles <= $*)"
	$(Q)$(CXX) $(EMU_CXXFLAGS) -DHC_FIRM_ROLE_CAP=$* -c $< -o $@

$(EMU_BUILD)/%.o: $(EMU_BUILD)/%.cpp $(EMU_HEADERS)
	@echo "  CXX     $< (emulator)"
	$(Q)$(CXX) $(EMU_CXXFLAGS) -c $< -o $@

# The firm statistics reproduce the host's mean (hc_stats.h: HC_MEAN_FANOUT).
$(CUDA_BUILD)/firm_stats.o $(EMU_BUILD)/firm_stats.o: include/hc_stats.h

$(EMU_BUILD)/emu_runtime.o: $(EMU_DIR)/emu_runtime.cpp $(EMU_HEADERS) | $(EMU_BUILD)
	@echo "  CXX     $<"
	$(Q)$(CXX) $(EMU_CXXFLAGS) -c $< -o $@

$(EMU_BUILD)/engine_cuda_host.o $(EMU_BUILD)/engine_cuda_tools.o $(EMU_BUILD)/simulate.o: $(EMU_BUILD)/%.o: src/engines/%.c \
    $(HEADERS) $(EMU_HEADERS) src/engines/engine_cuda.h | $(EMU_BUILD)
	@echo "  CC      $< (emulator)"
	$(Q)$(CC) $(EMU_CFLAGS) -c $< -o $@

$(EMU_BUILD)/cmd_devices.o: $(EMU_BUILD)/%.o: src/commands/%.c $(HEADERS) $(EMU_HEADERS) | $(EMU_BUILD)
	@echo "  CC      $< (emulator)"
	$(Q)$(CC) $(EMU_CFLAGS) -c $< -o $@

# Linked by the C compiler's driver under MPI=1 (mpicc brings MPI's libraries; the
# emulator's C++ needs libstdc++ then), by the C++ compiler otherwise.
EMU_LD        = $(if $(filter 1,$(MPI)),$(CC),$(CXX))
EMU_LD_EXTRA  = $(if $(filter 1,$(MPI)),-lstdc++)

$(EMU_BUILD)/headcount: $(EMU_OBJ) $(EMU_BUILD)/cmd_devices.o $(LIB_OBJ) $(CLI_OBJ) $(BUILD)/obj/commands/main.o
	@echo "  LD      $@ (emulated GPUs)"
	$(Q)$(EMU_LD) $(LDFLAGS) $(EMU_OBJ) $(EMU_BUILD)/cmd_devices.o $(EMU_LIB_OBJ) \
	    $(filter-out $(BUILD)/obj/commands/cmd_devices.o,$(CLI_OBJ)) $(BUILD)/obj/commands/main.o $(EMU_LDLIBS) $(EMU_LD_EXTRA) -o $@

$(EMU_BUILD)/gpu_checks: tests/gpu/gpu_checks.c
$(EMU_BUILD)/gpu_bench: bench/gpu_bench.c
$(EMU_BUILD)/gpu_checks $(EMU_BUILD)/gpu_bench: $(EMU_OBJ) $(LIB_OBJ) $(HEADERS)
	@echo "  CC      $(filter %.c,$^) (emulated GPUs)"
	$(Q)$(CC) $(EMU_CFLAGS) -c $(filter %.c,$^) -o $@.o
	$(Q)$(CXX) $(LDFLAGS) $@.o $(EMU_OBJ) $(EMU_LIB_OBJ) $(EMU_LDLIBS) -o $@

# A mutant: the emulated model kernel with contracted float arithmetic (a*b+c as one FMA, as
# nvcc computes without --fmad=false). tests/cli_cuda.sh runs its gpu_checks, which must
# fail the CPU agreement at HC_CUDA_AGREEMENT_REL: the tolerance catches a contraction.
EMU_FMA      := $(EMU_BUILD)/fma-mutant
EMU_FMA_OBJ  := $(EMU_CAPS:%=$(EMU_FMA)/firm_steps_r%.o)
TEST_DEPS    += $(EMU_FMA)/gpu_checks

$(EMU_FMA)/firm_steps_r%.o: $(EMU_BUILD)/firm_steps.cpp $(EMU_HEADERS)
	@mkdir -p $(@D)
	@echo "  CXX     $< (emulator, roles <= $*, FMA mutant)"
	$(Q)$(CXX) $(EMU_CXXFLAGS) -ffp-contract=fast $(if $(filter x86_64,$(shell uname -m)),-mfma) \
	    -DHC_FIRM_ROLE_CAP=$* -c $< -o $@

$(EMU_FMA)/gpu_checks: $(EMU_BUILD)/gpu_checks $(EMU_FMA_OBJ)
	@echo "  LD      $@ (emulated GPUs, FMA mutant)"
	$(Q)$(CXX) $(LDFLAGS) $(EMU_BUILD)/gpu_checks.o $(EMU_FMA_OBJ) $(filter-out $(EMU_CAPS:%=$(EMU_BUILD)/firm_steps_r%.o),$(EMU_OBJ)) \
	    $(EMU_LIB_OBJ) $(EMU_LDLIBS) -o $@

$(EMU_BUILD):
	mkdir -p $@

# The GPU checks and benchmark run the program and tools built here. `make test` builds both (so CI compiles them) and runs
# tests/cli_cuda.sh, which runs the GPU checks too where a GPU is usable.
GPU_CHECKS := $(BUILD)/tests_gpu/gpu_checks
GPU_BENCH  := $(BUILD)/bench/gpu_bench
TEST_DEPS  += $(GPU_CHECKS) $(GPU_BENCH)

$(GPU_CHECKS): tests/gpu/gpu_checks.c $(LIB_OBJ) $(HEADERS)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) $< $(LIB_OBJ) $(LDFLAGS) $(LDLIBS) -o $@

$(GPU_BENCH): bench/gpu_bench.c $(LIB_OBJ) $(HEADERS)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) $< $(LIB_OBJ) $(LDFLAGS) $(LDLIBS) -o $@

# For tests/cli_cuda.sh, which compiles the files that differ without nvcc as such a build
# would, and links them with this build's other objects.
.PHONY: cuda-info-cflags cuda-info-ldlibs cuda-info-objects
cuda-info-cflags:
	@echo $(ALL_CFLAGS)
cuda-info-ldlibs:
	@echo $(LDLIBS) $(LDFLAGS)
cuda-info-objects:
	@echo $(LIB_OBJ) $(CLI_OBJ) $(BUILD)/obj/commands/main.o

# Not `all`: that runs scripts/setup.sh (apt-get), and a GPU machine lent for minutes may
# have the NVIDIA driver and no package access. Without a usable GPU (a probe of the driver,
# not of the program) test-gpu fails: "no usable GPU: nothing was checked"; exit 3 means a
# check could not run (UNVERIFIED, with its reason).
test-gpu: $(BUILD)/headcount $(GPU_CHECKS)
	@HC=$(BUILD)/headcount CHECKS=$(GPU_CHECKS) $(TEST_ENV) bash tests/gpu/run.sh

bench-gpu: $(BUILD)/headcount $(GPU_BENCH)
	@bash bench/gpu_bench.sh
