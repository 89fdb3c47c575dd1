"""Settings of the annotate job, in one place.

Every default below is documented here and nowhere else; ``configs/annotate.yaml`` (or any YAML
file given with ``--config``) overrides them by name, and an unknown name is an error.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from pipeline.config import load_overrides


@dataclass(frozen=True)
class AnnotateConfig:
    #: HTTP payloads larger than this are counted as ``too_large`` and never read into memory.
    #: Common Crawl truncates payloads at 1 MiB, so 10 MiB only stops pathological records.
    max_record_bytes: int = 10 * 1024 * 1024
    #: Limit for a compressed (Content-Encoding) payload after decompression: a gzip bomb stops here.
    max_decompressed_bytes: int = 20 * 1024 * 1024
    #: Raw-bytes pre-check: kana needed to call a page "maybe Japanese" (see ja_prefilter).
    prefilter_min_kana: int = 8
    #: Wall-clock limit of one trafilatura call; a pathological page is counted ``extract_timeout``.
    extract_timeout_s: float = 10.0
    #: Extracted texts longer than this are counted ``text_too_long`` (real articles are far shorter).
    max_text_chars: int = 200_000
    #: Keep a document when fastText's Japanese probability is at least this (label must be ``ja``).
    lid_min_score: float = 0.5
    #: Characters of text given to fastText (the language is settled long before).
    lid_max_chars: int = 4000
    #: Score every document with the trained affiliate/adult classifier (p_affiliate, p_adult);
    #: when off, both columns are null.
    classifier: bool = True
    #: Rows buffered before a Parquet row group is flushed (bounds a worker's memory); the
    #: classifier scores the same batch.
    rows_per_row_group: int = 512
    #: Parquet compression codec and level (fixed, so output bytes are reproducible).
    compression: str = "zstd"
    compression_level: int = 3

    @classmethod
    def from_yaml(cls, path: str | Path | None) -> "AnnotateConfig":
        return load_overrides(cls, path)

    def to_dict(self) -> dict:
        return asdict(self)
