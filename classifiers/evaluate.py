"""Evaluate the classifiers and the word/host rules on the hand-labelled set and write the report.

``python -m classifiers evaluate [--report classifiers/REPORT.md]`` reads ``classifiers/eval/labelled.jsonl``
(726 real documents; never trained on), scores every document with

- the published NG-word rules as ``pipeline.annotate.taggers.ngwords`` reproduces them: Swallow v1 (NG characters
  >= 5% of Japanese letters), llm-jp v1 (more than 3 hits of its adult list), HojiChar
  ``DiscardAdultContentJa`` (any hit); the ``ads`` category (HojiChar's advertisement list + our six
  affiliate-disclosure sentences) at any hit and at llm-jp's ``DiscardAds`` line (more than 10 hits);
- the UT1 host lists (``pipeline.annotate.taggers.host.host_categories`` of the document's URL host): adult
  (``adult``, ``mixed_adult``) and commercial (``shopping``, ``publicite``, ``marketingware``, ``dating``);
- the two trained models (``linear``, the default of ``classifiers.inference``, and ``fasttext``) and
  their mean (``ensemble``),

and writes ``REPORT.md``, ``REPORT_pr_curves.png``, ``REPORT_scores.tsv`` (one row per document: id,
label, flags, every score) and ``models/metrics.json`` (read by the model card).

The headline: for each rule, its recall R and precision P on a head, and each classifier's precision at
recall >= R (:func:`classifiers.metrics.precision_at_recall`), with 95% bootstrap intervals over
documents. Everything is reported three ways: all documents, ``unsure`` documents excluded, and strict
labels (``clean`` documents flagged ``also-affiliate``/``also-adult`` counted as positive).
"""

from __future__ import annotations

import json
import math
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

from .data import EVAL_PATH, HEADS, load_eval, targets
from .inference import MODEL_DIR, AffiliateAdultClassifier
from .metrics import average_precision, bootstrap, pr_curve, precision_at_recall, prf

HERE = Path(__file__).resolve().parent
REPORT = HERE / "REPORT.md"
MODELS = ("linear", "ensemble", "fasttext")
ADULT_HOSTS = {"adult", "mixed_adult"}
COMMERCE_HOSTS = {"shopping", "publicite", "marketingware", "dating"}
BOOT = 1000
RECALL_GRID = (0.25, 0.5, 0.75, 0.9)
THRESHOLDS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7)
SCORE_COLUMNS = {"ng_swallow_char_frac": "Swallow NG char fraction", "ng_llmjp_hits": "llm-jp adult hits",
                 "ng_hojichar_hits": "HojiChar adult hits", "ng_ads_hits": "ads-list hits"}


# rule name -> (score column, threshold: predicts positive when score >= threshold, short label)
RULES = {
    "Swallow v1 (NG chars >= 5%)": ("ng_swallow_char_frac", 0.05),
    "llm-jp v1 (> 3 adult hits)": ("ng_llmjp_hits", 4),
    "HojiChar (any adult hit)": ("ng_hojichar_hits", 1),
    "ads list (any hit)": ("ng_ads_hits", 1),
    "ads list (> 10 hits, llm-jp)": ("ng_ads_hits", 11),
    "UT1 adult hosts": ("host_adult", 1),
    "UT1 commerce hosts": ("host_commerce", 1),
}
HEADLINE_RULES = {
    "adult": ["Swallow v1 (NG chars >= 5%)", "llm-jp v1 (> 3 adult hits)", "HojiChar (any adult hit)", "UT1 adult hosts"],
    "affiliate": ["ads list (any hit)", "ads list (> 10 hits, llm-jp)", "HojiChar (any adult hit)", "Swallow v1 (NG chars >= 5%)",
                  "UT1 commerce hosts"],
}


def _host(url: str) -> str:
    try:
        return urlsplit(url or "").hostname or ""
    except ValueError:
        return ""


def signals(docs: list[dict]) -> dict[str, np.ndarray]:
    """Rule scores per document (NG-word signals, host categories)."""
    from pipeline.annotate.taggers.host import host_categories  # noqa: PLC0415
    from pipeline.annotate.taggers.ngwords import ngword_signals  # noqa: PLC0415

    cols: dict[str, list[float]] = {k: [] for k in ("ng_swallow_char_frac", "ng_llmjp_hits", "ng_hojichar_hits",
                                                    "ng_ads_hits", "ng_adult_char_frac", "host_adult", "host_commerce")}
    for d in docs:
        s = ngword_signals(d["text"])
        for k in ("ng_swallow_char_frac", "ng_llmjp_hits", "ng_hojichar_hits", "ng_ads_hits", "ng_adult_char_frac"):
            cols[k].append(float(s[k]))
        cats = set(host_categories(_host(d.get("url", "")))) if _host(d.get("url", "")) else set()
        cols["host_adult"].append(float(bool(cats & ADULT_HOSTS)))
        cols["host_commerce"].append(float(bool(cats & COMMERCE_HOSTS)))
    return {k: np.asarray(v) for k, v in cols.items()}


def model_scores(docs: list[dict], model_dir: Path = MODEL_DIR) -> dict[str, np.ndarray]:
    """backend -> (n, 2) probabilities; the ensemble is the mean of the other two."""
    texts = [d["text"] for d in docs]
    ft = AffiliateAdultClassifier(model_dir, "fasttext").predict_array(texts)
    lin = AffiliateAdultClassifier(model_dir, "linear").predict_array(texts)
    return {"fasttext": ft, "linear": lin, "ensemble": (ft + lin) / 2}


def evaluate_subset(y: list[int], rule_scores: dict[str, np.ndarray], probs: dict[str, np.ndarray], head_idx: int,
                    head: str, boot: int = BOOT) -> dict:
    """Every number of one (subset, head): rules, models, headline comparisons."""
    out: dict = {"n": len(y), "positives": int(sum(y)), "rules": {}, "models": {}, "headline": []}
    for name, (col, thr) in RULES.items():
        s = rule_scores[col]
        r = prf(y, (s >= thr).tolist())
        out["rules"][name] = {"precision": r.precision, "recall": r.recall, "f1": r.f1, "tp": r.tp, "fp": r.fp,
                              "flagged": r.tp + r.fp, "ap_of_score": average_precision(y, s.tolist())}
    for m in MODELS:
        s = probs[m][:, head_idx].tolist()
        r = prf(y, [v >= 0.5 for v in s])
        out["models"][m] = {"ap": average_precision(y, s), "ap_ci": bootstrap(average_precision, y, s, n=boot),
                            "precision_at_recall": {str(r): precision_at_recall(y, s, r)[0] for r in RECALL_GRID},
                            "precision@0.5": r.precision, "recall@0.5": r.recall, "f1@0.5": r.f1, "tp@0.5": r.tp,
                            "fp@0.5": r.fp}
    out["scores"] = {}
    for col, label in SCORE_COLUMNS.items():
        v = rule_scores[col].tolist()
        out["scores"][label] = {"ap": average_precision(y, v),
                                "precision_at_recall": {str(r): precision_at_recall(y, v, r)[0] for r in RECALL_GRID}}
    for name in HEADLINE_RULES[head]:
        rule = out["rules"][name]
        row = {"rule": name, "rule_precision": rule["precision"], "rule_recall": rule["recall"], "rule_flagged": rule["flagged"],
               "rule_tp": rule["tp"]}
        target = rule["recall"]
        col, thr = RULES[name]
        rule_pred = (rule_scores[col] >= thr).astype(float).tolist()
        row["rule_precision_ci"] = bootstrap(lambda yy, pp: prf(yy, [v > 0 for v in pp]).precision, y, rule_pred, n=boot)
        for m in MODELS:
            s = probs[m][:, head_idx].tolist()
            if not target or math.isnan(target):
                row[m] = {"precision": math.nan, "threshold": math.nan, "recall": math.nan, "ci": (math.nan, math.nan)}
                continue
            p, t, r = precision_at_recall(y, s, target)
            lo_hi = bootstrap(lambda yy, ss, tt=target: precision_at_recall(yy, ss, tt)[0], y, s, n=boot)
            row[m] = {"precision": p, "threshold": t, "recall": r, "ci": lo_hi}
        out["headline"].append(row)
    return out


def hard_negative_table(docs, probs, rule_scores, head_idx: int, flags: tuple[str, ...], headline: list[dict]) -> dict:
    """How many clean documents carrying one of ``flags`` (the pages a word list removes wrongly) each rule
    removes, and each model at the threshold where it matches that rule's recall (from ``headline``),
    and at 0.5."""
    idx = [i for i, d in enumerate(docs) if d["label"] == "clean" and set(flags) & set(d.get("flags", []))]
    out = {"n": len(idx), "flags": list(flags), "at_rule_recall": [], "at_0.5": {}}
    for row in headline:
        col, thr = RULES[row["rule"]]
        entry = {"rule": row["rule"], "rule_recall": row["rule_recall"], "rule_removes": int(sum(rule_scores[col][i] >= thr for i in idx))}
        for m in MODELS:
            t = row[m]["threshold"]
            entry[m] = None if t is None or math.isnan(t) else int(sum(probs[m][i, head_idx] >= t for i in idx))
        out["at_rule_recall"].append(entry)
    for m in MODELS:
        out["at_0.5"][m] = int(sum(probs[m][i, head_idx] >= 0.5 for i in idx))
    return out


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    from scipy.stats import spearmanr  # noqa: PLC0415

    if len(a) < 3 or np.all(a == a[0]) or np.all(b == b[0]):
        return math.nan
    return float(spearmanr(a, b).statistic)


def run(report: Path = REPORT, model_dir: Path = MODEL_DIR, eval_path: Path = EVAL_PATH, boot: int = BOOT, log=print) -> dict:
    t0 = time.time()
    docs = load_eval(eval_path)
    rule_scores = signals(docs)
    probs = model_scores(docs, model_dir)
    results: dict = {"n_docs": len(docs), "labels": dict(Counter(d["label"] for d in docs)), "subsets": {}}
    subsets = {
        "all": (list(range(len(docs))), False),
        "unsure excluded": ([i for i, d in enumerate(docs) if "unsure" not in d.get("flags", [])], False),
        "strict labels": (list(range(len(docs))), True),
    }
    for sname, (idx, strict) in subsets.items():
        sub = [docs[i] for i in idx]
        ys = targets(sub, strict=strict)
        rs = {k: v[idx] for k, v in rule_scores.items()}
        ps = {k: v[idx] for k, v in probs.items()}
        results["subsets"][sname] = {h: evaluate_subset(ys[h], rs, ps, j, h, boot) for j, h in enumerate(HEADS)}
    # affiliate per source (where the positives come from)
    per_source = {}
    for src in ("chardet", "kwdlc", "livedoor", "other"):
        idx = [i for i, d in enumerate(docs) if (d["source"] == src) or (src == "other" and d["source"] not in ("chardet", "kwdlc", "livedoor"))]
        y = targets([docs[i] for i in idx])["affiliate"]
        per_source[src] = {"n": len(idx), "positives": int(sum(y)),
                           **{m: average_precision(y, probs[m][idx, 0].tolist()) for m in MODELS},
                           "ads list (any hit) AP": average_precision(y, rule_scores["ng_ads_hits"][idx].tolist())}
    results["affiliate_per_source"] = per_source
    ys_all = targets(docs)
    results["thresholds"] = {
        m: {h: [{"threshold": t, **prf(ys_all[h], (probs[m][:, j] >= t).tolist())._asdict()} for t in THRESHOLDS]
            for j, h in enumerate(HEADS)} for m in ("linear", "ensemble")}
    head_all = results["subsets"]["all"]
    results["hard_negatives_adult"] = hard_negative_table(docs, probs, rule_scores, 1, ("ng-word-trap", "borderline", "toxic", "gravure"),
                                                          head_all["adult"]["headline"])
    results["hard_negatives_affiliate"] = hard_negative_table(docs, probs, rule_scores, 0, ("shop",), head_all["affiliate"]["headline"])
    clean = [i for i, d in enumerate(docs) if d["label"] == "clean"]
    results["relearns_list"] = {
        m: spearman(probs[m][clean, 1], rule_scores["ng_adult_char_frac"][clean]) for m in MODELS
    }
    results["seconds"] = round(time.time() - t0, 1)

    report = Path(report)
    png = report.with_name(report.stem + "_pr_curves.png")
    plot(docs, probs, rule_scores, png)
    write_scores(docs, probs, rule_scores, report.with_name(report.stem + "_scores.tsv"))
    manifest = json.loads((Path(model_dir) / "manifest.json").read_text()) if (Path(model_dir) / "manifest.json").exists() else {}
    report.write_text(render(results, manifest, png.name), encoding="utf-8")
    (Path(model_dir) / "metrics.json").write_text(json.dumps(_jsonable(results), indent=1) + "\n", encoding="utf-8")
    from .model_card import write_model_card  # noqa: PLC0415

    if manifest:
        write_model_card(Path(model_dir))
    log(f"wrote {report}, {png} in {results['seconds']} s")
    return results


def _jsonable(x):
    if isinstance(x, dict):
        return {k: _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, float) and math.isnan(x):
        return None
    if isinstance(x, (np.floating, np.integer)):
        return _jsonable(x.item())
    return x


def write_scores(docs, probs, rule_scores, path: Path) -> None:
    cols = ["ng_swallow_char_frac", "ng_llmjp_hits", "ng_hojichar_hits", "ng_ads_hits", "host_adult", "host_commerce"]
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\t".join(["id", "source", "label", "flags", *[f"{m}_{h}" for m in MODELS for h in HEADS], *cols]) + "\n")
        for i, d in enumerate(docs):
            vals = [f"{probs[m][i, j]:.4f}" for m in MODELS for j in range(len(HEADS))]
            vals += [f"{rule_scores[c][i]:.4g}" for c in cols]
            fh.write("\t".join([d["id"], d["source"], d["label"], ",".join(d.get("flags", [])), *vals]) + "\n")


def plot(docs, probs, rule_scores, path: Path) -> None:
    import matplotlib  # noqa: PLC0415

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    ys = targets(docs)
    fig, axes = plt.subplots(1, 2, figsize=(12, 5.2))
    for ax, (j, head) in zip(axes, enumerate(HEADS)):
        y = ys[head]
        for m, style in (("linear", "-"), ("ensemble", "--"), ("fasttext", ":")):
            pts = pr_curve(y, probs[m][:, j].tolist())
            ax.step([0] + [p.recall for p in pts], [1] + [p.precision for p in pts], style, where="post", lw=2,
                    label=f"{m} (AP {average_precision(y, probs[m][:, j].tolist()):.2f})")
        for col, name, color in (("ng_swallow_char_frac", "Swallow NG char frac", "tab:red"), ("ng_llmjp_hits", "llm-jp hits", "tab:orange"),
                                 ("ng_hojichar_hits", "HojiChar hits", "tab:brown"), ("ng_ads_hits", "ads-list hits", "tab:purple")):
            pts = pr_curve(y, rule_scores[col].tolist())
            ax.step([0] + [p.recall for p in pts], [1] + [p.precision for p in pts], color=color, alpha=0.6, lw=1, where="post",
                    label=f"{name} (AP {average_precision(y, rule_scores[col].tolist()):.2f})")
        for name, (col, thr) in RULES.items():
            r = prf(y, (rule_scores[col] >= thr).tolist())
            if r.tp + r.fp and r.recall > 0:
                ax.plot([r.recall], [r.precision], "o", ms=7, label=f"rule: {name}")
        base = sum(y) / len(y)
        ax.axhline(base, color="grey", lw=0.8, ls="--")
        ax.set_title(f"{head}: {sum(y)} positives / {len(y)} documents (base rate {base:.3f})")
        ax.set_xlabel("recall")
        ax.set_ylabel("precision")
        ax.set_xlim(0, 1.02)
        ax.set_ylim(0, 1.02)
        ax.legend(fontsize=7, loc="upper right")
    fig.suptitle("Hand-labelled eval set (726 real documents): classifiers vs NG-word rules")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# ------------------------------------------------------------------------------------------ report


def render(res: dict, manifest: dict, png_name: str) -> str:
    from .report_text import render_report  # noqa: PLC0415

    return render_report(res, manifest, png_name)
