"""newscast: news articles -> podcast episodes."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from .errors import ArticleError, AudioError, ClusterError, ConfigError, EngineError, NewscastError

if TYPE_CHECKING:
    from .articles import read_article, read_text
    from .config import Config, load_config
    from .models import Article, Block, Chapter, Clip, Cue, Episode, Script, Segment
    from .pipeline import Progress, build_episode
    from .script import build_roundup, build_script
    from .speech import Engine, register_engine

__version__ = "0.1.0"

__all__ = [
    "Article",
    "ArticleError",
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
    "Episode",
    "NewscastError",
    "Progress",
    "Script",
    "Segment",
    "build_episode",
    "build_roundup",
    "build_script",
    "load_config",
    "read_article",
    "read_text",
    "register_engine",
]

# The public API is imported on first use (PEP 562), so `newscast --help` and `newscast script` do not pay for
# the audio stack (numpy, soundfile, onnxruntime) they never touch.
_HOMES = {
    "read_article": "articles", "read_text": "articles", "Config": "config", "load_config": "config",
    "Article": "models", "Block": "models", "Chapter": "models", "Clip": "models", "Cue": "models",
    "Episode": "models", "Script": "models", "Segment": "models", "Progress": "pipeline",
    "build_episode": "pipeline", "build_roundup": "script", "build_script": "script", "Engine": "speech",
    "register_engine": "speech",
}  # fmt: skip


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'newscast' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
