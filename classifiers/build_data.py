"""Build the real part of the training set, ``classifiers/train/<source>.jsonl``, from ``../shared/data``
and the annotate job's shards. Run once by a maintainer (``python -m classifiers build-data``); the output
is committed, so ``make classifier`` (training) reads only the repository.

Every candidate goes through the same three steps:

1. **Exclusion** against the evaluation set (:mod:`classifiers.exclusion`): same id, same source path,
   inside an evaluated file, same URL, or text overlap. Excluded candidates are counted per source and
   reason in ``classifiers/train/build_report.json``; none reaches a training file (checked again at
   the end with :func:`classifiers.exclusion.assert_disjoint`, and by ``tests/classifiers/test_classifiers.py``).
2. **Label**: a person's label from ``classifiers/train/hand_labels.tsv`` when there is one, otherwise the
   distant rule of :func:`classifiers.distant.distant_label`. Candidates the rule sends to a person
   (``read:keyword``) but nobody has labelled are left out and counted (``unlabelled``).
3. **Subsample** where a source is larger than the repository should carry (livedoor: 100 articles per
   category; Wikipedia: 1,500 leads), seeded.

Sources (licences in ``classifiers/train/SOURCES.md``):

- ``livedoor``: livedoor news corpus, title + body verbatim (the eval set's format), ``source:news`` clean.
  Half of each category's 100 is drawn from articles with at least one HojiChar adult-keyword hit (the
  hard negatives a word list removes), half from the rest.
- ``kwdlc``: KWDLC web-page leads (3 sentences); hand labels for the 542 leads with commerce or adult
  vocabulary, ``source:web-no-keyword`` clean for the others.
- ``wikipedia``: Japanese Wikipedia article leads (KU WAC, ``train`` split only), ``source:encyclopedia``.
- ``toxic``: forum/SNS sentences of japanese-toxic-inspection-ai (every obscene-voted row is in the eval
  set, so what remains is toxic or neutral chat: clean by the guideline).
- ``chardet`` posts and feeds, ``sample`` (the annotate job's shard rows of ``data/sample``, with
  affiliate evidence re-computed from the WARC record and UT1 host categories): offered to the same
  steps. On this data nearly all of them overlap the eval set (every Japanese chardet feed is evaluated
  at feed level, so its posts and any twin feed of the same blog are excluded; the sample WARC is built
  from the same pages). What is left: two encoding-test pages of the sample (a Momotaro retelling, a
  news paragraph). The sample's livedoor articles are skipped as copies of the livedoor source.
"""

from __future__ import annotations

import csv
import glob
import gzip
import json
import os
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterable, Iterator

from pipeline import SHARED_DATA

from .distant import distant_label
from .exclusion import EvalIndex, assert_disjoint

REPO = Path(__file__).resolve().parent.parent
TRAIN_DIR = Path(__file__).resolve().parent / "train"
EVAL_PATH = Path(__file__).resolve().parent / "eval" / "labelled.jsonl"
SHARED = SHARED_DATA
SEED = 20261123
LIVEDOOR_PER_CATEGORY = 70
WIKIPEDIA_N = 1000
SITE_SOURCES = ("chardet", "clueweb09ja")  # eval sources whose whole site is kept out (see exclusion.py)

LICENCES = {  # short codes; the full terms are in classifiers/train/SOURCES.md
    "livedoor": "CC-BY-ND-2.1-JP",
    "kwdlc": "KWDLC-research",
    "wikipedia": "CC-BY-SA-4.0",
    "toxic": "Apache-2.0",
    "chardet": "chardet-corpus",
    "sample": "data/sample/LICENSES.md",
}


def load_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def write_jsonl(path: Path, docs: Iterable[dict]) -> int:
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        for d in docs:
            fh.write(json.dumps(d, ensure_ascii=False) + "\n")
            n += 1
    return n


def read_hand_labels(path: Path = TRAIN_DIR / "hand_labels.tsv") -> dict[str, tuple[str, str]]:
    """id -> (label, note) from a TSV with ``#`` comment lines."""
    out = {}
    if not path.exists():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        out[parts[0]] = (parts[1], parts[2] if len(parts) > 2 else "")
    return out


# ------------------------------------------------------------------------------------------ candidates


def rel(path: str | Path) -> str:
    return os.path.relpath(path, SHARED)


def livedoor_candidates() -> Iterator[dict]:
    for f in sorted(glob.glob(str(SHARED / "text/livedoor-news/*/*-*.txt"))):
        if os.path.basename(f) == "LICENSE.txt":
            continue
        lines = open(f, encoding="utf-8").read().split("\n")
        url, title, body = lines[0].strip(), lines[2].strip(), "\n".join(lines[3:]).strip()
        stem = os.path.basename(f)[:-4]
        yield {"id": f"livedoor:{stem}", "source": "livedoor", "source_path": rel(f), "url": url,
               "text": f"{title}\n{body}", "category": os.path.basename(os.path.dirname(f))}


def kwdlc_candidates() -> Iterator[dict]:
    path = SHARED / "text/kwdlc/kwdlc_leads.jsonl.gz"
    for line in gzip.open(path, "rt", encoding="utf-8"):
        d = json.loads(line)
        yield {"id": f"kwdlc:{d['id']}", "source": "kwdlc", "source_path": f"{rel(path)}#{d['id']}", "url": "",
               "text": d["text"]}


def wikipedia_candidates() -> Iterator[dict]:
    path = SHARED / "eval/wikipedia_ja_wac/wikipedia_annotated_corpus_org.jsonl"
    for line in open(path, encoding="utf-8"):
        d = json.loads(line)
        if d.get("split") != "train":  # dev/test are held-out text of the ablation evaluation
            continue
        yield {"id": f"wikipedia:{d['id']}", "source": "wikipedia", "source_path": f"{rel(path)}#{d['id']}",
               "url": "", "text": d["text"]}


def toxic_candidates() -> Iterator[dict]:
    path = SHARED / "text/japanese-toxic-inspection-ai/subset.csv"
    for r in csv.DictReader(open(path, encoding="utf-8")):
        yield {"id": f"toxic:{r['id']}", "source": "toxic", "source_path": f"{rel(path)}#id={r['id']}", "url": "",
               "text": r["text"]}


def chardet_candidates() -> Iterator[dict]:
    """Every chardet feed/page (pipeline text) and every post of every feed (title + body, tags stripped),
    the same forms the eval set uses."""
    sys.path.insert(0, str(REPO))
    from classifiers.eval.build_candidates import feed_items  # noqa: PLC0415
    from pipeline.annotate.decode import decode_html  # noqa: PLC0415
    from pipeline.annotate.extract import extract_text  # noqa: PLC0415

    for path in sorted(glob.glob(str(SHARED / "html/chardet-legacy-ja/*/*"))):
        key = "/".join(path.split("/")[-2:])
        if os.path.basename(path).startswith("_"):
            continue
        dec = decode_html(open(path, "rb").read()).text
        m = re.search(r"Source:\s*(\S+)", dec[:400])
        yield {"id": f"chardet:{key.replace('/', ':')}", "source": "chardet", "source_path": rel(path),
               "url": m.group(1) if m else "", "text": extract_text(dec)}
        if path.endswith(".xml"):
            for i, (title, link, body) in enumerate(feed_items(dec)):
                yield {"id": f"chardet:{key.replace('/', ':')}#item-{i}", "source": "chardet",
                       "source_path": f"{rel(path)}#item-{i}", "url": link, "text": f"{title}\n{body}".strip()}


def sample_candidates(shards: Path) -> Iterator[dict]:
    """Rows of the annotate job's shards, with the evidence the distant rules need: UT1 host categories
    and affiliate evidence re-computed from the WARC record's HTML (the shards keep text, not HTML)."""
    import pyarrow.parquet as pq  # noqa: PLC0415

    from pipeline.annotate.taggers.affiliate import affiliate_evidence  # noqa: PLC0415
    from pipeline.annotate.config import AnnotateConfig  # noqa: PLC0415
    from pipeline.annotate.decode import decode_html  # noqa: PLC0415
    from pipeline.annotate.taggers.host import host_categories  # noqa: PLC0415
    from pipeline.annotate.read import PageRecord, read_warc  # noqa: PLC0415

    for shard in sorted(shards.glob("*.parquet")):
        table = pq.read_table(shard, columns=["doc_id", "url", "host", "warc_file", "warc_offset", "text"])
        rows = table.to_pylist()
        html_at: dict[tuple[str, int], str] = {}
        for warc in sorted({r["warc_file"] for r in rows}):
            wpath = warc if os.path.isabs(warc) else str(REPO / warc)
            if not os.path.exists(wpath):
                continue
            for rec in read_warc(wpath, AnnotateConfig()):
                if isinstance(rec, PageRecord):
                    html_at[(warc, rec.offset)] = decode_html(rec.body, rec.content_type).text
        for r in rows:
            if r["host"] == "news.livedoor.com":  # the livedoor source, wrapped: offered there already
                continue
            html = html_at.get((r["warc_file"], r["warc_offset"]))
            yield {"id": f"sample:{r['doc_id']}", "source": "sample", "source_path": f"{r['warc_file']}#{r['warc_offset']}",
                   "url": r["url"], "text": r["text"], "_host_categories": host_categories(r["host"] or ""),
                   "_aff": affiliate_evidence(html, r["url"]) if html else None}


# ------------------------------------------------------------------------------------------ building


def label_docs(docs: list[dict], hand: dict[str, tuple[str, str]], counts: Counter) -> list[dict]:
    out = []
    for d in docs:
        if d["id"] in hand:
            label, note = hand[d["id"]]
            rule = "hand"
            if label == "skip":
                counts[f"{d['source']}:hand-skip"] += 1
                continue
        else:
            label, rule = distant_label(d, host_categories=d.get("_host_categories"), aff=d.get("_aff"))
            note = ""
            if label is None:
                counts[f"{d['source']}:unlabelled"] += 1
                counts.setdefault("_unlabelled_ids", []).append(d["id"])
                continue
            rule = f"distant:{rule}"
        rec = {k: v for k, v in d.items() if not k.startswith("_") and k != "category" and v != ""}
        rec.update(label=label, label_rule=rule, synthetic=False, licence=LICENCES[d["source"]])
        if note:
            rec["note"] = note
        out.append(rec)
        counts[f"{d['source']}:{label}:{rule}"] += 1
    return out


def subsample_livedoor(docs: list[dict], rng: random.Random) -> list[dict]:
    from pipeline.annotate.taggers.ngwords import ngword_signals  # noqa: PLC0415

    by_cat: dict[str, list[dict]] = defaultdict(list)
    for d in docs:
        by_cat[d["category"]].append(d)
    out = []
    half = LIVEDOOR_PER_CATEGORY // 2
    for cat in sorted(by_cat):
        pool = sorted(by_cat[cat], key=lambda d: d["id"])
        hit = [d for d in pool if ngword_signals(d["text"])["ng_hojichar_hits"] > 0]
        rest = [d for d in pool if d not in hit]
        rng.shuffle(hit)
        rng.shuffle(rest)
        take = hit[:half] + rest[: LIVEDOOR_PER_CATEGORY - min(half, len(hit))]
        out += sorted(take, key=lambda d: d["id"])
    return out


def build(out_dir: Path = TRAIN_DIR, shards: Path | None = None, with_chardet: bool = True) -> dict:
    eval_docs = load_jsonl(EVAL_PATH)
    index = EvalIndex(eval_docs, site_sources=SITE_SOURCES)
    hand = read_hand_labels()
    rng = random.Random(SEED)
    report: dict = {"excluded": Counter(), "excluded_examples": [], "labels": Counter(), "written": {}}

    def keep(cands: Iterable[dict]) -> list[dict]:
        kept = []
        for d in cands:
            hits = index.overlaps(d)
            if hits:
                report["excluded"][f"{d['source']}:{hits[0].reason}"] += 1
                if len(report["excluded_examples"]) < 40 and hits[0].reason.startswith(("text", "eval", "url")):
                    report["excluded_examples"].append(f"{d['id']} ~ {hits[0].eval_id} ({hits[0].reason} {hits[0].score})")
                continue
            if d["text"].strip():
                kept.append(d)
        return kept

    sources: dict[str, list[dict]] = {}
    sources["livedoor"] = subsample_livedoor(keep(livedoor_candidates()), rng)
    sources["kwdlc"] = keep(kwdlc_candidates())
    wiki = keep(wikipedia_candidates())
    rng.shuffle(wiki)
    sources["wikipedia"] = sorted(wiki[:WIKIPEDIA_N], key=lambda d: d["id"])
    sources["toxic"] = keep(toxic_candidates())
    if with_chardet:
        sources["chardet"] = keep(chardet_candidates())
    if shards is not None and shards.exists():
        sources["sample"] = keep(sample_candidates(shards))

    out_dir.mkdir(parents=True, exist_ok=True)
    written_docs = []
    for name, docs in sources.items():
        labelled = label_docs(docs, hand, report["labels"])
        path = out_dir / f"{name}.jsonl"
        if labelled:
            report["written"][name] = write_jsonl(path, labelled)
            written_docs += labelled
        else:
            report["written"][name] = 0
            if path.exists():
                path.unlink()
    assert_disjoint(written_docs, eval_docs)
    report["excluded"] = dict(sorted(report["excluded"].items()))
    unlabelled = report["labels"].pop("_unlabelled_ids", [])
    report["labels"] = dict(sorted(report["labels"].items()))
    report["unlabelled_ids"] = unlabelled
    (out_dir / "build_report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return report
