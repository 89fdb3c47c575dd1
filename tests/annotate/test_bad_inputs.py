"""The bad-input suite (issue #8): each defect is counted under a named reason with file and offset,
the good records around it are kept, memory stays bounded, and the job as a whole finishes."""

import json
import subprocess
import sys

import pytest

from pipeline.annotate.job import annotate_warc
from pipeline.annotate.config import AnnotateConfig
from pipeline.annotate.run import run_annotate
from pipeline.annotate.inputs import expand_inputs

from tests.annotate.bad_inputs import build_all
from tests.helpers import REPO


@pytest.fixture(scope="module")
def bad(tmp_path_factory):
    return build_all(tmp_path_factory.mktemp("bad"))


def annotate(path, tmp_path, **config):
    return annotate_warc(str(path), tmp_path, AnnotateConfig(**config))


# name -> (kept, {reason: count}) ; the good records are real ClueWeb09-ja pages (EUC-JP)
EXPECTED = {
    "truncated_gzip": (2, {"truncated": 1}),
    "garbage_between": (3, {"warc_read_error": 1}),  # resynchronised on the next gzip member
    "not_a_warc": (0, {"warc_read_error": 1}),
    "wrong_content_length": (4, {}),  # the short record is read as far as it claims; its neighbours intact
    "warc018_bad_date": (2, {}),
    "binary_as_html": (2, {"decode_error": 1}),
    "charset_lies": (2, {}),  # header says UTF-8, bytes and <meta> say EUC-JP: decoded from the meta
    "page_50mb": (2, {"too_large": 1}),
    "deep_nesting": (2, {"no_text": 1}),
    "gzip_bomb": (2, {"too_large": 1}),
    "empty": (0, {}),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_defect_is_counted_and_good_records_survive(bad, tmp_path, name):
    kept, reasons = EXPECTED[name]
    stats = annotate(bad[name], tmp_path)
    assert stats["kept"] == kept
    assert stats["dropped"] == reasons
    for failure in stats["failures"]:
        assert failure["reason"] in reasons and isinstance(failure["offset"], int)


def test_failures_carry_the_offset_of_the_bad_record(bad, tmp_path):
    stats = annotate(bad["gzip_bomb"], tmp_path)
    (failure,) = stats["failures"]
    with open(bad["gzip_bomb"], "rb") as fh:
        fh.seek(failure["offset"])
        assert fh.read(3) == b"\x1f\x8b\x08"  # the offset is the start of the bomb's gzip member
    assert failure["url"] == "http://example.jp/bomb" and "expands past" in failure["detail"]


def test_charset_lie_decodes_to_real_japanese(bad, tmp_path):
    import pyarrow.parquet as pq

    from pipeline.annotate.job import shard_paths

    annotate(bad["charset_lies"], tmp_path)
    rows = pq.read_table(shard_paths(str(bad["charset_lies"]), tmp_path)[0], columns=["url", "charset", "text"]).to_pylist()
    lie = [r for r in rows if r["url"] == "http://example.jp/euc"][0]
    assert lie["charset"] == "euc_jp" and lie["text"].startswith("東京都の天気は晴れです。")


@pytest.mark.parametrize("name", ["page_50mb", "gzip_bomb"])
def test_memory_stays_bounded_on_huge_pages(bad, tmp_path, name):
    """Peak RSS of a fresh process annotating the file stays far below the page's 50-200 MB."""
    code = (
        "import resource, sys; from pipeline.annotate.job import annotate_warc; "
        "annotate_warc(sys.argv[1], sys.argv[2]); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)"
    )
    baseline = subprocess.run([sys.executable, "-c", code, str(bad["empty"]), str(tmp_path / "e")], capture_output=True, text=True, check=True, cwd=REPO)
    run = subprocess.run([sys.executable, "-c", code, str(bad[name]), str(tmp_path / "o")], capture_output=True, text=True, check=True, cwd=REPO)
    grew_mb = int(run.stdout.split()[-1]) - int(baseline.stdout.split()[-1])
    assert grew_mb < 120, f"{name}: peak RSS grew by {grew_mb} MB"


def test_the_whole_suite_in_one_ray_job(bad, tmp_path, ray_local):
    inputs = expand_inputs([str(p) for n, p in sorted(bad.items())])
    summary = run_annotate(inputs, tmp_path, AnnotateConfig(), executor="ray", show_progress=False)
    assert [(f["failed"], f["input"].endswith("does-not-exist.warc.gz")) for f in summary["inputs_failed"]] == [("input_missing", True)]
    assert summary["kept"] == sum(k for k, _ in EXPECTED.values())
    for reason in ("truncated", "warc_read_error", "decode_error", "too_large", "no_text"):
        assert summary["dropped"][reason] >= 1
    assert all({"input", "reason", "offset"} <= set(f) for f in summary["failures"])
    assert json.loads((tmp_path / "funnel.json").read_text())["kept"] == summary["kept"]
