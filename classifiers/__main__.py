"""Command line of the affiliate/adult classifier.

    python -m classifiers train      [--out classifiers/models]       # make classifier
    python -m classifiers evaluate   [--report classifiers/REPORT.md] # make classifier-eval
    python -m classifiers build-data [--shards out/sample/shards]     # maintainers: rebuild classifiers/train/*.jsonl
                                                                      # from ../shared/data (needs it)
    python -m classifiers check-exclusion                             # training set vs eval set, exits 1 on overlap
    python -m classifiers crossval                                    # training-only CV of the backends (~5 min)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m classifiers", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("train", help="train both models on classifiers/train/*.jsonl")
    t.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "models")
    e = sub.add_parser("evaluate", help="evaluate on classifiers/eval/labelled.jsonl and write the report")
    e.add_argument("--report", type=Path, default=Path(__file__).resolve().parent / "REPORT.md")
    e.add_argument("--models", type=Path, default=Path(__file__).resolve().parent / "models")
    e.add_argument("--bootstrap", type=int, default=1000, help="bootstrap resamples for the intervals")
    b = sub.add_parser("build-data", help="rebuild the real training files from ../shared/data")
    b.add_argument("--shards", type=Path, default=None, help="annotate-job shards to draw from (e.g. out/sample/shards)")
    sub.add_parser("check-exclusion", help="check that no training document overlaps the eval set")
    sub.add_parser("crossval", help="training-only 5-fold CV of the backends (affiliate, real documents)")
    args = ap.parse_args(argv)

    if args.cmd == "train":
        from .train import run  # noqa: PLC0415

        run(args.out)
    elif args.cmd == "evaluate":
        from .evaluate import run  # noqa: PLC0415

        run(args.report, args.models, boot=args.bootstrap)
    elif args.cmd == "build-data":
        import json  # noqa: PLC0415

        from .build_data import build  # noqa: PLC0415

        report = build(shards=args.shards)
        print(json.dumps({k: report[k] for k in ("written", "excluded")}, indent=1))
    elif args.cmd == "crossval":
        from .crossval import run  # noqa: PLC0415

        run()
    elif args.cmd == "check-exclusion":
        from .data import load_eval, load_train  # noqa: PLC0415
        from .exclusion import find_overlaps  # noqa: PLC0415

        hits = find_overlaps(load_train(eval_path=None), load_eval())
        for h in hits[:20]:
            print(f"{h.train_id} ~ {h.eval_id}: {h.reason} {h.score}")
        print(f"{len(hits)} overlaps")
        return 1 if hits else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
