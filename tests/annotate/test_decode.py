"""Decoding real Japanese pages in each legacy charset (files copied from chardet's test corpus)."""

import pytest

from pipeline.annotate.decode import DecodeError, charset_from_content_type, charset_from_markup, decode_html


def read(fixtures, name):
    return (fixtures / "charsets" / name).read_bytes()


@pytest.mark.parametrize(
    "name, content_type, codec, source, expected",
    [
        # Declared by <?xml encoding="Shift_JIS"?>; decoded as CP932 (its superset).
        ("shift_jis.ooganemochi.com.xml", None, "cp932", "meta", "<title>ブログで大金持ち</title>"),
        # Same file, the HTTP header wins over the markup.
        ("shift_jis.ooganemochi.com.xml", "text/xml; charset=Shift_JIS", "cp932", "header", "サーバー吹っ飛びぃ～の"),
        # No declaration anywhere: detected.
        ("shift_jis.undeclared.chromium.html", None, "cp932", "detected", "衆院議院運営委員会は９日午後の理事会で"),
        # x-sjis with Windows-only IBM extension characters (㈱, ⅰ, 纊): needs cp932, not shift_jis.
        ("cp932.www2.chuo-u.ac.jp-suishin.xml", None, "cp932", "meta", "㈱ № ℡ ∵ 纊 褜"),
        ("euc-jp.manana.moo.jp.xml", None, "euc_jp", "meta", "<title>らぐななな</title>"),
        # 7-bit ISO-2022-JP with no declaration: would pass as UTF-8 if escapes were not checked first.
        ("iso-2022-jp.ude_1.txt", None, "iso2022_jp_2", "detected", "コンソール アプリケーション : universalchardet プロジェクトの概要"),
    ],
)
def test_legacy_japanese_charsets_decode_to_the_real_text(fixtures, name, content_type, codec, source, expected):
    decoded = decode_html(read(fixtures, name), content_type)
    assert decoded.charset == codec
    assert decoded.source == source
    assert expected in decoded.text
    assert "\ufffd" not in decoded.text


def test_a_lying_header_is_not_trusted(fixtures):
    # The header says UTF-8 but the bytes are EUC-JP: the <?xml encoding?> declaration is used instead.
    decoded = decode_html(read(fixtures, "euc-jp.manana.moo.jp.xml"), "text/html; charset=utf-8")
    assert decoded.charset == "euc_jp" and decoded.source == "meta"
    assert "らぐななな" in decoded.text


def test_label_parsing():
    assert charset_from_content_type('text/html; charset="Shift_JIS"') == "shift_jis"
    assert charset_from_content_type("text/html") == ""
    assert charset_from_content_type("text/html; charset=ISO-8859-1") == "cp1252"  # WHATWG rule
    assert charset_from_markup(b'<meta http-equiv="Content-Type" content="text/html; charset=EUC-JP">') == "euc-jp"
    assert charset_from_markup(b"<meta charset=utf-8>") == "utf-8"


def test_utf8_bom_is_stripped():
    decoded = decode_html("\ufeff<p>日本語</p>".encode("utf-8"))
    assert decoded.text == "<p>日本語</p>" and decoded.source == "bom"


def test_random_bytes_are_a_decode_error_not_garbage():
    import random

    rnd = random.Random(0)
    garbage = bytes(rnd.randrange(128, 256) for _ in range(4000))
    with pytest.raises(DecodeError):
        decode_html(garbage, "text/html; charset=utf-8")
