"""newscast batch on a real Dask LocalCluster: names, failures, skipping, and a worker killed mid-batch."""

from __future__ import annotations

import os
import shutil
import signal

import pytest
import soundfile
from typer.testing import CliRunner

from newscast import load_config
from newscast.batch import BUILT, FAILED, SKIPPED, run_batch
from newscast.cli import app

from .conftest import DATA, EXAMPLE_ARTICLE

pytestmark = pytest.mark.dask

distributed = pytest.importorskip("dask.distributed")

ORCHARD = str(DATA / "flattened-orchard.txt")
FERRY = str(EXAMPLE_ARTICLE)
FERRY_NAME = "2017-03-06-coastal-city-brings-back-its-century-old-ferry-with-electric.mp3"


class TestEngines(distributed.WorkerPlugin):
    """Every worker, restarted ones too, gets the test engines by importing the conftest that registers them."""

    def setup(self, worker):
        import tests.conftest  # noqa: F401


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=50
    )
    dask_client = distributed.Client(cluster)
    dask_client.register_plugin(TestEngines())
    yield dask_client
    dask_client.close()
    cluster.close()


@pytest.fixture
def tone(tmp_path):
    return load_config(overrides={"speech": {"engine": "tone"}})


def test_batch_builds_each_article_and_reports_failures(client, tone, tmp_path):
    twin = tmp_path / "ferry-copy.txt"  # the same story from another path: same date and headline
    shutil.copy(FERRY, twin)
    sources = [FERRY, ORCHARD, str(tmp_path / "missing.txt"), str(twin)]
    seen = []
    results = run_batch(
        sources, tmp_path / "out", tone, client=client, cache_dir=tmp_path / "cache", on_result=seen.append
    )
    assert [result.status for result in results] == [BUILT, BUILT, FAILED, BUILT]
    assert len(seen) == 4
    assert "no such file" in results[2].reason
    names = [os.path.basename(result.output) for result in results if result.status == BUILT]
    assert names[0] == FERRY_NAME
    assert names[2].startswith(FERRY_NAME[:-4] + "-") and names[2] != names[0]  # collision-safe
    for result in results:
        if result.status == BUILT:
            samples, rate = soundfile.read(result.output)
            assert len(samples) / rate == pytest.approx(result.duration, abs=0.05)
            assert os.path.exists(result.output[:-4] + ".vtt")

    again = run_batch(sources, tmp_path / "out", tone, client=client, cache_dir=tmp_path / "cache")
    assert [result.status for result in again] == [SKIPPED, SKIPPED, FAILED, SKIPPED]
    assert [result.output for result in again if result.status == SKIPPED] == [r.output for r in results if r.output]
    forced = run_batch([ORCHARD], tmp_path / "out", tone, client=client, force=True, cache_dir=tmp_path / "cache")
    assert forced[0].status == BUILT


def test_a_worker_killed_mid_batch_does_not_lose_articles(client, tmp_path):
    config = load_config(overrides={"speech": {"engine": "slowtone"}})
    sources = []
    for number in range(6):  # six distinct files; their names collide and are told apart by hash
        copy = tmp_path / f"story-{number}.txt"
        shutil.copy(FERRY, copy)
        sources.append(str(copy))
    pids = list(client.run(os.getpid).values())
    killed = []

    def kill_one_worker(result):
        if not killed:
            os.kill(pids[0], signal.SIGKILL)
            killed.append(pids[0])

    results = run_batch(
        sources, tmp_path / "out", config, client=client, cache_dir=tmp_path / "cache", on_result=kill_one_worker
    )
    assert killed
    # a task whose episode was finished just before its worker died is rerun and finds it done: skipped
    assert {result.status for result in results} <= {BUILT, SKIPPED}
    outputs = {result.output for result in results}
    assert len(outputs) == 6 and all(os.path.isfile(output) for output in outputs)
    leftovers = [name for name in os.listdir(tmp_path / "out") if name.endswith(".part")]
    assert leftovers == []
    client.wait_for_workers(2, timeout=30)  # the nanny brings the worker back for the next test


def test_batch_command_against_a_running_scheduler(client, tmp_path):
    config = tmp_path / "show.toml"
    config.write_text('[speech]\nengine = "tone"\n')
    result = CliRunner().invoke(
        app,
        ["batch", FERRY, str(tmp_path / "nope.txt"), "--out-dir", str(tmp_path / "out"),
         "--scheduler", client.scheduler.address, "--config", str(config), "--cache-dir", str(tmp_path / "cache")],
    )  # fmt: skip
    assert result.exit_code == 1  # one article failed; the other was built
    table = " ".join(result.stderr.split())
    assert "built" in table and "failed" in table and "no such file" in table
    assert (tmp_path / "out" / FERRY_NAME).is_file()


def test_unreachable_scheduler_is_a_clean_error(tmp_path):
    result = CliRunner().invoke(
        app, ["batch", FERRY, "--out-dir", str(tmp_path), "--scheduler", "tcp://127.0.0.1:9", "-c", os.devnull]
    )
    assert result.exit_code == 1  # a network failure, not bad usage
    assert "cannot reach the Dask scheduler" in result.stderr


def _malloc_settings():
    names = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "OPENBLAS_NUM_THREADS")
    return tuple(os.environ.get(name) for name in names)


@pytest.mark.filterwarnings("ignore:Port 8787 is already in use")  # the module's cluster is up beside it
def test_the_local_cluster_workers_reuse_freed_memory(monkeypatch):
    """Dask starts workers returning memory at once (MALLOC_TRIM_THRESHOLD_=65536); ours keep it, and run one
    OpenBLAS thread (process.py)."""
    from newscast.batch import _client
    from newscast.process import BLAS_ENVIRONMENT, MALLOC_ENVIRONMENT

    for name in (*MALLOC_ENVIRONMENT, *BLAS_ENVIRONMENT):  # an earlier cluster left dask's in os.environ, which wins
        monkeypatch.delenv(name, raising=False)

    dask_client, cluster = _client("", 1)
    try:
        settings = list(dask_client.run(_malloc_settings).values())
    finally:
        dask_client.close()
        cluster.close()
    wanted = (MALLOC_ENVIRONMENT["MALLOC_MMAP_THRESHOLD_"], MALLOC_ENVIRONMENT["MALLOC_TRIM_THRESHOLD_"], "1")
    assert settings == [wanted]
