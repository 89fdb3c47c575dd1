"""Where the dedup tasks run: Ray tasks (the default), or in this process one after another.

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
import resource
import time
import tracemalloc
from typing import Callable


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

    def task_stats(self) -> list[dict]:
        return []


class RayExecutor:
    name = "ray"

    def __init__(self, num_cpus: int | None = None, max_retries: int = 3):
        from .driver import _init_ray

        self.startup_seconds = _init_ray(num_cpus)
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
