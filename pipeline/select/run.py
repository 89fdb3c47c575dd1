"""Select a variant over annotated shards: rules -> masks -> dedup representatives -> variant shards.

Two passes of Ray tasks, one task per shard:
1. read only the signal columns a variant needs, evaluate every rule (pyarrow, vectorised) and
   return counts (removed per rule, removed *only* by that rule, characters, pairwise overlaps),
   a deterministic sample of removed documents per rule (the K smallest xxh64(doc_id, rule):
   mergeable across shards, independent of the number of workers) and, for duplicate clusters,
   the kept members (doc_id, cluster, date, length);
2. after the driver picks one representative per duplicate cluster among the kept documents,
   write each shard's kept rows (plus a ``variant`` column) atomically, and read the text of the
   sampled removed documents for the report.
Stored signals are never recomputed, so a variant costs seconds.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import xxhash

from pipeline.annotate.schema import SHARD_SCHEMA
from pipeline.dedup.representatives import representatives
from pipeline.executor import make_executor
from pipeline.io import write_parquet_atomic
from pipeline.select.rules import rule_pass
from pipeline.select.variants import Variant, VariantError

SAMPLES_PER_RULE = 8
HIST_VALUES_PER_SHARD = 20_000
DEDUP_TABLE = Path("dedup") / "clusters.parquet"
MEMBER_COLUMNS = ["doc_id", "shard", "dup_cluster_id", "dup_cluster_size", "crawl_date", "n_chars"]


def available_columns(run_dir: str | Path) -> dict[str, pa.DataType]:
    """Signals a variant may use: the shard columns (rules over dedup columns are not supported yet)."""
    shards = sorted(Path(run_dir, "shards").glob("*.parquet"))
    schema = pq.read_schema(shards[0]) if shards else SHARD_SCHEMA
    return {f.name: f.type for f in schema}


def _sample_keys(doc_ids: list[str], rule: str) -> np.ndarray:
    return np.fromiter((xxhash.xxh64_intdigest(f"{rule}\x00{d}".encode()) for d in doc_ids), dtype=np.uint64, count=len(doc_ids))


def shard_cluster_members(run_dir: str | Path, shard: str) -> pa.Table:
    """This shard's rows of the dedup table that are in a cluster of two or more (a Parquet filter:
    a task reads its own shard's rows, never the whole run's)."""
    t = pq.read_table(Path(run_dir) / DEDUP_TABLE, columns=MEMBER_COLUMNS,
                      filters=[("shard", "=", Path(shard).name), ("dup_cluster_size", ">", 1)])
    return t.select(["doc_id", "dup_cluster_id", "crawl_date", "n_chars"])


def evaluate_shard(shard: str, variant: Variant, run_dir: str | None) -> dict:
    """Pass 1 for one shard: counts, overlaps, samples, histogram values, the kept cluster members.

    ``run_dir`` is given when the variant deduplicates: the shard's cluster rows are joined here."""
    names = list(variant.rules)
    signals = sorted(variant.signals())
    cols = sorted({"doc_id", "n_chars", *signals})
    table = pq.read_table(shard, columns=cols)
    n = table.num_rows
    chars = np.asarray(table["n_chars"].to_numpy(), dtype=np.int64) if n else np.zeros(0, np.int64)
    passes = np.ones((len(names), n), dtype=bool)
    for i, name in enumerate(names):
        passes[i] = rule_pass(table, variant.rules[name])
    fails = ~passes
    n_fails = fails.sum(axis=0) if names else np.zeros(n, dtype=np.int64)
    kept = n_fails == 0
    doc_ids = table["doc_id"].to_pylist()
    out = {
        "shard": shard,
        "docs": n,
        "chars": int(chars.sum()),
        "kept_by_rules": int(kept.sum()),
        "kept_chars_by_rules": int(chars[kept].sum()),
        "removed": {nm: int(fails[i].sum()) for i, nm in enumerate(names)},
        "removed_chars": {nm: int(chars[fails[i]].sum()) for i, nm in enumerate(names)},
        "only": {nm: int((fails[i] & (n_fails == 1)).sum()) for i, nm in enumerate(names)},
        "only_chars": {nm: int(chars[fails[i] & (n_fails == 1)].sum()) for i, nm in enumerate(names)},
        "overlap": (fails.astype(np.int64) @ fails.T.astype(np.int64)).tolist() if names else [],
        "samples": {},
        "hist": {},
        "cluster_members": [],
    }
    for i, nm in enumerate(names):
        idx = np.flatnonzero(fails[i])
        if len(idx):
            keys = _sample_keys([doc_ids[j] for j in idx], nm)
            order = np.argsort(keys, kind="stable")[:SAMPLES_PER_RULE]
            out["samples"][nm] = [(int(keys[o]), doc_ids[idx[o]]) for o in order]
    if n:
        hist_rows = np.arange(n)
        if n > HIST_VALUES_PER_SHARD:
            keys = _sample_keys(doc_ids, "hist")
            hist_rows = np.sort(np.argsort(keys, kind="stable")[:HIST_VALUES_PER_SHARD])
        for sig in signals:
            t = table[sig].type
            if pa.types.is_integer(t) or pa.types.is_floating(t):
                vals = table[sig].to_numpy(zero_copy_only=False)[hist_rows]
                out["hist"][sig] = [float(v) for v in vals if v == v]
    if run_dir is not None:
        members = shard_cluster_members(run_dir, shard)
        kept_ids_here = pa.array([doc_ids[j] for j in np.flatnonzero(kept)], pa.string())
        members = members.filter(pc.is_in(members["doc_id"], value_set=kept_ids_here))
        if variant.dedup_score:
            index = pc.index_in(members["doc_id"], value_set=table["doc_id"])
            members = members.append_column("score", pc.cast(pc.take(table[variant.dedup_score], index), pa.float64()))
        out["cluster_members"] = members.append_column("shard", pa.array([Path(shard).name] * members.num_rows, pa.string()))
    return out


def write_variant_shard(shard: str, variant: Variant, drop_ids: set[str], sample_ids: set[str], out_dir: str) -> dict:
    """Pass 2 for one shard: write kept rows atomically; return text of the sampled removed docs.

    ``drop_ids``: this shard's documents that pass the rules but are not their cluster's representative."""
    table = pq.read_table(shard)
    keep = np.ones(table.num_rows, dtype=bool)
    for rule in variant.rules.values():
        keep &= rule_pass(table, rule)
    doc_ids = table["doc_id"].to_pylist()
    if drop_ids:
        keep &= np.fromiter((d not in drop_ids for d in doc_ids), dtype=bool, count=len(doc_ids))
    kept = table.filter(pa.array(keep))
    kept = kept.append_column("variant", pa.array([variant.name] * kept.num_rows, pa.string()))
    target = Path(out_dir) / "shards" / Path(shard).name
    target.parent.mkdir(parents=True, exist_ok=True)
    write_parquet_atomic(kept, target)
    snippets = {}
    if sample_ids:
        urls = table["url"].to_pylist()
        texts = table["text"].to_pylist()
        for j, d in enumerate(doc_ids):
            if d in sample_ids:
                snippets[d] = {"url": urls[j], "text": texts[j][:300]}
    return {"shard": shard, "rows": kept.num_rows, "snippets": snippets}


def non_representatives(members: pa.Table, variant: Variant) -> pa.Table:
    """The kept cluster members (all shards) that lose to another copy of their cluster:
    ``pipeline.dedup.representatives`` with the variant's keep rule (and score signal)."""
    if members.num_rows == 0:
        return members.select(["doc_id", "shard", "n_chars"])
    score = members["score"].to_numpy(zero_copy_only=False) if variant.dedup == "score" else None
    chosen = representatives(members, rule=variant.dedup, score=score)
    return members.filter(pa.array(~chosen)).select(["doc_id", "shard", "n_chars"])


def run_select(variant: Variant, run_dir: str | Path, executor: str = "ray") -> dict:
    """Select ``variant`` over ``run_dir/shards``; write ``run_dir/variants/<name>/``; return the report dict."""
    started = time.perf_counter()
    run_dir = Path(run_dir)
    shards = [str(p) for p in sorted((run_dir / "shards").glob("*.parquet"))]
    if not shards:
        raise VariantError(f"{run_dir}/shards has no shards: run the annotate job first (make pipeline)")
    if variant.dedup and not (run_dir / DEDUP_TABLE).exists():
        raise VariantError(f"variant {variant.name!r} deduplicates but {run_dir / DEDUP_TABLE} does not exist: run `make dedup` (python -m pipeline dedup) first")
    tasks = make_executor(executor)
    evaluated = tasks.map(evaluate_shard, [(s, variant, str(run_dir) if variant.dedup else None) for s in shards])
    names = list(variant.rules)
    total = Counter()
    removed, removed_chars, only, only_chars = Counter(), Counter(), Counter(), Counter()
    overlap = np.zeros((len(names), len(names)), dtype=np.int64)
    samples: dict[str, list] = {}
    hist: dict[str, list] = {}
    members = []
    for r in evaluated:
        total.update({"docs": r["docs"], "chars": r["chars"], "kept_by_rules": r["kept_by_rules"], "kept_chars_by_rules": r["kept_chars_by_rules"]})
        removed.update(r["removed"])
        removed_chars.update(r["removed_chars"])
        only.update(r["only"])
        only_chars.update(r["only_chars"])
        if names:
            overlap += np.asarray(r["overlap"], dtype=np.int64)
        for nm, s in r["samples"].items():
            samples[nm] = sorted(samples.get(nm, []) + [tuple(x) for x in s])[:SAMPLES_PER_RULE]
        for sig, vals in r["hist"].items():
            hist.setdefault(sig, []).extend(vals)
        if variant.dedup:
            members.append(r["cluster_members"])
    losers = non_representatives(pa.concat_tables(members), variant) if members else None
    losers_by_shard: dict[str, set[str]] = {}
    if losers is not None:
        for doc_id, shard_name in zip(losers["doc_id"].to_pylist(), losers["shard"].to_pylist()):
            losers_by_shard.setdefault(shard_name, set()).add(doc_id)
    sample_ids = {d for s in samples.values() for _, d in s}
    out_dir = run_dir / "variants" / variant.name
    written = tasks.map(write_variant_shard, [(s, variant, losers_by_shard.get(Path(s).name, set()), sample_ids, str(out_dir)) for s in shards])
    snippets = {}
    for w in written:
        snippets.update(w["snippets"])
    kept_docs = sum(w["rows"] for w in written)
    dedup_chars = int(pc.sum(pc.fill_null(losers["n_chars"], 0)).as_py() or 0) if losers is not None else 0
    report = {
        "variant": variant.to_dict(),
        "run_dir": str(run_dir),
        "shards": len(shards),
        "docs_in": int(total["docs"]),
        "chars_in": int(total["chars"]),
        "kept_by_rules": int(total["kept_by_rules"]),
        "removed_by_dedup": losers.num_rows if losers is not None else 0,
        "removed_chars_by_dedup": int(dedup_chars),
        "docs_kept": kept_docs,
        "chars_kept": int(total["kept_chars_by_rules"]) - int(dedup_chars),
        "rules": {
            nm: {
                "describe": variant.rules[nm].describe(),
                "removed": int(removed[nm]),
                "kept": int(total["docs"]) - int(removed[nm]),
                "removed_only_by_this_rule": int(only[nm]),
                "removed_chars": int(removed_chars[nm]),
                "removed_chars_only_by_this_rule": int(only_chars[nm]),
                "samples": [snippets.get(d, {"url": "", "text": ""}) | {"doc_id": d} for _, d in samples.get(nm, [])],
            }
            for nm in names
        },
        "overlap": {"rules": names, "matrix": overlap.tolist()},
        "seconds": round(time.perf_counter() - started, 3),
    }
    from pipeline.select.report import write_report

    write_report(report, hist, variant, out_dir)
    return report


def load_report(run_dir: str | Path, name: str) -> dict:
    return json.loads((Path(run_dir) / "variants" / name / "report.json").read_text(encoding="utf-8"))


def kept_ids(run_dir: str | Path, name: str) -> set[str]:
    ids: set[str] = set()
    for p in sorted((Path(run_dir) / "variants" / name / "shards").glob("*.parquet")):
        ids.update(pq.read_table(p, columns=["doc_id"])["doc_id"].to_pylist())
    return ids
