# mk/fuzz.mk: fuzzing the config loader and the --set overrides (tests/fuzz/).
#
#   make fuzz            build the libFuzzer harnesses (clang) and run each for FUZZ_SECONDS
#   make fuzz-regress    replay the corpus, the seeds and every saved crash (no clang needed)
#
# Also $(BUILD)/lib/fail_alloc.so, the allocation-failure injector of tests/cli_hardening.sh.
#
# The harnesses are also built by the system compiler as plain replayers
# ($(BUILD)/tests/regress_fuzz_*), which `make test` runs like any other test binary, so a
# crash once found stays fixed. A new crash: libFuzzer writes it to $(FUZZ_BUILD)/crash-*;
# fix the code, then move the file to tests/fuzz/regressions/<harness>/ under a name that
# says what it found.

FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_BUILD   := $(BUILD)/fuzz
FUZZ_NAMES   := config set
FUZZ_BIN     := $(FUZZ_NAMES:%=$(FUZZ_BUILD)/fuzz_%)
FUZZ_REPLAY  := $(FUZZ_NAMES:%=$(BUILD)/tests/regress_fuzz_%)
# The loader is compiled by clang with the fuzzer's coverage; whatever else it calls
# (src/plan/design.c, ...) comes from an archive of the plain build's objects, from which the
# linker takes only what is needed (not the OpenMP or CUDA parts). The model is
# header-only.
FUZZ_LIB_SRC := $(wildcard src/config/*.c)
FUZZ_ARCHIVE := $(FUZZ_BUILD)/libheadcount.a
FUZZ_CFLAGS  := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -ffp-contract=off -Iinclude -Itests/fuzz \
                -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
# Seeds: the shipped and test configs, and the committed corpus; new finds go to the
# first folder, which is under build/ and never committed.
FUZZ_CORPUS_config := $(FUZZ_BUILD)/corpus/config tests/fuzz/corpus/config tests/fuzz/regressions/config configs \
                      tests/configs/good tests/configs/bad
FUZZ_CORPUS_set    := $(FUZZ_BUILD)/corpus/set tests/fuzz/corpus/set tests/fuzz/regressions/set tests/fuzz/seeds/set
# -timeout: an input that takes seconds is a finding (a hang), not something to wait for.
FUZZ_FLAGS   := -dict=tests/fuzz/config.dict -timeout=10 -rss_limit_mb=2048 -print_final_stats=1

# The allocation-failure injector for tests/cli_hardening.sh (never sanitized: ASan brings
# its own allocator, and the test skips itself under SANITIZE=1).
FAIL_ALLOC := $(BUILD)/lib/fail_alloc.so

TEST_DEPS += $(FUZZ_REPLAY) $(FAIL_ALLOC)

$(FAIL_ALLOC): tests/fuzz/fail_alloc.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(Q)$(CC) -std=c11 -O1 -fPIC -shared $(WARN) $< -o $@

.PHONY: fuzz fuzz-build fuzz-regress $(FUZZ_NAMES:%=fuzz-run-%)

$(BUILD)/tests/regress_fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/replay_main.c tests/fuzz/fuzz_common.h $(LIB_OBJ) $(HEADERS) | $(BUILD)/tests
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -Itests/fuzz tests/fuzz/fuzz_$*.c tests/fuzz/replay_main.c $(LIB_OBJ) $(LDFLAGS) $(LDLIBS) -o $@

$(FUZZ_ARCHIVE): $(LIB_OBJ)
	@mkdir -p $(@D)
	$(Q)rm -f $@ && ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h $(FUZZ_LIB_SRC) $(FUZZ_ARCHIVE) $(HEADERS)
	@command -v $(FUZZ_CC) >/dev/null || { echo "make fuzz needs clang and libFuzzer: apt-get install clang libclang-rt-14-dev"; exit 1; }
	@[ "$(SANITIZE)" != 1 ] || { echo "make fuzz brings its own sanitizers: run it without SANITIZE=1"; exit 1; }
	@mkdir -p $(FUZZ_BUILD)/corpus/config $(FUZZ_BUILD)/corpus/set
	@echo "  CLANG   $<"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $< $(FUZZ_LIB_SRC) $(FUZZ_ARCHIVE) -lcjson -lm -o $@

fuzz-build: setup $(FUZZ_BIN)

fuzz: $(FUZZ_NAMES:%=fuzz-run-%)

# One harness for FUZZ_SECONDS; the log keeps libFuzzer's final statistics. (A static
# pattern rule: make never applies an implicit one to a phony target.) libFuzzer refuses
# a corpus folder that does not exist, and git keeps no empty folder: hence $(wildcard).
$(FUZZ_NAMES:%=fuzz-run-%): fuzz-run-%: fuzz-build
	@echo "fuzz: $* for $(FUZZ_SECONDS) s"
	@$(FUZZ_BUILD)/fuzz_$* $(FUZZ_FLAGS) -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=$(FUZZ_BUILD)/crash-$*- \
	    $(wildcard $(FUZZ_CORPUS_$*)) 2>$(FUZZ_BUILD)/fuzz_$*.log \
	 || { tail -40 $(FUZZ_BUILD)/fuzz_$*.log; echo "fuzz: $* failed (log: $(FUZZ_BUILD)/fuzz_$*.log; a crashing input is kept as $(FUZZ_BUILD)/crash-$*-*)"; exit 1; }
	@grep -E "stat::number_of_executed_units|stat::new_units_added" $(FUZZ_BUILD)/fuzz_$*.log | sed "s/^/fuzz: $*: /"

fuzz-regress: setup $(FUZZ_REPLAY)
	@mkdir -p $(FUZZ_BUILD)
	@for h in $(FUZZ_NAMES); do \
	    $(BUILD)/tests/regress_fuzz_$$h >$(FUZZ_BUILD)/regress_$$h.tap 2>&1 || { tail -5 $(FUZZ_BUILD)/regress_$$h.tap; exit 1; }; \
	    echo "fuzz-regress: $$h: $$(grep -c '^ok ' $(FUZZ_BUILD)/regress_$$h.tap) inputs replayed"; \
	done
