# mk/mpi.mk: the MPI build (docs/cluster.md).
#
#   make MPI=1     $(BUILD)/headcount built with Open MPI's mpicc and -DHC_HAVE_MPI
#   make test      also builds the MPI variant in build/mpi/ for tests/cli_mpi.sh, and its
#                  build over the CPU emulator of GPUs (build/mpi/emu/headcount: MPI x GPU)
#
# The plain build needs no MPI. mpicc wraps the C compiler; pick another one with
# OMPI_CC (e.g. `OMPI_CC=clang make MPI=1`), or another wrapper with MPICC=.

MPI ?= 0
ifeq ($(filter 0 1,$(MPI)),)
  $(error MPI=$(MPI): expected MPI=1 (build with Open MPI's mpicc) or MPI=0)
endif

MPI_BUILD := $(BUILD)/mpi

ifeq ($(MPI),1)
  MPICC ?= mpicc
  override CC := $(MPICC)
  ALL_CFLAGS += -DHC_HAVE_MPI
endif

# Objects compiled with and without MPI must never mix in one folder (mpi_run.o of one
# kind would link against main.o of the other): the stamp changes when the kind does,
# and every object depends on it. The stamp is rewritten only when it changes, so an
# unchanged build stays up to date.
$(shell mkdir -p $(BUILD); echo 'MPI=$(MPI) CC=$(CC)' > $(BUILD)/mpi.stamp.new; \
        cmp -s $(BUILD)/mpi.stamp.new $(BUILD)/mpi.stamp && rm -f $(BUILD)/mpi.stamp.new || \
        mv $(BUILD)/mpi.stamp.new $(BUILD)/mpi.stamp)
$(LIB_OBJ) $(CLI_OBJ) $(BUILD)/obj/commands/main.o: $(BUILD)/mpi.stamp

# `make test` runs tests/cli_mpi.sh against an MPI variant kept in its own folder, so
# the plain build/headcount stays MPI-free. Without mpicc (scripts/setup.sh installs
# it) the variant is skipped and so are its tests.
.PHONY: mpi-variant
TEST_DEPS += mpi-variant
mpi-variant:
	@if command -v $(or $(MPICC),mpicc) >/dev/null 2>&1; then \
	    $(MAKE) --no-print-directory MPI=1 BUILD=$(MPI_BUILD) $(MPI_BUILD)/headcount $(MPI_BUILD)/emu/headcount; \
	else \
	    echo "✗ no mpicc: MPI tests will be skipped (apt-get install openmpi-bin libopenmpi-dev)"; \
	fi
