"""The annotate job for one input file: its records in, one Parquet shard of annotated Japanese pages out.

Data flow, one record at a time (constant memory): read (``read``) -> the stages (pre-check on
bytes, decode, extract, language ID: ``default_stages``) -> the taggers (quality, NG words, host,
affiliate evidence, then the classifier per row group: ``taggers.default_taggers``) -> row.
``Steps`` (stage.py) runs them, times each and counts every drop under its ``Drop`` reason.
Nothing here knows about Ray: ``run.py`` maps ``annotate_warc`` over files.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Callable, Sequence

import xxhash

from pipeline.annotate.config import AnnotateConfig
from pipeline.annotate.decode import Decode
from pipeline.annotate.extract import Extract
from pipeline.annotate.langid import LanguageId
from pipeline.annotate.prefilter import JaPrefilter
from pipeline.annotate.read import read_warc
from pipeline.annotate.schema import base_row, shard_schema
from pipeline.annotate.stage import Funnel, Stage, Steps, Tagger
from pipeline.annotate.taggers import default_taggers
from pipeline.io import AtomicShardWriter, write_json_atomic


def default_stages(config: AnnotateConfig) -> list[Stage]:
    """pre-check on raw bytes -> decode -> extract -> language ID; each may drop the page."""
    return [
        JaPrefilter(min_kana=config.prefilter_min_kana),
        Decode(),
        Extract(timeout_s=config.extract_timeout_s, max_text_chars=config.max_text_chars),
        LanguageId(min_score=config.lid_min_score, max_chars=config.lid_max_chars),
    ]


def default_steps(config: AnnotateConfig, extra_taggers: Sequence[Tagger] = ()) -> Steps:
    return Steps(default_stages(config), [*default_taggers(config), *extra_taggers])


def doc_id_for(record_id: str, url: str, warc_name: str, offset: int) -> str:
    """Stable across re-runs and machines: a hash of the WARC-Record-ID (or file+offset) and URL."""
    key = f"{record_id}|{url}" if record_id else f"{warc_name}@{offset}|{url}"
    return xxhash.xxh3_128_hexdigest(key.encode("utf-8"))


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
    extra_taggers: Sequence[Tagger] = (),
) -> dict:
    """Annotate one WARC into its shard (atomically) and return its stats; skip if already done.

    ``extra_taggers`` are appended to the default taggers: their columns join the shard."""
    shard, stats_path = shard_paths(input_path, out_dir)
    if is_done(input_path, out_dir):
        return json.loads(stats_path.read_text(encoding="utf-8")) | {"skipped": True}
    for stale in shard.parent.glob(f"{shard.name}.tmp-*"):
        stale.unlink()  # left by an attempt that was killed; this attempt replaces it
    started = time.perf_counter()
    steps = default_steps(config, extra_taggers)
    funnel = Funnel(steps.names)
    counters: dict[str, int] = {}
    reported = 0
    batch: list = []

    def score_and_write(pages: list) -> None:
        steps.finish(pages, funnel)
        t = time.perf_counter()
        for page in pages:
            writer.write(base_row(page, doc_id_for(page.record_id, page.url, input_path, page.offset), input_path) | page.columns)
        funnel.seconds[steps.WRITE] += time.perf_counter() - t

    with AtomicShardWriter(shard, shard_schema(steps.taggers), config) as writer:
        for page in steps.run(read_warc(input_path, config, counters), input_path, funnel):
            batch.append(page)
            if len(batch) >= config.rows_per_row_group:
                score_and_write(batch)
                batch = []
            if progress is not None and counters.get("records", 0) - reported >= progress_every:
                progress(counters["records"] - reported)
                reported = counters["records"]
        score_and_write(batch)
    if progress is not None:
        progress(counters.get("records", 0) - reported)
    stats = {
        "input": input_path,
        "shard": shard.name,
        "records_in": counters.get("records", 0),
        "kept": funnel.kept,
        "dropped": dict(sorted(funnel.dropped.items())),
        "stage_counts": steps.stage_counts(),
        "failures": funnel.failures,
        "seconds": {name: round(funnel.seconds[name], 4) for name in steps.names} | {"total": round(time.perf_counter() - started, 4)},
        "config": config.to_dict(),
    }
    # A WARC_READ_ERROR is counted as one dropped "record" though it was not a record: keep the
    # identity records_in + read errors == kept + sum(dropped) checkable.
    write_json_atomic(stats_path, stats)
    return stats
