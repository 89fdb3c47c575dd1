"""Variants as data: validation with file:line errors, exact rule counts, determinism, reports."""

import json
import textwrap
from datetime import datetime, timezone

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.annotate.schema import SHARD_SCHEMA
from pipeline.select.run import available_columns, kept_ids, non_representatives, run_select
from pipeline.select.variants import VARIANTS_DIR, Variant, VariantError, expand_sweep, load_variant

COLUMNS = {f.name: f.type for f in SHARD_SCHEMA}


def write_shard(path, rows):
    """A shard with the real schema; unspecified columns get zero / empty values."""
    full = []
    for i, r in enumerate(rows):
        row = {}
        for f in SHARD_SCHEMA:
            if pa.types.is_string(f.type):
                row[f.name] = ""
            elif pa.types.is_timestamp(f.type):
                row[f.name] = None
            elif pa.types.is_list(f.type):
                row[f.name] = []
            elif pa.types.is_boolean(f.type):
                row[f.name] = False
            else:
                row[f.name] = 0
        row.update({"doc_id": f"d{i}", "url": f"https://example.jp/{i}", "text": f"本文{i}"}, **r)
        full.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(full, schema=SHARD_SCHEMA), path)


def variant_file(tmp_path, name, body):
    path = tmp_path / f"{name}.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


# Six documents, two rules. letters >= 400 fails for d0, d1, d2; hiragana >= 0.2 fails for d2, d3.
# So: removed(letters)=3, removed(hiragana)=2, only(letters)=2 (d0, d1), only(hiragana)=1 (d3),
# overlap=1 (d2), kept = d4, d5.
HAND_ROWS = [
    {"n_letters": 100, "hiragana_frac": 0.5, "n_chars": 110},
    {"n_letters": 399, "hiragana_frac": 0.3, "n_chars": 420},
    {"n_letters": 50, "hiragana_frac": 0.1, "n_chars": 60},
    {"n_letters": 800, "hiragana_frac": 0.19, "n_chars": 900},
    {"n_letters": 400, "hiragana_frac": 0.2, "n_chars": 450},
    {"n_letters": 1200, "hiragana_frac": 0.4, "n_chars": 1300},
]
TWO_RULES = """\
    description: two Swallow rules
    dedup: false
    rules:
      letters:  {signal: n_letters, min: 400}
      hiragana: {signal: hiragana_frac, min: 0.2}
"""


@pytest.fixture
def hand_run(tmp_path):
    write_shard(tmp_path / "run" / "shards" / "a.parquet", HAND_ROWS[:3])
    write_shard(tmp_path / "run" / "shards" / "b.parquet", HAND_ROWS[3:])
    # doc ids must be unique across shards
    t = pq.read_table(tmp_path / "run" / "shards" / "b.parquet")
    t = t.set_column(0, "doc_id", pa.array(["d3", "d4", "d5"]))
    pq.write_table(t, tmp_path / "run" / "shards" / "b.parquet")
    return tmp_path / "run"


def test_only_this_rule_counts_are_exact_on_a_hand_made_shard(hand_run, tmp_path):
    variant = load_variant(str(variant_file(tmp_path, "two", TWO_RULES)), COLUMNS)
    report = run_select(variant, hand_run, executor="local")
    rules = report["rules"]
    assert (rules["letters"]["removed"], rules["letters"]["removed_only_by_this_rule"]) == (3, 2)
    assert (rules["hiragana"]["removed"], rules["hiragana"]["removed_only_by_this_rule"]) == (2, 1)
    assert report["overlap"]["matrix"] == [[3, 1], [1, 2]]
    assert rules["letters"]["removed_chars"] == 110 + 420 + 60
    assert rules["letters"]["removed_chars_only_by_this_rule"] == 110 + 420
    for rule in rules.values():
        assert rule["kept"] + rule["removed"] == report["docs_in"] == 6
    assert report["docs_kept"] == 2 and report["chars_kept"] == 450 + 1300
    assert kept_ids(hand_run, "two") == {"d4", "d5"}
    shard = pq.read_table(hand_run / "variants" / "two" / "shards" / "b.parquet")
    assert shard.column("variant").to_pylist() == ["two", "two"]
    md = (hand_run / "variants" / "two" / "report.md").read_text()
    assert "| letters | n_letters >= 400 | 3 (50.0%) | 2 | 590 | 530 |" in md
    assert "<https://example.jp/0> — 本文0" in md  # removed documents are there to read
    assert (hand_run / "variants" / "two" / "removed_by_rule.png").stat().st_size > 1000


def test_selection_is_deterministic(hand_run, tmp_path):
    variant = load_variant(str(variant_file(tmp_path, "two", TWO_RULES)), COLUMNS)
    first = run_select(variant, hand_run, executor="local")
    a = (hand_run / "variants" / "two" / "shards" / "b.parquet").read_bytes()
    second = run_select(variant, hand_run, executor="local")
    for r in (first, second):
        r.pop("seconds")
    assert first == second
    assert (hand_run / "variants" / "two" / "shards" / "b.parquet").read_bytes() == a


@pytest.mark.parametrize(
    "body, message",
    [
        ("rules:\n  x: {signal: n_leters, min: 400}\n", r"bad.yaml:2: rule 'x': unknown signal 'n_leters'"),
        ("rules:\n  x: {signal: n_letters, min: lots}\n", r"bad.yaml:2: rule 'x': min must be a number"),
        ("rules:\n  x:\n    signal: hiragana_frac\n    min: 0.5\n    max: 0.2\n", r"bad.yaml:3: rule 'x': impossible range"),
        ("rules:\n  x: {signal: hiragana_frac, max: 1.5}\n", r"bad.yaml:2: rule 'x': hiragana_frac is a fraction"),
        ("rules:\n  x: {signal: url, min: 3}\n", r"bad.yaml:2: rule 'x': min needs a numeric signal"),
        ("rules:\n  x: {signal: n_letters, minimum: 3}\n", r"bad.yaml:2: rule 'x': unknown key 'minimum'"),
        ("description: x\nrulez: {}\n", r"bad.yaml:2: unknown key 'rulez'"),
        ("inherits: default\nremove: [no_such_rule]\n", r"bad.yaml:2: remove: no inherited rule 'no_such_rule'"),
        ("dedup: sometimes\n", r"bad.yaml:1: dedup must be"),
    ],
)
def test_a_bad_variant_fails_before_any_work_naming_file_and_line(tmp_path, body, message):
    path = tmp_path / "bad.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(VariantError, match=message):
        load_variant(str(path), COLUMNS)


def test_shipped_variants_load_and_inherit():
    for name in sorted(p.stem for p in VARIANTS_DIR.glob("*.yaml")):
        load_variant(name, COLUMNS)
    default = load_variant("default", COLUMNS)
    strict = load_variant("strict", COLUMNS)
    assert default.rules["letters"].min == 400 and strict.rules["letters"].min == 600
    assert set(default.rules) < set(strict.rules) and strict.parents == ["default"]
    assert "sentence_len_max" not in load_variant("lenient", COLUMNS).rules
    assert load_variant("default-no-dedup", COLUMNS).dedup is None and default.dedup == "newest"
    sweep = expand_sweep(load_variant("sweep-min-letters", COLUMNS))
    assert [v.rules["letters"].min for v in sweep] == [0, 100, 200, 400, 800, 1600]
    assert sweep[2].name == "sweep-min-letters@letters.min=200"


def _members(rows):
    ms = lambda v: None if v is None else datetime.fromtimestamp(v, timezone.utc)
    return pa.table({
        "doc_id": [r[1] for r in rows], "dup_cluster_id": [str(r[0]) for r in rows],
        "crawl_date": pa.array([ms(r[2]) for r in rows], pa.timestamp("ms", tz="UTC")),
        "n_chars": pa.array([r[3] for r in rows], pa.int32()), "shard": ["s.parquet"] * len(rows),
        "score": pa.array([r[4] if len(r) > 4 else None for r in rows], pa.float64()),
    })


def test_dedup_keeps_one_representative_among_kept_documents():
    # select's own choice (non_representatives -> dedup.representatives): cluster 7 has three
    # copies; the newest wins (Swallow v2); ties broken by length, then doc id.
    members = _members([(7, "old", 1_000, 500, 0.9), (7, "new", 3_000, 100, 0.1), (7, "mid", 2_000, 900, 0.5), (9, "alone", 5, 5, 0.0)])

    def losers(keep, score=None, table=members):
        v = Variant(name="v", path="v.yaml", dedup=keep, dedup_score=score)
        return set(non_representatives(table, v)["doc_id"].to_pylist())

    assert losers("newest") == {"old", "mid"}
    assert losers("oldest") == {"new", "mid"}
    assert losers("longest") == {"old", "new"}
    assert losers("score", "p") == {"new", "mid"}  # highest score wins: "old"
    assert losers("newest", table=_members([(1, "b", None, 10), (1, "a", None, 10)])) == {"b"}


def test_dedup_keep_score_is_reachable_from_a_variant(tmp_path):
    path = tmp_path / "by-quality.yaml"
    path.write_text("inherits: none\ndedup: {keep: score, score: p_affiliate}\n")
    v = load_variant(str(path), COLUMNS)
    assert (v.dedup, v.dedup_score) == ("score", "p_affiliate") and "p_affiliate" in v.signals()
    path.write_text("inherits: none\ndedup: {keep: score}\n")
    with pytest.raises(VariantError, match="needs score"):
        load_variant(str(path), COLUMNS)
    path.write_text("inherits: none\ndedup: {keep: score, score: url}\n")
    with pytest.raises(VariantError, match="not a numeric column"):
        load_variant(str(path), COLUMNS)


def test_dedup_variant_without_cluster_table_says_what_to_run(hand_run):
    variant = load_variant("default", available_columns(hand_run))
    with pytest.raises(VariantError, match="make dedup"):
        run_select(variant, hand_run, executor="local")


def test_list_signal_rules(tmp_path):
    from pipeline.select.rules import rule_pass
    from pipeline.select.variants import Rule

    t = pa.table({"cats": pa.array([["adult"], [], ["news", "gambling"], None], pa.list_(pa.string()))})
    assert rule_pass(t, Rule("h", "cats", none_of=["adult", "gambling"])).tolist() == [False, True, False, False]
    assert rule_pass(t, Rule("h", "cats", none_of=["adult"], keep_missing=True)).tolist() == [False, True, True, True]
    assert rule_pass(t, Rule("h", "cats", any_of=["news"])).tolist() == [False, False, True, False]
    json.dumps(load_variant("none", COLUMNS).to_dict())
