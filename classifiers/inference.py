"""Inference for the annotate job: ``predict(texts) -> [(p_affiliate, p_adult), ...]``.

    from classifiers.inference import predict
    predict(["当サイトはアフィリエイトプログラムを利用しています。…", "東京都は5日、…"])
    # -> [(0.99..., 0.00...), (0.00..., 0.00...)]

The models are loaded once per process, on the first call (:func:`get_classifier`, a module-level cache;
a Ray worker pays it on its first batch: ~0.2 s), from ``classifiers/models/`` of this checkout.
Each text is normalised and tokenised once (:mod:`classifiers.features`, first 4,000 characters); both
models read the same tokens.

Backends (``AffiliateAdultClassifier(backend=...)``):

- ``"linear"`` (default): TF-IDF + logistic regression, Platt-calibrated. The best of the three on the
  training-only cross-validation (``python -m classifiers crossval``: affiliate AP 0.605 vs ensemble
  0.535 vs fastText 0.356 on held-out real documents) and on the evaluation set. The default was
  ``"ensemble"`` before the first evaluation run and was changed after it (see ``classifiers/REPORT.md``);
- ``"ensemble"``: the mean of the two probabilities;
- ``"fasttext"``: the quantised fastText model only (fastest, and the weakest).

Probabilities are per head and independent (a page can be both). They are calibrated to the *training*
mix (oversampled positives), not to a crawl: use them to rank and to set thresholds in variant files,
measured on the evaluation set (``classifiers/REPORT.md``), not as the chance that a crawled page is
affiliate. Empty or whitespace-only texts get (0.0, 0.0).

Thread safety: MeCab taggers are per thread; fastText and NumPy predictions are read-only. One instance
can be shared by the threads of a process.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Sequence

import numpy as np

from .features import tokens

MODEL_DIR = Path(__file__).resolve().parent / "models"
FASTTEXT_FILE = "affiliate_adult.ftz"
LINEAR_FILE = "affiliate_adult_linear.npz"
BACKENDS = ("linear", "ensemble", "fasttext")
DEFAULT_BACKEND = "linear"
BATCH = 256


class AffiliateAdultClassifier:
    """Both models of ``model_dir``; ``predict`` scores a batch of texts."""

    def __init__(self, model_dir: str | Path = MODEL_DIR, backend: str = DEFAULT_BACKEND):
        if backend not in BACKENDS:
            raise ValueError(f"backend {backend!r}: choose one of {BACKENDS}")
        self.model_dir = Path(model_dir)
        self.backend = backend
        self._ft = None
        self._lin = None
        if backend in ("ensemble", "fasttext"):
            from . import fasttext_model  # noqa: PLC0415

            self._ft = fasttext_model.load(self.model_dir / FASTTEXT_FILE)
        if backend in ("ensemble", "linear"):
            from .linear_model import LinearModel  # noqa: PLC0415

            self._lin = LinearModel.load(self.model_dir / LINEAR_FILE)

    def predict_array(self, texts: Sequence[str]) -> np.ndarray:
        """(n, 2) float64 array: p_affiliate, p_adult."""
        out = np.zeros((len(texts), 2), dtype=np.float64)
        for start in range(0, len(texts), BATCH):
            chunk = texts[start : start + BATCH]
            toks = [tokens(t or "") for t in chunk]
            keep = [i for i, t in enumerate(toks) if t]
            if not keep:
                continue
            parts = []
            if self._ft is not None:
                from .fasttext_model import line_features  # noqa: PLC0415
                from .fasttext_model import predict as ft_predict  # noqa: PLC0415

                parts.append(ft_predict(self._ft, [line_features(toks[i]) for i in keep]))
            if self._lin is not None:
                from .linear_model import features  # noqa: PLC0415

                parts.append(self._lin.predict_features([features(chunk[i], toks[i]) for i in keep]))
            out[[start + i for i in keep]] = np.mean(parts, axis=0)
        return np.clip(out, 0.0, 1.0)

    def predict(self, texts: Sequence[str]) -> list[tuple[float, float]]:
        """[(p_affiliate, p_adult)] in the order of ``texts``."""
        return [(float(a), float(b)) for a, b in self.predict_array(list(texts))]


_cache: dict[tuple[str, str], AffiliateAdultClassifier] = {}
_lock = threading.Lock()


def get_classifier(backend: str = DEFAULT_BACKEND, model_dir: str | Path = MODEL_DIR) -> AffiliateAdultClassifier:
    """The process-wide instance for (model_dir, backend), built on first use."""
    key = (str(Path(model_dir).resolve()), backend)
    with _lock:
        clf = _cache.get(key)
        if clf is None:
            clf = AffiliateAdultClassifier(model_dir, backend)
            _cache[key] = clf
    return clf


def predict(texts: Sequence[str], backend: str = DEFAULT_BACKEND) -> list[tuple[float, float]]:
    """[(p_affiliate, p_adult)] for each text, with the process-wide models."""
    return get_classifier(backend).predict(texts)
