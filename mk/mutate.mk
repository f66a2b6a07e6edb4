# mk/mutate.mk: mutation testing of the tests (issue 18; tests/README.md "Mutation testing").
#
#   make mutate            apply each mutant of tests/mutants.txt in a scratch copy of the
#                          tree (never this one), rebuild what its tests need, run them, and
#                          print the survivors, the mutation score and the time
#   make mutate DIGESTS=1  also run the golden digests on the survivors, to say which only
#                          they catch (never counted as a kill)
#   make mutate ONLY=id,id just those mutants
#
# The scratch copy starts from this tree's build, so build it first (the prerequisites).

.PHONY: mutate

mutate: $(BUILD)/headcount $(UNIT_BIN) $(BUILD)/tests/kat_philox_curand $(EMU_BUILD)/headcount $(EMU_BUILD)/gpu_checks
	@$(PYTHON) scripts/mutate.py $(if $(DIGESTS),--digests) $(if $(ONLY),--only $(ONLY))
