"""Command line of the affiliate/adult classifier.

    python -m classifiers train      [--out classifiers/models]       # make classifier
    python -m classifiers evaluate   [--report classifiers/REPORT.md] # make classifier-eval
    python -m classifiers build-data [--shards out/sample/shards]     # maintainers: rebuild classifiers/train/*.jsonl
                                                                      # from ../shared/data (needs it)
    python -m classifiers check-exclusion                             # training set vs eval set, exits 1 on overlap
    python -m classifiers crossval                                    # training-only CV of the backends (~5 min)
    python -m classifiers cv --labels FILE.jsonl --positive LABEL     # your labels: head vs fastText-on-lemmas ROC-AUC
    python -m classifiers train-head NAME --labels FILE.jsonl --positive LABEL   # -> models/heads/NAME.npz = p_NAME
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
    for name in ("cv", "train-head"):
        h = sub.add_parser(name, help="cross-validate a head on your labels (last line: JSON)" if name == "cv"
                           else "train a head on your labels; the annotate job stores it as p_NAME")
        if name == "train-head":
            h.add_argument("name", help="head name: the column is p_<name>")
            h.add_argument("--out", type=Path, default=None, help="heads folder (default classifiers/models/heads)")
        h.add_argument("--labels", type=Path, required=True, help='JSONL, one {"text": ..., "label": ...} per line')
        h.add_argument("--positive", required=True, help="the label value the head scores (P(positive))")
        h.add_argument("--text-field", default="text")
        h.add_argument("--label-field", default="label")
        h.add_argument("--group-field", default=None, help="e.g. site: folds never split a group (cv)")
        if name == "cv":
            h.add_argument("--folds", type=int, default=5)
            h.add_argument("--seed", type=int, default=0)
            h.add_argument("--no-baseline", action="store_true", help="skip the fastText-on-lemmas baseline")
    args = ap.parse_args(argv)

    if args.cmd in ("cv", "train-head"):
        import json  # noqa: PLC0415

        from .heads import HEADS_DIR, LabelsError, cross_validate, load_labels, train_head  # noqa: PLC0415

        try:
            data = load_labels(args.labels, args.positive, args.text_field, args.label_field, args.group_field)
            if args.cmd == "cv":
                result = cross_validate(data, args.folds, args.seed, baseline=not args.no_baseline, log=lambda m: print(m, file=sys.stderr))
                print(json.dumps(result, ensure_ascii=False))
            else:
                path = train_head(args.name, data, args.out or HEADS_DIR)
                print(json.dumps({"head": args.name, "column": f"p_{args.name}", "model": str(path), "n": len(data.y)}, ensure_ascii=False))
        except LabelsError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        return 0

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
