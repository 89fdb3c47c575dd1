"""The evaluation suite: held-out bits per character, unwanted text, minimal pairs, acceptability, QA.

Every language-model figure is **bits per character** of the original text (total -log2 p of its
tokens / its characters), never per token, so the shared tokenizer cannot favour a variant. The
tokenizer is lossless (tokenizer.py), so this is a true code length. Each text is scored after the
end-of-document token (the model's "start of document"); a text longer than the context is scored
in consecutive, non-overlapping windows (each window's first token sees only the previous token).

Metrics (lower is better for bits/char, higher for the rest):
- ``bpc/<source>``: clean held-out Japanese: ``wikipedia`` (leads, test+dev), ``ud_gsd`` (test
  sentences), ``aozora`` (literary excerpts), ``kwdlc`` (test web leads; only where available);
  ``bpc/clean``: their unweighted mean.
- ``bpc/unwanted``: the affiliate + adult documents of ``classifiers/eval/labelled.jsonl``;
  ``bpc/labelled_clean``: clean documents of the same set, as many per source as unwanted ones;
  ``unwanted_gap`` = unwanted - labelled_clean: how much *less* likely the model finds spam than
  clean text of the same sources (a model trained on a good filter should raise it).
- ``jblimp_acc``: share of minimal pairs with log p(good) > log p(bad) (where available).
- ``jcola_auc``: ROC AUC of the per-character log-probability against the acceptability label.
- ``jcqa_acc``: JCommonsenseQA, the choice with the highest per-character log p(choice | question).
  Expect chance (0.2) for CPU-sized models.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from . import contamination
from .config import EvalConfig
from .tokenizer import Tokenizer

HERE = Path(__file__).resolve().parent
EVALDATA = HERE / "evaldata"
REPO = HERE.parent
LABELLED = REPO / "classifiers" / "eval" / "labelled.jsonl"
CLEAN_SOURCES = ("wikipedia", "ud_gsd", "aozora", "kwdlc")
CURVE_SOURCE, CURVE_DOCS = "wikipedia", 100
LN2 = float(np.log(2.0))


def external_dir() -> Path:
    return Path(os.environ.get("ABLATION_EXTERNAL_EVAL", REPO.parent / "shared" / "data" / "eval"))


def _jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@dataclass
class Suite:
    """The raw items of every task (ids and text), after the contamination check."""

    texts: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # bpc source -> [(id, text)]
    jblimp: list[tuple[str, str, str]] = field(default_factory=list)  # (id, good, bad)
    jcola: list[tuple[str, str, int]] = field(default_factory=list)  # (id, sentence, label)
    jcqa: list[tuple[str, str, list[str], int]] = field(default_factory=list)  # (id, question, choices, answer)
    notes: list[str] = field(default_factory=list)
    contamination: dict = field(default_factory=dict)

    def sizes(self) -> dict:
        d = {f"bpc/{k}": {"items": len(v), "chars": sum(len(t) for _, t in v)} for k, v in self.texts.items()}
        d.update(jblimp={"items": len(self.jblimp)}, jcola={"items": len(self.jcola)}, jcqa={"items": len(self.jcqa)})
        return d


def load_suite(cfg: EvalConfig, evaldata: Path = EVALDATA, external: Path | None = None, labelled: Path = LABELLED) -> Suite:
    """Fixed subsets (file order, first N) of every source that is present; absent ones noted."""
    external = external_dir() if external is None else external
    s = Suite()
    cut = lambda t: t[: cfg.max_chars_per_doc]  # noqa: E731
    n = cfg.max_docs_per_source
    s.texts["wikipedia"] = [(r["id"], cut(r["text"])) for r in _jsonl(evaldata / "wikipedia_leads.jsonl")[:n]]
    s.texts["ud_gsd"] = [(r["id"], cut(r["text"])) for r in _jsonl(evaldata / "ud_gsd_test.jsonl")[:n]]
    s.texts["aozora"] = [(r["id"], cut(r["text"])) for r in _jsonl(evaldata / "aozora_excerpts.jsonl")[:n]]
    kwdlc = external / "kwdlc" / "kwdlc_org.jsonl"
    if kwdlc.exists():
        s.texts["kwdlc"] = [(r["id"], cut(r["text"])) for r in _jsonl(kwdlc) if r["split"] == "test"][:n]
    else:
        s.notes.append(f"bpc/kwdlc skipped: {kwdlc} not found (not redistributable, see ablation/evaldata/README.md)")
    if labelled.exists():
        rows = _jsonl(labelled)
        unwanted = [r for r in rows if r["label"] in ("affiliate", "adult")][: cfg.max_unwanted]
        per_source: dict[str, int] = {}
        for r in unwanted:
            per_source[r["source"]] = per_source.get(r["source"], 0) + 1
        clean = []
        for r in rows:  # matched by source: as many clean documents of each source as unwanted ones
            if r["label"] == "clean" and per_source.get(r["source"], 0) > 0:
                per_source[r["source"]] -= 1
                clean.append(r)
        s.texts["unwanted"] = [(r["id"], cut(r["text"])) for r in unwanted]
        s.texts["labelled_clean"] = [(r["id"], cut(r["text"])) for r in clean]
    else:
        s.notes.append(f"bpc/unwanted skipped: {labelled} not found (the labelled set of issue #3)")
    jblimp = external / "jblimp" / "validated_minimal_pairs.jsonl"
    if jblimp.exists():
        s.jblimp = [(str(r["ID"]), r["good_sentence"], r["bad_sentence"]) for r in _jsonl(jblimp)[: cfg.max_pairs]]
    else:
        s.notes.append(f"jblimp skipped: {jblimp} not found (no redistribution licence, see ablation/evaldata/README.md)")
    s.jcola = [(str(r["uid"]), r["sentence"], int(r["label"])) for r in _jsonl(evaldata / "jcola_valid.jsonl")[: cfg.max_jcola]]
    s.jcqa = [(str(r["q_id"]), r["question"], [r[f"choice{i}"] for i in range(5)], int(r["label"])) for r in _jsonl(evaldata / "jcommonsenseqa_valid.jsonl")[: cfg.max_jcqa]]
    return s


def suite_items(s: Suite) -> dict[str, list[tuple[str, str]]]:
    """Every text of the suite by source, as the contamination check sees it."""
    items = {f"bpc/{k}": v for k, v in s.texts.items()}
    items["jblimp"] = [(i, f"{g}\n{b}") for i, g, b in s.jblimp]
    items["jcola"] = [(i, t) for i, t, _ in s.jcola]
    items["jcqa"] = [(i, q) for i, q, _, _ in s.jcqa]
    return items


def remove_contaminated(s: Suite, report: dict) -> Suite:
    """Drop the items a contamination report (contamination.check) flagged; keep the report."""
    bad = {k: {f["id"] for f in v["flagged"]} for k, v in report["sources"].items()}
    s.texts = {k: [(i, t) for i, t in v if i not in bad.get(f"bpc/{k}", ())] for k, v in s.texts.items()}
    s.jblimp = [x for x in s.jblimp if x[0] not in bad.get("jblimp", ())]
    s.jcola = [x for x in s.jcola if x[0] not in bad.get("jcola", ())]
    s.jcqa = [x for x in s.jcqa if x[0] not in bad.get("jcqa", ())]
    s.contamination = report
    return s


def decontaminate(s: Suite, train_ngrams: set[int], cfg: EvalConfig) -> Suite:
    """Check every item against the training n-grams (contamination.py) and remove the overlapping ones."""
    report = contamination.check(suite_items(s), train_ngrams, cfg.ngram, cfg.contaminated_share)
    return remove_contaminated(s, {"ngram": cfg.ngram, "threshold": cfg.contaminated_share, "sources": report})


@torch.no_grad()
def logprobs(model, seqs: list[tuple[list[int], list[int]]], batch_size: int, device: str = "cpu") -> np.ndarray:
    """Sum of ln p(target tokens | context) for each (context, target) pair; context starts the sequence.

    Sequences longer than the model's context are cut into consecutive windows of ``block_size``
    predictions; rows are sorted by length and padded per batch (padding targets are ignored).
    """
    T = model.config.block_size
    rows = []  # (item index, input ids, target ids with -1 where not scored)
    for idx, (ctx, tgt) in enumerate(seqs):
        full = ctx + tgt
        scored_from = len(ctx)  # index in ``full`` of the first scored token
        for start in range(0, len(full) - 1, T):
            inp = full[start : start + T]
            out = [tok if start + 1 + k >= scored_from else -1 for k, tok in enumerate(full[start + 1 : start + T + 1])]
            if any(t >= 0 for t in out):
                rows.append((idx, inp[: len(out)], out))
    rows.sort(key=lambda r: -len(r[1]))
    totals = np.zeros(len(seqs), dtype=np.float64)
    was_training = model.training
    model.eval()
    for b in range(0, len(rows), batch_size):
        batch = rows[b : b + batch_size]
        L = len(batch[0][1])
        x = torch.zeros((len(batch), L), dtype=torch.long)
        y = torch.full((len(batch), L), -1, dtype=torch.long)
        for r, (_, inp, out) in enumerate(batch):
            x[r, : len(inp)] = torch.tensor(inp)
            y[r, : len(out)] = torch.tensor(out)
        _, loss = model(x.to(device), y.to(device), reduction="none")
        for r, s in enumerate(loss.sum(dim=1).double().cpu().numpy()):
            totals[batch[r][0]] -= s
    model.train(was_training)
    return totals


def bits_per_char(model, tok: Tokenizer, texts: list[str], batch_size: int = 16, device: str = "cpu") -> float:
    """Total -log2 p(text) over total characters (each text after the end-of-document token)."""
    lp = logprobs(model, [([tok.eos_id], tok.encode(t)) for t in texts], batch_size, device)
    return float(-lp.sum() / LN2 / max(1, sum(len(t) for t in texts)))


def roc_auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """Mann-Whitney AUC: P(score of a positive > score of a negative), ties count half."""
    pos, neg = scores[labels == 1], scores[labels == 0]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    greater = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(greater / (len(pos) * len(neg)))


JCQA_PROMPT = "質問：{question}\n答え："


def evaluate(model, tok: Tokenizer, s: Suite, batch_size: int = 16, device: str = "cpu") -> dict:
    m: dict[str, float] = {}
    for source, items in s.texts.items():
        if items:
            m[f"bpc/{source}"] = bits_per_char(model, tok, [t for _, t in items], batch_size, device)
    clean = [m[f"bpc/{k}"] for k in CLEAN_SOURCES if f"bpc/{k}" in m]
    if clean:
        m["bpc/clean"] = float(np.mean(clean))
    if "bpc/unwanted" in m and "bpc/labelled_clean" in m:
        m["unwanted_gap"] = m["bpc/unwanted"] - m["bpc/labelled_clean"]
    bos = [tok.eos_id]
    if s.jblimp:
        lp = logprobs(model, [(bos, tok.encode(t)) for _, g, b in s.jblimp for t in (g, b)], batch_size, device)
        m["jblimp_acc"] = float(np.mean(lp[0::2] > lp[1::2]))
    if s.jcola:
        lp = logprobs(model, [(bos, tok.encode(t)) for _, t, _ in s.jcola], batch_size, device)
        per_char = lp / np.array([max(1, len(t)) for _, t, _ in s.jcola])
        m["jcola_auc"] = roc_auc(per_char, np.array([y for _, _, y in s.jcola]))
    if s.jcqa:
        seqs, lens = [], []
        for _, q, choices, _ in s.jcqa:
            ctx = bos + tok.encode(JCQA_PROMPT.format(question=q))
            for c in choices:
                seqs.append((ctx, tok.encode(c)))
                lens.append(max(1, len(c)))
        per_char = (logprobs(model, seqs, batch_size, device) / np.array(lens)).reshape(len(s.jcqa), 5)
        m["jcqa_acc"] = float(np.mean(per_char.argmax(axis=1) == np.array([a for _, _, _, a in s.jcqa])))
    return m


def curve_bpc(model, tok: Tokenizer, s: Suite, batch_size: int = 16, device: str = "cpu") -> float:
    """The cheap point of the learning curve: bits/char on the first clean Wikipedia leads."""
    return bits_per_char(model, tok, [t for _, t in s.texts[CURVE_SOURCE][:CURVE_DOCS]], batch_size, device)
