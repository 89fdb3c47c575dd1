"""Dedup quality on real data: the 170 gold livedoor near-duplicate pairs, the 7 exact groups and the
ClueWeb09-ja shop-template pages of the bundled sample, for several LSH settings, vs datasketch.

Input: data/sample/sample.warc.gz annotated in-process (bench/work/dedup-eval/annotated), every
document of it (684) clustered by ``pipeline.dedup.run.run_dedup`` (executor local) per setting.
Gold: ``annotations/livedoor_neardup_pairs_sentJaccard.tsv`` under --shared (sentence Jaccard of
the article files >= 0.5, both files of every pair in the sample), mapped to documents through
data/sample/records.tsv (source path -> URL).

Per setting (bands x rows, verification threshold) it reports, for seed 1 (the default) in detail and
as mean and spread over --seeds permutation seeds (170 pairs sharing documents are a noisy sample:
one seed's recall moves by up to ~0.1):
- gold recall of our clusters (both documents in one cluster) and of LSH candidate pairs alone
  (the two share a bucket), by the gold's sentence-Jaccard bucket and by the char-5-gram Jaccard
  of the extracted texts (what MinHash estimates);
- pairs found: ours (candidate pairs; pairs in one cluster) vs ``datasketch.MinHashLSH`` with the
  same bands x rows, fed (a) datasketch's own MinHash (SHA-1 per shingle, ``update_batch``) of the
  same shingles and (b) our signatures loaded as ``LeanMinHash`` (must equal our candidates);
- pairs in one cluster that are not gold: how many are livedoor-livedoor (different articles by the
  gold's definition, if the gold list is exhaustive) and their true char-5-gram Jaccard;
- the 29 www.uraharajuku.st pages (one shop template): the clusters they fall in;
- the 7 exact-duplicate groups: each in one exact group?
Results: bench/results/dedup_eval.json.

Usage (from the repository root)::

    python bench/dedup_eval.py [--shared DIR] [--out FILE]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import itertools
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from pipeline.dedup.run import run_dedup  # noqa: E402
from pipeline.dedup.config import DedupConfig  # noqa: E402
from pipeline.dedup.signatures import read_signatures  # noqa: E402
from pipeline.dedup.verify import jaccard, ngram_set  # noqa: E402
from pipeline.dedup.minhash import shingles, to_datasketch  # noqa: E402

SETTINGS = [  # (bands, rows, verify_threshold, note)
    (40, 20, 0.0, "Swallow v1: 20 rows x 40 bands, midpoint ~0.83"),
    (20, 10, 0.0, ""),
    (14, 8, 0.0, "default; FineWeb / datatrove: 14 bands x 8 rows, midpoint ~0.72"),
    (14, 8, 0.5, "default + verification at 0.5"),
    (16, 6, 0.0, ""),
    (20, 6, 0.0, ""),
    (20, 6, 0.5, "verification at 0.5"),
    (20, 5, 0.0, ""),
    (20, 5, 0.5, ""),
]
GOLD_BUCKETS = [(0.5, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01)]
CHAR_BUCKETS = [(0.0, 0.3), (0.3, 0.5), (0.5, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01)]


def annotate_sample(work: Path) -> Path:
    from pipeline.annotate.config import AnnotateConfig
    from pipeline.annotate.run import run_annotate

    out = work / "annotated"
    if not list((out / "shards").glob("*.parquet")):
        run_annotate([str(REPO / "data" / "sample" / "sample.warc.gz")], out, AnnotateConfig(), executor="local", show_progress=False)
    return out / "shards"


def gold_pairs(shared: Path, docs: list[dict]) -> tuple[list[dict], dict[str, int]]:
    """The gold pairs with their document indices, and livedoor file -> document index."""
    by_url = {d["url"]: i for i, d in enumerate(docs)}
    src_to_url = {}
    with open(REPO / "data" / "sample" / "records.tsv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            if r["source"] == "livedoor":
                src_to_url[r["source_path"].removeprefix("text/livedoor-news/")] = r["uri"]
    pairs = []
    for line in open(shared / "annotations" / "livedoor_neardup_pairs_sentJaccard.tsv", encoding="utf-8"):
        j, a, b = line.rstrip("\n").split("\t")
        ia, ib = by_url.get(src_to_url.get(a)), by_url.get(src_to_url.get(b))
        pairs.append({"sent_jaccard": float(j), "a": a, "b": b, "ia": ia, "ib": ib})
    return pairs, {f: by_url[u] for f, u in src_to_url.items() if u in by_url}


def candidate_pairs(sigs: np.ndarray, bands: int, rows: int) -> set[tuple[int, int]]:
    """Every pair that shares a bucket in some band (all documents, exact copies included)."""
    out = set()
    for band in range(bands):
        buckets = defaultdict(list)
        for i, row in enumerate(map(bytes, sigs[:, band * rows : (band + 1) * rows])):
            buckets[row].append(i)
        for members in buckets.values():
            out.update(itertools.combinations(members, 2))
    return out


def datasketch_pairs(minhashes: list, bands: int, rows: int) -> set[tuple[int, int]]:
    from datasketch import MinHashLSH

    lsh = MinHashLSH(num_perm=bands * rows, params=(bands, rows))
    for i, m in enumerate(minhashes):
        lsh.insert(i, m)
    return {tuple(sorted((i, j))) for i, m in enumerate(minhashes) for j in lsh.query(m) if j != i}


def recall_table(pairs: list[dict], found: set, key: str, buckets) -> list[dict]:
    rows = []
    for lo, hi in buckets:
        sel = [p for p in pairs if lo <= p[key] < hi]
        hit = sum(1 for p in sel if (min(p["ia"], p["ib"]), max(p["ia"], p["ib"])) in found)
        rows.append({"bucket": f"[{lo:.1f}, {min(hi, 1.0):.1f}{']' if hi > 1 else ')'}", "pairs": len(sel), "found": hit, "recall": round(hit / len(sel), 3) if sel else None})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", default=str(REPO.parent / "shared" / "data"))
    parser.add_argument("--work", default=str(REPO / "bench" / "work" / "dedup-eval"))
    parser.add_argument("--out", default=str(REPO / "bench" / "results" / "dedup_eval.json"))
    parser.add_argument("--seeds", type=int, default=5, help="permutation seeds 1..N for the mean/spread figures")
    args = parser.parse_args()
    shared, work = Path(args.shared), Path(args.work)
    work.mkdir(parents=True, exist_ok=True)

    shards = annotate_sample(work)
    docs = pq.read_table(sorted(shards.glob("*.parquet"))[0], columns=["doc_id", "url", "text"]).to_pylist()
    pairs, file_to_doc = gold_pairs(shared, docs)
    missing = [p for p in pairs if p["ia"] is None or p["ib"] is None]
    pairs = [p for p in pairs if p["ia"] is not None and p["ib"] is not None]
    sets = {}

    def char_j(i: int, j: int) -> float:
        for k in (i, j):
            if k not in sets:
                sets[k] = ngram_set(docs[k]["text"], 5)
        return jaccard(sets[i], sets[j])

    for p in pairs:
        p["char_jaccard"] = char_j(p["ia"], p["ib"])
    livedoor = {i for i, d in enumerate(docs) if d["url"].startswith("http://news.livedoor.com/")}
    gold_set = {(min(p["ia"], p["ib"]), max(p["ia"], p["ib"])) for p in pairs}
    shop = [i for i, d in enumerate(docs) if "uraharajuku.st" in d["url"]]
    exact_groups = [
        ["dokujo-tsushin/dokujo-tsushin-6524058.txt", "dokujo-tsushin/dokujo-tsushin-6533086.txt"],
        ["dokujo-tsushin/dokujo-tsushin-6534759.txt", "dokujo-tsushin/dokujo-tsushin-6535527.txt"],
        ["livedoor-homme/livedoor-homme-5273364.txt", "livedoor-homme/livedoor-homme-5277504.txt", "livedoor-homme/livedoor-homme-5288129.txt"],
        ["peachy/peachy-4617719.txt", "peachy/peachy-4617840.txt"],
        ["peachy/peachy-5869154.txt", "peachy/peachy-5869155.txt"],
        ["peachy/peachy-6844976.txt", "peachy/peachy-6844977.txt"],
        ["topic-news/topic-news-6401347.txt", "topic-news/topic-news-6401348.txt"],
    ]

    results = {
        "benchmark": "dedup_eval", "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "command": "python " + " ".join(sys.argv), "documents": len(docs), "gold_pairs": len(pairs) + len(missing),
        "gold_pairs_missing_in_sample": len(missing),
        "gold_pairs_by_sentence_jaccard": {r["bucket"]: r["pairs"] for r in recall_table(pairs, set(), "sent_jaccard", GOLD_BUCKETS)},
        "gold_pairs_by_char5_jaccard": {r["bucket"]: r["pairs"] for r in recall_table(pairs, set(), "char_jaccard", CHAR_BUCKETS)},
        "settings": [],
    }
    for bands, rows, verify, note in SETTINGS:
        config = DedupConfig(bands=bands, rows=rows, verify_threshold=verify)
        out = work / f"b{bands}-r{rows}-v{verify}"
        t = time.perf_counter()
        summary = run_dedup(str(shards), out, config, executor="local")
        seconds = time.perf_counter() - t
        table = pq.read_table(out / "clusters.parquet").to_pylist()
        assert [r["doc_id"] for r in table] == [d["doc_id"] for d in docs]
        members = defaultdict(list)
        for i, r in enumerate(table):
            members[r["dup_cluster_id"]].append(i)
        in_cluster = {pair for m in members.values() for pair in itertools.combinations(sorted(m), 2)}
        sigs = read_signatures(sorted((out / "signatures").glob("*.parquet"))[0])
        ours = candidate_pairs(sigs, bands, rows)
        ds_ours = datasketch_pairs([to_datasketch(s) for s in sigs], bands, rows)
        from datasketch import MinHash

        native = []
        for d in docs:
            m = MinHash(num_perm=bands * rows)
            m.update_batch([s.encode("utf-8") for s in shingles(d["text"], 5)])
            native.append(m)
        ds_native = datasketch_pairs(native, bands, rows)
        not_gold = sorted(in_cluster - gold_set)
        ld_not_gold = [p for p in not_gold if p[0] in livedoor and p[1] in livedoor]
        ld_j = [char_j(*p) for p in ld_not_gold]
        other_j = [char_j(*p) for p in not_gold if not (p[0] in livedoor and p[1] in livedoor)]
        shop_clusters = Counter(table[i]["dup_cluster_id"] for i in shop)
        exact_ok = [len({table[file_to_doc[f]]["exact_hash"] for f in g}) == 1 and table[file_to_doc[g[0]]]["exact_cluster_size"] == len(g) for g in exact_groups]
        results["settings"].append({
            "bands": bands, "rows": rows, "num_perm": bands * rows, "verify_threshold": verify, "note": note,
            "midpoint_jaccard": round((1 / bands) ** (1 / rows), 3),
            "gold_recall_clusters": round(sum(1 for p in gold_set if p in in_cluster) / len(gold_set), 3),
            "gold_recall_candidates": round(sum(1 for p in gold_set if p in ours) / len(gold_set), 3),
            "gold_recall_datasketch_native": round(sum(1 for p in gold_set if p in ds_native) / len(gold_set), 3),
            "recall_by_sentence_jaccard_clusters": recall_table(pairs, in_cluster, "sent_jaccard", GOLD_BUCKETS),
            "recall_by_char5_jaccard_clusters": recall_table(pairs, in_cluster, "char_jaccard", CHAR_BUCKETS),
            "recall_by_char5_jaccard_candidates": recall_table(pairs, ours, "char_jaccard", CHAR_BUCKETS),
            "pairs_candidates_ours": len(ours),
            "pairs_datasketch_on_our_signatures": len(ds_ours),
            "datasketch_on_our_signatures_equals_ours": ds_ours == ours,
            "pairs_datasketch_native": len(ds_native),
            "pairs_both_ours_and_datasketch_native": len(ours & ds_native),
            "pairs_in_clusters": len(in_cluster),
            "clusters": summary["clusters"], "documents_in_clusters": summary["documents_in_clusters"],
            "cluster_pairs_not_gold": len(not_gold),
            "cluster_pairs_not_gold_livedoor_both": len(ld_not_gold),
            "their_char5_jaccard_quantiles_0_10_50_90_100": [round(float(q), 3) for q in np.quantile(ld_j, [0, 0.1, 0.5, 0.9, 1.0])] if ld_j else [],
            "their_char5_jaccard_below_0.5": sum(1 for j in ld_j if j < 0.5),
            "cluster_pairs_not_gold_other_sources": len(other_j),
            "other_sources_char5_jaccard_below_0.5": sum(1 for j in other_j if j < 0.5),
            "shop_template_pages": len(shop),
            "shop_template_cluster_sizes_in_sample": sorted(shop_clusters.values(), reverse=True),
            "exact_groups_found": f"{sum(exact_ok)}/{len(exact_groups)}",
            "cluster_step_candidate_pairs": summary["cluster_step"].get("candidate_pairs"),
            "cluster_step_verified_pairs": summary["cluster_step"].get("verified_pairs"),
            "seconds_run_dedup_local": round(seconds, 2),
        })
        s = results["settings"][-1]
        per_seed = []
        for seed in range(1, args.seeds + 1):
            cfg = DedupConfig(bands=bands, rows=rows, verify_threshold=verify, seed=seed)
            o = work / f"b{bands}-r{rows}-v{verify}-seed{seed}"
            run_dedup(str(shards), o, cfg, executor="local")
            tab = pq.read_table(o / "clusters.parquet", columns=["dup_cluster_id"]).column("dup_cluster_id").to_pylist()
            mem = defaultdict(list)
            for i, cid in enumerate(tab):
                mem[cid].append(i)
            inc = {pair for m in mem.values() for pair in itertools.combinations(sorted(m), 2)}
            cand = candidate_pairs(read_signatures(sorted((o / "signatures").glob("*.parquet"))[0]), bands, rows)
            ng = [p for p in inc - gold_set if p[0] in livedoor and p[1] in livedoor]
            per_seed.append((sum(p in inc for p in gold_set) / len(gold_set), sum(p in cand for p in gold_set) / len(gold_set),
                             len(ng), sum(1 for p in ng if char_j(*p) < 0.5)))
        arr = np.array(per_seed)
        s["over_seeds"] = {"seeds": args.seeds, **{name: {"mean": round(float(arr[:, k].mean()), 3), "min": round(float(arr[:, k].min()), 3), "max": round(float(arr[:, k].max()), 3)}
                           for k, name in enumerate(["gold_recall_clusters", "gold_recall_candidates", "cluster_pairs_not_gold_livedoor_both", "of_which_char5_jaccard_below_0.5"])}}
        print("   over seeds:", json.dumps(s["over_seeds"]), flush=True)
        print(f"{bands}x{rows} v={verify}: recall clusters {s['gold_recall_clusters']} candidates {s['gold_recall_candidates']} "
              f"datasketch {s['gold_recall_datasketch_native']}; pairs ours {s['pairs_candidates_ours']} ds {s['pairs_datasketch_native']} "
              f"not-gold livedoor {s['cluster_pairs_not_gold_livedoor_both']} (J<0.5: {s['their_char5_jaccard_below_0.5']}) "
              f"shop {s['shop_template_cluster_sizes_in_sample']} exact {s['exact_groups_found']}", flush=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
