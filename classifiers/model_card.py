"""Write ``classifiers/models/MODEL_CARD.md`` from ``manifest.json`` (training) and ``metrics.json``
(evaluation, when it exists), so the card's numbers are the numbers of the files beside it."""

from __future__ import annotations

import json
import math
from pathlib import Path


def _f(x, nd=3):
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{nd}f}"


def write_model_card(model_dir: Path) -> Path:
    model_dir = Path(model_dir)
    man = json.loads((model_dir / "manifest.json").read_text(encoding="utf-8"))
    met_path = model_dir / "metrics.json"
    met = json.loads(met_path.read_text(encoding="utf-8")) if met_path.exists() else None
    td = man["training_data"]
    ft, lin = man["models"]["fasttext"], man["models"]["linear"]
    L = [
        "# Model card: affiliate / adult classifier (Japanese web text)",
        "",
        f"Version **{man['version']}**. Files: `{ft['file']}` ({ft['bytes']:,} bytes, sha256 `{ft['sha256'][:16]}…`),",
        f"`{lin['file']}` ({lin['bytes']:,} bytes, sha256 `{lin['sha256'][:16]}…`), `manifest.json` (all parameters).",
        "Rebuilt deterministically by `make classifier` (`python -m classifiers train`) from `classifiers/train/*.jsonl`.",
        "",
        "## What it does",
        "",
        "Two independent probabilities per document, from the extracted main text (first 4,000 characters):",
        "`p_affiliate` (the page exists to earn from referrals or to push someone else's product: affiliate",
        "blogs, make-money pages, comparison/ranking sites, buy-link farms, dating-site referral) and `p_adult`",
        "(sexual content meant to arouse or selling sex: adult video promotion, sex-work ads, adult goods, age",
        "gates, hook-up spam). Definitions: `classifiers/eval/GUIDELINE.md`. A shop selling its own goods is",
        "*not* affiliate; news, health and dating advice about sex are *not* adult.",
        "",
        "## Models",
        "",
        "- **fastText** supervised, one model, one-vs-all loss (independent sigmoid per label), word tokens and",
        f"  word bigrams (written out as words), dim {ft['params']['dim']}, {ft['params']['epoch']} epochs, quantised (`.ftz`, {ft['params']['cutoff']:,} features kept).",
        f"  Positives oversampled to ~{int(ft['params']['positive_share'] * 100)}% of the negatives. `thread=1`, seed {ft['params']['seed']}, every initial",
        "  vector given (the binding leaves 90% of the matrix uninitialised with one thread: see",
        "  `classifiers/fasttext_model.py`). The weakest of the three here.",
        f"- **linear**: TF-IDF over word uni/bigrams and character 2-3-grams ({lin['n_features']:,} features), logistic",
        f"  regression per head (C={lin['params']['C']}, balanced class weights), Platt-calibrated on 5-fold out-of-fold scores.",
        "  Stored as arrays in an `.npz` loaded with `allow_pickle=False` (no pickle).",
        "- **ensemble**: the mean of the two. It was the pre-registered default; after the first evaluation",
        "  run the default of `classifiers.inference` became **linear**, which a training-only",
        "  cross-validation also ranks first (see `classifiers/REPORT.md`, \"Read this first\").",
        "",
        "Features: NFKC + lower case, digits -> 0, URLs -> `url` + host, MeCab (fugashi 1.5.2) with UniDic-lite",
        "1.0.8 surface tokens.",
        "",
        "## Training data",
        "",
        f"{td['documents']:,} documents (sha256 `{td['sha256'][:16]}…`), {td['synthetic']} of them synthetic:",
        "",
        "| label / source | documents |",
        "|---|---:|",
        *[f"| {k} | {v:,} |" for k, v in td["by_label_and_source"].items()],
        "",
        "- Real, distant labels (`classifiers/distant.py`): livedoor news and Wikipedia leads are clean (including",
        "  their sexual vocabulary: the hard negatives of a word list); KWDLC leads and forum sentences without",
        "  commerce/adult vocabulary are clean.",
        "- Real, hand labels (`classifiers/train/hand_labels.tsv`): the 542 KWDLC leads with commerce/adult",
        "  vocabulary were read: 53 affiliate, 455 clean, 34 too ambiguous (left out). None was adult.",
        "- **Synthetic** (`classifiers/train/synthetic.jsonl`, `\"synthetic\": true`): hand-written affiliate, adult",
        "  and same-register clean texts. **Every adult positive is synthetic**: no real Japanese adult web text",
        "  exists in the data available to this project outside the evaluation set.",
        "- Distant rules from HTML evidence (affiliate-network links) and UT1 adult hosts are implemented, but no",
        "  real page outside the evaluation set fires them here (the sample WARC's pages are all evaluation",
        "  pages or copies of them).",
        "- Kept out: every evaluation document and anything overlapping one (id, source path, containing file,",
        "  URL, same site for the chardet blogs and the ClueWeb09 shop, 8-character shingle containment >= 0.5",
        "  either way);",
        "  `classifiers/train/build_report.json` counts what was excluded and why.",
        "",
    ]
    if met:
        a, d = met["subsets"]["all"]["affiliate"], met["subsets"]["all"]["adult"]
        L += [
            "## Metrics (hand-labelled eval set, `classifiers/REPORT.md`)",
            "",
            "| head | positives / docs | linear AP (default) | ensemble AP | fastText AP | linear P / R @0.5 |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for head, h in (("affiliate", a), ("adult", d)):
            m = h["models"]
            L.append(f"| {head} | {h['positives']} / {h['n']} | {_f(m['linear']['ap'])} | {_f(m['ensemble']['ap'])} | "
                     f"{_f(m['fasttext']['ap'])} | {_f(m['linear']['precision@0.5'])} / {_f(m['linear']['recall@0.5'])} |")
        L += ["", "Precision at the rule's recall (all 726 documents):", "",
              "| head | rule | rule recall | rule precision | linear precision | ensemble precision |", "|---|---|---:|---:|---:|---:|"]
        for head, h in (("adult", d), ("affiliate", a)):
            for row in h["headline"]:
                if not row["rule_recall"]:
                    continue
                L.append(f"| {head} | {row['rule']} | {_f(row['rule_recall'])} | {_f(row['rule_precision'])} | "
                         f"{_f(row['linear']['precision'])} | {_f(row['ensemble']['precision'])} |")
        L += ["", "adult has 7 positives in the eval set (6 `unsure`): its numbers are anecdotal. `linear` became the",
              "default after the first evaluation run (one choice among three with the eval set in view).", ""]
    cv_path = model_dir / "crossval.json"
    if cv_path.exists():
        cv = json.loads(cv_path.read_text(encoding="utf-8"))
        L += ["## Training-only cross-validation (`python -m classifiers crossval`, `crossval.json`)", "",
              f"Affiliate AP on held-out real training documents (5 folds, {cv['positives']} positives among "
              f"{cv['documents']:,}): " + ", ".join(f"{k} {v}" for k, v in cv["ap"].items()) + ".", ""]
    L += [
        "## Intended use",
        "",
        "A stored signal of the annotate job (`p_affiliate`, `p_adult` columns) for variant files to threshold,",
        "alongside the NG-word and host signals; thresholds should be chosen on the evaluation report, per",
        "variant. Not for moderation of individual users' content, not for non-Japanese text (scores are",
        "meaningless there), not as a calibrated probability on a crawl (calibrated to the training mix).",
        "",
        "## Limits",
        "",
        "- adult is learned from ~66 synthetic texts: it recognises the genres written (age gates, AV promotion,",
        "  sex-work ads, adult goods, hook-up spam, erotic come-ons) and will miss others; it has never seen",
        "  real explicit fiction. Evaluated on 7 real positives only.",
        "- affiliate training positives are 53 real KWDLC leads (2011) + synthetic texts; the eval's largest",
        "  group (2005-06 blog feeds) has no counterpart in training, by design of the exclusion.",
        "- Reads only text: the HTML evidence (`aff_*` columns of `pipeline.annotate.taggers.affiliate`) is a separate,",
        "  stronger signal for pages that carry network links.",
        "- Long pages are judged on their first 4,000 characters.",
        "",
        "## Licences",
        "",
        "Model files: Apache-2.0 (the project's). Training data: per source in `classifiers/train/SOURCES.md`",
        "(livedoor CC BY-ND 2.1 JP verbatim; Wikipedia CC BY-SA 4.0; KWDLC research use; toxic dataset",
        "Apache-2.0; synthetic texts Apache-2.0).",
        "",
    ]
    path = model_dir / "MODEL_CARD.md"
    path.write_text("\n".join(L), encoding="utf-8")
    return path
