"""A single-process reference of the cluster step, written to be obviously right, not fast.

Plain Python: dicts of buckets keyed by the band's values themselves (not by the 64-bit band keys
of the real path), a union-find with path halving, sets of n-gram strings for verification. Same
rules as the real path: exact groups first; only an exact group's first document is banded; each
bucket pairs its members with its first document; a component is named by its smallest number.
Tests and bench/dedup_eval.py compare the real path against it.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pyarrow.parquet as pq

from pipeline.dedup.config import DedupConfig
from pipeline.dedup.signatures import read_meta, read_signatures
from pipeline.dedup.minhash import shingles


def reference_clusters(paths: list[str], config: DedupConfig) -> dict[str, list[int]]:
    """{"root": smallest document of each document's cluster, "size": its size, "exact_size": ...}."""
    sigs, exact, sources, rows = [], [], [], []
    for p in paths:
        sigs.extend(read_signatures(p).tolist())
        exact.extend(pq.read_table(p, columns=["exact_hash"]).column("exact_hash").to_pylist())
        sources.append(read_meta(p).get("source"))
        rows.append(pq.read_metadata(p).num_rows)
    n = len(sigs)
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    groups: dict[int, list[int]] = defaultdict(list)
    for gid, h in enumerate(exact):
        groups[h].append(gid)
    exact_size = [len(groups[h]) for h in exact]
    banded = [g[0] for g in groups.values()]
    for g in groups.values():
        for other in g[1:]:
            union(g[0], other)

    texts = _texts(sources, rows) if config.verify_threshold > 0 else None
    pairs = set()
    for band in range(config.bands):
        lo, hi = band * config.rows, (band + 1) * config.rows
        first: dict[tuple, int] = {}
        for gid in sorted(banded):
            key = tuple(sigs[gid][lo:hi])
            if key in first:
                pairs.add((first[key], gid))
            else:
                first[key] = gid
    for a, b in sorted(pairs):
        if texts is not None:
            sa, sb = set(shingles(texts[a], config.ngram)), set(shingles(texts[b], config.ngram))
            union_size = len(sa | sb)
            if union_size and len(sa & sb) / union_size < config.verify_threshold:
                continue
        union(a, b)
    root = [find(i) for i in range(n)]
    size = np.bincount(root, minlength=n)
    return {"root": root, "size": [int(size[r]) for r in root], "exact_size": exact_size}


def _texts(sources: list[str], rows: list[int]) -> list[str]:
    texts: list[str] = []
    for src, n in zip(sources, rows):
        col = pq.read_table(src, columns=["text"]).column("text").to_pylist()
        assert len(col) == n, f"{src}: shard and side table differ in rows"
        texts.extend(t or "" for t in col)
    return texts
