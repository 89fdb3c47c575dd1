"""Taggers: the trained classifier heads (``classifiers/``), scored one row group at a time.

- ``ClassifierTagger``: the built-in affiliate/adult model -> ``p_affiliate``, ``p_adult``;
- ``HeadTagger``: one per head in ``classifiers/models/heads/<name>.npz`` (``python -m classifiers
  train-head``; ``quality`` ships) -> ``p_<name>``. Columns are null when the classifier is off.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa


class ClassifierTagger:
    """``p_affiliate`` and ``p_adult`` from the trained linear model; null when ``enabled`` is off."""

    name = "classifier"
    batched = True
    columns = {"p_affiliate": pa.float32(), "p_adult": pa.float32()}

    def __init__(self, enabled: bool = True):
        self.enabled = enabled

    def tag(self, page) -> dict:
        return self.tag_batch([page])[0]

    def tag_batch(self, pages) -> list[dict]:
        if not self.enabled or not pages:
            return [{} for _ in pages]
        from classifiers.inference import predict  # loaded once per process

        return [{"p_affiliate": a, "p_adult": b} for a, b in predict([p.text for p in pages])]


class HeadTagger:
    """``p_<name>`` = P(the head's positive label) from a head trained on someone's labels."""

    batched = True

    def __init__(self, path: str | Path, enabled: bool = True):
        self.path = str(path)
        self.head = Path(path).stem
        self.name = f"head_{self.head}"
        self.columns = {f"p_{self.head}": pa.float32()}
        self.enabled = enabled
        self._model = None

    def __getstate__(self):  # shipped to Ray workers without the loaded model
        return {**self.__dict__, "_model": None}

    def tag(self, page) -> dict:
        return self.tag_batch([page])[0]

    def tag_batch(self, pages) -> list[dict]:
        if not self.enabled or not pages:
            return [{} for _ in pages]
        from classifiers.heads import load_head, score

        if self._model is None:
            self._model = load_head(self.path)
        column = f"p_{self.head}"
        return [{column: float(p)} for p in score(self._model, [p.text for p in pages])]


def head_taggers(enabled: bool = True) -> list[HeadTagger]:
    from classifiers.heads import head_files

    return [HeadTagger(p, enabled) for p in head_files()]
