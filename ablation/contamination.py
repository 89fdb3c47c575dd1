"""Overlap of evaluation items with training text, by character n-grams.

Common Crawl holds copies of Wikipedia and Aozora Bunko, so a held-out bits-per-character figure can
be a memorisation figure. Before evaluating, every item is compared with the training text: the
share of the item's character n-grams (after NFKC and removing whitespace, so width and spacing do
not hide a copy) that occur anywhere in the training text. At or above a threshold the item is
contaminated and removed.

The training text checked is the run's annotated shards: the union of every variant's data. So the
same items are removed for every variant and all variants are evaluated on identical sets.

Example: a web page that quotes a Wikipedia lead verbatim shares every 13-gram of it (share 1.0); a
Wikipedia lead and an unrelated page about the same town share a few names (share ~0.0-0.05).
Items shorter than n characters cannot be checked and are kept (reported as ``unchecked``).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Iterable

import pyarrow.parquet as pq


def normalise(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def ngram_hashes(text: str, n: int) -> set[int]:
    t = normalise(text)
    return {hash(t[i : i + n]) for i in range(len(t) - n + 1)}


def training_ngrams(texts: Iterable[str], n: int) -> set[int]:
    seen: set[int] = set()
    for text in texts:
        t = normalise(text)
        seen.update(hash(t[i : i + n]) for i in range(len(t) - n + 1))
    return seen


def shard_texts(shards: list[Path]) -> Iterable[str]:
    for shard in shards:
        yield from (t for t in pq.read_table(shard, columns=["text"])["text"].to_pylist() if t)


def overlap_share(text: str, train: set[int], n: int) -> float | None:
    """Share of the text's character n-grams found in the training set; None when shorter than n."""
    grams = ngram_hashes(text, n)
    if not grams:
        return None
    return sum(g in train for g in grams) / len(grams)


def check(items: dict[str, list[tuple[str, str]]], train: set[int], n: int, threshold: float) -> dict:
    """``items``: source -> [(item id, text)]. Returns per source the contaminated ids and counts."""
    report = {}
    for source, pairs in items.items():
        flagged, unchecked = [], 0
        for item_id, text in pairs:
            share = overlap_share(text, train, n)
            if share is None:
                unchecked += 1
            elif share >= threshold:
                flagged.append({"id": item_id, "share": round(share, 3), "text": text[:80]})
        report[source] = {"items": len(pairs), "contaminated": len(flagged), "unchecked": unchecked, "flagged": flagged}
    return report
