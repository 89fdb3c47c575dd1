"""Writing the sample WARC (one gzip member per record) and reading it back (``--verify``)."""

from __future__ import annotations

import collections
import gzip

from pipeline.io import atomic_path

from .records import Group, Rec


def gz_member(data: bytes) -> bytes:
    """One record as its own gzip member; mtime 0 so that the bytes depend on the content only."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def write_warc(path: str, info: Rec, groups: list[Group]) -> list[list[int]]:
    """Write ``info`` then every group's records, in the order given; the file appears only when complete.

    Returns the compressed size of every record, per group (for the per-source statistics).
    """
    sizes: list[list[int]] = []
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        f.write(gz_member(info.serialize()))
        for g in groups:
            sizes.append([])
            for r in g.recs:
                member = gz_member(r.serialize())
                f.write(member)
                sizes[-1].append(len(member))
    return sizes


def verify(path: str) -> int:
    """Read the file back with fastwarc and warcio (digests checked); returns the number of problems.

    A problem is a record whose block/payload digest does not match (warcio), or a file that one of
    the readers cannot read to the end (a corrupt gzip member, a broken record).
    """
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    types, status, mimes = collections.Counter(), collections.Counter(), collections.Counter()
    n = 0
    try:
        with open(path, "rb") as f:
            for r in ArchiveIterator(f, parse_http=True, quirks_mode=True):
                n += 1
                types[r.headers.get("WARC-Type")] += 1
                if r.record_type == WarcRecordType.response and r.http_headers is not None:
                    status[r.http_headers.status_code] += 1
                    mimes[(r.http_content_type or "").lower()] += 1
                r.reader.read()
    except Exception as exc:  # fastwarc raises on a corrupt stream (zlib/gzip errors)
        print(f"fastwarc: cannot read past record {n}: {type(exc).__name__}: {exc}")
        return 1
    print(f"fastwarc: {n} records; types {dict(types)}")
    print(f"fastwarc: status {dict(sorted(status.items()))}")
    print(f"fastwarc: mime {dict(mimes.most_common())}")
    try:
        from warcio.archiveiterator import ArchiveIterator as WIter
    except ImportError:
        print("warcio not installed; skipped")
        return 0
    wt, ws, bad = collections.Counter(), collections.Counter(), 0
    try:
        with open(path, "rb") as f:
            it = WIter(f, check_digests=True)
            for rec in it:
                wt[rec.rec_type] += 1
                if rec.rec_type == "response" and rec.http_headers:
                    ws[rec.http_headers.get_statuscode()] += 1
                rec.content_stream().read()
                if rec.digest_checker.problems:
                    bad += 1
    except Exception as exc:
        print(f"warcio: cannot read past record {sum(wt.values())}: {type(exc).__name__}: {exc}")
        return bad + 1
    print(f"warcio: {sum(wt.values())} records; types {dict(wt)}; status {dict(sorted(ws.items()))}; "
          f"records with digest problems: {bad}")
    return bad
