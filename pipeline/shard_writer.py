"""Atomic Parquet and JSON writing: a shard is either complete under its final name or absent.

Rows stream into ``<name>.tmp-<pid>`` in row groups of ``rows_per_row_group``; only a clean close
renames it (``os.replace`` is atomic on POSIX within one file system). An exception, a killed
worker or a killed driver leaves at most a ``.tmp-*`` file, never a half shard under the real name.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .config import AnnotateConfig


def write_json_atomic(path: str | Path, obj) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    tmp.write_text(json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=False, default=str), encoding="utf-8")
    os.replace(tmp, path)


class AtomicShardWriter:
    def __init__(self, path: str | Path, schema: pa.Schema, config: AnnotateConfig = AnnotateConfig()):
        self.path = Path(path)
        self.schema = schema
        self.config = config
        self.tmp = self.path.with_name(f"{self.path.name}.tmp-{os.getpid()}")
        self.buffer: list[dict] = []
        self.writer: pq.ParquetWriter | None = None
        self.rows = 0

    def __enter__(self) -> "AtomicShardWriter":
        self.path.parent.mkdir(parents=True, exist_ok=True)
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

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self.flush()
            if self.writer is not None:
                self.writer.close()
        finally:
            if exc_type is None:
                os.replace(self.tmp, self.path)
            elif self.tmp.exists():
                self.tmp.unlink()
