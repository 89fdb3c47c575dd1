"""All results -> a Markdown table and a PNG: mean ± spread over seeds, per metric, per variant.

    python -m ablation compare --results results --out results/compare.md   # + results/compare.png

Only results of the same config (same ``config_key``: model, tokenizer settings, budget, threads)
are compared with each other; each config gets its own section.

Spread is the sample standard deviation over seeds (``sd``). A difference between two variants is
called **distinguishable** only when it is larger than the sum of their two seed spreads,
``|mean_a - mean_b| > sd_a + sd_b``; smaller differences are marked ``≈`` (not distinguishable from
the baseline): with three seeds, a smaller gap is what re-running with other seeds could undo.
"""

from __future__ import annotations

import json
import math
import textwrap
from collections import defaultdict
from pathlib import Path

import numpy as np

# (key, short column name, description, better): better is "lower", "higher" or None (shown, not judged)
METRICS = [
    ("bpc/clean", "clean", "bits/char on clean held-out text: mean of the sources below", "lower"),
    ("bpc/wikipedia", "wiki", "bits/char, Wikipedia leads (test+dev)", "lower"),
    ("bpc/ud_gsd", "UD", "bits/char, UD Japanese GSD test sentences", "lower"),
    ("bpc/aozora", "Aozora", "bits/char, Aozora Bunko excerpts", "lower"),
    ("bpc/kwdlc", "KWDLC", "bits/char, KWDLC test web leads", "lower"),
    ("bpc/unwanted", "unwanted", "bits/char, affiliate/adult documents of the labelled set", None),
    ("unwanted_gap", "gap", "unwanted minus clean bits/char on the labelled set (higher: spam relatively less likely)", "higher"),
    ("jblimp_acc", "JBLiMP", "JBLiMP minimal-pair accuracy (chance 0.5)", "higher"),
    ("jcola_auc", "JCoLA", "JCoLA acceptability AUC (chance 0.5)", "higher"),
    ("jcqa_acc", "JCQA", "JCommonsenseQA accuracy by choice likelihood (chance 0.2)", "higher"),
]


def load_results(results_dir: Path) -> list[dict]:
    out = []
    for path in sorted(results_dir.glob("*/*.json")):
        try:
            r = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        if isinstance(r, dict) and {"variant", "seed", "metrics", "config_key"} <= r.keys():
            r["_path"] = str(path)
            out.append(r)
    return out


def stats(values: list[float]) -> dict:
    a = np.asarray(values, dtype=float)
    return {"mean": float(a.mean()), "sd": float(a.std(ddof=1)) if len(a) > 1 else float("nan"), "min": float(a.min()), "max": float(a.max()),
            "n": len(a), "values": [float(x) for x in a]}


def distinguishable(a: dict, b: dict) -> bool:
    """|Δmean| > sd_a + sd_b; never with a single seed."""
    if a["n"] < 2 or b["n"] < 2:
        return False
    return abs(a["mean"] - b["mean"]) > a["sd"] + b["sd"]


def summarise(results: list[dict]) -> dict:
    """variant -> {"seeds", "data", "budget", "metrics": {key: stats}, "timing"}."""
    by_variant: dict[str, list[dict]] = defaultdict(list)
    for r in results:
        by_variant[r["variant"]].append(r)
    summary = {}
    for variant, rs in by_variant.items():
        rs.sort(key=lambda r: r["seed"])
        keys = {k for r in rs for k in r["metrics"]}
        summary[variant] = {
            "seeds": [r["seed"] for r in rs],
            "data": rs[0]["data"],
            "epochs": rs[0]["budget"]["epochs"],
            "tokens_seen": rs[0]["budget"]["tokens_seen"],
            "metrics": {k: stats([r["metrics"][k] for r in rs if k in r["metrics"]]) for k in sorted(keys)},
            "wall_seconds": stats([r["timing"]["wall_seconds"] for r in rs]),
            "tokens_per_second": stats([r["timing"]["tokens_per_second"] for r in rs]),
            "curves": [r["curve"]["heldout"]["rows"] for r in rs],
            "contaminated": rs[0]["eval"].get("contaminated", {}),
            "eval_items": {k: v.get("items") for k, v in rs[0]["eval"].get("sizes", {}).items()},
            "notes": rs[0]["eval"].get("notes", []),
        }
    return summary


def _fmt(s: dict | None, digits: int = 3) -> str:
    if s is None:
        return "–"
    if s["n"] < 2 or math.isnan(s["sd"]):
        return f"{s['mean']:.{digits}f}"
    return f"{s['mean']:.{digits}f} ± {s['sd']:.{digits}f}"


def order_variants(summary: dict, baseline: str) -> list[str]:
    """Baseline first, then by training characters, most first (i.e. from least to most filtered)."""
    rest = sorted((v for v in summary if v != baseline), key=lambda v: -summary[v]["data"]["chars"])
    return ([baseline] if baseline in summary else []) + rest


def _verdict(a: dict, b: dict, better: str) -> str:
    if a["n"] < 2 or b["n"] < 2:
        return "one seed: no spread"
    if not distinguishable(a, b):
        return "not distinguishable"
    d = a["mean"] - b["mean"]
    return "better" if ((d < 0) if better == "lower" else (d > 0)) else "worse"


def markdown(summary: dict, config_name: str, config_key: str, baseline: str, png_name: str | None) -> str:
    variants = order_variants(summary, baseline)
    metrics = [m for m in METRICS if any(m[0] in summary[v]["metrics"] for v in variants)]
    base = summary.get(baseline)
    any_r = summary[variants[0]]
    lines = [f"## Config `{config_name}` ({config_key})", ""]
    lines.append(f"Same model, tokenizer, seeds and budget ({any_r['tokens_seen']:,} training tokens) for every variant; only the data changes. "
                 "A variant with fewer tokens than the budget is repeated: `epochs` is how many times.")
    lines.append("")
    lines.append("| variant | seeds | docs | characters | tokens | epochs |")
    lines.append("|---|---|---:|---:|---:|---:|")
    for v in variants:
        s = summary[v]
        lines.append(f"| `{v}` | {','.join(map(str, s['seeds']))} | {s['data']['docs']:,} | {s['data']['chars']:,} | {s['data']['tokens']:,} | {s['epochs']:.2f} |")
    lines.append("")
    lines.append(f"Mean ± sd over seeds; ↓ lower is better, ↑ higher is better. `≈`: not distinguishable from `{baseline}` "
                 f"(|Δ| ≤ sd + sd_{baseline}).")
    lines.append("")
    head = ["variant"] + [f"{short} {'↓' if b == 'lower' else '↑' if b == 'higher' else ''}".strip() for _, short, _, b in metrics]
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|---|" + "|".join(["---:"] * (len(head) - 1)) + "|")
    for v in variants:
        row = [f"`{v}`"]
        for key, _, _, better in metrics:
            st = summary[v]["metrics"].get(key)
            cell = _fmt(st)
            if st is not None and base is not None and v != baseline and key in base["metrics"] and better and not distinguishable(st, base["metrics"][key]):
                cell += " ≈"
            row.append(cell)
        lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    lines.append("Columns: " + "; ".join(f"**{short}**: {desc}" for _, short, desc, _ in metrics) + ".")
    lines.append("")

    if base is not None and len(variants) > 1:
        lines.append(f"### Differences from `{baseline}` (Δ = variant − {baseline})")
        lines.append("")
        lines.append("| metric | " + " | ".join(f"`{v}`" for v in variants[1:]) + " |")
        lines.append("|---|" + "|".join(["---"] * (len(variants) - 1)) + "|")
        for key, short, _, better in metrics:
            if key not in base["metrics"] or not better:
                continue
            cells = []
            for v in variants[1:]:
                st = summary[v]["metrics"].get(key)
                if st is None:
                    cells.append("–")
                    continue
                cells.append(f"{st['mean'] - base['metrics'][key]['mean']:+.3f} ({_verdict(st, base['metrics'][key], better)})")
            lines.append(f"| {short} | " + " | ".join(cells) + " |")
        lines.append("")

    lines.append("### Best variant per metric")
    lines.append("")
    for key, short, _, better in metrics:
        if not better:
            continue
        ranked = sorted((v for v in variants if key in summary[v]["metrics"]), key=lambda v: summary[v]["metrics"][key]["mean"], reverse=(better == "higher"))
        if len(ranked) < 2:
            continue
        a, b = summary[ranked[0]]["metrics"][key], summary[ranked[1]]["metrics"][key]
        sep = "distinguishable from" if distinguishable(a, b) else "**not distinguishable** from"
        lines.append(f"- {short}: `{ranked[0]}` ({_fmt(a)}), {sep} the runner-up `{ranked[1]}` ({_fmt(b)})")
    lines.append("")
    tps = [summary[v]["tokens_per_second"]["mean"] for v in variants]
    wall = [summary[v]["wall_seconds"]["mean"] for v in variants]
    lines.append(f"Training speed {min(tps):,.0f}–{max(tps):,.0f} tokens/s (mean per variant); wall time per run {min(wall) / 60:.1f}–{max(wall) / 60:.1f} min.")
    item_se = []
    for key, short, _, _ in metrics:
        task = key.removesuffix("_acc")
        n = any_r.get("eval_items", {}).get(task)
        if key.endswith("_acc") and n:
            p = float(np.mean([summary[v]["metrics"][key]["mean"] for v in variants if key in summary[v]["metrics"]]))
            item_se.append(f"{short} ±{math.sqrt(p * (1 - p) / n):.3f} ({n} items)")
    if item_se:
        lines.append("The seed spread is training noise only: every variant is scored on the same fixed items. As an estimate of "
                     "the task, an accuracy on that many items carries a binomial standard error of " + ", ".join(item_se)
                     + "; a difference smaller than that is about these items, not about the task.")
    contaminated = {k: n for k, n in any_r["contaminated"].items() if n}
    if contaminated:
        lines.append("Evaluation items removed because they overlap the training text (the same items for every variant): "
                     + ", ".join(f"{k} {n}" for k, n in contaminated.items()) + ".")
    for note in any_r["notes"]:
        lines.append(f"Note: {note}")
    if png_name:
        lines += ["", f"![comparison]({png_name})"]
    lines.append("")
    return "\n".join(lines)


def plot(summary: dict, baseline: str, path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    variants = order_variants(summary, baseline)
    metrics = [m for m in METRICS if any(m[0] in summary[v]["metrics"] for v in variants)]
    n = len(metrics) + 1
    cols = 4
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.3 * rows), squeeze=False)
    axes = axes.ravel()
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    ax = axes[0]
    for i, v in enumerate(variants):
        for j, rows_ in enumerate(summary[v]["curves"]):
            if rows_:
                t, b = [r[1] / 1e6 for r in rows_], [r[2] for r in rows_]
                ax.plot(t, b, marker=".", color=colours[i % len(colours)], alpha=0.8, label=v if j == 0 else None)
    ax.set_title("held-out bpc (Wikipedia, first 100) vs tokens", fontsize=9)
    ax.set_xlabel("training tokens (M)", fontsize=8)
    ax.legend(fontsize=7)
    for ax, (key, _, label, better) in zip(axes[1:], metrics):
        for i, v in enumerate(variants):
            st = summary[v]["metrics"].get(key)
            if st is None:
                continue
            ax.errorbar([i], [st["mean"]], yerr=[[0 if math.isnan(st["sd"]) else st["sd"]]], fmt="o", color=colours[i % len(colours)], capsize=4)
            ax.scatter([i] * st["n"], st["values"], s=8, color="grey", zorder=3)
        ax.set_xlim(-0.5, len(variants) - 0.5)
        ax.set_xticks(range(len(variants)))
        ax.set_xticklabels(variants, rotation=30, ha="right", fontsize=7)
        arrow = " (lower better)" if better == "lower" else " (higher better)" if better == "higher" else ""
        ax.set_title(textwrap.fill(label.split(" (")[0] + arrow, 52), fontsize=8)
    for ax in axes[n:]:
        ax.axis("off")
    fig.suptitle(title + "  — mean ± sd over seeds, grey: each seed", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def compare(results_dir: Path, out: Path, baseline: str = "none") -> str:
    results = load_results(results_dir)
    if not results:
        raise SystemExit(f"no results under {results_dir}/<variant>/<seed>.json")
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in results:
        groups[(r.get("config_name", "?"), r["config_key"])].append(r)
    parts = ["# Ablation: filtering variants compared", "",
             "Generated by `python -m ablation compare` from " + f"{len(results)} result files under `{results_dir}`.", ""]
    out.parent.mkdir(parents=True, exist_ok=True)
    for i, ((name, key), rs) in enumerate(sorted(groups.items(), key=lambda kv: -len(kv[1]))):
        summary = summarise(rs)
        png = out.with_suffix(".png") if i == 0 else out.with_name(f"{out.stem}-{name}-{key}.png")
        plot(summary, baseline, png, f"config {name} ({key})")
        parts.append(markdown(summary, name, key, baseline, png.name))
    text = "\n".join(parts)
    out.write_text(text, encoding="utf-8")
    summary_json = {f"{name}/{key}": summarise(rs) for (name, key), rs in groups.items()}
    out.with_suffix(".json").write_text(json.dumps(summary_json, ensure_ascii=False, indent=1), encoding="utf-8")
    return text
