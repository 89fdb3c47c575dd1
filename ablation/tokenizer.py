"""One sentencepiece tokenizer, trained once on a fixed sample and shared by every variant.

The sample is the run's *annotated* shards (``RUN/shards/*.parquet``: every Japanese document the
annotate job kept, i.e. the ``none`` variant, a superset of every variant's data), read in file
order then row order up to ``TokenizerConfig.sample_chars`` characters. No variant gets a tokenizer
fitted to it; and all language-model metrics are reported per character anyway, so a tokenizer that
happens to compress one variant's style better cannot favour it.

Lossless by construction, so bits per character are a true code length for the raw text:
- ``normalization_rule_name="identity"``, no dummy prefix, no whitespace squeezing: decode(encode(s)) == s;
- ``byte_fallback``: a character never seen in the sample is spelled as UTF-8 byte tokens, never <unk>;
- newlines are a user-defined symbol (sentencepiece trains on lines; documents keep theirs), and so is
  the whitespace mark ``▁``, so a space is encoded even when the sample had none. The one exception
  to losslessness: a literal U+2581 in the text decodes as a space (same length, so the character
  count of bits per character is unaffected).

Cached under ``CACHE/<key>/`` where the key hashes the sample text and the settings, so a second run
(any variant, any seed) loads the same model file.

>>> tok = Tokenizer.load(path)                     # doctest: +SKIP
>>> tok.decode(tok.encode("吾輩は猫である。\\n名前はまだ無い。")) == "吾輩は猫である。\\n名前はまだ無い。"
True
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import time
from pathlib import Path

import pyarrow.parquet as pq
import sentencepiece as spm

from pipeline.io import write_bytes_atomic, write_json_atomic

from .config import TokenizerConfig

NEWLINE = "\n"
SPACE = "\u2581"  # sentencepiece's whitespace mark, made a symbol so spaces survive even if the sample has none
EOS_ID = 1  # separates documents in the packed stream; also the "beginning" token at evaluation


def sample_texts(run_dir: str | Path, max_chars: int) -> tuple[list[str], dict]:
    """The fixed tokenizer sample: annotated shards in sorted file order, rows in order, up to max_chars."""
    shards = sorted(Path(run_dir, "shards").glob("*.parquet"))
    if not shards:
        raise FileNotFoundError(f"no annotated shards in {Path(run_dir, 'shards')} (run `python -m pipeline annotate` first)")
    texts: list[str] = []
    n_chars = 0
    for shard in shards:
        for text in pq.read_table(shard, columns=["text"])["text"].to_pylist():
            if not text:
                continue
            texts.append(text)
            n_chars += len(text)
            if n_chars >= max_chars:
                break
        if n_chars >= max_chars:
            break
    desc = {"source": str(Path(run_dir, "shards")), "shards": [s.name for s in shards], "docs": len(texts), "chars": n_chars}
    return texts, desc


def tokenizer_key(texts: list[str], config: TokenizerConfig) -> str:
    h = hashlib.sha256(json.dumps(dataclasses.asdict(config), sort_keys=True).encode())
    h.update(spm.__version__.encode())
    for t in texts:
        h.update(t.encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()[:16]


class Tokenizer:
    """A thin wrapper: encode keeps newlines, eos separates documents."""

    def __init__(self, proto: bytes, key: str, info: dict | None = None):
        self.sp = spm.SentencePieceProcessor(model_proto=proto)
        self.key = key
        self.info = info or {}
        self.vocab_size = self.sp.get_piece_size()
        self.eos_id = self.sp.eos_id()
        assert self.eos_id == EOS_ID

    @classmethod
    def load(cls, directory: str | Path) -> "Tokenizer":
        d = Path(directory)
        info = json.loads((d / "info.json").read_text(encoding="utf-8"))
        return cls((d / "spm.model").read_bytes(), info["key"], info)

    def encode(self, text: str) -> list[int]:
        return self.sp.encode(text)

    def encode_batch(self, texts: list[str]) -> list[list[int]]:
        return self.sp.encode(texts)

    def decode(self, ids: list[int]) -> str:
        return self.sp.decode(ids)


def train_tokenizer(texts: list[str], config: TokenizerConfig) -> bytes:
    """sentencepiece model bytes, deterministic for the same texts and settings (one thread, no sampling)."""
    lines = [line for t in texts for line in t.split(NEWLINE) if line]
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=model,
        vocab_size=config.vocab_size,
        model_type=config.model_type,
        character_coverage=config.character_coverage,
        byte_fallback=True,
        normalization_rule_name="identity",
        remove_extra_whitespaces=False,
        add_dummy_prefix=False,
        allow_whitespace_only_pieces=True,
        split_digits=True,
        user_defined_symbols=[NEWLINE, SPACE],
        max_sentence_length=1 << 16,
        input_sentence_size=0,
        shuffle_input_sentence=False,
        num_threads=1,
        unk_id=0,
        eos_id=EOS_ID,
        bos_id=-1,
        pad_id=-1,
        minloglevel=2,
    )
    return model.getvalue()


def get_tokenizer(run_dir: str | Path, config: TokenizerConfig, cache_dir: str | Path) -> Tokenizer:
    """Load the cached tokenizer for this sample + settings, training it first if absent."""
    texts, desc = sample_texts(run_dir, config.sample_chars)
    key = tokenizer_key(texts, config)
    d = Path(cache_dir, key)
    if (d / "info.json").exists():
        return Tokenizer.load(d)
    t0 = time.time()
    proto = train_tokenizer(texts, config)
    info = {"key": key, "config": dataclasses.asdict(config), "sample": desc, "sentencepiece": spm.__version__, "train_seconds": round(time.time() - t0, 2)}
    d.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(d / "spm.model", proto)
    tok = Tokenizer(proto, key, info)
    ids = tok.encode_batch(texts)
    info["sample"]["tokens"] = sum(map(len, ids))
    info["sample"]["chars_per_token"] = round(desc["chars"] / max(1, info["sample"]["tokens"]), 4)
    write_json_atomic(d / "info.json", info)  # written last: marks the cache entry complete
    return tok
