"""Dedup, read as a specification: real articles of the bundled sample in, clusters a reader can check.

The sample (data/sample) holds livedoor news articles (CC BY-ND 2.1 JP) with their exact and near
duplicates and the 29 pages of one ClueWeb09-ja shop (www.uraharajuku.st); records.tsv maps the
article files to URLs. The tests never read ../shared.
"""

import csv
import json
import random
import subprocess
import sys
import unicodedata

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from datasketch import LeanMinHash, MinHash

from pipeline.annotate.config import AnnotateConfig
from pipeline.dedup.run import CLUSTER_SCHEMA, main, run_dedup
from pipeline.dedup.components import forest_from_edges, merge_forests, roots_of
from pipeline.dedup.config import DedupConfig
from pipeline.dedup.normalize import normalize, normalize_reference
from tests.dedup.reference import reference_clusters
from pipeline.dedup.representatives import representatives
from pipeline.dedup.signatures import read_signatures
from pipeline.annotate.run import run_annotate
from pipeline.dedup.minhash import MinHasher, band_keys, estimate_jaccard, shingle_hash, shingles, to_datasketch

from tests.helpers import REPO, SAMPLE_WARC

# Seven groups of livedoor article files whose bodies are identical (data/sample/MANIFEST.md), less
# peachy-5869154/5869155: their bodies are empty, trafilatura falls back to the page's dated header.
EXACT_GROUPS = [
    ["dokujo-tsushin/dokujo-tsushin-6524058.txt", "dokujo-tsushin/dokujo-tsushin-6533086.txt"],
    ["dokujo-tsushin/dokujo-tsushin-6534759.txt", "dokujo-tsushin/dokujo-tsushin-6535527.txt"],
    ["livedoor-homme/livedoor-homme-5273364.txt", "livedoor-homme/livedoor-homme-5277504.txt", "livedoor-homme/livedoor-homme-5288129.txt"],
    ["peachy/peachy-4617719.txt", "peachy/peachy-4617840.txt"],
    ["peachy/peachy-6844976.txt", "peachy/peachy-6844977.txt"],
    ["topic-news/topic-news-6401347.txt", "topic-news/topic-news-6401348.txt"],
]
# Gold near-duplicate pairs (sentence Jaccard 0.81-0.86, character 5-gram Jaccard 0.87-0.92): the same
# S-MAX software-update notice, IT Life Hack column and press release, edited.
NEAR_PAIRS = [
    ("smax/smax-6887027.txt", "smax/smax-6899867.txt"),
    ("it-life-hack/it-life-hack-6761622.txt", "it-life-hack/it-life-hack-6778614.txt"),
    ("smax/smax-6778610.txt", "smax/smax-6871144.txt"),
    ("smax/smax-6868794.txt", "smax/smax-6878858.txt"),
]
# Different articles of different sections.
DIFFERENT = ["sports-watch/sports-watch-6542395.txt", "kaden-channel/kaden-channel-6132753.txt", "peachy/peachy-4444176.txt",
             "smax/smax-6887027.txt", "it-life-hack/it-life-hack-6761622.txt", "topic-news/topic-news-6401347.txt"]


def file_urls() -> dict[str, str]:
    with open(REPO / "data" / "sample" / "records.tsv", encoding="utf-8") as fh:
        return {r["source_path"].removeprefix("text/livedoor-news/"): r["uri"] for r in csv.DictReader(fh, delimiter="\t") if r["source"] == "livedoor"}


@pytest.fixture(scope="module")
def shards(tmp_path_factory):
    out = tmp_path_factory.mktemp("annotated")
    run_annotate([str(SAMPLE_WARC)], out, AnnotateConfig(), executor="local", show_progress=False)
    return out / "shards"


@pytest.fixture(scope="module")
def local_run(shards, tmp_path_factory):
    out = tmp_path_factory.mktemp("dedup-local")
    summary = run_dedup(shards, out, DedupConfig(), executor="local")
    return out, summary


@pytest.fixture(scope="module")
def by_file(local_run, shards):
    """livedoor file name -> its row of clusters.parquet (with url and text of the shard)."""
    out, _ = local_run
    clusters = pq.read_table(out / "clusters.parquet").to_pylist()
    shard = pq.read_table(next(shards.glob("*.parquet")), columns=["doc_id", "url", "text"]).to_pylist()
    by_url = {s["url"]: c | s for s, c in zip(shard, clusters)}
    return {f: by_url[u] for f, u in file_urls().items() if u in by_url}


# --- normalisation and signatures ------------------------------------------------------------

def test_normalisation_folds_width_case_and_whitespace():
    assert normalize("ＩＴ　Ｌｉｆｅ\n\n ｈａｃｋ　１２３") == "it life hack 123"
    assert normalize("ｶﾞｯﾂﾎﾟｰｽﾞ") == "ガッツポーズ"  # half-width kana with voiced marks compose
    assert normalize("㈱ライブドア…") == "(株)ライブドア..."
    assert normalize("  \t ") == ""


def test_fast_normalisation_equals_the_definition(shards):
    texts = pq.read_table(next(shards.glob("*.parquet")), columns=["text"]).column("text").to_pylist()
    assert all(normalize(t) == normalize_reference(t) for t in texts)
    rnd = random.Random(7)
    pool = [chr(c) for c in [*range(0x20, 0x7F), *range(0x3000, 0x3100), *range(0xFF00, 0xFFEF), 0x3099, 0x309A, 0x301, 0x1100,
                             0x1161, 0x11A8, 0xAC00, 0x3A3, 0x130, 0xA0, 0x2028, 0x85, 0x33FB, 0xFB01, 0x1D400, 0x2F800, 0x20000]]
    pool += [" ", "\n", "\t"] * 10
    for _ in range(3000):
        s = "".join(rnd.choice(pool) for _ in range(rnd.randint(0, 25)))
        assert normalize(s) == normalize_reference(s), repr(s)


def test_no_code_point_above_the_tables_changes():
    changed = [c for c in range(0x30000, sys.maxunicode + 1)
               if unicodedata.normalize("NFKC", chr(c)) != chr(c) or chr(c).lower() != chr(c) or chr(c).isspace()]
    assert changed == []


def test_signature_is_datasketchs_minhash_of_the_same_shingles(by_file):
    hasher = MinHasher(ngram=5, num_perm=100, seed=1)
    for name in ("smax/smax-6887027.txt", "peachy/peachy-4617719.txt", "sports-watch/sports-watch-6542395.txt"):
        text = by_file[name]["text"]
        m = MinHash(num_perm=100, seed=1, hashfunc=shingle_hash)
        m.update_batch(shingles(text, 5))
        assert np.array_equal(m.hashvalues, hasher.signature(text))
    for short in ("", "あ", "あいうえお"):
        m = MinHash(num_perm=100, seed=1, hashfunc=shingle_hash)
        m.update_batch(shingles(short, 5))
        assert np.array_equal(m.hashvalues, hasher.signature(short))


def test_stored_signatures_round_trip_through_datasketch(local_run, by_file):
    out, _ = local_run
    sigs = read_signatures(next((out / "signatures").glob("*.parquet")))
    rows = pq.read_table(out / "clusters.parquet", columns=["doc_id"]).column("doc_id").to_pylist()
    row = {d: i for i, d in enumerate(rows)}
    a, b = (row[by_file[f]["doc_id"]] for f in NEAR_PAIRS[0])
    hasher = MinHasher(5, DedupConfig().num_perm, 1)
    assert np.array_equal(sigs[a], hasher.signature(by_file[NEAR_PAIRS[0][0]]["text"]))
    ma, mb = to_datasketch(sigs[a]), to_datasketch(sigs[b])
    assert isinstance(ma, LeanMinHash)
    assert ma.jaccard(mb) == estimate_jaccard(sigs[a], sigs[b]) > 0.7
    buf = bytearray(ma.bytesize())
    ma.serialize(buf)
    assert np.array_equal(LeanMinHash.deserialize(buf).hashvalues, sigs[a])
    other = row[by_file["sports-watch/sports-watch-6542395.txt"]["doc_id"]]
    assert ma.jaccard(to_datasketch(sigs[other])) < 0.1


def test_band_keys_meet_only_where_the_band_agrees():
    rng = np.random.default_rng(0)
    a = rng.integers(0, 1 << 32, 20, dtype=np.uint32)
    b = rng.integers(0, 1 << 32, 20, dtype=np.uint32)
    b[5:10] = a[5:10]  # band 1 of 4 x 5 agrees
    keys = band_keys(np.stack([a, b]), range(4), 5)
    assert (keys[0] == keys[1]).tolist() == [False, True, False, False]
    same_values_other_band = np.stack([a[5:10].tolist() * 4])
    assert band_keys(same_values_other_band, range(4), 5)[0, 0] != keys[0, 1]


# --- clusters of the sample ------------------------------------------------------------------

def test_cluster_table_has_one_row_per_document(local_run, shards):
    out, summary = local_run
    table = pq.read_table(out / "clusters.parquet")
    assert table.schema.equals(CLUSTER_SCHEMA)
    doc_ids = pq.read_table(next(shards.glob("*.parquet")), columns=["doc_id"]).column("doc_id")
    assert table.column("doc_id").equals(doc_ids)
    assert summary["documents"] == table.num_rows > 600
    assert (out / "summary.json").exists() and json.loads((out / "summary.json").read_text())["config"]["bands"] == 14


def test_identical_articles_share_exact_hash_and_cluster(by_file):
    for group in EXACT_GROUPS:
        rows = [by_file[f] for f in group]
        assert len({r["exact_hash"] for r in rows}) == 1, group
        assert all(r["exact_cluster_size"] == len(group) for r in rows), group
        assert len({r["dup_cluster_id"] for r in rows}) == 1, group


def test_near_identical_articles_land_in_one_cluster(by_file):
    for a, b in NEAR_PAIRS:
        ra, rb = by_file[a], by_file[b]
        assert ra["exact_hash"] != rb["exact_hash"]
        assert ra["dup_cluster_id"] == rb["dup_cluster_id"], (a, b)
        assert 2 <= ra["dup_cluster_size"] <= 5


def test_different_articles_do_not(by_file, local_run):
    assert len({by_file[f]["dup_cluster_id"] for f in DIFFERENT}) == len(DIFFERENT)
    out, summary = local_run
    sizes = pq.read_table(out / "clusters.parquet", columns=["dup_cluster_size"]).column("dup_cluster_size").to_numpy()
    assert (sizes == 1).mean() > 0.75  # most of the sample is unique
    assert by_file["sports-watch/sports-watch-6542395.txt"]["dup_cluster_size"] == 1


def test_shop_template_pages_cluster_together(local_run, shards):
    out, _ = local_run
    urls = pq.read_table(next(shards.glob("*.parquet")), columns=["url"]).column("url").to_pylist()
    ids = pq.read_table(out / "clusters.parquet", columns=["dup_cluster_id"]).column("dup_cluster_id").to_pylist()
    shop = [cid for url, cid in zip(urls, ids) if "uraharajuku.st" in url]
    assert len(shop) == 29
    assert max(shop.count(c) for c in set(shop)) >= 15  # the ranking-list pages are one template


def test_signatures_are_kept_on_a_rerun_and_redone_for_other_settings(local_run, shards):
    out, _ = local_run
    again = run_dedup(shards, out, DedupConfig(), executor="local")
    assert (again["signature_shards_kept"], again["signature_shards_computed"]) == (1, 0)
    other = run_dedup(shards, out / "other", DedupConfig(bands=10, rows=4), executor="local")
    assert other["signature_shards_computed"] == 1
    assert read_signatures(next((out / "other" / "signatures").glob("*.parquet"))).shape[1] == 40


# --- the Ray path against the reference ------------------------------------------------------

@pytest.mark.slow
def test_ray_path_gives_the_reference_clusters(shards, tmp_path, ray_local):
    config = DedupConfig(partitions=3, bands_per_round=5, verify_threshold=0.5)  # several partitions and rounds
    summary = run_dedup(shards, tmp_path, config, executor="ray")
    assert summary["executor"] == "ray" and summary["cluster_step"]["rounds"] == 3
    table = pq.read_table(tmp_path / "clusters.parquet").to_pylist()
    ref = reference_clusters([str(p) for p in sorted((tmp_path / "signatures").glob("*.parquet"))], config)
    doc_ids = [r["doc_id"] for r in table]
    assert [r["dup_cluster_id"] for r in table] == [doc_ids[root] for root in ref["root"]]
    assert [r["dup_cluster_size"] for r in table] == ref["size"]
    assert [r["exact_cluster_size"] for r in table] == ref["exact_size"]
    assert sum(s > 1 for s in ref["size"]) > 100
    run_dedup(shards, tmp_path / "local", config, executor="local")
    assert pq.read_table(tmp_path / "local" / "clusters.parquet").equals(pq.read_table(tmp_path / "clusters.parquet"))


def test_verification_drops_pairs_below_the_threshold(shards, tmp_path):
    config = DedupConfig(bands=20, rows=5, verify_threshold=0.5)  # many rows-5 candidates are below 0.5
    verified = run_dedup(shards, tmp_path / "v", config, executor="local")
    unverified = run_dedup(shards, tmp_path / "u", DedupConfig(bands=20, rows=5), executor="local")
    assert verified["cluster_step"]["verified_pairs"] < verified["cluster_step"]["candidate_pairs"]
    assert verified["clusters"] != unverified["clusters"] or verified["documents_in_clusters"] < unverified["documents_in_clusters"]
    ref = reference_clusters([str(p) for p in sorted((tmp_path / "v" / "signatures").glob("*.parquet"))], config)
    sizes = pq.read_table(tmp_path / "v" / "clusters.parquet", columns=["dup_cluster_size"]).column("dup_cluster_size").to_pylist()
    assert sizes == ref["size"]


# --- incremental runs ------------------------------------------------------------------------

def test_incremental_run_gives_the_clusters_of_a_full_run(shards, tmp_path):
    table = pq.read_table(next(shards.glob("*.parquet")))
    half = table.num_rows // 2
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    pq.write_table(table.slice(0, half), tmp_path / "a" / "crawl-a.parquet")
    pq.write_table(table.slice(half), tmp_path / "b" / "crawl-b.parquet")
    full = tmp_path / "full"
    run_dedup([tmp_path / "a" / "crawl-a.parquet", tmp_path / "b" / "crawl-b.parquet"], full, executor="local")
    run_dedup(tmp_path / "a", tmp_path / "dedup-a", executor="local")
    summary = run_dedup(tmp_path / "b", tmp_path / "dedup-b", executor="local", previous=tmp_path / "dedup-a")
    assert summary["previous_documents"] == half and summary["documents"] == table.num_rows - half
    want = pq.read_table(full / "clusters.parquet").drop_columns(["shard"])
    got_b = pq.read_table(tmp_path / "dedup-b" / "clusters.parquet").drop_columns(["shard"])
    assert got_b.equals(want.slice(half))
    # old clusters that the new crawl joined are reported, not rewritten
    old = pq.read_table(tmp_path / "dedup-a" / "clusters.parquet").to_pylist()
    updates = {r["dup_cluster_id"]: r for r in pq.read_table(tmp_path / "dedup-b" / "previous_updates.parquet").to_pylist()}
    assert updates and summary["previous_clusters_updated"] == len(updates)
    for mine, truth in zip(old, want.slice(0, half).to_pylist()):
        u = updates.get(mine["dup_cluster_id"])
        now = (u["new_dup_cluster_id"], u["new_dup_cluster_size"]) if u else (mine["dup_cluster_id"], mine["dup_cluster_size"])
        assert now == (truth["dup_cluster_id"], truth["dup_cluster_size"])
    with pytest.raises(ValueError, match="already in a previous run"):
        run_dedup(tmp_path / "a", tmp_path / "again", executor="local", previous=tmp_path / "dedup-a")


# --- pieces ----------------------------------------------------------------------------------

def test_forests_merge_into_the_components_of_all_pairs():
    left = forest_from_edges(np.array([5, 1]), np.array([7, 5]))  # {1, 5, 7}
    right = forest_from_edges(np.array([9, 3]), np.array([7, 2]))  # {7, 9}, {2, 3}
    child, root = merge_forests(left, right)
    assert dict(zip(child.tolist(), root.tolist())) == {5: 1, 7: 1, 9: 1, 3: 2}
    assert roots_of((child, root), np.array([9, 4, 3, 1])).tolist() == [1, 4, 2, 1]


def test_representative_is_the_newest_kept_copy():
    ms = lambda s: pa.scalar(s * 1000, pa.timestamp("ms", tz="UTC"))  # noqa: E731
    table = pa.table({
        "doc_id": ["a", "b", "c", "d", "e"],
        "dup_cluster_id": ["a", "a", "a", "d", "e"],
        "crawl_date": pa.array([ms(100), ms(300), None, ms(5), ms(5)], pa.timestamp("ms", tz="UTC")),
        "n_chars": pa.array([900, 500, 2000, 10, 10], pa.int32()),
    })
    assert representatives(table).tolist() == [False, True, False, True, True]
    keep = np.array([True, False, True, True, False])  # a variant drops b (and e)
    assert representatives(table, keep).tolist() == [True, False, False, True, False]
    assert representatives(table, rule="longest").tolist() == [False, False, True, True, True]
    assert representatives(table, rule="oldest").tolist() == [True, False, False, True, True]
    score = np.array([0.9, 0.2, np.nan, 0.5, 0.5])  # e.g. a classifier's probability of good text
    assert representatives(table, rule="score", score=score).tolist() == [True, False, False, True, True]
    tie = np.array([0.5, 0.5, 0.1, 0.5, 0.5])  # a and b tie on score: b is newer
    assert representatives(table, rule="score", score=tie).tolist() == [False, True, False, True, True]


def test_config_file_and_cli(shards, tmp_path):
    config = DedupConfig.from_yaml(REPO / "configs" / "dedup.yaml")
    assert (config.bands, config.rows, config.num_perm) == (14, 8, 112)
    bad = tmp_path / "bad.yaml"
    bad.write_text("band: 3\n")
    with pytest.raises(ValueError, match="unknown setting"):
        DedupConfig.from_yaml(bad)
    assert main(["--shards", str(shards), "--out", str(tmp_path / "cli"), "--executor", "local", "--config", str(REPO / "configs" / "dedup.yaml")]) == 0
    assert (tmp_path / "cli" / "clusters.parquet").exists()
    proc = subprocess.run([sys.executable, "-m", "pipeline.dedup", "--help"], capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 0 and "--previous" in proc.stdout
