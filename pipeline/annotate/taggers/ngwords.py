"""NG-word signals: how much of a text is covered by words from curated NG-word lists, per category.

These are *stored* signals, not decisions (Dolma's "tag once, mix many"): a variant file selects documents
by thresholds over these columns. The published rules they let a variant reproduce:

- **Swallow corpus v1** (``ngword.py``): NG characters / Japanese letters, longest match, over the MosasoM
  lists (Sexual, Sexual_with_mask, Sexual_with_bopo, Offensive); drop at >= 0.05.
  -> ``ng_swallow_char_frac``.
- **llm-jp-corpus v1** (``is_not_adult_content`` etc.): HojiChar's ``NgWordsFilterJa(ignore_confused=True)``
  with llm-jp's own adult / discrimination / violence lists; reject above 3 hits of any one of them.
  -> ``ng_llmjp_hits`` (adult), ``ng_llmjp_discrimination_hits``, ``ng_llmjp_violence_hits``.
- **HojiChar** ``DiscardAdultContentJa()``: its ``adult_keywords_ja.txt``, default ``ignore_confused=False``;
  reject on any hit. -> ``ng_hojichar_hits`` (reject when >= 1).

And per category (the union of every list of that category, see :data:`CATEGORY_FILES` and
``ngwords/README.md``), with both guards below on: ``ng_<cat>_hits``, ``ng_<cat>_distinct``,
``ng_<cat>_char_frac``.

Matching, the same for every signal:

- **Longest match, non-overlapping**, scanning left to right: at each position take the longest NG word
  that starts there (and passes its guard), count it, continue after it; else move one character on.
  This is Swallow's ``LongestMatch.finditer`` (a trie's common-prefix search). So a short NG word inside
  a longer one counts once, as the longer: 「AV女優」 is one hit, not 「AV」 + 「AV女優」.
- **Katakana guard** (HojiChar ``NgWordsFilterJa(ignore_confused=True)``, hojichar/filters/
  document_filters.py: an NG word that ``re.fullmatch(r"[ァ-ヴー]+", w)`` is matched as
  ``(?<![ァ-ヴー])(w)(?![ァ-ヴー])``): a katakana NG word counts only when no katakana letter
  ``[ァ-ヴー]`` touches it on either side, i.e. only when it is a whole katakana run. 「イク」 does not
  hit in 「マイクロソフト」, 「アス」 not in 「アスリート」, 「セックス」 not in 「セックスレス」; 「エロ」 in
  「エロい」 (hiragana after it) and 「エロ本」 (kanji after it) does. A word with any other character
  (「ソープ嬢」) is not guarded. Half-width katakana and ヵヶ are outside HojiChar's class and so outside ours.
- **Latin guard** (the same idea for an English word inside a longer word; HojiChar's ``NgWordsFilterEn``
  and C4's LDNOOBW filter match whole words too): an NG word that starts with an ASCII letter or digit
  does not count right after another one, and one that ends with an ASCII letter or digit does not count
  right before another one. 「ass」 is not in 「Classic」, 「SM」 not in 「SMAP」, 「AV」 not in 「AVCHD」,
  「Hの」 not in 「inchの」; 「AV」 in 「AV機器」 is.
- Category matchers ignore case (``str.lower`` of text and words): 「Sexy」 hits the LDNOOBW word 「sexy」.
  The rule matchers are case-sensitive, as the originals are.
- Per rule, exactly as its source: Swallow and HojiChar use no guard; llm-jp the katakana guard only.
  bench/ngword_speed.py checks our HojiChar and llm-jp signals against those tools' own regex matching
  (same decision on 1,000 of 1,000 livedoor articles, same llm-jp hit counts).
- Words are list lines stripped of surrounding white space; empty lines and lines starting with ``#``
  are skipped. (Swallow strips only the newline, so its entry 「素股 」 needs a following space there.)

Why Aho-Corasick (pyahocorasick): measured on 1,000 livedoor articles (1,235 characters each on
average), one core, CPU time, several runs on a shared 2-core machine
(``python bench/ngword_speed.py --compare``):

- one ``re`` alternation sorted longest-first, the adult union alone (2,163 words): 23-29 docs/s (``re``
  tries the alternatives one by one at every position);
- the same words as a trie-shaped regex (prefixes factored, guards as lookarounds): 240-300 docs/s, for one
  list, and each of the 11 matchers would need its own pass;
- Aho-Corasick over the 4,500 distinct words of all lists at once, one pass per text, then a few Python
  operations per raw occurrence (membership, guard, longest match per matcher): 4,700-6,500 docs/s for
  all 11 matchers, 3,400-5,300 docs/s for :func:`ngword_signals` (with the Japanese-letter count).
  ``ahocorasick-rs`` 1.0.3 ran the same matching ~2.8x faster in a side-by-side run (16,800 vs 5,900
  docs/s); not taken: NG words already cost under 1% of a document's time next to extraction
  (trafilatura: ~50 docs/s), and pyahocorasick is the more widely used library.
  Results: bench/results/ngword_speed.json. The two regex matchers find exactly our matches (checked).

The lists live in ``ngwords/`` at the repository root, found from this file
(``pipeline.REPO_ROOT / "ngwords"``); they are data, not package data, so the
package works from a repository checkout (editable install, Ray ``working_dir``), which must ship
``ngwords/`` with it. They are read once per process, on first use (:func:`load_matcher`).
"""

from __future__ import annotations

from pipeline import REPO_ROOT

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import ahocorasick

from pipeline.annotate.stage import arrow_columns
from pipeline.annotate.taggers.quality import letter_signals

NGWORDS_DIR = REPO_ROOT / "ngwords"

# ---------------------------------------------------------------------------------------------------
# Which lists make which matcher
# ---------------------------------------------------------------------------------------------------

CATEGORY_FILES: dict[str, tuple[str, ...]] = {
    "adult": (
        "adult/hojichar.txt",
        "adult/hojichar_en.txt",
        "adult/llmjp.txt",
        "adult/mosasom_sexual.txt",
        "adult/mosasom_sexual_with_bopo.txt",
        "adult/ldnoobw_en.txt",
        # not adult/mosasom_sexual_with_mask.txt (Swallow's rule only): masking one letter of a two-letter
        # word leaves entries such as SO, SX, エX, which hit model names (Xperia SO-02D, Polaroid SX-70)
        # and so-net. Measured on the 7,367 livedoor articles: the file would add 76 articles (+1.0 point)
        # to this category, all but 2 through such entries (the 2: ま○こ, マ◯コ).
    ),
    "discrimination": (
        "discrimination/hojichar.txt",
        "discrimination/llmjp.txt",
        "discrimination/mosasom_offensive.txt",
    ),
    "violence": ("violence/hojichar.txt", "violence/llmjp.txt"),
    "gambling": ("gambling/ours.txt",),
    "ads": ("ads/hojichar.txt", "ads/ours.txt"),
    "header_footer": ("header_footer/hojichar.txt",),
}
"""Category -> the list files whose union it matches: every file of the folder ``ngwords/<category>/``
but one (see the comment)."""

CATEGORIES = tuple(CATEGORY_FILES)

SWALLOW_FILES = (  # swallow-corpus ngword.py registers exactly these four MosasoM files
    "discrimination/mosasom_offensive.txt",
    "adult/mosasom_sexual.txt",
    "adult/mosasom_sexual_with_bopo.txt",
    "adult/mosasom_sexual_with_mask.txt",
)


@dataclass(frozen=True)
class WordSet:
    """One matcher: the union of some list files and how its words match."""

    files: tuple[str, ...]
    katakana_guard: bool  # HojiChar ignore_confused: a [ァ-ヴー]+ word must be a whole katakana run
    latin_guard: bool  # a word's first/last ASCII letter or digit must not touch another one
    ignore_case: bool  # compare str.lower() of text and words


WORD_SETS: dict[str, WordSet] = {
    **{cat: WordSet(files, True, True, True) for cat, files in CATEGORY_FILES.items()},
    "swallow": WordSet(SWALLOW_FILES, False, False, False),
    "llmjp": WordSet(("adult/llmjp.txt",), True, False, False),
    "llmjp_discrimination": WordSet(("discrimination/llmjp.txt",), True, False, False),
    "llmjp_violence": WordSet(("violence/llmjp.txt",), True, False, False),
    "hojichar": WordSet(("adult/hojichar.txt",), False, False, False),
}
"""Every matcher by name: the categories, then the published rules. :func:`ngword_hits` takes these names."""


def read_word_list(path: Path) -> list[str]:
    """Entries of one list file, in file order, stripped, without blanks, ``#`` comments or repeats."""
    words: dict[str, None] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        word = line.strip()
        if word and not line.startswith("#"):
            words[word] = None
    return list(words)


# ---------------------------------------------------------------------------------------------------
# The matcher
# ---------------------------------------------------------------------------------------------------

_OTHER, _LATIN_START, _LATIN_END, _KATAKANA = 0, 1, 2, 4


def _is_katakana_char(ch: str) -> bool:
    """HojiChar's class [ァ-ヴー]: U+30A1..U+30F4 and the long-vowel mark U+30FC."""
    return "ァ" <= ch <= "ヴ" or ch == "ー"


def _is_ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _word_kind(word: str) -> int:
    """_KATAKANA for a word of HojiChar's katakana class only; else bit _LATIN_START / _LATIN_END when
    the word starts / ends with an ASCII letter or digit (「AV」: both; 「AV女優」: start; 「ドm」: end)."""
    if all(map(_is_katakana_char, word)):
        return _KATAKANA
    return (_LATIN_START if _is_ascii_alnum(word[0]) else 0) | (_LATIN_END if _is_ascii_alnum(word[-1]) else 0)


def _lower(text: str) -> str:
    """``str.lower`` keeping the length (U+0130 İ is the one code point whose lowercase is two)."""
    low = text.lower()
    if len(low) != len(text):
        low = text.replace("\u0130", "i").lower()
    return low


class NgMatch(NamedTuple):
    start: int
    end: int
    word: str  # the list entry (lower-cased for a case-insensitive matcher)


class NgWordMatcher:
    """All matchers of :data:`WORD_SETS` over one Aho-Corasick automaton.

    The automaton holds every distinct lower-cased entry of every list (a "key"). One pass over the
    lower-cased text yields every occurrence of every key, overlaps included. Each occurrence is then
    given to the matchers it belongs to: a case-insensitive matcher takes it when one of its entries has
    that key; a case-sensitive one when the text's own characters there are one of its entries. A guard
    that fails removes the occurrence from the matchers that apply that guard. Last, per matcher, the
    longest occurrence at each start and the left-to-right non-overlapping selection.
    """

    def __init__(self, word_sets: dict[str, WordSet], directory: Path = NGWORDS_DIR) -> None:
        self.names = tuple(word_sets)
        self.word_sets = word_sets
        file_words = {f: read_word_list(directory / f) for ws in word_sets.values() for f in ws.files}
        self.keys: list[str] = []
        key_id: dict[str, int] = {}
        self.ci_mask: list[int] = []  # per key: case-insensitive matchers having an entry with this key
        self.cs_mask: dict[str, int] = {}  # per exact entry: case-sensitive matchers having it
        self.has_cs: list[bool] = []  # per key: whether some case-sensitive matcher has an entry with it
        for m, ws in enumerate(word_sets.values()):
            bit = 1 << m
            for f in ws.files:
                for word in file_words[f]:
                    key = _lower(word)
                    k = key_id.get(key)
                    if k is None:
                        k = key_id[key] = len(self.keys)
                        self.keys.append(key)
                        self.ci_mask.append(0)
                        self.has_cs.append(False)
                    if ws.ignore_case:
                        self.ci_mask[k] |= bit
                    else:
                        self.cs_mask[word] = self.cs_mask.get(word, 0) | bit
                        self.has_cs[k] = True
        self.kind = [_word_kind(key) for key in self.keys]
        self.key_len = [len(key) for key in self.keys]
        self.katakana_guarded = sum(1 << m for m, ws in enumerate(word_sets.values()) if ws.katakana_guard)
        self.latin_guarded = sum(1 << m for m, ws in enumerate(word_sets.values()) if ws.latin_guard)
        self.ignore_case = [ws.ignore_case for ws in word_sets.values()]
        self.n_words = {name: len({w for f in ws.files for w in file_words[f]}) for name, ws in word_sets.items()}
        automaton = ahocorasick.Automaton()
        for k, key in enumerate(self.keys):
            automaton.add_word(key, k)
        automaton.make_automaton()
        self._automaton = automaton
        self._members: dict[int, tuple[int, ...]] = {}

    def _matchers_of(self, mask: int) -> tuple[int, ...]:
        members = self._members.get(mask)
        if members is None:
            members = self._members[mask] = tuple(m for m in range(len(self.names)) if mask >> m & 1)
        return members

    def match_all(self, text: str) -> list[list[NgMatch]]:
        """Per matcher (in :attr:`names` order): its longest, non-overlapping matches, left to right."""
        n = len(text)
        best: list[dict[int, tuple[int, str]] | None] = [None] * len(self.names)
        for last, k in self._automaton.iter(_lower(text)):
            end = last + 1
            start = end - self.key_len[k]
            mask = self.ci_mask[k]
            if self.has_cs[k]:
                mask |= self.cs_mask.get(text[start:end], 0)
            if not mask:
                continue
            kind = self.kind[k]
            if kind:
                if kind == _KATAKANA:
                    touched = (start and _is_katakana_char(text[start - 1])) or (
                        end < n and _is_katakana_char(text[end])
                    )
                    guarded = self.katakana_guarded
                else:
                    touched = (kind & _LATIN_START and start and _is_ascii_alnum(text[start - 1])) or (
                        kind & _LATIN_END and end < n and _is_ascii_alnum(text[end])
                    )
                    guarded = self.latin_guarded
                if touched:
                    mask &= ~guarded
                    if not mask:
                        continue
            for m in self._matchers_of(mask):
                starts = best[m]
                if starts is None:
                    starts = best[m] = {}
                prev = starts.get(start)
                if prev is None or prev[0] < end:
                    starts[start] = (end, self.keys[k] if self.ignore_case[m] else text[start:end])
        out: list[list[NgMatch]] = []
        for starts in best:
            chosen: list[NgMatch] = []
            if starts:
                pos = 0
                for start in sorted(starts):
                    if start >= pos:
                        end, word = starts[start]
                        chosen.append(NgMatch(start, end, word))
                        pos = end
            out.append(chosen)
        return out

    def matches(self, text: str, name: str) -> list[NgMatch]:
        return self.match_all(text)[self.names.index(name)]


@functools.cache
def load_matcher() -> NgWordMatcher:
    """The process-wide matcher over :data:`WORD_SETS`, built on first use (~0.1 s) and kept."""
    return NgWordMatcher(WORD_SETS)


# ---------------------------------------------------------------------------------------------------
# Signals
# ---------------------------------------------------------------------------------------------------

_INT, _FLOAT = "int32", "float32"
NGWORD_SIGNAL_TYPES: dict[str, str] = {
    **{
        f"ng_{cat}_{what}": typ
        for cat in CATEGORIES
        for what, typ in (("hits", _INT), ("distinct", _INT), ("char_frac", _FLOAT))
    },
    "ng_swallow_char_frac": _FLOAT,
    "ng_llmjp_hits": _INT,
    "ng_llmjp_discrimination_hits": _INT,
    "ng_llmjp_violence_hits": _INT,
    "ng_hojichar_hits": _INT,
}
"""Every key :func:`ngword_signals` returns, in that order, with its Parquet type."""


def ngword_signals(text: str, n_ja_letters: int | None = None) -> dict[str, int | float]:
    """NG-word signals of one text (see the module docstring for the matching rules).

    Per category ``cat`` in :data:`CATEGORIES` (adult, discrimination, violence, gambling, ads,
    header_footer), over the union of that category's lists with both guards, ignoring case:

    - ``ng_<cat>_hits``: number of non-overlapping longest matches.
    - ``ng_<cat>_distinct``: number of distinct list words among them.
    - ``ng_<cat>_char_frac``: characters covered by them / Japanese letters of the text (hiragana +
      katakana + kanji as :func:`pipeline.annotate.taggers.quality.letter_signals` counts ``n_ja_letters``);
      0.0 when the text has no Japanese letter. Swallow's measure: it drops a document at >= 0.05. It
      can exceed 1 on a text with few Japanese letters (the matched characters need not be Japanese).

    Per published rule, each exactly on its own list and matching (case-sensitive):

    - ``ng_swallow_char_frac``: as ``ng_<cat>_char_frac``, over Swallow's MosasoM lists, no guard.
    - ``ng_llmjp_hits``, ``ng_llmjp_discrimination_hits``, ``ng_llmjp_violence_hits``: matches of
      llm-jp's adult / discrimination / violence list, katakana guard (llm-jp rejects at > 3 of any).
    - ``ng_hojichar_hits``: matches of HojiChar's adult_keywords_ja, no guard (HojiChar rejects at >= 1).

    ``n_ja_letters`` may be passed when the caller has it already (``letter_signals(text)``).

    Example: in 「彼はアスリートだ。AV女優ではない。」 the adult category finds one match, 「AV女優」 (the
    longest word starting at A, so 「AV」 does not count apart), and not 「アス」, which is inside the
    katakana run 「アスリート」: hits 1, distinct 1, char_frac 4 / 14 (Japanese letters: 彼はアスリートだ 8,
    女優ではない 6). HojiChar's rule, without the guard, finds 「アス」 too: ng_hojichar_hits 2.
    """
    matcher = load_matcher()
    per = dict(zip(matcher.names, matcher.match_all(text)))
    if n_ja_letters is None:
        n_ja_letters = letter_signals(text)["n_ja_letters"]

    def char_frac(found: list[NgMatch]) -> float:
        return sum(m.end - m.start for m in found) / n_ja_letters if n_ja_letters else 0.0

    out: dict[str, int | float] = {}
    for cat in CATEGORIES:
        found = per[cat]
        out[f"ng_{cat}_hits"] = len(found)
        out[f"ng_{cat}_distinct"] = len({m.word for m in found})
        out[f"ng_{cat}_char_frac"] = char_frac(found)
    out["ng_swallow_char_frac"] = char_frac(per["swallow"])
    out["ng_llmjp_hits"] = len(per["llmjp"])
    out["ng_llmjp_discrimination_hits"] = len(per["llmjp_discrimination"])
    out["ng_llmjp_violence_hits"] = len(per["llmjp_violence"])
    out["ng_hojichar_hits"] = len(per["hojichar"])
    return out


def ngword_hits(text: str, category: str) -> list[str]:
    """The NG words found in ``text`` by one matcher, as they appear in the text, left to right.

    ``category`` is a category of :data:`CATEGORIES` or a rule name of :data:`WORD_SETS` ("swallow",
    "llmjp", "llmjp_discrimination", "llmjp_violence", "hojichar"). For inspecting why a document scored.

    >>> ngword_hits("AV女優とアスリート", "adult")
    ['AV女優']
    """
    if category not in WORD_SETS:
        raise ValueError(f"unknown NG-word category {category!r}; known: {', '.join(WORD_SETS)}")
    return [text[m.start : m.end] for m in load_matcher().matches(text, category)]


class NgWordTagger:
    """Tagger: NG-word hits and covered-character fractions per category (after ``quality``: it
    divides by the page's ``n_ja_letters``)."""

    name = "ngwords"
    columns = arrow_columns(NGWORD_SIGNAL_TYPES)

    def tag(self, page) -> dict:
        return ngword_signals(page.text, n_ja_letters=page.columns.get("n_ja_letters"))
