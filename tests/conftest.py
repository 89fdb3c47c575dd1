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

    from pipeline.executor import init_ray

    init_ray(num_cpus=2)
    yield ray
    ray.shutdown()
