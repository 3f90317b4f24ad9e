"""Speech engines behind one small protocol, found through the ``newscast.engines`` entry points."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from ..config import EngineOptions, SpeechConfig
from ..errors import ConfigError, EngineError
from ..models import Audio

__all__ = [
    "Engine",
    "EngineFactory",
    "VoiceInfo",
    "available_engines",
    "create_engine",
    "google_reachable",
    "list_voices",
    "options_class",
    "register_engine",
    "resolve_engine_name",
]

ENTRY_POINT_GROUP = "newscast.engines"
# The engines that ship with newscast, found without scanning every installed package's metadata (a fresh
# process's build paid 8 ms for it); pyproject.toml declares them as entry points too, for other tools.
BUILT_IN = {"piper": "newscast.speech.piper:PiperEngine", "gtts": "newscast.speech.gtts:GttsEngine"}


@dataclass(frozen=True)
class VoiceInfo:
    """One voice an engine can speak with; ``status`` says whether it is ready (bundled, downloaded...)."""

    name: str
    language: str
    status: str


@runtime_checkable
class Engine(Protocol):
    """What every speech engine offers: a name, an identity for the cache, and synthesis."""

    name: str

    def identity(self) -> str:
        """Everything that changes the sound besides the text (voice, speed, language...)."""
        ...

    def synthesize(self, text: str) -> Audio:
        """Speak ``text``; return mono float samples. Raises EngineError on failure."""
        ...


EngineFactory = Callable[[SpeechConfig], Engine]
# An engine class may also offer:
# - ``Options``: its own settings (a config.EngineOptions dataclass), the [speech.<name>] table;
# - ``list_voices(settings) -> (voices, notes)`` as a static method, for `newscast voices`;
# - ``workers``: how many segments it speaks at once (0: one per core);
# - ``auto_rank`` and a static ``auto_ready(settings) -> (ready, why)``: it takes part in ``--engine auto``,
#   which picks the lowest-ranked engine that is ready.

_registered: dict[str, EngineFactory] = {}


def register_engine(name: str, factory: EngineFactory) -> None:
    """Make an engine available by name (plugins normally use the entry-point group instead)."""
    _registered[name] = factory


@functools.cache
def _entry_points() -> tuple:
    """The engines installed packages declare, looked up once per process (a scan of every installed
    distribution's metadata: 15 ms, which a batch of episodes would otherwise pay per episode)."""
    from importlib.metadata import entry_points  # 15 ms to import: only where engines are looked up

    return tuple(entry_points(group=ENTRY_POINT_GROUP))


def available_engines() -> dict[str, EngineFactory | None]:
    """Engine names -> factory; entry points are loaded lazily, so their value is None here."""
    engines: dict[str, EngineFactory | None] = dict.fromkeys(BUILT_IN)
    engines.update((point.name, None) for point in _entry_points())
    engines.update(_registered)
    return engines


def _load_factory(name: str) -> EngineFactory:
    if name in _registered:
        return _registered[name]
    if name in BUILT_IN:  # ahead of an installed plugin of the same name
        import importlib

        module, attribute = BUILT_IN[name].split(":")
        try:
            return getattr(importlib.import_module(module), attribute)
        except Exception as error:  # a broken install must not take the CLI down with a traceback
            raise EngineError(f"speech engine {name!r} failed to load from {BUILT_IN[name]}: {error}") from error
    for point in (point for point in _entry_points() if point.name == name):
        try:
            return point.load()
        except Exception as error:  # a broken plugin must not take the CLI down with a traceback
            raise EngineError(f"speech engine {name!r} failed to load from {point.value}: {error}") from error
    allowed = ", ".join(["auto", *sorted(available_engines())])
    raise ConfigError(f"unknown speech engine {name!r}; allowed: {allowed}")


PROBE_SECONDS = 1.5  # `--engine auto` decides within about two seconds, whatever the network does


def google_reachable(tld: str = "com", timeout: float = PROBE_SECONDS) -> bool:
    """Does Google Translate's host answer? Bounded (``timeout`` + 0.5 s) even when DNS or a proxy hangs."""
    import requests

    answered = threading.Event()

    def probe() -> None:
        try:
            response = requests.head(f"https://translate.google.{tld}/", timeout=timeout, allow_redirects=False)
            if response.status_code < 500:
                answered.set()
        except requests.RequestException:
            pass

    worker = threading.Thread(target=probe, daemon=True)
    worker.start()
    worker.join(timeout + 0.5)
    return answered.is_set()


def resolve_engine_name(settings: SpeechConfig) -> tuple[str, str]:
    """The engine to use and why. ``auto``: the engines that take part, by rank, until one is ready (built in:
    gTTS when Google answers, else the offline Piper voice)."""
    if settings.engine != "auto":
        return settings.engine, "chosen in the config or with --engine"
    ranked = []
    for name in available_engines():
        factory = _load_factory(name)
        if hasattr(factory, "auto_ready"):
            ranked.append((getattr(factory, "auto_rank", 0), name, factory))
    declined: list[str] = []
    for _, name, factory in sorted(ranked, key=lambda entry: entry[:2]):
        ready, why = factory.auto_ready(settings)
        if ready:
            return name, ", so ".join([*declined, why]) if declined else why
        declined.append(why)
    raise EngineError("no speech engine is ready: " + "; ".join(declined or ["none takes part in --engine auto"]))


def options_class(name: str) -> type[EngineOptions] | None:
    """The Options an engine declares for its [speech.<name>] table, or None."""
    kind = getattr(_load_factory(name), "Options", None)
    return kind if isinstance(kind, type) and issubclass(kind, EngineOptions) else None


def create_engine(name: str, settings: SpeechConfig) -> Engine:
    """Build the named engine from the speech settings."""
    return _load_factory(name)(settings)


def list_voices(name: str, settings: SpeechConfig) -> tuple[list[VoiceInfo], list[str]]:
    """The voices of an engine, and notes on what could not be listed."""
    lister = getattr(_load_factory(name), "list_voices", None)
    if lister is None:
        return [], [f"the {name} engine does not list its voices"]
    return lister(settings)
