"""Turn command-line inputs into a list of WARC locations.

Accepted: local files, globs (``data/*.warc.gz``), Common Crawl path lists (``warc.paths.gz`` or
any ``*.paths`` / ``*.paths.gz``, one path a line) and remote URLs (``s3://``, ``https://``) that
FastWARC opens through fsspec. Relative lines of a Common Crawl list are resolved against
``cc_base`` (``https://data.commoncrawl.org/``) unless they exist next to the list file.
"""

from __future__ import annotations

import glob
import gzip
import os

CC_BASE = "https://data.commoncrawl.org/"


def is_remote(path: str) -> bool:
    return "://" in path and not path.startswith("file://")


def is_path_list(path: str) -> bool:
    name = os.path.basename(path)
    return name.endswith((".paths", ".paths.gz", ".paths.txt"))


def _read_lines(path: str) -> list[str]:
    if is_remote(path):
        import fsspec

        with fsspec.open(path, "rb", compression="infer") as fh:
            data = fh.read()
    else:
        with open(path, "rb") as fh:
            data = fh.read()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
    return [line.strip() for line in data.decode("utf-8").splitlines() if line.strip() and not line.startswith("#")]


def expand_inputs(inputs: list[str], cc_base: str = CC_BASE) -> list[str]:
    """Ordered, de-duplicated list of WARC locations. Missing local files are kept (and reported
    by the job as ``input_missing``), so a typo is visible rather than silently ignored."""
    out: list[str] = []
    for item in inputs:
        if item.startswith("file://"):
            item = item[len("file://") :]
        if is_path_list(item):
            base_dir = os.path.dirname(item)
            for line in _read_lines(item):
                if is_remote(line) or os.path.isabs(line):
                    out.append(line)
                elif not is_remote(item) and os.path.exists(os.path.join(base_dir, line)):
                    out.append(os.path.join(base_dir, line))
                else:
                    out.append(cc_base.rstrip("/") + "/" + line.lstrip("/"))
        elif not is_remote(item) and glob.has_magic(item):
            matches = sorted(glob.glob(item, recursive=True))
            out.extend(matches if matches else [item])
        else:
            out.append(item)
    seen: set[str] = set()
    ordered = []
    for path in out:
        key = path if is_remote(path) else os.path.abspath(path)
        if key not in seen:
            seen.add(key)
            ordered.append(key)
    return ordered
