"""Tokens/s of the ablation trainer (training steps and evaluation forward passes) on this machine.

    python bench/trainer_speed.py [--config tiny] [--steps 30] [--threads N ...]

Times ``--steps`` training steps (after 3 warm-up steps) of the config's model and batch on random
tokens (speed does not depend on the data), then forward-only evaluation batches. On CPU each
thread count given is measured; with CUDA present the ``small`` config is measured on the GPU too.
Writes ``bench/results/trainer_<device>.json``; the load average is recorded because the 2-core
machine this was built on is shared, and a busy neighbour halves the figure.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from ablation.config import get_config  # noqa: E402
from ablation.model import GPT  # noqa: E402
from ablation.train import train_step  # noqa: E402


def measure(config_name: str, device: str, threads: int, steps: int) -> dict:
    c = get_config(config_name)
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = GPT(c.model).to(device)
    opt = model.configure_optimizer(c.weight_decay, c.lr, c.betas)
    B, T, V = c.batch_size, c.model.block_size, c.model.vocab_size
    x = torch.randint(0, V, (B, T), device=device)
    y = torch.randint(0, V, (B, T), device=device)
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    for _ in range(3):
        train_step(model, opt, x, y, c.lr, c.grad_clip)
    sync()
    t0 = time.perf_counter()
    for _ in range(steps):
        train_step(model, opt, x, y, c.lr, c.grad_clip)
    sync()
    train_s = time.perf_counter() - t0
    model.eval()
    eb = c.eval.batch_size
    xe = torch.randint(0, V, (eb, T), device=device)
    with torch.no_grad():
        model(xe, xe, reduction="none")
        sync()
        t0 = time.perf_counter()
        for _ in range(max(3, steps // 3)):
            model(xe, xe, reduction="none")
        sync()
        eval_s = time.perf_counter() - t0
    return {
        "config": config_name, "device": device, "threads": threads, "params": model.num_params(non_embedding=False),
        "model": c.to_dict()["model"], "batch_size": B, "steps": steps,
        "train_tokens_per_s": round(steps * B * T / train_s, 1),
        "eval_tokens_per_s": round(max(3, steps // 3) * eb * T / eval_s, 1),
        "budget_minutes_at_this_speed": round(c.token_budget / (steps * B * T / train_s) / 60, 2),
        "loadavg_1min_after": round(os.getloadavg()[0], 2),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--config", default="tiny")
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--threads", type=int, nargs="*", default=None, help="CPU thread counts to measure (default: the config's)")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    rows = []
    for threads in args.threads or [get_config(args.config).threads]:
        rows.append(measure(args.config, "cpu", threads, args.steps))
        print(json.dumps(rows[-1]))
    device = "cpu"
    if torch.cuda.is_available():
        device = "cuda"
        for name in ("tiny", "small"):
            rows.append(measure(name, "cuda", get_config(name).threads, max(args.steps, 50)))
            print(json.dumps(rows[-1]))
    out = Path(args.out) if args.out else Path(__file__).resolve().parent / "results" / f"trainer_{device}.json"
    result = {
        "machine": {"cpu": platform.processor() or platform.machine(), "cpus": os.cpu_count(), "torch": torch.__version__,
                    "gpu": torch.cuda.get_device_name(0) if device == "cuda" else None, "python": platform.python_version()},
        "loadavg_before": round(os.getloadavg()[0], 2),
        "rows": rows,
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"-> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
