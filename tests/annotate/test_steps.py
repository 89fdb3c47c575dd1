"""The Stage/Tagger structure: one ordered list of steps gives the schema, the funnel keys and the timings."""

import json
from datetime import datetime, timezone

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.annotate.config import AnnotateConfig
from pipeline.annotate.job import annotate_warc, default_steps, shard_paths
from pipeline.annotate.reasons import Drop
from pipeline.annotate.schema import BASE_COLUMNS, SHARD_SCHEMA, shard_schema
from pipeline.annotate.stage import Funnel, Page, Reject, Rejected, Stage, Steps, Tagger

from tests.helpers import FIXTURES

SMALL_WARC = FIXTURES / "warc" / "clueweb-quirk.warc.gz"  # real ClueWeb09-ja pages (EUC-JP)


class KanjiRunTagger:
    """A toy signal family, as a newcomer would add one: the longest run of kanji in the text."""

    name = "kanji_run"
    columns = {"kanji_run_max": pa.int32()}

    def tag(self, page: Page) -> dict:
        best = run = 0
        for ch in page.text:
            run = run + 1 if "\u4e00" <= ch <= "\u9fff" else 0
            best = max(best, run)
        return {"kanji_run_max": best}


def test_a_registered_tagger_adds_its_column_to_the_shard(tmp_path):
    config = AnnotateConfig(classifier=False)
    stats = annotate_warc(str(SMALL_WARC), tmp_path, config, extra_taggers=[KanjiRunTagger()])
    shard, _ = shard_paths(str(SMALL_WARC), tmp_path)
    table = pq.read_table(shard)
    assert table.schema.names[-1] == "kanji_run_max" and table.schema.field("kanji_run_max").type == pa.int32()
    assert table.num_rows == stats["kept"] > 0
    # the value is the tagger's, computed on the stored text
    texts, runs = table["text"].to_pylist(), table["kanji_run_max"].to_pylist()
    assert runs == [KanjiRunTagger().tag(Page("", "", "", 0, None, "", None, text=t))["kanji_run_max"] for t in texts]
    assert max(runs) >= 2
    # its time is a funnel key of its own, in pipeline order (after the classifier, before write)
    keys = list(stats["seconds"])
    assert keys[keys.index("classifier") + 1] == "kanji_run" and keys[-2:] == ["write", "total"]


def test_schema_funnel_keys_and_timings_come_from_one_list():
    steps = default_steps(AnnotateConfig())
    assert steps.names == ["read", "prefilter", "decode", "extract", "langid", "quality", "ngwords", "host", "affiliate", "classifier", "write"]
    assert shard_schema(steps.taggers).equals(SHARD_SCHEMA)
    assert SHARD_SCHEMA.names[: len(BASE_COLUMNS)] == [c[0] for c in BASE_COLUMNS]
    assert all(isinstance(s, Stage) for s in steps.stages) and all(isinstance(t, Tagger) for t in steps.taggers)


def test_two_taggers_with_one_column_name_are_refused():
    class Again(KanjiRunTagger):
        name = "again"

    with pytest.raises(ValueError, match="repeats columns"):
        Steps([], [KanjiRunTagger(), Again()])
    with pytest.raises(ValueError, match="unique"):
        Steps([], [KanjiRunTagger(), KanjiRunTagger()])


def _page(text: str) -> Page:
    return Page("https://example.jp/", "example.jp", "<urn:1>", 0, datetime(2020, 1, 1, tzinfo=timezone.utc), "text/html", b"x", text=text)


def test_the_runner_counts_every_drop_by_reason_and_stops_at_the_first():
    calls = []

    class NeedsKana:
        name = "kana"

        def __call__(self, page):
            calls.append(page.text)
            return page if any("\u3041" <= c <= "\u30ff" for c in page.text) else Reject(Drop.NOT_JAPANESE_LID, "no kana")

    class NotEmpty:
        name = "short"

        def __call__(self, page):
            return page if len(page.text) > 3 else Drop.NO_TEXT

    steps = Steps([NeedsKana(), NotEmpty()], [KanjiRunTagger()])
    funnel = Funnel(steps.names)
    pages = [_page("日本語のテキストです"), _page("English only"), _page("かな"), Rejected(Drop.MIME, 10, "u")]
    kept = list(steps.run(pages, "input.warc", funnel))
    assert [p.text for p in kept] == ["日本語のテキストです"] and kept[0].columns == {"kanji_run_max": 3}
    assert funnel.dropped == {"not_japanese_lid": 1, "no_text": 1, "mime": 1} and funnel.kept == 1
    assert calls == ["日本語のテキストです", "English only", "かな"]  # the reader's reject never reaches a stage
    assert set(funnel.seconds) == set(steps.names) and kept[0].body is None  # payload released once tagged


def test_stage_counts_land_in_the_stats(tmp_path):
    stats = annotate_warc(str(SMALL_WARC), tmp_path, AnnotateConfig(classifier=False))
    counts = stats["stage_counts"]
    assert sum(counts["decode"].values()) >= stats["kept"] and sum(counts["prefilter"].values()) >= sum(counts["decode"].values())
    assert json.loads(shard_paths(str(SMALL_WARC), tmp_path)[1].read_text())["stage_counts"] == counts
