"""Reading real, quirky WARCs: every record is either a page or a named drop, nothing raises."""

import gzip
from collections import Counter

from pipeline.annotate.config import AnnotateConfig
from pipeline.annotate.reasons import Drop
from pipeline.annotate.read import Dropped, PageRecord, clean_uri, dechunk, decompress, read_warc

CONFIG = AnnotateConfig()


def outcomes(path, config=CONFIG):
    items = list(read_warc(str(path), config))
    return items, Counter(i.reason.value if isinstance(i, Dropped) else "page" for i in items)


def test_clueweb09_ja_warc018_with_invalid_dates(fixtures):
    # WARC/0.18, dates like 2008-10-294T..., "Content-Encoding: gzip" over plain bodies, EUC-JP.
    items, counts = outcomes(fixtures / "warc" / "clueweb-quirk.warc.gz")
    assert counts == {"page": 29, "non_response": 1}
    pages = [i for i in items if isinstance(i, PageRecord)]
    assert all(p.host == "www.uraharajuku.st" for p in pages)
    assert all(p.body.lstrip().lower().startswith(b"<html") for p in pages)  # not "decompressed" into garbage
    assert all(p.crawl_date is None for p in pages)  # invalid dates become null, not an exception


def test_truncated_record_is_counted_not_kept(fixtures):
    items, counts = outcomes(fixtures / "warc" / "clipped.warc.gz")
    assert counts == {"truncated": 1}
    assert "75207 of 88275" in items[0].detail


def test_wget_warc_uris_in_angle_brackets_and_chunked_bodies(fixtures):
    items, counts = outcomes(fixtures / "warc" / "sample-0001.warc.gz")
    pages = [i for i in items if isinstance(i, PageRecord)]
    assert counts["page"] == 15
    assert all(not p.url.startswith("<") for p in pages)
    # chunked bodies are de-chunked: the first bytes are markup, not a hex chunk size
    assert all(p.body.lstrip()[:1] == b"<" for p in pages)


def test_record_two_bytes_short_is_kept_but_limits_apply(fixtures):
    _, counts = outcomes(fixtures / "warc" / "test.warc")
    assert counts == {"page": 4, "non_response": 1}
    _, counts = outcomes(fixtures / "warc" / "test.warc", AnnotateConfig(max_record_bytes=10_000))
    assert counts["too_large"] >= 1 and counts["page"] < 4


def test_corrupt_gzip_in_the_middle_keeps_records_before_it(fixtures, tmp_path):
    good = (fixtures / "warc" / "clueweb-quirk.warc.gz").read_bytes()
    broken = tmp_path / "broken.warc.gz"
    # the real file, then garbage where the next gzip member should start
    broken.write_bytes(good + b"\x1f\x8b\x08\x00garbage-not-deflate" + b"\x00" * 100)
    items, counts = outcomes(broken)
    assert counts["page"] == 29
    assert counts.get("warc_read_error", 0) + counts.get("non_response", 0) >= 1


def test_not_a_warc_and_empty_file(tmp_path):
    junk = tmp_path / "junk.warc.gz"
    junk.write_bytes(gzip.compress(b"this is not a WARC file\n" * 100))
    _, counts = outcomes(junk)
    assert counts.get("page", 0) == 0
    empty = tmp_path / "empty.warc.gz"
    empty.write_bytes(b"")
    assert outcomes(empty)[1].get("page", 0) == 0


def test_gzip_bomb_is_stopped_at_the_limit():
    bomb = gzip.compress(b"<html>" + b"a" * (30 * 1024 * 1024))
    assert len(bomb) < 100_000
    try:
        decompress(bomb, "gzip", 1024 * 1024)
    except Exception as exc:
        assert "expands past" in str(exc)
    else:
        raise AssertionError("bomb was not stopped")
    # declared gzip over a plain body (ClueWeb09) is passed through
    assert decompress(b"<html>plain</html>", "gzip", 100) == b"<html>plain</html>"


def test_dechunk_and_uri_cleaning():
    assert dechunk(b"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n") == b"hello world"
    assert clean_uri("<https://example.jp/a>") == "https://example.jp/a"
    assert Drop.TRUNCATED.value == "truncated"
