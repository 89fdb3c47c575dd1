"""One way to read settings: a frozen dataclass of documented defaults, overridden by a YAML file.

Each job keeps its settings beside it (``pipeline/annotate/config.py``, ``pipeline/dedup/config.py``);
this loader is shared so that an unknown name or a wrong type is the same error everywhere.
"""

from __future__ import annotations

from dataclasses import asdict, fields
from pathlib import Path

import yaml


def load_overrides(cls, path: str | Path | None):
    """``cls()`` with the settings of a YAML file applied by name; unknown names and wrong types are
    errors naming the file. Shared by every settings dataclass (annotate, dedup)."""
    if path is None:
        return cls()
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping of setting: value")
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValueError(f"{path}: unknown setting(s) {unknown}; known: {sorted(known)}")
    base = asdict(cls())
    for key, value in data.items():
        expected = type(base[key])
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, expected) or isinstance(value, bool) != (expected is bool):
            raise ValueError(f"{path}: {key} must be {expected.__name__}, got {value!r}")
        base[key] = value
    return cls(**base)
