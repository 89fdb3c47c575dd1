"""Speed and findings of the affiliate evidence and the host lists, on real Japanese pages.

    .venv/bin/python bench/affiliate_speed.py [--shared ../shared/data] [--repeat 7]

Pages: every file of ``html/postlight-parser-ja/`` (28 news/tech pages, 2019-22, 1 Chinese) and
``html/chardet-legacy-ja/*/`` (61 Japanese blog feeds of 2005-06 in Shift_JIS/EUC-JP/CP932/ISO-2022-JP
carrying HTML fragments, plus a few small test pages), decoded with ``pipeline.annotate.decode.decode_html``.
The page URL is the feed's own ``Source:`` line when it has one, else ``https://<file name>/``.

Measured, one core, best of ``--repeat`` passes (the machine is shared; the load average is recorded):
  1. ``affiliate_evidence`` over all pages, and over the pages of 30 KB or more (nearer the 50 KB target);
  2. the same evidence from an ``lxml.html`` DOM (parse, XPath for a/img/script/iframe URLs, drop
     script/style/noscript/template, ``text_content``, same URL classification and markers), and how far
     the two agree page by page;
  3. the host lists: load time in a fresh process (import included), resident memory, array bytes, and
     uncached ``host_facts`` lookups/s; against a Python ``set`` per category and a ``dict`` host -> mask
     built from the same lists (memory by ``tracemalloc``);
  4. per page: every non-zero piece of evidence (which real pages carry affiliate links).
Results: ``bench/results/affiliate_speed.json``.
"""

from __future__ import annotations

import argparse
import gc
import gzip
import json
import os
import platform
import re
import subprocess
import sys
import time
import tracemalloc
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import lxml.html  # noqa: E402

from pipeline.annotate.taggers import host as hs  # noqa: E402
from pipeline.annotate.taggers.affiliate import (  # noqa: E402
    _HOST_RE,
    _network_of_host,
    affiliate_evidence,
    count_markers,
)
from pipeline.annotate.decode import decode_html  # noqa: E402

DEFAULT_SHARED = REPO.parent / "shared" / "data"
OUT = REPO / "bench" / "results" / "affiliate_speed.json"
_SOURCE_RE = re.compile(r"Source:\s*(\S+)")
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>")


def load_pages(shared: Path) -> list[dict]:
    paths = sorted((shared / "html" / "postlight-parser-ja").glob("*")) + sorted(
        (shared / "html" / "chardet-legacy-ja").glob("*/*"))
    pages = []
    for path in paths:
        raw = path.read_bytes()
        text = decode_html(raw).text
        m = _SOURCE_RE.search(text[:500])
        url = m.group(1) if m else "https://" + path.name.removesuffix(".html") + "/"
        pages.append({"file": path.relative_to(shared / "html").as_posix(), "url": url, "raw_bytes": len(raw),
                      "text": text})
    return pages


def best_of(fn, items, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        t = time.perf_counter()
        for item in items:
            fn(item)
        best = min(best, time.perf_counter() - t)
    return best


def dom_evidence(text: str, url: str) -> dict:
    """The same evidence through lxml: the DOM alternative the regex scan is measured against."""
    try:
        root = lxml.html.document_fromstring(_XML_DECL_RE.sub("", text, count=1))
    except (ValueError, lxml.etree.ParserError):
        return {"aff_link_total": 0, "n_links": 0}
    total = 0
    for value in root.xpath("//a/@href|//img/@src|//script/@src|//iframe/@src"):
        m = _HOST_RE.match(value)
        if m and _network_of_host(m.group(1).lower(), value):
            total += 1
    n_links = len(root.xpath("//a[@href]"))
    for el in root.xpath("//script|//style|//noscript|//template"):
        el.drop_tree()
    body = root.find("body")
    visible = (body if body is not None else root).text_content()
    anchors = "".join(a.text_content() for a in root.iter("a"))
    n_vis = sum(map(len, visible.split()))
    count_markers(visible)
    return {"aff_link_total": total, "n_links": n_links,
            "link_density": sum(map(len, anchors.split())) / n_vis if n_vis else 0.0}


_LOAD_SNIPPET = r"""
import json, time, resource, psutil, os
rss0 = psutil.Process().memory_info().rss
t = time.perf_counter()
from pipeline.annotate.taggers import host as hs
t_import = time.perf_counter() - t
rss1 = psutil.Process().memory_info().rss
t = time.perf_counter()
bl = hs.blocklists()
t_load = time.perf_counter() - t
rss2 = psutil.Process().memory_info().rss
t = time.perf_counter()
psl = hs.PublicSuffixList.load(hs.BLOCKLIST_DIR / "public_suffix_list.dat.gz")
t_psl = time.perf_counter() - t
import gc, tracemalloc
hs._DEFAULT = None
hs.public_suffix_list.cache_clear()
del bl, psl
gc.collect()
tracemalloc.start()
bl = hs.blocklists()
gc.collect()
retained, peak = tracemalloc.get_traced_memory()
print(json.dumps({"import_s": t_import, "load_s": t_load, "psl_alone_s": t_psl,
                  "rss_import_mb": (rss1 - rss0) / 2**20, "rss_after_load_mb": (rss2 - rss1) / 2**20,
                  "retained_mb": retained / 2**20, "peak_during_load_mb": peak / 2**20,
                  "retained_host_index_mb": bl.hosts.nbytes / 2**20}))
"""


def host_bench(pages: list[dict], repeat: int) -> dict:
    out: dict = {}
    proc = subprocess.run([sys.executable, "-c", _LOAD_SNIPPET], cwd=REPO, capture_output=True, text=True, check=True)
    out["fresh_process"] = json.loads(proc.stdout)

    bl = hs.blocklists()
    out["index_entries"] = len(bl.hosts)
    out["index_array_bytes"] = bl.hosts.nbytes
    out["url_prefix_entries"] = len(bl.urls)

    # the same lists as Python containers, for comparison
    lists = {}
    for path in sorted((hs.BLOCKLIST_DIR / "domains").glob("*.txt.gz")):
        with gzip.open(path, "rt") as f:
            lists[path.name.removesuffix(".txt.gz")] = f.read().split()
    n_listed = sum(map(len, lists.values()))
    gc.collect()
    tracemalloc.start()
    sets = {c: set(h) for c, h in lists.items()}
    set_bytes = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    cats = sorted(lists)
    gc.collect()
    tracemalloc.start()
    masks: dict[str, int] = {}
    for bit, c in enumerate(cats):
        for h in lists[c]:
            masks[h] = masks.get(h, 0) | (1 << bit)
    dict_bytes = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del sets
    str_bytes = sum(map(sys.getsizeof, masks))  # the host strings themselves, held by either container
    t = time.perf_counter()
    hs.HostIndex.from_lists(lists)
    build_s = time.perf_counter() - t
    out["alternatives"] = {
        "hosts_listed": n_listed,
        "numpy_hash_bitmask_bytes": bl.hosts.nbytes,
        "python_set_per_category_bytes": set_bytes + str_bytes,
        "python_dict_host_to_mask_bytes": dict_bytes + str_bytes,
        "of_which_host_strings_bytes": str_bytes,
        "numpy_build_from_lists_s": build_s,
        "extrapolated_to_4_6M_hosts_mb": {
            "numpy": 4.6e6 * 12 / 2**20,
            "dict": 4.6e6 * (dict_bytes + str_bytes) / len(masks) / 2**20,
            "sets": 4.6e6 * (set_bytes + str_bytes) / n_listed / 2**20,
        },
    }

    # uncached lookups: every link host of the pages plus subdomains of listed hosts (hits)
    hosts = set()
    for p in pages:
        for m in re.finditer(r"""(?:href|src)\s*=\s*["']?(?:https?:)?//([^/"'\s>:?#]+)""", p["text"], re.I):
            hosts.add(hs.normalise_host(m.group(1)))
    listed = [h for c in cats for h in lists[c][::97]]
    hosts = sorted(hosts) + ["www." + h for h in listed]
    dt = best_of(bl.host_facts, hosts, repeat)
    hits = sum(1 for h in hosts if bl.host_facts(h).categories)
    out["lookups"] = {"hosts": len(hosts), "with_category": hits, "uncached_lookups_per_s": len(hosts) / dt}
    urls = [p["url"] for p in pages]
    dt = best_of(lambda u: hs.host_signals(u, ""), urls * 20, repeat)
    out["host_signals_per_s_cached_hosts"] = len(urls) * 20 / dt
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    if not (args.shared / "html").is_dir():
        print(f"no shared data at {args.shared}: pass --shared", file=sys.stderr)
        return 2

    pages = load_pages(args.shared)
    load_avg = os.getloadavg()
    results: dict = {
        "python": platform.python_version(),
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in load_avg],
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": "python bench/affiliate_speed.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "pages": len(pages),
    }

    # warm the caches that a long-running worker has warm (PSL, host memo)
    for p in pages:
        affiliate_evidence(p["text"], p["url"])

    def speed(subset: list[dict]) -> dict:
        chars = sum(len(p["text"]) for p in subset)
        utf8 = sum(len(p["text"].encode("utf-8", "surrogatepass")) for p in subset)
        raw = sum(p["raw_bytes"] for p in subset)
        dt_re = best_of(lambda p: affiliate_evidence(p["text"], p["url"]), subset, args.repeat)
        dt_dom = best_of(lambda p: dom_evidence(p["text"], p["url"]), subset, args.repeat)
        return {
            "pages": len(subset),
            "mean_raw_kb": raw / len(subset) / 1000,
            "mean_chars": chars / len(subset),
            "regex": {"pages_per_s": len(subset) / dt_re, "raw_mb_per_s": raw / dt_re / 1e6,
                      "utf8_mb_per_s": utf8 / dt_re / 1e6,
                      "pages_per_s_at_50kb_raw": raw / dt_re / 50e3},
            "lxml_dom": {"pages_per_s": len(subset) / dt_dom, "raw_mb_per_s": raw / dt_dom / 1e6,
                         "pages_per_s_at_50kb_raw": raw / dt_dom / 50e3},
            "dom_time_over_regex_time": dt_dom / dt_re,
        }

    results["speed_all_pages"] = speed(pages)
    results["speed_pages_30kb_plus"] = speed([p for p in pages if p["raw_bytes"] >= 30_000])

    agree_total = agree_links = 0
    disagreements = []
    per_page = {}
    for p in pages:
        e = affiliate_evidence(p["text"], p["url"])
        d = dom_evidence(p["text"], p["url"])
        agree_total += e["aff_link_total"] == d["aff_link_total"]
        agree_links += e["n_links"] == d["n_links"]
        if e["aff_link_total"] != d["aff_link_total"] or e["n_links"] != d["n_links"]:
            disagreements.append({"file": p["file"], "regex": [e["aff_link_total"], e["n_links"]],
                                  "lxml": [d["aff_link_total"], d["n_links"]]})
        per_page[p["file"]] = {"url": p["url"], **{k: (round(v, 4) if isinstance(v, float) else v)
                                                   for k, v in e.items() if v}}
    results["regex_vs_dom_agreement"] = {
        "pages_same_aff_link_total": agree_total, "pages_same_n_links": agree_links, "pages": len(pages),
        "differences": disagreements,
    }
    carrying = {f: v for f, v in per_page.items() if v.get("aff_link_total")}
    results["pages_with_affiliate_links"] = {
        f: {"aff_link_total": v["aff_link_total"], "aff_networks": v["aff_networks"]} for f, v in carrying.items()}
    results["pages_with_disclosure_markers"] = {
        f: {k: v[k] for k in ("pr_marker_count", "ad_marker_count", "aff_disclosure_count") if k in v}
        for f, v in per_page.items()
        if any(k in v for k in ("pr_marker_count", "aff_disclosure_count"))}
    results["host_lists"] = host_bench(pages, args.repeat)
    results["per_page"] = per_page

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    s = results["speed_all_pages"]
    s30 = results["speed_pages_30kb_plus"]
    print(f"load average {results['load_average_at_start']}")
    for name, r in (("all pages", s), (">=30 KB pages", s30)):
        print(f"{name}: {r['pages']} pages, mean {r['mean_raw_kb']:.1f} KB: regex {r['regex']['pages_per_s']:.0f} pages/s "
              f"({r['regex']['raw_mb_per_s']:.1f} MB/s = {r['regex']['pages_per_s_at_50kb_raw']:.0f} pages/s at 50 KB); "
              f"lxml {r['lxml_dom']['pages_per_s']:.0f} pages/s; dom/regex time {r['dom_time_over_regex_time']:.2f}")
    print(f"agreement: aff_link_total {agree_total}/{len(pages)}, n_links {agree_links}/{len(pages)}")
    print(f"pages with affiliate links: {len(carrying)}")
    for f, v in carrying.items():
        print(f"  {f}: {v['aff_link_total']} {v['aff_networks']}")
    h = results["host_lists"]
    print(f"host lists: fresh-process {h['fresh_process']}, index {h['index_entries']} hosts "
          f"{h['index_array_bytes'] / 2**20:.2f} MiB; set {h['alternatives']['python_set_per_category_bytes'] / 2**20:.1f} MiB, "
          f"dict {h['alternatives']['python_dict_host_to_mask_bytes'] / 2**20:.1f} MiB; "
          f"{h['lookups']['uncached_lookups_per_s']:.0f} uncached lookups/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
