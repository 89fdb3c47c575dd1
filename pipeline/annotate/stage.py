"""The two kinds of step of the annotate job, and the one runner that drives them.

- A **Stage** decides whether a page goes on: ``stage(page)`` returns the page (possibly with a
  field filled in: the decoded HTML, the extracted text, the language) or a ``Reject`` naming a
  ``Drop`` reason. Stages run in order; the first reject ends the page (datatrove's ``BaseFilter``,
  HojiChar's ``Filter``).
- A **Tagger** never drops: it adds typed columns (``columns``: name -> Arrow type) computed from
  the page (``tag(page) -> dict``). A tagger with ``batched = True`` is called once per row group
  with ``tag_batch(pages)`` instead (the classifier heads score 512 texts at once).

The shard schema, the funnel's stage keys and the per-stage seconds all come from one ordered list
of stages and taggers (``Steps``); nothing else lists them. Adding a signal family is one file with
a ``Tagger`` and one entry in ``pipeline.annotate.taggers.default_taggers``.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable, Iterator, Protocol, Sequence, runtime_checkable

import pyarrow as pa

from pipeline.annotate.reasons import FAILURE_REASONS, Drop

log = logging.getLogger(__name__)

MAX_FAILURES_KEPT = 200


@dataclass
class Page:
    """One candidate document on its way through the stages.

    The record's facts come first; each stage fills in what it learns. ``body`` and ``html`` are
    released once every per-page tagger has run, so a buffered row group holds text only."""

    url: str
    host: str
    record_id: str
    offset: int
    crawl_date: datetime | None
    content_type: str
    body: bytes | None
    html: str | None = None
    charset: str | None = None
    charset_source: str | None = None
    prefilter_evidence: str | None = None
    html_bytes: int | None = None
    text: str | None = None
    lid_label: str | None = None
    lid_score: float | None = None
    lid_ja_score: float | None = None
    columns: dict = field(default_factory=dict)

    def release(self) -> None:
        self.body = None
        self.html = None


@dataclass(frozen=True)
class Reject:
    """A stage's verdict that the page ends here, with a detail for the failure log."""

    reason: Drop
    detail: str = ""


@runtime_checkable
class Stage(Protocol):
    name: str

    def __call__(self, page: Page) -> Page | Reject | Drop: ...


@runtime_checkable
class Tagger(Protocol):
    name: str
    columns: dict[str, pa.DataType]

    def tag(self, page: Page) -> dict: ...


class Funnel:
    """Counts and seconds of one input file (merged across files by ``run.merge_stats``)."""

    def __init__(self, step_names: Sequence[str]) -> None:
        self.dropped: Counter[str] = Counter()
        self.kept = 0
        self.seconds: Counter[str] = Counter({name: 0.0 for name in step_names})
        self.failures: list[dict] = []

    def drop(self, reason: Drop, source: str, offset: int, url: str = "", detail: str = "") -> None:
        self.dropped[reason.value] += 1
        if reason in FAILURE_REASONS:
            log.warning("%s: %s at offset %d %s %s", source, reason.value, offset, url, detail)
            if len(self.failures) < MAX_FAILURES_KEPT:
                self.failures.append({"reason": reason.value, "offset": offset, "url": url, "detail": detail[:300]})


class Steps:
    """The ordered stages and taggers of one annotate job, and everything derived from them."""

    READ, WRITE = "read", "write"

    def __init__(self, stages: Sequence[Stage], taggers: Sequence[Tagger]):
        names = [s.name for s in stages] + [t.name for t in taggers]
        if len(set(names)) != len(names) or {self.READ, self.WRITE} & set(names):
            raise ValueError(f"step names must be unique and not read/write: {names}")
        self.stages = list(stages)
        self.taggers = list(taggers)
        self.page_taggers = [t for t in taggers if not getattr(t, "batched", False)]
        self.batch_taggers = [t for t in taggers if getattr(t, "batched", False)]
        seen: set[str] = set()
        for t in self.taggers:
            clash = seen & set(t.columns)
            if clash:
                raise ValueError(f"tagger {t.name!r} repeats columns {sorted(clash)}")
            seen |= set(t.columns)

    @property
    def names(self) -> list[str]:
        """Funnel keys of ``seconds`` in pipeline order."""
        return [self.READ, *(s.name for s in self.stages), *(t.name for t in self.taggers), self.WRITE]

    def columns(self) -> list[tuple[str, pa.DataType]]:
        return [(name, typ) for t in self.taggers for name, typ in t.columns.items()]

    def stage_counts(self) -> dict[str, dict]:
        """What stages counted beside keep/drop (pre-check evidence, charsets), by stage name."""
        return {s.name: dict(sorted(s.counts.items())) for s in self.stages if getattr(s, "counts", None) is not None}

    def run(self, pages: Iterable[Page | Rejected], source: str, funnel: Funnel) -> Iterator[Page]:
        """Pages through every stage and per-page tagger; drops counted, every step timed."""
        clock = time.perf_counter
        seconds = funnel.seconds
        t = clock()
        for page in pages:
            now = clock()
            seconds[self.READ] += now - t
            t = now
            if isinstance(page, Rejected):
                funnel.drop(page.reason, source, page.offset, page.url, page.detail)
                continue
            for stage in self.stages:
                out = stage(page)
                now = clock()
                seconds[stage.name] += now - t
                t = now
                if out is page:
                    continue
                reject = out if isinstance(out, Reject) else Reject(out)
                funnel.drop(reject.reason, source, page.offset, page.url, reject.detail)
                break
            else:
                for tagger in self.page_taggers:
                    page.columns.update(tagger.tag(page))
                    now = clock()
                    seconds[tagger.name] += now - t
                    t = now
                page.release()
                funnel.kept += 1
                yield page
                t = clock()

    def finish(self, pages: list[Page], funnel: Funnel) -> None:
        """Run the batched taggers over a row group (in tagger order, after the per-page ones)."""
        for tagger in self.batch_taggers:
            t = time.perf_counter()
            for page, cols in zip(pages, tagger.tag_batch(pages)):
                page.columns.update(cols)
            funnel.seconds[tagger.name] += time.perf_counter() - t


@dataclass
class Rejected:
    """A record the reader already turned away (not a response, too large, truncated, ...)."""

    reason: Drop
    offset: int
    url: str = ""
    detail: str = ""


ARROW_TYPES = {
    "int32": pa.int32(),
    "int64": pa.int64(),
    "float32": pa.float32(),
    "float64": pa.float64(),
    "bool": pa.bool_(),
    "string": pa.string(),
    "list<string>": pa.list_(pa.string()),
}


def arrow_columns(types: dict[str, str]) -> dict[str, pa.DataType]:
    """``{"n_chars": "int32"}`` -> ``{"n_chars": pa.int32()}``: signal modules name types as short strings."""
    return {name: ARROW_TYPES[typ] for name, typ in types.items()}
