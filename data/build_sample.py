#!/usr/bin/env python3
"""Build the bundled real-data sample WARC ``data/sample/sample.warc.gz``.

Usage::

    python data/build_sample.py [--shared ../shared/data] [--out data/sample] [--verify]

A thin entry point: the builder is the package ``data/sample_builder/`` (see its docstring).
"""

import os
import sys

_DATA = os.path.dirname(os.path.abspath(__file__))
if _DATA not in sys.path:  # run from elsewhere than `python data/build_sample.py`
    sys.path.insert(0, _DATA)
_REPO = os.path.dirname(_DATA)
if _REPO not in sys.path:  # `pipeline` without the editable install
    sys.path.append(_REPO)

from sample_builder.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
