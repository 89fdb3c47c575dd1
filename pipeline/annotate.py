"""The annotate stage: one WARC file in, one Parquet shard of annotated Japanese pages out.

Data flow, one record at a time (constant memory):
read (warc_reader) -> pre-check on bytes (ja_prefilter) -> decode -> extract (trafilatura)
-> language ID (fastText) -> quality signals -> row.
Every record that does not become a row is counted under a ``Drop`` reason; failures that mean
bad input (truncated, undecodable, timeouts, a broken stream) are also logged with file and offset.
Nothing here knows about Ray: ``driver.py`` maps ``annotate_warc`` over files.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections import Counter
from pathlib import Path
from typing import Callable, Iterator

import xxhash

from .config import AnnotateConfig
from .decode import DecodeError, decode_html
from .extract import ExtractTimeout, extract_text
from .ja_prefilter import ja_prefilter
from .langid import identify_language
from .affiliate_evidence import affiliate_evidence
from .host_signals import host_signals
from .ngword_signals import ngword_signals
from .quality_signals import quality_signals
from .reasons import Drop
from .schema import SHARD_SCHEMA
from .shard_writer import AtomicShardWriter, write_json_atomic
from .warc_reader import Dropped, PageRecord, read_warc

log = logging.getLogger(__name__)

#: Reasons that mean something was wrong with the input (logged with file + offset, kept in stats).
FAILURE_REASONS = frozenset(
    {Drop.TRUNCATED, Drop.DECODE_ERROR, Drop.EXTRACT_TIMEOUT, Drop.EXTRACT_ERROR, Drop.TOO_LARGE, Drop.CONTENT_ENCODING, Drop.WARC_READ_ERROR}
)
MAX_FAILURES_KEPT = 200
STAGES = ("read", "prefilter", "decode", "extract", "langid", "signals", "ngwords", "host", "affiliate", "classifier", "write")


def doc_id_for(record_id: str, url: str, warc_name: str, offset: int) -> str:
    """Stable across re-runs and machines: a hash of the WARC-Record-ID (or file+offset) and URL."""
    key = f"{record_id}|{url}" if record_id else f"{warc_name}@{offset}|{url}"
    return xxhash.xxh3_128_hexdigest(key.encode("utf-8"))


class Funnel:
    """Counts and stage times of one WARC file (merged across files by the driver)."""

    def __init__(self) -> None:
        self.dropped: Counter[str] = Counter()
        self.kept = 0
        self.seconds: Counter[str] = Counter()
        self.failures: list[dict] = []
        self.prefilter_evidence: Counter[str] = Counter()
        self.charsets: Counter[str] = Counter()

    def drop(self, reason: Drop, warc: str, offset: int, url: str = "", detail: str = "") -> None:
        self.dropped[reason.value] += 1
        if reason in FAILURE_REASONS:
            log.warning("%s: %s at offset %d %s %s", warc, reason.value, offset, url, detail)
            if len(self.failures) < MAX_FAILURES_KEPT:
                self.failures.append({"reason": reason.value, "offset": offset, "url": url, "detail": detail[:300]})


def annotate_records(
    records: Iterator[PageRecord | Dropped], warc_name: str, config: AnnotateConfig, funnel: Funnel
) -> Iterator[dict]:
    """Turn a record stream into rows; every non-row is counted in ``funnel``."""
    clock = time.perf_counter
    t = clock()
    for item in records:
        now = clock()
        funnel.seconds["read"] += now - t
        t = now
        if isinstance(item, Dropped):
            funnel.drop(item.reason, warc_name, item.offset, item.url, item.detail)
            continue
        rec = item
        pre = ja_prefilter(rec.body, rec.content_type, min_kana=config.prefilter_min_kana)
        now = clock()
        funnel.seconds["prefilter"] += now - t
        t = now
        if not pre.keep:
            funnel.drop(Drop.NOT_JAPANESE_PRECHECK, warc_name, rec.offset, rec.url)
            continue
        funnel.prefilter_evidence[pre.evidence] += 1
        try:
            decoded = decode_html(rec.body, rec.content_type)
        except DecodeError as exc:
            funnel.drop(Drop.DECODE_ERROR, warc_name, rec.offset, rec.url, str(exc))
            t = clock()
            continue
        now = clock()
        funnel.seconds["decode"] += now - t
        t = now
        try:
            text = extract_text(decoded.text, url=rec.url, timeout_s=config.extract_timeout_s)
        except ExtractTimeout as exc:
            funnel.drop(Drop.EXTRACT_TIMEOUT, warc_name, rec.offset, rec.url, str(exc))
            text = None
        except Exception as exc:  # trafilatura/lxml raise many types on hostile markup
            funnel.drop(Drop.EXTRACT_ERROR, warc_name, rec.offset, rec.url, f"{type(exc).__name__}: {exc}")
            text = None
        now = clock()
        funnel.seconds["extract"] += now - t
        t = now
        if text is None:
            continue
        if not text.strip():
            funnel.drop(Drop.NO_TEXT, warc_name, rec.offset, rec.url)
            continue
        if len(text) > config.max_text_chars:
            funnel.drop(Drop.TEXT_TOO_LONG, warc_name, rec.offset, rec.url, f"{len(text)} chars")
            continue
        label, score, ja_score = identify_language(text, max_chars=config.lid_max_chars)
        now = clock()
        funnel.seconds["langid"] += now - t
        t = now
        if label != "ja" or ja_score < config.lid_min_score:
            funnel.drop(Drop.NOT_JAPANESE_LID, warc_name, rec.offset, rec.url, f"{label} {score:.2f}")
            continue
        signals = quality_signals(text)
        now = clock()
        funnel.seconds["signals"] += now - t
        t = now
        ngwords = ngword_signals(text, n_ja_letters=signals["n_ja_letters"])
        now = clock()
        funnel.seconds["ngwords"] += now - t
        t = now
        host = host_signals(rec.url, rec.host)
        now = clock()
        funnel.seconds["host"] += now - t
        t = now
        affiliate = affiliate_evidence(decoded.text, rec.url)  # needs the HTML: links, PR markers
        funnel.charsets[decoded.charset] += 1
        row = {
            "doc_id": doc_id_for(rec.record_id, rec.url, warc_name, rec.offset),
            "url": rec.url,
            "host": rec.host,
            "warc_file": warc_name,
            "warc_offset": rec.offset,
            "warc_record_id": rec.record_id,
            "crawl_date": rec.crawl_date,
            "content_type": rec.content_type,
            "charset": decoded.charset,
            "charset_source": decoded.source,
            "prefilter_evidence": pre.evidence,
            "html_bytes": len(rec.body),
            "text": text,
            "lid_label": label,
            "lid_score": score,
            "lid_ja_score": ja_score,
            **signals,
            **ngwords,
            **host,
            **affiliate,
        }
        now = clock()
        funnel.seconds["affiliate"] += now - t
        funnel.kept += 1
        yield row
        t = clock()


def shard_paths(input_path: str, out_dir: str | Path) -> tuple[Path, Path]:
    """``out/shards/<warc stem>.<8 hex of the full input path>.parquet`` and its ``.stats.json``.

    The hash keeps two inputs with the same file name (from different crawls) apart.
    """
    name = os.path.basename(input_path.rstrip("/"))
    for suffix in (".gz", ".warc", ".arc"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    stem = f"{name}.{xxhash.xxh32_hexdigest(input_path.encode('utf-8'))}"
    shards = Path(out_dir) / "shards"
    return shards / f"{stem}.parquet", shards / f"{stem}.stats.json"


def is_done(input_path: str, out_dir: str | Path) -> bool:
    """A WARC is finished when its stats JSON exists (written only after the shard's rename)."""
    shard, stats = shard_paths(input_path, out_dir)
    return stats.exists() and shard.exists()


def annotate_warc(
    input_path: str,
    out_dir: str | Path,
    config: AnnotateConfig = AnnotateConfig(),
    progress: Callable[[int], None] | None = None,
    progress_every: int = 1000,
) -> dict:
    """Annotate one WARC into its shard (atomically) and return its stats; skip if already done."""
    shard, stats_path = shard_paths(input_path, out_dir)
    if is_done(input_path, out_dir):
        return json.loads(stats_path.read_text(encoding="utf-8")) | {"skipped": True}
    for stale in shard.parent.glob(f"{shard.name}.tmp-*"):
        stale.unlink()  # left by an attempt that was killed; this attempt replaces it
    started = time.perf_counter()
    funnel = Funnel()
    counters: dict[str, int] = {}
    reported = 0
    records = read_warc(input_path, config, counters)
    batch: list[dict] = []

    def score_and_write(rows: list[dict]) -> None:
        t = time.perf_counter()
        if config.classifier and rows:
            from classifiers.inference import predict  # loaded once per process

            for row, (p_aff, p_adult) in zip(rows, predict([r["text"] for r in rows])):
                row["p_affiliate"], row["p_adult"] = p_aff, p_adult
        t2 = time.perf_counter()
        funnel.seconds["classifier"] += t2 - t
        for row in rows:
            writer.write(row)
        funnel.seconds["write"] += time.perf_counter() - t2

    with AtomicShardWriter(shard, SHARD_SCHEMA, config) as writer:
        for row in annotate_records(records, input_path, config, funnel):
            batch.append(row)
            if len(batch) >= config.rows_per_row_group:
                score_and_write(batch)
                batch = []
            if progress is not None and counters.get("records", 0) - reported >= progress_every:
                progress(counters["records"] - reported)
                reported = counters["records"]
        score_and_write(batch)
    if progress is not None:
        progress(counters.get("records", 0) - reported)
    records_in = counters.get("records", 0)
    stats = {
        "input": input_path,
        "shard": shard.name,
        "records_in": records_in,
        "kept": funnel.kept,
        "dropped": dict(sorted(funnel.dropped.items())),
        "prefilter_evidence": dict(sorted(funnel.prefilter_evidence.items())),
        "charsets": dict(sorted(funnel.charsets.items())),
        "failures": funnel.failures,
        "seconds": {stage: round(funnel.seconds[stage], 4) for stage in STAGES}
        | {"total": round(time.perf_counter() - started, 4)},
        "config": config.to_dict(),
    }
    # A WARC_READ_ERROR is counted as one dropped "record" though it was not a record: keep the
    # identity records_in + read errors == kept + sum(dropped) checkable.
    write_json_atomic(stats_path, stats)
    return stats
