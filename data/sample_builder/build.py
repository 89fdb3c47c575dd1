"""The whole build: gather the sources, write the WARC and records.tsv, then MANIFEST/LICENSES."""

from __future__ import annotations

import collections
import hashlib
import os

from .manifest import records_tsv, summarise, write_docs, write_text
from .records import WARC_NAME, Group, read, warcinfo_record
from .sources import gather
from .warc import write_warc


def write_sample(groups: list[Group], out: str, stats: collections.Counter | None = None,
                 pairs=(), exact_groups=(), livedoor=()) -> dict:
    """Write ``out/sample.warc.gz`` and ``out/records.tsv`` for these groups; returns what the docs need.

    Record order: the warcinfo record, then the groups sorted by ``Group.sort_key`` (a hash of URI,
    source and source path), each group's records in their own order. Every record points at the
    warcinfo; record IDs must be unique.
    """
    groups = sorted(groups, key=Group.sort_key)
    info = warcinfo_record()
    info_id = info.get("WARC-Record-ID")
    ids = {info_id}
    for g in groups:
        for r in g.recs:
            r.set("WARC-Warcinfo-ID", info_id)
            rid = r.get("WARC-Record-ID")
            assert rid not in ids, rid
            ids.add(rid)

    os.makedirs(out, exist_ok=True)
    warc_path = os.path.join(out, WARC_NAME)
    sizes = write_warc(warc_path, info, groups)
    per_source, rows = summarise(groups, sizes)
    write_text(os.path.join(out, "records.tsv"), records_tsv(rows))
    return {
        "warc": warc_path, "size": os.path.getsize(warc_path), "sha256": hashlib.sha256(read(warc_path)).hexdigest(),
        "per_source": per_source, "stats": stats if stats is not None else collections.Counter(),
        "pairs": list(pairs), "exact_groups": list(exact_groups), "livedoor": list(livedoor),
        "n_records": 1 + sum(len(g.recs) for g in groups), "rows": rows,
    }


def build(shared: str, out: str) -> dict:
    stats = collections.Counter()
    groups, livedoor = gather(shared, stats)
    result = write_sample(groups, out, stats, **livedoor)
    write_docs(shared, out, result)
    return result
