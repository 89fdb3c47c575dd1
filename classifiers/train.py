"""Train both models on ``classifiers/train/*.jsonl`` and write ``classifiers/models/``.

``python -m classifiers train [--out classifiers/models]``:

1. load the training set (:func:`classifiers.data.load_train`, which refuses evaluation documents) and
   re-check it against the evaluation set with :func:`classifiers.exclusion.assert_disjoint`;
2. tokenise every document once (:func:`classifiers.features.tokens`);
3. fastText (:mod:`classifiers.fasttext_model`) -> ``affiliate_adult.ftz``;
4. TF-IDF + logistic regression (:mod:`classifiers.linear_model`) -> ``affiliate_adult_linear.npz``;
5. ``manifest.json``: version, sha256 of the training data and of each model file, parameters, counts,
   sizes; and ``MODEL_CARD.md``.

Deterministic: the same training files and parameters give byte-identical model files (fastText with
``thread=1`` and a seed; liblinear; seeded folds and shuffles). ``tests/classifiers/test_classifiers.py`` checks it
on a small set.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path

from . import fasttext_model, linear_model
from .data import EVAL_PATH, HEADS, TRAIN_DIR, load_eval, load_train, targets
from .exclusion import assert_disjoint
from .features import MAX_CHARS, tokens
from .inference import DEFAULT_BACKEND, FASTTEXT_FILE, LINEAR_FILE, MODEL_DIR

VERSION = "1.0.0"


def sha256_file(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def data_digest(docs: list[dict]) -> str:
    h = hashlib.sha256()
    for d in docs:
        h.update(f"{d['id']}\t{d['label']}\t{d['text']}\n".encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def fit(docs: list[dict], ft_params=fasttext_model.FastTextParams(), lin_params=linear_model.LinearParams()):
    """(fastText model, linear model) trained on ``docs``."""
    toks = [tokens(d["text"]) for d in docs]
    lines = [fasttext_model.line_features(t) for t in toks]
    labels = [d["label"] for d in docs]
    ft = fasttext_model.train(lines, labels, ft_params)
    feats = [linear_model.features(d["text"], t) for d, t in zip(docs, toks)]
    lin = linear_model.train(feats, targets(docs), lin_params)
    return ft, lin


def run(out: Path = MODEL_DIR, train_dir: Path = TRAIN_DIR, eval_path: Path = EVAL_PATH, log=print) -> dict:
    t0 = time.time()
    docs = load_train(train_dir, eval_path)
    if Path(eval_path).exists():
        assert_disjoint(docs, load_eval(eval_path))
    log(f"training set: {len(docs)} documents from {train_dir}")
    ft, lin = fit(docs)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    fasttext_model.save(ft, out / FASTTEXT_FILE)
    lin.save(out / LINEAR_FILE)
    counts = Counter((d["label"], "synthetic" if d.get("synthetic") else d.get("source", "?")) for d in docs)
    manifest = {
        "version": VERSION,
        "heads": list(HEADS),
        "features": {"tokenizer": "fugashi 1.5.2 + unidic-lite 1.0.8, surface forms (-Owakati)",
                     "normalisation": "NFKC, lower case, digits -> 0, URL -> 'url' + host", "max_chars": MAX_CHARS},
        "training_data": {
            "documents": len(docs),
            "sha256": data_digest(docs),
            "by_label": dict(sorted(Counter(d["label"] for d in docs).items())),
            "by_label_and_source": {f"{lab}/{src}": n for (lab, src), n in sorted(counts.items())},
            "synthetic": sum(bool(d.get("synthetic")) for d in docs),
        },
        "models": {
            "fasttext": {"file": FASTTEXT_FILE, "bytes": (out / FASTTEXT_FILE).stat().st_size,
                         "sha256": sha256_file(out / FASTTEXT_FILE), "params": fasttext_model.params_dict(fasttext_model.FastTextParams())},
            "linear": {"file": LINEAR_FILE, "bytes": (out / LINEAR_FILE).stat().st_size,
                       "sha256": sha256_file(out / LINEAR_FILE), "params": asdict(linear_model.LinearParams()),
                       "n_features": len(lin.vectorizer.vocab)},
        },
        "default_backend": DEFAULT_BACKEND,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    from .model_card import write_model_card  # noqa: PLC0415

    write_model_card(out)
    log(f"wrote {out / FASTTEXT_FILE} ({manifest['models']['fasttext']['bytes']:,} B), "
        f"{out / LINEAR_FILE} ({manifest['models']['linear']['bytes']:,} B) in {time.time() - t0:.0f} s")
    return manifest


__all__ = ["fit", "run"]
