"""One rule of a variant over one table of stored signals, vectorised (pyarrow + numpy)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.select.variants import Rule


def rule_pass(table: pa.Table, rule: Rule) -> np.ndarray:
    """Boolean numpy array: True where the document passes the rule."""
    col = table[rule.signal].combine_chunks() if isinstance(table[rule.signal], pa.ChunkedArray) else table[rule.signal]
    n = len(col)
    ok = np.ones(n, dtype=bool)
    valid = ~np.asarray(col.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    if pa.types.is_list(col.type) or pa.types.is_large_list(col.type):
        flat = pc.list_flatten(col)
        parents = np.asarray(pc.list_parent_indices(col).to_numpy(zero_copy_only=False))
        for key, want_hit in (("any_of", True), ("none_of", False)):
            values = getattr(rule, key)
            if values is None:
                continue
            hit_flat = np.asarray(pc.is_in(flat, value_set=pa.array(values)).to_numpy(zero_copy_only=False), dtype=bool)
            hit = np.zeros(n, dtype=bool)
            hit[parents[hit_flat]] = True
            ok &= hit if want_hit else ~hit
    else:
        if rule.any_of is not None or rule.none_of is not None:
            member = np.asarray(pc.fill_null(pc.is_in(col, value_set=pa.array(rule.any_of or rule.none_of)), False).to_numpy(zero_copy_only=False), dtype=bool)
            ok &= member if rule.any_of is not None else ~member
        if any(getattr(rule, k) is not None for k in ("min", "max", "gt", "lt")) or (rule.equals is not None):
            values = col.fill_null(0).to_numpy(zero_copy_only=False)
            if rule.min is not None:
                ok &= values >= rule.min
            if rule.max is not None:
                ok &= values <= rule.max
            if rule.gt is not None:
                ok &= values > rule.gt
            if rule.lt is not None:
                ok &= values < rule.lt
            if rule.equals is not None:
                ok &= values == rule.equals
    return np.where(valid, ok, rule.keep_missing)
