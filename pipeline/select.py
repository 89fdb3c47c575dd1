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

from .schema import SHARD_SCHEMA
from .variants import Rule, Variant, VariantError

SAMPLES_PER_RULE = 8
HIST_VALUES_PER_SHARD = 20_000
DEDUP_TABLE = Path("dedup") / "clusters.parquet"


def available_columns(run_dir: str | Path) -> dict[str, pa.DataType]:
    """Signals a variant may use: the shard columns (rules over dedup columns are not supported yet)."""
    shards = sorted(Path(run_dir, "shards").glob("*.parquet"))
    schema = pq.read_schema(shards[0]) if shards else SHARD_SCHEMA
    return {f.name: f.type for f in schema}


def rule_pass(table: pa.Table, rule: Rule) -> np.ndarray:
    """Boolean numpy array: True where the document passes the rule."""
    col = table[rule.signal].combine_chunks() if isinstance(table[rule.signal], pa.ChunkedArray) else table[rule.signal]
    n = len(col)
    ok = np.ones(n, dtype=bool)
    valid = ~np.asarray(col.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    if pa.types.is_list(col.type) or pa.types.is_large_list(col.type):
        flat = pc.list_flatten(col)
        parents = np.asarray(pc.list_parent_indices(col).to_numpy(zero_copy_only=False))
        for key, want_hit in (("any_of", True), ("none_of", False)):
            values = getattr(rule, key)
            if values is None:
                continue
            hit_flat = np.asarray(pc.is_in(flat, value_set=pa.array(values)).to_numpy(zero_copy_only=False), dtype=bool)
            hit = np.zeros(n, dtype=bool)
            hit[parents[hit_flat]] = True
            ok &= hit if want_hit else ~hit
    else:
        if rule.any_of is not None or rule.none_of is not None:
            member = np.asarray(pc.fill_null(pc.is_in(col, value_set=pa.array(rule.any_of or rule.none_of)), False).to_numpy(zero_copy_only=False), dtype=bool)
            ok &= member if rule.any_of is not None else ~member
        if any(getattr(rule, k) is not None for k in ("min", "max", "gt", "lt")) or (rule.equals is not None):
            values = col.fill_null(0).to_numpy(zero_copy_only=False)
            if rule.min is not None:
                ok &= values >= rule.min
            if rule.max is not None:
                ok &= values <= rule.max
            if rule.gt is not None:
                ok &= values > rule.gt
            if rule.lt is not None:
                ok &= values < rule.lt
            if rule.equals is not None:
                ok &= values == rule.equals
    return np.where(valid, ok, rule.keep_missing)


def _sample_keys(doc_ids: list[str], rule: str) -> np.ndarray:
    return np.fromiter((xxhash.xxh64_intdigest(f"{rule}\x00{d}".encode()) for d in doc_ids), dtype=np.uint64, count=len(doc_ids))


def evaluate_shard(shard: str, variant: Variant, dedup_clusters: dict | None) -> dict:
    """Pass 1 for one shard: counts, overlaps, samples, histogram values, cluster members."""
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
    if dedup_clusters is not None:
        for j in np.flatnonzero(kept):
            c = dedup_clusters.get(doc_ids[j])
            if c is not None:
                out["cluster_members"].append((c[0], doc_ids[j], c[1], c[2]))
    return out


def write_variant_shard(shard: str, variant: Variant, drop_ids: set[str], sample_ids: set[str], out_dir: str) -> dict:
    """Pass 2 for one shard: write kept rows atomically; return text of the sampled removed docs."""
    import os

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
    tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    pq.write_table(kept, tmp, compression="zstd", compression_level=3)
    os.replace(tmp, target)
    snippets = {}
    if sample_ids:
        urls = table["url"].to_pylist()
        texts = table["text"].to_pylist()
        for j, d in enumerate(doc_ids):
            if d in sample_ids:
                snippets[d] = {"url": urls[j], "text": texts[j][:300]}
    return {"shard": shard, "rows": kept.num_rows, "snippets": snippets}


def load_dedup_clusters(run_dir: str | Path) -> dict | None:
    """doc_id -> (cluster id, crawl date ms or None, n_chars) for documents in clusters of size > 1."""
    path = Path(run_dir) / DEDUP_TABLE
    if not path.exists():
        return None
    t = pq.read_table(path, columns=["doc_id", "dup_cluster_id", "dup_cluster_size", "crawl_date", "n_chars"])
    t = t.filter(pc.greater(t["dup_cluster_size"], 1))
    dates = pc.cast(t["crawl_date"], pa.int64()).to_pylist() if t.num_rows else []
    return {d: (c, dt, nc) for d, c, dt, nc in zip(t["doc_id"].to_pylist(), t["dup_cluster_id"].to_pylist(), dates, t["n_chars"].to_pylist())}


def choose_representatives(members: list[tuple], keep: str) -> set[str]:
    """Doc ids that are NOT the representative of their cluster among the kept documents.

    ``newest`` (Swallow v2's rule): latest crawl date, then longest text, then smallest doc id;
    ``oldest``: earliest date first; ``longest``: most characters first. Deterministic.
    """
    by_cluster: dict = {}
    for cluster, doc_id, date, n_chars in members:
        by_cluster.setdefault(cluster, []).append((doc_id, date if date is not None else -(2**62), n_chars or 0))
    losers = set()
    for docs in by_cluster.values():
        if len(docs) < 2:
            continue
        if keep == "newest":
            best = min(docs, key=lambda d: (-d[1], -d[2], d[0]))
        elif keep == "oldest":
            best = min(docs, key=lambda d: (d[1], -d[2], d[0]))
        else:
            best = min(docs, key=lambda d: (-d[2], -d[1], d[0]))
        losers.update(d[0] for d in docs if d[0] != best[0])
    return losers


def _map(fn, items: list, executor: str) -> list:
    if executor == "local":
        return [fn(*args) for args in items]
    import ray

    from .driver import _init_ray

    _init_ray(None)
    remote = ray.remote(num_cpus=1, max_retries=3)(fn)
    return ray.get([remote.remote(*args) for args in items])


def run_select(variant: Variant, run_dir: str | Path, executor: str = "ray") -> dict:
    """Select ``variant`` over ``run_dir/shards``; write ``run_dir/variants/<name>/``; return the report dict."""
    started = time.perf_counter()
    run_dir = Path(run_dir)
    shards = [str(p) for p in sorted((run_dir / "shards").glob("*.parquet"))]
    if not shards:
        raise VariantError(f"{run_dir}/shards has no shards: run the annotate job first (make pipeline)")
    clusters = None
    if variant.dedup:
        clusters = load_dedup_clusters(run_dir)
        if clusters is None:
            raise VariantError(f"variant {variant.name!r} deduplicates but {run_dir / DEDUP_TABLE} does not exist: run `make dedup` (python -m pipeline dedup) first")
    evaluated = _map(evaluate_shard, [(s, variant, clusters) for s in shards], executor)
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
        members.extend(r["cluster_members"])
    losers = choose_representatives(members, variant.dedup) if variant.dedup else set()
    sample_ids = {d for s in samples.values() for _, d in s}
    out_dir = run_dir / "variants" / variant.name
    written = _map(write_variant_shard, [(s, variant, losers, sample_ids, str(out_dir)) for s in shards], executor)
    snippets = {}
    for w in written:
        snippets.update(w["snippets"])
    kept_docs = sum(w["rows"] for w in written)
    dedup_chars = 0
    if losers:
        dedup_chars = sum(m[3] or 0 for m in members if m[1] in losers)
    report = {
        "variant": variant.to_dict(),
        "run_dir": str(run_dir),
        "shards": len(shards),
        "docs_in": int(total["docs"]),
        "chars_in": int(total["chars"]),
        "kept_by_rules": int(total["kept_by_rules"]),
        "removed_by_dedup": len(losers),
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
    from .select_report import write_report

    write_report(report, hist, variant, out_dir)
    return report


def load_report(run_dir: str | Path, name: str) -> dict:
    return json.loads((Path(run_dir) / "variants" / name / "report.json").read_text(encoding="utf-8"))


def kept_ids(run_dir: str | Path, name: str) -> set[str]:
    ids: set[str] = set()
    for p in sorted((Path(run_dir) / "variants" / name / "shards").glob("*.parquet")):
        ids.update(pq.read_table(p, columns=["doc_id"])["doc_id"].to_pylist())
    return ids
