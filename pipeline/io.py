"""Atomic writes: a file is either complete under its final name or absent. The only place that renames.

Everything is written to ``<name>.tmp-<pid>`` beside its target and renamed into place only after a
clean finish (``os.replace`` is atomic on POSIX within one file system). An exception, a killed worker
or a killed driver leaves at most a ``.tmp-*`` file, never a half file under the real name, so a
re-run that sees the final name may trust it and skip the work.
"""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.annotate.config import AnnotateConfig


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on a clean exit it becomes ``path``, else it is removed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    try:
        yield tmp
    except BaseException:
        if tmp.exists():
            tmp.unlink()
        raise
    os.replace(tmp, path)


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def write_text_atomic(path: str | Path, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_json_atomic(path: str | Path, obj) -> None:
    write_text_atomic(path, json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=False, default=str))


def write_parquet_atomic(table: pa.Table, path: str | Path, compression: str = "zstd", compression_level: int | None = 3) -> None:
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp, compression=compression, compression_level=compression_level)


class AtomicShardWriter:
    """Stream rows into a Parquet file in row groups of ``rows_per_row_group``; renamed on close."""

    def __init__(self, path: str | Path, schema: pa.Schema, config: AnnotateConfig = AnnotateConfig()):
        self.path = Path(path)
        self.schema = schema
        self.config = config
        self.buffer: list[dict] = []
        self.writer: pq.ParquetWriter | None = None
        self.rows = 0
        self._atomic = None

    def __enter__(self) -> "AtomicShardWriter":
        self._atomic = atomic_path(self.path)
        self.tmp = self._atomic.__enter__()
        self.writer = pq.ParquetWriter(
            self.tmp,
            self.schema,
            compression=self.config.compression,
            compression_level=self.config.compression_level,
            write_statistics=True,
        )
        return self

    def write(self, row: dict) -> None:
        self.buffer.append(row)
        if len(self.buffer) >= self.config.rows_per_row_group:
            self.flush()

    def flush(self) -> None:
        if self.buffer and self.writer is not None:
            self.writer.write_table(pa.Table.from_pylist(self.buffer, schema=self.schema))
            self.rows += len(self.buffer)
            self.buffer.clear()

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                self.flush()
        finally:
            if self.writer is not None:
                self.writer.close()
            self._atomic.__exit__(exc_type, exc, tb)
        return False
