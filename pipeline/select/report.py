"""The funnel report of a variant (Markdown + JSON + PNG) and the side-by-side diff of two variants.

Written for people deciding whether a rule matters: per rule, what it removes, what *only* it
removes (if that is ~0 the rule is redundant given the others), the characters it costs, how rules
overlap, where the thresholds sit on each signal's distribution, and removed documents to read.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from pipeline.io import write_json_atomic


def _pct(a: int, b: int) -> str:
    return f"{100.0 * a / b:.1f}%" if b else "-"


def _plots(report: dict, hist: dict, variant, out_dir: Path) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    files = []
    names = list(report["rules"])
    if names:
        fig, ax = plt.subplots(figsize=(8, 0.35 * len(names) + 1.5))
        y = np.arange(len(names))
        ax.barh(y, [report["rules"][n]["removed"] for n in names], color="#bbbbbb", label="removed")
        ax.barh(y, [report["rules"][n]["removed_only_by_this_rule"] for n in names], color="#d62728", label="removed only by this rule")
        ax.set_yticks(y, names)
        ax.invert_yaxis()
        ax.set_xlabel(f"documents (of {report['docs_in']})")
        ax.set_title(f"variant {report['variant']['name']}: documents removed per rule")
        ax.legend(loc="lower right")
        fig.tight_layout()
        fig.savefig(out_dir / "removed_by_rule.png", dpi=90)
        plt.close(fig)
        files.append("removed_by_rule.png")
    numeric = [(n, r) for n, r in variant.rules.items() if r.signal in hist and hist[r.signal]]
    if numeric:
        cols = 3
        rows = (len(numeric) + cols - 1) // cols
        fig, axes = plt.subplots(rows, cols, figsize=(4 * cols, 2.6 * rows), squeeze=False)
        for ax, (name, rule) in zip(axes.flat, numeric):
            vals = np.asarray(hist[rule.signal], dtype=float)
            ax.hist(vals, bins=40, color="#4c72b0")
            for key, style in (("min", "-"), ("gt", "--"), ("max", "-"), ("lt", "--")):
                value = getattr(rule, key)
                if value is not None:
                    ax.axvline(value, color="#d62728", linestyle=style)
            ax.set_title(f"{name}: {rule.describe()}", fontsize=8)
        for ax in list(axes.flat)[len(numeric):]:
            ax.axis("off")
        fig.tight_layout()
        fig.savefig(out_dir / "signals.png", dpi=80)
        plt.close(fig)
        files.append("signals.png")
    return files


def write_report(report: dict, hist: dict, variant, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    report["plots"] = _plots(report, hist, variant, out_dir)
    write_json_atomic(out_dir / "report.json", report)
    r = report
    lines = [
        f"# Variant `{r['variant']['name']}`",
        "",
        r["variant"]["description"] or "",
        "",
        f"Inherits: {' <- '.join(r['variant']['inherits']) or 'nothing'}; dedup: {r['variant']['dedup'] or 'off'}.",
        "",
        "| | documents | characters |",
        "| --- | ---: | ---: |",
        f"| in | {r['docs_in']} | {r['chars_in']} |",
        f"| kept by the rules | {r['kept_by_rules']} ({_pct(r['kept_by_rules'], r['docs_in'])}) | |",
        f"| removed as duplicates (one kept per cluster) | {r['removed_by_dedup']} | {r['removed_chars_by_dedup']} |",
        f"| **kept** | **{r['docs_kept']}** ({_pct(r['docs_kept'], r['docs_in'])}) | **{r['chars_kept']}** ({_pct(r['chars_kept'], r['chars_in'])}) |",
        "",
        "## Rules",
        "",
        "`only` = removed by this rule and by no other: the documents that would come back without it.",
        "",
        "| rule | keeps | removed | only this rule | chars removed | chars only this rule |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for name, rule in r["rules"].items():
        lines.append(
            f"| {name} | {rule['describe']} | {rule['removed']} ({_pct(rule['removed'], r['docs_in'])}) | {rule['removed_only_by_this_rule']} | {rule['removed_chars']} | {rule['removed_chars_only_by_this_rule']} |"
        )
    names = r["overlap"]["rules"]
    if len(names) > 1:
        lines += ["", "## Overlaps (documents removed by both rules)", "", "| | " + " | ".join(names) + " |", "| --- |" + " ---: |" * len(names)]
        for i, name in enumerate(names):
            lines.append(f"| {name} | " + " | ".join(str(v) for v in r["overlap"]["matrix"][i]) + " |")
    for plot in r.get("plots", []):
        lines += ["", f"![{plot}]({plot})"]
    lines += ["", "## Removed documents to read (a deterministic sample per rule)", ""]
    for name, rule in r["rules"].items():
        if not rule["samples"]:
            continue
        lines += [f"### {name} ({rule['describe']})", ""]
        for s in rule["samples"]:
            text = " ".join(s["text"].split())
            lines.append(f"- <{s['url']}> — {text}")
        lines.append("")
    lines.append(f"Selected in {r['seconds']} s over {r['shards']} shard(s).")
    (out_dir / "report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_diff(a: dict, b: dict, ids_a: set[str], ids_b: set[str], samples: dict, out_path: Path) -> dict:
    """Side-by-side comparison of two selected variants of the same run."""
    diff = {
        "a": a["variant"]["name"],
        "b": b["variant"]["name"],
        "docs_in": a["docs_in"],
        "kept": {"a": a["docs_kept"], "b": b["docs_kept"]},
        "chars_kept": {"a": a["chars_kept"], "b": b["chars_kept"]},
        "kept_by_both": len(ids_a & ids_b),
        "only_in_a": len(ids_a - ids_b),
        "only_in_b": len(ids_b - ids_a),
        "samples": samples,
    }
    rules = sorted(set(a["rules"]) | set(b["rules"]))
    lines = [
        f"# `{diff['a']}` vs `{diff['b']}`",
        "",
        f"| | {diff['a']} | {diff['b']} |",
        "| --- | ---: | ---: |",
        f"| documents kept | {a['docs_kept']} | {b['docs_kept']} |",
        f"| characters kept | {a['chars_kept']} | {b['chars_kept']} |",
        f"| removed as duplicates | {a['removed_by_dedup']} | {b['removed_by_dedup']} |",
        "",
        f"Kept by both: {diff['kept_by_both']}; only by `{diff['a']}`: {diff['only_in_a']}; only by `{diff['b']}`: {diff['only_in_b']}.",
        "",
        "| rule | " + f"{diff['a']} | removed | {diff['b']} | removed |",
        "| --- | --- | ---: | --- | ---: |",
    ]
    for name in rules:
        ra, rb = a["rules"].get(name), b["rules"].get(name)
        lines.append(
            f"| {name} | {ra['describe'] if ra else '-'} | {ra['removed'] if ra else '-'} | {rb['describe'] if rb else '-'} | {rb['removed'] if rb else '-'} |"
        )
    for side in ("only_in_a", "only_in_b"):
        label = diff["a"] if side == "only_in_a" else diff["b"]
        lines += ["", f"## Kept only by `{label}`", ""]
        for s in samples.get(side, []):
            lines.append(f"- <{s['url']}> — {' '.join(s['text'].split())}")
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    write_json_atomic(out_path.with_suffix(".json"), diff)
    return diff


def diff_samples(run_dir, ids_a: set[str], ids_b: set[str], k: int = 5) -> dict:
    """URL + first 300 characters of a few documents kept by only one side (smallest xxh64 first)."""
    import pyarrow.parquet as pq
    import xxhash

    want = {}
    for side, ids in (("only_in_a", ids_a - ids_b), ("only_in_b", ids_b - ids_a)):
        for d in sorted(ids, key=lambda d: xxhash.xxh64_intdigest(d.encode()))[:k]:
            want[d] = side
    out: dict = {"only_in_a": [], "only_in_b": []}
    for p in sorted(Path(run_dir, "shards").glob("*.parquet")):
        t = pq.read_table(p, columns=["doc_id", "url", "text"])
        for d, u, x in zip(t["doc_id"].to_pylist(), t["url"].to_pylist(), t["text"].to_pylist()):
            if d in want:
                out[want[d]].append({"doc_id": d, "url": u, "text": x[:300]})
    return out


def write_sweep(variant, reports: list[dict], run_dir) -> Path:
    """Kept documents and characters against the swept threshold: a table and a curve."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sweep = variant.sweep
    out_dir = Path(run_dir) / "variants" / variant.name
    out_dir.mkdir(parents=True, exist_ok=True)
    values = [float(v) for v in sweep["values"]]
    chars = [r["chars_kept"] for r in reports]
    docs = [r["docs_kept"] for r in reports]
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(values, chars, marker="o")
    ax.set_xlabel(f"{sweep['rule']}.{sweep['bound']}")
    ax.set_ylabel("characters kept")
    ax.set_title(f"sweep {variant.name}")
    fig.tight_layout()
    fig.savefig(out_dir / "sweep.png", dpi=90)
    plt.close(fig)
    lines = [f"# Sweep `{variant.name}`: {sweep['rule']}.{sweep['bound']}", "", "| value | documents kept | characters kept |", "| ---: | ---: | ---: |"]
    lines += [f"| {v:g} | {d} | {c} |" for v, d, c in zip(values, docs, chars)]
    lines += ["", "![sweep](sweep.png)"]
    (out_dir / "sweep.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    write_json_atomic(out_dir / "sweep.json", {"sweep": sweep, "values": values, "docs_kept": docs, "chars_kept": chars, "variants": [r["variant"]["name"] for r in reports]})
    return out_dir / "sweep.md"
