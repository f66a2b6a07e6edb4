#!/usr/bin/env bash
# cli_schema.sh: the JSON Schema of configs (`headcount schema`, docs/config.schema.json),
# as TAP: a valid draft-07 schema, the copy in the repository up to date, every shipped
# config valid against it, and the mistakes it must catch caught (python3-jsonschema).
# Run from the repository root after `make`; tests/run_all.sh calls it.
set -u
. "$(dirname "$0")/tap.sh"

status_is 0 "headcount schema" "$HC" schema
cp "$TMP/out" "$TMP/schema.json"
cmp -s "$TMP/schema.json" docs/config.schema.json
ok $? "docs/config.schema.json is what headcount schema prints (make schema rewrites it)"
py_ok "the schema is a valid draft-07 JSON Schema, and every shipped config is valid against it" '
import glob, json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft7Validator.check_schema(schema)
v = jsonschema.Draft7Validator(schema)
files = sorted(glob.glob("configs/*.json"))
assert len(files) >= 4, files
for f in files:
    errors = [e.message for e in v.iter_errors(json.load(open(f)))]
    assert not errors, (f, errors[:3])
' "$TMP/schema.json"
py_ok "the schema refuses a misspelled key, a value out of range, an unknown distribution, a label that is not text" '
import json, sys, jsonschema
v = jsonschema.Draft7Validator(json.load(open(sys.argv[1])))
def refused(change):
    cfg = json.load(open("configs/growth.json"))
    change(cfg)
    return any(True for _ in v.iter_errors(cfg))
assert refused(lambda c: c["inference"].update(price_volatilty=0.3))
assert refused(lambda c: c.update(simulatoin={}))
assert refused(lambda c: c["labor"].update(oversight_ratio=-1))
assert refused(lambda c: c["labor"].update(oversight_ratio={"dist": "pret", "min": 0, "mode": 1, "max": 2}))
assert refused(lambda c: c.update(roles=[{"name": "x", "shre": 1}]))
assert not refused(lambda c: c["labor"].update(oversight_ratio={"dist": "pert", "min": 0, "mode": 1, "max": 2}))
assert refused(lambda c: c.update(label=5)) and refused(lambda c: c.update(label=""))
assert not refused(lambda c: c.update(label="Cuts (sticky prices)"))
assert refused(lambda c: c["compute"].update(value_share=1.5))
' "$TMP/schema.json"
py_ok "every input of the loader table is in the schema, with its meaning" '
import json, subprocess, sys
s = json.load(open(sys.argv[1]))
desc = subprocess.run([sys.argv[2], "describe", "--draws", "10", "configs/growth.json"], capture_output=True, text=True).stdout
keys = {w for line in desc.splitlines() for w in line.split()[:1] if "." in w and not w.startswith("roles")}
assert len(keys) >= 25, keys
for k in keys:
    section, name = k.split(".", 1)
    assert "description" in s["properties"][section]["properties"][name], k
' "$TMP/schema.json" "$HC"

echo "1..$n"
