"""MinHash signatures over character n-grams, with datasketch's definitions, computed with numpy.

Swallow hashes character 5-grams of the text (Japanese has no spaces to split words on). The
signature is datasketch's default "affine32" MinHash: each shingle's 32-bit hash ``h`` is mixed with
the MurmurHash3 finalizer ``fmix32`` and permuted ``a_k * h + b_k mod 2^32`` for the ``num_perm``
pairs ``(a_k, b_k)`` that ``datasketch.MinHash(num_perm, seed)`` draws; the signature is the
minimum per permutation. So a stored signature loads into ``datasketch.MinHash``/``LeanMinHash``
(``to_datasketch``) and gives datasketch's Jaccard estimate; and ``datasketch.MinHash(num_perm,
seed, hashfunc=shingle_hash)`` fed with ``shingles(text)`` produces the very same hash values.

Why not datasketch itself: its hash function is SHA-1 per shingle, called from Python. Here the
shingle hash is a polynomial over the code points of the n-gram (``h = h * M + c mod 2^64``, then
``fmix64``, high 32 bits), computed for all n-grams of a text at once with numpy; the permutations
are one (num_perm x shingles) uint32 array per text. Measured in bench/dedup_speed.py.

Texts shorter than n characters are one shingle (the whole text); an empty text has no shingle and
the signature of an empty set (all ``2^32 - 1``, like an empty ``datasketch.MinHash``).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import xxhash

from pipeline.dedup.normalize import normalize, normalized_codepoints

SCHEME = "affine32"  # datasketch's permutation scheme (its default since 2.0.0)
_M = np.uint64(0x9E3779B97F4A7C15)  # odd multiplier of the polynomial shingle hash
_MAX = np.uint32(0xFFFFFFFF)
_WORK_VALUES = 1 << 18  # uint32 values per permutation block (1 MiB: stays in cache)


def _fmix64(h: np.ndarray) -> np.ndarray:
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> np.uint64(33))


def _fmix32(h: np.ndarray) -> np.ndarray:
    """datasketch's pre-mix for the affine32 scheme (MurmurHash3 finalizer)."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def ngram_hashes64(cps: np.ndarray, ngram: int) -> np.ndarray:
    """Mixed 64-bit hashes of every character n-gram of a non-empty code-point array (duplicates
    kept; a text shorter than ``ngram`` is one n-gram). Shared by signatures and verification."""
    n = min(ngram, len(cps))
    count = len(cps) - n + 1
    h = cps[:count].astype(np.uint64)
    for j in range(1, n):
        h *= _M
        h += cps[j : j + count]
    return _fmix64(h)


def shingle_hashes(cps: np.ndarray, ngram: int) -> np.ndarray:
    """32-bit hashes of every character n-gram of a code-point array (duplicates kept)."""
    if len(cps) == 0:
        return np.empty(0, dtype=np.uint32)
    return (ngram_hashes64(cps, ngram) >> np.uint64(32)).astype(np.uint32)


def shingle_hash(shingle: str | bytes) -> int:
    """The same hash for one shingle, as a ``datasketch.MinHash(hashfunc=...)``."""
    if isinstance(shingle, bytes):
        shingle = shingle.decode("utf-8")
    cps = np.frombuffer(shingle.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return int(shingle_hashes(cps, len(cps))[0])


def shingles(text: str, ngram: int) -> list[str]:
    """The character n-grams of the normalised text (for datasketch and the reference)."""
    t = normalize(text)
    if not t:
        return []
    if len(t) <= ngram:
        return [t]
    return [t[i : i + ngram] for i in range(len(t) - ngram + 1)]


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's (a, b) for this num_perm and seed, taken from datasketch itself."""
    from datasketch import MinHash

    a, b = MinHash(num_perm=num_perm, seed=seed, scheme=SCHEME).permutations
    return a.astype(np.uint32), b.astype(np.uint32)


def exact_hash(cps: np.ndarray) -> int:
    """xxh3-64 of the normalised text's UTF-32-LE bytes, as a signed int64 (Parquet-friendly)."""
    v = xxhash.xxh3_64_intdigest(cps.tobytes())
    return v - (1 << 64) if v >= 1 << 63 else v


class MinHasher:
    """Signatures for one (ngram, num_perm, seed) setting; reuses one work buffer."""

    def __init__(self, ngram: int = 5, num_perm: int = 112, seed: int = 1):
        self.ngram, self.num_perm, self.seed = ngram, num_perm, seed
        a, b = permutations(num_perm, seed)
        self._a = np.ascontiguousarray(a[:, None])
        self._b = np.ascontiguousarray(b[:, None])
        self._chunk = max(64, _WORK_VALUES // num_perm)
        self._work = np.empty((num_perm, self._chunk), dtype=np.uint32)

    def signature_of_hashes(self, hashes: np.ndarray) -> np.ndarray:
        out = np.full(self.num_perm, _MAX, dtype=np.uint32)
        if len(hashes) == 0:
            return out
        mixed = _fmix32(hashes)
        for start in range(0, len(mixed), self._chunk):
            part = mixed[start : start + self._chunk]
            work = self._work[:, : len(part)]
            work[:] = part  # (num_perm, shingles): each row one permutation, contiguous
            np.multiply(work, self._a, out=work)
            np.add(work, self._b, out=work)
            np.minimum(out, work.min(axis=1), out=out)
        return out

    def signature(self, text: str) -> np.ndarray:
        return self.signature_of_hashes(shingle_hashes(normalized_codepoints(text), self.ngram))

    def signature_and_exact_hash(self, text: str) -> tuple[np.ndarray, int]:
        cps = normalized_codepoints(text)
        return self.signature_of_hashes(shingle_hashes(cps, self.ngram)), exact_hash(cps)


def to_datasketch(signature: np.ndarray, seed: int = 1):
    """A stored signature as a ``datasketch.LeanMinHash`` (jaccard(), LSH, serialisation)."""
    from datasketch import LeanMinHash, MinHash

    sig = np.asarray(signature, dtype=np.uint32)
    return LeanMinHash(MinHash(num_perm=len(sig), seed=seed, hashvalues=sig, scheme=SCHEME))


def estimate_jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> float:
    """Share of equal values: datasketch's ``MinHash.jaccard``."""
    return float(np.count_nonzero(sig_a == sig_b)) / len(sig_a)


def band_keys(signatures: np.ndarray, bands: range, rows: int) -> np.ndarray:
    """(docs, len(bands)) uint64 keys: band i of a signature hashed with i, for bucketing.

    Two documents share a key of band i when their rows ``i*rows .. (i+1)*rows - 1`` are equal (up
    to a 64-bit hash collision, ~N/2^64 per band). The band index is part of the key, so keys of
    different bands never meet in a bucket.
    """
    sig = np.asarray(signatures, dtype=np.uint32)
    out = np.empty((len(sig), len(bands)), dtype=np.uint64)
    for col, band in enumerate(bands):
        h = np.full(len(sig), band + 1, dtype=np.uint64)
        for j in range(band * rows, (band + 1) * rows):
            h *= _M
            h += sig[:, j]
        out[:, col] = _fmix64(h)
    return out
