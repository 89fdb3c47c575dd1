"""Affiliate evidence from the raw HTML: links to affiliate networks, PR/広告 disclosures, link density.

Why: affiliate sites are, with adult content, the noise Japanese LLM builders most want out, and no
Japanese affiliate keyword list exists. The HTML carries direct evidence the extracted text loses: an
affiliate page *links to an affiliate network* (A8.net's ``px.a8.net/svt/ejp?a8mat=...``, ValueCommerce's
``ck.jp.ap.valuecommerce.com/servlet/referral?sid=...``, an Amazon associate tag ``...-22``), and since
the October 2023 stealth-marketing rule (景品表示法 ステマ規制) Japanese pages disclose it in text
(「アフィリエイト広告を利用しています」「プロモーションを含みます」). These are stored signals for the
variant files and features for the affiliate classifier; nothing here decides.

Real examples (pages of ``bench/affiliate_speed.py``, 2005-06 Japanese blog feeds and 2019-22 news
pages; excerpts in ``tests/fixtures/affiliate/``): ``amefoot.net`` links Rakuten shops through A8
(``px.a8.net/svt/ejp?...&a8ejpredirect=...rakuten...`` clicks plus ``www12.a8.net/0.gif`` impression
pixels: counted as A8, the network paid); ``bloglelife.com`` carries ValueCommerce, AccessTrade and
LinkShare banners; ``av.watch.impress.co.jp`` (a news site) has 40 ValueCommerce referral links to
e-onkyo; ``buzzap.jp`` links books with the associate tag ``buzzap0c-22``, while ``www.ossnews.jp``
links ``amazon.co.jp/dp/479804783X/`` with no tag: an ordinary link, not evidence.

What is counted (every key is in :data:`AFFILIATE_EVIDENCE_TYPES`):

- Network links: each ``href``/``src`` URL of an ``<a>``, ``<img>``, ``<script>`` or ``<iframe>`` that
  points to a network in :data:`NETWORKS`. A banner (``<a>`` + impression ``<img>``) counts 2. Comments
  and the bodies of ``<script>``/``<style>`` are ignored (a commented-out banner is not live; markup
  written by JavaScript is not in the page as crawled).
- Disclosure markers: occurrences in the *visible text* (``<body>`` without ``<script>``, ``<style>``,
  ``<noscript>``, ``<template>``, comments and tags; entities decoded), never in scripts or attributes.
- ``link_density``: non-whitespace characters inside ``<a>...</a>`` over non-whitespace visible
  characters. Whitespace is left out so that indentation and line breaks of the markup do not count.

Implementation: compiled regular expressions and ``str.find`` over the HTML string, no DOM. Measured by
``bench/affiliate_speed.py`` on its 92 real pages (one core of a shared 2-core machine, best of 15):
~940 pages/s, 36 MB/s of raw HTML, i.e. ~720 pages/s for 50 KB pages (~670 on the 42 pages of 30 KB or
more, mean 68 KB, most of them holding their Japanese as ``&#x...;`` references). The same evidence from
an ``lxml.html`` DOM (parse, XPath, ``drop_tree``, ``text_content``, the same URL classification) was
1.1-1.3x slower in the same runs: libxml2 parses fast, but walking its nodes from Python and
re-serialising text cost more than the regex passes. Both give the same ``aff_link_total`` on 91 of
the 92 pages and the same ``n_links`` on 88; all the differences are links at the start of a feed's
``<![CDATA[`` section, which libxml2's HTML parser swallows as a bogus comment. Known differences from a
DOM: an unclosed ``<a>`` runs to the next ``</a>``; ``<a>`` inside ``<noscript>``/``<template>`` counts
in ``n_links`` (not in ``link_density``, which is about visible text).
"""

from __future__ import annotations

import re
from collections import Counter
from html import unescape
from functools import lru_cache
from typing import Callable

from pipeline.annotate.stage import arrow_columns
from pipeline.annotate.taggers.host import normalise_host, registered_domain

# ---------------------------------------------------------------------------------------------------
# Affiliate networks
# ---------------------------------------------------------------------------------------------------

_AMAZON_TAGGED = re.compile(
    r"[?&;]tag=[\w.%-]+"  # ?tag=xxx-22 (current links, SiteStripe, /dp/... with tag)
    r"|/[A-Za-z0-9]{10}/[\w.%-]+-2[0-9](?=[/?&#%]|$)"  # /exec/obidos/ASIN/4774126187/arclampjp-22/ (2000s links)
    r"|/redirect-home/[\w.%-]+-2[0-9]"
)


def _amazon_site(host: str, url: str) -> bool:
    """A link to the Amazon shop is affiliate evidence only with an associate ID (``tag=``/``-22``);
    ``rcm-jp.amazon.co.jp`` serves the associates' product-link iframes (``/e/cm?t=<id>-22``)."""
    return host.startswith("rcm") or _AMAZON_TAGGED.search(url) is not None


def _amazon_ads(host: str, url: str) -> bool:
    """``amazon-adsystem.com``: the associates widgets (``rcm-fe``, ``ws-fe``, ``ir-jp`` pixels) count;
    the display-ad servers (``c.``, ``aax-...``: Amazon Publisher Services) do not."""
    return host.startswith(("rcm", "ws-", "ws.", "ir-"))


def _dmm(host: str, url: str) -> bool:
    """DMM/FANZA affiliate: the ``al.`` redirector, or any DMM/FANZA link carrying an ``af_id``."""
    return host.startswith("al.") or "af_id=" in url


def _dlsite(host: str, url: str) -> bool:
    """DLsite affiliate links carry the affiliate ID as ``/aid/<id>/`` (``/dlaf/`` redirector)."""
    return "/aid/" in url or "/dlaf/" in url


#: network -> (host suffixes, predicate on (host, url) or None). A host matches a suffix when it equals
#: it or ends with "." + it. Sources: each network's own link formats as seen in the real pages of
#: ``bench/affiliate_speed.py`` (a8, valuecommerce, accesstrade, linksynergy, j-a-net, trafficgate,
#: store-mix, motionlink, amazon) and the networks' documented link hosts (the rest).
NETWORKS: dict[str, tuple[tuple[str, ...], Callable[[str, str], bool] | None]] = {
    "a8": (("a8.net",), None),  # px.a8.net clicks, www12.a8.net .. www28.a8.net impression pixels
    "moshimo": (("moshimo.com", "msmstatic.com"), None),  # af.moshimo.com, i.moshimo.com, かんたんリンク JS
    "valuecommerce": (("valuecommerce.com",), None),  # ck./ad.jp.ap. (also Yahoo!ショッピング), LinkSwitch aml.
    "accesstrade": (("accesstrade.net",), None),  # h.accesstrade.net; 2005: www.accesstrade.net/at/c.html
    "rakuten": (("afl.rakuten.co.jp", "affiliate.rakuten.co.jp"), None),  # hb.afl..., static.affiliate...
    "amazon": (("amazon.co.jp", "amazon.jp", "amazon.com"), _amazon_site),
    "amazon_short": (("amzn.to", "assoc-amazon.jp", "assoc-amazon.com"), None),  # SiteStripe links, pixels
    "amazon_ads": (("amazon-adsystem.com",), _amazon_ads),
    "dmm": (("dmm.co.jp", "dmm.com", "fanza.co.jp"), _dmm),  # al.dmm.co.jp, al.fanza.co.jp: adult
    "dlsite": (("dlsite.com",), _dlsite),
    "duga": (("click.duga.jp",), None),  # adult (APEX)
    "linksynergy": (("linksynergy.com",), None),  # click./ad.linksynergy.com (LinkShare / Rakuten Advertising)
    "felmat": (("felmat.net",), None),  # t.felmat.net
    "afi-b": (("afi-b.com", "affiliate-b.com"), None),  # t.afi-b.com
    "janet": (("j-a-net.jp",), None),  # s15.j-a-net.jp/gateway/click.cgi
    "rentracks": (("rentracks.jp",), None),  # www.rentracks.jp/adx/r.html
    "infotop": (("infotop.jp",), None),  # information-product ASP: www.infotop.jp/click.php?aid=
    "trafficgate": (("trafficgate.net",), None),  # ad2.trafficgate.net/t/r/... (2000s)
    "storemix": (("store-mix.com", "d-064.com"), None),  # ストアミックス shops, sun.d-064.com impressions (2000s)
    "motionlink": (("motionlink.jp",), None),  # www.motionlink.jp/clk.php (2000s)
    "cj": (("anrdoezrs.net", "dpbolvw.net", "jdoqocy.com", "kqzyfj.com", "tkqlhce.com"), None),
    "awin": (("awin1.com",), None),
}

#: The three Amazon entries are one network in the output.
_OUTPUT_NAME = {"amazon_short": "amazon", "amazon_ads": "amazon"}

#: Networks with their own column (the big ones; the rest are in ``aff_link_total``/``aff_networks``).
COUNTED_NETWORKS = ("a8", "moshimo", "valuecommerce", "accesstrade", "rakuten", "amazon", "dmm")

_SUFFIX_TO_NETWORK: dict[str, tuple[str, Callable[[str, str], bool] | None]] = {
    suffix: (_OUTPUT_NAME.get(name, name), pred) for name, (suffixes, pred) in NETWORKS.items() for suffix in suffixes
}


def network_of(url: str) -> str:
    """The affiliate network an absolute URL points to, or ``""``.

    >>> network_of("http://px.a8.net/svt/ejp?a8mat=U0TBQ+AQZRZM+5WS+C1DUQ")
    'a8'
    >>> network_of("https://www.amazon.co.jp/dp/479804783X/")   # no associate tag
    ''
    """
    host = _host_of(url)
    return _network_of_host(host, url) if host else ""


# ---------------------------------------------------------------------------------------------------
# Disclosure markers (visible text)
# ---------------------------------------------------------------------------------------------------

# PR markers: 「PR」 [PR] 【PR】 (PR) （ＰＲ） <PR> - PR - labels, "PR:" / "ＰＲ：" not preceded by a letter or
# digit, "Sponsored", "SPONSORED", スポンサーリンク / スポンサードリンク / スポンサード リンク (the AdSense
# label of Japanese blogs). Bare "PR" is not counted: it is part of "PR TIMES", 「共同通信PRワイヤー」
# and other press-release names (both on the real rbbtoday.com page).
_PR_BRACKET_RE = re.compile(r"[「\[【（(＜<［〔『\-－―]\s*(?:PR|ＰＲ)\s*[」\]】）)＞>］〕』\-－―]")
_PR_COLON_RE = re.compile(r"(?:PR|ＰＲ)\s?[:：]")
_SPONSOR_LINK_RE = re.compile(r"スポンサード?\s?リンク")
_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") | frozenset(
    chr(c) for lo, hi in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A)) for c in range(lo, hi + 1))  # ０-９Ａ-Ｚａ-ｚ
#: 広告 anywhere in the visible text (a weak marker: also in 「広告掲載」 navigation; includes the 広告 of
#: the disclosure phrases).
AD_MARKER = "広告"
#: The disclosures the 2023 stealth-marketing rule made common, and Amazon's required associate notice.
#: One regex per phrase family, each starting with a literal: sre then searches with a fast literal scan
#: (a single alternation of them scans ~6x slower). The look-behind keeps アフィリエイト広告を含み from
#: counting twice.
AFF_DISCLOSURE_RES = tuple(re.compile(p) for p in (
    r"アフィリエイト(?:広告|プログラム|リンク)を(?:利用|使用|含|掲載)",
    r"プロモーション(?:を含|が含ま)",
    r"(?<!アフィリエイト)広告を含[みむん]",
    r"Amazon\s?の?\s?アソシエイト",
    r"アマゾン\s?の?\s?アソシエイト",
))
# Substrings without which the regexes above cannot match: tested first.
_DISCLOSURE_HINTS = ("アフィリエイト", "プロモーション", "広告を含", "アソシエイト")


def count_markers(text: str) -> tuple[int, int, int]:
    """(PR markers, 広告, affiliate disclosures) in a visible text (definitions above).

    >>> count_markers("【PR】今だけ半額。PR TIMES より。当サイトはアフィリエイト広告を利用しています。")
    (1, 1, 1)
    """
    pr = text.count("Sponsored") + text.count("SPONSORED")
    if "PR" in text or "ＰＲ" in text:
        pr += len(_PR_BRACKET_RE.findall(text))
        pr += sum(1 for m in _PR_COLON_RE.finditer(text) if m.start() == 0 or text[m.start() - 1] not in _ALNUM)
    if "スポンサー" in text:
        pr += len(_SPONSOR_LINK_RE.findall(text))
    disc = 0
    if any(h in text for h in _DISCLOSURE_HINTS):
        disc = sum(len(r.findall(text)) for r in AFF_DISCLOSURE_RES)
    return pr, text.count(AD_MARKER), disc


# ---------------------------------------------------------------------------------------------------
# HTML scanning
# ---------------------------------------------------------------------------------------------------

# Where a comment, a <script> or a <style> starts; their ends are found with str.find (3-5x faster than
# one regex with a lazy ".*?" body: measured 170 vs 600-1000 us on the bench pages).
_DEAD_START_RE = re.compile(r"<(?:!--|(script)\b[^>]*>|(style)\b)", re.I)
_END_TAG_FOLLOW = frozenset(" \t\n\r\f/>")
# Elements whose content is not shown (besides script and style).
_HIDDEN_START_RE = re.compile(r"<(noscript|template)\b[^>]*>", re.I)
_URL_ATTR_RE = re.compile(
    r"""<(a|img|script|iframe)\b[^>]*?\s(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I
)
# <a ...>text</a>; the body as an unrolled loop ("[^<]*(?:<(?!/a)[^<]*)*"): 2.5x faster than ".*?".
_ANCHOR_RE = re.compile(r"<a\b[^>]*>([^<]*(?:<(?!/a\s*>)[^<]*)*)</a\s*>", re.I)
_TAG_RE = re.compile(r"<[^>]*>")
_BODY_RE = re.compile(r"<body\b", re.I)
_HOST_RE = re.compile(r"^\s*(?:[A-Za-z][A-Za-z0-9+.-]*:)?//(?:[^/?#@\s]*@)?([^/?#:\s\\]+)")
_ENTITY_SPLIT_RE = re.compile(r"(&(?:#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z][A-Za-z0-9]{1,31});)")


def _end_of(low: str, close: str, start: int) -> int:
    """Index just past the first ``close`` tag (``</script``, ``</style``) at or after ``start`` in the
    lower-cased page, or ``len(low)`` when the element is never closed (as a browser does)."""
    n = len(low)
    while True:
        i = low.find(close, start)
        if i < 0:
            return n
        j = i + len(close)
        if j >= n or low[j] in _END_TAG_FOLLOW:  # "</scripts" does not close a script
            k = low.find(">", j)
            return n if k < 0 else k + 1
        start = j


def strip_dead_markup(html: str) -> str:
    """The page without comments and without the bodies of ``<script>``/``<style>`` (a ``<script>``'s
    opening tag is kept, for its ``src``).

    >>> strip_dead_markup('a<!-- <a href="x"> -->b<script src="s.js">document.write("広告")</script>c')
    'ab<script src="s.js">c'
    """
    low = html.lower()
    if len(low) != len(html):  # a few code points change length when lower-cased (U+0130)
        low = "".join(c if len(c) == 1 else "?" for c in map(str.lower, html))
    out = []
    pos = 0
    m = _DEAD_START_RE.search(html)
    while m:
        out.append(html[pos : m.start()])
        if m.group(1):  # <script ...>
            out.append(m.group(0))
            pos = _end_of(low, "</script", m.end())
        elif m.group(2):  # <style
            pos = _end_of(low, "</style", m.end())
        else:  # <!--
            end = low.find("-->", m.start() + 4)
            pos = len(html) if end < 0 else end + 3
        m = _DEAD_START_RE.search(html, pos)
    out.append(html[pos:])
    return "".join(out)


def strip_hidden_elements(html: str) -> str:
    """``html`` without ``<noscript>`` and ``<template>`` elements (a browser running scripts shows
    neither); unclosed ones run to the end.

    >>> strip_hidden_elements('a<noscript><img src="x.gif">広告</noscript>b<TEMPLATE>c</TEMPLATE>d')
    'abd'
    """
    if not ("<noscript" in html or "<template" in html or "<NOSCRIPT" in html or "<TEMPLATE" in html
            or "<NoScript" in html or "<Noscript" in html):
        return html
    low = html.lower()
    if len(low) != len(html):
        low = "".join(c if len(c) == 1 else "?" for c in map(str.lower, html))
    out = []
    pos = 0
    m = _HIDDEN_START_RE.search(html)
    while m:
        out.append(html[pos : m.start()])
        pos = _end_of(low, "</" + m.group(1).lower(), m.end())
        m = _HIDDEN_START_RE.search(html, pos)
    out.append(html[pos:])
    return "".join(out)


_ENTITY_CACHE: dict[str, str] = {}


def _decode_references(text: str) -> str:
    """Decode character references with C-level loops: split on them, look each up in a memo."""
    parts = _ENTITY_SPLIT_RE.split(text)
    refs = parts[1::2]
    cache = _ENTITY_CACHE
    missing = set(refs).difference(cache)
    if missing:
        if len(cache) > 50_000:
            cache.clear()
            missing = set(refs)
        cache.update((r, unescape(r)) for r in missing)
    parts[1::2] = map(cache.__getitem__, refs)
    return "".join(parts)


def visible_text(fragment: str) -> str:
    """Text of an HTML fragment already free of dead markup: tags removed, character references decoded
    (every named reference of HTML5 ending in ``;`` and every numeric one), CDATA brackets removed.

    Some real pages carry all their Japanese as numeric references (``&#x5E83;&#x544A;`` = 広告): a
    memo of decoded references, applied through ``re.split`` and ``map``, makes those 4-8x cheaper than
    ``html.unescape`` (which calls a Python function per reference; measured on www.oreilly.co.jp).
    """
    text = _TAG_RE.sub("", fragment)
    if "]]>" in text:
        text = text.replace("]]>", "")
    if "&" in text:
        text = _decode_references(text)
    return text


def _nonspace_len(text: str) -> int:
    return sum(map(len, text.split()))


@lru_cache(maxsize=1 << 16)
def _network_rule(host: str) -> tuple[str, Callable[[str, str], bool] | None] | None:
    h = host
    while True:
        hit = _SUFFIX_TO_NETWORK.get(h)
        if hit is not None:
            return hit
        dot = h.find(".")
        if dot < 0:
            return None
        h = h[dot + 1 :]


def _network_of_host(host: str, url: str) -> str:
    rule = _network_rule(host)
    if rule is None:
        return ""
    name, pred = rule
    return name if pred is None or pred(host, url) else ""


@lru_cache(maxsize=1 << 16)
def _link_host(raw_host: str) -> tuple[tuple[str, Callable[[str, str], bool] | None] | None, str, str]:
    """(network rule, registered domain, normalised host) of a host as written in a link (memoised:
    a page repeats its hosts, a crawl repeats the networks')."""
    host = raw_host.lower() if raw_host.isascii() else normalise_host(raw_host)
    return _network_rule(host), registered_domain(host), host


def _host_of(url: str) -> str:
    m = _HOST_RE.match(url)
    if not m:
        return ""
    h = m.group(1)
    return h.lower() if h.isascii() else normalise_host(h)


#: Column -> Parquet type, in column order.
AFFILIATE_EVIDENCE_TYPES: dict[str, str] = {
    "aff_link_total": "int32",
    "aff_networks_distinct": "int32",
    "aff_networks": "list<string>",
    **{f"aff_{n}": "int32" for n in COUNTED_NETWORKS},
    "pr_marker_count": "int32",
    "ad_marker_count": "int32",
    "aff_disclosure_count": "int32",
    "n_links": "int32",
    "n_external_links": "int32",
    "n_visible_chars": "int32",
    "link_density": "float32",
}


def affiliate_evidence(html: str, url: str) -> dict:
    """Affiliate-network links, disclosure markers and link statistics of one decoded HTML page.

    - ``aff_link_total``: ``href``/``src`` URLs of ``a``/``img``/``script``/``iframe`` pointing to a
      network of :data:`NETWORKS` (Amazon only with an associate tag).
    - ``aff_networks`` (sorted names) and ``aff_networks_distinct`` (how many).
    - ``aff_a8``, ``aff_moshimo``, ``aff_valuecommerce``, ``aff_accesstrade``, ``aff_rakuten``
      (hb.afl/affiliate.rakuten; Rakuten shops reached through A8 count as a8), ``aff_amazon``,
      ``aff_dmm`` (DMM/FANZA: adult): the same count per network.
    - ``pr_marker_count``, ``ad_marker_count``, ``aff_disclosure_count``: PR labels, 広告, and
      disclosure phrases in the visible text (:func:`count_markers`).
    - ``n_links``: ``<a>`` elements with an ``href`` (any: relative, ``#``, ``mailto:``).
    - ``n_external_links``: those with an absolute ``http(s)``/``//`` URL whose registered domain
      (eTLD+1, :func:`pipeline.annotate.taggers.host.registered_domain`) differs from the page URL's.
    - ``n_visible_chars``: non-whitespace visible characters of the ``<body>`` (the whole document when
      there is no ``<body>``, e.g. a feed).
    - ``link_density``: non-whitespace characters inside ``<a>`` elements of that text / ``n_visible_chars``
      (0.0 for an empty page).

    Example (hand-made): ``<body><p>今日は<a href="/x">晴れ</a>です。</p></body>``: the visible text
    今日は晴れです。 has 8 characters, 2 of them (晴れ) in the link: ``link_density`` = 2/8 = 0.25.
    """
    live = strip_dead_markup(html)

    page_domain = registered_domain(_host_of(url)) if url else ""
    per_network: Counter[str] = Counter()
    n_links = n_external = 0
    for m in _URL_ATTR_RE.finditer(live):
        value = m[2] or m[3] or m[4] or ""
        is_anchor = len(m[1]) == 1  # "a" or "A"
        n_links += is_anchor
        hm = _HOST_RE.match(value)
        if hm is None:
            continue  # relative, fragment, mailto:, javascript:
        rule, domain, host = _link_host(hm[1])
        if rule is not None and (rule[1] is None or rule[1](host, value)):
            per_network[rule[0]] += 1
        if is_anchor and domain != page_domain:
            n_external += 1

    body = _BODY_RE.search(live)
    visible = live[body.start() :] if body else live
    visible = strip_hidden_elements(visible)
    text = visible_text(visible)
    n_visible = _nonspace_len(text)
    anchors = _ANCHOR_RE.findall(visible)
    anchor_chars = _nonspace_len(visible_text(" ".join(anchors))) if anchors else 0
    pr, ad, disc = count_markers(text)

    return {
        "aff_link_total": sum(per_network.values()),
        "aff_networks_distinct": len(per_network),
        "aff_networks": sorted(per_network),
        **{f"aff_{n}": per_network.get(n, 0) for n in COUNTED_NETWORKS},
        "pr_marker_count": pr,
        "ad_marker_count": ad,
        "aff_disclosure_count": disc,
        "n_links": n_links,
        "n_external_links": n_external,
        "n_visible_chars": n_visible,
        "link_density": anchor_chars / n_visible if n_visible else 0.0,
    }


class AffiliateTagger:
    """Tagger: affiliate-network links and PR markers, read from the HTML (not the extracted text)."""

    name = "affiliate"
    columns = arrow_columns(AFFILIATE_EVIDENCE_TYPES)

    def tag(self, page) -> dict:
        return affiliate_evidence(page.html, page.url)
