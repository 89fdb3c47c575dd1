"""Settings of the dedup pass, in one place.

Every default is documented here and nowhere else; ``configs/dedup.yaml`` (or any YAML file given
with ``--config``) overrides them by name, and an unknown name is an error. The figures behind the
defaults are in bench/README.md (bench/dedup_eval.py, bench/dedup_speed.py).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from pipeline.config import load_overrides


@dataclass(frozen=True)
class DedupConfig:
    #: Characters per shingle (Swallow: 5-grams of characters; Japanese has no word spaces).
    ngram: int = 5
    #: LSH bands x rows per band; the signature has bands * rows permutations. Two documents become
    #: candidates when all rows of at least one band agree: probability 1 - (1 - J^rows)^bands at
    #: Jaccard J, midpoint about (1/bands)^(1/rows). Measured on the sample's 170 livedoor gold
    #: pairs (bench/dedup_eval.py, mean of 5 seeds; most gold pairs have a character 5-gram
    #: Jaccard of 0.6-0.8), share of gold pairs in one cluster / livedoor pairs merged at a true
    #: Jaccard below 0.5: FineWeb's 14 x 8 (midpoint 0.72) 0.77 / 37; Swallow's 40 x 20 (0.83)
    #: 0.30 / 0; 20 x 6 (0.61) 0.82 / 156; 20 x 5 (0.55) 0.88 / 199, or 0.87 / 63 with
    #: verify_threshold 0.5. 14 x 8 is the default: 2.5x Swallow's recall, few false merges,
    #: 112 permutations (Swallow's 800 make signatures ~3x slower: 753 vs 2,112 docs/s).
    bands: int = 14
    rows: int = 8
    #: datasketch's seed for drawing the permutations (its default).
    seed: int = 1
    #: Keep a candidate pair only when the true Jaccard of the two texts' n-gram sets is at least
    #: this (0 = no check: every LSH candidate pair is an edge). Off by default: it re-reads the
    #: texts of the documents in candidate pairs and ships one n-gram set (8 bytes per n-gram,
    #: ~12 KB for a 1,500-character article) per pair end between tasks: 0.74 ms per pair and
    #: ~5 KB per document in one process (bench/dedup_speed.py, 50,000 real-text documents), far
    #: over the cluster step's budget; worth it with few rows per band (20 x 5 above).
    verify_threshold: float = 0.0
    #: Hash partitions of band keys (0 = enough for max_keys_per_partition, at least 4).
    partitions: int = 0
    #: Band keys one bucket task may hold (12 bytes each: uint64 key + uint32 document number; the
    #: task peaks at about 3x that while sorting: ~40 MB for 1M keys).
    max_keys_per_partition: int = 1_000_000
    #: Bands hashed and grouped per round (0 = all in one round). Band keys in flight are
    #: documents x bands_per_round x 12 bytes (7: 84 B per document, under a third of the 300 B
    #: budget of the cluster step); each further round reads the signatures again.
    bands_per_round: int = 7
    #: Rows read from a shard at a time by the signature pass (bounds its memory).
    rows_per_batch: int = 2048
    #: Parquet compression of the side tables (fixed, so output bytes are reproducible).
    compression: str = "zstd"
    compression_level: int = 3

    @property
    def num_perm(self) -> int:
        return self.bands * self.rows

    @property
    def rounds(self) -> list[range]:
        per = self.bands_per_round or self.bands
        return [range(s, min(s + per, self.bands)) for s in range(0, self.bands, per)]

    def __post_init__(self) -> None:
        for name in ("ngram", "bands", "rows", "rows_per_batch", "max_keys_per_partition"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1")
        if not 0.0 <= self.verify_threshold <= 1.0:
            raise ValueError("verify_threshold must be in [0, 1]")

    @classmethod
    def from_yaml(cls, path: str | Path | None) -> "DedupConfig":
        return load_overrides(cls, path)

    def to_dict(self) -> dict:
        return asdict(self) | {"num_perm": self.num_perm}

    def signature_key(self) -> dict:
        """What a stored signature depends on: a side table with other values is recomputed."""
        return {"ngram": self.ngram, "num_perm": self.num_perm, "seed": self.seed, "scheme": "affine32", "normalize": "nfkc-lower-ws/1", "shingle_hash": "poly-fmix64/1", "stored_as": "fixed_size_binary-le-uint32"}
