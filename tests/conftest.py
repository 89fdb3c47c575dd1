from pathlib import Path

import pytest

from tests.helpers import FIXTURES, REPO, SAMPLE_WARC  # noqa: F401


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def ray_local():
    """One local Ray cluster for the whole test session (start-up is ~4 s)."""
    import ray

    if not ray.is_initialized():
        ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR")
    yield ray
    ray.shutdown()
