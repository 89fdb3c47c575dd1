"""Japanese text -> tokens: the one feature extraction both models share, at training and at inference.

1. ``normalise``: NFKC (full-width Latin/digits -> ASCII, half-width katakana -> full-width), lower case,
   runs of white space -> one space, NUL -> space. Only the first :data:`MAX_CHARS` characters are kept:
   the classifier reads the opening of a page, as a person skimming it would, and the cost per document
   stays bounded (a 2 KB page is read whole).
2. ``tokens``: every digit -> ``0`` (「1,980円」 and 「2,480円」 are the same feature: a price); each URL ->
   ``url`` + its host, kept whole (``px.a8.net`` in a text is itself evidence); the rest through MeCab
   (fugashi) with the UniDic-lite dictionary, surface forms (``-Owakati``). Japanese has no spaces; word
   tokens let the models weigh 「稼ぐ」 or 「出演」 as words rather than as characters (the linear model
   adds character n-grams on top, for what the tokenizer splits oddly).

Example: ``tokens("楽天市場で1,980円！詳しくはhttps://px.a8.net/svt/ejp?a8mat=3")`` ->
``['楽天', '市場', 'で', '0', ',', '000', '円', '!', '詳しく', 'は', 'url', 'px.a8.net']``.

The tagger is built once per thread on first use (about 0.1 s; MeCab taggers are not shared between
threads, ``threading.local``).
"""

from __future__ import annotations

import re
import threading
import unicodedata

MAX_CHARS = 4000
"""Characters of a document the classifier reads (after normalisation)."""

_URL = re.compile(r"(?:https?|ttps?)://([a-z0-9.\-]+)[^\s\"'<>)」]*")
_DIGIT = re.compile(r"[0-9]")
_SPACE = re.compile(r"\s+")

_local = threading.local()


def normalise(text: str) -> str:
    """NFKC, lower case, white space collapsed, first :data:`MAX_CHARS` characters (URLs and digits are
    handled by :func:`tokens`).

    >>> normalise("ＰＲ：最安値は１，９８０円\\n  です")
    'pr:最安値は1,980円 です'
    """
    t = unicodedata.normalize("NFKC", text[: MAX_CHARS * 2]).replace("\0", " ").lower()
    return _SPACE.sub(" ", t).strip()[:MAX_CHARS]


def _tagger():
    tagger = getattr(_local, "tagger", None)
    if tagger is None:
        import fugashi  # noqa: PLC0415 (imported on first use: the package imports without MeCab)

        tagger = fugashi.Tagger("-Owakati")
        _local.tagger = tagger
    return tagger


def _words(segment: str) -> list[str]:
    segment = _DIGIT.sub("0", segment).strip()
    return _tagger().parse(segment).split() if segment else []


def tokens(text: str) -> list[str]:
    """Word tokens (UniDic-lite surface forms) of the normalised text; digits -> 0; each URL -> the two
    tokens ``url`` and its host (kept whole, digits kept: ``px.a8.net``)."""
    norm = normalise(text)
    out: list[str] = []
    pos = 0
    for m in _URL.finditer(norm):
        out += _words(norm[pos : m.start()])
        out += ["url", m.group(1)]
        pos = m.end()
    out += _words(norm[pos:])
    return out


def token_line(text: str) -> str:
    """Tokens joined by single spaces: the input line fastText reads (no newline inside)."""
    return " ".join(tokens(text))
