"""Tagger: the trained classifier heads (``classifiers/``), scored one row group at a time."""

from __future__ import annotations

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
