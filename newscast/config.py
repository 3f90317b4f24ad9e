"""TOML -> typed Config. Defaults live in default.toml and nowhere else."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, fields
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import platformdirs

from .errors import ConfigError
from .images import check_cover
from .limits import TooLarge, describe, read_bounded

SEGMENT_KINDS = ("intro", "headline", "byline", "date", "highlights", "body", "credits", "outro")
OPEN_SECTIONS = ("pronunciations",)  # tables whose keys are the user's own words
MAX_CONFIG_BYTES = 1 << 20
OPEN_TABLES = (("speech", "voices"),)  # tables inside a section whose keys are the user's own
QUOTES_VOICE = "quotes"  # the [speech.voices] key of the voice that speaks quotations
LINK_MODES = ("domain", "skip")
MP3_BITRATES = (64, 80, 96, 112, 128, 160, 192, 224, 256, 320)


@dataclass(frozen=True)
class ShowConfig:
    name: str
    cover: str


DATELINE_MODES = ("lead-in", "segment", "off")
TABLE_MODES = ("note", "rows")


@dataclass(frozen=True)
class ScriptConfig:
    order: tuple[str, ...]
    intro: str
    outro: str
    dateline: str  # lead-in, segment or off
    tables: str  # note or rows
    table_note: str
    warn_dropped: float  # build warns when more than this share of the page's prose was dropped


@dataclass(frozen=True)
class RoundupConfig:
    title: str
    intro: str
    first: str
    transition: str
    outro: str
    sting: str
    order: str


@dataclass(frozen=True)
class PauseConfig:
    segment: int
    highlight: int
    heading: int
    paragraph: int
    item: int
    fade: int


@dataclass(frozen=True)
class SpeechConfig:
    engine: str
    voice: str
    language: str
    tld: str
    slow: bool
    length_scale: float
    sentence_silence: float
    speaker: str
    timeout: float
    requests_per_second: float
    retries: int
    workers: int
    links: str = "domain"
    # [speech.voices]: a voice per article language ("fr" = "fr_FR-siwis-medium") and for "quotes"
    voices: dict[str, str] = field(default_factory=dict)

    def voice_for(self, language: str) -> str:
        """The voice configured for a language ("fr", "fr-CA"), else the main voice."""
        primary = language.replace("_", "-").split("-")[0].lower()
        return self.voices.get(language) or self.voices.get(primary) or self.voice


@dataclass(frozen=True)
class OutputConfig:
    preset: str
    directory: str
    bitrate: int
    sample_rate: int
    stereo: bool
    loudness_mono: float
    loudness_stereo: float
    true_peak: float

    @property
    def loudness(self) -> float:
        return self.loudness_stereo if self.stereo else self.loudness_mono


@dataclass(frozen=True)
class MusicConfig:
    intro: str
    outro: str
    level: float
    duck: float
    lead_in: float
    tail: float
    fade: float


@dataclass(frozen=True)
class FeedConfig:
    base_url: str
    title: str
    description: str
    author: str
    owner_name: str
    owner_email: str
    image: str
    category: str
    subcategory: str
    explicit: bool
    language: str
    locked: bool


@dataclass(frozen=True)
class FollowConfig:
    feeds: tuple[str, ...]
    directory: str
    roundup: bool
    limit: int
    keep: int
    delay: float
    feed: bool


@dataclass(frozen=True)
class CacheConfig:
    directory: str
    max_size_mb: int


@dataclass(frozen=True)
class Config:
    show: ShowConfig
    script: ScriptConfig
    roundup: RoundupConfig
    pauses: PauseConfig
    speech: SpeechConfig
    output: OutputConfig
    music: MusicConfig
    feed: FeedConfig
    cache: CacheConfig
    follow: FollowConfig
    pronunciations: dict[str, str] = field(default_factory=dict)
    source: str = "defaults"


_SECTIONS = {
    "show": ShowConfig,
    "script": ScriptConfig,
    "roundup": RoundupConfig,
    "pauses": PauseConfig,
    "speech": SpeechConfig,
    "output": OutputConfig,
    "music": MusicConfig,
    "feed": FeedConfig,
    "cache": CacheConfig,
    "follow": FollowConfig,
}


def default_config_text() -> str:
    """The shipped default.toml, comments included."""
    return resources.files("newscast").joinpath("default.toml").read_text(encoding="utf-8")


@cache
def apple_categories() -> dict[str, tuple[str, ...]]:
    """Apple Podcasts' categories and their subcategories (shipped as data)."""
    text = resources.files("newscast").joinpath("apple_categories.toml").read_text(encoding="utf-8")
    return {name: tuple(subs) for name, subs in tomllib.loads(text).items()}


@cache
def output_presets() -> dict[str, dict[str, Any]]:
    """The [output] presets (shipped as data): name -> the output keys it sets."""
    return tomllib.loads(resources.files("newscast").joinpath("presets.toml").read_text(encoding="utf-8"))


def user_config_path() -> Path:
    """Where a user's own config file is picked up from when no --config is given."""
    return Path(platformdirs.user_config_dir("newscast")) / "config.toml"


def load_config(path: str | Path | None = None, overrides: dict[str, dict[str, Any]] | None = None) -> Config:
    """Defaults, then the user's file (``path`` or the user config file), then ``overrides``."""
    data = tomllib.loads(default_config_text())
    source = "defaults"
    if path is None and user_config_path().is_file():
        path = user_config_path()
    layers: list[tuple[dict[str, Any], str]] = []
    if path is not None:
        path = Path(path)
        layers.append((_with_paths_from(path.parent, _read_toml(path)), str(path)))
        source = str(path)
    if overrides:
        layers.append((overrides, "command line"))
    _apply_preset(data, layers)
    for layer, where in layers:
        _merge(data, layer, where)
    return _build(data, source)


def _apply_preset(data: dict[str, Any], layers: list[tuple[dict[str, Any], str]]) -> None:
    """An [output] preset sets its keys first, so any key the user sets beside it still wins."""
    name, where = "", "defaults"
    for layer, layer_where in layers:
        output = layer.get("output")
        if isinstance(output, dict) and "preset" in output:
            name, where = output["preset"], layer_where
    if not name:
        return
    presets = output_presets()
    if not isinstance(name, str) or name not in presets:
        allowed = ", ".join(f'"{preset}"' for preset in presets)
        raise ConfigError(f'output.preset in {where} must be "" (lean speech) or one of {allowed}, got {name!r}')
    data["output"].update(presets[name])


FILE_KEYS = (("show", "cover"), ("music", "intro"), ("music", "outro"), ("roundup", "sting"), ("feed", "image"))
IMAGE_KEYS = (("show", "cover"), ("feed", "image"))


def _with_paths_from(folder: Path, data: dict[str, Any]) -> dict[str, Any]:
    """File names in a config file are relative to the file's own folder, not to where newscast runs."""
    for section, key in FILE_KEYS:
        value = data.get(section, {}).get(key) if isinstance(data.get(section), dict) else None
        if isinstance(value, str) and value and not Path(value).expanduser().is_absolute():
            data[section][key] = str(folder / value)
    follow = data.get("follow")
    if isinstance(follow, dict):
        feeds = follow.get("feeds")
        if isinstance(feeds, list):
            follow["feeds"] = [_relative_to(folder, feed) for feed in feeds]
        if isinstance(follow.get("directory"), str) and follow["directory"]:
            follow["directory"] = _relative_to(folder, follow["directory"])
    return data


def _relative_to(folder: Path, value: Any) -> Any:
    """A file name (not a URL) in a config file, read from the file's own folder."""
    if not isinstance(value, str) or not value or value.startswith(("http://", "https://")):
        return value
    return value if Path(value).expanduser().is_absolute() else str(folder / value)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        text = read_bounded(path, MAX_CONFIG_BYTES).decode("utf-8")
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except IsADirectoryError:
        raise ConfigError(f"config path is a directory, not a TOML file: {path}") from None
    except TooLarge:
        raise ConfigError(f"config file {path} is over {describe(MAX_CONFIG_BYTES)}; refused") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read config file {path}: {error}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        # tomllib's message already carries "(at line N, column M)".
        raise ConfigError(f"invalid TOML in {path}: {error}") from None


def _merge(defaults: dict[str, Any], user: dict[str, Any], where: str) -> None:
    """Overlay ``user`` on ``defaults`` in place, refusing keys the defaults do not have."""
    for section, values in user.items():
        if section not in defaults:
            allowed = ", ".join(f"[{name}]" for name in defaults)
            raise ConfigError(f"unknown section [{section}] in {where}; allowed: {allowed}")
        if not isinstance(values, dict):
            raise ConfigError(f"[{section}] in {where} must be a table of keys")
        if section in OPEN_SECTIONS:
            for key, value in values.items():
                if not isinstance(value, str):
                    raise ConfigError(f"{section}.{key} in {where} must be a string (how it should sound)")
                defaults[section][key] = value
            continue
        for key, value in values.items():
            if (section, key) in OPEN_TABLES:
                defaults[section][key] = {**defaults[section][key], **_voices_table(section, key, value, where)}
                continue
            if key not in defaults[section]:
                allowed = ", ".join(defaults[section])
                raise ConfigError(f"unknown key {section}.{key} in {where}; allowed: {allowed}")
            defaults[section][key] = _checked_value(section, key, value, defaults[section][key], where)


def _voices_table(section: str, key: str, value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ConfigError(f"[{section}.{key}] in {where} must be a table: a language code or quotes = a voice")
    for name, voice in value.items():
        if not isinstance(voice, str):
            raise ConfigError(f"{section}.{key}.{name} in {where} must be a string (a voice name or .onnx path)")
        if name != QUOTES_VOICE and not re.fullmatch(r"[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?", name):
            raise ConfigError(
                f"{section}.{key}.{name} in {where}: keys are language codes (en, fr, pt-BR) or {QUOTES_VOICE}"
            )
    return dict(value)


def _checked_value(section: str, key: str, value: Any, default: Any, where: str) -> Any:
    expected = type(default)
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, bool) != (expected is bool) or not isinstance(value, expected):
        raise ConfigError(f"{section}.{key} in {where} must be {_type_name(expected)}, got {value!r}")
    return value


def _type_name(kind: type) -> str:
    return {str: "a string", int: "a whole number", float: "a number", bool: "true or false", list: "a list"}[kind]


def _build(data: dict[str, Any], source: str) -> Config:
    sections = {}
    for name, cls in _SECTIONS.items():
        values = dict(data[name])
        for item in fields(cls):
            if isinstance(values[item.name], list):
                values[item.name] = tuple(values[item.name])
        sections[name] = cls(**values)
    config = Config(**sections, pronunciations=dict(data.get("pronunciations", {})), source=source)
    _validate(config)
    return config


def _validate(config: Config) -> None:
    where = config.source
    if not config.script.order:
        raise ConfigError(
            f"script.order ({where}) is empty: an episode needs something to say; "
            f"list some of {', '.join(SEGMENT_KINDS)}"
        )
    for kind in config.script.order:
        if kind not in SEGMENT_KINDS:
            raise ConfigError(
                f"unknown segment kind {kind!r} in script.order ({where}); allowed: {', '.join(SEGMENT_KINDS)}"
            )
    script = config.script
    for key, value, allowed in (("dateline", script.dateline, DATELINE_MODES), ("tables", script.tables, TABLE_MODES)):
        if value not in allowed:
            raise ConfigError(f"script.{key} ({where}) must be one of {', '.join(allowed)}, got {value!r}")
    if not 0 <= script.warn_dropped <= 1:
        raise ConfigError(f"script.warn_dropped ({where}) must be 0 to 1, got {script.warn_dropped}")
    for item in fields(PauseConfig):
        value = getattr(config.pauses, item.name)
        if not 0 <= value <= 10_000:
            raise ConfigError(f"pauses.{item.name} ({where}) must be 0 to 10000 ms, got {value}")
    if not 0.25 <= config.speech.length_scale <= 4.0:
        raise ConfigError(f"speech.length_scale ({where}) must be 0.25 to 4.0, got {config.speech.length_scale}")
    speech, output = config.speech, config.output
    if not 0 <= speech.sentence_silence <= 5:
        raise ConfigError(f"speech.sentence_silence ({where}) must be 0 to 5 s, got {speech.sentence_silence}")
    if not 0 < speech.requests_per_second <= 100:
        raise ConfigError(f"speech.requests_per_second ({where}) must be above 0 and at most 100")
    if not 0 <= speech.retries <= 10:
        raise ConfigError(f"speech.retries ({where}) must be 0 to 10, got {speech.retries}")
    if speech.links not in LINK_MODES:
        raise ConfigError(f"speech.links ({where}) must be domain or skip, got {speech.links!r}")
    if not 0 <= speech.workers <= 64:
        raise ConfigError(f"speech.workers ({where}) must be 0 (automatic) to 64, got {speech.workers}")
    for section, key in FILE_KEYS:
        value = getattr(getattr(config, section), key)
        if value and not Path(value).expanduser().is_file():
            raise ConfigError(f"{section}.{key} ({where}): no such file: {value}")
    for section, key in IMAGE_KEYS:
        if value := getattr(getattr(config, section), key):
            check_cover(value, f"{section}.{key} ({where})")
    _validate_feed(config.feed, where)
    music = config.music
    for name, low, high in (("level", -30, 10), ("duck", -60, 0), ("lead_in", 0, 60), ("tail", 0, 60), ("fade", 0, 30)):
        if not low <= getattr(music, name) <= high:
            raise ConfigError(f"music.{name} ({where}) must be {low} to {high}, got {getattr(music, name)}")
    if config.cache.max_size_mb < 0:
        raise ConfigError(f"cache.max_size_mb ({where}) must be 0 (no bound) or more, got {config.cache.max_size_mb}")
    if output.sample_rate not in (0, 16000, 22050, 24000, 32000, 44100, 48000):
        raise ConfigError(
            f"output.sample_rate ({where}) must be 0 (the engine's) or one of 16000, 22050, 24000, 32000, 44100, "
            f"48000 Hz, got {output.sample_rate}"
        )
    for name in ("loudness_mono", "loudness_stereo"):
        if not -36 <= getattr(output, name) <= -6:
            raise ConfigError(f"output.{name} ({where}) must be -36 to -6 LUFS, got {getattr(output, name)}")
    if not -12 <= output.true_peak <= 0:
        raise ConfigError(f"output.true_peak ({where}) must be -12 to 0 dBTP, got {output.true_peak}")
    if not 0 < config.speech.timeout <= 600:
        raise ConfigError(f"speech.timeout ({where}) must be above 0 and at most 600 s")
    if config.output.bitrate not in MP3_BITRATES:
        allowed = ", ".join(map(str, MP3_BITRATES))
        raise ConfigError(f"output.bitrate ({where}) must be one of {allowed} kbit/s, got {config.output.bitrate}")
    for template_name in ("intro", "outro"):
        template = getattr(config.script, template_name)
        try:
            template.format(headline="", show="", date="", byline="", outlet="")
        except (KeyError, IndexError, ValueError) as error:
            raise ConfigError(
                f"script.{template_name} ({where}) has a bad field {error}; "
                "allowed: {headline}, {show}, {date}, {byline}, {outlet}"
            ) from None
    follow = config.follow
    if not all(isinstance(feed, str) and feed.strip() for feed in follow.feeds):
        raise ConfigError(f"follow.feeds ({where}) must be a list of feed URLs or files, got {list(follow.feeds)!r}")
    for name in ("limit", "keep"):
        if getattr(follow, name) < 0:
            raise ConfigError(f"follow.{name} ({where}) must be 0 (no bound) or more, got {getattr(follow, name)}")
    if not 0 <= follow.delay <= 600:
        raise ConfigError(f"follow.delay ({where}) must be 0 to 600 s, got {follow.delay}")
    roundup = config.roundup
    if roundup.order not in ("given", "newest"):
        raise ConfigError(f"roundup.order ({where}) must be given or newest, got {roundup.order!r}")
    for name in ("title", "intro", "first", "transition", "outro"):
        template = getattr(roundup, name)
        try:
            template.format(show="", date="", headlines="", count="", headline="")
        except (KeyError, IndexError, ValueError) as error:
            raise ConfigError(
                f"roundup.{name} ({where}) has a bad field {error}; "
                "allowed: {show}, {date}, {headlines}, {count}, {headline}"
            ) from None


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


def _validate_feed(feed: FeedConfig, where: str) -> None:
    categories = apple_categories()
    if feed.category not in categories:
        raise ConfigError(
            f"feed.category ({where}) must be one of Apple's podcast categories, got {feed.category!r}; "
            f"allowed: {', '.join(categories)}"
        )
    subcategories = categories[feed.category]
    if feed.subcategory and feed.subcategory not in subcategories:
        allowed = ", ".join(subcategories) if subcategories else f"none ({feed.category} has no subcategories)"
        raise ConfigError(
            f"feed.subcategory ({where}) is not an Apple subcategory of {feed.category}, got {feed.subcategory!r}; "
            f"allowed: {allowed}"
        )
    if feed.owner_email and not _EMAIL.match(feed.owner_email):
        raise ConfigError(f"feed.owner_email ({where}) must be an e-mail address, got {feed.owner_email!r}")
    if not _LANGUAGE.match(feed.language):
        raise ConfigError(f"feed.language ({where}) must be a language code such as en or en-GB, got {feed.language!r}")
