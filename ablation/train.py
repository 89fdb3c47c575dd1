"""Train the fixed model on one variant with one seed under the fixed token budget; evaluate; write JSON.

    python -m ablation train --variant default --seed 0 --run out/sample --config tiny

One run, in order:
1. ``prepare``: the variant's shards (running annotate / dedup / select when missing), the shared
   tokenizer (trained once, cached in ``RESULTS/tokenizer/``), the packed token file
   (``RESULTS/tokens/``), the evaluation suite minus the items that overlap the run's text
   (cached in ``RESULTS/contamination/``).
2. ``train``: AdamW, linear warm-up then cosine decay, gradient clipping; batch ``s`` is a function
   of (seed, s) only (data.EpochBatches). A checkpoint (model, optimiser, step, logs) is written
   atomically every ``checkpoint_every`` steps to ``RESULTS/<variant>/<seed>.ckpt``; a run that
   finds one with the same config, data, tokenizer and seed resumes from it and ends exactly where
   an uninterrupted run would. A progress bar shows the step, loss and tokens/s.
3. ``evaluate`` (evaluate.py) and write ``RESULTS/<variant>/<seed>.json``: config, data stats,
   epochs, final metrics, the loss and held-out curves, wall time and tokens/s. The checkpoint is
   deleted once the result is written.

Determinism: the seed fixes the initialisation and the data order; nothing else is random (no
dropout). torch's CPU kernels give bit-identical results for the same thread count, so the thread
count is part of the config (``threads``, set with torch.set_num_threads) and of its key.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import platform
import sys
import time
from pathlib import Path

import torch

from pipeline.io import atomic_path, write_json_atomic

from . import contamination
from .config import AblationConfig
from .data import EpochBatches, PackedData, ensure_variant, pack, shards_fingerprint
from .evaluate import Suite, curve_bpc, evaluate, load_suite, remove_contaminated, suite_items
from .model import GPT
from .tokenizer import Tokenizer, get_tokenizer


def resolve_device(name: str) -> str:
    if name == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return name


def get_lr(step: int, c: AblationConfig) -> float:
    """Linear warm-up to ``lr``, then cosine decay to ``min_lr`` at the last step."""
    if step < c.warmup_steps:
        return c.lr * (step + 1) / c.warmup_steps
    progress = (step - c.warmup_steps) / max(1, c.max_steps - c.warmup_steps)
    return c.min_lr + 0.5 * (1.0 + math.cos(math.pi * min(1.0, progress))) * (c.lr - c.min_lr)


def _atomic_json(path: Path, obj) -> None:
    write_json_atomic(path, obj)


def prepare(variant: str, run_dir: Path, config: AblationConfig, results_dir: Path, inputs=None, executor="local") -> tuple[Tokenizer, PackedData, Suite]:
    shards = ensure_variant(run_dir, variant, inputs, executor)
    tok = get_tokenizer(run_dir, config.tokenizer, results_dir / "tokenizer")
    if tok.vocab_size != config.model.vocab_size:
        raise ValueError(f"tokenizer has {tok.vocab_size} pieces but the model expects {config.model.vocab_size}")
    packed = pack(shards, tok, results_dir / "tokens", variant)
    suite = load_suite(config.eval)
    # contamination against the run's annotated shards = the union of every variant's training text
    annotated = sorted(Path(run_dir, "shards").glob("*.parquet"))
    items = suite_items(suite)
    ec = config.eval
    key = hashlib.sha256(json.dumps([shards_fingerprint(annotated), ec.ngram, ec.contaminated_share, items], ensure_ascii=False).encode()).hexdigest()[:16]
    cache = results_dir / "contamination" / f"{key}.json"
    if cache.exists():
        report = json.loads(cache.read_text(encoding="utf-8"))
    else:
        train = contamination.training_ngrams(contamination.shard_texts(annotated), ec.ngram)
        report = {"ngram": ec.ngram, "threshold": ec.contaminated_share, "checked_against": [str(a) for a in annotated],
                  "sources": contamination.check(items, train, ec.ngram, ec.contaminated_share)}
        _atomic_json(cache, report)
    return tok, packed, remove_contaminated(suite, report)


def train_step(model: GPT, opt: torch.optim.Optimizer, x: torch.Tensor, y: torch.Tensor, lr: float, grad_clip: float) -> float:
    for group in opt.param_groups:
        group["lr"] = lr
    _, loss = model(x, y)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    if grad_clip:
        torch.nn.utils.clip_grad_norm_(model.parameters(), grad_clip)
    opt.step()
    return loss.item()


def run(variant: str, seed: int, run_dir: str | Path, config: AblationConfig, results_dir: str | Path = "results",
        inputs: list[str] | None = None, executor: str = "local", progress: bool = True, stop_after: int | None = None) -> dict | None:
    """One variant x one seed. ``stop_after`` stops after that many steps with a checkpoint (a simulated
    interruption, for tests); the function then returns None."""
    wall0 = time.time()
    run_dir, results_dir = Path(run_dir), Path(results_dir)
    torch.set_num_threads(config.threads)
    device = resolve_device(config.device)
    tok, packed, suite = prepare(variant, run_dir, config, results_dir, inputs, executor)
    c, T, B = config, config.model.block_size, config.batch_size
    batches = EpochBatches(packed.tokens(), T, B, seed)

    torch.manual_seed(seed)
    model = GPT(c.model).to(device)
    opt = model.configure_optimizer(c.weight_decay, c.lr, c.betas)
    identity = {"config_key": c.key(), "data": packed.fingerprint, "tokenizer": tok.key, "variant": variant, "seed": seed}
    ckpt_path = results_dir / variant / f"{seed}.ckpt"
    state = {"step": 0, "train_seconds": 0.0, "loss_log": [], "curve": []}
    resumed_from = None
    if ckpt_path.exists():
        ckpt = torch.load(ckpt_path, map_location=device, weights_only=False)
        if ckpt["identity"] == identity:
            model.load_state_dict(ckpt["model"])
            opt.load_state_dict(ckpt["optimizer"])
            state = ckpt["state"]
            resumed_from = state["step"]
        else:
            print(f"ablation: ignoring {ckpt_path}: it belongs to another config/data/seed", file=sys.stderr)

    def save_checkpoint() -> None:
        with atomic_path(ckpt_path) as tmp:
            torch.save({"identity": identity, "model": model.state_dict(), "optimizer": opt.state_dict(), "state": state}, tmp)

    from tqdm import tqdm

    steps = c.max_steps
    curve_at = {max(1, round(steps * k / c.eval.curve_points)) for k in range(1, c.eval.curve_points + 1)}
    bar = tqdm(total=steps, initial=state["step"], disable=not progress, desc=f"{variant} seed {seed}", unit="step", dynamic_ncols=True)
    window: list[float] = []
    while state["step"] < steps:
        if stop_after is not None and state["step"] >= stop_after:
            save_checkpoint()
            bar.close()
            return None
        step = state["step"]
        x, y = batches.get(step)
        t0 = time.perf_counter()
        loss = train_step(model, opt, x.to(device), y.to(device), get_lr(step, c), c.grad_clip)
        if device == "cuda":
            torch.cuda.synchronize()
        state["train_seconds"] += time.perf_counter() - t0
        state["step"] = step = step + 1
        window.append(loss)
        if step % c.log_every == 0 or step == steps:
            state["loss_log"].append([step, step * B * T, sum(window) / len(window)])
            window = []
        if step in curve_at:
            state["curve"].append([step, step * B * T, curve_bpc(model, tok, suite, c.eval.batch_size, device)])
        if step % c.checkpoint_every == 0 and step < steps:
            save_checkpoint()
        bar.set_postfix(loss=f"{loss:.3f}", tok_s=f"{step * B * T / max(state['train_seconds'], 1e-9):.0f}", epoch=f"{batches.epochs(step):.2f}")
        bar.update(1)
    bar.close()

    eval0 = time.time()
    metrics = evaluate(model, tok, suite, c.eval.batch_size, device)
    eval_seconds = time.time() - eval0
    tokens_seen = steps * B * T
    result = {
        "variant": variant,
        "seed": seed,
        "config_name": c.name,
        "config_key": c.key(),
        "config": c.to_dict(),
        "run_dir": str(run_dir),
        "tokenizer": {"key": tok.key, "vocab_size": tok.vocab_size, **{k: tok.info.get(k) for k in ("sample", "sentencepiece")}},
        "data": packed.stats(),
        "budget": {"token_budget": c.token_budget, "steps": steps, "tokens_seen": tokens_seen, "epochs": round(batches.epochs(steps), 4),
                   "windows": batches.n_windows},
        "model": {"params": model.num_params(non_embedding=False), "params_non_embedding": model.num_params() - c.model.vocab_size * c.model.n_embd},
        "metrics": metrics,
        "eval": {"sizes": suite.sizes(), "notes": suite.notes,
                 "contaminated": {k: v["contaminated"] for k, v in suite.contamination["sources"].items()},
                 "contamination": suite.contamination},
        "curve": {"loss": {"columns": ["step", "tokens", "train_loss_nats_per_token"], "rows": state["loss_log"]},
                  "heldout": {"columns": ["step", "tokens", "bpc_wikipedia_first100"], "rows": state["curve"]}},
        "timing": {"wall_seconds": round(time.time() - wall0, 2), "train_seconds": round(state["train_seconds"], 2),
                   "eval_seconds": round(eval_seconds, 2),
                   "tokens_per_second": round(tokens_seen / max(state["train_seconds"], 1e-9), 1),  # training steps only
                   "resumed_from_step": resumed_from},
        "machine": {"device": device, "threads": c.threads, "torch": torch.__version__, "python": platform.python_version(),
                    "cpu": platform.processor() or platform.machine(), "cpus": os.cpu_count()},
    }
    _atomic_json(results_dir / variant / f"{seed}.json", result)
    ckpt_path.unlink(missing_ok=True)
    return result
