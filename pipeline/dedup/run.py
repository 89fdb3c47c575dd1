"""Global exact and near-duplicate dedup as a pass over annotated shards: signatures -> clusters.

``python -m pipeline.dedup --shards OUT/shards --out OUT/dedup [--previous OLD/dedup]`` writes
- ``signatures/<shard name>``: one side table per shard (dedup_signatures; kept on re-runs);
- ``clusters.parquet``: one row per document of this run (``CLUSTER_SCHEMA``), joined to the
  shards by ``doc_id``. Clusters are kept as signals, nothing is dropped here: a variant keeps one
  representative per ``dup_cluster_id`` among the documents it keeps (dedup_representative);
- ``summary.json``: counts, seconds per stage, memory, settings.

A cluster is a connected component of: documents with the same normalised text (exact), and LSH
candidate pairs (MinHash of character n-grams; optionally verified by true Jaccard). Its id is the
``doc_id`` of its first document in run order (own ``doc_id`` for a document alone).

Incremental (``--previous OLD/dedup``, repeatable, oldest first): the earlier runs' signatures and
clusters are read, not recomputed. Band buckets pair a new document with old ones, but old pairs
are not looked at again; old documents enter as their old clusters. ``clusters.parquet`` has the
new documents only (an id may be an old cluster's); ``previous_updates.parquet`` lists each old
cluster that new documents joined or merged: ``dup_cluster_id`` (old), ``new_dup_cluster_id``,
``new_dup_cluster_size``. The old run's files are not modified. ``exact_cluster_size`` of a new
document counts old copies too; old rows keep their old counts. Verification of an old-new pair
reads the old text from its shard (path kept in the old side table), so that shard must exist.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.io import atomic_path, write_parquet_atomic
from pipeline.dedup.cluster import ClusterResult, cluster
from pipeline.dedup.components import Forest, component_sizes, empty_forest, roots_of
from pipeline.dedup.config import DedupConfig
from pipeline.executor import make_executor, peak_rss_bytes, reset_peak_rss, rss_bytes
from pipeline.dedup.signatures import read_meta, sign_shard, signature_path
from pipeline.io import write_json_atomic

CLUSTER_SCHEMA = pa.schema(
    [
        ("doc_id", pa.string()),
        ("shard", pa.string()),  # annotated shard file name the document is in
        ("dup_cluster_id", pa.string()),  # doc_id of the cluster's first document
        ("dup_cluster_size", pa.int32()),  # documents in the cluster (1 = no duplicate)
        ("exact_hash", pa.int64()),  # xxh3-64 of the normalised text
        ("exact_cluster_size", pa.int32()),  # documents with the same normalised text
        ("crawl_date", pa.timestamp("ms", tz="UTC")),
        ("n_chars", pa.int32()),
    ]
)
UPDATE_SCHEMA = pa.schema([("dup_cluster_id", pa.string()), ("new_dup_cluster_id", pa.string()), ("new_dup_cluster_size", pa.int32())])


def expand_shards(shards: str | Path | list) -> list[str]:
    """Directories (their ``*.parquet``), globs and files, in sorted order per argument."""
    items = [shards] if isinstance(shards, (str, Path)) else list(shards)
    out: list[str] = []
    for item in map(str, items):
        if os.path.isdir(item):
            out.extend(sorted(glob.glob(os.path.join(item, "*.parquet"))))
        elif any(c in item for c in "*?["):
            out.extend(sorted(glob.glob(item)))
        else:
            out.append(item)
    return out


def _previous_runs(previous, config: DedupConfig) -> list[Path]:
    if previous is None:
        return []
    runs = [Path(p) for p in ([previous] if isinstance(previous, (str, Path)) else previous)]
    for run in runs:
        summary = json.loads((run / "summary.json").read_text(encoding="utf-8"))
        old = DedupConfig(**{k: v for k, v in summary["config"].items() if k != "num_perm"})
        if (old.signature_key(), old.bands, old.rows) != (config.signature_key(), config.bands, config.rows):
            raise ValueError(f"{run}: made with other signature or band settings; dedup against it needs the same")
    return runs


def _old_clusters(runs: list[Path]) -> tuple[list[str], pa.Array, pa.Array]:
    """Side tables of the earlier runs (in document order), their current cluster ids and sizes."""
    paths: list[str] = []
    ids, sizes = [], []
    for run in runs:
        summary = json.loads((run / "summary.json").read_text(encoding="utf-8"))
        paths.extend(str(run / "signatures" / name) for name in summary["signature_tables"])
        t = pq.read_table(run / "clusters.parquet", columns=["dup_cluster_id", "dup_cluster_size"])
        ids.append(t.column("dup_cluster_id").combine_chunks())
        sizes.append(t.column("dup_cluster_size").combine_chunks())
    if not runs:
        return paths, pa.array([], pa.string()), pa.array([], pa.int32())
    ids_all, sizes_all = pa.concat_arrays(ids), pa.concat_arrays(sizes)
    for run in runs[1:]:  # a later run may have grown or merged an earlier run's clusters
        upd = run / "previous_updates.parquet"
        if upd.exists():
            u = pq.read_table(upd)
            at = pc.index_in(ids_all, value_set=u.column("dup_cluster_id").combine_chunks())
            ids_all = pc.coalesce(pc.take(u.column("new_dup_cluster_id").combine_chunks(), at), ids_all)
            sizes_all = pc.coalesce(pc.take(u.column("new_dup_cluster_size").combine_chunks(), at), sizes_all)
    return paths, ids_all, sizes_all


def _forest_of_labels(ids: pa.Array) -> Forest:
    """Old clusters as a forest: each document -> the first document with its cluster id."""
    if len(ids) == 0:
        return empty_forest()
    codes = ids.dictionary_encode().indices.to_numpy().astype(np.int64)
    _, first = np.unique(codes, return_index=True)
    roots = first[codes].astype(np.uint32)
    gids = np.arange(len(codes), dtype=np.uint32)
    member = roots != gids
    return gids[member], roots[member]


def _count_distinct(parts: list[np.ndarray]) -> int:
    if not parts:
        return 0
    x = np.sort(np.concatenate(parts))
    return int(len(x) > 0) + int(np.count_nonzero(x[1:] != x[:-1]))


def _lookup(sorted_keys: np.ndarray, values: np.ndarray, query: np.ndarray, default) -> tuple[np.ndarray, np.ndarray]:
    """(found, value) of each query in a sorted key array (``default`` where absent)."""
    if len(sorted_keys) == 0:
        return np.zeros(len(query), bool), np.full(len(query), default)
    at = np.minimum(np.searchsorted(sorted_keys, query), len(sorted_keys) - 1)
    found = sorted_keys[at] == query
    return found, np.where(found, values[at], default)


def _write_clusters(out: Path, paths: list[str], n_old: int, result: ClusterResult, old_ids: pa.Array, old_sizes: pa.Array, compression: str) -> dict:
    """Stream the side tables in document order; write the rows of this run's documents.

    A cluster's id is its root's doc_id; the root is its smallest document number, so it is met
    (and its doc_id kept, one string per cluster) before or with every other member."""
    forest = result.forest
    comp_roots, comp_sizes = component_sizes(forest)
    root_doc_id = np.empty(len(comp_roots), dtype=object)
    new_children = forest[0] >= n_old
    has_new = np.isin(comp_roots, forest[1][new_children]) | (comp_roots >= n_old)  # components new documents are in
    with atomic_path(out / "clusters.parquet") as tmp:
        updates: dict[str, tuple[str, int]] = {}
        offset = 0
        counts = {"documents": 0, "dup_docs": 0, "exact_dup_docs": 0}
        new_roots, new_exact = [], []  # of this run's documents in clusters / exact groups of 2+
        with pq.ParquetWriter(tmp, CLUSTER_SCHEMA, compression=compression) as writer:
            for path in paths:
                is_new = offset >= n_old
                t = pq.read_table(path, columns=["doc_id", "exact_hash", "crawl_date", "n_chars"] if is_new else ["doc_id"])
                n = t.num_rows
                gids = np.arange(offset, offset + n, dtype=np.uint32)
                ids = t.column("doc_id").combine_chunks()
                roots = roots_of(forest, gids)
                in_cluster, size = _lookup(comp_roots, comp_sizes, roots, 1)
                at = np.searchsorted(comp_roots, roots[in_cluster])
                is_root = roots[in_cluster] == gids[in_cluster]
                root_doc_id[at[is_root]] = ids.filter(pa.array(in_cluster)).filter(pa.array(is_root)).to_numpy(zero_copy_only=False)
                cluster_id = pc.replace_with_mask(ids, pa.array(in_cluster), pa.array(root_doc_id[at], pa.string())) if in_cluster.any() else ids
                size = size.astype(np.int32)
                if is_new:
                    e_hit, exact_size = _lookup(result.exact_gids, result.exact_sizes, gids, 1)
                    shard = pa.DictionaryArray.from_arrays(np.zeros(n, np.int32), [os.path.basename(read_meta(path).get("source", path))])
                    table = pa.Table.from_arrays(
                        [ids, shard.cast(pa.string()), cluster_id, pa.array(size), t.column("exact_hash"),
                         pa.array(exact_size.astype(np.int32)), t.column("crawl_date"), t.column("n_chars")],
                        schema=CLUSTER_SCHEMA,
                    )
                    writer.write_table(table)
                    counts["documents"] += n
                    counts["dup_docs"] += int(np.count_nonzero(size > 1))
                    counts["exact_dup_docs"] += int(np.count_nonzero(e_hit))
                    new_roots.append(roots[in_cluster])
                    new_exact.append(t.column("exact_hash").to_numpy()[e_hit])
                else:  # an old document in a component that new documents joined
                    touched = np.flatnonzero(in_cluster & np.isin(roots, comp_roots[has_new]))
                    old_id = old_ids.slice(offset, n).take(pa.array(touched)).to_pylist()
                    old_size = old_sizes.slice(offset, n).to_numpy()[touched]
                    new_id = cluster_id.take(pa.array(touched)).to_pylist()
                    for oid, osz, nid, nsz in zip(old_id, old_size.tolist(), new_id, size[touched].tolist()):
                        if (oid, osz) != (nid, nsz):
                            updates[oid] = (nid, nsz)
                offset += n
    if n_old:
        upd = pa.table({"dup_cluster_id": list(updates), "new_dup_cluster_id": [v[0] for v in updates.values()],
                        "new_dup_cluster_size": pa.array([v[1] for v in updates.values()], pa.int32())}, schema=UPDATE_SCHEMA)
        write_parquet_atomic(upd, out / "previous_updates.parquet", compression="snappy", compression_level=None)  # pyarrow's default
    return counts | {"clusters": _count_distinct(new_roots), "exact_groups": _count_distinct(new_exact), "previous_clusters_updated": len(updates)}


def run_dedup(shards, out_dir: str | Path, config: DedupConfig = DedupConfig(), executor: str = "ray", previous=None, num_cpus: int | None = None) -> dict:
    """Signatures for every shard (resumable), then clusters; returns (and writes) the summary."""
    started = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    inputs = expand_shards(shards)
    if not inputs:
        raise ValueError(f"no shards in {shards!r}")
    names = [signature_path(s, out).name for s in inputs]
    if len(set(names)) != len(names):
        raise ValueError("two input shards share a file name")
    _previous_runs(previous, config)  # fail before the long part when they do not fit
    ex = make_executor(executor, num_cpus) if isinstance(executor, str) else executor
    t = time.perf_counter()
    signed = ex.get([ex.submit(sign_shard, s, str(out), config, measure=False) for s in inputs])
    sign_seconds = time.perf_counter() - t
    summary = cluster_side_tables([str(signature_path(s, out)) for s in inputs], out, config, ex, previous)
    summary["seconds"] = {"signatures": round(sign_seconds, 3)} | summary["seconds"] | {"wall": round(time.perf_counter() - started, 3)}
    summary["signature_shards_computed"] = sum(1 for s in signed if not s["skipped"])
    summary["signature_shards_kept"] = sum(1 for s in signed if s["skipped"])
    summary["inputs"] = inputs
    write_json_atomic(out / "summary.json", summary)
    return summary


def cluster_side_tables(new_paths: list[str], out_dir: str | Path, config: DedupConfig, executor="ray", previous=None) -> dict:
    """The cluster step alone, from existing side tables: writes clusters.parquet and summary.json."""
    out = Path(out_dir)
    runs = _previous_runs(previous, config)
    old_paths, old_ids, old_sizes = _old_clusters(runs)
    names = [Path(p).name for p in new_paths]
    clash = {Path(p).name for p in old_paths} & set(names)
    if clash:
        raise ValueError(f"shards already in a previous run: {sorted(clash)[:5]}")
    ex = make_executor(executor) if isinstance(executor, str) else executor
    paths = old_paths + list(new_paths)
    text_shards = [read_meta(p).get("source", "") for p in paths]

    t = time.perf_counter()
    tracing = tracemalloc.is_tracing()
    if not tracing:
        tracemalloc.start()
    tracemalloc.reset_peak()
    traced_before = tracemalloc.get_traced_memory()[0]
    reset_peak_rss()
    rss_before = rss_bytes()
    old_forest = _forest_of_labels(old_ids) if runs else None
    result = cluster(paths, config, ex, new_from=len(old_ids) if runs else None, old_forest=old_forest, text_shards=text_shards)
    cluster_seconds = time.perf_counter() - t
    t = time.perf_counter()
    counts = _write_clusters(out, paths, len(old_ids), result, old_ids, old_sizes, config.compression)
    write_seconds = time.perf_counter() - t
    driver_peak = tracemalloc.get_traced_memory()[1] - traced_before
    driver_rss_growth = peak_rss_bytes() - rss_before
    if not tracing:
        tracemalloc.stop()
    tasks = ex.task_stats()

    docs = result.stats["documents"]
    memory = {
        "what": "from the start of the cluster step to the end of the write: traced = numpy/Python allocations "
                "(tracemalloc) at their peak; rss_growth = peak RSS minus RSS at the start. With executor local that is "
                "everything, in one process; with ray, the driver's part, and each task's apart",
        "driver_traced_peak_bytes": driver_peak,
        "driver_traced_peak_bytes_per_document": round(driver_peak / max(docs, 1), 1),
        "driver_rss_growth_bytes": driver_rss_growth,
        "driver_rss_growth_bytes_per_document": round(driver_rss_growth / max(docs, 1), 1),
        "band_keys_in_flight_bytes_per_document": round(result.stats["band_keys_in_flight_bytes"] / max(docs, 1), 1),
    }
    if tasks:
        peak_task = max(tasks, key=lambda s: s["traced_peak_bytes"])
        memory |= {"task_traced_peak_bytes_max": peak_task["traced_peak_bytes"], "task_with_that_peak": peak_task["task"],
                   "task_traced_peak_bytes_per_document": round(peak_task["traced_peak_bytes"] / max(docs, 1), 1),
                   "task_rss_growth_bytes_max": max(s["rss_growth_bytes"] for s in tasks),
                   "task_rss_growth_bytes_max_per_document": round(max(s["rss_growth_bytes"] for s in tasks) / max(docs, 1), 1),
                   "tasks": len(tasks)}
    summary = {
        "documents": counts["documents"],
        "previous_documents": len(old_ids),
        "clusters": counts["clusters"],
        "documents_in_clusters": counts["dup_docs"],
        "documents_beyond_first_of_cluster": counts["dup_docs"] - counts["clusters"],
        "exact_groups": counts["exact_groups"],
        "exact_duplicate_documents": counts["exact_dup_docs"],
        "previous_clusters_updated": counts["previous_clusters_updated"],
        "executor": ex.name,
        "ray_startup_seconds": round(getattr(ex, "startup_seconds", 0.0), 3),
        "seconds": {"cluster": round(cluster_seconds, 3), "write": round(write_seconds, 3), "cluster_stages": result.stats["seconds"]},
        "cluster_step": {k: v for k, v in result.stats.items() if k != "seconds"},
        "memory": memory,
        "signature_tables": names,
        "previous": [str(r) for r in runs],
        "config": config.to_dict(),
    }
    write_json_atomic(out / "summary.json", summary)
    return summary


def main(argv: list[str] | None = None, prog: str = "python -m pipeline.dedup") -> int:
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.split("\n")[0])
    parser.add_argument("--shards", nargs="+", required=True, help="annotated shards: directories, globs or files")
    parser.add_argument("--out", required=True, help="output directory (signatures/, clusters.parquet, summary.json)")
    parser.add_argument("--previous", action="append", default=None, help="an earlier dedup output to dedup against (repeatable, oldest first)")
    parser.add_argument("--config", default=None, help="YAML file of dedup settings (see pipeline/dedup/config.py)")
    parser.add_argument("--executor", choices=("ray", "local"), default="ray", help="ray (default; RAY_ADDRESS for a cluster) or local (one process)")
    parser.add_argument("--num-cpus", type=int, default=None, help="CPUs of the local Ray cluster (default: all)")
    args = parser.parse_args(argv)
    config = DedupConfig.from_yaml(args.config)
    if not expand_shards(args.shards):
        parser.error("no shards matched")
    summary = run_dedup(args.shards, args.out, config, executor=args.executor, previous=args.previous, num_cpus=args.num_cpus)
    brief = {k: summary[k] for k in ("documents", "previous_documents", "clusters", "documents_in_clusters", "exact_groups", "exact_duplicate_documents", "seconds")}
    print(json.dumps(brief, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
