"""The annotate job end to end: real WARCs in, Parquet shards + funnel out, on Ray and in-process."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pyarrow.parquet as pq
import pytest

from pipeline.annotate.job import annotate_warc, shard_paths
from pipeline.annotate.config import AnnotateConfig
from pipeline.annotate.run import run_annotate
from pipeline.annotate.inputs import expand_inputs
from pipeline.annotate.schema import SHARD_SCHEMA

from tests.helpers import REPO, SAMPLE_WARC


def shard_bytes(out_dir):
    return {p.name: p.read_bytes() for p in sorted((out_dir / "shards").glob("*.parquet"))}


def funnel_adds_up(stats: dict) -> bool:
    """Every record read is either kept or dropped under exactly one reason (a stream break is
    counted once more, as warc_read_error, without being a record)."""
    dropped = sum(stats["dropped"].values()) - stats["dropped"].get("warc_read_error", 0)
    return stats["records_in"] == stats["kept"] + dropped


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory, ray_local):
    out = tmp_path_factory.mktemp("sample")
    summary = run_annotate([str(SAMPLE_WARC)], out, AnnotateConfig(), executor="ray", show_progress=False)
    return out, summary


def test_sample_becomes_one_shard_of_japanese_pages(sample_run):
    out, summary = sample_run
    shard, stats_path = shard_paths(str(SAMPLE_WARC), out)
    table = pq.read_table(shard)
    assert table.schema.equals(SHARD_SCHEMA, check_metadata=False)
    stats = json.loads(stats_path.read_text())
    assert summary["inputs_done"] == 1 and summary["inputs_failed"] == []
    assert table.num_rows == stats["kept"] == summary["kept"]
    assert funnel_adds_up(stats)
    # The sample holds ~700 real Japanese pages among non-Japanese, non-HTML, request and metadata records.
    assert table.num_rows > 600
    for reason in ("non_response", "not_japanese_precheck", "mime", "http_status"):
        assert stats["dropped"].get(reason, 0) > 0, reason
    rows = table.select(["doc_id", "url", "lid_label", "lid_ja_score", "charset", "text", "warc_offset"]).to_pylist()
    assert len({r["doc_id"] for r in rows}) == len(rows)
    assert all(r["lid_label"] == "ja" and r["lid_ja_score"] >= 0.5 for r in rows)
    assert all(r["text"].strip() for r in rows)
    charsets = {r["charset"] for r in rows}
    # real legacy pages of the sample decode in their own charsets
    assert {"utf-8", "euc_jp", "cp932"} <= charsets
    shop = [r for r in rows if "uraharajuku.st" in r["url"]]
    assert shop and all(r["charset"] == "euc_jp" for r in shop)
    assert (out / "funnel.json").exists()


def test_shard_rows_point_back_at_their_warc_records(sample_run):
    from fastwarc.warc import ArchiveIterator

    out, _ = sample_run
    shard, _ = shard_paths(str(SAMPLE_WARC), out)
    rows = pq.read_table(shard, columns=["url", "warc_offset"]).to_pylist()[:20]
    with open(SAMPLE_WARC, "rb") as fh:
        for row in rows:
            fh.seek(row["warc_offset"])
            rec = next(iter(ArchiveIterator(fh, parse_http=False, fsspec_args=False)))
            assert rec.headers.get("WARC-Target-URI").strip("<>") == row["url"]


def test_ray_and_in_process_runs_give_byte_identical_shards(sample_run, tmp_path):
    out, _ = sample_run
    local = tmp_path / "local"
    run_annotate([str(SAMPLE_WARC)], local, AnnotateConfig(), executor="local", show_progress=False)
    assert shard_bytes(local) == shard_bytes(out)


def test_bad_inputs_never_stop_the_job(ray_local, tmp_path, fixtures):
    garbage = tmp_path / "garbage.warc.gz"
    garbage.write_bytes(os.urandom(5000))
    empty = tmp_path / "empty.warc.gz"
    empty.write_bytes(b"")
    listing = tmp_path / "local.paths"
    listing.write_text(f"{fixtures / 'warc' / 'clueweb-quirk.warc.gz'}\n{tmp_path / 'missing.warc.gz'}\n")
    inputs = expand_inputs([str(listing), str(fixtures / "warc" / "clipped.warc.gz"), str(garbage), str(empty)])
    out = tmp_path / "out"
    summary = run_annotate(inputs, out, AnnotateConfig(), executor="ray", show_progress=False)
    assert [f["failed"] for f in summary["inputs_failed"]] == ["input_missing"]
    assert summary["inputs_done"] == 4
    assert summary["kept"] == 29  # all ClueWeb09-ja shop pages
    assert summary["dropped"]["truncated"] == 1
    clipped_failure = [f for f in summary["failures"] if f["reason"] == "truncated"][0]
    assert clipped_failure["input"].endswith("clipped.warc.gz") and clipped_failure["offset"] == 0
    for path in inputs[:1] + inputs[2:]:
        shard, _ = shard_paths(path, out)
        assert shard.exists()  # even an empty or garbage WARC gets a (0-row) shard: it is done


def test_rerun_skips_finished_warcs_and_redoes_the_rest(tmp_path, fixtures):
    inputs = [str(fixtures / "warc" / "clueweb-quirk.warc.gz"), str(fixtures / "warc" / "sample-0001.warc.gz")]
    clean = tmp_path / "clean"
    run_annotate(inputs, clean, AnnotateConfig(), executor="local", show_progress=False)
    resumed = tmp_path / "resumed"
    run_annotate(inputs[:1], resumed, AnnotateConfig(), executor="local", show_progress=False)
    first_shard, _ = shard_paths(inputs[0], resumed)
    mtime = first_shard.stat().st_mtime_ns
    summary = run_annotate(inputs, resumed, AnnotateConfig(), executor="local", show_progress=False)
    assert summary["inputs_skipped_already_done"] == 1
    assert first_shard.stat().st_mtime_ns == mtime  # not rewritten
    assert shard_bytes(resumed) == shard_bytes(clean)
    assert summary["kept"] == json.loads((clean / "funnel.json").read_text())["kept"]


def test_a_failure_mid_shard_leaves_no_shard_and_no_temp_file(tmp_path, fixtures):
    class DiesOnTheTenthPage:
        """A tagger whose worker dies mid-shard, after row groups were already flushed."""

        name = "dies"
        columns = {}

        def __init__(self):
            self.n = 0

        def tag(self, page):
            self.n += 1
            if self.n == 10:
                raise RuntimeError("worker dies here")
            return {}

    warc = str(fixtures / "warc" / "clueweb-quirk.warc.gz")
    with pytest.raises(RuntimeError):
        annotate_warc(warc, tmp_path, AnnotateConfig(rows_per_row_group=4), extra_taggers=[DiesOnTheTenthPage()])
    assert list((tmp_path / "shards").iterdir()) == []  # row groups were flushed, yet nothing is visible
    stats = annotate_warc(warc, tmp_path, AnnotateConfig(rows_per_row_group=4))
    assert stats["kept"] == 29 and "skipped" not in stats


def test_killed_driver_then_rerun_equals_clean_run(tmp_path, fixtures):
    """SIGKILL the CLI mid-job: every visible shard is complete; the re-run finishes the rest."""
    inputs = [str(SAMPLE_WARC), str(fixtures / "warc" / "clueweb-quirk.warc.gz"), str(fixtures / "warc" / "sample-0001.warc.gz")]
    cmd = [sys.executable, "-m", "pipeline", "annotate", *inputs, "--executor", "local", "--no-progress"]
    killed = tmp_path / "killed"
    proc = subprocess.Popen([*cmd, "--out", str(killed)], cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(4.0)  # inside the sample WARC (takes ~10 s)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    for parquet in (killed / "shards").glob("*.parquet"):
        pq.read_table(parquet)  # whatever is visible is a complete Parquet file
    subprocess.run([*cmd, "--out", str(killed)], cwd=REPO, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for tmp in (killed / "shards").glob("*.tmp-*"):
        tmp.unlink()  # a killed process's temp file is garbage by design; it never had the real name
    clean = tmp_path / "clean"
    subprocess.run([*cmd, "--out", str(clean)], cwd=REPO, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert shard_bytes(killed) == shard_bytes(clean)


def test_config_file_overrides_and_rejects_unknown_keys(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text("lid_min_score: 0.9\nprefilter_min_kana: 2\n")
    config = AnnotateConfig.from_yaml(good)
    assert (config.lid_min_score, config.prefilter_min_kana) == (0.9, 2)
    bad = tmp_path / "bad.yaml"
    bad.write_text("lid_min_scor: 0.9\n")
    with pytest.raises(ValueError, match="unknown setting.*lid_min_scor"):
        AnnotateConfig.from_yaml(bad)
    wrong_type = tmp_path / "wrong.yaml"
    wrong_type.write_text("max_record_bytes: lots\n")
    with pytest.raises(ValueError, match="max_record_bytes must be int"):
        AnnotateConfig.from_yaml(wrong_type)
    assert AnnotateConfig.from_yaml(REPO / "configs" / "annotate.yaml") == AnnotateConfig()


def test_paths_lists_globs_and_remote_urls(tmp_path, fixtures):
    import gzip

    listing = tmp_path / "warc.paths.gz"
    listing.write_bytes(gzip.compress(b"crawl-data/CC-MAIN-2024-22/segments/1/warc/a.warc.gz\n"))
    (tmp_path / "b.warc.gz").write_bytes(b"")
    got = expand_inputs([str(listing), str(tmp_path / "*.warc.gz"), "s3://commoncrawl/crawl-data/x.warc.gz"])
    assert got == [
        "https://data.commoncrawl.org/crawl-data/CC-MAIN-2024-22/segments/1/warc/a.warc.gz",
        str(tmp_path / "b.warc.gz"),
        "s3://commoncrawl/crawl-data/x.warc.gz",
    ]


def test_extraction_time_limit_counts_timeouts_and_the_job_goes_on(tmp_path, fixtures):
    warc = str(fixtures / "warc" / "clueweb-quirk.warc.gz")
    stats = annotate_warc(warc, tmp_path, AnnotateConfig(extract_timeout_s=0.0005))
    assert stats["dropped"].get("extract_timeout", 0) >= 20  # a 0.5 ms limit stops (nearly) every page
    assert stats["kept"] + stats["dropped"]["extract_timeout"] == 29
    assert any(f["reason"] == "extract_timeout" and f["offset"] > 0 for f in stats["failures"])


def test_every_shipped_variant_selects_on_the_sample_and_adds_up(sample_run):
    """annotate -> dedup -> select for every file in pipeline/variants (sweeps expanded)."""
    from pipeline.dedup.run import run_dedup
    from pipeline.select.run import available_columns, run_select
    from pipeline.select.variants import VARIANTS_DIR, expand_sweep, load_variant

    out, summary = sample_run
    run_dedup([str(p) for p in sorted((out / "shards").glob("*.parquet"))], out / "dedup", executor="local")
    columns = available_columns(out)
    kept = {}
    for path in sorted(VARIANTS_DIR.glob("*.yaml")):
        for variant in expand_sweep(load_variant(path.stem, columns)):
            report = run_select(variant, out, executor="local")
            assert report["docs_in"] == summary["kept"]
            for rule in report["rules"].values():
                assert rule["kept"] + rule["removed"] == report["docs_in"]
                assert rule["removed_only_by_this_rule"] <= rule["removed"]
            assert report["docs_kept"] == report["kept_by_rules"] - report["removed_by_dedup"]
            assert (out / "variants" / variant.name / "report.md").exists()
            kept[variant.name] = report["docs_kept"]
    assert kept["none"] == summary["kept"]  # Japanese only: nothing removed
    assert kept["strict"] <= kept["default"] <= kept["lenient"] <= kept["none"]
    sweep = [kept[f"sweep-min-letters@letters.min={v}"] for v in (0, 100, 200, 400, 800, 1600)]
    assert sweep == sorted(sweep, reverse=True)  # a higher minimum never keeps more
