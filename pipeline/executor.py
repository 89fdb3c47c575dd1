"""Where tasks run: Ray tasks (the default), or in this process one after another.

This module holds the project's only ``ray.init``: ``ray.init()`` with no address starts a local
cluster (token authentication off: it listens on this machine only and we started it); with
``RAY_ADDRESS`` set it joins that cluster and ships the repository as the job's working directory
(on a real cluster keep Ray's token authentication on and give every node the token; see README).

Both run the same functions on the same arguments, so they give the same tables. On Ray a task's
outputs stay in the object store and go straight to the tasks that consume them (the driver only
holds references), and every task also returns its own measurements: seconds, the peak of numpy
memory it allocated (``tracemalloc``, which numpy reports to) and how far its worker's RSS rose
above where it started (Linux: the peak is reset through ``/proc/self/clear_refs`` and read from
``VmHWM``; ``ru_maxrss`` is no use here, it survives fork and exec). In this process nothing is
measured per task; the caller measures the whole step.
"""

from __future__ import annotations

import functools
import os
import resource
import time
import tracemalloc
from typing import Callable

from pipeline import REPO_ROOT

#: Not shipped to cluster workers: environments, outputs, test data and the bundled sample.
RUNTIME_EXCLUDES = [".venv", ".git", "out", "results", "bench", "data", "tests", "notebooks", "classifiers/eval", "classifiers/train",
                    "classifiers/real", "ablation/evaldata", "**/__pycache__"]


def init_ray(num_cpus: int | None = None) -> float:
    """Connect to (or start) Ray once per process; returns the seconds it took (0 when already up)."""
    import ray

    t = time.perf_counter()
    if not ray.is_initialized():
        address = os.environ.get("RAY_ADDRESS")
        kwargs: dict = {"include_dashboard": False, "logging_level": "WARNING", "log_to_driver": True}
        if address:
            # A real cluster: ship the code, the LID model, NG-word lists and host blocklists (they
            # live beside the package in the repo) as the job's working directory. Under
            # ``ray job submit --working-dir`` the job already runs in it: do not ship it twice.
            kwargs["address"] = address
            if not os.environ.get("RAY_JOB_ID") and not os.environ.get("RAY_JOB_CONFIG_JSON_ENV_VAR"):
                kwargs["runtime_env"] = {"working_dir": str(REPO_ROOT), "excludes": RUNTIME_EXCLUDES}
        else:
            # A cluster we start ourselves, on this machine: Ray 2.60 would otherwise print a token
            # authentication warning on every run. Not applied to a cluster we join (RAY_ADDRESS).
            os.environ.setdefault("RAY_AUTH_MODE", "disabled")
            kwargs["num_cpus"] = num_cpus
        ray.init(**kwargs)
    return time.perf_counter() - t


def _status_kb(field: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def rss_bytes() -> int:
    kb = _status_kb("VmRSS")
    return kb * 1024 if kb is not None else 0


def reset_peak_rss() -> None:
    """Start a new RSS high-water mark for this process (Linux; a no-op where not allowed)."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
    except OSError:
        pass


def peak_rss_bytes() -> int:
    kb = _status_kb("VmHWM")
    return kb * 1024 if kb is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _measured(fn: Callable, num_returns: int) -> Callable:
    @functools.wraps(fn)
    def run(*args):
        reset_peak_rss()
        rss_start = rss_bytes()
        tracemalloc.start()
        started = time.perf_counter()
        try:
            out = fn(*args)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        stats = {"task": fn.__name__, "seconds": time.perf_counter() - started, "traced_peak_bytes": peak,
                 "rss_growth_bytes": peak_rss_bytes() - rss_start}
        return (out, stats) if num_returns == 1 else (*out, stats)

    return run


class LocalExecutor:
    name = "local"

    def submit(self, fn: Callable, *args, num_returns: int = 1, measure: bool = True):
        out = fn(*args)
        return out if num_returns == 1 else list(out)

    def get(self, value):
        return value

    def map(self, fn: Callable, items: list[tuple]) -> list:
        return [fn(*args) for args in items]

    def task_stats(self) -> list[dict]:
        return []


class RayExecutor:
    name = "ray"

    def __init__(self, num_cpus: int | None = None, max_retries: int = 3):
        self.startup_seconds = init_ray(num_cpus)
        self.max_retries = max_retries
        self._remotes: dict = {}
        self._stats: list = []

    def submit(self, fn: Callable, *args, num_returns: int = 1, measure: bool = True):
        """``measure=False`` for Python-heavy tasks that tracemalloc would slow down."""
        import ray

        key = (fn, num_returns, measure)
        if key not in self._remotes:
            task = _measured(fn, num_returns) if measure else fn
            self._remotes[key] = ray.remote(num_cpus=1, max_retries=self.max_retries, num_returns=num_returns + measure)(task)
        refs = self._remotes[key].remote(*args)
        if not measure:
            return refs
        self._stats.append(refs[-1])
        return refs[0] if num_returns == 1 else list(refs[:-1])

    def get(self, value):
        import ray

        return ray.get(value)

    def map(self, fn: Callable, items: list[tuple]) -> list:
        """``fn(*args)`` for every tuple, one Ray task each, results in order."""
        return self.get([self.submit(fn, *args, measure=False) for args in items])

    def task_stats(self) -> list[dict]:
        import ray

        stats = ray.get(self._stats)
        self._stats = []
        return stats


def make_executor(executor: str, num_cpus: int | None = None):
    if executor == "local":
        return LocalExecutor()
    if executor == "ray":
        return RayExecutor(num_cpus)
    raise ValueError(f"unknown executor {executor!r} (ray | local)")
