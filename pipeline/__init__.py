"""ja-cc-curation: Japanese pretraining corpora from Common Crawl.

- ``pipeline.annotate``: one input file -> one shard of annotated Japanese documents (stages + taggers)
- ``pipeline.dedup``: MinHash + exact duplicate clusters over the shards of a run
- ``pipeline.select``: a variant (YAML rules over stored signals) -> the variant's shards + report
- ``pipeline.executor``: where tasks run (Ray or this process); ``pipeline.io``: atomic writes
"""

from pathlib import Path

#: The repository root: data that lives beside the package (ngwords/, blocklists/, configs/).
REPO_ROOT = Path(__file__).resolve().parent.parent
