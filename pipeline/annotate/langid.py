"""Language ID with fastText lid.176 (the compressed .ftz, shipped in pipeline/models, CC BY-SA 3.0).

One model per process, loaded on first use (so each Ray worker loads it once). fastText reads one
line: newlines are replaced by spaces. Only the first ``max_chars`` characters are scored: the
language of a page is settled long before 4,000 characters, and the cost is linear in length.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import ClassVar

from pipeline.annotate.reasons import Drop
from pipeline.annotate.stage import Reject

DEFAULT_MODEL = Path(__file__).with_name("models") / "lid.176.ftz"


@lru_cache(maxsize=2)
def load_model(path: str | os.PathLike = DEFAULT_MODEL):
    import fasttext

    fasttext.FastText.eprint = lambda *a, **k: None  # silence the load-time warning
    return fasttext.load_model(str(path))


def identify_language(text: str, max_chars: int = 4000, model_path: str | os.PathLike = DEFAULT_MODEL) -> tuple[str, float, float]:
    """-> (top label, top score, Japanese score). Example: ``"今日は良い天気です。"`` -> ("ja", ~1.0, ~1.0)."""
    line = text[:max_chars].replace("\n", " ").replace("\r", " ").strip()
    if not line:
        return "", 0.0, 0.0
    labels, probs = load_model(model_path).predict(line, k=3)
    top = labels[0].removeprefix("__label__")
    ja = 0.0
    for label, prob in zip(labels, probs):
        if label == "__label__ja":
            ja = float(prob)
    return top, min(float(probs[0]), 1.0), min(ja, 1.0)


@dataclass(frozen=True)
class LanguageId:
    """Stage: fastText lid.176 on the text; only ``ja`` at ``min_score`` or more goes on."""

    min_score: float = 0.5
    max_chars: int = 4000
    name: ClassVar[str] = "langid"

    def __call__(self, page):
        label, score, ja_score = identify_language(page.text, max_chars=self.max_chars)
        if label != "ja" or ja_score < self.min_score:
            return Reject(Drop.NOT_JAPANESE_LID, f"{label} {score:.2f}")
        page.lid_label, page.lid_score, page.lid_ja_score = label, score, ja_score
        return page
