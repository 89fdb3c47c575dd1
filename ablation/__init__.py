"""Ablation pretraining: the same tokenizer, model, token budget and seeds for every filtering variant.

FineWeb / DCLM's method scaled to a CPU: only the data changes between runs, so a difference in the
held-out metrics is the variant's doing, if it is larger than the spread over seeds.

    tokenizer.py      sentencepiece, trained once on a fixed sample, cached
    data.py           a variant's shards -> packed uint16 tokens -> seeded epoch-wise batches
    model.py          the GPT (nanoGPT's shape)
    train.py          one variant x one seed: train, checkpoint/resume, evaluate, write JSON
    evaluate.py       bits per character per source, unwanted text, JBLiMP, JCoLA, JCommonsenseQA
    contamination.py  character n-gram overlap of evaluation items with the training text
    compare.py        results/*/*.json -> Markdown table + PNG, with seed spread
    config.py         every setting, presets tiny / small / test

``python -m ablation train --variant default --seeds 3`` and ``python -m ablation compare``.
"""
