"""Bytes -> str for web pages, with Japanese legacy charsets done right.

Order (the one browsers and Swallow use): the HTTP ``Content-Type`` charset, then a ``<meta>`` /
``<?xml encoding?>`` declaration in the first bytes, then detection (charset_normalizer) when neither
is given or the declared one does not decode. A declaration is trusted only if it decodes cleanly:
declared-UTF-8 pages that are really Shift_JIS exist in every crawl.

Japanese labels map to the Python codec that is a superset of what real pages use: ``Shift_JIS`` is
written by Windows tools as CP932 (NEC/IBM extensions such as ① and ㈱), so it is decoded as
``cp932``; ``EUC-JP`` tries ``euc_jp`` then ``euc_jis_2004``; ``ISO-2022-JP`` tries ``iso2022_jp_2``
(a superset) then ``iso2022_jp_ext`` (half-width katakana).
"""

from __future__ import annotations

import codecs
from collections import Counter
import re
from dataclasses import dataclass

from pipeline.annotate.reasons import Drop
from pipeline.annotate.stage import Reject

#: Labels seen in the wild -> codecs tried in order (first strict success wins).
_JA_CODECS: dict[str, tuple[str, ...]] = {
    "shift_jis": ("cp932", "shift_jis_2004"),
    "shift-jis": ("cp932", "shift_jis_2004"),
    "sjis": ("cp932", "shift_jis_2004"),
    "x-sjis": ("cp932", "shift_jis_2004"),
    "s-jis": ("cp932", "shift_jis_2004"),
    "ms_kanji": ("cp932", "shift_jis_2004"),
    "csshiftjis": ("cp932", "shift_jis_2004"),
    "windows-31j": ("cp932", "shift_jis_2004"),
    "cp932": ("cp932", "shift_jis_2004"),
    "x-ms-cp932": ("cp932", "shift_jis_2004"),
    "shift_jisx0213": ("shift_jisx0213", "cp932"),
    "euc-jp": ("euc_jp", "euc_jis_2004", "cp932"),
    "x-euc-jp": ("euc_jp", "euc_jis_2004", "cp932"),
    "eucjp": ("euc_jp", "euc_jis_2004", "cp932"),
    "euc_jp": ("euc_jp", "euc_jis_2004", "cp932"),
    "euc-jis-2004": ("euc_jis_2004", "euc_jp"),
    "euc-jisx0213": ("euc_jisx0213", "euc_jis_2004"),
    "iso-2022-jp": ("iso2022_jp_2", "iso2022_jp_ext", "iso2022_jp_2004"),
    "csiso2022jp": ("iso2022_jp_2", "iso2022_jp_ext", "iso2022_jp_2004"),
    "iso-2022-jp-2": ("iso2022_jp_2",),
}

#: Legacy Japanese charset labels (normalised); used by the pre-check as evidence of Japanese.
JA_CHARSET_LABELS = frozenset(_JA_CODECS)

# WHATWG: these legacy labels decode as their Windows supersets.
_ALIASES = {
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "big5": "big5hkscs",
    "utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
    "none": "",
}

_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE)

#: How far into the document a <meta charset> is looked for (HTML spec: 1024; real pages: later).
META_SCAN_BYTES = 8192
#: How many bytes charset detection looks at (it is the slow step; 64 KB is plenty).
DETECT_BYTES = 65536


class DecodeError(ValueError):
    """The page could not be decoded into text by any candidate charset."""


@dataclass(frozen=True)
class Decoded:
    text: str
    charset: str  # the Python codec actually used, e.g. "cp932"
    source: str  # "header" | "meta" | "bom" | "detected" | "fallback"


def normalise_label(label: str | None) -> str:
    if not label:
        return ""
    label = label.strip().strip("\"'").lower()
    return _ALIASES.get(label, label)


def charset_from_content_type(content_type: str | None) -> str:
    """``text/html; charset=Shift_JIS`` -> ``shift_jis``."""
    if not content_type:
        return ""
    m = _HEADER_CHARSET.search(content_type)
    return normalise_label(m.group(1)) if m else ""


def charset_from_markup(body: bytes) -> str:
    """The charset declared in ``<meta>`` or ``<?xml ... encoding=?>`` near the top of the page."""
    head = body[:META_SCAN_BYTES]
    m = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    return normalise_label(m.group(1).decode("ascii", "ignore")) if m else ""


def _codecs_for(label: str) -> tuple[str, ...]:
    if label in _JA_CODECS:
        return _JA_CODECS[label]
    try:
        return (codecs.lookup(label).name,)
    except LookupError:
        return ()


def _try_strict(body: bytes, label: str) -> tuple[str, str] | None:
    for codec in _codecs_for(label):
        try:
            return body.decode(codec), codec
        except (UnicodeDecodeError, LookupError):
            continue
    return None


def _detect(body: bytes) -> str:
    """charset_normalizer's best guess on the first DETECT_BYTES (imported lazily: it is slow)."""
    from charset_normalizer import from_bytes

    best = from_bytes(body[:DETECT_BYTES]).best()
    return normalise_label(best.encoding) if best is not None else ""


def decode_html(body: bytes, content_type: str | None = None) -> Decoded:
    """Decode a page body. Raises DecodeError only for bytes no candidate can represent sensibly."""
    if body.startswith(codecs.BOM_UTF8):
        return Decoded(body[3:].decode("utf-8", "replace"), "utf-8", "bom")
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Decoded(body.decode("utf-16", "replace"), "utf-16", "bom")

    tried: list[str] = []
    for label, source in ((charset_from_content_type(content_type), "header"), (charset_from_markup(body), "meta")):
        if label and label not in tried:
            tried.append(label)
            hit = _try_strict(body, label)
            if hit:
                return Decoded(hit[0], hit[1], source)

    # ISO-2022-JP is 7-bit, so it also "decodes" as UTF-8: its escape sequences decide first.
    if (b"\x1b$B" in body or b"\x1b$@" in body) and "iso-2022-jp" not in tried:
        hit = _try_strict(body, "iso-2022-jp")
        if hit:
            return Decoded(hit[0], hit[1], "detected")
    # Nothing declared, or the declaration lied. UTF-8 is by far the most common truth: try it first
    # (strict UTF-8 success on non-UTF-8 bytes is vanishingly rare for Japanese text).
    if "utf-8" not in tried:
        hit = _try_strict(body, "utf-8")
        if hit:
            return Decoded(hit[0], hit[1], "detected")
    detected = _detect(body)
    if detected:
        hit = _try_strict(body, detected)
        if hit:
            return Decoded(hit[0], hit[1], "detected")
    # Last resort: the best candidate with replacement characters, if it is mostly clean.
    best: tuple[int, str, str] | None = None
    for label in [*tried, detected, "utf-8", "cp932", "euc-jp"]:
        for codec in _codecs_for(label) if label else ():
            text = body.decode(codec, "replace")
            bad = text.count("\ufffd")
            if best is None or bad < best[0]:
                best = (bad, text, codec)
    if best is not None and best[0] <= max(8, len(best[1]) // 100):
        return Decoded(best[1], best[2], "fallback")
    raise DecodeError(f"no charset decodes this page (tried {tried + [detected]}, best had {best[0] if best else '?'} errors)")


class Decode:
    """Stage: bytes -> str (WHATWG order); a page no charset decodes is dropped as ``decode_error``."""

    name = "decode"

    def __init__(self):
        self.counts: Counter[str] = Counter()  # pages decoded per codec

    def __call__(self, page):
        try:
            decoded = decode_html(page.body, page.content_type)
        except DecodeError as exc:
            return Reject(Drop.DECODE_ERROR, str(exc))
        self.counts[decoded.charset] += 1
        page.html, page.charset, page.charset_source = decoded.text, decoded.charset, decoded.source
        return page
