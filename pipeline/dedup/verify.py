"""Optional check of LSH candidate pairs by the true Jaccard of their n-gram sets.

LSH makes a pair of two documents that agree on one band, whatever their real similarity; with
few rows per band that includes pairs well below the threshold. This drops them, partitioned like
the buckets so that no task holds every text:
1. one task per text shard reads the texts of its documents that are in a pair, hashes their
   n-grams (64-bit, so the set Jaccard is exact up to a ~2^-64 collision) and sends each set to
   the partition of each pair it is in (``pair index % partitions``);
2. one task per partition joins the two sets of each of its pairs and keeps the pair when
   |A & B| / |A | B| >= threshold.
A task holds one shard's batch of texts, or the sets of its own pairs.
"""

from __future__ import annotations

import numpy as np
import pyarrow.parquet as pq

from pipeline.dedup.normalize import normalized_codepoints
from pipeline.dedup.minhash import ngram_hashes64

SetParts = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # pair index, side, lengths, values


def ngram_set(text: str, ngram: int) -> np.ndarray:
    """Sorted distinct 64-bit hashes of the normalised text's character n-grams."""
    cps = normalized_codepoints(text)
    if len(cps) == 0:
        return np.empty(0, dtype=np.uint64)
    h = np.sort(ngram_hashes64(cps, ngram))
    return h[np.concatenate([[True], h[1:] != h[:-1]])]


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    if len(a) == 0 and len(b) == 0:
        return 1.0
    inter = len(np.intersect1d(a, b, assume_unique=True))
    return inter / (len(a) + len(b) - inter)


def sets_map(text_shard: str, rows: np.ndarray, pair_idx: np.ndarray, side: np.ndarray, ngram: int, partitions: int, batch_size: int = 2048) -> list[SetParts]:
    """Sets of the shard rows ``rows`` (sorted, may repeat: one entry per pair end) by partition."""
    wanted = np.unique(rows)
    sets: dict[int, np.ndarray] = {}
    base = 0
    for batch in pq.ParquetFile(text_shard).iter_batches(batch_size=batch_size, columns=["text"]):
        lo, hi = np.searchsorted(wanted, [base, base + batch.num_rows])
        if hi > lo:
            texts = batch.column("text")
            for r in wanted[lo:hi].tolist():
                sets[r] = ngram_set(texts[r - base].as_py() or "", ngram)
        base += batch.num_rows
    part = pair_idx % partitions
    out = []
    for p in range(partitions):
        sel = np.flatnonzero(part == p)
        chosen = [sets[r] for r in rows[sel].tolist()]
        lengths = np.array([len(s) for s in chosen], dtype=np.int64)
        values = np.concatenate(chosen) if chosen else np.empty(0, np.uint64)
        out.append((pair_idx[sel], side[sel], lengths, values))
    return out


def verify_reduce(threshold: float, *parts: SetParts) -> np.ndarray:
    """Indices of this partition's pairs whose Jaccard is >= threshold."""
    ends: dict[tuple[int, int], np.ndarray] = {}
    for pair_idx, side, lengths, values in parts:
        offsets = np.concatenate([[0], np.cumsum(lengths)])
        for i, (p, s) in enumerate(zip(pair_idx.tolist(), side.tolist())):
            ends[(p, s)] = values[offsets[i] : offsets[i + 1]]
    kept = [p for p, s in ends if s == 0 and jaccard(ends[(p, 0)], ends[(p, 1)]) >= threshold]
    return np.array(sorted(kept), dtype=np.int64)
