"""Join the hand labels (labels.tsv) onto the candidates (build_candidates.py) -> labelled.jsonl.

    python classifiers/eval/build_candidates.py /tmp/eval_cands.jsonl
    python classifiers/eval/merge_labels.py /tmp/eval_cands.jsonl

Every candidate must have a label; ``skip`` rows (read, then left out as near-identical stubs) are
dropped. ``flags`` is derived from the hand-written note (see GUIDELINE.md, "Note convention").
Also prints the counts table used in README.md.
"""

from __future__ import annotations

import collections
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

FLAG_PATTERNS = {
    "unsure": r"\bunsure\b",
    "borderline": r"\bborderline\b",
    "shop": r"(^|; )shop[:;]",
    "toxic": r"(^|; )toxic[:;]",
    "also-affiliate": r"also-affiliate",
    "also-adult": r"also-adult",
    "ng-word-trap": r"NG-word (trap|hit)",
    "gravure": r"\bgravure\b",
}


def flags_of(note: str) -> list[str]:
    return [f for f, p in FLAG_PATTERNS.items() if re.search(p, note, re.I)]


def main(cands: str = "/tmp/eval_cands.jsonl", out: str = os.path.join(HERE, "labelled.jsonl")) -> None:
    labels = {}
    for line in open(os.path.join(HERE, "labels.tsv"), encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        id_, label, note = line.rstrip("\n").split("\t")
        assert label in ("clean", "affiliate", "adult", "skip"), (id_, label)
        assert id_ not in labels, f"duplicate label for {id_}"
        labels[id_] = (label, note)
    docs = [json.loads(line) for line in open(cands, encoding="utf-8")]
    missing = [d["id"] for d in docs if d["id"] not in labels]
    assert not missing, f"unlabelled candidates: {missing[:5]} ... ({len(missing)})"
    unknown = set(labels) - {d["id"] for d in docs}
    assert not unknown, f"labels for ids that are not candidates: {sorted(unknown)[:5]}"

    table = collections.Counter()
    n = 0
    with open(out, "w", encoding="utf-8") as fh:
        for d in docs:
            label, note = labels[d["id"]]
            if label == "skip":
                continue
            rec = {
                "id": d["id"],
                "source": d["source"],
                "source_path": d["source_path"],
                "url": d["url"],
                "text": d["text"],
                "label": label,
                "note": note,
                "flags": flags_of(note),
                "selection": d["sel"],
            }
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            table[(d["source"], label)] += 1
            n += 1
    print(f"{n} documents -> {out}")
    sources = sorted({s for s, _ in table}, key=lambda s: -sum(v for (t, _), v in table.items() if t == s))
    print("| source | clean | affiliate | adult | total |")
    print("|---|---:|---:|---:|---:|")
    for s in sources:
        row = [table[(s, lab)] for lab in ("clean", "affiliate", "adult")]
        print(f"| {s} | {row[0]} | {row[1]} | {row[2]} | {sum(row)} |")
    tot = [sum(v for (_, lab), v in table.items() if lab == x) for x in ("clean", "affiliate", "adult")]
    print(f"| **total** | {tot[0]} | {tot[1]} | {tot[2]} | {sum(tot)} |")


if __name__ == "__main__":
    main(*sys.argv[1:])
