"""TOML -> typed Config. Each key is declared once below (type, default, allowed values, help); the shipped
default.toml is the same defaults with comments, for `newscast config` (a test keeps the two equal)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import platformdirs

from .errors import ConfigError
from .images import check_cover
from .limits import TooLarge, describe, read_bounded
from .models import ORDERABLE_KINDS, primary_language

SEGMENT_KINDS = tuple(kind.value for kind in ORDERABLE_KINDS)
OPEN_SECTIONS = ("pronunciations",)  # tables whose keys are the user's own words
MAX_CONFIG_BYTES = 1 << 20
OPEN_TABLES = (("speech", "voices"),)  # tables inside a section whose keys are the user's own
QUOTES_VOICE = "quotes"  # the [speech.voices] key of the voice that speaks quotations
LINK_MODES = ("domain", "skip")
MP3_BITRATES = (64, 80, 96, 112, 128, 160, 192, 224, 256, 320)


@dataclass(frozen=True)
class Setting:
    """What a config key may hold besides its type (which its default gives)."""

    help: str
    between: tuple[float, float | None] | None = None  # low and high (None: no bound) it may be, both included
    above: bool = False  # the low end itself is not allowed
    choices: tuple[Any, ...] = ()
    unit: str = ""  # " ms", " s", " LUFS": said after the range in a message
    shown: str = ""  # how the allowed values are described, when the range alone would mislead


def setting(default: Any, help: str, **allowed: Any) -> Any:
    """Declare a config key once: its default (and so its type), a line of help, and the values it may take."""
    return field(default=default, metadata={"setting": Setting(help, **allowed)})


@dataclass(frozen=True)
class EngineOptions:
    """The base of an engine's own settings, its ``[speech.<engine>]`` table.

    An engine class names its subclass as ``Options``: a frozen dataclass whose fields are declared with
    ``setting()``, as the core keys are. The table is checked against it when the config is loaded (unknown
    keys, types, ranges), and the engine reads it with ``settings.options(name, Options)``.
    """


Options = TypeVar("Options", bound=EngineOptions)

# Keys that were flat in [speech] before each engine had its own table: still accepted there, each read as
# the same key of its engine's table ("speech.tld" is "speech.gtts.tld").
FLAT_ENGINE_KEYS = {"tld": "gtts", "slow": "gtts", "requests_per_second": "gtts", "retries": "gtts",
                    "length_scale": "piper", "speaker": "piper"}  # fmt: skip
RESERVED_SPEECH_TABLES = ("voices",)  # [speech] sub-tables that are not an engine's


DATELINE_MODES = ("lead-in", "segment", "off")
TABLE_MODES = ("note", "rows")
SAMPLE_RATES = (0, 16000, 22050, 24000, 32000, 44100, 48000)
PAUSE = {"between": (0, 10_000), "unit": " ms"}


@dataclass(frozen=True)
class ShowConfig:
    name: str = setting("newscast", "the podcast's name: artist and album tags, {show} in templates")
    cover: str = setting("", "cover art (square PNG or JPEG, 1400 to 3000 px); empty: the bundled cover")


@dataclass(frozen=True)
class ScriptConfig:
    order: tuple[str, ...] = setting(("headline", "highlights", "body"), "what is spoken, in order")
    intro: str = setting("", "spoken by the intro kind; fields {headline} {show} {date} {byline} {outlet}")
    outro: str = setting("", "spoken by the outro kind; the same fields")
    dateline: str = setting("lead-in", "the dateline's place: lead-in, segment or off", choices=DATELINE_MODES)
    tables: str = setting("note", "HTML tables: note (table_note instead) or rows (read)", choices=TABLE_MODES)
    table_note: str = setting("A table is not read here.", "spoken in place of a table")
    warn_dropped: float = setting(0.25, "build warns when more of the page's prose was dropped", between=(0, 1))


@dataclass(frozen=True)
class RoundupConfig:
    title: str = setting("{show}: {date}", "the roundup's title")
    intro: str = setting("This is {show} for {date}. Coming up: {headlines}.", "the show's opening")
    first: str = setting("First: {headline}.", "before the first story")
    transition: str = setting("Next: {headline}.", "before every later story")
    outro: str = setting("That's {show} for {date}. Thanks for listening.", "the show's close")
    sting: str = setting("", "music before every story after the first; empty: none")
    order: str = setting("given", "given (command line) or newest (by date)", choices=("given", "newest"))


@dataclass(frozen=True)
class PauseConfig:
    segment: int = setting(700, "after the headline, byline, date, intro and credits", **PAUSE)
    highlight: int = setting(450, "after each story highlight", **PAUSE)
    heading: int = setting(550, "after a section subheading", **PAUSE)
    paragraph: int = setting(500, "after a body paragraph", **PAUSE)
    item: int = setting(300, "after an item of a bulleted list", **PAUSE)
    fade: int = setting(8, "fade at each clip's edges so joins never click", **PAUSE)


@dataclass(frozen=True)
class SpeechConfig:
    engine: str = setting("auto", "auto, piper, gtts or a plugin engine")
    voice: str = setting("", "the engine's voice; empty: its default (Piper: the bundled voice)")
    language: str = setting("en", "the language spoken (gTTS)")
    sentence_silence: float = setting(0.0, "seconds of silence between sentences", between=(0, 5), unit=" s")
    timeout: float = setting(10.0, "seconds per network request", between=(0, 600), above=True, unit=" s")
    workers: int = setting(
        0, "sentences spoken at once; 0: the engine's choice", between=(0, 64), shown="0 (automatic) to 64"
    )
    links: str = setting("domain", "web and e-mail addresses: domain (say the site) or skip", choices=LINK_MODES)
    # [speech.voices]: a voice per article language ("fr" = "fr_FR-siwis-medium") and for "quotes"
    voices: dict[str, str] = field(default_factory=dict)

    # [speech.<engine>] tables, each checked against its engine's Options; an engine not named has its defaults
    engines: dict[str, EngineOptions] = field(default_factory=dict)

    def options(self, name: str, kind: type[Options]) -> Options:
        """The engine's own settings: its table as loaded, else the defaults its Options declare."""
        found = self.engines.get(name)
        return found if isinstance(found, kind) else kind()

    def voice_for(self, language: str) -> str:
        """The voice configured for a language ("fr", "fr-CA"), else the main voice."""
        return self.voices.get(language) or self.voices.get(primary_language(language)) or self.voice


@dataclass(frozen=True)
class OutputConfig:
    preset: str = setting("", '"" (lean speech) or a preset such as "apple"')
    directory: str = setting("audio", "where build writes when no -o is given")
    bitrate: int = setting(64, "kbit/s for the MP3", choices=MP3_BITRATES, unit=" kbit/s")
    sample_rate: int = setting(
        0, "Hz; 0 keeps the engine's", choices=SAMPLE_RATES,
        shown="0 (the engine's) or one of " + ", ".join(map(str, SAMPLE_RATES[1:])) + " Hz",
    )  # fmt: skip
    stereo: bool = setting(False, "two channels instead of one")
    loudness_mono: float = setting(-19.0, "integrated loudness of a mono episode", between=(-36, -6), unit=" LUFS")
    loudness_stereo: float = setting(-16.0, "integrated loudness of a stereo episode", between=(-36, -6), unit=" LUFS")
    true_peak: float = setting(-1.0, "true-peak ceiling", between=(-12, 0), unit=" dBTP")

    @property
    def loudness(self) -> float:
        return self.loudness_stereo if self.stereo else self.loudness_mono


@dataclass(frozen=True)
class MusicConfig:
    intro: str = setting("", "music under the start (WAV, FLAC, OGG or MP3); empty: none")
    outro: str = setting("", "music under the end; empty: none")
    level: float = setting(-4.0, "LU, the music against the speech", between=(-30, 10))
    duck: float = setting(-18.0, "dB, the music under speech against its own level", between=(-60, 0))
    lead_in: float = setting(4.0, "s the intro plays alone", between=(0, 60))
    tail: float = setting(4.0, "s the outro plays on after the speech", between=(0, 60))
    fade: float = setting(3.0, "s of fade", between=(0, 30))


@dataclass(frozen=True)
class FeedConfig:
    base_url: str = setting("", "where the folder of episodes is served from")
    title: str = setting("", "the feed's title; empty: the show's name")
    description: str = setting("", "the feed's description")
    author: str = setting("", "itunes:author; empty: the show's name")
    owner_name: str = setting("", "itunes:owner's name; empty: the author")
    owner_email: str = setting("", "itunes:owner's e-mail, and podcast:locked's owner")
    image: str = setting("", "the show's image; empty: the cover art")
    category: str = setting("News", "an Apple Podcasts category")
    subcategory: str = setting("", "one of the category's subcategories, or empty")
    explicit: bool = setting(False, "itunes:explicit")
    language: str = setting("en", "the feed's language when its episodes do not say")
    locked: bool = setting(False, "podcast:locked")


@dataclass(frozen=True)
class FollowConfig:
    feeds: tuple[str, ...] = setting((), "news feeds (URLs or files) that `newscast follow` reads")
    directory: str = setting("", "where episodes and the follow state go; empty: output.directory")
    roundup: bool = setting(False, "one episode of all new items per run")
    limit: int = setting(0, "new items built per run at most; 0: all", between=(0, None), shown="0 (no bound) or more")
    keep: int = setting(0, "episodes kept in the folder; 0: all", between=(0, None), shown="0 (no bound) or more")
    delay: float = setting(2.0, "seconds between two requests to one host", between=(0, 600), unit=" s")
    feed: bool = setting(False, "refresh the folder's feed.xml after each run")


@dataclass(frozen=True)
class CacheConfig:
    directory: str = setting("", "where clips are kept; empty: the user cache dir")
    max_size_mb: int = setting(1024, "least recently used clips go beyond this; 0: no bound", between=(0, None),
                               shown="0 (no bound) or more")  # fmt: skip


@dataclass(frozen=True)
class Config:
    show: ShowConfig = field(default_factory=ShowConfig)
    script: ScriptConfig = field(default_factory=ScriptConfig)
    roundup: RoundupConfig = field(default_factory=RoundupConfig)
    pauses: PauseConfig = field(default_factory=PauseConfig)
    speech: SpeechConfig = field(default_factory=SpeechConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
    music: MusicConfig = field(default_factory=MusicConfig)
    feed: FeedConfig = field(default_factory=FeedConfig)
    cache: CacheConfig = field(default_factory=CacheConfig)
    follow: FollowConfig = field(default_factory=FollowConfig)
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


def declared(cls: type) -> list[Any]:
    """The fields of a section or an engine's Options that are config keys."""
    return [item for item in fields(cls) if "setting" in item.metadata]


def defaults_of(cls: type) -> dict[str, Any]:
    """A section's (or an engine's Options') keys and defaults as TOML gives them: lists, not tuples."""
    return {
        item.name: list(item.default) if isinstance(item.default, tuple) else item.default for item in declared(cls)
    }


def declared_defaults() -> dict[str, dict[str, Any]]:
    """Every section's keys and defaults; the open tables empty. Engines' tables are their own (Options)."""
    data = {name: defaults_of(cls) for name, cls in _SECTIONS.items()}
    data.update({name: {} for name in OPEN_SECTIONS})
    for section, key in OPEN_TABLES:
        data[section][key] = {}
    return data


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
    data = declared_defaults()
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
        if section not in _SECTIONS and section not in OPEN_SECTIONS:
            allowed = ", ".join(f"[{name}]" for name in [*_SECTIONS, *OPEN_SECTIONS])
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
            if section == "speech" and (key in FLAT_ENGINE_KEYS or isinstance(value, dict)):
                engine, table = (FLAT_ENGINE_KEYS[key], {key: value}) if key in FLAT_ENGINE_KEYS else (key, value)
                spelled = "speech" if key in FLAT_ENGINE_KEYS else f"speech.{engine}"
                tables = defaults.setdefault(ENGINE_TABLES, {}).setdefault(engine, {})
                tables.update({name: (item, f"{spelled}.{name}", where) for name, item in table.items()})
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


ENGINE_TABLES = "speech engines"  # where _merge gathers [speech.<engine>] keys: (value, name as written, where)


def _engine_options(tables: dict[str, dict[str, tuple[Any, str, str]]]) -> dict[str, EngineOptions]:
    """Each [speech.<engine>] table checked against the Options its engine declares."""
    from .speech import available_engines, options_class  # only when a table is given: it loads the engine

    options = {}
    for engine, table in tables.items():
        first_where = next(iter(table.values()))[2]
        if engine in RESERVED_SPEECH_TABLES or engine not in available_engines():
            allowed = ", ".join(f"[speech.{name}]" for name in sorted(available_engines()))
            raise ConfigError(f"unknown table [speech.{engine}] in {first_where}: no such engine; allowed: {allowed}")
        kind = options_class(engine)
        if kind is None:
            raise ConfigError(f"[speech.{engine}] in {first_where}: the {engine} engine takes no settings of its own")
        defaults = defaults_of(kind)
        values = {}
        for key, (value, spelled, where) in table.items():
            if key not in defaults:
                raise ConfigError(f"unknown key {spelled} in {where}; allowed: {', '.join(defaults)}")
            section, _, name = spelled.rpartition(".")
            values[key] = _checked_value(section, name, value, defaults[key], where)
            rule = next(item.metadata["setting"] for item in declared(kind) if item.name == key)
            if allowed := _outside(rule, values[key]):
                raise ConfigError(f"{spelled} ({where}) must be {allowed}, got {values[key]!r}")
        options[engine] = kind(**{key: tuple(v) if isinstance(v, list) else v for key, v in values.items()})
    return options


def _type_name(kind: type) -> str:
    return {str: "a string", int: "a whole number", float: "a number", bool: "true or false", list: "a list"}[kind]


def _build(data: dict[str, Any], source: str) -> Config:
    sections = {}
    for name, cls in _SECTIONS.items():
        values = {key: tuple(value) if isinstance(value, list) else value for key, value in data[name].items()}
        sections[name] = cls(**values)
    if ENGINE_TABLES in data:
        sections["speech"] = replace(sections["speech"], engines=_engine_options(data[ENGINE_TABLES]))
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
    _check_declared(config, where)
    for section, key in FILE_KEYS:
        value = getattr(getattr(config, section), key)
        if value and not Path(value).expanduser().is_file():
            raise ConfigError(f"{section}.{key} ({where}): no such file: {value}")
    for section, key in IMAGE_KEYS:
        if value := getattr(getattr(config, section), key):
            check_cover(value, f"{section}.{key} ({where})")
    _validate_feed(config.feed, where)
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
    roundup = config.roundup
    for name in ("title", "intro", "first", "transition", "outro"):
        template = getattr(roundup, name)
        try:
            template.format(show="", date="", headlines="", count="", headline="")
        except (KeyError, IndexError, ValueError) as error:
            raise ConfigError(
                f"roundup.{name} ({where}) has a bad field {error}; "
                "allowed: {show}, {date}, {headlines}, {count}, {headline}"
            ) from None


def _check_declared(config: Config, where: str) -> None:
    """Every key against what its declaration allows."""
    for section, cls in _SECTIONS.items():
        for item in fields(cls):
            value = getattr(getattr(config, section), item.name)
            if "setting" in item.metadata and (allowed := _outside(item.metadata["setting"], value)):
                raise ConfigError(f"{section}.{item.name} ({where}) must be {allowed}, got {value!r}")


def _outside(rule: Setting, value: Any) -> str:
    """What ``value`` should have been, or "" when it is allowed."""
    if rule.choices:
        return "" if value in rule.choices else rule.shown or f"one of {', '.join(map(str, rule.choices))}{rule.unit}"
    if rule.between is None:
        return ""
    low, high = rule.between
    if (low < value if rule.above else low <= value) and (high is None or value <= high):
        return ""
    if rule.shown:
        return rule.shown
    if high is None:
        return f"{low} or more{rule.unit}"
    return f"above {low} and at most {high}{rule.unit}" if rule.above else f"{low} to {high}{rule.unit}"


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
