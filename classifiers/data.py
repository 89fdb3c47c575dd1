"""The two document sets and the two targets.

- Training set: every ``classifiers/train/*.jsonl`` (real documents with hand or distant labels, built by
  ``build_data.py``; ``synthetic.jsonl``, hand-written and marked ``"synthetic": true``). The repository
  carries it, so training needs nothing outside it.
- Evaluation set: ``classifiers/eval/labelled.jsonl`` (726 hand-labelled real documents). Read only by
  evaluation code; :func:`load_train` refuses to return any document whose id or source path is in it.

Targets: two binary heads, ``affiliate`` and ``adult`` (a document is positive for the head named by its
label; ``clean`` is negative for both). Strict scoring (``strict=True``) follows the guideline's note
convention: a ``clean`` eval document flagged ``also-affiliate`` / ``also-adult`` counts as positive.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
TRAIN_DIR = HERE / "train"
EVAL_PATH = HERE / "eval" / "labelled.jsonl"
HEADS = ("affiliate", "adult")


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_eval(path: Path = EVAL_PATH) -> list[dict]:
    return read_jsonl(path)


def load_train(train_dir: Path = TRAIN_DIR, eval_path: Path | None = EVAL_PATH) -> list[dict]:
    """Every training document, sorted by id (a fixed order for deterministic training)."""
    docs: list[dict] = []
    for path in sorted(Path(train_dir).glob("*.jsonl")):
        docs += read_jsonl(path)
    if eval_path is not None and Path(eval_path).exists():
        ev = load_eval(eval_path)
        ids = {d["id"] for d in ev}
        paths = {d["source_path"] for d in ev}
        leaked = [d["id"] for d in docs if d["id"] in ids or (d.get("source_path") and d["source_path"] in paths)]
        if leaked:
            raise ValueError(f"{len(leaked)} evaluation documents in the training set, e.g. {leaked[:3]}")
    docs.sort(key=lambda d: d["id"])
    return docs


def targets(docs: list[dict], strict: bool = False) -> dict[str, list[int]]:
    """head -> 0/1 per document."""
    out = {}
    for head in HEADS:
        ys = []
        for d in docs:
            pos = d["label"] == head
            if strict and d["label"] == "clean" and f"also-{head}" in d.get("flags", []):
                pos = True
            ys.append(int(pos))
        out[head] = ys
    return out
