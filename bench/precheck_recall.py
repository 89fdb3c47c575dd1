"""Recall and skip rate of the raw-bytes Japanese pre-check (``pipeline.annotate.prefilter``) against the full path.

Corpus: every real page under the shared data folder:

* every file of ``html/chardet-legacy-ja/*/*``, ``html/postlight-parser-ja/*``,
  ``html/mozilla-readability-testpages/*/source.html``, ``html/trafilatura-cache/*``,
  ``html/trafilatura-eval-cjk/*`` (content type None);
* every HTTP 200 response record with an HTML-ish ``Content-Type`` (html, xhtml, xml, rss, atom) in
  every WARC under ``warc/*/*`` (fastwarc). Bodies that start with the gzip magic are decompressed
  (``Content-Encoding: gzip`` is sometimes declared on bodies stored decoded, the ClueWeb quirk, and
  sometimes true); bodies sent with ``Transfer-Encoding: chunked`` are de-chunked (fastwarc keeps the
  chunk framing).

Truth ("full path"): ``decode_html`` -> ``extract_text`` (the pipeline's trafilatura settings) ->
``identify_language``; Japanese = label ``ja`` with ``ja_score >= 0.5`` (0.3 and 0.8 reported too).
Pages where trafilatura extracts nothing are non-Japanese for the headline (there is no text to
keep), and are listed apart with the language of a crude tag-stripped text, since the pre-check may
legitimately keep them; a second truth variant ("crude_for_empty") uses that crude language for them.

Pre-check: ``ja_prefilter(body, content_type)`` at the default ``min_kana`` and at 1, 4, 8, 16, 32.

Reported: pages, Japanese by truth, recall (kept & ja / ja), skip rate on non-Japanese
(not kept & non-ja / non-ja), precision, every missed Japanese page with the byte-level evidence,
every kept non-Japanese page with its evidence; per source; the Common Crawl WARC
(``warc/resiliparse/warcfile.warc.gz``, Chinese spam: the hard negatives) apart; throughput of the
pre-check (bytes/s, pages/s, best of several passes) against the full path (pages/s, one pass).

Usage (from the repository root)::

    python bench/precheck_recall.py [--shared DIR] [--out FILE]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import html as html_lib
import inspect
import json
import re
import sys
import time
import zlib
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from pipeline.annotate.decode import DecodeError, charset_from_content_type, charset_from_markup, decode_html  # noqa: E402
from pipeline.annotate.extract import TRAFILATURA_SETTINGS, ExtractTimeout, extract_text  # noqa: E402
from pipeline.annotate.prefilter import (  # noqa: E402
    _EUC_KANA,
    _ENTITY_KANA,
    _ISO2022_ESC,
    _LANG_JA,
    _SJIS_KANA,
    _UTF8_KANA_LEADS,
    ja_prefilter,
)
from pipeline.annotate.langid import identify_language  # noqa: E402

DEFAULT_SHARED = REPO.parent / "shared" / "data"
DEFAULT_OUT = REPO / "bench" / "results" / "precheck_recall.json"
DEFAULT_MIN_KANA = inspect.signature(ja_prefilter).parameters["min_kana"].default
MIN_KANAS = sorted({1, 4, 8, 16, 32, DEFAULT_MIN_KANA})
THRESHOLDS = (0.3, 0.5, 0.8)
HEADLINE_THRESHOLD = 0.5
CC_WARC = "warc/resiliparse/warcfile.warc.gz"
HTML_GLOBS = (
    "html/chardet-legacy-ja/*/*",
    "html/postlight-parser-ja/*",
    "html/mozilla-readability-testpages/*/source.html",
    "html/trafilatura-cache/*",
    "html/trafilatura-eval-cjk/*",
)
_HTMLISH = ("html", "xhtml", "xml", "rss", "atom")
EXTRACT_TIMEOUT_S = 60.0


# ----------------------------------------------------------------------------------------- corpus

def _dechunk(body: bytes) -> bytes | None:
    """HTTP/1.1 chunked transfer coding -> payload; None if ``body`` is not well-formed chunks."""
    out, pos = bytearray(), 0
    while True:
        eol = body.find(b"\r\n", pos)
        if eol < 0:
            return None
        size_field = body[pos:eol].split(b";", 1)[0].strip()
        try:
            size = int(size_field, 16)
        except ValueError:
            return None
        if size == 0:
            return bytes(out)
        start = eol + 2
        out += body[start:start + size]
        pos = start + size + 2
        if pos > len(body):  # truncated record: keep what there is
            return bytes(out)


def _gunzip(body: bytes) -> bytes:
    try:
        return gzip.decompress(body)
    except (OSError, EOFError, zlib.error):
        try:  # truncated stream: take what decompresses
            return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(body)
        except zlib.error:
            return body


def iter_warc_pages(shared: Path, stats: Counter):
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    for path in sorted(shared.glob("warc/*/*")):
        if not path.is_file():
            continue
        rel = path.relative_to(shared).as_posix()
        n = 0
        try:
            for rec in ArchiveIterator(str(path), parse_http=True, quirks_mode=True, fsspec_args=False):
                if rec.record_type != WarcRecordType.response or not rec.is_http:
                    continue
                n += 1
                h = rec.http_headers
                if h.status_code != 200:
                    stats["warc_non200"] += 1
                    continue
                ctype = h.get("Content-Type")
                if not ctype or not any(k in ctype.lower() for k in _HTMLISH):
                    stats["warc_not_htmlish"] += 1
                    continue
                body = rec.reader.read()
                if "chunked" in (h.get("Transfer-Encoding") or "").lower():
                    dechunked = _dechunk(body)
                    if dechunked is not None:
                        body = dechunked
                        stats["warc_dechunked"] += 1
                if body[:2] == b"\x1f\x8b":
                    body = _gunzip(body)
                    stats["warc_gunzipped"] += 1
                elif "gzip" in (h.get("Content-Encoding") or "").lower():
                    stats["warc_gzip_header_but_plain_body"] += 1
                uri = (rec.headers.get("WARC-Target-URI") or "").strip("<>")
                yield {"path": f"{rel}#{n}", "uri": uri, "source": rel, "ctype": ctype, "body": body}
        except Exception as exc:  # a truncated WARC (clipped.warc.gz) ends the file, not the run
            stats["warc_read_errors"] += 1
            print(f"warning: {rel}: {type(exc).__name__}: {exc}", file=sys.stderr)


def load_corpus(shared: Path) -> tuple[list[dict], Counter]:
    stats: Counter = Counter()
    pages = []
    for pattern in HTML_GLOBS:
        group = pattern.split("/")[1]
        for path in sorted(shared.glob(pattern)):
            if path.is_file():
                pages.append({"path": path.relative_to(shared).as_posix(), "uri": None, "source": f"html/{group}",
                              "ctype": None, "body": path.read_bytes()})
    pages.extend(iter_warc_pages(shared, stats))
    return pages, stats


# ------------------------------------------------------------------------------------- full path

_SCRIPT_STYLE = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_WS = re.compile(r"\s+")


def crude_text(html: str) -> str:
    html = _SCRIPT_STYLE.sub(" ", html)
    return _WS.sub(" ", html_lib.unescape(_TAG.sub(" ", _COMMENT.sub(" ", html)))).strip()


def full_path(page: dict) -> dict:
    """decode -> extract -> LID. Returns the truth record and its timing."""
    out: dict = {}
    t0 = time.perf_counter()
    try:
        dec = decode_html(page["body"], page["ctype"])
        out["charset"], out["charset_source"] = dec.charset, dec.source
        text = dec.text
    except DecodeError as exc:
        out["decode_error"] = str(exc)
        out["seconds"] = time.perf_counter() - t0
        out.update(extracted_chars=0, label="", score=0.0, ja_score=0.0)
        return out
    try:
        extracted = extract_text(text, url=page["uri"], timeout_s=EXTRACT_TIMEOUT_S)
    except ExtractTimeout:
        extracted, out["extract_timeout"] = "", True
    label, score, ja = identify_language(extracted)
    out["seconds"] = time.perf_counter() - t0
    out.update(extracted_chars=len(extracted), label=label, score=round(score, 4), ja_score=round(ja, 4))
    if not extracted.strip():
        c = crude_text(text)
        cl, cs, cj = identify_language(c)
        out.update(crude_chars=len(c), crude_label=cl, crude_score=round(cs, 4), crude_ja_score=round(cj, 4))
    return out


def is_ja(t: dict, threshold: float, crude_for_empty: bool = False) -> bool:
    if crude_for_empty and t["extracted_chars"] == 0 and "crude_label" in t:
        return t["crude_label"] == "ja" and t["crude_ja_score"] >= threshold
    return t["label"] == "ja" and t["ja_score"] >= threshold


# ------------------------------------------------------------------------------------ diagnostics

def byte_evidence(body: bytes, ctype: str | None) -> dict:
    """Every signal the pre-check looks at, counted on the whole body (for explaining decisions)."""
    return {
        "bytes": len(body),
        "declared_header": charset_from_content_type(ctype),
        "declared_markup": charset_from_markup(body),
        "utf8_kana": sum(body.count(lead) for lead in _UTF8_KANA_LEADS),
        "entity_kana": len(_ENTITY_KANA.findall(body)),
        "euc_kana_pairs": len(_EUC_KANA.findall(body)),
        "sjis_kana_pairs": len(_SJIS_KANA.findall(body)),
        "iso2022_escape": any(e in body for e in _ISO2022_ESC),
        "lang_ja_first_4096": bool(_LANG_JA.search(body[:4096])),
        "lang_ja_anywhere": bool(_LANG_JA.search(body)),
        "high_bytes": (hi := len(body.translate(None, bytes(range(128))))),
        # share of the non-ASCII bytes that are EUC-JP/Shift_JIS kana pairs (>= 0.2 on every legacy
        # Japanese page here, <= 0.02 on GB pages; meaningless on UTF-8)
        "legacy_pair_ratio": round(2 * max(len(_EUC_KANA.findall(body)), len(_SJIS_KANA.findall(body))) / hi, 3) if hi else 0.0,
    }


def explain_miss(ev: dict, truth: dict, min_kana: int) -> str:
    reasons = []
    if truth.get("charset", "").replace("-", "_") in ("utf_8", "utf8") or truth.get("charset") == "utf-8":
        reasons.append(f"UTF-8 page with {ev['utf8_kana']} kana < min_kana={min_kana}")
    else:
        reasons.append(f"decoded as {truth.get('charset')} ({truth.get('charset_source')}); utf8_kana={ev['utf8_kana']}, "
                       f"euc_pairs={ev['euc_kana_pairs']}, sjis_pairs={ev['sjis_kana_pairs']}, "
                       f"declared header={ev['declared_header']!r} markup={ev['declared_markup']!r}")
    if not (truth.get("charset") or "").startswith("utf"):
        reasons.append(f"{ev['high_bytes']} non-ASCII bytes, legacy kana-pair share {ev['legacy_pair_ratio']}")
    if ev["entity_kana"]:
        reasons.append(f"entity_kana={ev['entity_kana']}")
    if ev["lang_ja_anywhere"] and not ev["lang_ja_first_4096"]:
        reasons.append("lang=ja present but after the first 4096 bytes")
    return "; ".join(reasons)


# ----------------------------------------------------------------------------------------- metrics

def confusion(rows: list[dict], min_kana: int, threshold: float, crude_for_empty: bool = False) -> dict:
    tp = fn = fp = tn = 0
    for r in rows:
        ja = is_ja(r["truth"], threshold, crude_for_empty)
        kept = r["pre"][str(min_kana)]["keep"]
        if ja and kept:
            tp += 1
        elif ja:
            fn += 1
        elif kept:
            fp += 1
        else:
            tn += 1
    n_ja, n_non = tp + fn, fp + tn
    return {
        "pages": len(rows), "ja": n_ja, "non_ja": n_non, "kept": tp + fp, "tp": tp, "fn": fn, "fp": fp, "tn": tn,
        "recall": round(tp / n_ja, 4) if n_ja else None,
        "skip_rate_non_ja": round(tn / n_non, 4) if n_non else None,
        "precision": round(tp / (tp + fp), 4) if tp + fp else None,
        "kept_rate": round((tp + fp) / len(rows), 4) if rows else None,
    }


def module_hashes() -> dict:
    """sha256 (first 12 hex) of the pipeline modules measured, so a result can be tied to a code state."""
    import hashlib

    out = {}
    for name in ("decode.py", "ja_prefilter.py", "extract.py", "langid.py"):
        f = REPO / "pipeline" / name
        out[f"pipeline/{name}"] = hashlib.sha256(f.read_bytes()).hexdigest()[:12] if f.is_file() else None
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared data folder (default ../shared/data)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--precheck-passes", type=int, default=10, help="timing passes of the pre-check (fastest counts)")
    args = ap.parse_args(argv)
    t_start = time.time()
    shared = args.shared.resolve()

    pages, read_stats = load_corpus(shared)
    if not pages:
        print(f"no pages under {shared}", file=sys.stderr)
        return 1
    total_bytes = sum(len(p["body"]) for p in pages)
    print(f"{len(pages)} pages, {total_bytes / 1e6:.1f} MB", file=sys.stderr)

    # Pre-check decisions at every min_kana, and timing at the default (best of several passes).
    for p in pages:
        p["pre"] = {}
        for mk in MIN_KANAS:
            r = ja_prefilter(p["body"], p["ctype"], min_kana=mk)
            p["pre"][str(mk)] = {"keep": r.keep, "evidence": r.evidence, "kana": r.kana}
    pre_times = []
    for _ in range(args.precheck_passes):
        t0 = time.perf_counter()
        for p in pages:
            ja_prefilter(p["body"], p["ctype"])
        pre_times.append(time.perf_counter() - t0)
    pre_best = min(pre_times)

    # Full path (warm up the LID model and trafilatura first, so the timing is per page).
    identify_language("今日は良い天気です。")
    extract_text("<html><body><p>warm up</p></body></html>")
    full_seconds = 0.0
    stage = Counter()
    for i, p in enumerate(pages):
        p["truth"] = full_path(p)
        full_seconds += p["truth"]["seconds"]
        if (i + 1) % 200 == 0:
            print(f"  full path: {i + 1}/{len(pages)}", file=sys.stderr)
    stage["decode_errors"] = sum(1 for p in pages if "decode_error" in p["truth"])
    stage["extract_timeouts"] = sum(1 for p in pages if p["truth"].get("extract_timeout"))
    stage["empty_extractions"] = sum(1 for p in pages if p["truth"]["extracted_chars"] == 0)

    # ---- metrics
    groups: dict[str, list[dict]] = defaultdict(list)
    for p in pages:
        groups[p["source"]].append(p)
    metrics = {
        "all": {f"t{t}": {f"min_kana_{mk}": confusion(pages, mk, t) for mk in MIN_KANAS} for t in THRESHOLDS},
        "all_crude_for_empty": {f"t{t}": {f"min_kana_{mk}": confusion(pages, mk, t, True) for mk in MIN_KANAS} for t in THRESHOLDS},
        "nonempty_extraction_only": {
            f"t{t}": {f"min_kana_{mk}": confusion([p for p in pages if p["truth"]["extracted_chars"]], mk, t) for mk in MIN_KANAS}
            for t in THRESHOLDS},
        "common_crawl_warc": {f"t{t}": {f"min_kana_{mk}": confusion(groups.get(CC_WARC, []), mk, t) for mk in MIN_KANAS}
                              for t in THRESHOLDS},
        "per_source": {src: confusion(rows, DEFAULT_MIN_KANA, HEADLINE_THRESHOLD) for src, rows in sorted(groups.items())},
    }

    def listing(pred, mk=DEFAULT_MIN_KANA, t=HEADLINE_THRESHOLD):
        out = []
        for p in pages:
            if pred(p, mk, t):
                ev = byte_evidence(p["body"], p["ctype"])
                pre = p["pre"][str(mk)]
                item = {"path": p["path"], "uri": p["uri"], "ctype": p["ctype"], "evidence": pre["evidence"], "kana": pre["kana"],
                        "truth": {k: v for k, v in p["truth"].items() if k != "seconds"}, "bytes_evidence": ev,
                        "kept_at_min_kana": [m for m in MIN_KANAS if p["pre"][str(m)]["keep"]]}
                out.append(item)
        return out

    missed = {}
    for t in THRESHOLDS:
        for mk in MIN_KANAS:
            items = listing(lambda p, mk_, t_: is_ja(p["truth"], t_) and not p["pre"][str(mk_)]["keep"], mk, t)
            for it in items:
                it["why"] = explain_miss(it["bytes_evidence"], it["truth"], mk)
            missed[f"t{t}_min_kana_{mk}"] = items
    kept_non_ja = listing(lambda p, mk_, t_: (not is_ja(p["truth"], t_)) and p["pre"][str(mk_)]["keep"])
    empty = [{"path": p["path"], "uri": p["uri"], "pre_default": p["pre"][str(DEFAULT_MIN_KANA)],
              "charset": p["truth"].get("charset"), "decode_error": p["truth"].get("decode_error"),
              "crude_chars": p["truth"].get("crude_chars"), "crude_label": p["truth"].get("crude_label"),
              "crude_ja_score": p["truth"].get("crude_ja_score")}
             for p in pages if p["truth"]["extracted_chars"] == 0]

    evidence_counts = Counter(p["pre"][str(DEFAULT_MIN_KANA)]["evidence"] for p in pages)
    evidence_on_ja = Counter(p["pre"][str(DEFAULT_MIN_KANA)]["evidence"] for p in pages if is_ja(p["truth"], HEADLINE_THRESHOLD))

    full_pps = len(pages) / full_seconds
    timing = {
        "precheck_passes_seconds": [round(x, 4) for x in pre_times],
        "precheck_pages_per_s": round(len(pages) / pre_best, 1),
        "precheck_pages_per_s_median": round(len(pages) / sorted(pre_times)[len(pre_times) // 2], 1),
        "precheck_mb_per_s": round(total_bytes / pre_best / 1e6, 1),
        "full_path_seconds": round(full_seconds, 2),
        "full_path_pages_per_s": round(full_pps, 2),
        "full_path_mb_per_s": round(total_bytes / full_seconds / 1e6, 3),
        "speedup_precheck_vs_full": round((len(pages) / pre_best) / full_pps, 1),
        "note": "single process; pre-check at default min_kana, fastest of --precheck-passes passes over the in-memory bodies; "
                "full path = decode_html + extract_text + identify_language, one pass, after warm-up",
    }

    try:
        cmd_path = Path(sys.argv[0]).resolve().relative_to(REPO)
    except ValueError:
        cmd_path = Path(sys.argv[0])
    import trafilatura

    report = {
        "benchmark": "precheck_recall",
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "command": " ".join(["python", str(cmd_path), *(argv if argv is not None else sys.argv[1:])]),
        "python": sys.version.split()[0],
        "trafilatura_version": trafilatura.__version__,
        "trafilatura_settings": TRAFILATURA_SETTINGS,
        "pipeline_module_sha256": module_hashes(),
        "shared": str(shared),
        "default_min_kana": DEFAULT_MIN_KANA,
        "min_kanas": MIN_KANAS,
        "thresholds": list(THRESHOLDS),
        "headline": {"threshold": HEADLINE_THRESHOLD, "min_kana": DEFAULT_MIN_KANA},
        "truth": "decode_html -> extract_text -> identify_language; ja = label 'ja' and ja_score >= threshold; "
                 "empty extraction = non-ja (variant all_crude_for_empty uses LID of crude tag-stripped text for those)",
        "corpus": {"pages": len(pages), "bytes": total_bytes, "per_source": {s: len(r) for s, r in sorted(groups.items())},
                   "read_stats": dict(read_stats), **dict(stage)},
        "metrics": metrics,
        "evidence_counts_default": dict(evidence_counts),
        "evidence_counts_on_ja_default": dict(evidence_on_ja),
        "missed_ja": missed,
        "kept_non_ja_default": kept_non_ja,
        "empty_extractions": empty,
        "timing": timing,
        "pages": [{"path": p["path"], "bytes": len(p["body"]), "pre": p["pre"],
                   "truth": {k: (round(v, 5) if isinstance(v, float) else v) for k, v in p["truth"].items()}} for p in pages],
        "wall_seconds": round(time.time() - t_start, 1),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    # ---- Markdown
    def fmt(x):
        return "-" if x is None else (f"{x:.4f}" if isinstance(x, float) else str(x))

    print(f"\nPre-check vs full path: {len(pages)} pages ({total_bytes / 1e6:.1f} MB), "
          f"truth = trafilatura {trafilatura.__version__} + lid.176; empty extractions: {stage['empty_extractions']}\n")
    print("| set | ja_score ≥ | min_kana | pages | ja | non-ja | recall | skip rate non-ja | precision | missed | kept non-ja |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for name, key in (("all", "all"), ("all, crude LID for empty", "all_crude_for_empty"), ("CC WARC (zh spam)", "common_crawl_warc")):
        for t in THRESHOLDS:
            for mk in MIN_KANAS:
                if key != "all" and not (t == HEADLINE_THRESHOLD):
                    continue
                if t != HEADLINE_THRESHOLD and mk != DEFAULT_MIN_KANA:
                    continue
                m = metrics[key][f"t{t}"][f"min_kana_{mk}"]
                bold = "**" if (t == HEADLINE_THRESHOLD and mk == DEFAULT_MIN_KANA) else ""
                print(f"| {bold}{name}{bold} | {t} | {mk} | {m['pages']} | {m['ja']} | {m['non_ja']} | {fmt(m['recall'])} | "
                      f"{fmt(m['skip_rate_non_ja'])} | {fmt(m['precision'])} | {m['fn']} | {m['fp']} |")
    print(f"\nPer source (ja_score ≥ {HEADLINE_THRESHOLD}, min_kana={DEFAULT_MIN_KANA}):\n")
    print("| source | pages | ja | recall | skip rate non-ja | missed | kept non-ja |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for src, m in metrics["per_source"].items():
        print(f"| {src} | {m['pages']} | {m['ja']} | {fmt(m['recall'])} | {fmt(m['skip_rate_non_ja'])} | {m['fn']} | {m['fp']} |")
    print(f"\nTiming (one process): pre-check {timing['precheck_pages_per_s']:.0f} pages/s, {timing['precheck_mb_per_s']:.0f} MB/s; "
          f"full path {timing['full_path_pages_per_s']:.1f} pages/s, {timing['full_path_mb_per_s']:.2f} MB/s "
          f"(pre-check {timing['speedup_precheck_vs_full']:.0f}x faster)")
    key = f"t{HEADLINE_THRESHOLD}_min_kana_{DEFAULT_MIN_KANA}"
    print(f"\nMissed Japanese pages (ja_score ≥ {HEADLINE_THRESHOLD}, min_kana={DEFAULT_MIN_KANA}): {len(missed[key])}")
    for it in missed[key]:
        print(f"- {it['path']} ({it['uri'] or ''}) ja_score={it['truth']['ja_score']}: {it['why']}; kept at min_kana {it['kept_at_min_kana']}")
    print(f"\nNon-Japanese pages kept (ja_score ≥ {HEADLINE_THRESHOLD}, min_kana={DEFAULT_MIN_KANA}): {len(kept_non_ja)}")
    for it in kept_non_ja:
        t = it["truth"]
        print(f"- {it['path']} [{it['evidence']}, kana={it['kana']}] LID {t['label']} {t['score']} (ja {t['ja_score']}), "
              f"extracted {t['extracted_chars']} chars")
    print(f"\nEmpty extractions: {len(empty)}")
    for e in empty:
        print(f"- {e['path']} pre={e['pre_default']['evidence']} keep={e['pre_default']['keep']} crude LID {e['crude_label']} "
              f"(ja {e['crude_ja_score']}, {e['crude_chars']} chars){' decode error' if e['decode_error'] else ''}")
    print(f"\nwrote {args.out} ({report['wall_seconds']} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
