"""newscast: news articles -> podcast episodes."""

from .articles import read_article, read_text
from .config import Config, load_config
from .errors import ArticleError, AudioError, ClusterError, ConfigError, EngineError, NewscastError
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
