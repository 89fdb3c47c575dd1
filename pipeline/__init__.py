"""ja-cc-curation: Japanese pretraining corpora from Common Crawl.

- ``pipeline.annotate``: one input file -> one shard of annotated Japanese documents (stages + taggers)
- ``pipeline.dedup``: MinHash + exact duplicate clusters over the shards of a run
- ``pipeline.select``: a variant (YAML rules over stored signals) -> the variant's shards + report
- ``pipeline.executor``: where tasks run (Ray or this process); ``pipeline.io``: atomic writes
"""

from pathlib import Path

#: The repository root: data that lives beside the package (ngwords/, blocklists/, configs/).
REPO_ROOT = Path(__file__).resolve().parent.parent

import os as _os

#: The staged real-data folder (benchmarks, evaluation, rebuilding the sample): ``../shared/data``
#: beside the repository, or ``$JA_CC_SHARED_DATA``. Nothing ``make test`` / ``make pipeline`` needs.
SHARED_DATA = Path(_os.environ.get("JA_CC_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))
