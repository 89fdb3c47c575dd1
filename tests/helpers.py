"""Paths and constants shared by the tests (fixtures that need pytest live in conftest.py)."""

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
SAMPLE_WARC = REPO / "data" / "sample" / "sample.warc.gz"
BLOCKLISTS = REPO / "blocklists"
