"""Throughput of the affiliate/adult classifier's inference (``classifiers.inference``), one core.

Texts: the real Japanese news articles of ``classifiers/train/livedoor.jsonl`` (livedoor news corpus,
committed in the repository) that have at least 2 KB of UTF-8 (490 of the 630), each cut to its first
2 KB (2,047 bytes, ~745 characters, at a character boundary: the "2KB" set); and the same articles cut
to at most 2,000 characters (mean ~1,390 characters, ~3.8 KB: the "2000chars" set). ``predict`` batches
internally by 256.

Measured per backend (``ensemble``, ``fasttext``, ``linear``) and for the tokenizer alone (MeCab via
fugashi, shared by both models): documents per second of process CPU time (``time.process_time``, so
other processes on a shared machine do not count), best of 3 passes after a warm-up, the process pinned
to one core. Model loading time (first call in a process) is reported separately.

Run: ``python bench/classifier_speed.py``. Results: ``bench/results/classifier_speed.json``.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from classifiers.features import tokens  # noqa: E402
from classifiers.inference import MODEL_DIR, AffiliateAdultClassifier  # noqa: E402

OUT = REPO / "bench" / "results" / "classifier_speed.json"
N_DOCS = 600
REPEATS = 3


def cut_bytes(text: str, limit: int) -> str:
    """The longest prefix of ``text`` whose UTF-8 encoding is at most ``limit`` bytes."""
    return text.encode("utf-8")[:limit].decode("utf-8", "ignore")


def load_texts() -> list[str]:
    docs = [json.loads(line) for line in open(REPO / "classifiers/train/livedoor.jsonl", encoding="utf-8")]
    return [d["text"] for d in docs if len(d["text"].encode("utf-8")) >= 2048][:N_DOCS]


def docs_per_s(fn, texts: list[str]) -> float:
    fn(texts[:16])  # warm-up
    best = float("inf")
    for _ in range(REPEATS):
        t0 = time.process_time()
        fn(texts)
        best = min(best, time.process_time() - t0)
    return len(texts) / best


def main() -> dict:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    articles = load_texts()
    sets = {"2KB": [cut_bytes(t, 2048) for t in articles], "2000chars": [t[:2000] for t in articles]}
    result: dict = {
        "what": "classifiers.inference predict(), documents per second of CPU time, one core",
        "texts": {k: {"n": len(v), "mean_chars": round(sum(map(len, v)) / len(v), 1),
                      "mean_utf8_bytes": round(sum(len(t.encode("utf-8")) for t in v) / len(v), 1)} for k, v in sets.items()},
        "docs_per_s": {},
        "load_seconds": {},
        "model_bytes": {p.name: p.stat().st_size for p in sorted(MODEL_DIR.glob("affiliate_adult*"))},
    }
    for backend in ("ensemble", "fasttext", "linear"):
        t0 = time.perf_counter()
        clf = AffiliateAdultClassifier(backend=backend)
        result["load_seconds"][backend] = round(time.perf_counter() - t0, 3)
        for name, texts in sets.items():
            result["docs_per_s"].setdefault(name, {})[backend] = round(docs_per_s(clf.predict, texts), 1)
    for name, texts in sets.items():
        result["docs_per_s"][name]["tokenizer_only"] = round(docs_per_s(lambda ts: [tokens(t) for t in ts], texts), 1)
    result["machine"] = {"python": platform.python_version(), "platform": platform.platform(), "processor": platform.processor(),
                         "cpu_count": os.cpu_count(), "fasttext-numpy2": version("fasttext-numpy2"),
                         "fugashi": version("fugashi"), "scikit-learn": version("scikit-learn")}
    result["date"] = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result["docs_per_s"], indent=1))
    return result


if __name__ == "__main__":
    main()
