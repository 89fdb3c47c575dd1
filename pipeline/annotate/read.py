"""Stream a WARC file into candidate page records, counting everything else under a named reason.

FastWARC (Rust) reads the records: the mission measured it at 2.2x warcio's records/s, and its
quirks mode reads the real oddities we must survive (WARC/0.18, invalid dates, ``<...>`` URIs).
Only one record's payload is in memory at a time. HTTP bodies are undone here: de-chunked
(wget WARCs keep ``Transfer-Encoding: chunked``) and decompressed when a ``Content-Encoding`` is
real (ClueWeb09 says ``gzip`` over bodies that are already plain, so the gzip magic decides).
"""

from __future__ import annotations

import os
import zlib
from dataclasses import dataclass
from datetime import datetime
from typing import Iterator
from urllib.parse import urlsplit

from fastwarc.warc import ArchiveIterator, WarcRecordType

from pipeline.annotate.config import AnnotateConfig
from pipeline.annotate.reasons import HTML_MIME_TYPES, Drop
from pipeline.annotate.stage import Page, Rejected


#: The reader yields ``Page`` (a response worth looking at) or ``Rejected`` (counted under a reason).
PageRecord, Dropped = Page, Rejected


#: A block this many bytes short of its WARC Content-Length still counts as complete: real ClueWeb12
#: records are 2 bytes short (a miscounted line ending), while clipped records lose kilobytes.
TRUNCATION_SLACK = 16


class BodyTooLarge(Exception):
    pass


def clean_uri(uri: str | None) -> str:
    """wget writes ``WARC-Target-URI: <http://...>``; the brackets are not part of the URL."""
    uri = (uri or "").strip()
    if uri.startswith("<") and uri.endswith(">"):
        uri = uri[1:-1].strip()
    return uri


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""


def mime_of(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def dechunk(body: bytes) -> bytes:
    """Undo HTTP/1.1 chunked transfer coding; on a malformed stream return what was decoded so far."""
    out = bytearray()
    pos = 0
    n = len(body)
    while pos < n:
        eol = body.find(b"\r\n", pos)
        if eol < 0:
            break
        size_field = body[pos:eol].split(b";", 1)[0].strip()
        try:
            size = int(size_field, 16)
        except ValueError:
            return body if not out else bytes(out)
        if size == 0:
            break
        start = eol + 2
        out += body[start : start + size]
        pos = start + size + 2
    return bytes(out)


def decompress(body: bytes, encoding: str, limit: int) -> bytes:
    """gzip/deflate with an output cap (a small file may expand without bound: a gzip bomb)."""
    if encoding in ("gzip", "x-gzip"):
        if not body.startswith(b"\x1f\x8b"):
            return body  # declared but already decoded (ClueWeb09 quirk)
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif encoding == "deflate":
        try:
            d = zlib.decompressobj()
            d.decompress(body[:2])
        except zlib.error:
            d = None
        d = zlib.decompressobj() if d is not None else zlib.decompressobj(-zlib.MAX_WBITS)
    else:
        raise ValueError(encoding)
    out = d.decompress(body, limit + 1)
    if len(out) > limit:
        raise BodyTooLarge(f"{encoding} payload expands past {limit} bytes")
    return out


def parse_http_block(block: bytes) -> tuple[int, dict[str, str], bytes] | None:
    """Split an HTTP response block into (status, lower-cased headers, body); None if not HTTP.

    Done here rather than by FastWARC so the raw block length can be checked against the WARC
    Content-Length first (that is how a clipped record is told from a complete one).
    """
    if not block.startswith(b"HTTP/"):
        return None
    end = block.find(b"\r\n\r\n")
    sep = 4
    lf = block.find(b"\n\n")
    if end < 0 or (0 <= lf < end):
        end, sep = lf, 2
    if end < 0:
        end, sep = len(block), 0
    lines = block[:end].decode("latin-1").splitlines()
    try:
        status = int(lines[0].split(None, 2)[1])
    except (IndexError, ValueError):
        return None
    headers: dict[str, str] = {}
    for line in lines[1:]:
        key, colon, value = line.partition(":")
        if colon:
            headers.setdefault(key.strip().lower(), value.strip())
    return status, headers, block[end + sep :]


def _read_stream(source, config: AnnotateConfig, counters: dict, state: dict) -> Iterator[PageRecord | Dropped]:
    """Records of one uninterrupted stretch of the file; stream errors propagate to read_warc."""
    fsspec_args = {} if isinstance(source, str) and "://" in source else False
    for rec in ArchiveIterator(source, parse_http=False, quirks_mode=True, fsspec_args=fsspec_args):
        offset = rec.stream_pos
        state["offset"] = offset
        state["records"] += 1
        counters["records"] = counters.get("records", 0) + 1
        if rec.record_type != WarcRecordType.response:
            yield Dropped(Drop.NON_RESPONSE, offset)
            continue
        url = clean_uri(rec.headers.get("WARC-Target-URI"))
        if not url.lower().startswith(("http://", "https://")):
            yield Dropped(Drop.NOT_HTTP, offset, url)
            continue
        if rec.content_length > config.max_record_bytes:
            yield Dropped(Drop.TOO_LARGE, offset, url, f"{rec.content_length} bytes")
            continue
        block = rec.reader.read()
        if len(block) + TRUNCATION_SLACK < rec.content_length:
            yield Dropped(Drop.TRUNCATED, offset, url, f"{len(block)} of {rec.content_length} bytes")
            continue
        http = parse_http_block(block)
        if http is None:
            yield Dropped(Drop.NOT_HTTP, offset, url, "no HTTP status line")
            continue
        status, headers, body = http
        if status != 200:
            yield Dropped(Drop.HTTP_STATUS, offset, url, str(status))
            continue
        content_type = headers.get("content-type", "")
        if mime_of(content_type) not in HTML_MIME_TYPES:
            yield Dropped(Drop.MIME, offset, url, mime_of(content_type))
            continue
        if "chunked" in (headers.get("transfer-encoding") or "").lower():
            body = dechunk(body)
        encoding = (headers.get("content-encoding") or "").strip().lower()
        if encoding and encoding != "identity":
            try:
                body = decompress(body, encoding, config.max_decompressed_bytes)
            except BodyTooLarge as exc:
                yield Dropped(Drop.TOO_LARGE, offset, url, str(exc))
                continue
            except (ValueError, zlib.error) as exc:
                yield Dropped(Drop.CONTENT_ENCODING, offset, url, f"{encoding}: {exc}")
                continue
        if not body.strip():
            yield Dropped(Drop.EMPTY, offset, url)
            continue
        try:
            date = rec.record_date
        except Exception:  # invalid WARC-Date (ClueWeb09 writes 2008-10-294T...)
            date = None
        yield PageRecord(
            url=url,
            host=host_of(url),
            record_id=rec.record_id or "",
            offset=offset,
            crawl_date=date,
            content_type=content_type,
            body=body,
        )


#: Give up on a file after this many resynchronisations (a file of garbage is not worth scanning).
MAX_RESYNCS = 100
_GZIP_MAGIC = b"\x1f\x8b\x08"


def _next_member(path: str, start: int, chunk: int = 1 << 20) -> int:
    """Offset of the next gzip member header at or after ``start`` (-1 if none)."""
    with open(path, "rb") as fh:
        fh.seek(start)
        pos = start
        tail = b""
        while True:
            data = fh.read(chunk)
            if not data:
                return -1
            buf = tail + data
            i = buf.find(_GZIP_MAGIC)
            if i >= 0:
                return pos - len(tail) + i
            tail = buf[-2:]
            pos += len(data)


def read_warc(path: str, config: AnnotateConfig, counters: dict | None = None) -> Iterator[PageRecord | Dropped]:
    """Yield a PageRecord for every page worth pre-checking, a Dropped for every other record.

    A broken stream (corrupt gzip member, garbage between records) yields one
    ``Dropped(WARC_READ_ERROR)`` with the offset where reading failed; for a local gzip file the
    reader then resynchronises on the next gzip member header and goes on, so only the damaged
    bytes are lost. A non-empty file without a single WARC record is a read error too.
    ``counters['records']`` is kept current for progress reporting.
    """
    counters = {} if counters is None else counters
    state = {"offset": 0, "records": 0}
    local_gzip = "://" not in path and path.endswith(".gz")
    source: object = path
    stretch_start = 0  # where the current uninterrupted read began
    handle = None
    resyncs = 0
    try:
        while True:
            before = state["records"]
            try:
                yield from _read_stream(source, config, counters, state)
                break
            except (OSError, ValueError, RuntimeError) as exc:
                detail = f"{type(exc).__name__}: {exc}"
                # the last record read in this stretch, or the stretch start if none was
                last_good = state["offset"] if state["records"] > before else stretch_start
                restart = _next_member(path, last_good + 1) if local_gzip and resyncs < MAX_RESYNCS else -1
                yield Dropped(Drop.WARC_READ_ERROR, last_good, "", f"{detail}; resumed at byte {restart}" if restart >= 0 else detail)
                if restart < 0:
                    break
                resyncs += 1
                if handle is not None:
                    handle.close()
                handle = open(path, "rb")
                handle.seek(restart)
                source, stretch_start = handle, restart
        if state["records"] == 0 and resyncs == 0 and "://" not in path and os.path.getsize(path) > 0:
            yield Dropped(Drop.WARC_READ_ERROR, 0, "", "no WARC record found: not a WARC file?")
    finally:
        if handle is not None:
            handle.close()
