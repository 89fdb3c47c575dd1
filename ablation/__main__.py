"""Command line: ``python -m ablation train ...`` and ``python -m ablation compare ...``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ablation", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    tr = sub.add_parser("train", help="train + evaluate one variant for one or more seeds -> RESULTS/<variant>/<seed>.json")
    tr.add_argument("--variant", required=True, help="variant name (pipeline/variants/<name>.yaml)")
    seeds = tr.add_mutually_exclusive_group()
    seeds.add_argument("--seed", type=int, help="one seed")
    seeds.add_argument("--seeds", type=int, help="N seeds: 0 .. N-1 (default: --seed 0)")
    tr.add_argument("--run", default="out/sample", help="pipeline run directory (shards/, variants/)")
    tr.add_argument("--input", nargs="*", default=["data/sample/sample.warc.gz"], help="WARCs to annotate if the run has no shards")
    tr.add_argument("--config", default="tiny", help="preset in ablation/config.py: tiny (CPU), small (GPU), test")
    tr.add_argument("--results", default="results", help="results directory (tokenizer/, tokens/, <variant>/<seed>.json)")
    tr.add_argument("--threads", type=int, default=None, help="override the preset's torch thread count (changes the config key)")
    tr.add_argument("--token-budget", type=int, default=None, help="override the preset's token budget (changes the config key)")
    tr.add_argument("--executor", choices=("local", "ray"), default="local", help="executor for the pipeline stages run when shards are missing")
    tr.add_argument("--force", action="store_true", help="re-train even when a result with the same config exists")
    tr.add_argument("--no-progress", action="store_true")

    cp = sub.add_parser("compare", help="all RESULTS/*/*.json -> Markdown table + PNG plot")
    cp.add_argument("--results", default="results")
    cp.add_argument("--out", default=None, help="Markdown file (default RESULTS/compare.md; the PNG goes beside it)")
    cp.add_argument("--baseline", default="none", help="variant the others are compared with (default: none)")

    args = parser.parse_args(argv)
    if args.command == "train":
        return _train(args)
    from .compare import compare

    out = Path(args.out) if args.out else Path(args.results) / "compare.md"
    print(compare(Path(args.results), out, baseline=args.baseline))
    return 0


def _train(args) -> int:
    from .config import get_config
    from .train import run

    overrides = {}
    if args.threads is not None:
        overrides["threads"] = args.threads
    if args.token_budget is not None:
        overrides["token_budget"] = args.token_budget
    config = get_config(args.config, **overrides)
    seeds = [args.seed] if args.seed is not None else list(range(args.seeds or 1))
    for seed in seeds:
        path = Path(args.results, args.variant, f"{seed}.json")
        if path.exists() and not args.force:
            old = json.loads(path.read_text(encoding="utf-8"))
            if old.get("config_key") == config.key() and old.get("run_dir") == str(Path(args.run)):
                print(f"{path}: done already (same config {config.name}/{config.key()}); --force to re-train", file=sys.stderr)
                continue
        result = run(args.variant, seed, args.run, config, args.results, inputs=args.input, executor=args.executor, progress=not args.no_progress)
        brief = {"result": str(path), **{k: result["data"][k] for k in ("docs", "chars", "tokens")}, "epochs": result["budget"]["epochs"],
                 **{k: round(v, 4) for k, v in result["metrics"].items()}, **{k: result["timing"][k] for k in ("wall_seconds", "tokens_per_second")}}
        print(json.dumps(brief, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
