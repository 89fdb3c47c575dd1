"""Every setting of an ablation run, in one dataclass with documented defaults, and the named presets.

The comparison is only fair if everything here except the variant and the seed is the same for
every run; ``AblationConfig.key()`` hashes it, and a checkpoint or a result from another config is
never mixed in (resume refuses it, ``compare`` groups by it).

Presets:
- ``tiny``  (CPU, 1 thread): 4 layers, d=128, 4 heads, 8k vocabulary (1.9 M parameters, 0.8 M
  outside the embedding), context 256, batch 8, 0.5 M training tokens per run (244 steps).
  One torch thread, on purpose: on the shared 2-core machine this was built on, two threads ran
  at 470-1,030 tokens/s and one thread at 1,880-1,960 (``bench/trainer_speed.py``, same minute),
  because OpenMP threads wait for each other whenever a neighbour holds a core. At ~2k tokens/s
  a run is ~4 min of training + ~1 min of evaluation, so three variants x three seeds take ~45 min.
  ``--threads 2`` is faster on an idle machine (but is another config: results differ in the
  last bits, so they are not mixed with 1-thread results).
- ``small`` (GPU when CUDA is present): 8 layers, d=512, context 512, 50 M tokens.
- ``test``  (unit tests): a model of a few thousand parameters and a few hundred tokens.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field

from .model import GPTConfig


@dataclass(frozen=True)
class TokenizerConfig:
    """sentencepiece unigram, trained once on a fixed sample (see tokenizer.py) and shared by all variants."""

    vocab_size: int = 8192
    # The sample: the first ``sample_chars`` characters of the run's annotated shards (every Japanese
    # document the annotate job kept = the ``none`` variant, a superset of every variant), in shard
    # file order then row order. On the bundled sample that is all 684 documents (1.06 M characters).
    sample_chars: int = 20_000_000
    character_coverage: float = 0.9995
    model_type: str = "unigram"


@dataclass(frozen=True)
class EvalConfig:
    """Fixed subsets, so every run sees the same items (taken in file order, never sampled)."""

    max_docs_per_source: int = 200  # held-out clean text, per source
    max_chars_per_doc: int = 2000  # long documents (Aozora works) are cut to their first N characters
    max_unwanted: int = 300  # affiliate/adult items of classifiers/eval/labelled.jsonl
    max_pairs: int = 331  # JBLiMP minimal pairs (all 331 validated)
    max_jcola: int = 300
    max_jcqa: int = 200
    batch_size: int = 16
    # contamination: an item is removed when >= this share of its character n-grams occur in the
    # run's annotated shards (the union of every variant's training data: the same items are
    # removed for every variant, so the evaluation sets stay identical across variants)
    ngram: int = 13
    contaminated_share: float = 0.2
    curve_points: int = 4  # held-out bits/char (clean Wikipedia leads) measured this many times during training


@dataclass(frozen=True)
class AblationConfig:
    name: str = "tiny"
    model: GPTConfig = field(default_factory=lambda: GPTConfig(vocab_size=8192, block_size=256, n_layer=4, n_head=4, n_embd=128))
    tokenizer: TokenizerConfig = field(default_factory=TokenizerConfig)
    eval: EvalConfig = field(default_factory=EvalConfig)
    token_budget: int = 500_000  # training tokens per run, the same for every variant (repeated data counts)
    batch_size: int = 8  # sequences per step; tokens per step = batch_size * block_size
    lr: float = 3e-3
    min_lr: float = 3e-4
    warmup_steps: int = 20
    weight_decay: float = 0.1
    betas: tuple[float, float] = (0.9, 0.95)
    grad_clip: float = 1.0
    threads: int = 1  # torch.set_num_threads on CPU: fixed, because results depend on it (reduction order)
    device: str = "cpu"  # "cuda" for small when CUDA is present; "auto" picks it
    checkpoint_every: int = 25  # steps
    log_every: int = 10  # steps; the loss curve stored in the result has one point per log_every steps

    @property
    def tokens_per_step(self) -> int:
        return self.batch_size * self.model.block_size

    @property
    def max_steps(self) -> int:
        return max(1, self.token_budget // self.tokens_per_step)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def key(self) -> str:
        """Hash of everything that changes the trained model; the thread count is included (see ``threads``)."""
        d = self.to_dict()
        for k in ("checkpoint_every", "log_every", "device"):
            d.pop(k)
        return hashlib.sha256(json.dumps(d, sort_keys=True).encode()).hexdigest()[:12]

    def replace(self, **changes) -> "AblationConfig":
        return dataclasses.replace(self, **changes)


CONFIGS: dict[str, AblationConfig] = {
    "tiny": AblationConfig(),
    "small": AblationConfig(
        name="small",
        model=GPTConfig(vocab_size=8192, block_size=512, n_layer=8, n_head=8, n_embd=512),
        token_budget=50_000_000,
        batch_size=32,
        lr=1e-3,
        min_lr=1e-4,
        warmup_steps=100,
        threads=4,
        device="auto",
        checkpoint_every=200,
        log_every=20,
        eval=EvalConfig(max_docs_per_source=500, max_jcola=865, max_jcqa=1119, batch_size=32, curve_points=8),
    ),
    "test": AblationConfig(
        name="test",
        model=GPTConfig(vocab_size=1024, block_size=32, n_layer=2, n_head=2, n_embd=32),
        tokenizer=TokenizerConfig(vocab_size=1024, sample_chars=30_000, character_coverage=0.98),
        eval=EvalConfig(max_docs_per_source=4, max_chars_per_doc=200, max_unwanted=4, max_pairs=4, max_jcola=4, max_jcqa=4, curve_points=2),
        token_budget=32 * 4 * 6,
        batch_size=4,
        lr=3e-3,
        warmup_steps=1,
        threads=1,
        checkpoint_every=2,
        log_every=1,
    ),
}


def get_config(name: str, **overrides) -> AblationConfig:
    if name not in CONFIGS:
        raise KeyError(f"unknown config {name!r} (known: {sorted(CONFIGS)})")
    return CONFIGS[name].replace(**overrides) if overrides else CONFIGS[name]
