"""A variant's shards -> one packed token file -> batches under a fixed token budget.

Packing: every document of ``RUN/variants/<variant>/shards/*.parquet`` (sorted file order, row
order) is encoded and followed by the end-of-document token; the stream is stored as uint16 in
``CACHE/<variant>.<fingerprint>.bin`` (read back as a numpy memmap) with a JSON sidecar of counts.
The fingerprint covers the shard files (name, size, mtime) and the tokenizer, so re-selecting a
variant or changing the tokenizer re-packs.

Batches: the stream is cut into ``W`` windows of ``block_size + 1`` tokens at stride ``block_size``
(inputs and shifted targets). Each epoch visits every window once, in an order drawn from
``(seed, epoch)``; step ``s`` takes the global window positions ``s*B .. s*B+B-1``. So the data seen
by step ``s`` depends only on the seed and ``s`` (a resumed run sees exactly what an uninterrupted
one would), and the budget in windows fixes the number of epochs: a variant with fewer tokens than
the budget is repeated, ``epochs = tokens seen / tokens available``. That is the price of strict
filtering, and the result files report it.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import torch

from pipeline.io import atomic_path, write_json_atomic

from .tokenizer import Tokenizer


def variant_shards(run_dir: str | Path, variant: str) -> list[Path]:
    return sorted(Path(run_dir, "variants", variant, "shards").glob("*.parquet"))


def ensure_variant(run_dir: str | Path, variant: str, inputs: list[str] | None = None, executor: str = "local") -> list[Path]:
    """The variant's shards, running the earlier stages that are missing (annotate, dedup, select).

    In-process calls of the pipeline's own functions: annotate only when the run has no annotated
    shards (on ``inputs``); dedup only when the variant deduplicates and the run has no clusters.
    """
    from pipeline.annotate.config import AnnotateConfig
    from pipeline.annotate.inputs import expand_inputs
    from pipeline.annotate.run import run_annotate
    from pipeline.dedup.config import DedupConfig
    from pipeline.dedup.run import run_dedup
    from pipeline.select.run import DEDUP_TABLE, available_columns, run_select
    from pipeline.select.variants import load_variant

    run_dir = Path(run_dir)
    if not list(Path(run_dir, "shards").glob("*.parquet")):
        if not inputs:
            raise FileNotFoundError(f"{run_dir}/shards has no annotated shards and no --input WARC was given")
        print(f"ablation: annotating {len(inputs)} input(s) into {run_dir}", file=sys.stderr, flush=True)
        summary = run_annotate(expand_inputs(inputs), run_dir, AnnotateConfig(), executor=executor, show_progress=False)
        if summary["inputs_done"] == 0:
            raise RuntimeError(f"annotate failed on every input: {summary['inputs_failed']}")
    if variant_shards(run_dir, variant):
        return variant_shards(run_dir, variant)
    spec = load_variant(variant, available_columns(run_dir))
    if spec.dedup and not (run_dir / DEDUP_TABLE).exists():
        print(f"ablation: variant {variant!r} deduplicates: clustering {run_dir}/shards", file=sys.stderr, flush=True)
        run_dedup(str(run_dir / "shards"), run_dir / "dedup", DedupConfig(), executor=executor)
    print(f"ablation: selecting {variant!r}", file=sys.stderr, flush=True)
    run_select(spec, run_dir, executor=executor)
    shards = variant_shards(run_dir, variant)
    if not shards:
        raise RuntimeError(f"select {variant!r} wrote no shards under {run_dir}/variants/{variant}/shards")
    return shards


def shards_fingerprint(shards: list[Path]) -> str:
    h = hashlib.sha256()
    for s in shards:
        st = s.stat()
        h.update(f"{s.name}\t{st.st_size}\t{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:12]


@dataclass
class PackedData:
    path: Path
    n_docs: int
    n_chars: int
    n_tokens: int
    fingerprint: str

    def tokens(self) -> np.ndarray:
        return np.memmap(self.path, dtype=np.uint16, mode="r", shape=(self.n_tokens,))

    def stats(self) -> dict:
        return {
            "docs": self.n_docs,
            "chars": self.n_chars,
            "tokens": self.n_tokens,
            "chars_per_token": round(self.n_chars / max(1, self.n_tokens), 4),
            "fingerprint": self.fingerprint,
            "packed_file": str(self.path),
        }


def pack(shards: list[Path], tok: Tokenizer, cache_dir: str | Path, name: str) -> PackedData:
    """Tokenise the shards' ``text`` into one uint16 file (cached by shard fingerprint + tokenizer)."""
    assert tok.vocab_size < 1 << 16
    fp = f"{shards_fingerprint(shards)}-{tok.key[:8]}"
    path = Path(cache_dir, f"{name}.{fp}.bin")
    meta_path = path.with_suffix(".json")
    if meta_path.exists():
        m = json.loads(meta_path.read_text())
        return PackedData(path, m["docs"], m["chars"], m["tokens"], fp)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        n_docs = n_chars = n_tokens = 0
        with open(tmp, "wb") as f:
            for shard in shards:
                texts = [t for t in pq.read_table(shard, columns=["text"])["text"].to_pylist() if t]
                for start in range(0, len(texts), 1024):
                    chunk = texts[start : start + 1024]
                    for ids in tok.encode_batch(chunk):
                        ids.append(tok.eos_id)
                        np.asarray(ids, dtype=np.uint16).tofile(f)
                        n_tokens += len(ids)
                    n_docs += len(chunk)
                    n_chars += sum(map(len, chunk))
    meta = {"docs": n_docs, "chars": n_chars, "tokens": n_tokens, "shards": [str(s) for s in shards], "tokenizer": tok.key}
    write_json_atomic(meta_path, meta)
    return PackedData(path, n_docs, n_chars, n_tokens, fp)


class EpochBatches:
    """Batch ``step`` of a seeded, epoch-wise shuffle of fixed windows (see the module docstring)."""

    def __init__(self, tokens: np.ndarray, block_size: int, batch_size: int, seed: int):
        self.tokens, self.T, self.B, self.seed = tokens, block_size, batch_size, seed
        self.n_windows = (len(tokens) - 1) // block_size
        if self.n_windows < 1:
            raise ValueError(f"{len(tokens)} tokens: fewer than one window of {block_size + 1}")
        self._perm_epoch, self._perm = -1, None

    def _order(self, epoch: int) -> np.ndarray:
        if epoch != self._perm_epoch:
            self._perm = np.random.default_rng([self.seed, epoch]).permutation(self.n_windows)
            self._perm_epoch = epoch
        return self._perm

    def get(self, step: int) -> tuple[torch.Tensor, torch.Tensor]:
        rows = []
        for g in range(step * self.B, (step + 1) * self.B):
            epoch, pos = divmod(g, self.n_windows)
            start = int(self._order(epoch)[pos]) * self.T
            rows.append(np.asarray(self.tokens[start : start + self.T + 1], dtype=np.int64))
        w = torch.from_numpy(np.stack(rows))
        return w[:, :-1], w[:, 1:]

    def epochs(self, steps: int) -> float:
        """Passes over the variant's tokens after ``steps`` steps."""
        return steps * self.B / self.n_windows
