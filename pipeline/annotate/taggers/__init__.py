"""Taggers: each file is one signal family that adds typed columns and never drops a page.

Their order here is the column order of every shard. To add a family: write ``taggers/<name>.py``
with a class that has ``name``, ``columns`` (name -> Arrow type) and ``tag(page) -> dict`` (or
``batched = True`` and ``tag_batch(pages)``), and add it to ``default_taggers``.
"""

from __future__ import annotations

from pipeline.annotate.taggers.affiliate import AffiliateTagger
from pipeline.annotate.taggers.classifier import ClassifierTagger, head_taggers
from pipeline.annotate.taggers.host import HostTagger
from pipeline.annotate.taggers.ngwords import NgWordTagger
from pipeline.annotate.taggers.quality import QualityTagger


def default_taggers(config) -> list:
    """quality (text) -> NG words (text) -> host/URL -> affiliate evidence (HTML) -> classifier (batched)
    -> one head per ``classifiers/models/heads/*.npz`` (batched, ``p_<name>``)."""
    return [QualityTagger(), NgWordTagger(), HostTagger(), AffiliateTagger(), ClassifierTagger(enabled=config.classifier),
            *head_taggers(enabled=config.classifier)]
