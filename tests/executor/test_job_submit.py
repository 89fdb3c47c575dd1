"""The README's cluster job path, end to end: a Ray head with its job server on loopback, the annotate
job submitted with ``ray job submit --working-dir .``, waited for, its shards equal to a local run's."""

import json
import os
import shutil
import subprocess
import sys
import tempfile

import pytest

from pipeline.annotate.config import AnnotateConfig
from pipeline.annotate.run import run_annotate

from tests.executor.test_cluster import RAY, _free_port, _kill_cluster, cluster_env, shard_bytes
from tests.helpers import FIXTURES, REPO

INPUTS = [str(FIXTURES / "warc" / "clueweb-quirk.warc.gz"), str(FIXTURES / "warc" / "test.warc")]


@pytest.mark.slow
def test_ray_job_submit_with_working_dir_gives_the_local_shards(tmp_path):
    reference = tmp_path / "reference"
    run_annotate(INPUTS, reference, AnnotateConfig(), executor="local", show_progress=False)
    temp_dir = tempfile.mkdtemp(prefix="rj", dir="/tmp")  # short: Ray's socket paths must fit 107 bytes
    port, dashboard = _free_port(), _free_port()
    env = cluster_env()
    env["PATH"] = f"{os.path.dirname(sys.executable)}{os.pathsep}{env.get('PATH', '')}"  # `python` = this venv's
    try:
        head = subprocess.run([RAY, "start", "--head", f"--port={port}", f"--temp-dir={temp_dir}", "--num-cpus=2",
                               "--node-ip-address=127.0.0.1", "--include-dashboard=true", "--dashboard-host=127.0.0.1",
                               f"--dashboard-port={dashboard}", f"--dashboard-agent-listen-port={_free_port()}",
                               "--disable-usage-stats"], env=env, capture_output=True, text=True, timeout=180)
        assert head.returncode == 0, head.stderr[-2000:]
        out = tmp_path / "job-out"
        submit = subprocess.run(
            [RAY, "job", "submit", "--address", f"http://127.0.0.1:{dashboard}", "--working-dir", ".", "--",
             "python", "-m", "pipeline", "annotate", *INPUTS, "--out", str(out), "--no-progress"],
            cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
        assert submit.returncode == 0, (submit.stdout + submit.stderr)[-3000:]
        assert "succeeded" in submit.stdout.lower()
        funnel = json.loads((out / "funnel.json").read_text())
        assert funnel["inputs_failed"] == [] and funnel["inputs_done"] == len(INPUTS)
        assert shard_bytes(out) == shard_bytes(reference)
    finally:
        _kill_cluster(temp_dir)
        shutil.rmtree(temp_dir, ignore_errors=True)
