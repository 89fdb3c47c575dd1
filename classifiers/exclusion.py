"""Keep the evaluation set out of training: no training document may be, contain, or sit inside an
evaluation document.

The hand-labelled set (``classifiers/eval/labelled.jsonl``) is the yardstick; a training document that
is a copy or a near-copy of one of its documents would make the yardstick measure memory. The same real
text reaches us in several forms, and each check below catches one of them (all real cases in
``../shared/data``):

1. **Same id** (``livedoor:peachy-6844976``) or **same source path** (``text/kwdlc/...#w201106-...``).
2. **Inside an evaluated file**: the eval set holds the *feed-level* document of every chardet feed
   (source path without ``#``) and some of its posts (``...xml#item-3``). Every post of that feed, taken
   or not, is part of the feed-level document, so a training document whose source path is
   ``<file>#anything`` is excluded when ``<file>`` itself is evaluated.
3. **Same URL** after normalisation (scheme, ``www.``, trailing ``/``, fragment dropped): livedoor
   articles recur under several article ids, the sample WARC wraps the same chardet feed under its URL.
4. **Same site** (only for eval documents of the sources named in ``site_sources``: ``chardet`` blogs and
   the ``clueweb09ja`` shop, whose pages are one template):
   the registered domain (``pipeline.annotate.taggers.host.registered_domain``) of an evaluated feed or post. The
   chardet corpus holds twin feeds of one blog in two formats whose posts differ
   (``blog.kabu-navi.com.xml`` is evaluated, ``blog.kabu-navi.com.atom.xml`` holds older posts of the same
   blog): not copies, but training on them would teach the classifier the very blogs it is tested on.
   Not applied to livedoor: every livedoor article shares ``livedoor.com``, and training on other
   articles of the same news site is intended (the eval measures the labels, not the site).
5. **Text overlap**: character 8-gram shingles (NFKC, white space removed). A training document is
   excluded when at least ``threshold`` (0.5) of *its* distinct shingles occur in the eval set (it is a
   copy, or it sits inside a longer eval document: a post inside an evaluated feed), or when at least
   ``threshold`` of *one eval document's* shingles occur in it (it contains that eval document: a feed
   or a page that embeds an evaluated post or article). Shingles shared by more than
   :data:`COMMON_SHINGLE_DOCS` eval documents (livedoor's 「【関連記事】」 boilerplate, feed headers) are
   not evidence of a copy and are ignored. Texts with fewer than :data:`MIN_SHINGLES` shingles (a
   one-line toxic sentence) are compared exactly (normalised equality) instead.

Example: livedoor ``dokujo-tsushin-6524058`` and ``-6533086`` have identical bodies; if the first is in
the eval set, the second is caught by check 4 (its shingles are all in the eval set) even though its id
and URL differ.

:func:`find_overlaps` returns every hit with its reason; :func:`exclude` drops them; the training-set
builder fails if anything is left (:func:`assert_disjoint`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence
from urllib.parse import urlsplit

import xxhash

SHINGLE = 8
"""Characters per shingle. Eight Japanese characters are about two or three words: long enough that
two unrelated texts rarely share one, short enough that a re-wrapped copy shares most."""
THRESHOLD = 0.5
COMMON_SHINGLE_DOCS = 20
MIN_SHINGLES = 10

_WS = re.compile(r"\s+")


def _norm_text(text: str) -> str:
    return _WS.sub("", unicodedata.normalize("NFKC", text)).lower()


def shingles(text: str, k: int = SHINGLE) -> set[int]:
    """Distinct xxh3-64 hashes of the k-character shingles of the normalised text (white space removed)."""
    t = _norm_text(text)
    h = xxhash.xxh3_64_intdigest
    if len(t) < k:
        return {h(t.encode("utf-8", "surrogatepass"))} if t else set()
    return {h(t[i : i + k].encode("utf-8", "surrogatepass")) for i in range(len(t) - k + 1)}


def normalise_url(url: str) -> str:
    """``https://www.Example.jp/a/`` -> ``example.jp/a``; ``""`` for an empty URL."""
    u = (url or "").strip().lower()
    if not u:
        return ""
    u = re.sub(r"^[a-z][a-z0-9+.-]*://", "", u)
    u = u.split("#", 1)[0]
    if u.startswith("www."):
        u = u[4:]
    return u.rstrip("/")


def _host(url: str) -> str:
    try:
        return urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""


@dataclass(frozen=True)
class Overlap:
    train_id: str
    eval_id: str
    reason: str  # id | source_path | inside_eval_file | url | same_site | text_in_eval | eval_in_text | same_short_text
    score: float = 1.0


class EvalIndex:
    """Everything about the eval documents the checks need, built once."""

    def __init__(self, eval_docs: Sequence[Mapping], site_sources: Sequence[str] = ()):
        self.sites: dict[str, str] = {}
        if site_sources:
            from pipeline.annotate.taggers.host import registered_domain  # noqa: PLC0415

            self._site_of = lambda url: registered_domain(_host(url))
            for d in eval_docs:
                if d.get("source") in site_sources and d.get("url"):
                    site = self._site_of(d["url"])
                    if site:
                        self.sites.setdefault(site, d["id"])
        self.ids = {d["id"]: d["id"] for d in eval_docs}
        self.paths = {d["source_path"]: d["id"] for d in eval_docs if d.get("source_path")}
        self.files = {d["source_path"]: d["id"] for d in eval_docs if d.get("source_path") and "#" not in d["source_path"]}
        self.urls: dict[str, str] = {}
        for d in eval_docs:
            u = normalise_url(d.get("url", ""))
            if u:
                self.urls.setdefault(u, d["id"])
        self.eval_ids = [d["id"] for d in eval_docs]
        self.sizes: list[int] = []
        self.short: dict[str, str] = {}
        postings: dict[int, list[int]] = defaultdict(list)
        for i, d in enumerate(eval_docs):
            sh = shingles(d["text"])
            self.sizes.append(len(sh))
            if len(sh) < MIN_SHINGLES:
                self.short.setdefault(_norm_text(d["text"]), d["id"])
            for h in sh:
                postings[h].append(i)
        self.postings = {h: docs for h, docs in postings.items() if len(docs) <= COMMON_SHINGLE_DOCS}
        self.common = {h for h, docs in postings.items() if len(docs) > COMMON_SHINGLE_DOCS}

    def overlaps(self, doc: Mapping, threshold: float = THRESHOLD) -> list[Overlap]:
        """Every reason ``doc`` (a training document) overlaps the eval set; empty when it does not."""
        tid = doc.get("id", "")
        out: list[Overlap] = []
        if tid in self.ids:
            out.append(Overlap(tid, tid, "id"))
        path = doc.get("source_path") or ""
        if path in self.paths:
            out.append(Overlap(tid, self.paths[path], "source_path"))
        elif "#" in path and path.split("#", 1)[0] in self.files:
            out.append(Overlap(tid, self.files[path.split("#", 1)[0]], "inside_eval_file"))
        u = normalise_url(doc.get("url", ""))
        if u and u in self.urls:
            out.append(Overlap(tid, self.urls[u], "url"))
        if self.sites and doc.get("url"):
            site = self._site_of(doc["url"])
            if site in self.sites:
                out.append(Overlap(tid, self.sites[site], "same_site"))
        text = doc.get("text") or ""
        sh = shingles(text)
        if len(sh) < MIN_SHINGLES:
            key = _norm_text(text)
            if key and key in self.short:
                out.append(Overlap(tid, self.short[key], "same_short_text"))
            return out
        per_eval: dict[int, int] = defaultdict(int)
        in_eval = 0
        considered = 0
        for h in sh:
            if h in self.common:
                continue
            considered += 1
            docs = self.postings.get(h)
            if docs:
                in_eval += 1
                for i in docs:
                    per_eval[i] += 1
        if considered and in_eval / considered >= threshold:
            best = max(per_eval, key=lambda i: (per_eval[i], -i))
            out.append(Overlap(tid, self.eval_ids[best], "text_in_eval", round(in_eval / considered, 3)))
        for i, n in sorted(per_eval.items()):
            if self.sizes[i] >= MIN_SHINGLES and n / self.sizes[i] >= threshold:
                out.append(Overlap(tid, self.eval_ids[i], "eval_in_text", round(n / self.sizes[i], 3)))
        return out


def find_overlaps(train_docs: Iterable[Mapping], eval_docs: Sequence[Mapping], threshold: float = THRESHOLD,
                  site_sources: Sequence[str] = ("chardet", "clueweb09ja")) -> list[Overlap]:
    """Every (training document, eval document, reason) overlap."""
    index = EvalIndex(eval_docs, site_sources)
    out: list[Overlap] = []
    for d in train_docs:
        out += index.overlaps(d, threshold)
    return out


def exclude(train_docs: Sequence[Mapping], eval_docs: Sequence[Mapping], threshold: float = THRESHOLD,
            site_sources: Sequence[str] = ("chardet", "clueweb09ja")):
    """(kept training documents, overlaps found): a document with any overlap is dropped."""
    index = EvalIndex(eval_docs, site_sources)
    kept, hits = [], []
    for d in train_docs:
        o = index.overlaps(d, threshold)
        if o:
            hits += o
        else:
            kept.append(d)
    return kept, hits


def assert_disjoint(train_docs: Sequence[Mapping], eval_docs: Sequence[Mapping], threshold: float = THRESHOLD) -> None:
    """Raise ``ValueError`` naming the first overlaps when any training document overlaps the eval set."""
    hits = find_overlaps(train_docs, eval_docs, threshold)
    if hits:
        shown = "; ".join(f"{h.train_id} ~ {h.eval_id} ({h.reason} {h.score})" for h in hits[:5])
        raise ValueError(f"{len(hits)} training/eval overlaps, e.g. {shown}")
