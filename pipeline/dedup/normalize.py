"""The text that dedup compares: ``lower(NFKC(text))`` with every whitespace run made one space.

Why: the same article reaches a crawl in full-width and half-width forms ("ＩＴ　ｌｉｆｅ" and
"IT life"), in different case and with different line breaks; none of that makes it a different
document. NFKC is also Swallow's first clean-up step. Whitespace is what ``str.split()`` splits on;
leading and trailing whitespace is dropped.

Speed: ``unicodedata.normalize("NFKC", ...)`` costs ~300 µs on a 1,500-character livedoor article
(measured here), more than its MinHash. So the common case is a table lookup over code points with
numpy (lower(NFKC(c)) per character, one or several code points: ``…`` -> ``...``, ``㈱`` ->
``(株)``), and only texts where per-character mapping is not the whole story take the exact Python
path (``normalize_reference``): a character that NFKC could compose with or reorder against its
neighbour (``ｶﾞ`` -> ``ガ``: the half-width voiced mark becomes U+3099;
combining marks; Hangul vowel/final jamo) and Greek capital sigma (``str.lower`` is contextual
there). Both paths give identical code points; tests/dedup/test_dedup.py checks it on real texts and on
random strings. No code point at or above U+30000 is changed by NFKC or lower case (Unicode 14,
checked by a test), so the tables cover only the planes below.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import numpy as np

TABLE_SIZE = 0x30000
_FLAG = np.uint32(0xFFFFFFFF)  # "take the exact path" marker in the mapping table
_EXPAND = np.uint32(0xFFFFFFFE)  # "several code points, see the expansion pool" marker


def normalize_reference(text: str) -> str:
    """The definition, in plain Python (slow; the fast path must agree with it exactly)."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


@lru_cache(maxsize=1)
def _tables() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(mapping, is_space, expand_start, expand_len, pool): mapping[c] = lower(NFKC(c)) as one code
    point, or _EXPAND (its code points are pool[expand_start[c]:][:expand_len[c]]), or _FLAG."""
    combiners = {c for c in range(TABLE_SIZE) if unicodedata.combining(chr(c))}
    combiners.update(range(0x1161, 0x1176))  # Hangul vowel jamo (compose with a leading L)
    combiners.update(range(0x11A8, 0x11C3))  # Hangul final jamo (compose with an LV syllable)
    for c in range(TABLE_SIZE):
        d = unicodedata.decomposition(chr(c))
        if d and not d.startswith("<"):
            parts = d.split()
            if len(parts) == 2:  # the second of a canonical pair composes with what precedes it
                combiners.add(int(parts[1], 16))
    mapping = np.arange(TABLE_SIZE, dtype=np.uint32)
    is_space = np.zeros(TABLE_SIZE, dtype=bool)
    expand_start = np.zeros(TABLE_SIZE, dtype=np.uint32)
    expand_len = np.ones(TABLE_SIZE, dtype=np.uint32)
    pool: list[int] = []
    for c in range(TABLE_SIZE):
        if 0xD800 <= c <= 0xDFFF:
            continue
        ch = chr(c)
        is_space[c] = ch.isspace()
        n = unicodedata.normalize("NFKC", ch)
        low = n.lower()
        if any(ord(x) in combiners for x in n) or "\u03a3" in n or any(ord(x) in combiners for x in low):
            mapping[c] = _FLAG
        elif len(low) == 1:
            mapping[c] = ord(low)
        elif low:
            mapping[c] = _EXPAND
            expand_start[c] = len(pool)
            expand_len[c] = len(low)
            pool.extend(ord(x) for x in low)
        else:
            mapping[c] = _FLAG
    return mapping, is_space, expand_start, expand_len, np.array(pool, dtype=np.uint32)


def _expand(cps: np.ndarray, mapped: np.ndarray, expand_start, expand_len, pool) -> np.ndarray:
    """Replace each _EXPAND entry by its several code points (a loop over the few such entries)."""
    parts = []
    prev = 0
    for i in np.flatnonzero(mapped == _EXPAND).tolist():
        c = cps[i]
        parts.append(mapped[prev:i])
        parts.append(pool[expand_start[c] : expand_start[c] + expand_len[c]])
        prev = i + 1
    parts.append(mapped[prev:])
    return np.concatenate(parts)


def normalized_codepoints(text: str) -> np.ndarray:
    """The normalised text as a uint32 array of code points (what shingling and hashing use)."""
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if len(cps) == 0:
        return cps
    mapping, is_space, expand_start, expand_len, pool = _tables()
    if cps.max() < TABLE_SIZE:
        mapped = mapping.take(cps)
    else:  # planes 3+ map to themselves
        mapped = cps.copy()
        low = cps < TABLE_SIZE
        mapped[low] = mapping[cps[low]]
    top = mapped.max()
    if top == _FLAG:
        ref = normalize_reference(text)
        return np.frombuffer(ref.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if top == _EXPAND:
        mapped = _expand(cps, mapped, expand_start, expand_len, pool)
    space = is_space.take(np.minimum(mapped, TABLE_SIZE - 1))  # nothing above the table is a space
    if not space.any():
        return mapped
    after_space = np.empty_like(space)
    after_space[0] = True  # drops leading whitespace
    after_space[1:] = space[:-1]
    keep = ~(space & after_space)  # a run of spaces keeps its first
    out = mapped[keep]
    out[space[keep]] = 0x20
    if len(out) and out[-1] == 0x20:
        out = out[:-1]
    return out


def normalize(text: str) -> str:
    return normalized_codepoints(text).tobytes().decode("utf-32-le", "surrogatepass")
