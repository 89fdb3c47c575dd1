"""The cluster step: signature side tables in, one forest of duplicate components out.

Stages, each a set of independent tasks (dedup_executor runs them on Ray or in this process):
1. exact: exact-hash keys, hash-partitioned -> exact groups (forest member -> first, group sizes);
2. bands, in rounds of ``bands_per_round``: band keys of every document that is not a later copy
   in an exact group, hash-partitioned -> per partition, buckets -> the forest of its pairs;
3. (optional) verification of the candidate pairs by true Jaccard (dedup_verify);
4. merge: forests merge pairwise in a tree until one is left (dedup_components).
The driver holds references, the exact-group arrays (12 bytes per document in an exact group), with
verification the candidate pairs (8 bytes each, a few times that while they are split by shard),
and at the end the final forest (8 bytes per document in a cluster); writing the table adds one
doc_id string per cluster (dedup.py). In flight between tasks: one round of band keys (documents x
bands_per_round x 12 bytes). Measured on 1M documents: bench/README.md. Documents are numbered by
their row in the run (side tables in the given order): ``gid``, uint32, so at most 2^32 - 1.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import pyarrow.parquet as pq

from pipeline.dedup.buckets import band_map, band_reduce, exact_map, exact_reduce, partition_count
from pipeline.dedup.components import Forest, empty_forest, forest_from_edges, merge_forests
from pipeline.dedup.config import DedupConfig
from pipeline.dedup.verify import sets_map, verify_reduce

#: Pair ends (one n-gram set each, ~12 KB for a 1,500-character article) per verification task.
MAX_PAIR_ENDS_PER_PARTITION = 20_000


@dataclass
class ClusterResult:
    forest: Forest
    exact_gids: np.ndarray  # documents in exact groups of 2+, sorted
    exact_sizes: np.ndarray  # their group sizes
    stats: dict = field(default_factory=dict)


def _wait(ex, refs: list) -> None:
    if ex.name == "ray" and refs:
        import ray

        ray.wait(refs, num_returns=len(refs), fetch_local=False)


def _tree_merge(ex, forests: list) -> Forest:
    while len(forests) > 1:
        merged = [ex.submit(merge_forests, forests[i], forests[i + 1]) for i in range(0, len(forests) - 1, 2)]
        if len(forests) % 2:
            merged.append(forests[-1])
        forests = merged
    return ex.get(forests[0]) if forests else empty_forest()


def cluster(paths: list[str], config: DedupConfig, ex, new_from: int | None = None, old_forest: Forest | None = None,
            text_shards: list[str] | None = None) -> ClusterResult:
    """Cluster the documents of the side tables ``paths`` (documents numbered in that order)."""
    if config.partitions == 1:
        raise ValueError("partitions must be 0 (auto) or at least 2")
    rows = [pq.read_metadata(p).num_rows for p in paths]
    offsets = np.concatenate([[0], np.cumsum(rows)]).astype(np.int64)
    total = int(offsets[-1])
    if total >= 1 << 32:
        raise ValueError(f"{total} documents: a run numbers documents with uint32; split the run")
    seconds: dict[str, float] = {}
    t = time.perf_counter()

    # 1. exact groups
    n_exact = partition_count(config.partitions, total, config.max_keys_per_partition)
    maps = [ex.submit(exact_map, p, int(offsets[i]), n_exact, num_returns=n_exact) for i, p in enumerate(paths)]
    reduces = [ex.submit(exact_reduce, *[m[k] for m in maps], num_returns=3) for k in range(n_exact)]
    del maps
    exact_forests = [r[0] for r in reduces]
    exact_gids = np.concatenate([ex.get(r[1]) for r in reduces] or [np.empty(0, np.uint32)])
    exact_sizes = np.concatenate([ex.get(r[2]) for r in reduces] or [np.empty(0, np.uint32)])
    order = np.argsort(exact_gids)
    exact_gids, exact_sizes = exact_gids[order], exact_sizes[order]
    later_copies = np.sort(np.concatenate([ex.get(f)[0] for f in exact_forests] or [np.empty(0, np.uint32)]))
    seconds["exact"] = time.perf_counter() - t
    t = time.perf_counter()

    # 2. band rounds
    verify = config.verify_threshold > 0
    banded = total - len(later_copies)
    forests = list(exact_forests)
    if old_forest is not None and len(old_forest[0]):
        forests.append(old_forest)
    pair_refs, band_partitions = [], []
    for bands in config.rounds:
        n_part = partition_count(config.partitions, banded * len(bands), config.max_keys_per_partition)
        band_partitions.append(n_part)
        maps = []
        for i, p in enumerate(paths):
            lo, hi = np.searchsorted(later_copies, [offsets[i], offsets[i + 1]])
            skip = (later_copies[lo:hi] - offsets[i]).astype(np.int64)
            maps.append(ex.submit(band_map, p, int(offsets[i]), bands, config.rows, n_part, skip, num_returns=n_part))
        reduces = [ex.submit(band_reduce, new_from, verify, *[m[k] for m in maps], num_returns=1) for k in range(n_part)]
        del maps
        _wait(ex, reduces)  # one round of band keys in flight at a time
        (pair_refs if verify else forests).extend(reduces)
    seconds["bands"] = time.perf_counter() - t
    t = time.perf_counter()

    stats: dict = {"documents": total, "exact_partitions": n_exact, "band_partitions": band_partitions,
                   "rounds": len(config.rounds), "banded_documents": banded, "later_exact_copies": int(len(later_copies)),
                   "band_keys_in_flight_bytes": int(banded * len(config.rounds[0]) * 12)}

    # 3. verification
    if verify:
        src, dst = _verify(ex, pair_refs, offsets, text_shards or [], config, stats)
        forests.append(ex.submit(forest_from_edges, src, dst))
        seconds["verify"] = time.perf_counter() - t
        t = time.perf_counter()

    # 4. merge
    forest = _tree_merge(ex, forests)
    seconds["merge"] = time.perf_counter() - t
    stats["seconds"] = {k: round(v, 3) for k, v in seconds.items()}
    stats["documents_in_clusters"] = int(len(forest[0]) + len(np.unique(forest[1])))
    return ClusterResult(forest, exact_gids, exact_sizes, stats)


def _verify(ex, pair_refs: list, offsets: np.ndarray, text_shards: list[str], config: DedupConfig, stats: dict):
    pairs = [ex.get(r) for r in pair_refs]
    src = np.concatenate([p[0] for p in pairs] or [np.empty(0, np.uint32)])
    dst = np.concatenate([p[1] for p in pairs] or [np.empty(0, np.uint32)])
    packed = np.unique((src.astype(np.uint64) << np.uint64(32)) | dst.astype(np.uint64))
    src, dst = (packed >> np.uint64(32)).astype(np.uint32), (packed & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    stats["candidate_pairs"] = int(len(src))
    if len(src) == 0:
        stats["verified_pairs"] = 0
        return src, dst
    n_part = max(2, math.ceil(2 * len(src) / MAX_PAIR_ENDS_PER_PARTITION))
    ends = np.concatenate([src, dst]).astype(np.int64)
    pair_idx = np.concatenate([np.arange(len(src)), np.arange(len(src))])
    side = np.concatenate([np.zeros(len(src), np.int8), np.ones(len(src), np.int8)])
    shard_of = np.searchsorted(offsets, ends, side="right") - 1
    order = np.lexsort((ends, shard_of))
    ends, pair_idx, side, shard_of = ends[order], pair_idx[order], side[order], shard_of[order]
    maps = []
    for s in np.unique(shard_of).tolist():
        sel = shard_of == s
        maps.append(ex.submit(sets_map, text_shards[s], ends[sel] - offsets[s], pair_idx[sel], side[sel], config.ngram, n_part, num_returns=n_part))
    kept = [ex.submit(verify_reduce, config.verify_threshold, *[m[k] for m in maps]) for k in range(n_part)]
    del maps
    keep = np.concatenate([ex.get(k) for k in kept]).astype(np.int64)
    stats["verified_pairs"] = int(len(keep))
    stats["verify_partitions"] = n_part
    return src[keep], dst[keep]
