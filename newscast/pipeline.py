"""The stages wired together: read -> script -> speak -> assemble. No printing: progress goes to a callback."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .articles import read_article
from .config import Config
from .episode import default_output_path, write_episode
from .errors import ArticleError
from .models import Audio, Clip, Episode, Script
from .script import build_script
from .speech import Engine, create_engine, resolve_engine_name
from .speech.cache import ClipCache, default_cache_dir
from .speech.text import speakable


@dataclass(frozen=True)
class Progress:
    """A report from a running build: ``stage`` is engine, speak or write."""

    stage: str
    done: int = 0
    total: int = 0
    message: str = ""


ProgressCallback = Callable[[Progress], None]


def _ignore(_: Progress) -> None:
    return None


def script_for(sources: Sequence[str | Path], config: Config) -> list[Script]:
    """One script per source."""
    if not sources:
        raise ArticleError("no article given")
    return [build_script(read_article(source), config) for source in sources]


def cache_for(config: Config, directory: Path | None = None) -> ClipCache:
    """The clip cache the config (or ``--cache-dir``) points at, with its size bound."""
    return ClipCache(directory or default_cache_dir(config.cache.directory), config.cache.max_size_mb * 1_000_000)


def worker_count(engine: Engine, config: Config) -> int:
    """Segments spoken at once: the config's, else what the engine asks for, else one."""
    if config.speech.workers:
        return config.speech.workers
    wanted = getattr(engine, "workers", 1)
    return max(1, wanted if wanted > 0 else (os.cpu_count() or 1))


def synthesize(
    script: Script,
    engine: Engine,
    cache: ClipCache,
    config: Config,
    on_progress: ProgressCallback = _ignore,
) -> Iterator[Clip]:
    """Speak every segment, in parallel, yielding clips in script order as soon as each is ready.

    Clips already in the cache are not spoken again; every clip spoken is cached the moment it is done, so an
    interrupted build loses only the segments in flight.
    """
    identity = engine.identity()
    segments = script.segments
    texts = [speakable(segment.text, config.pronunciations) for segment in segments]
    total = len(segments)
    done = 0

    def speak(text: str) -> Audio:
        audio = engine.synthesize(text)
        cache.put(identity, text, audio)
        return audio

    with ThreadPoolExecutor(max_workers=worker_count(engine, config), thread_name_prefix="speak") as pool:
        pending: dict[str, Future[Audio]] = {}
        cached: dict[str, Audio] = {}
        for text in texts:
            if text in pending or text in cached:
                continue
            audio = cache.get(identity, text)
            if audio is None:
                pending[text] = pool.submit(speak, text)
            else:
                cached[text] = audio
        try:
            for segment, text in zip(segments, texts, strict=True):
                audio = cached.get(text) or pending[text].result()
                done += 1
                on_progress(Progress("speak", done, total, segment.kind))
                yield Clip(segment, audio)
        finally:
            for future in pending.values():
                future.cancel()


def build_episode(
    source: str | Path,
    config: Config,
    output: Path | None = None,
    cache: ClipCache | None = None,
    on_progress: ProgressCallback = _ignore,
) -> Episode:
    """Turn one article into one MP3 episode; return what was written."""
    (script,) = script_for([source], config)
    name, reason = resolve_engine_name(config.speech)
    engine = create_engine(name, config.speech)
    on_progress(Progress("engine", message=f"{name}: {reason}"))
    output = output or default_output_path(script, config)
    cache = cache or cache_for(config)
    clips = synthesize(script, engine, cache, config, on_progress)
    episode = write_episode(script, clips, output, config, engine.name)
    cache.prune()
    on_progress(Progress("write", message=str(output)))
    return episode
