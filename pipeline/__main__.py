"""Command line: ``python -m pipeline annotate INPUT... --out DIR``."""

from __future__ import annotations

import argparse
import json
import logging
import sys

from .config import AnnotateConfig
from .inputs import CC_BASE, expand_inputs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    ann = sub.add_parser("annotate", help="WARCs -> annotated Japanese Parquet shards + funnel.json")
    ann.add_argument("inputs", nargs="+", help="WARC files, globs, warc.paths(.gz) lists, or s3:// / https:// URLs")
    ann.add_argument("--out", required=True, help="output directory (shards/ and funnel.json)")
    ann.add_argument("--config", default=None, help="YAML file of annotate settings (see pipeline/config.py)")
    ann.add_argument("--executor", choices=("ray", "local"), default="ray", help="ray (default; RAY_ADDRESS for a cluster) or local (one process)")
    ann.add_argument("--num-cpus", type=int, default=None, help="CPUs of the local Ray cluster (default: all)")
    ann.add_argument("--cc-base", default=CC_BASE, help="prefix for relative lines of a Common Crawl paths list")
    ann.add_argument("--no-progress", action="store_true")
    ann.add_argument("-v", "--verbose", action="store_true", help="log every bad record with file and offset")

    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    if args.command == "annotate":
        from .driver import run_annotate

        config = AnnotateConfig.from_yaml(args.config)
        inputs = expand_inputs(args.inputs, cc_base=args.cc_base)
        if not inputs:
            parser.error("no inputs matched")
        summary = run_annotate(inputs, args.out, config, executor=args.executor, num_cpus=args.num_cpus, show_progress=not args.no_progress)
        brief = {k: summary[k] for k in ("inputs", "inputs_done", "records_in", "kept", "dropped", "wall_seconds", "ray_startup_seconds")}
        brief["inputs_failed"] = [(f["input"], f["failed"]) for f in summary["inputs_failed"]]
        print(json.dumps(brief, ensure_ascii=False, indent=1))
        return 1 if summary["inputs_failed"] and summary["inputs_done"] == 0 else 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
