# Two commands on a fresh machine: `make setup` and `make test`. `make pipeline` runs the main job.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
OUT    ?= out/sample
INPUT  ?= data/sample/sample.warc.gz

VARIANT ?= default
A ?= default
B ?= strict
RUN    ?= $(OUT)

SEEDS ?= 1

.PHONY: ablation compare setup test pipeline annotate dedup select select-diff notebooks classifier classifier-eval classifier-data bench sample clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

test: setup
	$(BIN)/pytest -q

# The main job on the bundled real sample, on Ray (a local cluster unless RAY_ADDRESS is set):
# annotate every record -> dedup clusters -> select the default variant (report in out/sample/variants/default).
pipeline: annotate dedup
	$(MAKE) select VARIANT=default

annotate: setup
	$(BIN)/python -m pipeline annotate $(INPUT) --out $(OUT)

dedup: setup
	$(BIN)/python -m pipeline dedup --shards $(RUN)/shards --out $(RUN)/dedup

# make select VARIANT=strict   (a name in pipeline/variants/ or a path to a .yaml)
select: setup
	$(BIN)/python -m pipeline select $(VARIANT) --run $(RUN)

# make select-diff A=default B=strict   (both selected first)
select-diff: setup
	$(BIN)/python -m pipeline select-diff $(A) $(B) --run $(RUN)

# Execute every notebook against the run (CI does this after make pipeline); copies in out/notebooks/.
notebooks: setup
	$(BIN)/python notebooks/run_notebooks.py --param RUN=$(RUN)

# The affiliate/adult classifier: train from the committed classifiers/train/*.jsonl (deterministic),
# evaluate on the hand-labelled set -> classifiers/REPORT.md + PR curves.
classifier: setup
	$(BIN)/python -m classifiers train

classifier-eval: setup
	$(BIN)/python -m classifiers evaluate

# Maintainers only: rebuild the training set (needs ../shared/data and $(RUN)/shards).
classifier-data: setup
	$(BIN)/python -m classifiers build-data --shards $(RUN)/shards

# Ablation pretraining: the tiny GPT on a variant's shards (runs annotate/dedup/select if missing),
# SEEDS seeds (0..SEEDS-1) -> results/<variant>/<seed>.json; ~3-5 min per seed on 2 CPU cores.
ablation: setup
	$(BIN)/python -m ablation train --variant $(VARIANT) --seeds $(SEEDS) --run $(RUN)

# All results/ -> results/compare.md + compare.png (mean +- sd over seeds, noise marked).
compare: setup
	$(BIN)/python -m ablation compare --results results --out results/compare.md

# Benchmarks (results in bench/results/*.json, summarised in bench/README.md).
bench: setup
	$(BIN)/python bench/annotate_speed.py
	$(BIN)/python bench/extraction_quality.py
	$(BIN)/python bench/precheck_recall.py
	$(BIN)/python bench/classifier_speed.py

# Rebuild the bundled sample from ../shared/data (needs that folder; the result is committed).
sample: setup
	$(BIN)/python data/build_sample.py

clean:
	rm -rf out bench/work
