"""Execute the notebooks (as CI does) and write executed copies to ``out/notebooks/``.

The committed notebooks stay output-free; parameters can be overridden like papermill's:
``python notebooks/run_notebooks.py --param RUN=out/sample --param VARIANT=strict [NAMES...]``.
A cell that raises fails the run (non-zero exit), so a broken notebook breaks the build.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent


def inject(nb, params: dict[str, str]) -> None:
    for cell in nb.cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            lines = []
            for line in cell.source.splitlines():
                key = line.split("=", 1)[0].strip()
                lines.append(f"{key} = {params[key]!r}" if key in params else line)
            cell.source = "\n".join(lines)


def strip_outputs(path: Path) -> bool:
    """Remove outputs and execution counts in place; True if the file changed."""
    nb = nbformat.read(path, as_version=4)
    before = nbformat.writes(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    after = nbformat.writes(nb)
    if after != before:
        path.write_text(after, encoding="utf-8")
    return after != before


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", help="notebooks to run (default: all NN_*.ipynb)")
    parser.add_argument("--param", action="append", default=[], help="NAME=value for the parameters cell")
    parser.add_argument("--out", default=str(HERE.parent / "out" / "notebooks"))
    parser.add_argument("--timeout", type=int, default=600)
    args = parser.parse_args(argv)
    params = dict(p.split("=", 1) for p in args.param)
    paths = [HERE / n for n in args.names] if args.names else sorted(HERE.glob("[0-9][0-9]_*.ipynb"))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    failed = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        inject(nb, params)
        t = time.perf_counter()
        try:
            NotebookClient(nb, timeout=args.timeout, kernel_name="python3", resources={"metadata": {"path": str(HERE)}}).execute()
            status = "ok"
        except Exception as exc:  # CellExecutionError and kernel failures
            status = f"FAILED: {type(exc).__name__}: {str(exc)[-1500:]}"
            failed.append(path.name)
        nbformat.write(nb, out / path.name)
        print(f"{path.name}: {status} ({time.perf_counter() - t:.1f} s) -> {out / path.name}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
