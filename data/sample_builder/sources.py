"""Gathering the real pages and records of each source into capture groups (see ``sample_builder``).

Wrapped sources (saved HTML/XML/text files) become reconstructed request/response pairs around the
unchanged file bytes; copied sources (WARC files) keep their record blocks byte for byte.
"""

from __future__ import annotations

import collections
import datetime as dt
import email.utils
import hashlib
import html
import os
import re

from pipeline.annotate.read import mime_of

from .charset import declared_charset, header_charset
from .livedoor import src_livedoor
from .records import (
    HTML_ACCEPT,
    Group,
    Rec,
    crawl_date,
    fix_digests,
    fmt_warc_date,
    hget,
    html_ctype,
    make_capture,
    parse_http,
    read,
    src_tag,
    utc,
)

TRAFILATURA_N = 55
VU_NONHTML_N = 40
VU_404_N = 6
VU_MAX_NONHTML_BYTES = 40_000

#: Every source, in the order it is gathered (the WARC order is set later, by Group.sort_key).
SOURCE_NAMES = ("postlight", "clueweb09ja", "chardet", "livedoor", "trafilatura", "readability",
                "trafilatura-cjk", "cc-2020-34", "vu-heritrix")

OG_URL_RES = [
    re.compile(rb"<meta[^>]*\b(?:value|content)=[\"']([^\"'>]+)[\"'][^>]*\bname=[\"']og:url", re.I),
    re.compile(rb"<meta[^>]*\bproperty=[\"']og:url[\"'][^>]*\bcontent=[\"']([^\"'>]+)", re.I),
    re.compile(rb"<meta[^>]*\bcontent=[\"']([^\"'>]+)[\"'][^>]*\bproperty=[\"']og:url", re.I),
]
CANON_RES = [
    re.compile(rb"<link[^>]*\brel=[\"']?canonical[\"']?[^>]*\bhref=[\"']([^\"'>]+)", re.I),
    re.compile(rb"<link[^>]*\bhref=[\"']([^\"'>]+)[\"'][^>]*\brel=[\"']?canonical", re.I),
]


def url_in_page(body: bytes, prefer_og: bool = False) -> str | None:
    order = OG_URL_RES + CANON_RES if prefer_og else CANON_RES + OG_URL_RES
    for rx in order:
        m = rx.search(body)
        if m:
            u = html.unescape(m.group(1).decode("latin-1")).strip()
            if u.startswith("//"):
                u = "https:" + u
            if re.match(r"https?://[^/{}\s]+", u):
                return u
    return None


# URLs for wrapped pages that carry no usable canonical/og:url (reconstructed
# from the fixture name, <base href>, self-links or comment-system URLs).
FALLBACK_URL = {
    # postlight-parser-ja
    "jvndb.jvn.jp.html": "https://jvndb.jvn.jp/ja/contents/2018/JVNDB-2018-013542.html",
    "www.elecom.co.jp.html": "https://www.elecom.co.jp/news/201904/tk-fdm110t/",
    "www.ipa.go.jp.html": "https://www.ipa.go.jp/security/topics/alert20190424.html",
    "www.qdaily.com.html": "http://www.qdaily.com/articles/38282.html",
    # trafilatura-cache
    "rs-ingenieure.de.tragwerksplanung.html": "http://www.rs-ingenieure.de/tragwerksplanung",
    "hundeverein-kreisunna.de.html": "http://www.hundeverein-kreisunna.de/",
    "die-partei.net.luebeck.html": "https://die-partei.net/luebeck/2012/05/31/das-ministerium-fur-club-kultur-informiert/",
    "love-hina.ch.0409.html": "http://www.love-hina.ch/news/0409",
    "speicherguide.de.schwierige.html": "https://www.speicherguide.de/digitalisierung/faktor-mensch/schwierige-gespraeche-so-gehts-24376.aspx",
    "schleifen.ucoz.de.briefe.html": "http://schleifen.ucoz.de/blog/briefe/2010-10-26",
    "cdu-fraktion-erfurt.de.waldorfschule.html": "http://www.cdu-fraktion-erfurt.de/inhalte/2/aktuelles/waldorfschule/index.html",
    "gregoryszorc.com.python3.html": "https://gregoryszorc.com/blog/2020/01/13/mercurial%27s-journey-to-and-reflections-on-python-3/",
    "stuttgart.de.html": "https://www.stuttgart.de/bohnenviertel",
    "lanouvellerepublique.fr.martin.html": "https://www.lanouvellerepublique.fr/martin",
    "creativecommons.at.faircoin.html": "https://www.creativecommons.at/faircoin-hackathon",
    "heise.de.lithium.html": "https://www.heise.de/newsticker/meldung/Lithium-aus-dem-Schredder-4451133.html",
    "ndr.de.podcastcoronavirus140.html": "https://www.ndr.de/nachrichten/info/16-Coronavirus-Update-Wir-brauchen-Abkuerzungen-bei-der-Impfstoffzulassung,podcastcoronavirus140.html",
    "chip.de.tests.html": "https://www.chip.de/tests",
    "demokratiewebstatt.at.luft.html": "https://www.demokratiewebstatt.at/luft",
    "modepilot.de.duschkopf.html": "https://www.modepilot.de/duschkopf",
    "rechtambild.de.kochbuch.html": "https://www.rechtambild.de/kochbuch",
    "gofeminin.de.abnehmen.html": "https://www.gofeminin.de/abnehmen/wie-kann-ich-schnell-abnehmen-s1431651.html",
    # trafilatura-eval-cjk
    "archive.org.he.xinhuanet.com.25340717.html": "https://web.archive.org/web/20120611024252/http://www.he.xinhuanet.com/news/2012-06/04/content_25340717.htm",
    "baike.baidu.com.tanya.html": "https://baike.baidu.com/item/%E8%94%A1%E5%81%A5%E9%9B%85",
    "xinhuanet.com.c_1125597921.html": "http://www.xinhuanet.com/politics/2020-02/19/c_1125597921.htm",
    # mozilla-readability-testpages (by case name)
    "daringfireball-1": "https://daringfireball.net/colophon/",
    "gmw": "http://tech.gmw.cn/gmw.htm",
    "hukumusume": "http://hukumusume.com/douwa/pc/aesop/01/01.htm",
    "qq": "http://tech.qq.com/a/20161014/006270.htm",
    "youth": "http://news.youth.cn/youth.htm",
}

POSTLIGHT_TS = {  # fixtures/<domain>/<ms timestamp>.html in postlight/parser
    "akiba-pc.watch.impress.co.jp.html": 1550926285156,
    "av.watch.impress.co.jp.html": 1550927029612,
    "cloud.watch.impress.co.jp.html": 1550929279953,
    "forest.watch.impress.co.jp.html": 1550932337488,
    "internet.watch.impress.co.jp.html": 1550928400623,
    "k-tai.watch.impress.co.jp.html": 1550930074168,
    "kaden.watch.impress.co.jp.html": 1550931508459,
    "pc.watch.impress.co.jp.html": 1550923353253,
}

READABILITY_CASES = {
    "ja": ["hukumusume", "yahoo-4"],
    "zh": ["gmw", "pixnet", "qq", "youth"],
    "other": ["aktualne", "ars-1", "daringfireball-1", "folha", "heise", "herald-sun-1",
              "la-nacion", "lemonde-1", "liberation-1", "simplyfound-1"],
}
CJK_FILES = [  # html/trafilatura-eval-cjk (scam.html, an English list page, is left out)
    "archive.org.he.xinhuanet.com.25340717.html",
    "baike.baidu.com.tanya.html",
    "banyuetan.org.1000200033136171577956287380194268_1.html",
    "blog.gaijinpot.com.chikan.html",
    "nhk.or.jp.k100.html",
    "xinhuanet.com.c_1125597921.html",
]
CHARDET_SKIP = {
    "EUC-JP/_mozilla_bug431054_text.html",  # 39 bytes, 4 letters ("ログイン")
    "EUC-JP/_mozilla_bug620106_text.html",  # ~1,100 blank lines + one test sentence
}
CHARDET_FALLBACK_URL = {
    "CP932/hardsoft.at.webry.info.xml": "http://hardsoft.at.webry.info/200802/article_1.html",
    "CP932/www2.chuo-u.ac.jp-suishin.xml": "http://www2.chuo-u.ac.jp/suishin/yomenai.html",
    "EUC-JP/_mozilla_bug426271_text-euc-jp.html": "https://bugzilla.mozilla.org/attachment.cgi?id=426271",
    "EUC-JP/_ude_1.txt": "http://www-archive.mozilla.org/projects/intl/chardet/ude/euc-jp/ReadMe.txt",
    "SHIFT_JIS/_ude_2.txt": "http://www-archive.mozilla.org/projects/intl/chardet/ude/shift_jis/ReadMe.txt",
    "SHIFT_JIS/_ude_3.txt": "http://www-archive.mozilla.org/projects/intl/chardet/ude/shift_jis/ReadMe2.txt",
    "iso-2022-jp/_ude_1.txt": "http://www-archive.mozilla.org/projects/intl/chardet/ude/iso-2022-jp/ReadMe.txt",
    "SHIFT_JIS/_ude_1.txt": "http://www.gutenberg.org/files/1982/1982-0.txt",
    "SHIFT_JIS/_ude_4.txt": "http://www.gutenberg.org/files/1911/1911-0.txt",
    "SHIFT_JIS/_chromium_Shift-JIS_with_no_encoding_specified.html": "http://src.chromium.org/LayoutTests/fast/encoding/resources/Shift-JIS_with_no_encoding_specified.html",
}


def iter_warc(path):
    from fastwarc.warc import ArchiveIterator

    with open(path, "rb") as f:
        for r in ArchiveIterator(f, parse_http=False, quirks_mode=True):
            yield [(k, v) for k, v in r.headers], r.reader.read()


# --- postlight ---------------------------------------------------------------


def src_postlight(shared, stats):
    d = os.path.join(shared, "html/postlight-parser-ja")
    groups = []
    for i, name in enumerate(sorted(os.listdir(d))):
        body = read(os.path.join(d, name))
        url = url_in_page(body, prefer_og=True) or FALLBACK_URL.get(name)
        assert url, name
        url_kind = "in-page og:url/canonical" if name not in FALLBACK_URL else "reconstructed"
        decl = declared_charset(body)
        cs, note = header_charset(i, body, decl, stats, "postlight")
        if name in POSTLIGHT_TS:
            when = dt.datetime.fromtimestamp(POSTLIGHT_TS[name] / 1000, dt.timezone.utc).replace(microsecond=0)
        else:
            when = crawl_date(utc(2019, 4, 22), name, 5 * 86400)
        groups.append(make_capture(
            "postlight", f"html/postlight-parser-ja/{name}", url, when, html_ctype("text/html", cs), body,
            {"url_kind": url_kind, "charset_header": cs or "", "declared": decl or "",
             "note": note}))
    return groups


# --- chardet legacy ----------------------------------------------------------


def src_chardet(shared, stats):
    base = os.path.join(shared, "html/chardet-legacy-ja")
    files = sorted(f"{e}/{n}" for e in os.listdir(base) for n in os.listdir(os.path.join(base, e)))
    files = [f for f in files if f not in CHARDET_SKIP]
    groups = []
    for i, rel in enumerate(files):
        body = read(os.path.join(base, rel))
        head = body[:4000]
        m = re.search(rb"<!--\s*Source:\s*(\S+)", head)
        if m:
            url, url_kind = m.group(1).decode("ascii"), "feed Source: comment"
        else:
            url, url_kind = CHARDET_FALLBACK_URL[rel], "reconstructed"
        if rel.endswith(".txt"):
            mime = "text/plain"
        elif re.search(rb"<feed\b", head):
            mime = "application/atom+xml"
        elif re.search(rb"<rss\b", head):
            mime = "application/rss+xml"
        elif re.search(rb"<rdf:RDF\b", head):
            mime = "text/xml"
        else:
            mime = "text/html"
        decl = declared_charset(body)
        cs, note = header_charset(i, body, decl, stats, "chardet")
        when = crawl_date(utc(2006, 1, 10), rel, 10 * 86400)
        accept = "*/*" if mime != "text/html" else HTML_ACCEPT
        groups.append(make_capture(
            "chardet", f"html/chardet-legacy-ja/{rel}", url, when, html_ctype(mime, cs), body,
            {"url_kind": url_kind, "charset_header": cs or "", "declared": decl or "",
             "note": "encoding dir %s" % rel.split("/")[0]}, accept=accept))
    return groups


# --- generic wrapped html (trafilatura, readability, cjk) -----------------------


def wrap_html_files(source, items, base_date, stats):
    """items: list of (rel_path, fallback_key, bytes)."""
    groups = []
    for i, (rel, key, body) in enumerate(items):
        url = FALLBACK_URL.get(key) or url_in_page(body)
        assert url, rel
        url_kind = "reconstructed" if key in FALLBACK_URL else "in-page canonical/og:url"
        decl = declared_charset(body)
        cs, note = header_charset(i, body, decl, stats, source)
        when = crawl_date(base_date, rel, 10 * 86400)
        groups.append(make_capture(source, rel, url, when, html_ctype("text/html", cs), body,
                                   {"url_kind": url_kind, "charset_header": cs or "", "declared": decl or "",
                                    "note": note}))
    return groups


def src_trafilatura(shared, stats):
    d = os.path.join(shared, "html/trafilatura-cache")
    files = sorted(os.listdir(d), key=lambda n: (os.path.getsize(os.path.join(d, n)), n))[:TRAFILATURA_N]
    items = [(f"html/trafilatura-cache/{n}", n, read(os.path.join(d, n))) for n in sorted(files)]
    return wrap_html_files("trafilatura", items, utc(2023, 1, 20), stats)


def src_readability(shared, stats):
    d = os.path.join(shared, "html/mozilla-readability-testpages")
    cases = sorted(c for v in READABILITY_CASES.values() for c in v)
    items = [(f"html/mozilla-readability-testpages/{c}/source.html", c, read(os.path.join(d, c, "source.html")))
             for c in cases]
    return wrap_html_files("readability", items, utc(2023, 1, 20), stats)


def src_cjk(shared, stats):
    d = os.path.join(shared, "html/trafilatura-eval-cjk")
    items = [(f"html/trafilatura-eval-cjk/{n}", n, read(os.path.join(d, n))) for n in sorted(CJK_FILES)]
    return wrap_html_files("trafilatura-cjk", items, utc(2020, 3, 10), stats)


# --- copied WARC records ------------------------------------------------------------


def src_clueweb(shared, stats):
    rel = "warc/resiliparse/clueweb-quirk.warc.gz"
    groups = []
    for n, (hdrs, block) in enumerate(iter_warc(os.path.join(shared, rel))):
        if hget(hdrs, "WARC-Type") != "response":
            continue
        rec = Rec(hdrs, block)
        uri = rec.get("WARC-Target-URI")
        # WARC/0.18 dates such as 2008-10-294T05:21:46-0700 are invalid: use the HTTP Date.
        when = email.utils.parsedate_to_datetime(parse_http(block)[1]["date"])
        rec.set("WARC-Date", fmt_warc_date(when))
        stats["clueweb_date_fixed"] += 1
        rec.set("WARC-Warcinfo-ID", "")
        rec.set("WARC-Sample-Source", src_tag("clueweb09ja", f"{rel}#{n}"))
        fix_digests(rec, True, stats)
        groups.append(Group("clueweb09ja", f"{rel}#{n}", uri, [rec],
                            {"url_kind": "original", "charset_header": "EUC-JP", "declared": "",
                             "note": "WARC/0.18 record; LF-only HTTP header; Content-Encoding: gzip on plain body"}))
    return groups


def src_cc(shared, stats):
    rel = "warc/resiliparse/warcfile.warc.gz"
    by_uri = collections.OrderedDict()
    for n, (hdrs, block) in enumerate(iter_warc(os.path.join(shared, rel))):
        t = hget(hdrs, "WARC-Type")
        if t == "warcinfo":
            continue
        rec = Rec(hdrs, block)
        rec.set("WARC-Warcinfo-ID", "")
        rec.set("WARC-Sample-Source", src_tag("cc-2020-34", f"{rel}#{n}"))
        if t in ("request", "response"):
            fix_digests(rec, t == "response", stats)
        by_uri.setdefault(rec.get("WARC-Target-URI"), []).append(rec)
    groups = []
    order = {"request": 0, "response": 1, "metadata": 2}
    for uri, recs in by_uri.items():
        recs.sort(key=lambda r: order.get(r.get("WARC-Type"), 9))
        n = recs[0].get("WARC-Sample-Source").split("#")[-1]
        groups.append(Group("cc-2020-34", f"{rel}#{n}", uri, recs,
                            {"url_kind": "original", "charset_header": "", "declared": "", "note": ""}))
    return groups


def src_vu(shared, stats):
    rel = "warc/vu-web-data/web_sample.warc.gz"
    recs = []
    for n, (hdrs, block) in enumerate(iter_warc(os.path.join(shared, rel))):
        recs.append((n, Rec(hdrs, block)))
    by_id = {r.get("WARC-Record-ID"): (n, r) for n, r in recs}
    concurrent = collections.defaultdict(list)
    for n, r in recs:
        c = r.get("WARC-Concurrent-To")
        if c:
            concurrent[c].append((n, r))
    dns, redirects, notfound, nonhtml = [], [], [], collections.defaultdict(list)
    for n, r in recs:
        if r.get("WARC-Type") != "response":
            continue
        uri = r.get("WARC-Target-URI")
        if uri.startswith("dns:"):
            dns.append(n)
            continue
        code, fields, _ = parse_http(r.block)
        ctype = mime_of(fields.get("content-type"))
        if code in (301, 302):
            redirects.append(n)
        elif code == 404:
            notfound.append((len(r.block), uri, n))
        elif code == 200 and ctype not in ("text/html", "text/plain", "text/xml") \
                and len(r.block) <= VU_MAX_NONHTML_BYTES:
            nonhtml[ctype].append((len(r.block), uri, n))
    # round-robin over content types (smallest first) for variety, de-duplicating URIs
    picked, seen_uri = [], set()
    queues = {k: sorted(v) for k, v in sorted(nonhtml.items())}
    while len(picked) < VU_NONHTML_N and any(queues.values()):
        for k in sorted(queues):
            while queues[k]:
                size, uri, n = queues[k].pop(0)
                if uri not in seen_uri:
                    seen_uri.add(uri)
                    picked.append(n)
                    break
            if len(picked) >= VU_NONHTML_N:
                break
    nf, seen_body = [], collections.Counter()  # the smallest 404s, at most 2 with the same body
    for size, uri, n in sorted(notfound, key=lambda x: (x[0], x[1])):
        if len(nf) >= VU_404_N:
            break
        body_hash = hashlib.sha1(parse_http(recs[n][1].block)[2]).hexdigest()
        if seen_body[body_hash] >= 2:
            continue
        seen_body[body_hash] += 1
        nf.append(n)
    chosen = sorted(set(dns) | set(redirects) | set(picked) | set(nf))
    stats["vu_dns"], stats["vu_redirects"], stats["vu_nonhtml"], stats["vu_404"] = (
        len(dns), len(redirects), len(picked), len(nf))
    for n in picked:
        stats["vu_mime:" + mime_of(parse_http(recs[n][1].block)[1].get("content-type"))] += 1
    groups = []
    order = {"request": 0, "response": 1, "metadata": 2}
    for n in chosen:
        resp = recs[n][1]
        members = [(n, resp)] + concurrent.get(resp.get("WARC-Record-ID"), [])
        out = []
        for m, r in members:
            r.set("WARC-Warcinfo-ID", "", after="WARC-Record-ID")
            r.set("WARC-Sample-Source", src_tag("vu-heritrix", f"{rel}#{m}"))
            t = r.get("WARC-Type")
            is_http = (r.get("Content-Type") or "").startswith("application/http")
            if t in ("request", "response"):
                fix_digests(r, t == "response" and is_http, stats)
            out.append(r)
        out.sort(key=lambda r: order.get(r.get("WARC-Type"), 9))
        groups.append(Group("vu-heritrix", f"{rel}#{n}", resp.get("WARC-Target-URI"), out,
                            {"url_kind": "original", "charset_header": "", "declared": "", "note": ""}))
    return groups



def gather(shared: str, stats: collections.Counter) -> tuple[list[Group], dict]:
    """Every source's groups (unsorted) + the livedoor selection that MANIFEST.md describes."""
    groups: list[Group] = []
    groups += src_postlight(shared, stats)
    groups += src_clueweb(shared, stats)
    groups += src_chardet(shared, stats)
    lgroups, pairs, exact_groups, lchosen = src_livedoor(shared, stats)
    groups += lgroups
    groups += src_trafilatura(shared, stats)
    groups += src_readability(shared, stats)
    groups += src_cjk(shared, stats)
    groups += src_cc(shared, stats)
    groups += src_vu(shared, stats)
    return groups, {"pairs": pairs, "exact_groups": exact_groups, "livedoor": lchosen}
