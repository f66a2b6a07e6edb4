# mk/validate.mk: `make validate`, the shipped narratives against published figures.
# validation/validate.py runs build/headcount on configs/{cuts,growth,blend}.json (and a
# no-AI run) at the fixed seed of validation/targets.json, at each of its sizes (200 and
# 400 worlds x 2,000 firms) and step rates (annual and quarterly), reads the program's
# own outputs, and prints each target's kind (calibration or validation), its model
# value and verdict at each size and step, the band of the largest quarterly run, and
# the published figure (results/validation/validation.md keeps the table). About a
# minute on 2 cores. It exits 0 whatever the verdicts; `make validate STRICT=1` exits 1
# when any check fails at any size or step.
.PHONY: validate
validate: all
	$(PYTHON) validation/validate.py $(if $(filter 1,$(STRICT)),--strict,)
