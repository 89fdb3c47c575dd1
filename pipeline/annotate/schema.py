"""The Parquet schema of an annotated shard (documented column by column in README.md).

Signals are columns of their own, typed, so a variant can select on them with a Parquet filter.
The base columns come from the record and the stages (``base_row``); every other column is a
tagger's (``pipeline/annotate/taggers/``), so the schema is derived, never listed twice.
"""

from __future__ import annotations

import pyarrow as pa


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

def shard_schema(taggers) -> pa.Schema:
    """The base columns, then every tagger's columns in tagger order."""
    return pa.schema([pa.field(name, typ) for name, typ, _ in BASE_COLUMNS]
                     + [pa.field(name, typ) for t in taggers for name, typ in t.columns.items()])


def default_schema() -> pa.Schema:
    from pipeline.annotate.config import AnnotateConfig
    from pipeline.annotate.taggers import default_taggers

    return shard_schema(default_taggers(AnnotateConfig()))


#: The schema of a shard written with the default taggers.
SHARD_SCHEMA = default_schema()


def base_row(page, doc_id: str, source: str) -> dict:
    """The base columns of one page, in ``BASE_COLUMNS`` order."""
    return {
        "doc_id": doc_id,
        "url": page.url,
        "host": page.host,
        "warc_file": source,
        "warc_offset": page.offset,
        "warc_record_id": page.record_id,
        "crawl_date": page.crawl_date,
        "content_type": page.content_type,
        "charset": page.charset,
        "charset_source": page.charset_source,
        "prefilter_evidence": page.prefilter_evidence,
        "html_bytes": page.html_bytes,
        "text": page.text,
        "lid_label": page.lid_label,
        "lid_score": page.lid_score,
        "lid_ja_score": page.lid_ja_score,
    }
