"""Command line: ``python data/build_sample.py [--shared DIR] [--out DIR] [--verify]``."""

from __future__ import annotations

import argparse
import collections
import os

from pipeline import SHARED_DATA

from . import __doc__ as PACKAGE_DOC
from .build import build
from .warc import verify

#: data/ (the folder that holds this package); the sample is written to data/sample by default.
DATA_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=PACKAGE_DOC.split("\n")[0])
    ap.add_argument("--shared", default=str(SHARED_DATA), help="staged real-data folder (default ../shared/data)")
    ap.add_argument("--out", default=os.path.join(DATA_DIR, "sample"), help="output folder")
    ap.add_argument("--verify", action="store_true", help="read the result back with fastwarc and warcio")
    args = ap.parse_args(argv)
    res = build(args.shared, args.out)
    tot = collections.Counter()
    for c in res["per_source"].values():
        tot.update(c)
    print(f"wrote {res['warc']}: {res['size']:,} bytes, {res['n_records']} records, "
          f"{tot['responses']} responses, {tot['lang:ja']} ja; sha256 {res['sha256']}")
    for src, c in sorted(res["per_source"].items()):
        print(f"  {src:16s} groups={c['groups']:4d} records={c['records']:4d} responses={c['responses']:4d} "
              f"ja={c['lang:ja']:3d} zh={c['lang:zh']:3d} other={c['lang:other']:3d} gz={c['gz_bytes']:,}")
    if args.verify and verify(res["warc"]):
        print("verify: problems found")
        return 1
    return 0
