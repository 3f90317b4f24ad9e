"""newscast: news articles -> podcast episodes."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from .errors import (
    ArticleError,
    AudioError,
    ClusterError,
    ConfigError,
    EngineError,
    InputError,
    NewscastError,
    OutputError,
)

if TYPE_CHECKING:
    from .articles import read_article, read_text
    from .config import Config, EngineOptions, load_config, setting
    from .models import Article, Audio, Block, Chapter, Clip, Cue, Episode, Script, Segment
    from .pipeline import Progress, build_episode
    from .script import build_roundup, build_script
    from .speech import Engine, VoiceInfo, register_engine

__all__ = [
    "Article",
    "ArticleError",
    "Audio",
    "AudioError",
    "Block",
    "Chapter",
    "Clip",
    "ClusterError",
    "Config",
    "ConfigError",
    "Cue",
    "Engine",
    "EngineError",
    "EngineOptions",
    "Episode",
    "InputError",
    "NewscastError",
    "OutputError",
    "Progress",
    "Script",
    "Segment",
    "VoiceInfo",
    "build_episode",
    "build_roundup",
    "build_script",
    "load_config",
    "read_article",
    "read_text",
    "register_engine",
    "setting",
]

# The public API is imported on first use (PEP 562), so `newscast --help` and `newscast script` do not pay for
# the audio stack (numpy, soundfile, onnxruntime) they never touch.
_HOMES = {
    "read_article": "articles", "read_text": "articles", "Config": "config", "load_config": "config",
    "EngineOptions": "config", "setting": "config", "Audio": "models", "VoiceInfo": "speech",
    "Article": "models", "Block": "models", "Chapter": "models", "Clip": "models", "Cue": "models",
    "Episode": "models", "Script": "models", "Segment": "models", "Progress": "pipeline",
    "build_episode": "pipeline", "build_roundup": "script", "build_script": "script", "Engine": "speech",
    "register_engine": "speech",
}  # fmt: skip


def _version() -> str:
    import sys
    from pathlib import Path

    # An installed copy sits beside its own dist-info, an editable one has it on sys.path: read it there, not
    # through importlib.metadata (15 ms to import, 6 ms to scan, in each build, whose fingerprint holds it).
    for folder in [Path(__file__).resolve().parent.parent, *map(Path, sys.path)]:
        found = list(folder.glob("newscast-*.dist-info/METADATA"))
        if len(found) > 1:
            break  # more than one: importlib.metadata decides, as it would have
        if found:
            try:
                with found[0].open(encoding="utf-8") as metadata:
                    for line in metadata:
                        if line.startswith("Version:"):
                            return line.split(":", 1)[1].strip()
                        if not line.strip():
                            break
            except (OSError, UnicodeError):
                pass
            break  # unreadable, or no version in it
    from importlib.metadata import PackageNotFoundError, version  # 15 ms to import: only when asked

    try:
        return version("newscast")  # the one place it is written is pyproject.toml
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "0+unknown"


def __getattr__(name: str):
    if name == "__version__":
        globals()[name] = value = _version()
        return value
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'newscast' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
