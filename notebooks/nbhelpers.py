"""Shared helpers for the exploration notebooks: lazy DuckDB queries over a run's Parquet shards.

Nothing is loaded whole: DuckDB scans ``RUN/shards/*.parquet`` (and variant shards) on demand and
returns only the rows and columns a cell asks for.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parent.parent


def run_path(run: str | Path) -> Path:
    p = Path(run)
    return p if p.is_absolute() else REPO / p


def connect(run: str | Path) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with views: ``docs`` (annotated shards), ``clusters`` (dedup table, if
    any) and ``v_<variant>`` for each selected variant (dashes become underscores)."""
    root = run_path(run)
    con = duckdb.connect()
    con.execute(f"CREATE VIEW docs AS SELECT * FROM read_parquet('{root}/shards/*.parquet')")
    if (root / "dedup" / "clusters.parquet").exists():
        con.execute(f"CREATE VIEW clusters AS SELECT * FROM read_parquet('{root}/dedup/clusters.parquet')")
    for name in variants(run):
        view = "v_" + name.replace("-", "_").replace("@", "_").replace(".", "_").replace("=", "_")
        con.execute(f"CREATE VIEW \"{view}\" AS SELECT * FROM read_parquet('{root}/variants/{name}/shards/*.parquet')")
    return con


def funnel(run: str | Path) -> dict:
    return json.loads((run_path(run) / "funnel.json").read_text(encoding="utf-8"))


def variants(run: str | Path) -> list[str]:
    d = run_path(run) / "variants"
    return sorted(p.name for p in d.iterdir() if (p / "report.json").exists()) if d.exists() else []


def report(run: str | Path, variant: str) -> dict:
    return json.loads((run_path(run) / "variants" / variant / "report.json").read_text(encoding="utf-8"))


def show(rows, width: int = 100, chars: int = 300) -> None:
    """Print documents (dicts with url and text) so a person can read them."""
    for r in rows:
        extra = " ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in r.items() if k not in ("url", "text"))
        print(f"■ {r.get('url', '')}  {extra}")
        print(textwrap.fill(" ".join(str(r.get("text", ""))[:chars].split()), width=width, initial_indent="  ", subsequent_indent="  "))
        print()


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cur = con.execute(sql, params or [])
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]
