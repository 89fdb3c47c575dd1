"""fastText supervised, one model with two independent heads (one-vs-all loss), quantised to ``.ftz``.

Input line per document: ``__label__<label> <features>``, where the features are the word tokens of
:func:`classifiers.features.tokens` and their bigrams written out as words (``公式▁サイト``; see
:func:`line_features`). With ``loss="ova"`` every label gets its own sigmoid, so ``p(affiliate)`` and
``p(adult)`` are independent probabilities (the ``clean`` label is a third head we do not use).
fastText averages the feature vectors and feeds the mean to the heads.

Determinism, and why bigrams are explicit words and every vector is passed in: with ``thread=1``
fastText initialises only the first tenth of its input matrix (``DenseMatrix::uniform`` splits the
matrix in 10 blocks, one per thread, and only block 0 exists with one thread); upstream leaves the rest
at zero, but the ``fasttext-numpy2==0.10.4`` binding leaves it *uninitialised*: the same data and seed
gave different models from run to run, and about half of the runs stopped with "Encountered NaN"
(measured here, 2026-11). So: no hashed buckets (``bucket=0``: word bigrams are made explicit words
instead of ``wordNgrams=2``, no character n-grams), and the initial vector of every word of the
dictionary is given in a ``pretrainedVectors`` file (uniform in ±1/dim from a seeded NumPy generator),
so no matrix row is left to chance. With ``thread=1`` training is then sequential and byte-for-byte
repeatable; positives are oversampled by an integer factor and the lines shuffled by a seeded
``random.Random``. Quantisation (product quantisation, ``qnorm``, ``cutoff`` words kept, retraining
on the same file) brings the model to about half a megabyte.
"""

from __future__ import annotations

import os
import random
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .data import HEADS


@dataclass(frozen=True)
class FastTextParams:
    dim: int = 32
    epoch: int = 15
    lr: float = 0.2
    min_count: int = 2  # features (words, bigrams) seen fewer times in the training lines are dropped
    cutoff: int = 20_000  # features kept by quantisation (largest norms)
    dsub: int = 2
    seed: int = 1
    positive_share: float = 0.15  # each positive class is oversampled to about this share of the negatives


BIGRAM_JOIN = "\u2581"  # ▁: never produced by the tokenizer (NFKC keeps it, MeCab emits it alone at most)
_FT_SEPARATORS = " \t\n\v\f\r\0"  # what fastText splits words on


def line_features(toks: list[str]) -> str:
    """The space-separated features fastText reads: tokens, then bigrams as single words.

    >>> line_features(["公式", "サイト", "は", "こちら"])
    '公式 サイト は こちら 公式▁サイト サイト▁は は▁こちら'
    """
    toks = [t for t in toks if t and not any(c in _FT_SEPARATORS for c in t)]
    return " ".join(toks + [f"{a}{BIGRAM_JOIN}{b}" for a, b in zip(toks, toks[1:])])


def _oversample_factor(n_pos: int, n_neg: int, share: float) -> int:
    return max(1, round(share * n_neg / max(n_pos, 1)))


def training_lines(token_lines: list[str], labels: list[str], params: FastTextParams) -> list[str]:
    n_neg = sum(lab == "clean" for lab in labels)
    factor = {lab: _oversample_factor(sum(x == lab for x in labels), n_neg, params.positive_share) for lab in HEADS}
    lines = []
    for toks, lab in zip(token_lines, labels):
        reps = factor.get(lab, 1)
        lines += [f"__label__{lab} {toks}"] * reps
    random.Random(params.seed).shuffle(lines)
    return lines


def initial_vectors(lines: list[str], params: FastTextParams) -> tuple[list[str], np.ndarray]:
    """Every word fastText's dictionary will hold (count >= min_count in ``lines``, plus the end-of-line
    word ``</s>``), sorted, with seeded uniform initial vectors."""
    counts: dict[str, int] = {}
    for line in lines:
        for w in line.split(" ")[1:]:
            if w:
                counts[w] = counts.get(w, 0) + 1
    words = sorted(["</s>"] + [w for w, c in counts.items() if c >= params.min_count and w != "</s>"])
    rng = np.random.default_rng(params.seed)
    vecs = rng.uniform(-1.0 / params.dim, 1.0 / params.dim, size=(len(words), params.dim)).astype(np.float32)
    return words, vecs


def train(feature_lines: list[str], labels: list[str], params: FastTextParams = FastTextParams(), quantize: bool = True):
    """Train (and quantise) a model on feature lines (:func:`line_features`); returns the fastText model."""
    import fasttext  # noqa: PLC0415

    lines = training_lines(feature_lines, labels, params)
    words, vecs = initial_vectors(lines, params)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "train.txt")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("\n".join(lines) + "\n")
        vec_path = os.path.join(tmp, "init.vec")
        with open(vec_path, "w", encoding="utf-8") as fh:
            fh.write(f"{len(words)} {params.dim}\n")
            for w, row in zip(words, vecs):
                fh.write(w + " " + " ".join(f"{x:.7f}" for x in row) + "\n")
        model = fasttext.train_supervised(
            input=path, dim=params.dim, epoch=params.epoch, lr=params.lr, wordNgrams=1, minn=0, maxn=0, bucket=0,
            minCount=params.min_count, loss="ova", thread=1, seed=params.seed, verbose=0, pretrainedVectors=vec_path,
        )
        n_dict = len(model.words)
        if n_dict != len(words):
            raise RuntimeError(f"fastText dictionary has {n_dict} words, the initial vectors {len(words)}: rows would be uninitialised")
        if quantize:
            model.quantize(input=path, qnorm=True, retrain=True, cutoff=params.cutoff, dsub=params.dsub,
                           thread=1, verbose=0)
    return model


def predict(model, feature_lines: list[str]) -> np.ndarray:
    """(n, 2) array of p(affiliate), p(adult) for feature lines (:func:`line_features`)."""
    if not feature_lines:
        return np.zeros((0, len(HEADS)), dtype=np.float64)
    labels, probs = model.predict([t if t else " " for t in feature_lines], k=-1, threshold=0.0)
    out = np.zeros((len(feature_lines), len(HEADS)), dtype=np.float64)
    col = {f"__label__{h}": j for j, h in enumerate(HEADS)}
    for i, (labs, ps) in enumerate(zip(labels, probs)):
        for lab, p in zip(labs, ps):
            j = col.get(lab)
            if j is not None:
                out[i, j] = min(max(float(p), 0.0), 1.0)
    return out


def save(model, path: Path) -> None:
    model.save_model(str(path))


def load(path: Path):
    import fasttext  # noqa: PLC0415

    return fasttext.load_model(str(path))


def params_dict(params: FastTextParams) -> dict:
    return asdict(params)
