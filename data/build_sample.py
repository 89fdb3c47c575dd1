#!/usr/bin/env python3
"""Build the bundled real-data sample WARC ``data/sample/sample.warc.gz``.

Usage::

    python data/build_sample.py [--shared ../shared/data] [--out data/sample] [--verify]

Everything in the WARC is real web data taken from the staged corpus in
``../shared/data`` (see its README.md / MANIFEST-webdata.md):

* ``postlight``   html/postlight-parser-ja/*.html          (28 ja news/tech pages + 1 zh), wrapped
* ``clueweb09ja`` warc/resiliparse/clueweb-quirk.warc.gz   (29 EUC-JP responses), copied
* ``chardet``     html/chardet-legacy-ja/*/*               (61 legacy-encoded ja feeds/pages), wrapped
* ``livedoor``    text/livedoor-news/*/*.txt               (570 articles, DERIVED html wrapping)
* ``trafilatura`` html/trafilatura-cache/*                 (55 smallest, mostly de/en/fr), wrapped
* ``readability`` html/mozilla-readability-testpages/*/source.html (2 ja, 4 zh, 10 other), wrapped
* ``trafilatura-cjk`` html/trafilatura-eval-cjk/*          (NHK ja, gaijinpot en/ja, 4 zh), wrapped
* ``cc-2020-34``  warc/resiliparse/warcfile.warc.gz        (16 request/response/metadata triples), copied
* ``vu-heritrix`` warc/vu-web-data/web_sample.warc.gz      (dns, non-HTML, 301/302/404), copied

"wrapped" = the file bytes are kept exactly and become the HTTP payload of a
reconstructed request/response pair (HTTP headers and most URLs are
reconstructed; see MANIFEST.md).  "copied" = the original WARC record blocks are
kept byte for byte.

The build is deterministic: fixed WARC-Date values, WARC-Record-IDs from uuid5
over the record content (copied records keep their original IDs), gzip mtime 0,
sorted inputs, a fixed seed for the livedoor sample, and a fixed record order
(groups sorted by a hash of the target URI).  Re-running on the same machine
gives a byte-identical file.

Besides the WARC the script writes ``records.tsv`` (one row per response),
``MANIFEST.md``, ``LICENSES.md`` and ``licenses/`` next to it.
"""

from __future__ import annotations

import argparse
import base64
import collections
import datetime as dt
import email.utils
import gzip
import hashlib
import html
import os
import random
import re
import shutil
import urllib.parse
import uuid

from pipeline import SHARED_DATA

SEED = 20261122
WARC_NAME = "sample.warc.gz"
WARCINFO_DATE = "2026-11-22T00:00:00Z"
UA = "CCBot/2.0 (https://commoncrawl.org/faq/)"
LIVEDOOR_TOTAL = 570
TRAFILATURA_N = 55
VU_NONHTML_N = 40
VU_404_N = 6
VU_MAX_NONHTML_BYTES = 40_000

# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------


def sha1_b32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def h8(s: str) -> int:
    return int(hashlib.sha1(s.encode("utf-8")).hexdigest()[:8], 16)


def fmt_warc_date(d: dt.datetime) -> str:
    return d.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def fmt_http_date(d: dt.datetime) -> str:
    return email.utils.format_datetime(d.astimezone(dt.timezone.utc), usegmt=True)


def utc(*a) -> dt.datetime:
    return dt.datetime(*a, tzinfo=dt.timezone.utc)


def crawl_date(base: dt.datetime, key: str, spread_s: int = 3 * 86400) -> dt.datetime:
    """Deterministic capture time in [base, base+spread) derived from key."""
    return base + dt.timedelta(seconds=h8(key) % spread_s)


def to_uri(url: str) -> str:
    """IRI -> ASCII URI (percent-encode non-ASCII and spaces only)."""
    return urllib.parse.quote(url, safe="/:?#[]@!$&'()*+,;=%~-._")


def record_id(*parts) -> str:
    name = "|".join(p if isinstance(p, str) else hashlib.sha1(p).hexdigest() for p in parts)
    return "<urn:uuid:%s>" % uuid.uuid5(uuid.NAMESPACE_URL, "jp-cc-sample:" + name)


def split_http(block: bytes) -> tuple[bytes, bytes]:
    """Split an HTTP message into (header part incl. blank line, payload)."""
    cands = [(i, 4) for i in [block.find(b"\r\n\r\n")] if i >= 0]
    cands += [(i, 2) for i in [block.find(b"\n\n")] if i >= 0]
    if not cands:
        return block, b""
    i, n = min(cands)
    return block[: i + n], block[i + n :]


def http_fields(head: bytes) -> tuple[str, list[tuple[str, str]]]:
    lines = re.split(rb"\r?\n", head.strip())
    status = lines[0].decode("latin-1")
    out = []
    for ln in lines[1:]:
        if b":" in ln:
            k, v = ln.split(b":", 1)
            out.append((k.decode("latin-1").strip(), v.decode("latin-1").strip()))
    return status, out


def hget(fields, name, default=None):
    for k, v in fields:
        if k.lower() == name.lower():
            return v
    return default


META_CHARSET_RES = [
    re.compile(rb"<meta[^>]*?\bcharset\s*=\s*[\"']?\s*([-\w:.]+)", re.I),
]
XML_DECL_RE = re.compile(rb"<\?xml[^>]*encoding\s*=\s*[\"']([-\w.]+)[\"']", re.I)


def declared_charset(body: bytes) -> str | None:
    """Charset declared in the document itself (<?xml encoding>, <meta ... charset>).

    Also catches cheerio's re-serialised ``<meta http-equiv value="...charset=X">``.
    """
    m = XML_DECL_RE.search(body[:1024])
    if m:
        return m.group(1).decode("ascii")
    for rx in META_CHARSET_RES:
        m = rx.search(body)
        if m:
            return m.group(1).decode("ascii")
    return None


PY_CODEC = {
    "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932",
    "windows-31j": "cp932", "cp932": "cp932", "ms932": "cp932",
    "euc-jp": "euc_jis_2004", "x-euc-jp": "euc_jis_2004", "euc_jp": "euc_jis_2004",
    "iso-2022-jp": "iso2022_jp_ext", "gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030",
    "utf-8": "utf-8", "utf8": "utf-8", "iso-8859-1": "cp1252", "latin1": "cp1252",
    "windows-1251": "cp1251", "windows-1252": "cp1252", "windows-1250": "cp1250",
}


def decode_for_stats(payload: bytes, header_cs: str | None) -> str:
    """Best-effort decoding, used only for the statistics in MANIFEST/records.tsv."""
    if payload.startswith(b"\xef\xbb\xbf"):
        return payload[3:].decode("utf-8", "replace")
    if b"\x1b$B" in payload[:100000]:
        return payload.decode("iso2022_jp_ext", "replace")
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for cs in (header_cs, declared_charset(payload)):
        if cs and cs.lower() in PY_CODEC:
            codec = PY_CODEC[cs.lower()]
            if codec == "utf-8":
                try:
                    return payload.decode("utf-8")
                except UnicodeDecodeError:
                    continue
            return payload.decode(codec, "replace")
    for codec in ("utf-8", "cp932", "euc_jis_2004", "gb18030"):
        try:
            return payload.decode(codec)
        except UnicodeDecodeError:
            pass
    return payload.decode("cp1252", "replace")


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


# --------------------------------------------------------------------------
# record model
# --------------------------------------------------------------------------


class Rec:
    """One WARC record: ordered header list (Content-Length recomputed) + block."""

    def __init__(self, headers: list[tuple[str, str]], block: bytes):
        self.headers = list(headers)
        self.block = block

    def get(self, name):
        return hget(self.headers, name)

    def set(self, name, value, after=None):
        for i, (k, _) in enumerate(self.headers):
            if k.lower() == name.lower():
                self.headers[i] = (k, value)
                return
        if after is not None:
            for i, (k, _) in enumerate(self.headers):
                if k.lower() == after.lower():
                    self.headers.insert(i + 1, (name, value))
                    return
        self.headers.append((name, value))

    def serialize(self) -> bytes:
        out = [b"WARC/1.0\r\n"]
        seen_len = False
        for k, v in self.headers:
            if k.lower() == "content-length":
                v = str(len(self.block))
                seen_len = True
            out.append(f"{k}: {v}\r\n".encode("utf-8"))
        if not seen_len:
            out.append(f"Content-Length: {len(self.block)}\r\n".encode())
        out.append(b"\r\n")
        out.append(self.block)
        out.append(b"\r\n\r\n")
        return b"".join(out)


class Group:
    """Records captured together (request/response/metadata) + info for MANIFEST."""

    def __init__(self, source: str, src_path: str, uri: str, recs: list[Rec], info: dict):
        self.source, self.src_path, self.uri, self.recs, self.info = source, src_path, uri, recs, info

    def sort_key(self):
        return hashlib.sha1(f"{self.uri}\x00{self.source}\x00{self.src_path}".encode("utf-8")).hexdigest()


def src_tag(source: str, path: str) -> str:
    return f"{source} {urllib.parse.quote(path, safe='/._-~#')}"


def fix_digests(rec: Rec, http: bool, stats: collections.Counter):
    """Keep original digests when they verify; recompute wrong ones (counted); add none."""
    bd = sha1_b32(rec.block)
    old = rec.get("WARC-Block-Digest")
    if old is not None and old.upper() != bd.upper():
        stats["block_digest_fixed"] += 1
        rec.set("WARC-Block-Digest", bd)
    if http:
        pd = sha1_b32(split_http(rec.block)[1])
        oldp = rec.get("WARC-Payload-Digest")
        if oldp is not None and oldp.upper() != pd.upper():
            stats["payload_digest_fixed"] += 1
            rec.set("WARC-Payload-Digest", pd)


def make_capture(
    source: str,
    src_path: str,
    url: str,
    when: dt.datetime,
    content_type: str,
    body: bytes,
    info: dict,
    extra_http: list[tuple[str, str]] | None = None,
    extra_warc: list[tuple[str, str]] | None = None,
    accept: str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
) -> Group:
    """A reconstructed CC-style request + response pair around real payload bytes."""
    uri = to_uri(url)
    sp = urllib.parse.urlsplit(uri)
    path = sp.path or "/"
    if sp.query:
        path += "?" + sp.query
    wdate = fmt_warc_date(when)
    req_block = (
        f"GET {path} HTTP/1.1\r\n"
        f"User-Agent: {UA}\r\n"
        f"Accept: {accept}\r\n"
        "Accept-Language: en-US,en;q=0.5\r\n"
        "Accept-Encoding: br,gzip\r\n"
        f"Host: {sp.netloc}\r\n"
        "Connection: Keep-Alive\r\n\r\n"
    ).encode("ascii")
    hdr = [("Date", fmt_http_date(when)), ("Content-Type", content_type)]
    hdr += extra_http or []
    hdr += [("Content-Length", str(len(body))), ("Connection", "close")]
    resp_block = ("HTTP/1.1 200 OK\r\n" + "".join(f"{k}: {v}\r\n" for k, v in hdr) + "\r\n").encode(
        "latin-1"
    ) + body
    tag = src_tag(source, src_path)
    req_id = record_id("request", uri, wdate, req_block)
    resp_id = record_id("response", uri, wdate, resp_block)
    req = Rec(
        [
            ("WARC-Type", "request"),
            ("WARC-Date", wdate),
            ("WARC-Record-ID", req_id),
            ("Content-Length", ""),
            ("Content-Type", "application/http; msgtype=request"),
            ("WARC-Warcinfo-ID", ""),
            ("WARC-Target-URI", uri),
        ],
        req_block,
    )
    resp_h = [
        ("WARC-Type", "response"),
        ("WARC-Date", wdate),
        ("WARC-Record-ID", resp_id),
        ("Content-Length", ""),
        ("Content-Type", "application/http; msgtype=response"),
        ("WARC-Warcinfo-ID", ""),
        ("WARC-Concurrent-To", req_id),
        ("WARC-Target-URI", uri),
        ("WARC-Payload-Digest", sha1_b32(body)),
        ("WARC-Block-Digest", sha1_b32(resp_block)),
        ("WARC-Identified-Payload-Type", content_type.split(";")[0].strip()),
    ]
    resp_h += extra_warc or []
    resp_h.append(("WARC-Sample-Source", tag))
    return Group(source, src_path, uri, [req, Rec(resp_h, resp_block)], info)


def html_ctype(mime: str, charset: str | None) -> str:
    return f"{mime}; charset={charset}" if charset else mime


# --------------------------------------------------------------------------
# sources
# --------------------------------------------------------------------------

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

LIVEDOOR_CATS = {  # dir -> (display name, category URL); from README.txt / LICENSE.txt
    "topic-news": ("トピックニュース", "http://news.livedoor.com/category/vender/news/"),
    "sports-watch": ("Sports Watch", "http://news.livedoor.com/category/vender/208/"),
    "it-life-hack": ("ITライフハック", "http://news.livedoor.com/category/vender/223/"),
    "kaden-channel": ("家電チャンネル", "http://news.livedoor.com/category/vender/kadench/"),
    "movie-enter": ("MOVIE ENTER", "http://news.livedoor.com/category/vender/movie_enter/"),
    "dokujo-tsushin": ("独女通信", "http://news.livedoor.com/category/vender/90/"),
    "smax": ("エスマックス", "http://news.livedoor.com/category/vender/smax/"),
    "livedoor-homme": ("livedoor HOMME", "http://news.livedoor.com/category/vender/homme/"),
    "peachy": ("Peachy", "http://news.livedoor.com/category/vender/ldgirls/"),
}
LIVEDOOR_NAV_ORDER = ["topic-news", "sports-watch", "it-life-hack", "kaden-channel", "movie-enter",
                      "dokujo-tsushin", "smax", "livedoor-homme", "peachy"]


def read(path) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def iter_warc(path):
    from fastwarc.warc import ArchiveIterator

    with open(path, "rb") as f:
        for r in ArchiveIterator(f, parse_http=False, quirks_mode=True):
            yield [(k, v) for k, v in r.headers], r.reader.read()


def half_charset(i: int, declared: str | None) -> str | None:
    """Charset for the HTTP header: the declared one for every other file."""
    return declared if (declared and i % 2 == 0) else None


def is_mislabelled_utf8(body: bytes, declared: str | None) -> bool:
    """Document declares a legacy charset but its (non-ASCII) bytes are valid UTF-8.

    Happens in the test-page collections that re-serialised saved pages as UTF-8
    (postlight's cheerio, readability's test harness) without fixing the meta.
    """
    if not declared or declared.lower().replace("_", "-") in ("utf-8", "utf8"):
        return False
    if body.isascii():
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def header_charset(i: int, body: bytes, declared: str | None, stats, source: str) -> tuple[str | None, str]:
    """(charset for the HTTP header, note)."""
    if is_mislabelled_utf8(body, declared):
        stats["mislabelled"] += 1
        stats[f"mislabelled:{source}"] += 1
        return "UTF-8", f"declares {declared}, bytes are UTF-8"
    return half_charset(i, declared), ""


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
        accept = "*/*" if mime != "text/html" else "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
        groups.append(make_capture(
            "chardet", f"html/chardet-legacy-ja/{rel}", url, when, html_ctype(mime, cs), body,
            {"url_kind": url_kind, "charset_header": cs or "", "declared": decl or "",
             "note": "encoding dir %s" % rel.split("/")[0]}, accept=accept))
    return groups


# --- livedoor (DERIVED) --------------------------------------------------------


def parse_livedoor(path):
    text = read(path).decode("utf-8")
    lines = text.split("\n")
    url, date, title = lines[0].strip(), lines[1].strip(), lines[2].strip()
    body_lines = [ln.rstrip("\r") for ln in lines[3:]]
    return url, date, title, body_lines


def livedoor_selection(shared, stats):
    base = os.path.join(shared, "text/livedoor-news")
    cats = sorted(c for c in os.listdir(base) if os.path.isdir(os.path.join(base, c)))
    assert sorted(cats) == sorted(LIVEDOOR_CATS), cats
    allfiles = {c: sorted(f for f in os.listdir(os.path.join(base, c)) if f != "LICENSE.txt" and f.endswith(".txt"))
                for c in cats}
    # exact duplicate bodies
    by_body = collections.defaultdict(list)
    for c in cats:
        for f in allfiles[c]:
            _, _, _, body = parse_livedoor(os.path.join(base, c, f))
            by_body[hashlib.sha1("\n".join(body).strip().encode("utf-8")).hexdigest()].append(f"{c}/{f}")
    exact_groups = sorted(sorted(v) for v in by_body.values() if len(v) > 1)
    # near-duplicate gold pairs
    pairs = []
    with open(os.path.join(shared, "annotations/livedoor_neardup_pairs_sentJaccard.tsv"), encoding="utf-8") as f:
        for ln in f:
            if ln.strip():
                j, a, b = ln.rstrip("\n").split("\t")
                pairs.append((float(j), a, b))
    required = set()
    for _, a, b in pairs:
        required |= {a, b}
    for g in exact_groups:
        required |= set(g)
    per_cat_req = collections.Counter(r.split("/")[0] for r in required)
    rng = random.Random(f"livedoor-{SEED}")
    quota_base, extra = divmod(LIVEDOOR_TOTAL, len(cats))
    chosen = set(required)
    for k, c in enumerate(cats):
        quota = quota_base + (1 if k < extra else 0)
        need = max(0, quota - per_cat_req[c])
        pool = [f"{c}/{f}" for f in allfiles[c] if f"{c}/{f}" not in required]
        chosen |= set(rng.sample(pool, need))
    stats["livedoor_pairs"] = len(pairs)
    stats["livedoor_required"] = len(required)
    return sorted(chosen), pairs, exact_groups


LIVEDOOR_TEMPLATE_HEAD = """<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<title>{title} - livedoor ニュース</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="canonical" href="{url}">
<link rel="license" href="http://creativecommons.org/licenses/by-nd/2.1/jp/">
<link rel="stylesheet" href="http://news.livedoor.com/css/article.css">
</head>
<body>
<header id="site-header">
<div class="site-logo"><a href="http://news.livedoor.com/">livedoor ニュース</a></div>
<nav class="global-nav">
<ul>
<li><a href="http://news.livedoor.com/">トップ</a></li>
{nav}
</ul>
</nav>
</header>
<div id="container">
<main id="main">
<div class="breadcrumb"><a href="http://news.livedoor.com/">livedoor ニュース</a> &gt; <a href="{cat_url}">{cat_name}</a></div>
<article class="article">
<h1 class="article-title">{title}</h1>
<p class="article-date"><time datetime="{date}">{date_disp}</time> 提供：<a href="{cat_url}">{provider}</a></p>
<div class="article-body">
"""

LIVEDOOR_TEMPLATE_TAIL = """</div>
<p class="article-license">この記事は<a rel="license" href="http://creativecommons.org/licenses/by-nd/2.1/jp/">クリエイティブ・コモンズ 表示 - 改変禁止 2.1 日本</a>ライセンスの下で提供されています。提供元：{provider}</p>
</article>
</main>
<aside id="sidebar">
<section class="side-box">
<h2>{cat_name}の記事</h2>
<ul>
{side}
</ul>
</section>
</aside>
</div>
<footer id="site-footer">
<ul class="footer-nav">
<li><a href="http://news.livedoor.com/">livedoor ニュース トップ</a></li>
<li><a href="http://www.livedoor.com/">livedoor</a></li>
<li><a href="http://news.livedoor.com/category/vender/">提供元一覧</a></li>
</ul>
<p class="copyright">Copyright &copy; NHN Japan Corporation. All Rights Reserved.</p>
</footer>
</body>
</html>
"""


def esc(s: str) -> str:
    return html.escape(s, quote=False)


def esc_attr(s: str) -> str:
    return html.escape(s, quote=True)


def date_display(s: str) -> str:
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})", s)
    return f"{m[1]}年{m[2]}月{m[3]}日 {m[4]}時{m[5]}分" if m else s


def src_livedoor(shared, stats):
    base = os.path.join(shared, "text/livedoor-news")
    chosen, pairs, exact_groups = livedoor_selection(shared, stats)
    parsed = {rel: parse_livedoor(os.path.join(base, rel)) for rel in chosen}
    by_cat = collections.defaultdict(list)
    for rel in chosen:
        by_cat[rel.split("/")[0]].append(rel)
    nav = "\n".join(f'<li><a href="{LIVEDOOR_CATS[c][1]}">{esc(LIVEDOOR_CATS[c][0])}</a></li>' for c in LIVEDOOR_NAV_ORDER)
    groups = []
    for rel in chosen:
        cat = rel.split("/")[0]
        cat_name, cat_url = LIVEDOOR_CATS[cat]
        url, date, title, body_lines = parsed[rel]
        lst = by_cat[cat]
        k = lst.index(rel)
        side_items = [lst[(k + j) % len(lst)] for j in range(1, 4) if len(lst) > 1]
        side = "\n".join(f'<li><a href="{esc_attr(parsed[s][0])}">{esc(parsed[s][2])}</a></li>' for s in side_items)
        paras = "".join(f"<p>{esc(ln)}</p>\n" for ln in body_lines if ln.strip())
        page = (LIVEDOOR_TEMPLATE_HEAD.format(title=esc(title), url=esc_attr(url), nav=nav, cat_url=cat_url,
                                              cat_name=esc(cat_name), date=esc_attr(date),
                                              date_disp=esc(date_display(date)), provider=esc(cat_name))
                + paras
                + LIVEDOOR_TEMPLATE_TAIL.format(provider=esc(cat_name), cat_name=esc(cat_name), side=side))
        # capture time: early September 2012 (the corpus was collected then)
        when = crawl_date(utc(2012, 9, 3), rel, 7 * 86400)
        m = re.match(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})([+-]\d{4})", date)
        if m:
            pub = dt.datetime.strptime(m[1] + m[2], "%Y-%m-%dT%H:%M:%S%z")
            if pub >= when:
                when = (pub + dt.timedelta(hours=1)).astimezone(dt.timezone.utc)
                stats["livedoor_date_bumped"] += 1
        groups.append(make_capture(
            "livedoor", f"text/livedoor-news/{rel}", url, when, "text/html; charset=utf-8",
            page.encode("utf-8"),
            {"url_kind": "article URL (line 1)", "charset_header": "utf-8", "declared": "utf-8",
             "note": "DERIVED html wrapping"},
            extra_warc=[("WARC-Derived-From", f"livedoor-news {rel}")]))
    return groups, pairs, exact_groups, chosen


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
        status, fields = http_fields(split_http(block)[0])
        when = email.utils.parsedate_to_datetime(hget(fields, "Date"))
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
        status, fields = http_fields(split_http(r.block)[0])
        code = status.split()[1]
        ctype = (hget(fields, "Content-Type") or "").split(";")[0].strip().lower()
        if code in ("301", "302"):
            redirects.append(n)
        elif code == "404":
            notfound.append((len(r.block), uri, n))
        elif code == "200" and ctype not in ("text/html", "text/plain", "text/xml") \
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
        body_hash = hashlib.sha1(split_http(recs[n][1].block)[1]).hexdigest()
        if seen_body[body_hash] >= 2:
            continue
        seen_body[body_hash] += 1
        nf.append(n)
    chosen = sorted(set(dns) | set(redirects) | set(picked) | set(nf))
    stats["vu_dns"], stats["vu_redirects"], stats["vu_nonhtml"], stats["vu_404"] = (
        len(dns), len(redirects), len(picked), len(nf))
    for n in picked:
        _, fields = http_fields(split_http(recs[n][1].block)[0])
        stats["vu_mime:" + (hget(fields, "Content-Type") or "").split(";")[0].strip().lower()] += 1
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


# --------------------------------------------------------------------------
# warcinfo, writing, stats
# --------------------------------------------------------------------------


def warcinfo_record() -> Rec:
    fields = (
        "software: data/build_sample.py (jp-cc-curation sample builder)\r\n"
        "format: WARC File Format 1.0\r\n"
        "conformsTo: http://bibnum.bnf.fr/WARC/WARC_ISO_28500_version1_latestdraft.pdf\r\n"
        "isPartOf: jp-cc-curation-sample\r\n"
        "description: Real-data sample for the Japanese Common Crawl curation pipeline: real pages from "
        "Common Crawl CC-MAIN-2020-34, ClueWeb09-ja, an archive.org Heritrix crawl, saved HTML test pages and "
        "DERIVED html wrappings of livedoor news articles. See data/sample/MANIFEST.md and LICENSES.md.\r\n"
        "robots: n/a (assembled from existing collections, not crawled)\r\n"
    ).encode("utf-8")
    return Rec(
        [
            ("WARC-Type", "warcinfo"),
            ("WARC-Date", WARCINFO_DATE),
            ("WARC-Record-ID", record_id("warcinfo", WARC_NAME, fields)),
            ("Content-Length", ""),
            ("Content-Type", "application/warc-fields"),
            ("WARC-Filename", WARC_NAME),
            ("WARC-Block-Digest", sha1_b32(fields)),
        ],
        fields,
    )


def gz_member(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def response_summary(rec: Rec) -> dict:
    ct = rec.get("Content-Type") or ""
    d = {"status": "", "mime": "", "charset_header": "", "lang": "n/a", "payload_bytes": len(rec.block)}
    if ct.startswith("application/http"):
        head, payload = split_http(rec.block)
        status, fields = http_fields(head)
        parts = status.split()
        d["status"] = parts[1] if len(parts) > 1 else ""
        hct = hget(fields, "Content-Type") or ""
        d["mime"] = hct.split(";")[0].strip().lower()
        m = re.search(r"charset\s*=\s*\"?([-\w.:]+)", hct, re.I)
        d["charset_header"] = m.group(1) if m else ""
        d["payload_bytes"] = len(payload)
        if d["status"] == "200" and (d["mime"].startswith("text/") or "xml" in d["mime"]):
            d["lang"] = lang_guess(decode_for_stats(payload, d["charset_header"] or None))
    else:
        d["mime"] = ct
    return d


def build(shared: str, out: str) -> dict:
    stats = collections.Counter()
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
    groups.sort(key=Group.sort_key)

    info = warcinfo_record()
    info_id = info.get("WARC-Record-ID")
    ids = {info_id}
    for g in groups:
        for r in g.recs:
            r.set("WARC-Warcinfo-ID", info_id)
            rid = r.get("WARC-Record-ID")
            assert rid not in ids, rid
            ids.add(rid)

    os.makedirs(out, exist_ok=True)
    warc_path = os.path.join(out, WARC_NAME)
    tmp = warc_path + ".part"
    per_source = collections.defaultdict(collections.Counter)
    rows = []
    with open(tmp, "wb") as f:
        f.write(gz_member(info.serialize()))
        for g in groups:
            for r in g.recs:
                member = gz_member(r.serialize())
                f.write(member)
                t = r.get("WARC-Type")
                ps = per_source[g.source]
                ps["records"] += 1
                ps[f"type:{t}"] += 1
                ps["gz_bytes"] += len(member)
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
            per_source[g.source]["groups"] += 1
    os.replace(tmp, warc_path)

    with open(os.path.join(out, "records.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\t".join(["uri", "source", "source_path", "warc_date", "http_status", "mime",
                           "charset_in_http_header", "charset_declared_in_doc", "lang_check", "url_origin",
                           "derived", "note"]) + "\n")
        for row in rows:
            f.write("\t".join(str(x).replace("\t", " ") for x in row) + "\n")

    sha = hashlib.sha256(read(warc_path)).hexdigest()
    result = {
        "warc": warc_path, "size": os.path.getsize(warc_path), "sha256": sha, "per_source": per_source,
        "stats": stats, "pairs": pairs, "exact_groups": exact_groups, "livedoor": lchosen,
        "n_records": 1 + sum(len(g.recs) for g in groups), "rows": rows,
    }
    write_docs(shared, out, result)
    return result


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


def write_docs(shared, out, res):
    ps = res["per_source"]
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
    with open(os.path.join(out, "MANIFEST.md"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(L) + "\n")
    write_licenses(shared, out, res)


def write_licenses(shared, out, res):
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
    ps = res["per_source"]
    L = []
    a = L.append
    a("# Licences of the data in `sample.warc.gz`\n")
    a("Generated by `data/build_sample.py`. Every response record carries `WARC-Sample-Source` (the first "
      "word is the source name below), so the licence of any record can be looked up here. Licence files that exist in the staged corpus (`../shared/data`) are "
      "copied to `licenses/`; for the others the name and URL of the licence are given. The page contents are "
      "© their original authors and publishers; they are included as test data for a research pipeline.\n")
    a("| source (WARC-Sample-Source) | records | origin (repo @ commit, path) | licence | file here |")
    a("|---|---|---|---|---|")
    rows = [
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
    for src, origin, lic, here in rows:
        a(f"| `{src}` | {ps[src]['records']} | {origin} | {lic} | {here} |")
    a("")
    a("Notes:\n")
    a("- Apache-2.0, MIT and LGPL-2.1 cover the repositories the test files were taken from; they do not "
      "transfer rights in third-party web pages. Keep this sample to testing and evaluation.")
    a("- The livedoor pages are DERIVED: verbatim article text inside a new HTML template, with the CC BY-ND "
      "credit and licence link in every page. Do not edit the article text.")
    a("- Common Crawl data: use under the Common Crawl Terms of Use; the crawled pages remain © their owners.")
    a("- ClueWeb09: CMU licence for research use; do not redistribute beyond the project's test data.")
    with open(os.path.join(out, "LICENSES.md"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(L) + "\n")


# --------------------------------------------------------------------------
# verification
# --------------------------------------------------------------------------


def verify(path: str) -> None:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    types, status, mimes = collections.Counter(), collections.Counter(), collections.Counter()
    n = 0
    with open(path, "rb") as f:
        for r in ArchiveIterator(f, parse_http=True, quirks_mode=True):
            n += 1
            types[r.headers.get("WARC-Type")] += 1
            if r.record_type == WarcRecordType.response and r.http_headers is not None:
                status[r.http_headers.status_code] += 1
                mimes[(r.http_content_type or "").lower()] += 1
            r.reader.read()
    print(f"fastwarc: {n} records; types {dict(types)}")
    print(f"fastwarc: status {dict(sorted(status.items()))}")
    print(f"fastwarc: mime {dict(mimes.most_common())}")
    try:
        from warcio.archiveiterator import ArchiveIterator as WIter
    except ImportError:
        print("warcio not installed; skipped")
        return
    wt, ws, bad = collections.Counter(), collections.Counter(), 0
    with open(path, "rb") as f:
        it = WIter(f, check_digests=True)
        for rec in it:
            wt[rec.rec_type] += 1
            if rec.rec_type == "response" and rec.http_headers:
                ws[rec.http_headers.get_statuscode()] += 1
            rec.content_stream().read()
            if rec.digest_checker.problems:
                bad += 1
    print(f"warcio: {sum(wt.values())} records; types {dict(wt)}; status {dict(sorted(ws.items()))}; "
          f"records with digest problems: {bad}")


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", default=str(SHARED_DATA), help="staged real-data folder (default ../shared/data)")
    ap.add_argument("--out", default=os.path.join(here, "sample"), help="output folder")
    ap.add_argument("--verify", action="store_true", help="read the result back with fastwarc and warcio")
    args = ap.parse_args(argv)
    res = build(args.shared, args.out)
    tot = collections.Counter()
    for c in res["per_source"].values():
        tot.update(c)
    print(f"wrote {res['warc']}: {res['size']:,} bytes, {res['n_records']} records, "
          f"{tot['responses']} responses, {tot['lang:ja']} ja; sha256 {res['sha256']}")
    for src, c in sorted(res["per_source"].items()):
        print(f"  {src:16s} groups={c['groups']:4d} records={c['records']:4d} responses={c['responses']:4d} "
              f"ja={c['lang:ja']:3d} zh={c['lang:zh']:3d} other={c['lang:other']:3d} gz={c['gz_bytes']:,}")
    if args.verify:
        verify(res["warc"])


if __name__ == "__main__":
    main()
