"""newscast: news articles -> podcast episodes."""

from importlib.metadata import PackageNotFoundError, version

from .articles import read_article, read_text
from .config import Config, EngineOptions, load_config, setting
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
from .models import Article, Audio, Block, Chapter, Clip, Cue, Episode, Script, Segment
from .pipeline import Progress, build_episode
from .script import build_roundup, build_script
from .speech import Engine, VoiceInfo, register_engine

try:
    __version__ = version("newscast")  # the one place it is written is pyproject.toml
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"

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
