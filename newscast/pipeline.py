"""The stages wired together: read -> script -> speak -> assemble. No printing: progress goes to a callback."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .articles import read_article
from .config import Config
from .episode import default_output_path, write_episode
from .errors import ArticleError
from .models import Clip, Episode, Script
from .script import build_script
from .speech import Engine, create_engine, resolve_engine_name
from .speech.cache import ClipCache
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


def synthesize(script: Script, engine: Engine, cache: ClipCache, on_progress: ProgressCallback = _ignore) -> list[Clip]:
    """Speak every segment, reusing clips the cache already holds."""
    identity = engine.identity()
    clips: list[Clip] = []
    total = len(script.segments)
    for index, segment in enumerate(script.segments):
        text = speakable(segment.text)
        audio = cache.get(identity, text)
        if audio is None:
            audio = engine.synthesize(text)
            cache.put(identity, text, audio)
        clips.append(Clip(segment, audio))
        on_progress(Progress("speak", index + 1, total, segment.kind))
    return clips


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
    clips = synthesize(script, engine, cache or ClipCache(), on_progress)
    output = output or default_output_path(script, config)
    on_progress(Progress("write", message=str(output)))
    return write_episode(script, clips, output, config, engine.name)
