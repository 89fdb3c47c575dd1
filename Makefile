# Two commands on a fresh machine: `make setup` and `make test`. `make pipeline` runs the main job.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
OUT    ?= out/sample
INPUT  ?= data/sample/sample.warc.gz

.PHONY: setup test pipeline annotate bench sample clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

test: setup
	$(BIN)/pytest -q

# The main job on the bundled real sample: annotate (Ray, local cluster unless RAY_ADDRESS is set).
pipeline: annotate

annotate: setup
	$(BIN)/python -m pipeline annotate $(INPUT) --out $(OUT)

# Benchmarks (results in bench/results/*.json, summarised in bench/README.md).
bench: setup
	$(BIN)/python bench/annotate_speed.py
	$(BIN)/python bench/extraction_quality.py
	$(BIN)/python bench/precheck_recall.py

# Rebuild the bundled sample from ../shared/data (needs that folder; the result is committed).
sample: setup
	$(BIN)/python data/build_sample.py

clean:
	rm -rf out bench/work
