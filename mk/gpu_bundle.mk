# mk/gpu_bundle.mk: the offline GPU check (docs/performance.md "Proving the backend on a
# borrowed GPU").
#
#   make gpu-bundle      build/gpu-bundle/: the program with the CUDA backend, the GPU suite's
#                        binaries and gpu_bench, linked to need nothing beyond glibc and the
#                        NVIDIA driver (cudart static; the other shared libraries copied
#                        beside them, found through an rpath of $ORIGIN/../lib), the configs,
#                        compute-sanitizer (the toolkit's, else PyPI's, when it can be had)
#                        and gpu_check.sh. Copy the folder to a GPU machine and run
#                        ./gpu_check.sh there: at most 8 minutes, no network, no make.
#   make gpu-bundle-emu  the same folder with the emulated binaries of tests/gpu/emu
#                        ($(BUILD)/gpu-bundle-emu; tests/cli_gpu_bundle.sh runs it here)

GPU_BUNDLE     := build/gpu-bundle
GPU_BUNDLE_EMU := $(BUILD)/gpu-bundle-emu
BUNDLE_FILES   := scripts/gpu_bundle.sh tests/gpu/gpu_check.sh tests/gpu/run.sh tests/gpu/compare_bands.py \
                  tests/data/philox_kat.txt $(wildcard configs/*.json)

.PHONY: gpu-bundle gpu-bundle-emu

gpu-bundle-emu: $(GPU_BUNDLE_EMU)/gpu_check.sh
$(GPU_BUNDLE_EMU)/gpu_check.sh: $(EMU_PROGRAMS) $(BUNDLE_FILES)
	$(Q)bash scripts/gpu_bundle.sh $(GPU_BUNDLE_EMU) $(EMU_PROGRAMS) --emulated >/dev/null

ifeq ($(CUDA_BACKEND),1)

# The bundle's own links of the program and the GPU tools: the build's objects, plus an rpath
# to the libraries that travel beside them.
BUNDLE_LINK := $(BUILD)/bundle-link
BUNDLE_RPATH := -Wl,-rpath,'$$ORIGIN/../lib'
BUNDLE_BINS := $(BUNDLE_LINK)/headcount $(BUNDLE_LINK)/gpu_checks $(BUNDLE_LINK)/gpu_bench
TEST_DEPS   += $(BUNDLE_BINS) # tests/cli_gpu_bundle.sh assembles a bundle of them

$(BUNDLE_LINK)/headcount: $(LIB_OBJ) $(CLI_OBJ) $(BUILD)/obj/commands/main.o
	@mkdir -p $(@D)
	@echo "  LD      $@ (for the GPU bundle)"
	$(Q)$(CC) $(LDFLAGS) $^ $(LDLIBS) $(BUNDLE_RPATH) -o $@
$(BUNDLE_LINK)/gpu_checks: tests/gpu/gpu_checks.c
$(BUNDLE_LINK)/gpu_bench: bench/gpu_bench.c
$(BUNDLE_LINK)/gpu_checks $(BUNDLE_LINK)/gpu_bench: $(LIB_OBJ) $(HEADERS)
	@mkdir -p $(@D)
	@echo "  CC      $(filter %.c,$^) (for the GPU bundle)"
	$(Q)$(CC) $(ALL_CFLAGS) $(filter %.c,$^) $(LIB_OBJ) $(LDFLAGS) $(LDLIBS) $(BUNDLE_RPATH) -o $@

# Not `all` (scripts/setup.sh): what it builds is what `make test` already needs.
gpu-bundle: $(BUNDLE_BINS) $(BUNDLE_FILES)
	$(Q)san=$$(CUDA=$(CUDA) bash scripts/nvidia_tools.sh compute-sanitizer) || san=; \
	bash scripts/gpu_bundle.sh $(GPU_BUNDLE) $(BUNDLE_BINS) $${san:+--sanitizer $$san}

else

gpu-bundle:
	@echo "make gpu-bundle needs nvcc (the CUDA backend): none at $(NVCC)"; exit 1

endif
