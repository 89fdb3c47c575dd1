"""Annotate-path speed vs the naive path and the floor, on a CC-like WARC built from the repo sample.

The WARC: request/response/metadata triplets like Common Crawl, one gzip member per record,
~5% of responses Japanese pages (from data/sample/sample.warc.gz), the rest the sample's real
non-Japanese HTML pages (90%) and its non-HTML responses, redirects and 404s (10%), repeated under
distinct URLs/record ids.

Measured in one run, one core (Ray local cluster with num_cpus=1; the others in this process):
  (a) our annotate path: read -> pre-check -> decode -> trafilatura -> fastText -> signals -> Parquet
      (in-process, and as the real Ray job with start-up reported separately);
  (b) the naive path: trafilatura on every HTML response, then fastText;
  (c) the floor: reading every record with FastWARC + the raw-bytes pre-check;
plus warcio's and FastWARC's plain read rate.
Results: bench/results/annotate_speed.json.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import random
import shutil
import sys
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from fastwarc.warc import ArchiveIterator, WarcRecordType  # noqa: E402

from pipeline.annotate.config import AnnotateConfig  # noqa: E402
from pipeline.annotate.decode import DecodeError, decode_html  # noqa: E402
from pipeline.annotate.extract import extract_text  # noqa: E402
from pipeline.annotate.prefilter import ja_prefilter  # noqa: E402
from pipeline.annotate.langid import identify_language, load_model  # noqa: E402
from pipeline.annotate.read import PageRecord, read_warc  # noqa: E402


def _member(headers: list[tuple[str, str]], block: bytes) -> bytes:
    head = "WARC/1.0\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + f"Content-Length: {len(block)}\r\n\r\n"
    return gzip.compress(head.encode("utf-8") + block + b"\r\n\r\n", mtime=0)


def load_responses(sample: Path) -> tuple[list, list, list]:
    """(Japanese, other HTML 200, everything else) response blocks of the sample."""
    ja, other, misc = [], [], []
    config = AnnotateConfig()
    pages = {}
    for item in read_warc(str(sample), config):
        if isinstance(item, PageRecord):
            pages[item.url] = item
    for rec in ArchiveIterator(str(sample), parse_http=False, quirks_mode=True, fsspec_args=False, record_types=WarcRecordType.response):
        uri = (rec.headers.get("WARC-Target-URI") or "").strip("<>")
        block = rec.reader.read()
        page = pages.get(uri)
        is_ja = False
        if page is not None and ja_prefilter(page.body, page.content_type).keep:
            try:
                text = extract_text(decode_html(page.body, page.content_type).text)
                label, _, score = identify_language(text)
                is_ja = label == "ja" and score >= config.lid_min_score
            except DecodeError:
                pass
        (ja if is_ja else other if page is not None else misc).append((uri, block))
    return ja, other, misc


def build_cc_like_warc(sample: Path, out: Path, n_records: int, ja_share: float, misc_share: float = 0.1, seed: int = 0) -> dict:
    """``misc_share`` of the non-Japanese responses are non-HTML / non-200 (Common Crawl stores
    mostly HTML 200 responses; redirects, 404s and other types are the minority)."""
    ja, other, misc = load_responses(sample)
    rnd = random.Random(seed)
    n_triplets = n_records // 3
    n_ja = round(n_triplets * ja_share)
    n_misc = round((n_triplets - n_ja) * misc_share)
    chosen = ([rnd.choice(ja) for _ in range(n_ja)] + [rnd.choice(misc) for _ in range(n_misc)]
              + [rnd.choice(other) for _ in range(n_triplets - n_ja - n_misc)])
    rnd.shuffle(chosen)
    date = datetime(2024, 5, 18, tzinfo=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "wb") as fh:
        fh.write(_member([("WARC-Type", "warcinfo"), ("WARC-Date", date), ("WARC-Record-ID", f"<urn:uuid:{uuid.UUID(int=0)}>"), ("Content-Type", "application/warc-fields")], b"software: bench/annotate_speed.py\r\n"))
        for i, (uri, block) in enumerate(chosen):
            url = f"{uri}{'&' if '?' in uri else '?'}bench={i}"
            rid = lambda k: f"<urn:uuid:{uuid.UUID(int=rnd.getrandbits(128))}>"  # noqa: E731
            request = f"GET / HTTP/1.1\r\nHost: {url.split('/')[2] if '//' in url else 'x'}\r\nUser-Agent: CCBot/2.0\r\n\r\n".encode()
            fh.write(_member([("WARC-Type", "request"), ("WARC-Target-URI", url), ("WARC-Date", date), ("WARC-Record-ID", rid(0)), ("Content-Type", "application/http; msgtype=request")], request))
            fh.write(_member([("WARC-Type", "response"), ("WARC-Target-URI", url), ("WARC-Date", date), ("WARC-Record-ID", rid(1)), ("Content-Type", "application/http; msgtype=response")], block))
            fh.write(_member([("WARC-Type", "metadata"), ("WARC-Target-URI", url), ("WARC-Date", date), ("WARC-Record-ID", rid(2)), ("Content-Type", "application/warc-fields")], b"fetchTimeMs: 120\r\n"))
    return {"records": 1 + 3 * len(chosen), "responses": len(chosen), "japanese_responses": n_ja, "bytes": out.stat().st_size,
            "non_html_or_non_200_responses": n_misc,
            "distinct_japanese_pages": len(ja), "distinct_other_html_pages": len(other), "distinct_misc_responses": len(misc)}


def time_it(fn) -> tuple[float, object]:
    t = time.perf_counter()
    result = fn()
    return time.perf_counter() - t, result


def floor_path(warc: Path) -> int:
    """FastWARC reads every record; each HTML 200 response gets the pre-check. Nothing else."""
    kept = 0
    for item in read_warc(str(warc), AnnotateConfig()):
        if isinstance(item, PageRecord) and ja_prefilter(item.body, item.content_type).keep:
            kept += 1
    return kept


def naive_path(warc: Path) -> int:
    """trafilatura on every HTML response (decoded the same way), then fastText."""
    kept = 0
    for item in read_warc(str(warc), AnnotateConfig()):
        if not isinstance(item, PageRecord):
            continue
        try:
            html = decode_html(item.body, item.content_type).text
        except DecodeError:
            continue
        text = extract_text(html, url=item.url)
        if text:
            label, _, score = identify_language(text)
            kept += label == "ja" and score >= 0.5
    return kept


def warcio_read(warc: Path) -> int:
    from warcio.archiveiterator import ArchiveIterator as WarcioIterator

    n = 0
    with open(warc, "rb") as fh:
        for rec in WarcioIterator(fh):
            rec.content_stream().read()
            n += 1
    return n


def fastwarc_read(warc: Path) -> int:
    n = 0
    for rec in ArchiveIterator(str(warc), parse_http=False, quirks_mode=True, fsspec_args=False):
        rec.reader.read()
        n += 1
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", default=str(REPO / "data" / "sample" / "sample.warc.gz"))
    parser.add_argument("--records", type=int, default=10_002)
    parser.add_argument("--ja-share", type=float, default=0.05)
    parser.add_argument("--work", default=str(REPO / "bench" / "work"))
    parser.add_argument("--out", default=str(REPO / "bench" / "results" / "annotate_speed.json"))
    parser.add_argument("--skip-naive", action="store_true", help="skip (b), the slow one")
    args = parser.parse_args()

    os.environ.setdefault("OMP_NUM_THREADS", "1")
    work = Path(args.work)
    warc = work / "cc-like.warc.gz"
    built = build_cc_like_warc(Path(args.sample), warc, args.records, args.ja_share)
    print("built", built, flush=True)
    load_model()  # fastText load is start-up, not per-record work: done once before timing
    from classifiers.inference import predict

    predict(["これは起動時の読み込みです。"])  # likewise the classifier models and MeCab

    results: dict = {"warc": built, "python": platform.python_version(), "machine": platform.machine(), "cpus_used": 1,
                     "date": datetime.now(timezone.utc).isoformat(timespec="seconds"), "command": " ".join(sys.argv)}
    t, n = time_it(lambda: fastwarc_read(warc))
    results["read_fastwarc"] = {"seconds": round(t, 3), "records_per_s": round(n / t)}
    t, n = time_it(lambda: warcio_read(warc))
    results["read_warcio"] = {"seconds": round(t, 3), "records_per_s": round(n / t)}
    t, kept = time_it(lambda: floor_path(warc))
    results["c_floor_read_plus_precheck"] = {"seconds": round(t, 3), "records_per_s": round(built["records"] / t), "prechecked_japanese": kept}

    from pipeline.annotate.job import annotate_warc

    out_local = work / "out-local"
    shutil.rmtree(out_local, ignore_errors=True)
    t, stats = time_it(lambda: annotate_warc(str(warc), out_local, AnnotateConfig()))
    results["a_annotate_in_process"] = {"seconds": round(t, 3), "records_per_s": round(built["records"] / t), "kept": stats["kept"], "stage_seconds": stats["seconds"]}
    # The same without the affiliate/adult classifier: the issue-2 path (read .. signals), for
    # comparison with the goal set before the classifier existed.
    out_nc = work / "out-no-classifier"
    shutil.rmtree(out_nc, ignore_errors=True)
    t, stats = time_it(lambda: annotate_warc(str(warc), out_nc, AnnotateConfig(classifier=False)))
    results["a_annotate_in_process_without_classifier"] = {"seconds": round(t, 3), "records_per_s": round(built["records"] / t), "kept": stats["kept"], "stage_seconds": stats["seconds"]}

    # The same path as the real Ray job, one CPU; start-up reported apart.
    import ray

    from pipeline.annotate.run import run_annotate
    from pipeline.executor import init_ray

    out_ray = work / "out-ray"
    shutil.rmtree(out_ray, ignore_errors=True)
    startup = init_ray(num_cpus=1)
    t, summary = time_it(lambda: run_annotate([str(warc)], out_ray, AnnotateConfig(), executor="ray", show_progress=False))
    ray.shutdown()
    results["a_annotate_ray_job"] = {"ray_startup_seconds": round(startup, 3), "job_seconds_after_startup": round(t, 3),
                                     "records_per_s_after_startup": round(built["records"] / t), "total_seconds_with_startup": round(t + startup, 3), "kept": summary["kept"]}

    if not args.skip_naive:
        t, kept = time_it(lambda: naive_path(warc))
        results["b_naive_extract_everything"] = {"seconds": round(t, 3), "records_per_s": round(built["records"] / t), "kept": kept}
        results["ratio_a_vs_b_speedup"] = round(results["b_naive_extract_everything"]["seconds"] / results["a_annotate_in_process"]["seconds"], 2)
        results["ratio_a_without_classifier_vs_b_speedup"] = round(results["b_naive_extract_everything"]["seconds"] / results["a_annotate_in_process_without_classifier"]["seconds"], 2)
    results["ratio_a_vs_c_slowdown"] = round(results["a_annotate_in_process"]["seconds"] / results["c_floor_read_plus_precheck"]["seconds"], 2)
    results["ratio_a_without_classifier_vs_c_slowdown"] = round(results["a_annotate_in_process_without_classifier"]["seconds"] / results["c_floor_read_plus_precheck"]["seconds"], 2)
    results["ratio_fastwarc_vs_warcio_read"] = round(results["read_warcio"]["seconds"] / results["read_fastwarc"]["seconds"], 2)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
