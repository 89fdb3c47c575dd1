"""Ablation trainer: loss goes down, bits/char is right, seeds reproduce, resume is exact,
contamination is found, compare marks what the seeds cannot tell apart.

Runs use the ``test`` config (a 2-layer, d=32 model; 6 steps of 4 x 32 tokens) on a synthetic
run directory, so the whole file takes a few seconds after torch is imported.
"""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import torch

from ablation import contamination
from ablation.__main__ import main as cli
from ablation.compare import compare
from ablation.config import TokenizerConfig, get_config
from ablation.data import EpochBatches
from ablation.evaluate import EVALDATA, bits_per_char, roc_auc
from ablation.model import GPT, GPTConfig
from ablation.tokenizer import get_tokenizer
from ablation.train import run, train_step

WORDS = (
    "今日 明日 昨日 私 彼 彼女 友達 先生 学生 会社 学校 公園 駅 電車 本 新聞 映画 音楽 料理 天気 雨 雪 桜 海 山 川 町 東京 京都 大阪 "
    "は が を に へ で と も の から まで より "
    "行きました 来ました 見ました 読みました 食べました 書きました 話しました 歩きました 思います 考えます 分かります 好きです 静かです "
    "綺麗です 大きい 小さい 新しい 古い 楽しい 難しい とても 少し もう まだ いつも 時々 ゆっくり すぐに そして しかし だから ところで"
).split()


def synthetic_docs(n: int, seed: int = 0) -> list[str]:
    """Japanese-looking documents from a fixed word list (enough repeated substrings for sentencepiece)."""
    rng = random.Random(seed)
    return ["\n".join("".join(rng.choice(WORDS) for _ in range(rng.randint(4, 12))) + "。" for _ in range(rng.randint(2, 6))) for _ in range(n)]


def first_wikipedia_lead() -> str:
    with open(EVALDATA / "wikipedia_leads.jsonl", encoding="utf-8") as f:
        return json.loads(f.readline())["text"]


def write_shard(path: Path, texts: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    ids = [f"doc{i}" for i in range(len(texts))]
    pq.write_table(pa.table({"doc_id": ids, "text": texts, "n_chars": [len(t) for t in texts]}), path)


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    """A pipeline run with annotated shards and one variant ``v``; one document quotes a Wikipedia
    lead of the evaluation set (full-width spaces turned into line breaks: the check must still see it)."""
    root = tmp_path_factory.mktemp("run")
    docs = synthetic_docs(300)
    docs[7] = "ブログより転載。\n" + first_wikipedia_lead().replace("\u3000", "\n") + "\n以上。"
    write_shard(root / "shards" / "s0.parquet", docs)
    write_shard(root / "variants" / "v" / "shards" / "s0.parquet", docs)
    return root


@pytest.fixture(autouse=True)
def no_external_eval(monkeypatch, tmp_path):
    monkeypatch.setenv("ABLATION_EXTERNAL_EVAL", str(tmp_path / "absent"))


def test_two_training_steps_lower_the_loss_on_a_fixed_batch():
    torch.manual_seed(0)
    model = GPT(GPTConfig(vocab_size=64, block_size=16, n_layer=2, n_head=2, n_embd=32))
    opt = model.configure_optimizer(0.0, 1e-2, (0.9, 0.95))
    x = torch.randint(0, 64, (4, 16))
    y = torch.roll(x, -1, dims=1)
    with torch.no_grad():
        before = model(x, y)[1].item()
    assert before == pytest.approx(math.log(64), abs=0.1)  # untrained: about uniform
    for _ in range(2):
        train_step(model, opt, x, y, lr=1e-2, grad_clip=1.0)
    with torch.no_grad():
        after = model(x, y)[1].item()
    assert after < before - 0.05


class TwoCharTokenizer:
    """Every 2 characters are one token (ids 2..15), eos = 1: a case computable by hand."""

    eos_id = 1

    def encode(self, text: str) -> list[int]:
        return [2 + (ord(text[i]) + ord(text[i + 1 : i + 2] or "x")) % 14 for i in range(0, len(text), 2)]


def uniform_model(vocab: int = 16, block_size: int = 8) -> GPT:
    """All weights zero: every logit is 0, p = 1/16 for every token = exactly 4 bits per token."""
    model = GPT(GPTConfig(vocab_size=vocab, block_size=block_size, n_layer=1, n_head=1, n_embd=8))
    with torch.no_grad():
        for p in model.parameters():
            p.zero_()
    return model


def test_bits_per_char_on_a_known_case():
    model, tok = uniform_model(), TwoCharTokenizer()
    # "吾輩は猫である" = 7 characters -> 4 tokens -> 16 bits -> 16/7 bits per character
    assert bits_per_char(model, tok, ["吾輩は猫である"]) == pytest.approx(16 / 7, rel=1e-6)
    # two texts are pooled (total bits / total characters), not averaged per text
    assert bits_per_char(model, tok, ["吾輩は猫である", "名前はまだ無い。"]) == pytest.approx((16 + 16) / 15, rel=1e-6)
    # a text longer than the context (8 tokens) is scored in windows; every token still counts once
    long = "あいうえおかきくけこさしすせそたちつてと" * 3  # 60 characters -> 30 tokens -> 120 bits
    assert bits_per_char(model, tok, [long]) == pytest.approx(120 / 60, rel=1e-6)


def test_roc_auc():
    assert roc_auc(np.array([3.0, 2.0, 1.0, 0.0]), np.array([1, 1, 0, 0])) == 1.0
    assert roc_auc(np.array([0.0, 1.0, 2.0]), np.array([1, 0, 1])) == 0.5


def test_tokenizer_is_lossless_and_cached(run_dir, tmp_path):
    cfg = get_config("test").tokenizer
    tok = get_tokenizer(run_dir, cfg, tmp_path / "tok")
    text = "吾輩は猫である。  名前は\nまだ無い。\n\n𠮷野家で ABC 123 ☃"  # spaces, blank line, a character never seen
    assert tok.decode(tok.encode(text)) == text
    assert tok.sp.unk_id() not in tok.encode(text)  # byte fallback, never <unk>
    again = get_tokenizer(run_dir, cfg, tmp_path / "tok")
    assert again.key == tok.key and len(list((tmp_path / "tok").iterdir())) == 1
    other = get_tokenizer(run_dir, TokenizerConfig(vocab_size=900, sample_chars=30_000, character_coverage=0.98), tmp_path / "tok")
    assert other.key != tok.key


def test_epoch_batches_visit_every_window_once_per_epoch():
    tokens = np.arange(10 * 4 + 1, dtype=np.uint16)  # 10 windows of 4 (+1 target)
    b = EpochBatches(tokens, block_size=4, batch_size=5, seed=3)
    starts = [int(x[0]) for step in range(2) for x in b.get(step)[0]]
    assert sorted(starts) == list(range(0, 40, 4))
    x, y = b.get(0)
    assert torch.equal(x[:, 1:], y[:, :-1])
    assert torch.equal(b.get(1)[0], EpochBatches(tokens, 4, 5, seed=3).get(1)[0])  # a function of (seed, step)
    assert b.epochs(6) == 3.0  # 30 windows drawn from 10: the data was repeated three times


def test_contamination_finds_a_planted_duplicate():
    lead = first_wikipedia_lead()
    train = contamination.training_ngrams(synthetic_docs(50) + ["前置き。" + lead.replace("\u3000", " ") + "後書き。"], n=13)
    report = contamination.check({"wiki": [("planted", lead), ("other", "星座は、天球を赤経・赤緯の線に沿った境界線で区切った領域のこと。")]}, train, n=13, threshold=0.2)
    assert report["wiki"]["contaminated"] == 1
    assert report["wiki"]["flagged"][0]["id"] == "planted" and report["wiki"]["flagged"][0]["share"] == 1.0


def test_same_seed_same_loss_resume_is_exact_and_contamination_is_removed(run_dir, tmp_path):
    cfg = get_config("test")
    a = run("v", 0, run_dir, cfg, tmp_path / "a", progress=False)
    b = run("v", 0, run_dir, cfg, tmp_path / "b", progress=False)
    losses = [row[2] for row in a["curve"]["loss"]["rows"]]
    assert len(losses) == cfg.max_steps == 6
    assert losses == [row[2] for row in b["curve"]["loss"]["rows"]]  # bit-identical
    assert a["metrics"] == b["metrics"]
    c = run("v", 1, run_dir, cfg, tmp_path / "a", progress=False)
    assert [row[2] for row in c["curve"]["loss"]["rows"]] != losses

    # interrupted after 3 steps (checkpoint written), then resumed: the same losses as straight through
    assert run("v", 0, run_dir, cfg, tmp_path / "r", progress=False, stop_after=3) is None
    assert (tmp_path / "r" / "v" / "0.ckpt").exists()
    r = run("v", 0, run_dir, cfg, tmp_path / "r", progress=False)
    assert r["timing"]["resumed_from_step"] == 3
    assert [row[2] for row in r["curve"]["loss"]["rows"]] == losses
    assert r["metrics"] == a["metrics"]
    assert not (tmp_path / "r" / "v" / "0.ckpt").exists()

    # the planted Wikipedia lead was found and removed; the budget and epochs are reported
    assert a["eval"]["contaminated"]["bpc/wikipedia"] == 1
    assert a["eval"]["sizes"]["bpc/wikipedia"]["items"] == cfg.eval.max_docs_per_source - 1
    assert a["budget"]["tokens_seen"] == 6 * 4 * 32
    assert a["budget"]["epochs"] == pytest.approx(a["budget"]["tokens_seen"] / (a["budget"]["windows"] * 32), abs=1e-4)
    assert any("jblimp skipped" in n for n in a["eval"]["notes"])
    for key in ("bpc/wikipedia", "bpc/ud_gsd", "bpc/aozora", "bpc/clean", "jcola_auc", "jcqa_acc"):
        assert key in a["metrics"]


def test_cli_train_then_compare(run_dir, tmp_path, capsys):
    results = tmp_path / "results"
    assert cli(["train", "--variant", "v", "--seeds", "2", "--run", str(run_dir), "--config", "test", "--results", str(results), "--no-progress"]) == 0
    assert sorted(p.name for p in (results / "v").iterdir()) == ["0.json", "1.json"]
    assert cli(["train", "--variant", "v", "--seed", "0", "--run", str(run_dir), "--config", "test", "--results", str(results)]) == 0
    assert "done already" in capsys.readouterr().err
    assert cli(["compare", "--results", str(results), "--baseline", "v"]) == 0
    assert (results / "compare.md").exists() and (results / "compare.png").stat().st_size > 1000


def fake_result(variant: str, seed: int, bpc: float, chars: int) -> dict:
    return {
        "variant": variant, "seed": seed, "config_name": "test", "config_key": "k",
        "data": {"docs": 10, "chars": chars, "tokens": chars // 2}, "budget": {"epochs": 1_000_000 / chars, "tokens_seen": 1_000_000},
        "metrics": {"bpc/clean": bpc, "jcqa_acc": 0.2 + 0.01 * seed},
        "timing": {"wall_seconds": 60.0, "tokens_per_second": 1000.0},
        "curve": {"heldout": {"rows": [[1, 100, bpc + 1], [2, 200, bpc]]}}, "eval": {"contaminated": {}, "notes": []},
    }


def test_compare_marks_differences_within_the_seed_spread(tmp_path):
    values = {"none": [5.00, 5.02, 4.98], "strict": [5.50, 5.52, 5.48], "lenient": [5.01, 4.97, 5.05]}
    for variant, vals in values.items():
        for seed, v in enumerate(vals):
            p = tmp_path / variant / f"{seed}.json"
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(json.dumps(fake_result(variant, seed, v, {"none": 1000, "lenient": 500, "strict": 100}[variant])))
    text = compare(tmp_path, tmp_path / "compare.md")
    rows = {line.split("|")[1].strip(): line for line in text.splitlines() if line.startswith("| `")}
    assert "≈" in rows["`lenient`"].split("|")[2]  # clean bpc 5.01 vs 5.00, sd ~0.04: not distinguishable
    assert "≈" not in rows["`strict`"].split("|")[2]  # 0.5 bits worse, sd 0.02: distinguishable
    assert "+0.500 (worse)" in text and "(not distinguishable)" in text
    assert (tmp_path / "compare.png").exists()
