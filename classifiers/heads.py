"""Heads trained from your own labels: label 1-2k documents, train a small model, filter with it.

    python -m classifiers cv --labels mine.jsonl --positive bad [--folds 5] [--seed 0] [--group-field site]
    python -m classifiers train-head junk --labels mine.jsonl --positive bad   # -> classifiers/models/heads/junk.npz

A labels file has one JSON object per line, ``{"text": ..., "label": ...}`` with exactly two label values
(``--text-field`` / ``--label-field`` rename them). A head is the project's linear model
(:mod:`classifiers.linear_model`: TF-IDF over MeCab words, word bigrams and character 2-3-grams, logistic
regression, Platt-calibrated) with one head; the annotate job stores every head found in
``classifiers/models/heads/`` as ``p_<name>`` (``pipeline/annotate/taggers/classifier.py``), and a
variant selects on it like any signal (``{signal: p_junk, max: 0.5}``).

``cv`` reports ROC-AUC of out-of-fold scores for the head and, side by side, for the simple baseline the
Japanese LLM teams use: fastText on MeCab lemmas (Tanuki's recipe; here made deterministic the way
:mod:`classifiers.fasttext_model` is: explicit bigram words, no hash buckets, seeded initial vectors,
one thread). With ``--group-field`` (e.g. the site) folds never split a group, so a site is never in
both training and scoring.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import linear_model
from .fasttext_model import BIGRAM_JOIN, FastTextParams, initial_vectors
from .features import normalise, tokens

HEADS_DIR = Path(__file__).resolve().parent / "models" / "heads"
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,30}$")
RESERVED = {"affiliate", "adult"}  # the built-in heads' columns
HEAD_PARAMS = linear_model.LinearParams(C=4.0, min_df=2, max_word_features=40_000, max_char_features=40_000, folds=5, seed=1)
BASELINE_PARAMS = FastTextParams(dim=50, epoch=25, lr=0.5, min_count=1, seed=1)


class LabelsError(ValueError):
    pass


@dataclass
class Labelled:
    texts: list[str]
    y: np.ndarray  # 1 = the positive label
    groups: list[str] | None
    positive: str
    negative: str
    source: str


def load_labels(path: str | Path, positive: str, text_field: str = "text", label_field: str = "label",
                group_field: str | None = None) -> Labelled:
    """Read a labels file; every malformed line is an error naming the file and line."""
    texts, labels, groups = [], [], []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise LabelsError(f"{path}:{n}: not JSON ({exc.msg})") from None
            missing = [k for k in (text_field, label_field, group_field) if k and k not in obj]
            if missing or not isinstance(obj.get(text_field), str):
                raise LabelsError(f"{path}:{n}: needs a string {text_field!r} and {label_field!r}" + (f" and {group_field!r}" if group_field else ""))
            texts.append(obj[text_field])
            labels.append(str(obj[label_field]))
            if group_field:
                groups.append(str(obj[group_field]))
    values = sorted(set(labels))
    if len(values) != 2 or positive not in values:
        raise LabelsError(f"{path}: needs exactly two label values including {positive!r}; found {values}")
    negative = values[0] if values[1] == positive else values[1]
    return Labelled(texts, np.array([int(lab == positive) for lab in labels]), groups or None, positive, negative, str(path))


def _linear_features(texts: list[str]) -> list[list[str]]:
    return [linear_model.features(t, tokens(t)) for t in texts]


def fit_head(name: str, texts: list[str], y: np.ndarray, params: linear_model.LinearParams = HEAD_PARAMS) -> linear_model.LinearModel:
    return linear_model.train(_linear_features(texts), {name: list(map(int, y))}, params, heads=(name,))


# --- the baseline: fastText on MeCab lemmas ---------------------------------------------------------

_local = threading.local()


def lemmas(text: str) -> list[str]:
    """UniDic lemmas (``dictionary form``) of the normalised text; the surface where UniDic has none."""
    tagger = getattr(_local, "tagger", None)
    if tagger is None:
        import fugashi  # noqa: PLC0415

        tagger = _local.tagger = fugashi.Tagger()
    out = []
    for w in tagger(normalise(text)):
        lemma = getattr(w.feature, "lemma", None) or w.surface
        lemma = re.sub(r"\s", "", lemma)
        if lemma:
            out.append(lemma)
    return out


def _lemma_line(text: str) -> str:
    toks = lemmas(text)
    return " ".join(toks + [f"{a}{BIGRAM_JOIN}{b}" for a, b in zip(toks, toks[1:])])


def fit_fasttext_lemmas(texts: list[str], y: np.ndarray, params: FastTextParams = BASELINE_PARAMS):
    import random  # noqa: PLC0415

    import fasttext  # noqa: PLC0415

    lines = [f"__label__{'pos' if v else 'neg'} {_lemma_line(t)}" for t, v in zip(texts, y)]
    random.Random(params.seed).shuffle(lines)
    words, vecs = initial_vectors(lines, params)
    with tempfile.TemporaryDirectory() as tmp:
        path, vec_path = os.path.join(tmp, "train.txt"), os.path.join(tmp, "init.vec")
        Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
        with open(vec_path, "w", encoding="utf-8") as fh:
            fh.write(f"{len(words)} {params.dim}\n")
            for w, row in zip(words, vecs):
                fh.write(w + " " + " ".join(f"{x:.7f}" for x in row) + "\n")
        return fasttext.train_supervised(input=path, dim=params.dim, epoch=params.epoch, lr=params.lr, wordNgrams=1, minn=0, maxn=0,
                                         bucket=0, minCount=params.min_count, thread=1, seed=params.seed, verbose=0, pretrainedVectors=vec_path)


def predict_fasttext_lemmas(model, texts: list[str]) -> np.ndarray:
    out = np.zeros(len(texts))
    for i, t in enumerate(texts):
        labels, probs = model.predict(_lemma_line(t), k=2)
        out[i] = dict(zip(labels, probs)).get("__label__pos", 0.0)
    return out


# --- cross-validation and saving --------------------------------------------------------------------

def fold_indices(data: Labelled, folds: int = 5, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified folds; with groups (sites) a group is never on both sides of a split."""
    from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold  # noqa: PLC0415

    n_pos = int(data.y.sum())
    if min(n_pos, len(data.y) - n_pos) < folds:
        raise LabelsError(f"{data.source}: {n_pos} {data.positive!r} and {len(data.y) - n_pos} {data.negative!r}: too few for {folds} folds")
    if data.groups:
        return list(StratifiedGroupKFold(folds, shuffle=True, random_state=seed).split(data.texts, data.y, data.groups))
    return list(StratifiedKFold(folds, shuffle=True, random_state=seed).split(data.texts, data.y))


def cross_validate(data: Labelled, folds: int = 5, seed: int = 0, baseline: bool = True, log=None) -> dict:
    """Out-of-fold scores of the head (and the baseline); ROC-AUC over all documents."""
    from sklearn.metrics import roc_auc_score  # noqa: PLC0415

    splits = fold_indices(data, folds, seed)
    n_pos = int(data.y.sum())
    head = np.zeros(len(data.y))
    base = np.zeros(len(data.y))
    for k, (tr, te) in enumerate(splits):
        tr_texts, te_texts = [data.texts[i] for i in tr], [data.texts[i] for i in te]
        model = fit_head("cv", tr_texts, data.y[tr])
        head[te] = model.predict_features(_linear_features(te_texts))[:, 0]
        if baseline:
            base[te] = predict_fasttext_lemmas(fit_fasttext_lemmas(tr_texts, data.y[tr]), te_texts)
        if log:
            log(f"fold {k + 1}/{folds} done")
    out = {"roc_auc": round(float(roc_auc_score(data.y, head)), 4), "n": len(data.y), "positives": n_pos,
           "positive": data.positive, "folds": folds, "seed": seed, "grouped": bool(data.groups),
           "model": "linear: TF-IDF words + bigrams + char 2-3-grams, logistic regression"}
    if baseline:
        out["roc_auc_fasttext_lemmas"] = round(float(roc_auc_score(data.y, base)), 4)
    return out


def save_head(model: linear_model.LinearModel, name: str, info: dict, out_dir: str | Path = HEADS_DIR) -> Path:
    from pipeline.io import atomic_path, write_json_atomic  # noqa: PLC0415

    out_dir = Path(out_dir)
    path = out_dir / f"{name}.npz"
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as fh:
            model.save(fh)
    write_json_atomic(out_dir / f"{name}.json", info)
    return path


def check_name(name: str) -> None:
    if not NAME_RE.match(name) or name in RESERVED:
        raise LabelsError(f"head name {name!r}: lower-case letters, digits and _, starting with a letter; not {sorted(RESERVED)}")


def train_head(name: str, data: Labelled, out_dir: str | Path = HEADS_DIR) -> Path:
    check_name(name)
    model = fit_head(name, data.texts, data.y)
    info = {"name": name, "column": f"p_{name}", "positive": data.positive, "negative": data.negative,
            "labels": data.source, "n": len(data.y), "positives": int(data.y.sum())}
    return save_head(model, name, info, out_dir)


def head_files(heads_dir: str | Path = HEADS_DIR) -> list[Path]:
    return sorted(Path(heads_dir).glob("*.npz"))


def load_head(path: str | Path) -> linear_model.LinearModel:
    return linear_model.LinearModel.load(Path(path), heads=None)


def score(model: linear_model.LinearModel, texts: list[str]) -> np.ndarray:
    """P(positive) for each text; empty texts get 0."""
    out = np.zeros(len(texts))
    idx = [i for i, t in enumerate(texts) if t and t.strip()]
    if idx:
        out[idx] = model.predict_features(_linear_features([texts[i] for i in idx]))[:, 0]
    return out
