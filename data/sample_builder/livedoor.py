"""livedoor news (DERIVED): a deterministic sample of articles, each inside a made-up site template.

The article text is kept verbatim (HTML-escaped only; CC BY-ND 2.1 JP); the sample includes every
article of the gold near-duplicate pairs and of the exact-duplicate groups, for the dedup stage.
"""

from __future__ import annotations

import collections
import datetime as dt
import hashlib
import html
import os
import random
import re

from .records import crawl_date, make_capture, read, utc

SEED = 20261122
LIVEDOOR_TOTAL = 570

LIVEDOOR_CATS = {  # dir -> (display name, category URL); from README.txt / LICENSE.txt
    "topic-news": ("トピックニュース", "http://news.livedoor.com/category/vender/news/"),
    "sports-watch": ("Sports Watch", "http://news.livedoor.com/category/vender/208/"),
    "it-life-hack": ("ITライフハック", "http://news.livedoor.com/category/vender/223/"),
    "kaden-channel": ("家電チャンネル", "http://news.livedoor.com/category/vender/kadench/"),
    "movie-enter": ("MOVIE ENTER", "http://news.livedoor.com/category/vender/movie_enter/"),
    "dokujo-tsushin": ("独女通信", "http://news.livedoor.com/category/vender/90/"),
    "smax": ("エスマックス", "http://news.livedoor.com/category/vender/smax/"),
    "livedoor-homme": ("livedoor HOMME", "http://news.livedoor.com/category/vender/homme/"),
    "peachy": ("Peachy", "http://news.livedoor.com/category/vender/ldgirls/"),
}
LIVEDOOR_NAV_ORDER = ["topic-news", "sports-watch", "it-life-hack", "kaden-channel", "movie-enter",
                      "dokujo-tsushin", "smax", "livedoor-homme", "peachy"]


def parse_livedoor(path):
    text = read(path).decode("utf-8")
    lines = text.split("\n")
    url, date, title = lines[0].strip(), lines[1].strip(), lines[2].strip()
    body_lines = [ln.rstrip("\r") for ln in lines[3:]]
    return url, date, title, body_lines


def livedoor_selection(shared, stats):
    base = os.path.join(shared, "text/livedoor-news")
    cats = sorted(c for c in os.listdir(base) if os.path.isdir(os.path.join(base, c)))
    assert sorted(cats) == sorted(LIVEDOOR_CATS), cats
    allfiles = {c: sorted(f for f in os.listdir(os.path.join(base, c)) if f != "LICENSE.txt" and f.endswith(".txt"))
                for c in cats}
    # exact duplicate bodies
    by_body = collections.defaultdict(list)
    for c in cats:
        for f in allfiles[c]:
            _, _, _, body = parse_livedoor(os.path.join(base, c, f))
            by_body[hashlib.sha1("\n".join(body).strip().encode("utf-8")).hexdigest()].append(f"{c}/{f}")
    exact_groups = sorted(sorted(v) for v in by_body.values() if len(v) > 1)
    # near-duplicate gold pairs
    pairs = []
    with open(os.path.join(shared, "annotations/livedoor_neardup_pairs_sentJaccard.tsv"), encoding="utf-8") as f:
        for ln in f:
            if ln.strip():
                j, a, b = ln.rstrip("\n").split("\t")
                pairs.append((float(j), a, b))
    required = set()
    for _, a, b in pairs:
        required |= {a, b}
    for g in exact_groups:
        required |= set(g)
    per_cat_req = collections.Counter(r.split("/")[0] for r in required)
    rng = random.Random(f"livedoor-{SEED}")
    quota_base, extra = divmod(LIVEDOOR_TOTAL, len(cats))
    chosen = set(required)
    for k, c in enumerate(cats):
        quota = quota_base + (1 if k < extra else 0)
        need = max(0, quota - per_cat_req[c])
        pool = [f"{c}/{f}" for f in allfiles[c] if f"{c}/{f}" not in required]
        chosen |= set(rng.sample(pool, need))
    stats["livedoor_pairs"] = len(pairs)
    stats["livedoor_required"] = len(required)
    return sorted(chosen), pairs, exact_groups


LIVEDOOR_TEMPLATE_HEAD = """<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<title>{title} - livedoor ニュース</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="canonical" href="{url}">
<link rel="license" href="http://creativecommons.org/licenses/by-nd/2.1/jp/">
<link rel="stylesheet" href="http://news.livedoor.com/css/article.css">
</head>
<body>
<header id="site-header">
<div class="site-logo"><a href="http://news.livedoor.com/">livedoor ニュース</a></div>
<nav class="global-nav">
<ul>
<li><a href="http://news.livedoor.com/">トップ</a></li>
{nav}
</ul>
</nav>
</header>
<div id="container">
<main id="main">
<div class="breadcrumb"><a href="http://news.livedoor.com/">livedoor ニュース</a> &gt; <a href="{cat_url}">{cat_name}</a></div>
<article class="article">
<h1 class="article-title">{title}</h1>
<p class="article-date"><time datetime="{date}">{date_disp}</time> 提供：<a href="{cat_url}">{provider}</a></p>
<div class="article-body">
"""

LIVEDOOR_TEMPLATE_TAIL = """</div>
<p class="article-license">この記事は<a rel="license" href="http://creativecommons.org/licenses/by-nd/2.1/jp/">クリエイティブ・コモンズ 表示 - 改変禁止 2.1 日本</a>ライセンスの下で提供されています。提供元：{provider}</p>
</article>
</main>
<aside id="sidebar">
<section class="side-box">
<h2>{cat_name}の記事</h2>
<ul>
{side}
</ul>
</section>
</aside>
</div>
<footer id="site-footer">
<ul class="footer-nav">
<li><a href="http://news.livedoor.com/">livedoor ニュース トップ</a></li>
<li><a href="http://www.livedoor.com/">livedoor</a></li>
<li><a href="http://news.livedoor.com/category/vender/">提供元一覧</a></li>
</ul>
<p class="copyright">Copyright &copy; NHN Japan Corporation. All Rights Reserved.</p>
</footer>
</body>
</html>
"""


def esc(s: str) -> str:
    return html.escape(s, quote=False)


def esc_attr(s: str) -> str:
    return html.escape(s, quote=True)


def date_display(s: str) -> str:
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})", s)
    return f"{m[1]}年{m[2]}月{m[3]}日 {m[4]}時{m[5]}分" if m else s


def src_livedoor(shared, stats):
    base = os.path.join(shared, "text/livedoor-news")
    chosen, pairs, exact_groups = livedoor_selection(shared, stats)
    parsed = {rel: parse_livedoor(os.path.join(base, rel)) for rel in chosen}
    by_cat = collections.defaultdict(list)
    for rel in chosen:
        by_cat[rel.split("/")[0]].append(rel)
    nav = "\n".join(f'<li><a href="{LIVEDOOR_CATS[c][1]}">{esc(LIVEDOOR_CATS[c][0])}</a></li>' for c in LIVEDOOR_NAV_ORDER)
    groups = []
    for rel in chosen:
        cat = rel.split("/")[0]
        cat_name, cat_url = LIVEDOOR_CATS[cat]
        url, date, title, body_lines = parsed[rel]
        lst = by_cat[cat]
        k = lst.index(rel)
        side_items = [lst[(k + j) % len(lst)] for j in range(1, 4) if len(lst) > 1]
        side = "\n".join(f'<li><a href="{esc_attr(parsed[s][0])}">{esc(parsed[s][2])}</a></li>' for s in side_items)
        paras = "".join(f"<p>{esc(ln)}</p>\n" for ln in body_lines if ln.strip())
        page = (LIVEDOOR_TEMPLATE_HEAD.format(title=esc(title), url=esc_attr(url), nav=nav, cat_url=cat_url,
                                              cat_name=esc(cat_name), date=esc_attr(date),
                                              date_disp=esc(date_display(date)), provider=esc(cat_name))
                + paras
                + LIVEDOOR_TEMPLATE_TAIL.format(provider=esc(cat_name), cat_name=esc(cat_name), side=side))
        # capture time: early September 2012 (the corpus was collected then)
        when = crawl_date(utc(2012, 9, 3), rel, 7 * 86400)
        m = re.match(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})([+-]\d{4})", date)
        if m:
            pub = dt.datetime.strptime(m[1] + m[2], "%Y-%m-%dT%H:%M:%S%z")
            if pub >= when:
                when = (pub + dt.timedelta(hours=1)).astimezone(dt.timezone.utc)
                stats["livedoor_date_bumped"] += 1
        groups.append(make_capture(
            "livedoor", f"text/livedoor-news/{rel}", url, when, "text/html; charset=utf-8",
            page.encode("utf-8"),
            {"url_kind": "article URL (line 1)", "charset_header": "utf-8", "declared": "utf-8",
             "note": "DERIVED html wrapping"},
            extra_warc=[("WARC-Derived-From", f"livedoor-news {rel}")]))
    return groups, pairs, exact_groups, chosen

