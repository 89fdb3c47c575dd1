"""WARC records and capture groups: copied records, reconstructed request/response pairs, warcinfo."""

from __future__ import annotations

import base64
import collections
import datetime as dt
import email.utils
import hashlib
import urllib.parse
import uuid

from pipeline.annotate.read import parse_http_block

WARC_NAME = "sample.warc.gz"
WARCINFO_DATE = "2026-11-22T00:00:00Z"
UA = "CCBot/2.0 (https://commoncrawl.org/faq/)"
HTML_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def read(path) -> bytes:
    with open(path, "rb") as f:
        return f.read()


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


def parse_http(block: bytes) -> tuple[int, dict[str, str], bytes]:
    """(status, lower-cased headers, payload) of an HTTP block, split as the pipeline's reader splits it.

    Every HTTP block the builder parses is a real response (or a reconstructed one), so a block that
    is not HTTP is a bug here, not a quirk to survive.
    """
    parsed = parse_http_block(block)
    if parsed is None:
        raise ValueError(f"not an HTTP response block: {block[:40]!r}")
    return parsed


def hget(fields, name, default=None):
    for k, v in fields:
        if k.lower() == name.lower():
            return v
    return default


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
        pd = sha1_b32(parse_http(rec.block)[2])
        oldp = rec.get("WARC-Payload-Digest")
        if oldp is not None and oldp.upper() != pd.upper():
            stats["payload_digest_fixed"] += 1
            rec.set("WARC-Payload-Digest", pd)


def html_ctype(mime: str, charset: str | None) -> str:
    return f"{mime}; charset={charset}" if charset else mime


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
    accept: str = HTML_ACCEPT,
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
