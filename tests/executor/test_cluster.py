"""Reliability on real Ray (issue #8): a killed worker is retried with identical output, and a real
two-node cluster (two raylets on loopback, started with `ray start`) gives the local run's shards."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import pytest

from pipeline.annotate.config import AnnotateConfig
from pipeline.annotate.run import run_annotate

from tests.helpers import FIXTURES, REPO, SAMPLE_WARC

FIX = FIXTURES / "warc"
INPUTS = [str(SAMPLE_WARC), str(FIX / "clueweb-quirk.warc.gz"), str(FIX / "sample-0001.warc.gz"), str(FIX / "test.warc")]
RAY = str(Path(sys.executable).with_name("ray"))


def shard_bytes(out_dir: Path) -> dict:
    return {p.name: p.read_bytes() for p in sorted((out_dir / "shards").glob("*.parquet"))}


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    out = tmp_path_factory.mktemp("reference")
    run_annotate(INPUTS, out, AnnotateConfig(), executor="local", show_progress=False)
    return shard_bytes(out)


def cluster_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAY_")}
    env.update({"RAY_AUTH_MODE": "disabled", "RAY_USAGE_STATS_ENABLED": "0"}, **extra)
    return env


@pytest.mark.slow
def test_killed_worker_is_retried_and_shards_are_identical(tmp_path, reference):
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "annotate", *INPUTS, "--out", str(out), "--num-cpus", "2", "--no-progress"],
        cwd=REPO, env=cluster_env(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    killed = None
    deadline = time.time() + 90
    while killed is None and time.time() < deadline and proc.poll() is None:
        for p in psutil.Process(proc.pid).children(recursive=True):
            try:
                if "ray::annotate_task" in " ".join(p.cmdline()):
                    time.sleep(0.3)  # let it get into the WARC
                    p.send_signal(signal.SIGKILL)
                    killed = p.pid
                    break
            except psutil.Error:
                continue
        time.sleep(0.2)
    stdout, _ = proc.communicate(timeout=300)
    assert killed is not None, "no running annotate task was found to kill"
    assert proc.returncode == 0
    funnel = json.loads((out / "funnel.json").read_text())
    assert funnel["inputs_failed"] == [] and funnel["inputs_done"] == len(INPUTS)
    assert shard_bytes(out) == reference
    assert not list((out / "shards").glob("*.tmp-*"))  # the retry removed the dead attempt's temp file


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _kill_cluster(temp_dir: str) -> None:
    """Stop only this test's Ray processes (``ray stop`` would kill every Ray on the machine)."""
    me = os.getpid()
    for p in psutil.process_iter(["pid", "cmdline"]):
        try:
            if p.info["pid"] != me and temp_dir in " ".join(p.info["cmdline"] or []):
                p.kill()
        except psutil.Error:
            pass


@pytest.mark.slow
def test_two_node_cluster_on_loopback_equals_the_local_run(tmp_path, reference):
    temp_dir = tempfile.mkdtemp(prefix="rt", dir="/tmp")  # short: Ray's socket paths must fit 107 bytes
    port = _free_port()
    env = cluster_env()
    common = ["--num-cpus=1", "--node-ip-address=127.0.0.1", "--disable-usage-stats"]
    try:
        subprocess.run([RAY, "start", "--head", f"--port={port}", f"--temp-dir={temp_dir}", "--include-dashboard=false",
                        f"--dashboard-agent-listen-port={_free_port()}", *common], env=env, check=True, capture_output=True, timeout=120)
        subprocess.run([RAY, "start", f"--address=127.0.0.1:{port}", f"--dashboard-agent-listen-port={_free_port()}", *common],
                       env=env, check=True, capture_output=True, timeout=120)
        out = tmp_path / "out"
        run = subprocess.run([sys.executable, "-m", "pipeline", "annotate", *INPUTS, "--out", str(out), "--no-progress"],
                             cwd=REPO, env=env | {"RAY_ADDRESS": f"127.0.0.1:{port}"}, capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr[-2000:]
        funnel = json.loads((out / "funnel.json").read_text())
        nodes = {t["node_id"] for t in funnel["tasks"]}
        assert len(nodes) == 2, f"tasks ran on {len(nodes)} node(s)"
        assert shard_bytes(out) == reference
    finally:
        _kill_cluster(temp_dir)
        shutil.rmtree(temp_dir, ignore_errors=True)
