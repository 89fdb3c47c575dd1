"""Heads from your own labels: `classifiers cv` / `train-head`, the p_<name> column, a variant rule on it."""

import json
import subprocess
import sys

import numpy as np
import pyarrow.parquet as pq
import pytest

from classifiers.heads import LabelsError, Labelled, fold_indices, load_labels, score, load_head
from pipeline.annotate.config import AnnotateConfig
from pipeline.annotate.job import annotate_warc, shard_paths
from pipeline.annotate.taggers.classifier import HeadTagger
from pipeline.select.variants import load_variant

from tests.helpers import FIXTURES, REPO


@pytest.fixture(scope="module")
def labels(tmp_path_factory):
    """Real hand-labelled documents (classifiers/eval): all affiliate ones and as many clean ones, site = source."""
    rows = [json.loads(line) for line in open(REPO / "classifiers" / "eval" / "labelled.jsonl", encoding="utf-8")]
    aff = [r for r in rows if r["label"] == "affiliate"][:60]
    clean = [r for r in rows if r["label"] == "clean"][:90]
    path = tmp_path_factory.mktemp("labels") / "mine.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for r in aff + clean:
            fh.write(json.dumps({"text": r["text"], "label": r["label"], "site": r["source"] + str(hash(r["url"]) % 7)}, ensure_ascii=False) + "\n")
    return path


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "classifiers", *args], cwd=REPO, capture_output=True, text=True, timeout=600)


def test_cv_prints_auc_of_the_head_and_the_fasttext_lemma_baseline(labels):
    proc = run_cli("cv", "--labels", str(labels), "--positive", "affiliate", "--folds", "3", "--group-field", "site")
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["n"] == 150 and result["folds"] == 3 and result["grouped"] is True
    assert 0.75 < result["roc_auc"] <= 1.0 and 0.5 <= result["roc_auc_fasttext_lemmas"] <= 1.0


def test_bad_label_files_are_refused_with_the_line(tmp_path, labels):
    three = tmp_path / "three.jsonl"
    three.write_text('{"text": "a", "label": "x"}\n{"text": "b", "label": "y"}\n{"text": "c", "label": "z"}\n', encoding="utf-8")
    proc = run_cli("cv", "--labels", str(three), "--positive", "x")
    assert proc.returncode == 2 and "exactly two label values" in proc.stderr
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"text": "a", "label": "x"}\nnot json\n', encoding="utf-8")
    with pytest.raises(LabelsError, match=r"broken.jsonl:2: not JSON"):
        load_labels(broken, "x")


def test_site_split_never_puts_a_site_on_both_sides(labels):
    data = load_labels(labels, "affiliate", group_field="site")
    for train, test in fold_indices(data, folds=3):
        assert not {data.groups[i] for i in train} & {data.groups[i] for i in test}
    ungrouped = Labelled(data.texts, data.y, None, "affiliate", "clean", "x")
    assert any({data.groups[i] for i in tr} & {data.groups[i] for i in te} for tr, te in fold_indices(ungrouped, folds=3))


def test_train_head_gives_a_column_the_annotate_job_stores_and_a_variant_selects_on(tmp_path, labels):
    heads = tmp_path / "heads"
    proc = run_cli("train-head", "aff_mine", "--labels", str(labels), "--positive", "affiliate", "--out", str(heads))
    assert proc.returncode == 0, proc.stderr[-2000:]
    model = load_head(heads / "aff_mine.npz")
    p = score(model, ["当サイトはアフィリエイトプログラムを利用しています。楽天市場で最安値をチェック！今すぐ購入はこちら",
                      "東京都は5日、新型の感染症に関する会議を開き、今後の対策について話し合った。", ""])
    assert p[0] > p[1] and p[2] == 0.0
    warc = str(FIXTURES / "warc" / "clueweb-quirk.warc.gz")
    annotate_warc(warc, tmp_path / "run", AnnotateConfig(classifier=False), extra_taggers=[HeadTagger(heads / "aff_mine.npz", enabled=False)])
    table = pq.read_table(shard_paths(warc, tmp_path / "run")[0])
    assert "p_aff_mine" in table.column_names and table["p_aff_mine"].null_count == table.num_rows  # head off: null
    annotate_warc(warc, tmp_path / "run2", AnnotateConfig(), extra_taggers=[HeadTagger(heads / "aff_mine.npz")])
    table = pq.read_table(shard_paths(warc, tmp_path / "run2")[0])
    values = np.asarray(table["p_aff_mine"].to_pylist())
    assert table["p_aff_mine"].null_count == 0 and ((values >= 0) & (values <= 1)).all()
    variant = tmp_path / "mine.yaml"
    variant.write_text("inherits: none\nrules:\n  not_mine: {signal: p_aff_mine, max: 0.5}\n", encoding="utf-8")
    v = load_variant(str(variant), {f.name: f.type for f in table.schema})
    assert v.rules["not_mine"].signal == "p_aff_mine"
