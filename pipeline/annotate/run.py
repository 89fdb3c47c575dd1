"""The Ray driver: one task per WARC file, statistics merged into one funnel per run.

``ray.init()`` with no address starts a local cluster; ``RAY_ADDRESS`` (or ``ray job submit``)
runs the same code on a real one. Ray retries a task whose worker died (``max_retries``); a
task that fails on its input returns a failure record instead of raising, so one bad file never
stops the job and is retried on the next run (its shard was never marked done).
"""

from __future__ import annotations

import os
import time
from collections import Counter
from pathlib import Path

from tqdm import tqdm

from pipeline.annotate.job import annotate_warc, is_done
from pipeline.annotate.config import AnnotateConfig
from pipeline.annotate.inputs import is_remote
from pipeline.executor import init_ray
from pipeline.io import write_json_atomic


def _annotate_one(input_path: str, out_dir: str, config: AnnotateConfig, progress=None, extra_taggers=()) -> dict:
    if not is_remote(input_path) and not os.path.exists(input_path):
        return {"input": input_path, "failed": "input_missing", "detail": "no such file"}
    try:
        return annotate_warc(input_path, out_dir, config, progress=progress, extra_taggers=extra_taggers)
    except Exception as exc:  # a bug or an unreadable input: report it, keep the job going
        return {"input": input_path, "failed": "task_error", "detail": f"{type(exc).__name__}: {exc}"}


def merge_stats(results: list[dict]) -> dict:
    dropped: Counter[str] = Counter()
    seconds: dict[str, float] = {}  # step order kept: the first result's, then any new step
    stage_counts: dict[str, Counter[str]] = {}
    records_in = kept = 0
    failed = []
    failures = []
    for r in results:
        if "failed" in r:
            failed.append(r)
            continue
        records_in += r["records_in"]
        kept += r["kept"]
        dropped.update(r["dropped"])
        for step, sec in r["seconds"].items():
            seconds[step] = seconds.get(step, 0.0) + sec
        for stage, counts in r.get("stage_counts", {}).items():
            stage_counts.setdefault(stage, Counter()).update(counts)
        failures.extend({"input": r["input"], **f} for f in r.get("failures", []))
    return {
        "inputs": len(results),
        "inputs_done": len(results) - len(failed),
        "inputs_skipped_already_done": sum(1 for r in results if r.get("skipped")),
        "inputs_failed": failed,
        "records_in": records_in,
        "kept": kept,
        "dropped": dict(sorted(dropped.items(), key=lambda kv: -kv[1])),
        "stage_counts": {stage: dict(sorted(c.items())) for stage, c in stage_counts.items()},
        "seconds_by_stage_summed_over_workers": {k: round(v, 3) for k, v in seconds.items() if k != "total"}
        | {"total": round(seconds.get("total", 0.0), 3)},
        "failures": failures[:1000],
        "tasks": [
            {k: r.get(k) for k in ("input", "shard", "records_in", "kept", "skipped", "failed", "node_id", "pid")}
            for r in results
        ],
    }


def _run_local(inputs: list[str], out_dir: str, config: AnnotateConfig, show_progress: bool, extra_taggers=()) -> list[dict]:
    results = []
    bar = tqdm(total=len(inputs), unit="warc", disable=not show_progress, desc="annotate")
    records = [0]

    def progress(n: int) -> None:
        records[0] += n
        bar.set_postfix(records=records[0])

    for path in inputs:
        results.append(_annotate_one(path, out_dir, config, progress, extra_taggers))
        bar.update(1)
    bar.close()
    return results


def _run_ray(inputs: list[str], out_dir: str, config: AnnotateConfig, show_progress: bool, num_cpus: int | None, max_retries: int,
             extra_taggers=()) -> tuple[list[dict], float]:
    import ray

    startup = init_ray(num_cpus)

    @ray.remote
    class Progress:
        def __init__(self):
            self.records = 0

        def add(self, n: int) -> None:
            self.records += n

        def get(self) -> int:
            return self.records

    @ray.remote(max_retries=max_retries, num_cpus=1)
    def annotate_task(path: str, out: str, cfg: AnnotateConfig, counter, taggers) -> dict:
        result = _annotate_one(path, out, cfg, progress=lambda n: counter.add.remote(n), extra_taggers=taggers)
        return result | {"node_id": ray.get_runtime_context().get_node_id(), "pid": os.getpid()}

    counter = Progress.remote()
    refs = {annotate_task.remote(p, out_dir, config, counter, list(extra_taggers)): i for i, p in enumerate(inputs)}
    results: list[dict | None] = [None] * len(inputs)
    pending = list(refs)
    bar = tqdm(total=len(inputs), unit="warc", disable=not show_progress, desc="annotate")
    while pending:
        done, pending = ray.wait(pending, num_returns=len(pending), timeout=0.5)
        for ref in done:
            i = refs[ref]
            try:
                results[i] = ray.get(ref)
            except Exception as exc:  # the worker died max_retries + 1 times
                results[i] = {"input": inputs[i], "failed": "worker_lost", "detail": f"{type(exc).__name__}: {exc}"}
            bar.update(1)
        if show_progress:
            bar.set_postfix(records=ray.get(counter.get.remote()))
    bar.close()
    return [r for r in results if r is not None], startup


def run_annotate(
    inputs: list[str],
    out_dir: str | Path,
    config: AnnotateConfig = AnnotateConfig(),
    executor: str = "ray",
    num_cpus: int | None = None,
    show_progress: bool = True,
    max_retries: int = 3,
    extra_taggers=(),
) -> dict:
    """Annotate every input into ``out_dir/shards`` and write ``out_dir/funnel.json``.

    ``extra_taggers``: taggers appended to the default ones (picklable; shipped to every task)."""
    out_dir = str(Path(out_dir).resolve())  # workers may run in another directory (Ray working_dir)
    Path(out_dir, "shards").mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    already = sum(1 for p in inputs if is_done(p, out_dir))
    startup = 0.0
    if executor == "local":
        results = _run_local(inputs, out_dir, config, show_progress, extra_taggers)
    elif executor == "ray":
        results, startup = _run_ray(inputs, out_dir, config, show_progress, num_cpus, max_retries, extra_taggers)
    else:
        raise ValueError(f"unknown executor {executor!r} (ray | local)")
    summary = merge_stats(results) | {
        "executor": executor,
        "ray_startup_seconds": round(startup, 3),
        "wall_seconds": round(time.perf_counter() - started, 3),
        "inputs_already_done_at_start": already,
        "config": config.to_dict(),
    }
    write_json_atomic(Path(out_dir) / "funnel.json", summary)
    return summary
