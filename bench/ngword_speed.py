"""NG-word signals: speed, and how much real news the published NG-word rules reject.

On the 7,367 livedoor news articles (shared/data/text/livedoor-news/*/*.txt, the first 3 lines of each
file, URL / date / title, skipped; the body is what a pipeline would see):

1. Speed, one core: :func:`pipeline.annotate.taggers.ngwords.ngword_signals` on 1,000 articles (a seeded random
   sample), best of 5 passes, lists already loaded; plus the one-off list loading time.
   With ``--compare``, the matchers we did not choose, on the adult union: one ``re`` alternation sorted
   longest-first (on 100 articles: it is slow) and a trie-shaped regex.
2. Rejection rates per livedoor category (news: every rejection is a false positive of the rule as an
   adult/harmful-content filter), for the published rules as stored signals reproduce them:
   HojiChar ``DiscardAdultContentJa`` (any hit), Swallow v1 (NG characters >= 5% of Japanese letters),
   llm-jp v1 (more than 3 hits of its adult list; and of any of its three lists); plus our categories.
   This is the "poor selectivity" a learned classifier must beat.
3. Cross-check on the 1,000-article sample: HojiChar's and llm-jp's own matching (one ``re`` alternation
   in file order, leftmost-first, katakana guard as HojiChar writes it; any-hit = ``search``, hits =
   ``len(findall)``) against our longest-match signals: same decision per article or not.

Run: ``python bench/ngword_speed.py [--compare]``. Results: bench/results/ngword_speed.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import random
import re
import sys
import time
from collections import Counter, defaultdict
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline import SHARED_DATA  # noqa: E402
from pipeline.annotate.taggers import ngwords as ng  # noqa: E402
from pipeline.annotate.taggers.quality import letter_signals  # noqa: E402

LIVEDOOR = SHARED_DATA / "text" / "livedoor-news"
OUT = REPO / "bench" / "results" / "ngword_speed.json"
SAMPLE_SIZE = 1000
SEED = 0

SWALLOW_MAX_FRAC = 0.05  # Swallow v1: drop when NG characters >= 0.05 of Japanese letters
LLMJP_MAX_HITS = 3  # llm-jp v1: reject when hits > 3
HOJICHAR_MAX_HITS = 0  # HojiChar DiscardAdultContentJa: reject on any hit


def load_livedoor(root: Path) -> list[tuple[str, str]]:
    """(livedoor category, body) of every article: lines 4.. of each file (1-3: URL, date, title)."""
    docs = []
    for path in sorted(root.glob("*/*.txt")):
        if path.name == "LICENSE.txt":
            continue
        lines = path.read_text(encoding="utf-8").split("\n")
        docs.append((path.parent.name, "\n".join(lines[3:])))
    return docs


def docs_per_s(fn, texts: list[str], repeats: int = 5, clock=time.process_time) -> float:
    """Documents per second of ``fn``, best of ``repeats`` passes. CPU time of this process by default:
    on a shared machine wall time also counts the time other processes hold the core."""
    fn(texts[0])  # warm-up (and list loading)
    best = float("inf")
    for _ in range(repeats):
        t0 = clock()
        for text in texts:
            fn(text)
        best = min(best, clock() - t0)
    return len(texts) / best


# --- the alternatives we measured and did not choose (adult union, guards on, case-insensitive) ---------

_KATA = "[ァ-ヴー]"


def _guarded(word: str) -> str:
    e = re.escape(word)
    if re.fullmatch(_KATA + "+", word):
        return f"(?<!{_KATA}){e}(?!{_KATA})"
    left = "(?<![A-Za-z0-9])" if word[0].isascii() and word[0].isalnum() else ""
    right = "(?![A-Za-z0-9])" if word[-1].isascii() and word[-1].isalnum() else ""
    return left + e + right


def alternation_regex(words: list[str]) -> re.Pattern:
    """One alternation sorted longest-first: ``re`` is leftmost-first, so this is longest match."""
    return re.compile("|".join(_guarded(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE)


def trie_regex(words: list[str]) -> re.Pattern:
    """Common prefixes factored into nested groups; at a node that ends a word, "stop here" is the last
    alternative, so the first success at a position is the longest word there. Latin guards sit in the
    trie (before a first / after a last ASCII letter or digit); katakana words are a second trie with
    HojiChar's lookarounds, tried after the first (a non-katakana word that matches is always longer)."""

    def alnum(ch: str) -> bool:
        return ch.isascii() and ch.isalnum()

    def build(node: dict, last: str = "") -> str:
        alts = []
        for ch, child in sorted(node.items()):
            if ch:
                guard = "(?<![A-Za-z0-9])" if not last and alnum(ch) else ""
                alts.append(guard + re.escape(ch) + build(child, ch))
        if "" in node:
            alts.append("(?![A-Za-z0-9])" if alnum(last) else "")
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    def trie(ws: list[str]) -> dict:
        root: dict = {}
        for w in ws:
            node = root
            for ch in w:
                node = node.setdefault(ch, {})
            node[""] = {}
        return root

    kata = [w for w in words if re.fullmatch(_KATA + "+", w)]
    other = sorted(set(words) - set(kata))
    return re.compile(f"{build(trie(other))}|(?<!{_KATA})(?:{build(trie(kata))})(?!{_KATA})", re.IGNORECASE)


# --- HojiChar's own matching, as its NgWordsFilterJa builds it (for the cross-check) ----------------


def hojichar_regex(words: list[str], ignore_confused: bool) -> re.Pattern:
    """As hojichar/filters/document_filters.py ``NgWordsFilterJa.__init__`` (0.18.1): words in file order,
    one alternation; with ``ignore_confused`` the [ァ-ヴー]+ words go last, wrapped in
    ``(?<![ァ-ヴー])(...)(?![ァ-ヴー])``."""
    if not ignore_confused:
        return re.compile("|".join(map(re.escape, words)))
    kata = [re.escape(w) for w in words if re.fullmatch(r"[ァ-ヴー]+", w)]
    rest = [re.escape(w) for w in words if not re.fullmatch(r"[ァ-ヴー]+", w)]
    return re.compile("|".join(rest) + "|" + rf"(?<![ァ-ヴー])({'|'.join(kata)})(?![ァ-ヴー])")


def rate(n: int, d: int) -> float:
    return round(n / d, 4) if d else 0.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--livedoor", type=Path, default=LIVEDOOR)
    ap.add_argument("--compare", action="store_true", help="also time the regex matchers we did not choose")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()

    docs = load_livedoor(args.livedoor)
    sample = [text for _, text in random.Random(SEED).sample(docs, SAMPLE_SIZE)]
    sample_chars = sum(map(len, sample))

    t0 = time.perf_counter()
    ng.load_matcher.cache_clear()
    matcher = ng.load_matcher()
    load_s = time.perf_counter() - t0

    speed = {
        "sample": f"{SAMPLE_SIZE} livedoor articles, random.Random({SEED}).sample, bodies only",
        "mean_chars_per_doc": round(sample_chars / SAMPLE_SIZE, 1),
        "list_load_s": round(load_s, 3),
        "clock": "process CPU time (time.process_time), best of 5 passes",
        "ngword_signals_docs_per_s_wall_clock": round(docs_per_s(ng.ngword_signals, sample, clock=time.perf_counter)),
        "docs_per_s": {
            "ngword_signals": round(docs_per_s(ng.ngword_signals, sample)),
            "matching_only (NgWordMatcher.match_all, all 11 matchers)": round(docs_per_s(matcher.match_all, sample)),
            "letter_signals (the char_frac denominator)": round(docs_per_s(letter_signals, sample)),
        },
    }
    speed["chars_per_s_ngword_signals"] = round(speed["docs_per_s"]["ngword_signals"] * sample_chars / SAMPLE_SIZE)
    if args.compare:
        adult = sorted({w for f in ng.CATEGORY_FILES["adult"] for w in ng.read_word_list(ng.NGWORDS_DIR / f)})
        alt, trie = alternation_regex(adult), trie_regex(adult)
        speed["alternatives_adult_union_only"] = {
            "words": len(adult),
            "re_alternation_longest_first (100 docs)": round(docs_per_s(alt.findall, sample[:100], repeats=1), 1),
            "re_trie_regex": round(docs_per_s(trie.findall, sample)),
            # two independent implementations of the same rules: they must find the same words
            "trie_regex_same_matches_as_ours (1000 docs)": all(
                [m.word for m in matcher.matches(t, "adult")] == [w.lower() for w in trie.findall(t)] for t in sample
            ),
            "alternation_same_matches_as_ours (100 docs)": all(
                [m.word for m in matcher.matches(t, "adult")] == [w.lower() for w in alt.findall(t)]
                for t in sample[:100]
            ),
        }

    # --- rates on all articles --------------------------------------------------------------------
    # HojiChar's list with HojiChar's own katakana guard (ignore_confused=True), for comparison
    guarded = ng.NgWordMatcher({"hojichar_guarded": ng.WordSet(("adult/hojichar.txt",), True, False, False)})
    per_cat: dict[str, Counter] = defaultdict(Counter)
    n_cat: Counter = Counter()
    words_hit: dict[str, Counter] = defaultdict(Counter)
    for cat, text in docs:
        n_cat[cat] += 1
        s = ng.ngword_signals(text)
        decisions = {
            "hojichar_any_hit": s["ng_hojichar_hits"] > HOJICHAR_MAX_HITS,
            "hojichar_any_hit_with_katakana_guard": len(guarded.match_all(text)[0]) > HOJICHAR_MAX_HITS,
            "swallow_frac_ge_0.05": s["ng_swallow_char_frac"] >= SWALLOW_MAX_FRAC,
            "llmjp_adult_gt_3": s["ng_llmjp_hits"] > LLMJP_MAX_HITS,
            "llmjp_any_of_3_lists_gt_3": max(
                s["ng_llmjp_hits"], s["ng_llmjp_discrimination_hits"], s["ng_llmjp_violence_hits"]
            )
            > LLMJP_MAX_HITS,
        }
        for c in ng.CATEGORIES:
            decisions[f"{c}_any_hit"] = s[f"ng_{c}_hits"] > 0
            decisions[f"{c}_frac_ge_0.05"] = s[f"ng_{c}_char_frac"] >= SWALLOW_MAX_FRAC
        for name, rejected in decisions.items():
            per_cat[name][cat] += rejected
        for name in ("hojichar", "swallow", "llmjp", "adult"):
            words_hit[name].update(set(ng.ngword_hits(text, name)))
    n = len(docs)
    rates = {
        name: {"all": rate(sum(c.values()), n), **{cat: rate(c[cat], n_cat[cat]) for cat in sorted(n_cat)}}
        for name, c in per_cat.items()
    }

    # --- cross-check against HojiChar's / llm-jp's own regex matching, on the sample ------------------
    hoji_words = ng.read_word_list(ng.NGWORDS_DIR / "adult/hojichar.txt")
    llmjp_lists = {
        "ng_llmjp_hits": "adult/llmjp.txt",
        "ng_llmjp_discrimination_hits": "discrimination/llmjp.txt",
        "ng_llmjp_violence_hits": "violence/llmjp.txt",
    }
    hoji_re = hojichar_regex(hoji_words, ignore_confused=False)
    llmjp_res = {k: hojichar_regex(ng.read_word_list(ng.NGWORDS_DIR / f), True) for k, f in llmjp_lists.items()}
    agree: Counter = Counter()
    count_equal: Counter = Counter()
    for text in sample:
        s = ng.ngword_signals(text)
        agree["hojichar_any_hit"] += (hoji_re.search(text) is not None) == (s["ng_hojichar_hits"] > 0)
        for key, pat in llmjp_res.items():
            ref = len(pat.findall(text))
            agree[key + " > 3"] += (ref > LLMJP_MAX_HITS) == (s[key] > LLMJP_MAX_HITS)
            count_equal[key] += ref == s[key]
    cross_check = {
        "docs": SAMPLE_SIZE,
        "same_decision": dict(agree),
        "same_hit_count": dict(count_equal),
        "note": "reference = the rule's own regex (file order, leftmost-first); ours = longest match. "
        "Counts can differ where a shorter word listed first wins at a position.",
    }

    results = {
        "benchmark": "ngword_speed",
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "command": "python bench/ngword_speed.py" + (" --compare" if args.compare else ""),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "pyahocorasick_version": version("pyahocorasick"),
        "pipeline_module_sha256": {
            f: hashlib.sha256((REPO / f).read_bytes()).hexdigest()[:12] for f in ("pipeline/annotate/taggers/ngwords.py",)
        },
        "corpus": {"articles": n, "per_livedoor_category": dict(sorted(n_cat.items()))},
        "words_per_matcher": matcher.n_words,
        "speed_one_core": speed,
        "rejection_rates": {
            "meaning": "share of livedoor news articles each rule would drop (all of them are news)",
            "mission_reference": "HojiChar any-hit: 40% of all, 28% it-life-hack, 41% smax, 53% movie-enter",
            **rates,
        },
        "top_words_by_article_count": {name: c.most_common(15) for name, c in words_hit.items()},
        "cross_check_vs_reference_regex": cross_check,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    summary = {k: results[k] for k in ("speed_one_core", "cross_check_vs_reference_regex")}
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    headline = (
        "hojichar_any_hit",
        "hojichar_any_hit_with_katakana_guard",
        "swallow_frac_ge_0.05",
        "llmjp_adult_gt_3",
        "llmjp_any_of_3_lists_gt_3",
        "adult_any_hit",
    )
    for name in headline:
        print(name, rates[name])

if __name__ == "__main__":
    main()
