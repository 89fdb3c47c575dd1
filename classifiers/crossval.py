"""Training-only cross-validation: which backend ranks held-out *real* training documents best?

``python -m classifiers crossval`` (about 5 minutes, one core): 5 stratified folds (seed 0) over the
training set; each fold trains both models on the other four (:func:`classifiers.train.fit`, the shipped
parameters) and scores the fold's real documents (synthetic ones are trained on, never scored). Reported:
affiliate average precision of fastText, linear and their mean over the real documents (53 hand-labelled
affiliate leads among ~6,950). adult cannot be cross-validated: it has no real positive in training.
Written to ``classifiers/models/crossval.json``. This uses no evaluation document.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from . import fasttext_model, linear_model
from .data import load_train
from .features import tokens
from .metrics import average_precision
from .train import MODEL_DIR, fit

FOLDS = 5
SEED = 0


def run(out: Path = MODEL_DIR / "crossval.json", log=print) -> dict:
    from sklearn.model_selection import StratifiedKFold  # noqa: PLC0415

    docs = load_train()
    labels = np.array([d["label"] for d in docs])
    scores = {m: np.zeros(len(docs)) for m in ("fasttext", "linear", "ensemble")}
    for k, (tr, te) in enumerate(StratifiedKFold(FOLDS, shuffle=True, random_state=SEED).split(docs, labels)):
        ft, lin = fit([docs[i] for i in tr])
        te = [i for i in te if not docs[i].get("synthetic")]
        toks = [tokens(docs[i]["text"]) for i in te]
        p_ft = fasttext_model.predict(ft, [fasttext_model.line_features(t) for t in toks])[:, 0]
        p_lin = lin.predict_features([linear_model.features(docs[i]["text"], t) for i, t in zip(te, toks)])[:, 0]
        scores["fasttext"][te], scores["linear"][te], scores["ensemble"][te] = p_ft, p_lin, (p_ft + p_lin) / 2
        log(f"fold {k + 1}/{FOLDS} done")
    real = [i for i, d in enumerate(docs) if not d.get("synthetic")]
    y = [int(docs[i]["label"] == "affiliate") for i in real]
    result = {
        "what": "affiliate AP on held-out real training documents, 5-fold CV (training data only)",
        "documents": len(real), "positives": sum(y),
        "ap": {m: round(average_precision(y, s[real].tolist()), 3) for m, s in scores.items()},
    }
    Path(out).write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    log(json.dumps(result))
    return result
