"""Filtering variants as data: a YAML file of rules over stored signals, validated before any work.

A variant file (``pipeline/variants/<name>.yaml``)::

    description: Swallow v1 quality rules.
    inherits: lenient            # optional: start from another variant's rules
    remove: [some_rule]          # optional: drop inherited rules by name
    dedup: {keep: newest}        # or false; keep one document per duplicate cluster among the kept
                                 # keep: newest | oldest | longest | score (with score: <signal>, higher wins)
    rules:
      letters: {signal: n_letters, min: 400}          # keep when value >= 400
      katakana: {signal: katakana_frac, max: 0.5}     # keep when value <= 0.5
      ngwords: {signal: ng_swallow_char_frac, lt: 0.05}   # keep when value < 0.05 (exclusive)
      hosts: {signal: host_categories, none_of: [adult, gambling]}
    sweep: {rule: letters, bound: min, values: [0, 100, 200, 400, 800]}   # optional

Bounds: ``min``/``max`` are inclusive, ``gt``/``lt`` exclusive; ``any_of``/``none_of`` for string
and list-of-string signals; ``equals`` for booleans and strings. A document with a null value fails
the rule unless the rule says ``keep_missing: true``. Every mistake (unknown signal, wrong type,
impossible range, unknown key) is a ``VariantError`` naming the file and line.
"""

from __future__ import annotations

from pipeline import REPO_ROOT

import copy
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import yaml

from pipeline.dedup.representatives import RULES as REPRESENTATIVE_RULES

VARIANTS_DIR = REPO_ROOT / "pipeline" / "variants"
NUMERIC_BOUNDS = ("min", "max", "gt", "lt")
SET_BOUNDS = ("any_of", "none_of")
RULE_KEYS = {"signal", *NUMERIC_BOUNDS, *SET_BOUNDS, "equals", "keep_missing", "note"}
TOP_KEYS = {"description", "inherits", "remove", "dedup", "rules", "sweep"}
DEDUP_KEEP = REPRESENTATIVE_RULES


class VariantError(ValueError):
    pass


@dataclass
class Rule:
    name: str
    signal: str
    min: float | None = None
    max: float | None = None
    gt: float | None = None
    lt: float | None = None
    any_of: list[str] | None = None
    none_of: list[str] | None = None
    equals: object = None
    keep_missing: bool = False
    note: str = ""

    def describe(self) -> str:
        parts = []
        for key, op in (("min", ">="), ("gt", ">"), ("max", "<="), ("lt", "<")):
            value = getattr(self, key)
            if value is not None:
                parts.append(f"{self.signal} {op} {value:g}")
        if self.any_of is not None:
            parts.append(f"{self.signal} has any of {self.any_of}")
        if self.none_of is not None:
            parts.append(f"{self.signal} has none of {self.none_of}")
        if self.equals is not None:
            parts.append(f"{self.signal} == {self.equals!r}")
        return " and ".join(parts)


@dataclass
class Variant:
    name: str
    path: str
    description: str = ""
    rules: dict[str, Rule] = field(default_factory=dict)
    dedup: str | None = None  # None = no dedup, else the keep rule ("newest", ...)
    dedup_score: str | None = None  # the signal ranking a cluster's copies under ``keep: score``
    sweep: dict | None = None
    parents: list[str] = field(default_factory=list)

    def signals(self) -> set[str]:
        return {r.signal for r in self.rules.values()} | ({self.dedup_score} if self.dedup_score else set())

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "path": self.path,
            "description": self.description,
            "inherits": self.parents,
            "dedup": self.dedup,
            **({"dedup_score": self.dedup_score} if self.dedup_score else {}),
            "rules": {n: {k: v for k, v in vars(r).items() if v not in (None, False, "") and k != "name"} for n, r in self.rules.items()},
        }


def _err(path: str, node, message: str) -> VariantError:
    line = node.start_mark.line + 1 if node is not None else "?"
    return VariantError(f"{path}:{line}: {message}")


def _plain(node):
    """A yaml node -> Python value (scalars typed by yaml's resolver)."""
    return yaml.safe_load(yaml.serialize(node)) if node is not None else None


def _mapping(path: str, node, what: str) -> dict:
    if not isinstance(node, yaml.MappingNode):
        raise _err(path, node, f"{what} must be a mapping")
    out = {}
    for key_node, value_node in node.value:
        out[key_node.value] = (key_node, value_node)
    return out


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _kind(dtype: pa.DataType) -> str:
    if pa.types.is_boolean(dtype):
        return "bool"
    if pa.types.is_integer(dtype) or pa.types.is_floating(dtype):
        return "number"
    if pa.types.is_string(dtype) or pa.types.is_large_string(dtype):
        return "string"
    if pa.types.is_list(dtype) or pa.types.is_large_list(dtype):
        return "list"
    if pa.types.is_timestamp(dtype):
        return "timestamp"
    return str(dtype)


def _parse_rule(path: str, name: str, node, columns: dict[str, pa.DataType]) -> Rule:
    fields_ = _mapping(path, node, f"rule {name!r}")
    for key, (key_node, _) in fields_.items():
        if key not in RULE_KEYS:
            raise _err(path, key_node, f"rule {name!r}: unknown key {key!r} (allowed: {sorted(RULE_KEYS)})")
    if "signal" not in fields_:
        raise _err(path, node, f"rule {name!r} needs 'signal'")
    signal_node = fields_["signal"][1]
    signal = _plain(signal_node)
    if signal not in columns:
        raise _err(path, signal_node, f"rule {name!r}: unknown signal {signal!r} (not a column of the shards or the dedup table)")
    kind = _kind(columns[signal])
    rule = Rule(name=name, signal=signal)
    bounds = 0
    for key in NUMERIC_BOUNDS:
        if key in fields_:
            value = _plain(fields_[key][1])
            if kind not in ("number",):
                raise _err(path, fields_[key][1], f"rule {name!r}: {key} needs a numeric signal, {signal} is {kind}")
            if not _is_number(value):
                raise _err(path, fields_[key][1], f"rule {name!r}: {key} must be a number, got {value!r}")
            setattr(rule, key, float(value))
            bounds += 1
    for key in SET_BOUNDS:
        if key in fields_:
            value = _plain(fields_[key][1])
            if kind not in ("string", "list"):
                raise _err(path, fields_[key][1], f"rule {name!r}: {key} needs a string or list signal, {signal} is {kind}")
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value) or not value:
                raise _err(path, fields_[key][1], f"rule {name!r}: {key} must be a non-empty list of strings")
            setattr(rule, key, value)
            bounds += 1
    if "equals" in fields_:
        value = _plain(fields_["equals"][1])
        ok = (kind == "bool" and isinstance(value, bool)) or (kind == "string" and isinstance(value, str)) or (kind == "number" and _is_number(value))
        if not ok:
            raise _err(path, fields_["equals"][1], f"rule {name!r}: equals {value!r} does not fit {signal} ({kind})")
        rule.equals = value
        bounds += 1
    if "keep_missing" in fields_:
        value = _plain(fields_["keep_missing"][1])
        if not isinstance(value, bool):
            raise _err(path, fields_["keep_missing"][1], f"rule {name!r}: keep_missing must be true or false")
        rule.keep_missing = value
    if "note" in fields_:
        rule.note = str(_plain(fields_["note"][1]))
    if bounds == 0:
        raise _err(path, node, f"rule {name!r} has no bound (one of min, max, gt, lt, any_of, none_of, equals)")
    lows = [v for v in (rule.min, rule.gt) if v is not None]
    highs = [v for v in (rule.max, rule.lt) if v is not None]
    if lows and highs and max(lows) > min(highs) or (rule.min is not None and rule.lt is not None and rule.min >= rule.lt) or (
        rule.gt is not None and rule.max is not None and rule.gt >= rule.max
    ) or (rule.gt is not None and rule.lt is not None and rule.gt >= rule.lt):
        raise _err(path, node, f"rule {name!r}: impossible range ({rule.describe()}): no document can pass")
    if kind == "number" and signal.endswith(("_frac", "_ratio", "_rate", "_score")):
        for key in NUMERIC_BOUNDS:
            value = getattr(rule, key)
            if value is not None and not (0.0 <= value <= 1.0):
                raise _err(path, fields_[key][1], f"rule {name!r}: {signal} is a fraction in [0, 1]; {key}: {value:g} is impossible")
    return rule


def resolve(name_or_path: str, variants_dir: Path = VARIANTS_DIR) -> Path:
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml") and p.exists():
        return p
    candidate = variants_dir / f"{name_or_path}.yaml"
    if candidate.exists():
        return candidate
    known = sorted(x.stem for x in variants_dir.glob("*.yaml"))
    raise VariantError(f"no variant {name_or_path!r} (known: {known}; or give a path to a .yaml file)")


def load_variant(name_or_path: str, columns: dict[str, pa.DataType], variants_dir: Path = VARIANTS_DIR, _seen: tuple = ()) -> Variant:
    """Load, inherit and validate a variant against the available signal columns."""
    path = resolve(name_or_path, variants_dir)
    spath = str(path)
    if spath in _seen:
        raise VariantError(f"{spath}: inheritance cycle through {list(_seen)}")
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise VariantError(f"{spath}: not valid YAML: {exc}") from exc
    if root is None:
        raise VariantError(f"{spath}:1: empty variant file")
    top = _mapping(spath, root, "a variant file")
    for key, (key_node, _) in top.items():
        if key not in TOP_KEYS:
            raise _err(spath, key_node, f"unknown key {key!r} (allowed: {sorted(TOP_KEYS)})")
    variant = Variant(name=path.stem, path=spath)
    if "inherits" in top:
        parent_name = _plain(top["inherits"][1])
        if not isinstance(parent_name, str):
            raise _err(spath, top["inherits"][1], "inherits must be a variant name")
        parent = load_variant(parent_name, columns, variants_dir, (*_seen, spath))
        variant.rules = copy.deepcopy(parent.rules)
        variant.dedup = parent.dedup
        variant.dedup_score = parent.dedup_score
        variant.parents = [parent.name, *parent.parents]
    if "description" in top:
        variant.description = str(_plain(top["description"][1])).strip()
    if "remove" in top:
        names = _plain(top["remove"][1])
        if not isinstance(names, list):
            raise _err(spath, top["remove"][1], "remove must be a list of rule names")
        for n in names:
            if n not in variant.rules:
                raise _err(spath, top["remove"][1], f"remove: no inherited rule {n!r} (inherited: {sorted(variant.rules)})")
            del variant.rules[n]
    if "dedup" in top:
        node = top["dedup"][1]
        value = _plain(node)
        variant.dedup_score = None
        if value is False or value is None:
            variant.dedup = None
        elif value is True:
            variant.dedup = "newest"
        elif isinstance(value, dict) and set(value) <= {"keep", "score"} and value.get("keep", "newest") in DEDUP_KEEP:
            variant.dedup = value.get("keep", "newest")
            score = value.get("score")
            if (variant.dedup == "score") != (score is not None):
                raise _err(spath, node, "dedup: keep: score needs score: <signal> (a numeric column), and only it takes one")
            if score is not None:
                typ = columns.get(score)
                if typ is None or not (pa.types.is_integer(typ) or pa.types.is_floating(typ)):
                    raise _err(spath, node, f"dedup score {score!r} is not a numeric column of the shards")
                variant.dedup_score = score
        else:
            raise _err(spath, node, f"dedup must be false, true or {{keep: {'|'.join(DEDUP_KEEP)}}}")
    if "rules" in top:
        node = top["rules"][1]
        if not (isinstance(node, yaml.ScalarNode) and node.value in ("", "null", "~")):
            for rule_name, (key_node, value_node) in _mapping(spath, node, "rules").items():
                variant.rules[rule_name] = _parse_rule(spath, rule_name, value_node, columns)
    if "sweep" in top:
        node = top["sweep"][1]
        sweep = _plain(node)
        if not isinstance(sweep, dict) or set(sweep) != {"rule", "bound", "values"}:
            raise _err(spath, node, "sweep needs exactly: rule, bound, values")
        if sweep["rule"] not in variant.rules:
            raise _err(spath, node, f"sweep: no rule {sweep['rule']!r}")
        if sweep["bound"] not in NUMERIC_BOUNDS:
            raise _err(spath, node, f"sweep: bound must be one of {NUMERIC_BOUNDS}")
        if not isinstance(sweep["values"], list) or not sweep["values"] or not all(_is_number(v) for v in sweep["values"]):
            raise _err(spath, node, "sweep: values must be a non-empty list of numbers")
        variant.sweep = sweep
    return variant


def expand_sweep(variant: Variant) -> list[Variant]:
    """A variant with a sweep becomes one variant per value, named ``<name>@<rule>.<bound>=<value>``."""
    if not variant.sweep:
        return [variant]
    out = []
    for value in variant.sweep["values"]:
        v = copy.deepcopy(variant)
        v.sweep = None
        setattr(v.rules[variant.sweep["rule"]], variant.sweep["bound"], float(value))
        v.name = f"{variant.name}@{variant.sweep['rule']}.{variant.sweep['bound']}={value:g}"
        out.append(v)
    return out
