"""scikit-learn baseline: TF-IDF over Japanese word and character n-grams + logistic regression per head,
calibrated with Platt scaling. Stored as plain arrays (``.npz``, loaded with ``allow_pickle=False``), not
as a pickle: a model file is data, never code.

Features of one document (:func:`features`):

- ``w:<token>`` and ``b:<token> <token>``: MeCab/UniDic-lite word unigrams and bigrams
  (:func:`classifiers.features.tokens`), e.g. ``w:稼ぐ``, ``b:公式 サイト``;
- ``c:<2-3 characters>``: character bigrams and trigrams of the normalised text with white space
  removed (digits as ``0``), e.g. ``c:0円``, ``c:最安値``; they catch what the tokenizer splits oddly
  (katakana slang, masked words).

Vocabulary: features in at least ``min_df`` training documents, the ``max_features`` most frequent of
each kind. Weights: ``(1 + log tf) * idf`` (smoothed idf), rows L2-normalised. Classifier:
``LogisticRegression(C, class_weight="balanced", solver="liblinear")`` per head. Calibration: a sigmoid
``p = 1 / (1 + exp(a * s + b))`` fitted on out-of-fold decision values ``s`` (5-fold, seeded), so the
probability is not the class-balanced score.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from .data import HEADS
from .features import normalise

_DIGIT = re.compile(r"[0-9]")
_WS = re.compile(r"\s+")


@dataclass(frozen=True)
class LinearParams:
    C: float = 4.0
    min_df: int = 2
    max_word_features: int = 40_000
    max_char_features: int = 40_000
    folds: int = 5
    seed: int = 1


def features(text: str, toks: list[str]) -> list[str]:
    """Feature strings of one document (with repeats: term frequency is their count)."""
    out = [f"w:{t}" for t in toks]
    out += [f"b:{a} {b}" for a, b in zip(toks, toks[1:])]
    chars = _DIGIT.sub("0", _WS.sub("", normalise(text)))
    out += [f"c:{chars[i:i + 2]}" for i in range(len(chars) - 1)]
    out += [f"c:{chars[i:i + 3]}" for i in range(len(chars) - 2)]
    return out


class Vectorizer:
    def __init__(self, vocab: list[str], idf: np.ndarray):
        self.vocab = vocab
        self.index = {f: i for i, f in enumerate(vocab)}
        self.idf = idf.astype(np.float64)

    @classmethod
    def fit(cls, feats: list[list[str]], params: LinearParams) -> "Vectorizer":
        df: Counter = Counter()
        for fs in feats:
            df.update(set(fs))
        n = len(feats)
        kept = []
        for kind, cap in (("w", params.max_word_features), ("b", params.max_word_features), ("c", params.max_char_features)):
            cands = [(c, f) for f, c in df.items() if f[0] == kind and c >= params.min_df]
            cands.sort(key=lambda x: (-x[0], x[1]))
            kept += [f for _, f in cands[:cap]]
        kept.sort()
        idf = np.array([math.log((1 + n) / (1 + df[f])) + 1.0 for f in kept])
        return cls(kept, idf)

    def transform(self, feats: list[list[str]]) -> sp.csr_matrix:
        """Rows of ``(1 + log tf) * idf``, L2-normalised; features outside the vocabulary are ignored."""
        get = self.index.get
        cols, counts, indptr = [], [], [0]
        for fs in feats:
            ids = [i for i in map(get, fs) if i is not None]
            u, c = np.unique(np.array(ids, dtype=np.int64), return_counts=True)
            cols.append(u)
            counts.append(c)
            indptr.append(indptr[-1] + len(u))
        indices = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
        tf = np.concatenate(counts).astype(np.float64) if counts else np.zeros(0)
        data = (1.0 + np.log(tf)) * self.idf[indices] if len(tf) else tf
        indptr_arr = np.array(indptr, dtype=np.int64)
        lengths = np.diff(indptr_arr)
        row_of = np.repeat(np.arange(len(feats)), lengths)
        sq = np.bincount(row_of, weights=data**2, minlength=len(feats))
        norms = np.where(lengths > 0, np.sqrt(sq), 1.0)
        data = data / np.repeat(norms, lengths)
        return sp.csr_matrix((data, indices, indptr_arr), shape=(len(feats), len(self.vocab)))


@dataclass
class LinearModel:
    vectorizer: Vectorizer
    coef: np.ndarray  # (heads, features)
    intercept: np.ndarray  # (heads,)
    platt: np.ndarray  # (heads, 2): a, b
    params: LinearParams
    heads: tuple[str, ...] = HEADS  # one row of coef per head, in this order

    def decision(self, X: sp.csr_matrix) -> np.ndarray:
        return np.asarray(X @ self.coef.T) + self.intercept

    def predict_features(self, feats: list[list[str]]) -> np.ndarray:
        if not feats:
            return np.zeros((0, len(self.heads)))
        s = self.decision(self.vectorizer.transform(feats))
        z = s * self.platt[:, 0] + self.platt[:, 1]
        return 1.0 / (1.0 + np.exp(np.clip(z, -500, 500)))

    def save(self, path: Path) -> None:
        vocab = np.frombuffer("\n".join(self.vectorizer.vocab).encode("utf-8"), dtype=np.uint8)
        np.savez_compressed(
            path, vocab_utf8=vocab, idf=self.vectorizer.idf.astype(np.float32), coef=self.coef.astype(np.float32),
            intercept=self.intercept.astype(np.float64), platt=self.platt.astype(np.float64),
            heads=np.array(self.heads), params=np.array([repr(asdict(self.params))]),
        )

    @classmethod
    def load(cls, path: Path, heads: tuple[str, ...] | None = HEADS) -> "LinearModel":
        """``heads=None`` takes the heads the file names (a user-trained head); otherwise they must match."""
        z = np.load(path, allow_pickle=False)
        vocab = bytes(z["vocab_utf8"]).decode("utf-8").split("\n")
        stored = tuple(z["heads"].tolist())
        if heads is not None and stored != heads:
            raise ValueError(f"{path}: heads {list(stored)} != {heads}")
        params = LinearParams(**_literal_dict(str(z["params"][0])))
        return cls(Vectorizer(vocab, z["idf"]), z["coef"].astype(np.float64), z["intercept"], z["platt"], params, stored)


def _literal_dict(text: str) -> dict:
    import ast  # noqa: PLC0415

    return ast.literal_eval(text)


def _fit_platt(scores: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Platt's sigmoid on decision values: p = 1 / (1 + exp(a*s + b))."""
    from sklearn.linear_model import LogisticRegression  # noqa: PLC0415

    lr = LogisticRegression(C=1e6, solver="lbfgs", max_iter=1000)
    lr.fit(scores.reshape(-1, 1), y)
    return -float(lr.coef_[0, 0]), -float(lr.intercept_[0])


def train(feats: list[list[str]], y_by_head: dict[str, list[int]], params: LinearParams = LinearParams(),
          heads: tuple[str, ...] = HEADS) -> LinearModel:
    from sklearn.linear_model import LogisticRegression  # noqa: PLC0415
    from sklearn.model_selection import StratifiedKFold  # noqa: PLC0415

    vec = Vectorizer.fit(feats, params)
    X = vec.transform(feats)
    coefs, intercepts, platts = [], [], []
    for head in heads:
        y = np.asarray(y_by_head[head])

        def make():
            return LogisticRegression(C=params.C, class_weight="balanced", solver="liblinear", max_iter=1000)

        oof = np.zeros(len(y))
        for tr, te in StratifiedKFold(params.folds, shuffle=True, random_state=params.seed).split(X, y):
            m = make().fit(X[tr], y[tr])
            oof[te] = m.decision_function(X[te])
        a, b = _fit_platt(oof, y)
        m = make().fit(X, y)
        coefs.append(m.coef_[0])
        intercepts.append(m.intercept_[0])
        platts.append((a, b))
    return LinearModel(vec, np.vstack(coefs), np.array(intercepts), np.array(platts), params, tuple(heads))
