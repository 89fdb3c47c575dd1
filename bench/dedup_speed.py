"""Dedup speed: MinHash signatures vs datasketch, and the cluster step on 1M documents.

(a) Signatures, one core, one run, the same texts for every method: the sample's 684 extracted
    Japanese documents (bench/work/dedup-eval/annotated, made by bench/dedup_eval.py or here),
    mean 1,557 characters. Every method starts from the raw text and normalises it the same way
    (``pipeline.dedup.normalize``); datasketch gets the character 5-grams as UTF-8 bytes and its
    default SHA-1 hash; our ``MinHasher`` does the rest with numpy. Methods: datasketch
    ``update`` per shingle (on every 4th document: it is slow), ``update_batch``, ours, and rensa
    ``RMinHash`` when it is installed. num_perm 128 (the mission's reference figures), 112 (our
    default 14 x 8) and 800 (Swallow's 40 x 20). Best of --repeats passes, the methods
    interleaved pass by pass (the machine is shared: load falls on all methods alike).
    Normalisation alone: ours vs ``unicodedata.normalize('NFKC')``.
(b) Cluster step on 1M documents: synthetic signature side tables with planted duplicates (exact
    copies, and near copies whose signatures agree with their original's in a share J of the
    values, J uniform in [0.3, 1)), clustered by ``pipeline.dedup.run.cluster_side_tables`` with the
    default settings but no verification (synthetic signatures have no text), in a fresh process
    per executor: wall time, that process's peak RSS above its RSS before the step, the traced
    peak (numpy) and, on Ray, each task's. Each executor twice: with the default allocators, which
    keep freed memory (glibc raises its mmap threshold up to 32 MB after a large free; Arrow's
    mimalloc caches), and with ``MALLOC_MMAP_THRESHOLD_=65536 ARROW_DEFAULT_MEMORY_POOL=system``,
    which hand it back, so the RSS peak is the working set. Recall of planted pairs by J.
(c) The whole pass (signatures, clusters, verification by true Jaccard) on --text-docs documents
    of real text: 70% mixtures of 8-20 random lines of the sample's texts, 30% copies of an
    earlier one with 0-4 line edits (a line dropped, a line of another document inserted);
    ``run_dedup`` with the default settings, executor local and ray, and with 20 x 5 and
    verification at 0.5 (executor local) for the cost of verification.
Results: bench/results/dedup_speed.json.

Usage (from the repository root)::

    python bench/dedup_speed.py [--docs 1000000] [--skip-signatures] [--skip-cluster]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from pipeline.dedup.config import DedupConfig  # noqa: E402
from pipeline.dedup.normalize import normalize, normalized_codepoints  # noqa: E402
from pipeline.dedup.signatures import signature_array, signature_schema  # noqa: E402
from pipeline.dedup.minhash import MinHasher, shingles  # noqa: E402


def best_rates(methods: dict, repeats: int) -> dict:
    """docs/s of each (function, items) method: best of ``repeats`` passes, the methods interleaved
    pass by pass so that load from other processes falls on all of them alike."""
    best = {name: float("inf") for name in methods}
    for _ in range(repeats):
        for name, (fn, items) in methods.items():
            t = time.perf_counter()
            for x in items:
                fn(x)
            best[name] = min(best[name], time.perf_counter() - t)
    return {name: len(methods[name][1]) / best[name] for name in methods}


def signature_speed(texts: list[str], repeats: int) -> dict:
    from datasketch import MinHash

    try:
        import rensa  # optional: measured when installed
    except ImportError:
        rensa = None
    subset = texts[::4]
    out: dict = {"documents": len(texts), "mean_chars": round(float(np.mean([len(t) for t in texts])), 1),
                 "update_subset_documents": len(subset)}
    rates = best_rates({"ours_numpy_tables": (normalized_codepoints, texts),
                        "unicodedata_nfkc_lower_split": (lambda t: " ".join(unicodedata.normalize("NFKC", t).lower().split()), texts)}, repeats)
    out["normalize_docs_per_s"] = {k: round(v) for k, v in rates.items()}

    def ds_update(num_perm):
        def run(text):
            m = MinHash(num_perm=num_perm)
            for s in shingles(text, 5):
                m.update(s.encode("utf-8"))
        return run

    def ds_batch(num_perm):
        def run(text):
            m = MinHash(num_perm=num_perm)
            m.update_batch([s.encode("utf-8") for s in shingles(text, 5)])
        return run

    for num_perm in (128, 112, 800):
        hasher = MinHasher(5, num_perm, 1)
        methods = {
            "ours": (hasher.signature, texts),
            "ours_on_update_subset": (hasher.signature, subset),
            "datasketch_update_batch": (ds_batch(num_perm), texts),
            "datasketch_update_on_subset": (ds_update(num_perm), subset),
        }
        if rensa is not None:
            def rensa_run(text, num_perm=num_perm):
                m = rensa.RMinHash(num_perm=num_perm, seed=1)
                m.update(shingles(text, 5))
            methods["rensa_RMinHash"] = (rensa_run, texts)
        row = {k: round(v, 1) for k, v in best_rates(methods, repeats).items()}
        if rensa is not None:
            row["rensa_version"] = importlib.metadata.version("rensa")
        row["speedup_vs_update"] = round(row["ours_on_update_subset"] / row["datasketch_update_on_subset"], 1)
        row["speedup_vs_update_batch"] = round(row["ours"] / row["datasketch_update_batch"], 1)
        out[f"num_perm_{num_perm}_docs_per_s"] = row
        print(num_perm, row, flush=True)
    return out


def make_synthetic(work: Path, docs: int, shards: int, config: DedupConfig, seed: int = 0) -> dict:
    """Side tables of ``docs`` documents: 60% originals, 10% exact copies, 30% near copies."""
    rng = np.random.default_rng(seed)
    num_perm = config.num_perm
    kind = rng.choice(np.array([0, 1, 2], dtype=np.int8), size=docs, p=[0.6, 0.1, 0.3])  # original, exact, near
    kind[0] = 0
    origin = np.arange(docs, dtype=np.int64)
    originals = np.flatnonzero(kind == 0)
    copies = np.flatnonzero(kind != 0)
    # a copy copies an original that comes before it (so clusters form over the whole run)
    pick = (rng.random(len(copies)) * np.searchsorted(originals, copies)).astype(np.int64)
    origin[copies] = originals[pick]
    share = np.ones(docs)
    near = kind == 2
    share[near] = rng.uniform(0.3, 1.0, near.sum())
    sigs = rng.integers(0, 1 << 32, size=(docs, num_perm), dtype=np.uint32)
    exact = rng.integers(-(1 << 63), (1 << 63) - 1, size=docs, dtype=np.int64)
    sigs[copies] = sigs[origin[copies]]
    exact[kind == 1] = exact[origin[kind == 1]]
    change = (rng.random((near.sum(), num_perm)) >= share[near][:, None])
    block = sigs[near]
    block[change] = rng.integers(0, 1 << 32, size=int(change.sum()), dtype=np.uint32)
    sigs[near] = block
    sig_dir = work / "signatures"
    sig_dir.mkdir(parents=True, exist_ok=True)
    meta = {"settings": config.signature_key(), "source": ""}
    schema = signature_schema(num_perm, meta)
    paths = []
    bounds = np.linspace(0, docs, shards + 1).astype(np.int64)
    for s in range(shards):
        lo, hi = bounds[s], bounds[s + 1]
        table = pa.Table.from_arrays([
            pa.array([f"{i:032x}" for i in range(lo, hi)], pa.string()), pa.array(exact[lo:hi]),
            pa.array(np.full(hi - lo, 1_700_000_000_000, dtype=np.int64), pa.timestamp("ms", tz="UTC")),
            pa.array(np.full(hi - lo, 1500, dtype=np.int32)),
            signature_array(sigs[lo:hi])], schema=schema)
        path = sig_dir / f"synthetic-{s:03d}.parquet"
        # row groups of 2,048 rows, like the signature pass writes (one per batch of rows_per_batch)
        pq.write_table(table, path, compression={name: "zstd" for name in schema.names} | {"signature": "none"}, row_group_size=config.rows_per_batch)
        paths.append(str(path))
    np.savez(work / "truth.npz", kind=kind, origin=origin, share=share)
    return {"documents": docs, "shards": shards, "originals": int((kind == 0).sum()), "exact_copies": int((kind == 1).sum()),
            "near_copies": int(near.sum()), "near_copy_share_of_equal_values": "uniform [0.3, 1)", "paths": paths}


def make_text_shards(work: Path, texts: list[str], docs: int, shards: int, seed: int = 0) -> list[str]:
    rng = np.random.default_rng(seed)
    pool = [line for t in texts for line in t.splitlines() if len(line) >= 10]
    made: list[str] = []
    copies = 0
    for i in range(docs):
        if i and rng.random() < 0.3:
            lines = made[int(rng.integers(len(made)))].split("\n")
            for _ in range(int(rng.integers(0, 5))):
                if rng.random() < 0.5 and len(lines) > 1:
                    lines.pop(int(rng.integers(len(lines))))
                else:
                    lines.insert(int(rng.integers(len(lines) + 1)), pool[int(rng.integers(len(pool)))])
            copies += 1
        else:
            lines = [pool[int(rng.integers(len(pool)))] for _ in range(int(rng.integers(8, 21)))]
        made.append("\n".join(lines))
    out = work / "text-shards"
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    bounds = np.linspace(0, docs, shards + 1).astype(np.int64)
    for s in range(shards):
        lo, hi = bounds[s], bounds[s + 1]
        chunk = made[lo:hi]
        table = pa.table({"doc_id": [f"t{i:031x}" for i in range(lo, hi)], "text": chunk,
                          "crawl_date": pa.array(np.full(hi - lo, 1_700_000_000_000, dtype=np.int64), pa.timestamp("ms", tz="UTC")),
                          "n_chars": pa.array([len(t) for t in chunk], pa.int32())})
        path = out / f"text-{s:03d}.parquet"
        pq.write_table(table, path, row_group_size=2048)
        paths.append(str(path))
    return paths


VERIFIED = DedupConfig(bands=20, rows=5, verify_threshold=0.5)


def text_run(work: Path, paths: list[str], executor: str, num_cpus: int, config: DedupConfig) -> dict:
    import shutil

    from pipeline.dedup.run import run_dedup
    from pipeline.executor import make_executor

    ex = make_executor(executor, num_cpus)
    out = work / f"text-out-{executor}-{config.bands}x{config.rows}-v{config.verify_threshold}"
    shutil.rmtree(out, ignore_errors=True)
    t = time.perf_counter()
    summary = run_dedup(paths, out, config, executor=ex)
    seconds = time.perf_counter() - t
    docs = summary["documents"]
    return {"executor": executor, "bands": config.bands, "rows": config.rows, "verify_threshold": config.verify_threshold,
            "num_cpus": num_cpus if executor == "ray" else 1, "seconds_total": round(seconds, 2),
            "ray_startup_seconds_not_included": round(getattr(ex, "startup_seconds", 0.0), 2),
            "signature_docs_per_s": round(docs / summary["seconds"]["signatures"]), "seconds": summary["seconds"],
            "candidate_pairs": summary["cluster_step"].get("candidate_pairs"), "verified_pairs": summary["cluster_step"].get("verified_pairs"),
            "clusters": summary["clusters"], "documents_in_clusters": summary["documents_in_clusters"],
            "exact_duplicate_documents": summary["exact_duplicate_documents"], "memory": summary["memory"]}


def cluster_child(work: Path, executor: str, num_cpus: int) -> None:
    """Runs in a fresh process: the cluster step alone, with its memory."""
    from pipeline.dedup.run import cluster_side_tables
    from pipeline.executor import make_executor, peak_rss_bytes, reset_peak_rss, rss_bytes

    config = DedupConfig(verify_threshold=0.0)
    paths = sorted(str(p) for p in (work / "signatures").glob("*.parquet"))
    ex = make_executor(executor, num_cpus)  # Ray start-up is not part of the step
    out = work / f"out-{executor}"
    out.mkdir(exist_ok=True)
    reset_peak_rss()
    rss_before = rss_bytes()
    t = time.perf_counter()
    summary = cluster_side_tables(paths, out, config, ex)
    seconds = time.perf_counter() - t
    peak = peak_rss_bytes()
    truth = np.load(work / "truth.npz")
    cid = pq.read_table(out / "clusters.parquet", columns=["dup_cluster_id"]).column("dup_cluster_id").combine_chunks().dictionary_encode().indices.to_numpy()
    kind, origin, share = truth["kind"], truth["origin"], truth["share"]
    copies = np.flatnonzero(kind != 0)
    found = cid[copies] == cid[origin[copies]]
    recall = {}
    for lo, hi in [(0.3, 0.4), (0.4, 0.5), (0.5, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01)]:
        sel = (kind[copies] == 2) & (share[copies] >= lo) & (share[copies] < hi)
        recall[f"near [{lo:.1f}, {min(hi, 1.0):.1f})"] = round(float(found[sel].mean()), 3)
    recall["exact"] = round(float(found[kind[copies] == 1].mean()), 3)
    docs = summary["cluster_step"]["documents"]
    result = {"executor": executor, "num_cpus": num_cpus, "seconds_cluster_step": round(seconds, 2),
              "ray_startup_seconds_not_included": round(getattr(ex, "startup_seconds", 0.0), 2),
              "process_rss_before_bytes": rss_before, "process_peak_rss_bytes": peak,
              "process_peak_rss_growth_bytes_per_document": round((peak - rss_before) / docs, 1),
              "summary_seconds": summary["seconds"], "memory": summary["memory"], "cluster_step": summary["cluster_step"],
              "clusters": summary["clusters"], "documents_in_clusters": summary["documents_in_clusters"],
              "planted_copy_recall_by_share": recall}
    print("RESULT " + json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--shards", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--num-cpus", type=int, default=2)
    parser.add_argument("--work", default=str(REPO / "bench" / "work" / "dedup-speed"))
    parser.add_argument("--out", default=str(REPO / "bench" / "results" / "dedup_speed.json"))
    parser.add_argument("--skip-signatures", action="store_true")
    parser.add_argument("--skip-cluster", action="store_true")
    parser.add_argument("--text-docs", type=int, default=50_000)
    parser.add_argument("--skip-text", action="store_true")
    parser.add_argument("--cluster-child", choices=("local", "ray"), help=argparse.SUPPRESS)
    parser.add_argument("--text-child", choices=("local", "ray", "local-verified"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    work = Path(args.work)
    if args.cluster_child:
        cluster_child(work, args.cluster_child, args.num_cpus)
        return
    if args.text_child:
        paths = sorted(str(p) for p in (work / "text-shards").glob("*.parquet"))
        config = VERIFIED if args.text_child == "local-verified" else DedupConfig()
        print("RESULT " + json.dumps(text_run(work, paths, args.text_child.split("-")[0], args.num_cpus, config)))
        return
    results: dict = {"benchmark": "dedup_speed", "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                     "command": "python " + " ".join(sys.argv), "python": platform.python_version(), "cpus": os.cpu_count(),
                     "load_average_at_start": os.getloadavg()}
    out_path = Path(args.out)
    if out_path.exists():  # keep the part not re-run
        old = json.loads(out_path.read_text(encoding="utf-8"))
        results |= {k: old[k] for k in ("signatures", "cluster_1m", "whole_pass_real_text") if k in old}
    sys.path.insert(0, str(REPO / "bench"))
    from dedup_eval import annotate_sample

    shards = annotate_sample(REPO / "bench" / "work" / "dedup-eval")
    texts = [t or "" for t in pq.read_table(sorted(shards.glob("*.parquet"))[0], columns=["text"]).column("text").to_pylist()]
    if not args.skip_signatures:
        normalize(texts[0])  # build the tables before timing
        results["signatures"] = signature_speed(texts, args.repeats)
    if not args.skip_text:
        t = time.perf_counter()
        make_text_shards(work, texts, args.text_docs, 5)
        results["whole_pass_real_text"] = {"documents": args.text_docs, "shards": 5, "seconds_to_generate": round(time.perf_counter() - t, 1), "runs": []}
        for executor in ("local", "ray", "local-verified"):
            proc = subprocess.run([sys.executable, __file__, "--text-child", executor, "--work", str(work), "--num-cpus", str(args.num_cpus)],
                                  capture_output=True, text=True, cwd=REPO)
            line = [x for x in proc.stdout.splitlines() if x.startswith("RESULT ")]
            if proc.returncode or not line:
                raise SystemExit(f"{executor} text run failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
            run = json.loads(line[0][len("RESULT "):])
            results["whole_pass_real_text"]["runs"].append(run)
            print(json.dumps(run, indent=1), flush=True)
    if not args.skip_cluster:
        config = DedupConfig(verify_threshold=0.0)
        t = time.perf_counter()
        synth = make_synthetic(work, args.docs, args.shards, config)
        synth.pop("paths")
        results["cluster_1m"] = {"synthetic": synth | {"seconds_to_generate": round(time.perf_counter() - t, 1)}, "config": config.to_dict(), "runs": []}
        returning = {"MALLOC_MMAP_THRESHOLD_": "65536", "ARROW_DEFAULT_MEMORY_POOL": "system"}
        for executor, env in (("local", {}), ("local", returning), ("ray", {}), ("ray", returning)):
            proc = subprocess.run([sys.executable, __file__, "--cluster-child", executor, "--work", str(work), "--num-cpus", str(args.num_cpus)],
                                  capture_output=True, text=True, cwd=REPO, env=os.environ | env)
            line = [x for x in proc.stdout.splitlines() if x.startswith("RESULT ")]
            if proc.returncode or not line:
                raise SystemExit(f"{executor} run failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
            run = json.loads(line[0][len("RESULT "):]) | {"allocator_env": env or "default (glibc malloc, Arrow mimalloc)"}
            results["cluster_1m"]["runs"].append(run)
            print(json.dumps(run, indent=1), flush=True)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
