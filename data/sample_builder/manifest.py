"""The text files beside the WARC: ``records.tsv``, ``MANIFEST.md``, ``LICENSES.md`` and ``licenses/``."""

from __future__ import annotations

import collections
import html
import os
import re
import shutil

from pipeline.annotate.read import mime_of
from pipeline.io import atomic_path

from .charset import decode_text, header_charset_label
from .livedoor import LIVEDOOR_CATS, LIVEDOOR_TOTAL, SEED
from .records import Group, Rec, parse_http
from .sources import (
    CHARDET_FALLBACK_URL,
    CJK_FILES,
    FALLBACK_URL,
    READABILITY_CASES,
    TRAFILATURA_N,
    VU_MAX_NONHTML_BYTES,
)

RECORDS_TSV_COLUMNS = ["uri", "source", "source_path", "warc_date", "http_status", "mime",
                       "charset_in_http_header", "charset_declared_in_doc", "lang_check", "url_origin",
                       "derived", "note"]


def write_text(path: str, text: str) -> None:
    """UTF-8 with LF line ends on every platform; the file appears only when complete."""
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


# --------------------------------------------------------------------------
# per-record statistics, records.tsv
# --------------------------------------------------------------------------

TAG_RE = re.compile(r"<[^>]+>")
SCRIPT_RE = re.compile(r"(?is)<(script|style)\b[^>]*>.*?</\1\s*>")


def lang_guess(text: str) -> str:
    """The MANIFEST-webdata script-ratio check: ja / zh / other / none."""
    t = SCRIPT_RE.sub(" ", text)
    for _ in range(2):  # feeds carry escaped HTML: strip, unescape, strip again
        t = html.unescape(TAG_RE.sub(" ", t))
    letters = [c for c in t if c.isalpha()]
    if len(letters) < 20:
        return "none"
    kana = sum(1 for c in letters if "\u3040" <= c <= "\u30ff")
    han = sum(1 for c in letters if "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf")
    if kana / len(letters) > 0.10:
        return "ja"
    if kana / len(letters) < 0.01 and han / len(letters) > 0.30:
        return "zh"
    return "other"


def response_summary(rec: Rec) -> dict:
    """Status, MIME type, header charset (as written), language check and payload size of a response."""
    ct = rec.get("Content-Type") or ""
    d = {"status": "", "mime": "", "charset_header": "", "lang": "n/a", "payload_bytes": len(rec.block)}
    if ct.startswith("application/http"):
        status, fields, payload = parse_http(rec.block)
        d["status"] = str(status)
        hct = fields.get("content-type") or ""
        d["mime"] = mime_of(hct)
        d["charset_header"] = header_charset_label(hct)
        d["payload_bytes"] = len(payload)
        if d["status"] == "200" and (d["mime"].startswith("text/") or "xml" in d["mime"]):
            d["lang"] = lang_guess(decode_text(payload, hct))
    else:
        d["mime"] = ct
    return d


def summarise(groups: list[Group], sizes: list[list[int]]):
    """(per-source counters, records.tsv rows) for groups written with these gzip member sizes."""
    per_source = collections.defaultdict(collections.Counter)
    rows = []
    for g, g_sizes in zip(groups, sizes, strict=True):
        ps = per_source[g.source]
        for r, size in zip(g.recs, g_sizes, strict=True):
            t = r.get("WARC-Type")
            ps["records"] += 1
            ps[f"type:{t}"] += 1
            ps["gz_bytes"] += size
            if t == "response":
                s = response_summary(r)
                ps["responses"] += 1
                ps["payload_bytes"] += s["payload_bytes"]
                ps[f"lang:{s['lang']}"] += 1
                ps[f"status:{s['status'] or '-'}"] += 1
                rows.append([g.uri, g.source, g.src_path, r.get("WARC-Date"), s["status"], s["mime"],
                             s["charset_header"], g.info.get("declared", ""), s["lang"],
                             g.info.get("url_kind", ""), "DERIVED" if g.source == "livedoor" else "",
                             g.info.get("note", "")])
        ps["groups"] += 1
    return per_source, rows


def records_tsv(rows) -> str:
    return "".join("\t".join(str(x).replace("\t", " ") for x in row) + "\n" for row in [RECORDS_TSV_COLUMNS, *rows])


# --------------------------------------------------------------------------
# MANIFEST.md / LICENSES.md
# --------------------------------------------------------------------------

SOURCE_DESC = [
    ("postlight", "html/postlight-parser-ja/*.html (all 29: 28 ja + 1 zh qdaily)", "wrapped: payload bytes as-is, HTTP headers + request reconstructed"),
    ("clueweb09ja", "warc/resiliparse/clueweb-quirk.warc.gz (all 29 responses)", "copied: block bytes as-is"),
    ("chardet", "html/chardet-legacy-ja/{EUC-JP,SHIFT_JIS,CP932,iso-2022-jp}/* (61 of 63)", "wrapped"),
    ("livedoor", f"text/livedoor-news/<category>/*.txt ({LIVEDOOR_TOTAL} of 7,367)", "**DERIVED**: article text verbatim inside a made-up site template"),
    ("trafilatura", f"html/trafilatura-cache/* (the {TRAFILATURA_N} smallest of 110)", "wrapped"),
    ("readability", "html/mozilla-readability-testpages/<case>/source.html (16 cases)", "wrapped"),
    ("trafilatura-cjk", "html/trafilatura-eval-cjk/* (6 of 7; scam.html left out)", "wrapped"),
    ("cc-2020-34", "warc/resiliparse/warcfile.warc.gz (all 49 records but the warcinfo: 16 request/response/metadata triples + 1 trailing request)", "copied"),
    ("vu-heritrix", "warc/vu-web-data/web_sample.warc.gz (dns, non-HTML 200s, 301/302, 404s + their request/metadata)", "copied"),
]

#: (source, origin, licence, licence files copied to licenses/)
LICENCE_ROWS = [
    ("livedoor", "livedoor ニュースコーパス ldcc-20140209 (RONDHUIT), via jkatsuta/18_4q_doc2vec @ 2bd5f73a `experiments/text/`",
     "**CC BY-ND 2.1 JP** (https://creativecommons.org/licenses/by-nd/2.1/jp/); credit: the provider named in each category's LICENSE.txt (トピックニュース, Sports Watch, ITライフハック, 家電チャンネル, MOVIE ENTER, 独女通信, エスマックス, livedoor HOMME, Peachy; livedoor ニュース / NHN Japan). The article text is unchanged; only the HTML around it is new (DERIVED wrapping)",
     "`licenses/livedoor-news/README.txt`, `licenses/livedoor-news/<category>/LICENSE.txt`"),
    ("cc-2020-34", "Common Crawl CC-MAIN-2020-34 excerpt, via chatnoir-eu/chatnoir-resiliparse @ 70459f03 `tests/data/warcfile.warc.gz`",
     "Common Crawl Terms of Use (https://commoncrawl.org/terms-of-use); the test file is in an Apache-2.0 repository (https://www.apache.org/licenses/LICENSE-2.0)", "—"),
    ("clueweb09ja", "ClueWeb09 (Japanese part), via chatnoir-eu/chatnoir-resiliparse @ 70459f03 `tests/data/clueweb-quirk.warc.gz`",
     "ClueWeb09 is distributed by Carnegie Mellon University under its research-use licence agreement (https://lemurproject.org/clueweb09/); the excerpt is in an Apache-2.0 repository", "—"),
    ("vu-heritrix", "archive.org shallow Heritrix crawl (2008), via OrestisRo/web_data_vu @ c368fb8f `web_sample.warc.gz`",
     "no licence stated by the repository; content © the respective sites (archive.org, creativecommons.org, …). Used as test data only", "—"),
    ("postlight", "postlight/parser @ e8ba7ece (+ older commits for the impress fixtures) `fixtures/`",
     "repository (https://github.com/postlight/parser): MIT (https://opensource.org/licenses/MIT) / Apache-2.0 (https://www.apache.org/licenses/LICENSE-2.0), as stated in MANIFEST-webdata.md; page content © the publishers", "—"),
    ("chardet", "chardet/chardet @ 13559076 `tests/{EUC-JP,SHIFT_JIS,CP932,iso-2022-jp}/`",
     "repository: LGPL-2.1 (https://www.gnu.org/licenses/old-licenses/lgpl-2.1.html); feed/page content © the original bloggers and sites; Gutenberg texts under the Project Gutenberg licence (https://www.gutenberg.org/policy/license.html)", "—"),
    ("trafilatura", "adbar/trafilatura @ e90b0ef5 `tests/cache/`",
     "repository: Apache-2.0 (https://www.apache.org/licenses/LICENSE-2.0); page content © the publishers", "—"),
    ("trafilatura-cjk", "adbar/trafilatura @ e90b0ef5 `tests/eval/`",
     "repository: Apache-2.0 (https://www.apache.org/licenses/LICENSE-2.0); page content © the publishers", "—"),
    ("readability", "mozilla/readability @ ab4027a8 `test/test-pages/*/source.html`",
     "repository: Apache-2.0 (https://www.apache.org/licenses/LICENSE-2.0); page content © the publishers", "—"),
]


def check_documented(per_source) -> None:
    """Every source in the WARC must have its row in MANIFEST.md and in LICENSES.md."""
    documented = {s for s, _, _ in SOURCE_DESC} & {r[0] for r in LICENCE_ROWS}
    missing = sorted(set(per_source) - documented)
    if missing:
        raise ValueError(f"sources without a MANIFEST/LICENSES row: {missing}")


def manifest_text(res) -> str:
    ps = res["per_source"]
    check_documented(ps)
    tot = collections.Counter()
    for c in ps.values():
        tot.update(c)
    L = []
    a = L.append
    a("# data/sample — bundled real-data sample WARC\n")
    a("`sample.warc.gz` is a small Common-Crawl-like WARC/1.0 file (one gzip member per record) that every "
      "pipeline stage can run on with real text: charset decoding, Japanese pre-check, extraction, language ID, "
      "quality signals, NG-words and MinHash dedup. It holds real Japanese pages in UTF-8, EUC-JP, Shift_JIS/CP932 "
      "and ISO-2022-JP, real duplicates and near-duplicates, and the non-Japanese / non-HTML / non-200 records a "
      "real crawl is mostly made of.\n")
    a("**This file is generated by `data/build_sample.py`; edit the script, not this file.**\n")
    a("## File\n")
    a(f"- `sample.warc.gz`: {res['size']:,} bytes, {res['n_records']:,} records "
      f"(1 warcinfo + {tot['type:request']} request + {tot['type:response']} response + "
      f"{tot['type:metadata']} metadata)")
    a(f"- sha256 `{res['sha256']}`")
    a("- `records.tsv`: one row per response record: URI, source, source path (relative to `../shared/data`), "
      "WARC-Date, HTTP status, MIME type, charset in the HTTP header, charset declared in the document, "
      "language check, where the URL came from, DERIVED flag, note.")
    a("- `LICENSES.md`, `licenses/`: licence of every source.\n")
    a("Rebuild (deterministic; byte-identical on the same machine, i.e. same Python/zlib):\n")
    a("```\n.venv/bin/python data/build_sample.py            # --shared ../shared/data --out data/sample\n"
      ".venv/bin/python data/build_sample.py --verify   # + read back with fastwarc and warcio\n```\n")
    a("Record order: a `warcinfo` record first, then capture groups (request, response, metadata) sorted by "
      "sha1 of `URI + source + source path`, so Japanese and non-Japanese pages are interleaved as in a crawl. "
      "WARC-Record-IDs of new records are uuid5 over (type, URI, date, sha1 of block); copied records keep their "
      "original IDs (so `WARC-Concurrent-To` links still hold). Every response record, and every copied "
      "request/metadata record, carries `WARC-Sample-Source: <source> <path>[#record-index]` (an extension field, "
      "path relative to `../shared/data`, record index 0-based in the source WARC) to map it back to its origin; "
      "reconstructed request records point to their response through the response's `WARC-Concurrent-To`. "
      "and every record's `WARC-Warcinfo-ID` points at this file's warcinfo.\n")
    a("## Contents per source\n")
    a("`lang` is the MANIFEST-webdata script-ratio check run on the decoded 200 text/xml/html payloads "
      "(ja = kana/letters > 0.10; zh = Han > 0.30 and kana < 1 %; none = < 20 letters). `payload` = uncompressed HTTP "
      "payload bytes of the responses; `gz` = compressed bytes in the WARC.\n")
    a("| source | what | how | groups | records | responses | ja | zh | other | none/n.a. | payload bytes | gz bytes |")
    a("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for src, what, how in SOURCE_DESC:
        c = ps[src]
        a(f"| `{src}` | {what} | {how} | {c['groups']} | {c['records']} | {c['responses']} | {c['lang:ja']} | "
          f"{c['lang:zh']} | {c['lang:other']} | {c['lang:none'] + c['lang:n/a']} | {c['payload_bytes']:,} | "
          f"{c['gz_bytes']:,} |")
    a(f"| **total** | | | {tot['groups']} | {tot['records'] + 1} | {tot['responses']} | {tot['lang:ja']} | "
      f"{tot['lang:zh']} | {tot['lang:other']} | {tot['lang:none'] + tot['lang:n/a']} | "
      f"{tot['payload_bytes']:,} | {res['size']:,} |\n")
    st = collections.Counter(r[4] or "-" for r in res["rows"])
    mimes = collections.Counter(r[5] for r in res["rows"])
    a("HTTP status of responses: " + ", ".join(f"{k}: {v}" for k, v in sorted(st.items())) + " (`-` = dns records).\n")
    a("MIME types of responses: " + ", ".join(f"`{k}` {v}" for k, v in sorted(mimes.items(), key=lambda x: (-x[1], x[0]))) + ".\n")
    a("### Japanese pages\n")
    enc = collections.Counter(r[2].split("/")[2] for r in res["rows"] if r[1] == "chardet")
    cats = collections.Counter(x.split("/")[0] for x in res["livedoor"])
    ja_by = collections.Counter(r[1] for r in res["rows"] if r[8] == "ja")
    a(f"{tot['lang:ja']} responses pass the ja check: " + ", ".join(f"{k} {v}" for k, v in sorted(ja_by.items())) + ". "
      "They are: postlight news/tech pages (UTF-8; several hold the Japanese only as numeric character "
      "references), ClueWeb09-ja EUC-JP shop pages, legacy-encoded blog feeds/pages and text files ("
      + ", ".join(f"{k} {v}" for k, v in sorted(enc.items())) + f"), {len(res['livedoor'])} livedoor articles "
      "(DERIVED wrapping), readability `hukumusume` and `yahoo-4`, NHK NEWS WEB EASY and the gaijinpot blog "
      "post (English with Japanese quotes; it passes the ratio check but is mostly English).\n")
    a("livedoor articles per category: " + ", ".join(f"{k} {v}" for k, v in sorted(cats.items())) + ".\n")
    a("### Duplicates for the dedup stage\n")
    s = res["stats"]
    a(f"- livedoor: all {s['livedoor_pairs']} gold near-duplicate pairs of "
      "`../shared/data/annotations/livedoor_neardup_pairs_sentJaccard.tsv` are included (both files of every "
      f"pair; {s['livedoor_required']} articles together with the exact-duplicate groups). Map a pair to its "
      "records with `records.tsv` (`source_path` = `text/livedoor-news/<fileA>`). The pages differ in URL, "
      "title/date and the sidebar, the article bodies are identical or near-identical.")
    a(f"- livedoor exact-duplicate bodies ({len(res['exact_groups'])} groups, all included):")
    for g in res["exact_groups"]:
        a("  - " + " = ".join(f"`{x}`" for x in g))
    a("- ClueWeb09-ja: 29 pages of one shop template (template near-duplicates).")
    a("- chardet: `overcube.com.xml`/`overcube.com.atom.xml`, `rdf.`/`atom.ycf.nanet.co.jp.xml`, "
      "`blog.kabu-navi.com.xml`/`.atom.xml` are the same posts as RSS and Atom; the universalchardet ReadMe "
      "text is present in EUC-JP, Shift_JIS (twice) and ISO-2022-JP.")
    a("- vu-heritrix: the 404 pages of several hosts are server boilerplate; archive.org images/css/js recur "
      "across many crawls (exact duplicates by URL family).\n")
    a("## How each part was made (what is DERIVED / reconstructed)\n")
    a("- **Copied records** (`cc-2020-34`, `clueweb09ja`, `vu-heritrix`): the record block (HTTP headers + "
      "payload, or the dns text) is byte-identical to the source WARC. Changes to the WARC headers only: version "
      "line written as `WARC/1.0` (sources are 1.0, 0.18, 0.17); `WARC-Warcinfo-ID` set to this file's warcinfo; "
      "`WARC-Sample-Source` added; digests checked and recomputed only where wrong or missing "
      f"(block digests fixed: {s['block_digest_fixed']}; payload digests fixed: {s['payload_digest_fixed']}, the "
      "ClueWeb records whose payload digest repeated the block digest; missing digests are not added); ClueWeb's invalid WARC-Date values "
      f"(`2008-10-294T05:21:46-0700`) replaced by the HTTP `Date` of the response ({s['clueweb_date_fixed']} records). "
      "The original warcinfo records of the three files are not copied (their content is quoted in "
      "`../shared/data/MANIFEST-webdata.md`). Heritrix request/metadata records that belong to a chosen "
      "vu response are copied with it; all CC records are copied (16 request/response/metadata triples and "
      "a trailing request whose response is not in the excerpt).")
    a(f"- `vu-heritrix` selection: all {s['vu_dns']} `dns:` records, all {s['vu_redirects']} 301/302 responses, "
      f"the {s['vu_404']} smallest 404 responses with at most 2 sharing a body (they come from 4 distinct "
      "bodies: hosts return the same 404 page for different URLs) and "
      f"{s['vu_nonhtml']} non-HTML 200 responses (≤ {VU_MAX_NONHTML_BYTES:,} bytes, round-robin over MIME types, "
      "smallest first: " + ", ".join(f"`{k[8:]}` {v}" for k, v in sorted(s.items()) if k.startswith("vu_mime:"))
      + "; the swf files are larger and left out).")
    a("- **Wrapped files** (`postlight`, `chardet`, `trafilatura`, `readability`, `trafilatura-cjk`): the file "
      "bytes are the HTTP payload, unchanged (no re-encoding, no newline changes, BOMs kept). The request record "
      f"(CCBot-style `GET`), the HTTP response headers (`200 OK`, `Date`, `Content-Type`, `Content-Length`, "
      "`Connection`) and the capture dates are **reconstructed**. Capture dates: postlight impress pages use "
      "the fixture timestamps, everything else a fixed base date per source plus a hash-derived offset "
      "(postlight 2019-04-22, chardet 2006-01-10, trafilatura/readability 2023-01-20, trafilatura-cjk 2020-03-10, "
      "livedoor 2012-09-03 — never before the article date).")
    a("- **URLs**: ClueWeb, CC and vu records keep their original URIs; livedoor uses line 1 of each article "
      "(the real URL); chardet feeds use the `<!-- Source: ... -->` comment in the file (real feed URL); "
      "postlight/trafilatura/readability pages use the page's own `og:url`/`<link rel=canonical>` when it has "
      "an absolute one. The rest are **reconstructed** from the fixture name, `<base href>`, self-links or "
      "comment-widget URLs (column `url_origin` = `reconstructed` in records.tsv: "
      + ", ".join(f"`{k}`" for k in sorted(FALLBACK_URL)) + ", and the chardet test/text files "
      + ", ".join(f"`{k}`" for k in sorted(CHARDET_FALLBACK_URL)) + ").")
    mis = [r for r in res["rows"] if "bytes are UTF-8" in r[11]]
    a("- **Charset in the HTTP header**: livedoor always `charset=utf-8`; ClueWeb/CC/vu as in the original. "
      "For wrapped files the charset declared in the document (`<?xml encoding>`, `<meta charset>`, "
      "`<meta http-equiv content=...>` or cheerio's `<meta http-equiv value=...>`) is put in the HTTP header "
      "for every other file (sorted order per source) and left out for the rest, so the pipeline has to take it "
      "from the document or detect it. Files that declare nothing never get one (e.g. the Shift_JIS chromium "
      "page, the `.txt` files, several trafilatura pages).")
    a(f"- Exception, {len(mis)} pages whose document declares a legacy charset while the bytes are UTF-8 "
      "(the test collections re-serialised the saved pages as UTF-8 without fixing the meta): their HTTP header "
      "says `charset=UTF-8`, so the WHATWG order (BOM, HTTP header, then meta) decodes them right while a "
      "meta-only decoder produces mojibake: "
      + "; ".join(f"`{r[2]}` ({r[11]})" for r in mis) + ".")
    a("- Selection of the other wrapped pages: trafilatura-cache: the "
      f"{TRAFILATURA_N} smallest files (by size, then name); readability: "
      + "; ".join(f"{k}: " + ", ".join(f"`{c}`" for c in v) for k, v in READABILITY_CASES.items())
      + " (the tiny synthetic test cases are left out); trafilatura-eval-cjk: "
      + ", ".join(f"`{c}`" for c in CJK_FILES) + ".")
    a("- chardet MIME types from the content: Atom `<feed>` → `application/atom+xml`, RSS 2.0 `<rss>` → "
      "`application/rss+xml`, RSS 1.0 `<rdf:RDF>` → `text/xml`, HTML → `text/html`, `.txt` → `text/plain`. "
      "Left out: `EUC-JP/_mozilla_bug431054_text.html` (39 bytes) and `EUC-JP/_mozilla_bug620106_text.html` "
      "(blank lines around one test sentence).")
    a(f"- **livedoor (DERIVED)**: a deterministic sample of {LIVEDOOR_TOTAL} articles (all articles of the near-duplicate "
      f"pairs and exact-duplicate groups, the rest drawn with `random.Random('livedoor-{SEED}')` so that every "
      f"category gets {LIVEDOOR_TOTAL // 9}–{LIVEDOOR_TOTAL // 9 + 1} where the pairs leave room). Each article is put "
      "verbatim (HTML-escaped only) into one made-up but realistic livedoor-news-like UTF-8 template: "
      "`<html lang=\"ja\">`, `<meta charset=\"utf-8\">`, `<title>`, canonical link, header with the 9 real category "
      "links, breadcrumb, `<article>` with the title in `<h1>`, the date line (line 2) in `<time>`, every "
      "non-empty body line as a `<p>` (including the `【関連記事】` link lists and credits), a CC BY-ND credit line, "
      "a sidebar with three other sampled articles of the same category, and a footer "
      "with copyright. The response carries `WARC-Derived-From: livedoor-news <category>/<file>`. No article "
      "text was changed (CC BY-ND: verbatim redistribution with credit).")
    a("")
    a("## Quirks kept on purpose\n")
    a("- ClueWeb09-ja: HTTP headers with LF-only line ends; `Content-Encoding: gzip` although the body is plain "
      "EUC-JP (readers that honour Content-Encoding must fall back); `Content-Type: application/http;msgtype=response` "
      "without the space; `WARC-Identified-Payload-Type:` empty; extra `WARC-TREC-ID`.")
    a("- CC-MAIN-2020-34: `X-Crawler-Content-Encoding`/`X-Crawler-Content-Length` headers (payload stored decoded), "
      "gbk/gb2312/gb18030/windows-1251/utf-8-with-BOM pages, Chinese adult/gambling spam, metadata records with "
      "`languages-cld2`.")
    a("- vu-heritrix: `dns:` records (`Content-Type: text/dns`, no HTTP), Heritrix `text/anvl` metadata records, "
      "HTTP/1.0 requests, 301/302 with tiny bodies, 404 pages, binary images.")
    a("- postlight: Japanese held as numeric character references (`&#x30BB;`), `<meta ... value=...>` instead of "
      "`content=` (cheerio), Shift_JIS meta on UTF-8 bytes (see above), one Chinese page (qdaily) among them.")
    a("- chardet: CP932 files that declare `Shift_JIS` or `x-sjis`; EUC-JIS-2004 characters in some EUC-JP "
      "feeds; feeds whose `<description>`/`<content:encoded>` hold escaped HTML; `text/xml` without charset; "
      "the Gutenberg Rashomon text with CR-only line ends; the NHK page (trafilatura-cjk) starts with a UTF-8 BOM; "
      "the archived he.xinhuanet page is gb2312 inside a Wayback Machine frame.")
    a("")
    a("## Licences\n")
    a("See `LICENSES.md`. In short: livedoor articles CC BY-ND 2.1 JP (credit per category, "
      "`licenses/livedoor-news/`); CC data under the Common Crawl terms of use; ClueWeb09 under CMU's research "
      "licence; the rest comes from Apache-2.0 / MIT / LGPL-2.1 test-data folders of open-source projects, "
      "with the page content © its original authors.")
    return "\n".join(L) + "\n"


def copy_licence_files(shared: str, out: str) -> None:
    """The licence files that exist in the staged corpus, copied to ``out/licenses/``."""
    lic_dir = os.path.join(out, "licenses")
    if os.path.isdir(lic_dir):
        shutil.rmtree(lic_dir)
    ld = os.path.join(lic_dir, "livedoor-news")
    os.makedirs(ld)
    base = os.path.join(shared, "text/livedoor-news")
    shutil.copyfile(os.path.join(base, "README.txt"), os.path.join(ld, "README.txt"))
    for c in sorted(LIVEDOOR_CATS):
        os.makedirs(os.path.join(ld, c))
        shutil.copyfile(os.path.join(base, c, "LICENSE.txt"), os.path.join(ld, c, "LICENSE.txt"))


def licenses_text(res) -> str:
    ps = res["per_source"]
    check_documented(ps)
    L = []
    a = L.append
    a("# Licences of the data in `sample.warc.gz`\n")
    a("Generated by `data/build_sample.py`. Every response record carries `WARC-Sample-Source` (the first "
      "word is the source name below), so the licence of any record can be looked up here. Licence files that exist in the staged corpus (`../shared/data`) are "
      "copied to `licenses/`; for the others the name and URL of the licence are given. The page contents are "
      "© their original authors and publishers; they are included as test data for a research pipeline.\n")
    a("| source (WARC-Sample-Source) | records | origin (repo @ commit, path) | licence | file here |")
    a("|---|---|---|---|---|")
    for src, origin, lic, here in LICENCE_ROWS:
        a(f"| `{src}` | {ps[src]['records']} | {origin} | {lic} | {here} |")
    a("")
    a("Notes:\n")
    a("- Apache-2.0, MIT and LGPL-2.1 cover the repositories the test files were taken from; they do not "
      "transfer rights in third-party web pages. Keep this sample to testing and evaluation.")
    a("- The livedoor pages are DERIVED: verbatim article text inside a new HTML template, with the CC BY-ND "
      "credit and licence link in every page. Do not edit the article text.")
    a("- Common Crawl data: use under the Common Crawl Terms of Use; the crawled pages remain © their owners.")
    a("- ClueWeb09: CMU licence for research use; do not redistribute beyond the project's test data.")
    return "\n".join(L) + "\n"


def write_docs(shared: str, out: str, res) -> None:
    write_text(os.path.join(out, "MANIFEST.md"), manifest_text(res))
    copy_licence_files(shared, out)
    write_text(os.path.join(out, "LICENSES.md"), licenses_text(res))
