"""One episode per article, for many articles, on Dask: a local cluster of processes or an existing one.

Each article is one task. Tasks are idempotent (the clip cache and atomic writes), so Dask can simply run a
lost worker's tasks again, and an episode already in the output folder is not built twice unless forced.
A failing article is reported, not raised: the batch goes on.
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
from .episode import slugify
from .errors import ClusterError, ConfigError, NewscastError
from .models import Script
from .pipeline import cache_for, episode_script, speak_script
from .speech import resolve_engine_name

BUILT, SKIPPED, FAILED = "built", "skipped", "failed"


@dataclass(frozen=True)
class ArticleResult:
    """How one article of a batch went."""

    source: str
    status: str  # built, skipped or failed
    output: str = ""
    title: str = ""
    duration: float = 0.0  # s of audio
    seconds: float = 0.0  # s it took
    reason: str = ""  # why it failed


def episode_name(script: Script, source: str, taken: dict[str, str] | None = None) -> str:
    """``<date>-<slug>.mp3``; when another article of the batch already has that name, the source's short hash
    tells them apart. Stable: the same article in the same batch always gets the same name."""
    name = f"{script.date or 'undated'}-{slugify(script.title)}"
    if taken is not None and taken.setdefault(name, source) != source:
        name += "-" + hashlib.sha256(source.encode()).hexdigest()[:8]
    return name + ".mp3"


def plan_names(sources: Sequence[str], config: Config) -> dict[str, str | None]:
    """Each source's output name, read on the client so collisions are settled before any work is sent out.
    A source that cannot be read gets None; its task reports why."""
    taken: dict[str, str] = {}
    names: dict[str, str | None] = {}
    for source in sources:
        try:
            names[source] = episode_name(episode_script([source], config), source, taken)
        except NewscastError:
            names[source] = None
    return names


def build_article(
    source: str, name: str | None, out_dir: str, config: Config, force: bool, cache_dir: str = ""
) -> ArticleResult:
    """The task: one article -> one episode in ``out_dir``. Never raises for a bad article."""
    started = time.perf_counter()
    try:
        script = episode_script([source], config)
        output = Path(out_dir) / (name or episode_name(script, source))
        if output.exists() and not force:
            return ArticleResult(source, SKIPPED, str(output), script.title, seconds=time.perf_counter() - started)
        cache = cache_for(config, Path(cache_dir) if cache_dir else None)
        episode = speak_script(script, config, output=output, cache=cache)
    except NewscastError as error:
        return ArticleResult(source, FAILED, seconds=time.perf_counter() - started, reason=str(error))
    except Exception as error:  # a bug in one article must not sink the batch; the summary shows it
        return ArticleResult(source, FAILED, seconds=time.perf_counter() - started, reason=repr(error))
    return ArticleResult(source, BUILT, str(output), script.title, episode.duration, time.perf_counter() - started)


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
    workers = workers or os.cpu_count() or 1
    if config.speech.engine == "auto":  # decided once here, not probed again by every task
        engine, _ = resolve_engine_name(config.speech)
        config = dataclasses.replace(config, speech=dataclasses.replace(config.speech, engine=engine))
    if not scheduler and client is None and not config.speech.workers:
        # the local worker processes share the cores rather than each starting a thread per core
        threads = max(1, (os.cpu_count() or 1) // workers)
        config = dataclasses.replace(config, speech=dataclasses.replace(config.speech, workers=threads))
    out_dir.mkdir(parents=True, exist_ok=True)
    names = plan_names(sources, config)
    cluster = None
    made_client = client is None
    if made_client:
        client, cluster = _client(scheduler, workers)
    try:
        from dask.distributed import as_completed

        futures = {
            client.submit(
                build_article, source, names[source], str(out_dir), config, force, str(cache_dir or ""),
                key=f"newscast-{index}-{hashlib.sha256(source.encode()).hexdigest()[:12]}", pure=False,
            ): index
            for index, source in enumerate(sources)
        }  # fmt: skip
        results: list[ArticleResult | None] = [None] * len(sources)
        for future in as_completed(futures):
            index = futures[future]
            try:
                result = future.result()
            except Exception as error:  # the task itself died too often (e.g. killed workers): report it
                result = ArticleResult(sources[index], FAILED, reason=f"the task failed on Dask: {error!r}")
            results[index] = result
            on_result(result)
    finally:
        if made_client:
            client.close()
        if cluster is not None:
            cluster.close()
    return [result for result in results if result is not None]
