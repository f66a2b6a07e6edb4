# headcount: GPU-accelerated Monte Carlo forecaster of AI's effect on employment.
#
#   make run     build, then run the default comparison (cuts vs growth)
#   make test    build, then every test (CPU; GPU cases report "skipped: no GPU")
#   make test-update  rewrite the golden digests of tests/regression/ (a change of numbers)
#   make schema  rewrite docs/config.schema.json (the JSON Schema of configs) from the program
#   make bench   throughput of the CPU backend against NumPy and Numba implementations
#   make format-check  the C and CUDA files in the style of .clang-format (make format rewrites them)
#
#   make install PREFIX=...   the program, its man page, bash completion, configs and docs
#                (mk/install.mk); make uninstall PREFIX=... removes them
#
# Missing Debian packages are installed by scripts/setup.sh before anything is built: only
# those the goals need (building and running; test, bench, fuzz and MPI tools on top).

CC      ?= cc
PYTHON  := /usr/bin/python3
# SANITIZE=1 (AddressSanitizer + UBSan) builds into its own folder: instrumented and plain
# objects must never link together.
SANITIZE ?= 0
ifeq ($(filter 0 1,$(SANITIZE)),)
  $(error SANITIZE=$(SANITIZE): expected SANITIZE=1 (ASan + UBSan build in build-asan/) or SANITIZE=0)
endif
BUILD   := build$(if $(filter 1,$(SANITIZE)),-asan)
CUDA    ?= /usr/local/cuda

# -std=c11 (not gnu11) and -ffp-contract=off: no silent FMA contraction, so a sum or a
# percentile is the same bits whatever the optimiser does (docs/model.md "Determinism").
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wpointer-arith -Wcast-qual -Wvla -Wno-unknown-pragmas
CFLAGS  ?= -O2 -g
ALL_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -ffp-contract=off \
              -fopenmp -Iinclude $(WARN) $(CFLAGS)
LDLIBS  := -lcjson -lm
LDFLAGS += -fopenmp

ifeq ($(SANITIZE),1)
  ALL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
  LDFLAGS    += -fsanitize=address,undefined
  # The CUDA runtime maps memory inside ASan's protected shadow gap; without this a
  # sanitized build cannot use a GPU.
  TEST_ENV   := ASAN_OPTIONS=protect_shadow_gap=0
endif

# The commit recorded in every manifest; build/commit.h changes only when it does, so
# only the files that include it rebuild.
GIT_COMMIT := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)$(shell git diff --quiet HEAD 2>/dev/null || echo -dirty)
$(shell mkdir -p $(BUILD); echo '#define HC_GIT_COMMIT "$(GIT_COMMIT)"' > $(BUILD)/commit.h.new; \
        cmp -s $(BUILD)/commit.h.new $(BUILD)/commit.h || mv $(BUILD)/commit.h.new $(BUILD)/commit.h)

# The role capacities of the firm loop, stated once (HC_ROLE_CAPS, include/model/hc_defs.h):
# each backend builds its firm loop once per capacity (engine_cpu_rN.o here, the kernels'
# firm_steps_rN.o in mk/cuda.mk).
ROLE_CAPS := $(strip $(shell sed -n 's/^\#define HC_ROLE_CAPS(X)//p' include/model/hc_defs.h | tr -c '0-9' ' '))
ifeq ($(ROLE_CAPS),)
  $(error no "#define HC_ROLE_CAPS(X) X(8) ..." line in include/model/hc_defs.h)
endif

# src/ is one folder per layer (README.md "Layout"; each folder's README.md says what it
# owns and may call); objects mirror it under $(BUILD)/obj/.
LIB_SRC := $(filter-out src/commands/% src/engines/engine_cpu_cap.c,$(wildcard src/*/*.c))
CLI_SRC := $(filter-out src/commands/main.c,$(wildcard src/commands/*.c))
CLI_OBJ := $(CLI_SRC:src/%.c=$(BUILD)/obj/%.o)
LIB_OBJ := $(LIB_SRC:src/%.c=$(BUILD)/obj/%.o) $(ROLE_CAPS:%=$(BUILD)/obj/engines/engine_cpu_r%.o)
# include/model/: the headers nvcc compiles too (the model, HC_HD; the kernels' interface).
HEADERS := $(wildcard include/*.h include/model/*.h)

UNIT_SRC := $(wildcard tests/unit_*.c)
UNIT_BIN := $(UNIT_SRC:tests/%.c=$(BUILD)/tests/%)

.PHONY: all setup run test test-update schema bench clean format format-check help
.DEFAULT_GOAL := all

all: setup $(BUILD)/headcount

help:
	@sed -n '3,13p' Makefile

# Runs once per make invocation; quick when nothing is missing. The groups of
# scripts/setup.sh that this make's goals need (every group includes run's packages).
SETUP_GROUPS = run $(if $(filter test test-update test-gpu,$(MAKECMDGOALS)),test) \
               $(if $(filter bench,$(MAKECMDGOALS)),bench) \
               $(if $(filter fuzz fuzz-build fuzz-run-%,$(MAKECMDGOALS)),fuzz) $(if $(filter 1,$(MPI)),mpi)
setup:
	@bash scripts/setup.sh $(SETUP_GROUPS)

# V=1 shows the full command lines.
Q := $(if $(filter 1,$(V)),,@)

$(BUILD)/obj/%.o: src/%.c $(HEADERS) | $(BUILD)/obj
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

# One object per role capacity, from one source.
$(BUILD)/obj/engines/engine_cpu_r%.o: src/engines/engine_cpu_cap.c $(HEADERS) | $(BUILD)/obj
	@mkdir -p $(@D)
	@echo "  CC      $< (roles <= $*)"
	$(Q)$(CC) $(ALL_CFLAGS) -DHC_FIRM_ROLE_CAP=$* -c $< -o $@

# src/config/: the config pipeline, with its internal header.
$(BUILD)/obj/config/%.o: src/config/%.c src/config/config_internal.h $(HEADERS) | $(BUILD)/obj
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/obj/commands/cmd_devices.o $(BUILD)/obj/outputs/output.o: $(BUILD)/obj/%.o: src/%.c $(HEADERS) $(BUILD)/commit.h | $(BUILD)/obj
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -include $(BUILD)/commit.h -c $< -o $@

$(BUILD)/headcount: $(LIB_OBJ) $(CLI_OBJ) $(BUILD)/obj/commands/main.o
	@echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/tests/unit_%: tests/unit_%.c $(LIB_OBJ) $(HEADERS) | $(BUILD)/tests
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -Itests $< $(LIB_OBJ) $(LDFLAGS) $(LDLIBS) -lcmocka -o $@

# cuRAND's device Philox compiled for the host: the reference for hc_philox.h.
$(BUILD)/tests/kat_philox_curand: tests/kat_philox_curand.cpp include/model/hc_philox.h | $(BUILD)/tests
	@echo "  CXX     $<"
	$(Q)g++ -std=c++17 -O1 -Wall -Wextra -Werror -Iinclude -I$(CUDA)/include $< \
	    -L$(CUDA)/lib64 -Wl,-rpath,$(CUDA)/lib64 -lcurand -lcmocka -o $@

$(BUILD)/obj $(BUILD)/tests:
	mkdir -p $@

# Feature fragments (mk/*.mk: cuda, mpi, fuzz...) add their own targets, and may add
# prerequisites of `make test` to TEST_DEPS.
TEST_DEPS :=
include $(sort $(wildcard mk/*.mk))

run: all
	$(BUILD)/headcount run configs/cuts.json configs/growth.json

test: all $(UNIT_BIN) $(BUILD)/tests/kat_philox_curand $(TEST_DEPS)
	@HC_BUILD=$(BUILD) $(TEST_ENV) bash tests/run_all.sh

# Rewrites the golden digests of tests/regression/ and prints which cases changed: a
# change of numbers is then a reviewed commit of its own.
test-update: all $(TEST_DEPS)
	@HC_BUILD=$(BUILD) $(TEST_ENV) bash tests/regression/run.sh --update

# docs/config.schema.json, the JSON Schema of configs, from the loader's own tables
# (`headcount schema`); tests/cli_schema.sh checks that the shipped copy is current.
schema: $(BUILD)/headcount
	@$(BUILD)/headcount schema >docs/config.schema.json
	@echo "wrote docs/config.schema.json"

bench: all $(CPU_BENCH)
	@bash bench/run.sh

# The C, CUDA and header files clang-format keeps in the style of .clang-format: `make
# format` rewrites them all; `make format-check` (.ci/run) changes nothing and fails on any
# file that is not in that style, except those scripts/format_pending.txt still lists (and
# fails on a listed one that is, so the list only shrinks).
FORMAT_FILES   := $(sort $(shell find src include kernels -name '*.c' -o -name '*.h' -o -name '*.cu') \
                         $(wildcard tests/*.c))
FORMAT_PENDING := $(shell sed 's/\#.*//' scripts/format_pending.txt)

format:
	clang-format -i $(FORMAT_FILES)

format-check:
	@command -v clang-format >/dev/null || { echo "format-check needs clang-format (Debian: clang-format)"; exit 1; }
	$(Q)clang-format --dry-run --Werror $(filter-out $(FORMAT_PENDING),$(FORMAT_FILES))
	$(Q)for f in $(FORMAT_PENDING); do \
	    if [ ! -f "$$f" ] || clang-format --dry-run --Werror "$$f" 2>/dev/null; then \
	        echo "$$f: formatted (or gone): remove it from scripts/format_pending.txt"; exit 1; fi; \
	done
	@echo "format-check: $(words $(filter-out $(FORMAT_PENDING),$(FORMAT_FILES))) files in the style of .clang-format," \
	      "$(words $(FORMAT_PENDING)) pending (scripts/format_pending.txt)"

clean:
	rm -rf $(BUILD)
