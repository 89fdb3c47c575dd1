"""Hash-partitioned grouping of keys: exact-text hashes and LSH band keys -> candidate pairs.

Map (one task per signature side table): every document's keys, each with the document's number
(its row in the run, ``gid``), split into ``partitions`` by ``key % partitions``. Reduce (one task
per partition): sort by key; every run of equal keys is a bucket, and each member of a bucket is
paired with the bucket's first (smallest) document: a star of k-1 pairs, not k(k-1)/2.
Memory of a reduce task: its keys (12 bytes each), the sort's index and the sorted keys, ~3x its
keys; of a map task: its shard's keys and one batch of signatures. Neither grows with the run
beyond its own partition or shard.

Exact duplicates are grouped first; only the first document of an exact group is banded, so a
crawl's many verbatim copies cost one document's band keys (they join through the exact pair).

Incremental runs (``new_from``): documents numbered below ``new_from`` come from an earlier run
whose clusters are known, so a bucket with only old documents makes no pair, and no pair joins two
old documents.
"""

from __future__ import annotations

import math

import numpy as np
import pyarrow.parquet as pq

from pipeline.dedup.components import Forest, forest_from_edges
from pipeline.dedup.signatures import iter_signatures
from pipeline.dedup.minhash import band_keys

Parts = tuple[np.ndarray, np.ndarray]  # (keys uint64, gids uint32) of one partition


def partition_count(partitions: int, keys: int, max_keys_per_partition: int) -> int:
    return partitions or max(4, math.ceil(keys / max_keys_per_partition))


def split_by_partition(keys: np.ndarray, gids: np.ndarray, partitions: int) -> list[Parts]:
    part = (keys % np.uint64(partitions)).astype(np.uint16 if partitions < 1 << 16 else np.uint32)
    order = np.argsort(part, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(part, minlength=partitions))])
    keys, gids = keys[order], gids[order]
    return [(keys[bounds[p] : bounds[p + 1]], gids[bounds[p] : bounds[p + 1]]) for p in range(partitions)]


def exact_map(path: str, offset: int, partitions: int) -> list[Parts]:
    exact = pq.read_table(path, columns=["exact_hash"]).column("exact_hash").to_numpy()
    gids = np.arange(offset, offset + len(exact), dtype=np.uint32)
    return split_by_partition(exact.view(np.uint64), gids, partitions)


def band_map(path: str, offset: int, bands: range, rows: int, partitions: int, skip_rows: np.ndarray) -> list[Parts]:
    """Band keys of the side table's documents, except the rows in ``skip_rows``; the signatures
    are read in batches, so the task holds its keys and one batch of signatures."""
    n = pq.read_metadata(path).num_rows
    keep = np.ones(n, dtype=bool)
    keep[skip_rows] = False
    local = np.flatnonzero(keep)
    keys = np.empty((len(local), len(bands)), dtype=np.uint64)
    for start, sigs in iter_signatures(path):
        lo, hi = np.searchsorted(local, [start, start + len(sigs)])
        keys[lo:hi] = band_keys(sigs[local[lo:hi] - start], bands, rows)
    gids = np.repeat((local + offset).astype(np.uint32), len(bands))
    return split_by_partition(keys.reshape(-1), gids, partitions)


def star_pairs(keys: np.ndarray, gids: np.ndarray, new_from: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(first, member, bucket size) for every non-first member of every bucket of 2+ documents.

    A document has at most one key per bucket (the band is in the key), so the bucket's first
    document is its smallest gid and the others are its members."""
    if len(keys) < 2:
        return np.empty(0, np.uint32), np.empty(0, np.uint32), np.empty(0, np.uint32)
    order = np.argsort(keys)
    keys = keys[order]
    same = keys[1:] == keys[:-1]
    del keys
    in_bucket = np.zeros(len(order), dtype=bool)
    in_bucket[1:] = same
    in_bucket[:-1] |= same
    idx = order[in_bucket]  # only documents in buckets of 2+ from here on, in bucket order
    starts = np.flatnonzero(~np.concatenate([[False], same])[in_bucket])
    del order, same, in_bucket
    g = gids[idx]
    sizes = np.diff(np.append(starts, len(g)))
    first = np.repeat(np.minimum.reduceat(g, starts), sizes) if len(g) else g
    size = np.repeat(sizes, sizes).astype(np.uint32)
    member = g != first
    if new_from is not None:
        member &= g >= new_from  # old-old pairs are known; old-new and new-new are not
    return first[member], g[member], size[member]


def exact_reduce(*parts: Parts) -> tuple[Forest, np.ndarray, np.ndarray]:
    """Exact groups of one partition: their forest (member -> first) and (gid, group size) of
    every document in a group of 2+, sorted by gid."""
    keys = np.concatenate([p[0] for p in parts]) if parts else np.empty(0, np.uint64)
    gids = np.concatenate([p[1] for p in parts]) if parts else np.empty(0, np.uint32)
    first, member, size = star_pairs(keys, gids)
    order = np.argsort(member, kind="stable")
    forest = (member[order], first[order])
    # the first of each group gets the size of its group too
    all_gids = np.concatenate([member, first])
    all_sizes = np.concatenate([size, size])
    all_gids, idx = np.unique(all_gids, return_index=True)
    return forest, all_gids, all_sizes[idx]


def band_reduce(new_from: int | None, as_pairs: bool, *parts: Parts):
    """Buckets of one partition: their forest, or (as_pairs, for verification) the distinct pairs."""
    keys = np.concatenate([p[0] for p in parts]) if parts else np.empty(0, np.uint64)
    gids = np.concatenate([p[1] for p in parts]) if parts else np.empty(0, np.uint32)
    first, member, _ = star_pairs(keys, gids, new_from)
    if as_pairs:
        packed = np.unique((first.astype(np.uint64) << np.uint64(32)) | member.astype(np.uint64))
        return (packed >> np.uint64(32)).astype(np.uint32), (packed & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    return forest_from_edges(first, member)
