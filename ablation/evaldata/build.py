"""Rebuild the bundled evaluation subsets from ../shared/data/eval (deterministic: file order, no sampling).

    python ablation/evaldata/build.py [SRC]      # SRC defaults to ../shared/data/eval

Writes, next to this file, only sources whose licence allows redistribution (see README.md):
wikipedia_leads.jsonl, ud_gsd_test.jsonl, aozora_excerpts.jsonl, jcola_valid.jsonl,
jcommonsenseqa_valid.jsonl. JBLiMP and KWDLC carry no redistribution licence and are read from SRC
at evaluation time when it exists (ablation/evaluate.py).
"""

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parents[2] / "shared" / "data" / "eval"
AOZORA_PER_AUTHOR = 3
AOZORA_CHARS = 1500
JCOLA_ITEMS = 300
JCQA_ITEMS = 300


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def write_jsonl(name, rows):
    with open(HERE / name, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{name}: {len(rows)} items, {(HERE / name).stat().st_size / 1024:.0f} KiB")


def main():
    wiki = read_jsonl(SRC / "wikipedia_ja_wac/wikipedia_annotated_corpus_org.jsonl")
    write_jsonl("wikipedia_leads.jsonl", [{"id": r["id"], "split": r["split"], "text": r["text"]} for r in wiki if r["split"] in ("test", "dev")])

    ud = [line.removeprefix("# text = ").strip() for line in (SRC / "ud_japanese_gsd/ja_gsd-test.txt").read_text(encoding="utf-8").splitlines()]
    write_jsonl("ud_gsd_test.jsonl", [{"id": f"ja_gsd-test-{i}", "text": t} for i, t in enumerate(ud) if t])

    per_author, rows = {}, []
    for r in read_jsonl(SRC / "aozora/aozora_pd_subset.jsonl"):
        if per_author.get(r["author"], 0) < AOZORA_PER_AUTHOR:
            per_author[r["author"]] = per_author.get(r["author"], 0) + 1
            rows.append({"id": r["id"], "author": r["author"], "title": r["title"], "source_path": r["source_path"], "text": r["text"][:AOZORA_CHARS]})
    write_jsonl("aozora_excerpts.jsonl", rows)

    jcola = read_jsonl(SRC / "jcola/in_domain_valid-v1.0.json")[:JCOLA_ITEMS]
    write_jsonl("jcola_valid.jsonl", [{"uid": r["uid"], "source": r["source"], "label": r["label"], "sentence": r["sentence"]} for r in jcola])

    jcqa = read_jsonl(SRC / "jglue/jcommonsenseqa-v1.3/valid-v1.3.json")[:JCQA_ITEMS]
    write_jsonl("jcommonsenseqa_valid.jsonl", jcqa)


if __name__ == "__main__":
    main()
