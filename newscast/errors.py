"""The one exception hierarchy, by what went wrong (not where); the CLI maps it to messages and exit codes."""

from __future__ import annotations


class NewscastError(Exception):
    """Root of every error newscast raises on purpose."""

    exit_code = 1


class InputError(NewscastError):
    """Something the user named is missing or unusable: a folder of episodes, an episode, a list of articles."""

    exit_code = 2


class ArticleError(InputError):
    """The input could not be read as a news article."""

    exit_code = 2


class ConfigError(NewscastError):
    """The configuration file or an option is invalid."""

    exit_code = 2


class EngineError(NewscastError):
    """A speech engine is unknown, unavailable or failed while speaking."""

    exit_code = 1


class AudioError(NewscastError):
    """Reading, assembling or encoding audio failed."""

    exit_code = 1


class OutputError(NewscastError):
    """An output (an episode, a sidecar, the feed, a copied cover, follow's state) could not be written."""

    exit_code = 1


class ClusterError(NewscastError):
    """The Dask cluster a batch runs on cannot be reached."""

    exit_code = 1
