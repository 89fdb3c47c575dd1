"""Which copy of a duplicate cluster a variant keeps: one per ``dup_cluster_id`` among its documents.

Dedup composes with every variant: the variant first decides which documents pass its thresholds,
then keeps one representative per cluster among those (a cluster whose members all fail keeps
none, and a cluster whose best copy fails still keeps its best passing copy).

Rules (``RULES``), each with ties broken by the next key and finally by the smaller ``doc_id``:
- ``newest`` (default; Swallow corpus v2 keeps the most recent crawl): latest ``crawl_date``
  (a document without a date counts as oldest), then more ``n_chars``;
- ``oldest``: earliest ``crawl_date`` (undated last), then more ``n_chars``;
- ``longest``: more ``n_chars``, then latest ``crawl_date``;
- ``score``: the higher of a score the variant passes (a classifier probability, a quality
  signal of the shard joined by ``doc_id``), then latest ``crawl_date``.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

RULES = ("newest", "oldest", "longest", "score")
DEFAULT_RULE = "newest"


def representatives(clusters: pa.Table, keep: np.ndarray | None = None, rule: str = DEFAULT_RULE, score: np.ndarray | None = None) -> np.ndarray:
    """Boolean mask over the rows of a clusters table: the rows the variant finally keeps.

    ``keep`` is the variant's own mask over the same rows (all True when omitted); ``score`` one
    number per row, higher is better (rule ``score`` only)."""
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r}; one of {RULES}")
    if (rule == "score") != (score is not None):
        raise ValueError("rule 'score' needs a score per row, and only it uses one")
    n = clusters.num_rows
    keep = np.ones(n, dtype=bool) if keep is None else np.asarray(keep, dtype=bool)
    dates = clusters.column("crawl_date").combine_chunks().cast(pa.int64())
    dated = dates.is_valid().to_numpy(zero_copy_only=False)
    date = pc.fill_null(dates, 0).to_numpy()
    undated = -(1 << 62)  # below every real date, either way round
    newest_key = np.where(dated, date, undated)
    oldest_key = np.where(dated, -date, undated)
    chars = pc.fill_null(clusters.column("n_chars"), 0).to_numpy().astype(np.int64)
    cluster = clusters.column("dup_cluster_id").combine_chunks().dictionary_encode().indices.to_numpy().astype(np.int64)
    doc_rank = np.empty(n, dtype=np.int64)
    doc_rank[pc.sort_indices(clusters.column("doc_id")).to_numpy()] = np.arange(n)
    if rule == "score":
        # dense rank (equal scores, equal rank) so that any float, NaN worst, is an integer key
        values = np.asarray(score, dtype=np.float64)
        score_key = np.unique(np.where(np.isnan(values), -np.inf, values), return_inverse=True)[1].astype(np.int64)
    primary, secondary = {"newest": (newest_key, chars), "oldest": (oldest_key, chars), "longest": (chars, newest_key),
                          "score": (score_key if rule == "score" else None, newest_key)}[rule]
    # best first within a cluster (lexsort: the last key sorts first): kept, primary, secondary, doc_id
    order = np.lexsort((doc_rank, -secondary, -primary, ~keep, cluster))
    chosen = np.zeros(n, dtype=bool)
    if n:
        sorted_cluster = cluster[order]
        chosen[order[np.concatenate([[True], sorted_cluster[1:] != sorted_cluster[:-1]])]] = True
    return chosen & keep
