"""Command line: ``jacc annotate|dedup|select|select-diff ...`` (same as ``python -m pipeline ...``)."""

from __future__ import annotations

import argparse
import json
import logging
import sys

from pipeline.annotate.config import AnnotateConfig
from pipeline.annotate.inputs import CC_BASE, expand_inputs


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["dedup"]:  # its own argument parser (pipeline/dedup/run.py)
        from pipeline.dedup.run import main as dedup_main

        return dedup_main(argv[1:], prog="jacc dedup")
    parser = argparse.ArgumentParser(prog="jacc", description=__doc__)
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

    sel = sub.add_parser("select", help="apply a filtering variant to annotated shards (+ report)")
    sel.add_argument("variant", help="variant name (pipeline/variants/<name>.yaml) or path to a .yaml")
    sel.add_argument("--run", default="out/sample", help="run directory holding shards/ (and dedup/)")
    sel.add_argument("--executor", choices=("ray", "local"), default="ray")

    diff = sub.add_parser("select-diff", help="compare two selected variants side by side")
    diff.add_argument("a")
    diff.add_argument("b")
    diff.add_argument("--run", default="out/sample")

    sub.add_parser("dedup", help="MinHash + exact dedup over shards: jacc dedup --shards RUN/shards --out RUN/dedup (-h for more)", add_help=False)

    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if getattr(args, "verbose", False) else logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    if args.command == "annotate":
        from pipeline.annotate.run import run_annotate

        config = AnnotateConfig.from_yaml(args.config)
        inputs = expand_inputs(args.inputs, cc_base=args.cc_base)
        if not inputs:
            parser.error("no inputs matched")
        summary = run_annotate(inputs, args.out, config, executor=args.executor, num_cpus=args.num_cpus, show_progress=not args.no_progress)
        brief = {k: summary[k] for k in ("inputs", "inputs_done", "records_in", "kept", "dropped", "wall_seconds", "ray_startup_seconds")}
        brief["inputs_failed"] = [(f["input"], f["failed"]) for f in summary["inputs_failed"]]
        print(json.dumps(brief, ensure_ascii=False, indent=1))
        return 1 if summary["inputs_failed"] and summary["inputs_done"] == 0 else 0
    if args.command == "select":
        return _select(args)
    if args.command == "select-diff":
        return _select_diff(args)
    return 2


def _select(args) -> int:
    from pipeline.select.run import available_columns, run_select
    from pipeline.select.report import write_sweep
    from pipeline.select.variants import VariantError, expand_sweep, load_variant

    try:
        variant = load_variant(args.variant, available_columns(args.run))
        reports = [run_select(v, args.run, executor=args.executor) for v in expand_sweep(variant)]
    except VariantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if variant.sweep:
        write_sweep(variant, reports, args.run)
    for r in reports:
        print(f"{r['variant']['name']}: kept {r['docs_kept']}/{r['docs_in']} documents, {r['chars_kept']}/{r['chars_in']} characters "
              f"-> {args.run}/variants/{r['variant']['name']}/report.md")
    return 0


def _select_diff(args) -> int:
    from pathlib import Path

    from pipeline.select.run import kept_ids, load_report
    from pipeline.select.report import diff_samples, write_diff

    try:
        a, b = load_report(args.run, args.a), load_report(args.run, args.b)
    except FileNotFoundError as exc:
        print(f"error: {exc.filename} missing: run `make select VARIANT=...` for both variants first", file=sys.stderr)
        return 2
    ids_a, ids_b = kept_ids(args.run, args.a), kept_ids(args.run, args.b)
    out = Path(args.run) / "variants" / f"diff-{args.a}-vs-{args.b}.md"
    d = write_diff(a, b, ids_a, ids_b, diff_samples(args.run, ids_a, ids_b), out)
    print(f"{d['a']}: {d['kept']['a']} kept, {d['b']}: {d['kept']['b']} kept, both {d['kept_by_both']} -> {out}")
    return 0
