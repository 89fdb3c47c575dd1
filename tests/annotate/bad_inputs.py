"""Generate the bad-input WARC suite from real records (run as a script, or imported by tests).

Every file wraps its defect between real Japanese pages (ClueWeb09-ja shop pages from
``tests/fixtures/warc/clueweb-quirk.warc.gz``), so a test can check that the good records around a
defect survive. ``python tests/bad_inputs.py OUT_DIR`` writes them all and prints what each holds.
"""

from __future__ import annotations

import gzip
import os
import random
import sys
from pathlib import Path

from fastwarc.warc import ArchiveIterator, WarcRecordType

from tests.helpers import FIXTURES
QUIRK = FIXTURES / "warc" / "clueweb-quirk.warc.gz"


def good_pages(n: int = 4) -> list[tuple[str, bytes]]:
    """(URL, HTTP block) of the first ``n`` real EUC-JP shop pages."""
    out = []
    for rec in ArchiveIterator(str(QUIRK), parse_http=False, quirks_mode=True, fsspec_args=False, record_types=WarcRecordType.response):
        out.append((rec.headers.get("WARC-Target-URI"), rec.reader.read()))
        if len(out) == n:
            break
    return out


def record(url: str, block: bytes, version: str = "WARC/1.0", date: str = "2009-01-01T00:00:00Z", length: int | None = None, rid: int = 0) -> bytes:
    head = (
        f"{version}\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\nWARC-Date: {date}\r\n"
        f"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{rid:012d}>\r\n"
        f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(block) if length is None else length}\r\n\r\n"
    )
    return head.encode() + block + b"\r\n\r\n"


def member(raw: bytes) -> bytes:
    return gzip.compress(raw, mtime=0)


def http(body: bytes, content_type: str = "text/html", extra: str = "") -> bytes:
    return f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\n{extra}Content-Length: {len(body)}\r\n\r\n".encode() + body


def ja_html(text: str = "これは日本語のページです。ひらがなとカタカナが含まれています。" * 20) -> bytes:
    return f"<html><head><title>テスト</title></head><body><article><p>{text}</p></article></body></html>".encode("utf-8")


def build_all(out: Path) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    pages = good_pages(4)
    good = [member(record(u, b, rid=i + 1)) for i, (u, b) in enumerate(pages)]
    rnd = random.Random(0)
    files: dict[str, bytes] = {}

    # 1. a gzip member cut in the middle (the file ends there): the two good records before it survive
    cut = member(record(*pages[2], rid=3))
    files["truncated_gzip"] = good[0] + good[1] + cut[: len(cut) // 2]
    # 2. garbage between records
    files["garbage_between"] = good[0] + bytes(rnd.randrange(256) for _ in range(2000)) + good[1] + good[2]
    # 3. not a WARC at all
    files["not_a_warc"] = gzip.compress(b"<html><body>just a page, no WARC headers</body></html>\n" * 50, mtime=0)
    # 4. Content-Length that lies (too short by 500 bytes), then good records
    u, b = pages[1]
    files["wrong_content_length"] = good[0] + member(record(u, b, length=len(b) - 500, rid=9)) + good[2] + good[3]
    # 5. WARC/0.18 with an invalid date and a <...>-wrapped URI
    files["warc018_bad_date"] = member(record(f"<{pages[0][0]}>", pages[0][1], version="WARC/0.18", date="2008-10-294T05:21:46-0700", rid=1)) + good[1]
    # 6. binary bytes labelled text/html
    files["binary_as_html"] = good[0] + member(record("http://example.jp/bin", http(os.urandom(0) + bytes(rnd.randrange(256) for _ in range(30000))), rid=7)) + good[1]
    # 7. a page whose declared charset lies: EUC-JP bytes, header says UTF-8 (the <meta> is right)
    body = "<html><head><meta http-equiv='Content-Type' content='text/html; charset=EUC-JP'></head><body><p>{}</p></body></html>".format(
        "東京都の天気は晴れです。明日は雨が降るでしょう。" * 20
    ).encode("euc_jp")
    files["charset_lies"] = member(record("http://example.jp/euc", http(body, "text/html; charset=utf-8"), rid=5)) + good[0]
    # 8. a 50 MB page (compresses to ~50 KB; must be skipped as too_large without being read into memory)
    big = b"<html><body>" + "大きなページです。".encode() * (50 * 1024 * 1024 // 27) + b"</body></html>"
    files["page_50mb"] = good[0] + member(record("http://example.jp/big", http(big), rid=8)) + good[1]
    # 9. 10,000-deep nesting around Japanese text
    deep = b"<html><body>" + b"<div>" * 10_000 + ja_html() + b"</div>" * 10_000 + b"</body></html>"
    files["deep_nesting"] = good[0] + member(record("http://example.jp/deep", http(deep), rid=6)) + good[1]
    # 10. a gzip bomb: Content-Encoding gzip, 200 MB of zeros in ~200 KB
    bomb = gzip.compress(b"\0" * (200 * 1024 * 1024), compresslevel=9, mtime=0)
    files["gzip_bomb"] = good[0] + member(record("http://example.jp/bomb", http(bomb, extra="Content-Encoding: gzip\r\n"), rid=4)) + good[1]
    # 11. an empty file
    files["empty"] = b""
    paths = {}
    for name, data in files.items():
        p = out / f"{name}.warc.gz"
        p.write_bytes(data)
        paths[name] = p
    # 12. a paths list naming a missing file (and one good file)
    listing = out / "with_missing.paths"
    listing.write_text(f"{paths['warc018_bad_date']}\n{out / 'does-not-exist.warc.gz'}\n")
    paths["paths_list_with_missing"] = listing
    return paths


if __name__ == "__main__":
    for name, path in build_all(Path(sys.argv[1] if len(sys.argv) > 1 else "bad-inputs")).items():
        print(f"{name:28s} {path} {path.stat().st_size} bytes")
