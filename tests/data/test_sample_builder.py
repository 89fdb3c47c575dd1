"""The sample builder (data/sample_builder) on real files: records, gzip members, order, charsets, docs, --verify.

Everything but the last test runs on the real files in tests/fixtures, laid out as the builder finds
them in ../shared/data (tests/fixtures/SOURCES.md says where each came from).
"""

from __future__ import annotations

import collections
import gzip
import random
import shutil
import sys
import zlib

import pytest

from pipeline import SHARED_DATA
from pipeline.annotate.config import AnnotateConfig
from pipeline.annotate.decode import (
    META_SCAN_BYTES,
    charset_from_content_type,
    charset_from_markup,
    decode_html,
    normalise_label,
)
from pipeline.annotate.read import Dropped, PageRecord, read_warc
from tests.helpers import FIXTURES, REPO

sys.path.insert(0, str(REPO / "data"))  # data/ is not a package: the builder runs as data/build_sample.py

from sample_builder import build as build_mod  # noqa: E402
from sample_builder.charset import declared_charset, header_charset, header_charset_label, is_mislabelled_utf8  # noqa: E402
from sample_builder.manifest import LICENCE_ROWS, SOURCE_DESC, licenses_text, manifest_text  # noqa: E402
from sample_builder.records import Group, html_ctype, make_capture, sha1_b32, utc  # noqa: E402
from sample_builder.sources import CHARDET_SKIP, SOURCE_NAMES, src_chardet, src_clueweb  # noqa: E402
from sample_builder.warc import verify  # noqa: E402

CHARSETS = FIXTURES / "charsets"
#: html/chardet-legacy-ja/<path> in ../shared/data -> the copy in tests/fixtures/charsets
CHARDET_FILES = {
    "CP932/www2.chuo-u.ac.jp-suishin.xml": "cp932.www2.chuo-u.ac.jp-suishin.xml",
    "EUC-JP/_mozilla_bug431054_text.html": "euc-jp.undeclared-short.mozilla.html",  # in CHARDET_SKIP
    "EUC-JP/manana.moo.jp.xml": "euc-jp.manana.moo.jp.xml",
    "SHIFT_JIS/_chromium_Shift-JIS_with_no_encoding_specified.html": "shift_jis.undeclared.chromium.html",
    "SHIFT_JIS/ooganemochi.com.xml": "shift_jis.ooganemochi.com.xml",
    "iso-2022-jp/_ude_1.txt": "iso-2022-jp.ude_1.txt",
}
CLUEWEB = "warc/resiliparse/clueweb-quirk.warc.gz"


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """A small ../shared/data: the chardet pages and the ClueWeb09 WARC from tests/fixtures."""
    root = tmp_path_factory.mktemp("shared")
    for rel, name in CHARDET_FILES.items():
        dest = root / "html" / "chardet-legacy-ja" / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(CHARSETS / name, dest)
    (root / CLUEWEB).parent.mkdir(parents=True)
    shutil.copyfile(FIXTURES / "warc" / "clueweb-quirk.warc.gz", root / CLUEWEB)
    return str(root)


def chardet_groups(shared, stats=None):
    return src_chardet(shared, collections.Counter() if stats is None else stats)


def members(data: bytes) -> list[bytes]:
    """The gzip members of a file, each decompressed on its own."""
    out = []
    while data:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        out.append(d.decompress(data) + d.flush())
        assert d.eof, "truncated gzip member"
        data = d.unused_data
    return out


def compress_members(parts: list[bytes]) -> bytes:
    return b"".join(gzip.compress(p, compresslevel=9, mtime=0) for p in parts)


# --------------------------------------------------------------------------
# records and the WARC file
# --------------------------------------------------------------------------


def test_wrapped_pages_round_trip_through_the_pipeline_reader(shared, tmp_path):
    groups = chardet_groups(shared)
    assert [g.src_path.split("/", 2)[2] for g in groups] == sorted(set(CHARDET_FILES) - CHARDET_SKIP)
    res = build_mod.write_sample(groups, str(tmp_path))

    items = list(read_warc(res["warc"], AnnotateConfig()))
    pages = {p.url: p for p in items if isinstance(p, PageRecord)}
    dropped = collections.Counter(d.reason.value for d in items if isinstance(d, Dropped))
    # 1 warcinfo + 5 requests are not responses; the .txt file is text/plain, not a page type
    assert dropped == {"non_response": 6, "mime": 1}
    assert len(pages) == 4
    for g in groups:
        payload = (CHARSETS / CHARDET_FILES[g.src_path.split("/", 2)[2]]).read_bytes()
        if g.src_path.endswith(".txt"):
            continue
        page = pages[g.uri]
        assert page.body == payload  # the file bytes are the HTTP payload, unchanged
        assert page.record_id == g.recs[1].get("WARC-Record-ID")
        assert g.recs[1].get("WARC-Payload-Digest") == sha1_b32(payload)
    # the URL of a feed comes from its <!-- Source: ... --> comment
    assert "http://www.ooganemochi.com/atom.xml" in pages
    assert pages["http://www.ooganemochi.com/atom.xml"].content_type == "application/atom+xml"
    assert pages["http://nanana.moo.jp/index.rdf"].content_type == "text/xml"  # RSS 1.0 <rdf:RDF>


def test_one_gzip_member_per_record_with_mtime_zero(shared, tmp_path):
    res = build_mod.write_sample(chardet_groups(shared), str(tmp_path))
    data = open(res["warc"], "rb").read()
    parts = members(data)
    assert len(parts) == res["n_records"] == 1 + 2 * 5
    assert all(p.startswith(b"WARC/1.0\r\n") and p.endswith(b"\r\n\r\n") for p in parts)
    assert parts[0].startswith(b"WARC/1.0\r\nWARC-Type: warcinfo\r\n")
    # every member is its own gzip stream with mtime 0, so the file depends on the content only
    assert data[:8] == b"\x1f\x8b\x08\x00\x00\x00\x00\x00"
    assert data.count(b"\x1f\x8b\x08\x00\x00\x00\x00\x00") >= len(parts)
    assert compress_members(parts) == data


def test_record_order_is_deterministic_whatever_the_input_order(shared, tmp_path):
    groups = chardet_groups(shared)
    shuffled = chardet_groups(shared)
    random.Random(7).shuffle(shuffled)
    a = build_mod.write_sample(groups, str(tmp_path / "a"))
    b = build_mod.write_sample(shuffled[::-1], str(tmp_path / "b"))
    assert open(a["warc"], "rb").read() == open(b["warc"], "rb").read()
    assert (tmp_path / "a" / "records.tsv").read_bytes() == (tmp_path / "b" / "records.tsv").read_bytes()
    # groups sorted by Group.sort_key, request before response within a group
    types_uris = [(p.split(b"\r\n")[1], p.split(b"WARC-Target-URI: ")[1].split(b"\r\n")[0])
                  for p in members(open(a["warc"], "rb").read())[1:]]
    expected = [uri.encode() for uri in (g.uri for g in sorted(groups, key=Group.sort_key)) for _ in range(2)]
    assert [u for _, u in types_uris] == expected
    assert [t for t, _ in types_uris] == [b"WARC-Type: request", b"WARC-Type: response"] * 5
    # every record points at the warcinfo record
    info_id = members(open(a["warc"], "rb").read())[0].split(b"WARC-Record-ID: ")[1].split(b"\r\n")[0].decode()
    assert all(r.get("WARC-Warcinfo-ID") == info_id for g in groups for r in g.recs)


def test_copied_records_keep_their_blocks_and_get_valid_dates_and_digests(shared, tmp_path, capsys):
    stats = collections.Counter()
    groups = src_clueweb(shared, stats)
    assert len(groups) == 29 and stats["clueweb_date_fixed"] == 29
    # ClueWeb's payload digests repeat the block digest: all 29 are recomputed, block digests are right
    assert stats["payload_digest_fixed"] == 29 and stats["block_digest_fixed"] == 0
    from fastwarc.warc import ArchiveIterator

    with open(FIXTURES / "warc" / "clueweb-quirk.warc.gz", "rb") as f:
        originals = {r.headers.get("WARC-Record-ID"): r.reader.read()
                     for r in ArchiveIterator(f, parse_http=False, quirks_mode=True)}
    for g in groups:
        assert g.recs[0].block == originals[g.recs[0].get("WARC-Record-ID")]  # byte for byte
    res = build_mod.write_sample(groups, str(tmp_path))
    pages = [p for p in read_warc(res["warc"], AnnotateConfig()) if isinstance(p, PageRecord)]
    assert len(pages) == 29
    assert all(p.crawl_date is not None for p in pages)  # the invalid 0.18 dates were replaced
    assert verify(res["warc"]) == 0
    assert "records with digest problems: 0" in capsys.readouterr().out


# --------------------------------------------------------------------------
# charsets: the pipeline's sniffing, labels kept as written
# --------------------------------------------------------------------------


def test_legacy_charset_goes_into_the_http_header_as_written_and_the_pipeline_decodes_it(tmp_path):
    body = (CHARSETS / "shift_jis.ooganemochi.com.xml").read_bytes()
    declared = declared_charset(body)
    assert declared == "Shift_JIS"  # as the document spells it ...
    assert charset_from_markup(body) == "shift_jis"  # ... where the pipeline normalises it
    stats = collections.Counter()
    assert header_charset(0, body, declared, stats, "chardet") == ("Shift_JIS", "")
    assert header_charset(1, body, declared, stats, "chardet") == (None, "")  # every other file: none
    assert not stats

    with_header = make_capture("chardet", "html/chardet-legacy-ja/SHIFT_JIS/ooganemochi.com.xml",
                               "http://www.ooganemochi.com/atom.xml", utc(2006, 1, 10),
                               html_ctype("application/atom+xml", "Shift_JIS"), body, {})
    without = make_capture("chardet", "html/chardet-legacy-ja/SHIFT_JIS/ooganemochi.com.xml#2",
                           "http://www.ooganemochi.com/atom2.xml", utc(2006, 1, 10),
                           html_ctype("application/atom+xml", None), body, {})
    assert b"\r\nContent-Type: application/atom+xml; charset=Shift_JIS\r\n" in with_header.recs[1].block
    res = build_mod.write_sample([with_header, without], str(tmp_path))
    pages = {p.url: p for p in read_warc(res["warc"], AnnotateConfig()) if isinstance(p, PageRecord)}
    a = decode_html(pages[with_header.uri].body, pages[with_header.uri].content_type)
    b = decode_html(pages[without.uri].body, pages[without.uri].content_type)
    assert (a.charset, a.source) == ("cp932", "header")
    assert (b.charset, b.source) == ("cp932", "meta")
    assert a.text == b.text and "<title>ブログで大金持ち</title>" in a.text
    # records.tsv: the header charset as written, the declared one for both
    assert [(r[6], r[7]) for r in sorted(res["rows"])] == [("Shift_JIS", ""), ("", "")]
    assert header_charset_label(pages[with_header.uri].content_type) == "Shift_JIS"
    assert charset_from_content_type(pages[with_header.uri].content_type) == "shift_jis"


def test_chardet_rows_header_every_other_file_and_lang_from_pipeline_decoding(shared, tmp_path):
    res = build_mod.write_sample(chardet_groups(shared), str(tmp_path))
    rows = {r[2].split("/", 2)[2]: r for r in res["rows"]}
    # (charset in the HTTP header, declared in the document, mime) in sorted file order 0..4
    assert {k: (r[6], r[7], r[5]) for k, r in rows.items()} == {
        "CP932/www2.chuo-u.ac.jp-suishin.xml": ("x-sjis", "x-sjis", "text/html"),  # 0: header
        "EUC-JP/manana.moo.jp.xml": ("", "EUC-JP", "text/xml"),  # 1: none
        "SHIFT_JIS/_chromium_Shift-JIS_with_no_encoding_specified.html": ("", "", "text/html"),  # never
        "SHIFT_JIS/ooganemochi.com.xml": ("", "Shift_JIS", "application/atom+xml"),  # 3: none
        "iso-2022-jp/_ude_1.txt": ("", "", "text/plain"),
    }
    # undeclared Shift_JIS and 7-bit ISO-2022-JP too: decoded the pipeline's way, all pass the ja check
    assert [r[8] for r in res["rows"]] == ["ja"] * 5
    tsv = (tmp_path / "records.tsv").read_text(encoding="utf-8").splitlines()
    assert tsv[0].split("\t")[:3] == ["uri", "source", "source_path"] and len(tsv) == 6


def test_mislabelled_utf8_gets_a_utf8_header():
    real = (CHARSETS / "euc-jp.manana.moo.jp.xml").read_bytes()
    # what the test collections did: re-serialised as UTF-8, the declaration left as it was
    reserialised = real.decode("euc_jp").encode("utf-8")
    assert declared_charset(reserialised) == "EUC-JP"
    assert is_mislabelled_utf8(reserialised, "EUC-JP")
    assert not is_mislabelled_utf8(real, "EUC-JP")
    assert not is_mislabelled_utf8(reserialised, "utf8")  # declares UTF-8 (any spelling): not mislabelled
    assert not is_mislabelled_utf8(b"<?xml version='1.0' encoding='Shift_JIS'?><a/>", "Shift_JIS")  # ASCII
    stats = collections.Counter()
    assert header_charset(1, reserialised, "EUC-JP", stats, "postlight") == ("UTF-8", "declares EUC-JP, bytes are UTF-8")
    assert stats == {"mislabelled": 1, "mislabelled:postlight": 1}
    assert decode_html(reserialised, "text/xml; charset=UTF-8").text == real.decode("euc_jp")


def test_declared_charset_is_the_pipelines_except_spelling_and_scan_window():
    for f in sorted(CHARSETS.iterdir()):
        body = f.read_bytes()
        assert normalise_label(declared_charset(body)) == charset_from_markup(body), f.name
    # a <meta charset> past the pipeline's window still counts as declared (a real trafilatura page does this)
    late = b"<html><head><title>t</title>" + b"<!-- padding -->\n" * (META_SCAN_BYTES // 16) + b'<meta charset="UTF-8">'
    assert len(late) > META_SCAN_BYTES
    assert declared_charset(late) == "UTF-8" and charset_from_markup(late) == ""
    # cheerio's re-serialised http-equiv with value= instead of content=
    assert declared_charset(b'<meta http-equiv="Content-Type" value="text/html; charset=Shift_JIS">') == "Shift_JIS"


# --------------------------------------------------------------------------
# MANIFEST.md / LICENSES.md
# --------------------------------------------------------------------------


def one_capture_per_source():
    body = (CHARSETS / "euc-jp.manana.moo.jp.xml").read_bytes()
    return [make_capture(src, f"html/{src}/SHIFT_JIS/page.xml", f"http://{src}.example/", utc(2020, 1, 1),
                         "text/xml", body, {"declared": "EUC-JP"}) for src in SOURCE_NAMES]


def test_manifest_and_licences_list_every_source(tmp_path):
    assert set(SOURCE_NAMES) == {s for s, _, _ in SOURCE_DESC} == {r[0] for r in LICENCE_ROWS}
    res = build_mod.write_sample(one_capture_per_source(), str(tmp_path))
    manifest, licences = manifest_text(res), licenses_text(res)
    for src in SOURCE_NAMES:
        assert f"| `{src}` | " in manifest, src
        assert f"| `{src}` | 2 | " in licences, src  # request + response
    assert f"sha256 `{res['sha256']}`" in manifest
    assert f"`sample.warc.gz`: {res['size']:,} bytes, {1 + 2 * len(SOURCE_NAMES)} records" in manifest
    assert manifest.endswith("\n") and not manifest.endswith("\n\n\n")

    extra = make_capture("mystery", "html/mystery/x.html", "http://mystery.example/", utc(2020, 1, 1),
                         "text/html", b"<p>x</p>", {})
    res = build_mod.write_sample(one_capture_per_source() + [extra], str(tmp_path / "extra"))
    with pytest.raises(ValueError, match="mystery"):
        manifest_text(res)
    with pytest.raises(ValueError, match="mystery"):
        licenses_text(res)


# --------------------------------------------------------------------------
# --verify
# --------------------------------------------------------------------------


def test_verify_detects_a_corrupted_record(shared, tmp_path, capsys):
    res = build_mod.write_sample(chardet_groups(shared), str(tmp_path))
    path = res["warc"]
    assert verify(path) == 0
    assert "records with digest problems: 0" in capsys.readouterr().out
    good = open(path, "rb").read()
    parts = members(good)

    # one payload byte changed in a response, re-compressed into a valid gzip member: digests catch it
    k = next(i for i, p in enumerate(parts) if b"WARC-Type: response" in p)
    i = parts[k].index(b"<title>")
    parts[k] = parts[k][:i] + b"<TITLE>" + parts[k][i + 7:]
    open(path, "wb").write(compress_members(parts))
    assert verify(path) == 1
    assert "records with digest problems: 1" in capsys.readouterr().out

    # a damaged gzip stream is reported too (not a traceback)
    broken = bytearray(good)
    broken[len(good) // 2] ^= 0xFF
    open(path, "wb").write(bytes(broken))
    assert verify(path) == 1
    assert "fastwarc: cannot read past record" in capsys.readouterr().out


# --------------------------------------------------------------------------
# the whole build (needs ../shared/data)
# --------------------------------------------------------------------------


@pytest.mark.skipif(not SHARED_DATA.exists(), reason="needs the staged corpus ../shared/data")
def test_full_build_reproduces_the_committed_sample(tmp_path):
    res = build_mod.build(str(SHARED_DATA), str(tmp_path))
    sample = REPO / "data" / "sample"
    new, old = open(res["warc"], "rb").read(), (sample / "sample.warc.gz").read_bytes()
    # the records are the same byte for byte; the compressed bytes depend on the zlib build as well
    assert members(new) == members(old)
    for name in ("records.tsv", "LICENSES.md"):
        assert (tmp_path / name).read_bytes() == (sample / name).read_bytes(), name
    if new == old:
        assert (tmp_path / "MANIFEST.md").read_bytes() == (sample / "MANIFEST.md").read_bytes()
    for lic in (sample / "licenses").rglob("*"):
        if lic.is_file():
            assert (tmp_path / lic.relative_to(sample)).read_bytes() == lic.read_bytes()
