"""The raw-bytes pre-check: real Japanese pages pass in every encoding, non-Japanese do not."""

import pytest

from pipeline.annotate.prefilter import ja_prefilter


@pytest.mark.parametrize(
    "name, evidence",
    [
        ("shift_jis.ooganemochi.com.xml", "ja_charset"),  # declared Shift_JIS (or its bytes look like UTF-8 kana leads)
        ("euc-jp.manana.moo.jp.xml", "ja_charset"),
        ("iso-2022-jp.ude_1.txt", "iso2022_escape"),
        ("shift_jis.undeclared.chromium.html", "legacy_kana"),  # no declaration: Shift_JIS kana pairs
        ("entities.phpspot.org.html", "entity_kana"),  # Japanese only as &#x30DE; references
    ],
)
def test_real_japanese_pages_pass(fixtures, name, evidence):
    result = ja_prefilter((fixtures / "charsets" / name).read_bytes())
    assert result.keep
    if name != "shift_jis.ooganemochi.com.xml":
        assert result.evidence == evidence


def test_utf8_kana_are_counted_exactly():
    # こんにちは = 5 hiragana; 世界 = kanji (not kana); 、。 are punctuation (U+3001/3002, not kana)
    result = ja_prefilter("<p>こんにちは、世界。</p>".encode("utf-8"), min_kana=5)
    assert (result.keep, result.evidence, result.kana) == (True, "utf8_kana", 5)
    assert not ja_prefilter("<p>こんにちは、世界。</p>".encode("utf-8"), min_kana=6).keep


def test_chinese_page_without_kana_is_skipped():
    # A language menu that says 日本語 is all kanji: not evidence of a Japanese page.
    html = "<html><body><p>北京时间今天上午，国家统计局发布数据。</p><a href='/ja'>日本語</a></body></html>"
    assert not ja_prefilter(html.encode("utf-8")).keep
    assert not ja_prefilter(html.encode("gb18030"), "text/html; charset=gb2312").keep


def test_utf8_continuation_bytes_are_not_mistaken_for_euc_kana():
    # UTF-8 Chinese text contains byte pairs like A4 A1 inside characters; they must not count as EUC-JP kana.
    html = ("<p>" + "这是一个关于世界各地新闻的网站，" * 40 + "</p>").encode("utf-8")
    assert ja_prefilter(html).keep is False


def test_lang_attribute_alone_is_enough():
    assert ja_prefilter(b'<html lang="ja"><body>Tokyo</body></html>').evidence == "lang_attr"


def test_short_undeclared_euc_jp_page_passes_on_kana_share(fixtures):
    # 39 bytes, only 「ログイン」 (4 kana) in EUC-JP with no declaration: below min_kana=8, but every
    # non-ASCII byte pair is kana, which GB-encoded Chinese never looks like.
    body = (fixtures / "charsets" / "euc-jp.undeclared-short.mozilla.html").read_bytes()
    assert len(body) == 39
    result = ja_prefilter(body)
    assert (result.keep, result.evidence, result.kana) == (True, "legacy_kana", 4)
    chinese = ("<p>" + "北京时间今天上午国家统计局发布数据" * 5 + "</p>").encode("gb18030")
    assert not ja_prefilter(chinese).keep
