"""The Parquet schema of an annotated shard (documented column by column in README.md).

Signals are columns of their own, typed, so a variant can select on them with a Parquet filter.
"""

from __future__ import annotations

import pyarrow as pa

from .affiliate_evidence import AFFILIATE_EVIDENCE_TYPES
from .host_signals import HOST_SIGNAL_TYPES
from .ngword_signals import NGWORD_SIGNAL_TYPES
from .quality_signals import SIGNAL_TYPES

BASE_COLUMNS: list[tuple[str, pa.DataType, str]] = [
    ("doc_id", pa.string(), "xxh3-128 hex of WARC-Record-ID + URL: stable across re-runs"),
    ("url", pa.string(), "WARC-Target-URI (wget's <...> removed)"),
    ("host", pa.string(), "lower-cased host name of the URL"),
    ("warc_file", pa.string(), "the input WARC as given (path or URL)"),
    ("warc_offset", pa.int64(), "byte offset of the record in the (compressed) WARC"),
    ("warc_record_id", pa.string(), "WARC-Record-ID"),
    ("crawl_date", pa.timestamp("ms", tz="UTC"), "WARC-Date; null when the header is invalid"),
    ("content_type", pa.string(), "HTTP Content-Type header"),
    ("charset", pa.string(), "Python codec the page was decoded with (cp932, euc_jp, utf-8, ...)"),
    ("charset_source", pa.string(), "where the charset came from: header | meta | bom | detected | fallback"),
    ("prefilter_evidence", pa.string(), "the raw-bytes rule that let the page through"),
    ("html_bytes", pa.int32(), "payload size after de-chunking and decompression"),
    ("text", pa.string(), "trafilatura main text"),
    ("lid_label", pa.string(), "fastText lid.176 top label"),
    ("lid_score", pa.float32(), "probability of the top label"),
    ("lid_ja_score", pa.float32(), "probability of ja"),
]

_TYPES = {
    "int32": pa.int32(),
    "int64": pa.int64(),
    "float32": pa.float32(),
    "float64": pa.float64(),
    "bool": pa.bool_(),
    "string": pa.string(),
    "list<string>": pa.list_(pa.string()),
}

#: Trained affiliate/adult classifier (classifiers/), scored in batches by the annotate job.
CLASSIFIER_TYPES: dict[str, str] = {"p_affiliate": "float32", "p_adult": "float32"}

#: Signal families in column order: quality (text), NG words (text), host/URL, affiliate
#: evidence (HTML), classifier probabilities (text).
SIGNAL_FAMILIES: dict[str, dict[str, str]] = {
    "quality": SIGNAL_TYPES,
    "ngwords": NGWORD_SIGNAL_TYPES,
    "host": HOST_SIGNAL_TYPES,
    "affiliate": AFFILIATE_EVIDENCE_TYPES,
    "classifier": CLASSIFIER_TYPES,
}

SHARD_SCHEMA = pa.schema(
    [pa.field(name, typ) for name, typ, _ in BASE_COLUMNS]
    + [pa.field(name, _TYPES[typ]) for family in SIGNAL_FAMILIES.values() for name, typ in family.items()]
)
