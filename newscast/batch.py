"""One episode per article, for many articles, on Dask: a local cluster of processes or an existing one.

Articles are read once, on the client, which settles their output names; each is then one task. Tasks are
idempotent (the clip cache and atomic writes), so Dask can simply run a lost worker's tasks again, and an
episode already in the output folder is not built twice unless forced. A failing article is reported, not
raised: the batch goes on.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .config import Config
from .errors import ClusterError, ConfigError, NewscastError
from .models import Script, Status
from .naming import episode_stem, own_or_free
from .pipeline import cache_for, check_inputs, episode_script, speak_script
from .speech import resolve_engine_name

BUILT, SKIPPED, FAILED = Status.BUILT, Status.SKIPPED, Status.FAILED  # the names callers import (models.Status)


@dataclass(frozen=True)
class ArticleResult:
    """How one article of a batch went."""

    source: str
    status: Status  # built, skipped or failed
    output: str = ""
    title: str = ""
    duration: float = 0.0  # s of audio
    seconds: float = 0.0  # s it took
    reason: str = ""  # why it failed


def episode_name(script: Script, source: str, taken: dict[str, str] | None = None, out_dir: Path | None = None) -> str:
    """``<date>-<slug>.mp3`` (``undated-`` without a date, as `build` names it); when another article of the
    batch already has that name, or ``out_dir`` holds another article's episode under it, the source's short
    hash tells them apart. Stable: the same article in the same batch always gets the same name."""
    name = episode_stem(script)
    clash = taken is not None and taken.setdefault(name, source) != source
    if clash or (out_dir is not None and not own_or_free(out_dir / f"{name}.mp3", script)):
        name += "-" + hashlib.sha256(source.encode()).hexdigest()[:8]
    return name + ".mp3"


def read_articles(
    sources: Sequence[str], config: Config, out_dir: Path | None = None
) -> tuple[dict[str, tuple[Script, str]], dict[str, str]]:
    """Read every article once, on the client, so output names are settled before any work is sent out:
    (source -> its script and episode name, source -> why it could not be read)."""
    taken: dict[str, str] = {}
    planned: dict[str, tuple[Script, str]] = {}
    unreadable: dict[str, str] = {}
    for source in sources:
        try:
            script = episode_script([source], config)
        except NewscastError as error:
            unreadable[source] = str(error)
            continue
        except Exception as error:  # a bug in one article must not sink the batch; the summary shows it
            unreadable[source] = repr(error)
            continue
        planned[source] = (script, episode_name(script, source, taken, out_dir))
    return planned, unreadable


def build_article(
    source: str, script: Script, name: str, out_dir: str, config: Config, force: bool, cache_dir: str = ""
) -> ArticleResult:
    """The task: one article's script -> one episode in ``out_dir``. Never raises for a bad article."""
    started = time.perf_counter()
    output = Path(out_dir) / name
    if output.exists() and not force:
        return ArticleResult(source, Status.SKIPPED, str(output), script.title, seconds=time.perf_counter() - started)
    try:
        cache = cache_for(config, Path(cache_dir) if cache_dir else None)
        episode = speak_script(script, config, output=output, cache=cache, force=force)
    except NewscastError as error:
        return ArticleResult(source, Status.FAILED, seconds=time.perf_counter() - started, reason=str(error))
    except Exception as error:  # a bug in one article must not sink the batch; the summary shows it
        return ArticleResult(source, Status.FAILED, seconds=time.perf_counter() - started, reason=repr(error))
    return ArticleResult(
        source, Status.BUILT, str(output), script.title, episode.duration, time.perf_counter() - started
    )


def _client(scheduler: str, workers: int):
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise ConfigError("newscast batch needs Dask: pip install 'newscast[dask]'") from None
    if scheduler:
        try:
            return Client(scheduler, timeout="10s"), None
        except (OSError, TimeoutError) as error:
            raise ClusterError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from None
    import dask

    from .process import BLAS_ENVIRONMENT, MALLOC_ENVIRONMENT

    # Dask starts its workers with MALLOC_TRIM_THRESHOLD_=65536 (memory back to the system at once, against leaks
    # in long-lived workers); a cluster that lives for one batch is better served by reusing it, and by one
    # OpenBLAS thread (process.py). A variable set in this process's environment still wins.
    environment = {
        **dask.config.get("distributed.nanny.pre-spawn-environ", {}),
        **MALLOC_ENVIRONMENT,
        **BLAS_ENVIRONMENT,
    }
    with dask.config.set({"distributed.nanny.pre-spawn-environ": environment}):
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
        )
    return Client(cluster), cluster


def run_batch(
    sources: Sequence[str],
    out_dir: Path,
    config: Config,
    scheduler: str = "",
    workers: int = 0,
    force: bool = False,
    cache_dir: Path | None = None,
    client=None,
    on_result: Callable[[ArticleResult], None] = lambda result: None,
) -> list[ArticleResult]:
    """Build every article on Dask; results come back in the order given, and to ``on_result`` as they finish.

    With no ``client`` or ``scheduler``, a local cluster of ``workers`` processes (default: the cores) runs it.
    """
    config = batch_config(config, scheduler, workers, client)
    out_dir.mkdir(parents=True, exist_ok=True)
    planned, unreadable = read_articles(sources, config, out_dir)
    jobs = [(source, *planned[source]) for source in sources if source in planned]
    built = iter(run_scripts(jobs, out_dir, config, scheduler, workers, force, cache_dir, client, on_result))
    results = []
    for source in sources:
        if source in unreadable:
            results.append(ArticleResult(source, Status.FAILED, reason=unreadable[source]))
            on_result(results[-1])
        else:
            results.append(next(built))
    return results


def settled_config(config: Config) -> Config:
    """What every build of a batch shares, settled once: the files the config names checked (a bad cover or
    music file fails the batch before any work starts) and ``auto`` decided (not probed again by every build)."""
    check_inputs(config)
    if config.speech.engine == "auto":
        engine, _ = resolve_engine_name(config.speech)
        config = dataclasses.replace(config, speech=dataclasses.replace(config.speech, engine=engine))
    return config


def batch_config(config: Config, scheduler: str = "", workers: int = 0, client=None) -> Config:
    """The config every task gets: :func:`settled_config`, and on a local cluster, the worker processes sharing
    the cores rather than each starting a thread per core."""
    workers = workers or os.cpu_count() or 1
    config = settled_config(config)
    if not scheduler and client is None and not config.speech.workers:
        threads = max(1, (os.cpu_count() or 1) // workers)
        config = dataclasses.replace(config, speech=dataclasses.replace(config.speech, workers=threads))
    return config


def run_scripts(
    jobs: Sequence[tuple[str, Script, str]],
    out_dir: Path,
    config: Config,
    scheduler: str = "",
    workers: int = 0,
    force: bool = False,
    cache_dir: Path | None = None,
    client=None,
    on_result: Callable[[ArticleResult], None] = lambda result: None,
) -> list[ArticleResult]:
    """Speak scripts already made on the client, each ``(source, script, episode name)`` one task on Dask;
    results in the order given. ``config`` should come from :func:`batch_config`."""
    workers = workers or os.cpu_count() or 1
    out_dir.mkdir(parents=True, exist_ok=True)
    if not jobs:  # nothing readable: no cluster to start
        return []
    cluster = None
    made_client = client is None
    if made_client:
        client, cluster = _client(scheduler, workers)
    try:
        from dask.distributed import as_completed

        results: list[ArticleResult | None] = [None] * len(jobs)
        futures = {}
        for index, (source, script, name) in enumerate(jobs):
            futures[client.submit(
                build_article, source, script, name, str(out_dir), config, force, str(cache_dir or ""),
                key=f"newscast-{index}-{hashlib.sha256(source.encode()).hexdigest()[:12]}", pure=False,
            )] = index  # fmt: skip
        for future in as_completed(futures):
            index = futures[future]
            try:
                result = future.result()
            except Exception as error:  # the task itself died too often (e.g. killed workers): report it
                result = ArticleResult(jobs[index][0], Status.FAILED, reason=f"the task failed on Dask: {error!r}")
            results[index] = result
            on_result(result)
    finally:
        if made_client:
            client.close()
        if cluster is not None:
            cluster.close()
    return [result for result in results if result is not None]
