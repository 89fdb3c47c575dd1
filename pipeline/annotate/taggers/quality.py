"""Quality signals: pure functions from extracted Japanese text to numbers.

These are *stored* signals, not decisions (Dolma's "tag once, mix many"): a variant file later selects
documents by thresholds over these columns. No threshold here is applied; the ones quoted in docstrings
are the published defaults a variant may reproduce.

One function per signal family, each naming the rule it mirrors:

- :func:`letter_signals`       Swallow v1 letter counts and script fractions
- :func:`sentence_signals`     Swallow v1 sentence length / ellipsis rules; HojiChar ``DiscardRareKuten``
- :func:`repetition_signals`   Gopher repetition rules on characters (as Swallow applies them), in two
                               forms: Gopher/datatrove's definitions and Swallow v1's released code
- :func:`compression_signals`  llm-jp ``has_good_compression_ratio`` (zlib)
- :func:`line_signals`         FineWeb short lines / line-end punctuation; Gopher bullets and symbols

:func:`quality_signals` merges them; :data:`SIGNAL_TYPES` lists every key with its Parquet type, in
column order. Every value is a plain ``int`` or ``float`` (never NaN); empty text gives all zeros.

Conventions used throughout:

- "Characters" are Python ``str`` code points; ``n_chars = len(text)`` is the denominator of every
  "per character" fraction (Gopher divides by ``len(text)`` too).
- "Lines" are ``text.splitlines()``, each stripped of surrounding whitespace (including the full-width
  space U+3000 used for paragraph indentation); blank lines are not lines.
- Character n-grams are taken over the raw text, newlines and spaces included: that is the text a model
  is trained on, and it is what Swallow v1's code does (``ngram(text, n)``).
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from bisect import bisect_right
from collections import Counter
from typing import Iterator, NamedTuple

import numpy as np

from pipeline.annotate.stage import arrow_columns

# ---------------------------------------------------------------------------------------------------
# Character classes (one uint8 lookup table over code points, built once at import)
# ---------------------------------------------------------------------------------------------------

_OTHER, _HIRAGANA, _KATAKANA, _KANJI, _LETTER_OTHER, _SYMBOL = range(6)
_N_CLASSES = 6

# Japanese letter ranges. Only code points that are also ``str.isalpha()`` are counted, so that Japanese
# letters are a subset of letters (``ja_letter_frac <= 1``). That leaves out, on purpose: the katakana
# middle dot ・ U+30FB and ゠ U+30A0 (punctuation), the voicing marks ゛゜ U+309B/309C (symbols), and
# 〇 U+3007 (a number, category Nl).
HIRAGANA_RANGES = ((0x3041, 0x3096), (0x309D, 0x309F))  # ぁ..ゖ, ゝゞゟ
KATAKANA_RANGES = (
    (0x30A1, 0x30FA),  # ァ..ヺ
    (0x30FC, 0x30FF),  # ー ヽ ヾ ヿ
    (0x31F0, 0x31FF),  # small katakana extension ㇰ..ㇿ
    (0xFF66, 0xFF9F),  # half-width ｦ..ﾟ (incl. ｰ)
)
KANJI_RANGES = (
    (0x3005, 0x3005),  # 々
    (0x303B, 0x303B),  # 〻
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs (Swallow's re_kanji includes them)
    (0x20000, 0x3134F),  # extensions B..G (e.g. 𠮟 U+20B9F, the jōyō form of 叱)
)
# Counted as symbols besides Unicode categories Sm/Sc/Sk/So (■ ★ → © ♪ and emoji are So/Sm already):
# Gopher's two symbols (hash, ellipsis) in their Japanese forms, and common bullets of category Po.
# The katakana middle dot ・ is *not* a symbol: it is ordinary punctuation in names (ジューン・ブライド).
EXTRA_SYMBOLS = "#＃…‥※•‣⁃*＊"

_TABLE_SIZE = 0x40000  # planes 0-3; above that no code point is a letter or a symbol (asserted in tests)


def _build_char_table() -> np.ndarray:
    n = _TABLE_SIZE
    chars = list(map(chr, range(n)))
    is_alpha = np.fromiter(map(str.isalpha, chars), dtype=bool, count=n)
    s_cats = frozenset(("Sm", "Sc", "Sk", "So"))
    is_symbol = np.fromiter(map(s_cats.__contains__, map(unicodedata.category, chars)), dtype=bool, count=n)
    table = np.full(n, _OTHER, dtype=np.uint8)
    table[is_alpha] = _LETTER_OTHER
    table[is_symbol] = _SYMBOL
    for cls, ranges in ((_HIRAGANA, HIRAGANA_RANGES), (_KATAKANA, KATAKANA_RANGES), (_KANJI, KANJI_RANGES)):
        for lo, hi in ranges:
            block = table[lo : hi + 1]
            block[is_alpha[lo : hi + 1]] = cls
    for ch in EXTRA_SYMBOLS:
        table[ord(ch)] = _SYMBOL
    table[n - 1] = _OTHER  # U+3FFFF (a noncharacter) stands for every code point beyond the table
    return table


_CHAR_CLASS = _build_char_table()


def _code_points(text: str) -> np.ndarray:
    """Code points as uint32 (lone surrogates, e.g. from surrogateescape decoding, pass through)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _class_counts(text: str) -> np.ndarray:
    cp = _code_points(text)
    cls = _CHAR_CLASS[np.minimum(cp, _TABLE_SIZE - 1)]
    return np.bincount(cls, minlength=_N_CLASSES)


def _frac(num: float, den: float) -> float:
    return float(num) / den if den else 0.0


# ---------------------------------------------------------------------------------------------------
# 1. Letters
# ---------------------------------------------------------------------------------------------------


def letter_signals(text: str) -> dict[str, int | float]:
    """Letter counts and script fractions (Swallow v1: letters >= 400, Japanese letters >= 400,
    hiragana >= 0.2 and katakana <= 0.5 of Japanese letters, Japanese letters >= 0.5 of letters).

    Why: real Japanese prose is held together by hiragana (particles, inflections); a page of kanji
    only is often Chinese or a list of names, a page of mostly katakana is a product catalogue.

    - ``n_chars``: ``len(text)``.
    - ``n_letters``: characters with ``str.isalpha()`` (kana, kanji, Latin, ... not digits/punctuation).
    - ``n_hiragana`` / ``n_katakana`` / ``n_kanji``: see ``HIRAGANA_RANGES``, ``KATAKANA_RANGES``
      (incl. ー and half-width ｶﾀｶﾅ), ``KANJI_RANGES`` (incl. 々).
    - ``n_ja_letters`` = hiragana + katakana + kanji.
    - ``hiragana_frac``, ``katakana_frac``: of Japanese letters. ``ja_letter_frac``: Japanese letters
      over all letters. 0.0 when the denominator is 0.

    Example: 「今日は晴れ。」 has 8 characters and 5 letters, all Japanese: 今日晴 are 3 kanji, はれ 2
    hiragana; 「 。 」 are punctuation. So hiragana_frac = 2/5 = 0.4 and ja_letter_frac = 5/5 = 1.0.

    Differences from Swallow's released code (``count_japanese_letters``): it adds 、，。．！？ to the
    Japanese letters, counts katakana as U+30A1–30FA only (so ー is not katakana there), and divides the
    Japanese letters by ``len(text)`` instead of by the letters.
    """
    counts = _class_counts(text)
    hira, kata, kanji = int(counts[_HIRAGANA]), int(counts[_KATAKANA]), int(counts[_KANJI])
    ja = hira + kata + kanji
    letters = ja + int(counts[_LETTER_OTHER])
    return {
        "n_chars": len(text),
        "n_letters": letters,
        "n_ja_letters": ja,
        "n_hiragana": hira,
        "n_katakana": kata,
        "n_kanji": kanji,
        "hiragana_frac": _frac(hira, ja),
        "katakana_frac": _frac(kata, ja),
        "ja_letter_frac": _frac(ja, letters),
    }


# ---------------------------------------------------------------------------------------------------
# 2. Sentences
# ---------------------------------------------------------------------------------------------------

SENTENCE_TERMINATORS = "。．！？!?"
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # exactly what str.splitlines() splits on
# A sentence: at least one non-terminator character, then the run of terminators that ends it. Line
# breaks are excluded from both, so sentences never span lines (Swallow splits per line).
_SENTENCE_RE = re.compile(f"[^{SENTENCE_TERMINATORS}{_LINE_BREAKS}]+[{SENTENCE_TERMINATORS}]*")
# A sentence "ends in an ellipsis" when, after stripping whitespace, its last characters are one of:
ELLIPSIS_ENDINGS = ("…", "‥", "..", "．．", "。。", "・・", "･･")


def split_sentences(text: str) -> list[str]:
    """Swallow v1's sentence split: per line, a sentence runs up to and including a terminator in
    ``。．！？!?`` (a run such as ``!?`` or ``。。。`` stays with its sentence); a line's unterminated
    remainder is a sentence too. Sentences are stripped; empty ones are dropped.

    Swallow's code (``re_sentence = [^。．！？!?]+[。．！？!?]?``) keeps only the first terminator of a run
    (the rest is dropped, so "本当!?" measures 3 there, 4 here) and does not strip sentences.

    >>> split_sentences("今日は晴れ。明日は？\\n「本当!?」と彼は言った")
    ['今日は晴れ。', '明日は？', '「本当!?', '」と彼は言った']
    """
    return [s for s in map(str.strip, _SENTENCE_RE.findall(text)) if s]


def sentence_signals(text: str) -> dict[str, int | float]:
    """Sentence statistics (Swallow v1: drop when the mean sentence length is < 20 or > 90 characters,
    when any sentence is > 200 characters, or when > 0.2 of sentences end in an ellipsis; HojiChar /
    llm-jp ``DiscardRareKuten``: drop when there are fewer 。 than len(text)/100 (llm-jp: /250)).

    Why: menus, tag clouds and tables have very short "sentences"; scraped text without punctuation has
    one huge one; snippet lists ("記事の続きは…") end sentences in ellipses.

    - ``n_sentences``, ``sentence_len_mean``, ``sentence_len_max``: over :func:`split_sentences`,
      lengths in characters including the terminators.
    - ``ellipsis_sentence_frac``: share of sentences ending in one of ``ELLIPSIS_ENDINGS`` (… ‥ or a
      run of two or more . ． 。 ・ ･). A sentence whose terminator follows the ellipsis ("そうか…。")
      does not end in one, as in Swallow's code. Unlike Swallow's code, a single trailing ・ is not an
      ellipsis (it ends list items such as "東京・大阪・").
    - ``kuten_rate``: number of 。 divided by ``n_chars`` (HojiChar rejects below 1/100, llm-jp 1/250).

    Example: "そうですね…\\nまた明日。" has two sentences, one ending in …: ellipsis_sentence_frac=0.5.
    """
    sentences = split_sentences(text)
    lengths = list(map(len, sentences))
    n = len(sentences)
    n_ellipsis = sum(1 for s in sentences if s.endswith(ELLIPSIS_ENDINGS))
    return {
        "n_sentences": n,
        "sentence_len_mean": _frac(sum(lengths), n),
        "sentence_len_max": max(lengths, default=0),
        "ellipsis_sentence_frac": _frac(n_ellipsis, n),
        "kuten_rate": _frac(text.count("。"), len(text)),
    }


# ---------------------------------------------------------------------------------------------------
# 3. Repetition
# ---------------------------------------------------------------------------------------------------

TOP_NGRAM_SIZES = (2, 3, 4)
DUP_NGRAM_SIZES = (5, 6, 7, 8, 9, 10)
_CP_RADIX = 0x110000  # one more than the largest code point


def _stripped_lines(text: str) -> list[str]:
    return [line for line in map(str.strip, text.splitlines()) if line]


def _duplicates(items: list[str]) -> tuple[int, int]:
    """Gopher / datatrove ``find_duplicates``: items equal to an earlier item, and their characters."""
    counts = Counter(items)
    n_dup = len(items) - len(counts)
    dup_chars = sum(len(item) * (c - 1) for item, c in counts.items() if c > 1)
    return n_dup, dup_chars


class _NgramLevel(NamedTuple):
    """What one n needs: counts of distinct / repeated n-grams, the most frequent one, and the
    positions whose n-gram occurred earlier (with that n-gram's first position and an id per n-gram)."""

    n: int
    n_ngrams: int
    n_distinct: int
    n_repeated_distinct: int
    top_count: int
    later_pos: list[int]  # increasing positions whose n-gram occurs at an earlier position
    first_pos: list[int]  # for each of those, the first position of the same n-gram
    ngram_id: list[int]  # for each of those, an id equal for equal n-grams


def _ngram_levels(text: str, max_n: int, positions_from: int) -> Iterator[_NgramLevel]:
    """Character n-gram statistics for n = 2..max_n, exact, without building n-gram strings.

    Level n refines level n-1: the n-gram at p is the pair ((n-1)-gram at p, character at p+n-1), so its
    id is the rank of ``id(n-1) * 0x110000 + code point``. A position whose (n-1)-gram is unique has a
    unique n-gram too, so each level only sorts the positions that were repeated at the level before
    (in prose, a few percent by n = 6); the others are counted as singletons. The position lists are
    filled for n >= ``positions_from`` only.
    """
    n_chars = len(text)
    cp = _code_points(text).astype(np.int64)
    pos = np.arange(n_chars)  # positions whose (n-1)-gram occurs at least twice
    ids = cp  # id of the (n-1)-gram at each of those positions
    for n in range(2, max_n + 1):
        m = n_chars - n + 1
        if m <= 0:
            return
        pos_ok = pos < m
        if not pos_ok.all():
            pos, ids = pos[pos_ok], ids[pos_ok]
        k = len(pos)
        if k == 0:  # every n-gram is unique from here on
            yield _NgramLevel(n, m, m, 0, 1, [], [], [])
            continue
        keys = ids * _CP_RADIX + cp[pos + (n - 1)]
        order = np.argsort(keys, kind="stable")  # stable: within a group, positions stay increasing
        sorted_keys = keys[order]
        is_first = np.empty(k, dtype=bool)
        is_first[0] = True
        np.not_equal(sorted_keys[1:], sorted_keys[:-1], out=is_first[1:])
        group_starts = np.flatnonzero(is_first)
        sizes = np.diff(group_starts, append=k)
        group_of_sorted = np.cumsum(is_first) - 1
        level = _NgramLevel(
            n=n,
            n_ngrams=m,
            n_distinct=(m - k) + len(group_starts),
            n_repeated_distinct=int(np.count_nonzero(sizes > 1)),
            top_count=int(sizes.max()),
            later_pos=[],
            first_pos=[],
            ngram_id=[],
        )
        if n >= positions_from:
            later = np.flatnonzero(~is_first)  # sorted entries that are not their group's first
            later = later[np.argsort(order[later])]  # in text order
            later_group = group_of_sorted[later]
            level = level._replace(
                later_pos=pos[order[later]].tolist(),
                first_pos=pos[order[group_starts[later_group]]].tolist(),
                ngram_id=later_group.tolist(),
            )
        yield level
        repeated = order[sizes[group_of_sorted] > 1]
        repeated.sort()
        group_of = np.empty(k, dtype=np.int64)
        group_of[order] = group_of_sorted
        pos, ids = pos[repeated], group_of[repeated]


def _datatrove_dup_chars(level: _NgramLevel) -> int:
    """datatrove ``find_all_duplicate`` on characters, without visiting every position.

    The reference loop walks positions ``idx``: if the n-gram at ``idx`` is in the set of n-grams seen at
    visited positions, it counts ``n`` characters and jumps ``idx += n`` (the positions jumped over are
    never added to the set); otherwise it adds the n-gram and steps by one. Only positions whose n-gram
    occurred somewhere earlier (``later_pos``) can count; every other position is visited and added
    unless it lies in a jumped-over window. So we walk ``later_pos`` only: such a position counts when an
    earlier visited position had the same n-gram, i.e. when an earlier one of ``later_pos`` with that
    n-gram was visited, or the n-gram's first occurrence is not inside a jumped-over window.
    """
    n = level.n
    repeated = 0
    next_visit = 0
    win_starts: list[int] = []  # jumped-over windows [start, end), disjoint and increasing
    win_ends: list[int] = []
    in_set: set[int] = set()  # ids of n-grams known to be in datatrove's set
    for p, first, gid in zip(level.later_pos, level.first_pos, level.ngram_id):
        if p < next_visit:
            continue  # jumped over
        if gid in in_set:
            hit = True
        else:
            i = bisect_right(win_starts, first) - 1
            hit = i < 0 or first >= win_ends[i]
            in_set.add(gid)
        if hit:
            repeated += n
            next_visit = p + n
            win_starts.append(p + 1)
            win_ends.append(p + n)
    return repeated


def repetition_signals(text: str) -> dict[str, int | float]:
    """Gopher's repetition rules (Rae et al. 2021, Table A1), on characters as Swallow v1 applies them
    to Japanese. Published thresholds: drop when duplicated lines > 0.30 (> 0.20 of characters), same
    for sentences; top 2/3/4-gram share > 0.20/0.18/0.16; duplicated 5..10-gram share > 0.15..0.10.

    Why: navigation, boilerplate and spam repeat themselves; prose rarely does. FineWeb-2 found that
    documents with *no* repetition at all are also more often low quality, so these stay as numbers.

    Lines and sentences (Gopher / datatrove ``find_duplicates``; exact string equality after strip):

    - ``dup_line_frac``: lines equal to an earlier line / lines.
    - ``dup_line_char_frac``: characters of those repeated lines / ``n_chars``.
    - ``dup_sentence_frac``, ``dup_sentence_char_frac``: the same over :func:`split_sentences`.

    (Swallow's code counts over unstripped lines including blank ones, which then "duplicate" each
    other, and divides characters by the total length of the lines / sentences instead of ``n_chars``.)

    Character n-grams over the raw text (Gopher and datatrove definitions, words replaced by characters):

    - ``top_{2,3,4}gram_char_frac``: count of the most frequent n-gram x n / ``n_chars`` (datatrove
      ``find_top_duplicate``), capped at 1.0 (overlapping occurrences in a run such as "ーーーー" would
      otherwise count characters twice).
    - ``dup_{5..10}gram_char_frac``: characters in repeated n-grams / ``n_chars``, counted as datatrove's
      ``find_all_duplicate``: scanning left to right, an n-gram already seen adds n characters and the
      scan jumps past it, so no character counts twice and the first occurrence is not counted.

    The same n-grams as Swallow v1's released code computes them (``duplicate_fraction`` in its
    quality script), which differ from the paper's Gopher wording; stored so a variant can reproduce
    Swallow v1 exactly:

    - ``swallow_top_{2,3,4}gram_frac``: count of the most frequent n-gram / number of n-grams (about
      n times smaller than the Gopher share, so the 0.20/0.18/0.16 thresholds are far more lenient).
    - ``swallow_dup_{5..10}gram_frac``: distinct n-grams that occur more than once / distinct n-grams.

    Example: the line 【関連記事】 appearing twice among 4 lines gives dup_line_frac = 1/4 = 0.25 and
    dup_line_char_frac = 6 / n_chars.
    """
    n_chars = len(text)
    lines = _stripped_lines(text)
    sentences = split_sentences(text)
    dup_lines, dup_line_chars = _duplicates(lines)
    dup_sents, dup_sent_chars = _duplicates(sentences)
    out: dict[str, int | float] = {
        "dup_line_frac": _frac(dup_lines, len(lines)),
        "dup_line_char_frac": _frac(dup_line_chars, n_chars),
        "dup_sentence_frac": _frac(dup_sents, len(sentences)),
        "dup_sentence_char_frac": _frac(dup_sent_chars, n_chars),
    }
    levels = {level.n: level for level in _ngram_levels(text, max(DUP_NGRAM_SIZES), min(DUP_NGRAM_SIZES))}
    for n in TOP_NGRAM_SIZES:
        top = levels[n].top_count if n in levels else 0
        out[f"top_{n}gram_char_frac"] = min(1.0, _frac(top * n, n_chars))
    for n in DUP_NGRAM_SIZES:
        dup_chars = _datatrove_dup_chars(levels[n]) if n in levels else 0
        out[f"dup_{n}gram_char_frac"] = _frac(dup_chars, n_chars)
    for n in TOP_NGRAM_SIZES:
        out[f"swallow_top_{n}gram_frac"] = _frac(levels[n].top_count, levels[n].n_ngrams) if n in levels else 0.0
    for n in DUP_NGRAM_SIZES:
        level = levels.get(n)
        out[f"swallow_dup_{n}gram_frac"] = _frac(level.n_repeated_distinct, level.n_distinct) if level else 0.0
    return out


# ---------------------------------------------------------------------------------------------------
# 4. Compression
# ---------------------------------------------------------------------------------------------------

ZLIB_LEVEL = 9  # llm-jp-corpus uses zlib.compress(encoded, level=9)


def compression_signals(text: str) -> dict[str, int | float]:
    """llm-jp-corpus ``has_good_compression_ratio``: ``len(zlib.compress(utf8, 9)) / len(utf8)``;
    llm-jp keeps documents with a ratio in [0.30, 0.70] (its ``length_factor`` is 0 by default).

    Why: text that compresses too well is repetitive (a line repeated 50 times compresses to a few
    percent); text that barely compresses is random (hashes, base64, tracking IDs). Natural Japanese in
    UTF-8 (3 bytes a character) compresses to about 0.4–0.6. The ratio falls with length (zlib's fixed
    overhead matters less), so short texts sit higher.

    - ``compression_ratio``: 0.0 for empty text.
    """
    data = text.encode("utf-8", "surrogatepass")
    if not data:
        return {"compression_ratio": 0.0}
    return {"compression_ratio": len(zlib.compress(data, ZLIB_LEVEL)) / len(data)}


# ---------------------------------------------------------------------------------------------------
# 5. Lines and symbols
# ---------------------------------------------------------------------------------------------------

SHORT_LINE_MAX_CHARS = 30  # FineWeb: a line of <= 30 characters is short (drop when >= 0.67 of lines)
BULLETS = "・●○◎◆◇■□▪▫▶▷►▸▼▽▲△★☆※•‣⁃◦-*＊－"
LINE_END_PUNCTUATION = "。．！？!?.」』）)\"'”’"


def line_signals(text: str) -> dict[str, int | float]:
    """Line shape and symbol signals (FineWeb ``short_line_ratio`` / ``line_punct_ratio``; Gopher
    ``max_bullet_lines_ratio`` 0.9 and ``max_symbol_word_ratio`` 0.1, adapted to Japanese).

    Why: navigation menus, link lists and product grids are many short lines that do not end in
    punctuation, often behind bullets and decorated with ■★※; article bodies are long lines ending in 。.

    - ``n_lines``: non-blank lines (stripped).
    - ``short_line_frac``: lines of at most ``SHORT_LINE_MAX_CHARS`` = 30 characters / lines (FineWeb's
      length; a Japanese headline such as "友人代表のスピーチ、独女はどうこなしている？" (22) is short).
    - ``bullet_line_frac``: lines starting with one of ``BULLETS`` (・ ● ■ ★ ※ - ...) / lines.
    - ``punct_end_line_frac``: lines ending in ``LINE_END_PUNCTUATION`` (。！？ and closing quotes and
      brackets such as 」) / lines (FineWeb drops when <= 0.12).
    - ``symbol_ratio``: symbol characters / ``n_chars``. Gopher counts "#" and "..." per word; Japanese
      has no words, so we count characters of Unicode category S* (■ ★ → ♪ © ＋ and emoji) plus
      ``EXTRA_SYMBOLS`` (# ＃ … ‥ ※ • * ...). The middle dot ・ is not counted.
    """
    lines = _stripped_lines(text)
    n = len(lines)
    n_short = sum(1 for line in lines if len(line) <= SHORT_LINE_MAX_CHARS)
    n_bullet = sum(1 for line in lines if line[0] in BULLETS)
    n_punct = sum(1 for line in lines if line[-1] in LINE_END_PUNCTUATION)
    n_symbols = int(_class_counts(text)[_SYMBOL])
    return {
        "n_lines": n,
        "short_line_frac": _frac(n_short, n),
        "bullet_line_frac": _frac(n_bullet, n),
        "punct_end_line_frac": _frac(n_punct, n),
        "symbol_ratio": _frac(n_symbols, len(text)),
    }


# ---------------------------------------------------------------------------------------------------
# All together
# ---------------------------------------------------------------------------------------------------

FAMILIES = (letter_signals, sentence_signals, repetition_signals, compression_signals, line_signals)


def quality_signals(text: str) -> dict[str, int | float]:
    """Every signal of every family, in ``SIGNAL_TYPES`` order."""
    out: dict[str, int | float] = {}
    for family in FAMILIES:
        out.update(family(text))
    return out


_INT, _FLOAT = "int32", "float32"
SIGNAL_TYPES: dict[str, str] = {
    # letters
    "n_chars": _INT,
    "n_letters": _INT,
    "n_ja_letters": _INT,
    "n_hiragana": _INT,
    "n_katakana": _INT,
    "n_kanji": _INT,
    "hiragana_frac": _FLOAT,
    "katakana_frac": _FLOAT,
    "ja_letter_frac": _FLOAT,
    # sentences
    "n_sentences": _INT,
    "sentence_len_mean": _FLOAT,
    "sentence_len_max": _INT,
    "ellipsis_sentence_frac": _FLOAT,
    "kuten_rate": _FLOAT,
    # repetition
    "dup_line_frac": _FLOAT,
    "dup_line_char_frac": _FLOAT,
    "dup_sentence_frac": _FLOAT,
    "dup_sentence_char_frac": _FLOAT,
    **{f"top_{n}gram_char_frac": _FLOAT for n in TOP_NGRAM_SIZES},
    **{f"dup_{n}gram_char_frac": _FLOAT for n in DUP_NGRAM_SIZES},
    **{f"swallow_top_{n}gram_frac": _FLOAT for n in TOP_NGRAM_SIZES},
    **{f"swallow_dup_{n}gram_frac": _FLOAT for n in DUP_NGRAM_SIZES},
    # compression
    "compression_ratio": _FLOAT,
    # lines
    "n_lines": _INT,
    "short_line_frac": _FLOAT,
    "bullet_line_frac": _FLOAT,
    "punct_end_line_frac": _FLOAT,
    "symbol_ratio": _FLOAT,
}
"""Every key :func:`quality_signals` returns, in that order, with its Parquet type."""


class QualityTagger:
    """Tagger: the text-only quality signals (Swallow v1, Gopher, llm-jp, FineWeb line rules)."""

    name = "quality"
    columns = arrow_columns(SIGNAL_TYPES)

    def tag(self, page) -> dict:
        return quality_signals(page.text)
