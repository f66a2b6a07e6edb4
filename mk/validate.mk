# mk/validate.mk: `make validate`, the shipped narratives against published figures.
# validation/validate.py runs build/headcount on configs/{cuts,growth,blend}.json at the
# fixed seed and size of validation/targets.json ("run"), reads the program's own
# outputs, and prints each target's model band next to the published figure with PASS
# or FAIL (results/validation/validation.md keeps the table). It exits 0 whatever the
# verdicts; `make validate STRICT=1` exits 1 when any check fails.
.PHONY: validate
validate: all
	$(PYTHON) validation/validate.py $(if $(filter 1,$(STRICT)),--strict,)
