"""Is this raw page possibly Japanese? Decided on bytes, before decoding and extraction.

Extraction (trafilatura) is ~95% of a naive pipeline's run time and Japanese is ~5% of a crawl, so
the Swallow corpus team decides on the raw HTML which pages are worth extracting. Their check is a
``lang="ja"`` attribute or an n-gram classifier on ``<title>``. Ours counts *kana*, the one script
only Japanese uses, directly in the bytes, in every encoding a Japanese page can arrive in:

* UTF-8: hiragana and katakana (U+3040-U+30FF) are exactly the 3-byte sequences ``E3 81..83 xx``;
* HTML numeric references such as ``&#x3042;`` / ``&#12354;`` (some CMSs write all text that way);
* EUC-JP (rows ``A4``/``A5``) and Shift_JIS (``82 9F-F1``, ``83 40-96``) kana pairs, looked for only
  when the page is not valid UTF-8-looking and no kana was found;
* a declared Japanese legacy charset (Shift_JIS, EUC-JP, ISO-2022-JP, ...) or ``lang="ja"``.

A page passes when any evidence reaches its threshold. False positives cost only an extraction
(language ID still decides); false negatives lose Japanese text, so thresholds are low.
Recall and skip rate are measured by ``bench/precheck_recall.py`` (results in bench/README.md).
Note the UTF-8 kana lead bytes also occur inside Shift_JIS text, so a Shift_JIS page may be let
through as ``utf8_kana``: harmless (it is Japanese), but read the evidence column with that in mind.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from pipeline.annotate.reasons import Drop
from pipeline.annotate.decode import JA_CHARSET_LABELS, charset_from_content_type, charset_from_markup

_UTF8_KANA_LEADS = (b"\xe3\x81", b"\xe3\x82", b"\xe3\x83")
_ENTITY_KANA = re.compile(rb"&#(?:x0*30[4-9a-f][0-9a-f]|0*12(?:3[5-9]\d|4\d\d|5[0-3]\d|54[0-3]));", re.IGNORECASE)
_EUC_KANA = re.compile(rb"\xa4[\xa1-\xf3]|\xa5[\xa1-\xf6]")
_SJIS_KANA = re.compile(rb"\x82[\x9f-\xf1]|\x83[\x40-\x96]")
_LANG_JA = re.compile(rb"""(?:\blang|content-language)\s*=\s*["']?\s*ja\b""", re.IGNORECASE)
_ISO2022_ESC = (b"\x1b$B", b"\x1b$@", b"\x1b(J")


def _non_ascii(data: bytes) -> int:
    return len(data) - len(data.translate(None, bytes(range(128, 256))))


def _looks_utf8(data: bytes, sample: int = 65536) -> bool:
    head = data[:sample]
    for cut in range(4):  # the sample may end inside a multi-byte character
        try:
            head[: len(head) - cut].decode("utf-8")
            return True
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - cut - 4:
                return False
    return False


@dataclass(frozen=True)
class PrefilterResult:
    keep: bool
    evidence: str  # which rule said yes ("utf8_kana", "entity_kana", ...) or "none"
    kana: int  # kana count found by the deciding rule (0 when decided by a declaration)


def ja_prefilter(body: bytes, content_type: str | None = None, min_kana: int = 8, scan_bytes: int = 0) -> PrefilterResult:
    """Cheap "can this page be Japanese?" on raw bytes.

    ``scan_bytes`` limits the scan (0 = the whole body). Example: the UTF-8 page
    ``<p>こんにちは、世界。</p>`` holds 5 hiragana -> 15 bytes starting E3 81/82/83 -> kana=5.
    """
    data = body[:scan_bytes] if scan_bytes else body
    # One pass for the lead byte first: most non-Japanese pages have almost no E3 bytes at all.
    kana = 0
    if data.count(b"\xe3") >= min_kana:
        kana = data.count(_UTF8_KANA_LEADS[0]) + data.count(_UTF8_KANA_LEADS[1]) + data.count(_UTF8_KANA_LEADS[2])
    if kana >= min_kana:
        return PrefilterResult(True, "utf8_kana", kana)
    header, markup = charset_from_content_type(content_type), charset_from_markup(data)
    if header in JA_CHARSET_LABELS or markup in JA_CHARSET_LABELS:  # either may lie; both are cheap
        return PrefilterResult(True, "ja_charset", 0)
    declared = header or markup
    if b"&#" in data:
        ent = len(_ENTITY_KANA.findall(data))
        if ent >= min_kana:
            return PrefilterResult(True, "entity_kana", ent)
    if b"\x1b" in data and any(esc in data for esc in _ISO2022_ESC):
        return PrefilterResult(True, "iso2022_escape", 0)
    if not declared.startswith(("utf", "gb", "big5", "euc-kr", "ks", "cp125", "koi", "iso-8859", "windows-125")) and not _looks_utf8(data):
        # Undeclared (or oddly declared) non-UTF-8 bytes: look for EUC-JP / Shift_JIS kana pairs.
        # (Never on UTF-8: its continuation bytes form the same pairs in Chinese text.)
        n = max(len(_EUC_KANA.findall(data)), len(_SJIS_KANA.findall(data)))
        # A short page (a login form saying only ログイン) has few kana, but then kana pairs are a
        # large share of its non-ASCII bytes: >= 0.22 on every legacy Japanese page measured,
        # <= 0.02 on GB-encoded Chinese (bench/results/precheck_recall.json, legacy_pair_ratio).
        if n >= min_kana or (n >= 2 and 2 * n >= 0.1 * _non_ascii(data)):
            return PrefilterResult(True, "legacy_kana", n)
    head = data[:4096]
    if (b"ja" in head or b"JA" in head or b"Ja" in head) and _LANG_JA.search(head):
        return PrefilterResult(True, "lang_attr", kana)
    return PrefilterResult(False, "none", kana)


class JaPrefilter:
    """Stage: drop pages with no sign of Japanese in their raw bytes, before any decoding."""

    name = "prefilter"

    def __init__(self, min_kana: int = 8):
        self.min_kana = min_kana
        self.counts: Counter[str] = Counter()  # which rule let pages through

    def __call__(self, page):
        result = ja_prefilter(page.body, page.content_type, min_kana=self.min_kana)
        if not result.keep:
            return Drop.NOT_JAPANESE_PRECHECK
        self.counts[result.evidence] += 1
        page.prefilter_evidence = result.evidence
        page.html_bytes = len(page.body)
        return page
