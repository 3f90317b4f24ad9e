"""TOML -> typed Config. Defaults live in default.toml and nowhere else."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path
from typing import Any

import platformdirs

from .errors import ConfigError

SEGMENT_KINDS = ("intro", "headline", "byline", "date", "highlights", "body", "credits", "outro")
MP3_BITRATES = (64, 80, 96, 112, 128, 160, 192, 224, 256, 320)


@dataclass(frozen=True)
class ShowConfig:
    name: str


@dataclass(frozen=True)
class ScriptConfig:
    order: tuple[str, ...]
    intro: str
    outro: str


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
    timeout: float


@dataclass(frozen=True)
class OutputConfig:
    directory: str
    bitrate: int


@dataclass(frozen=True)
class Config:
    show: ShowConfig
    script: ScriptConfig
    pauses: PauseConfig
    speech: SpeechConfig
    output: OutputConfig
    source: str = "defaults"


_SECTIONS = {
    "show": ShowConfig,
    "script": ScriptConfig,
    "pauses": PauseConfig,
    "speech": SpeechConfig,
    "output": OutputConfig,
}


def default_config_text() -> str:
    """The shipped default.toml, comments included."""
    return resources.files("newscast").joinpath("default.toml").read_text(encoding="utf-8")


def user_config_path() -> Path:
    """Where a user's own config file is picked up from when no --config is given."""
    return Path(platformdirs.user_config_dir("newscast")) / "config.toml"


def load_config(path: str | Path | None = None, overrides: dict[str, dict[str, Any]] | None = None) -> Config:
    """Defaults, then the user's file (``path`` or the user config file), then ``overrides``."""
    data = tomllib.loads(default_config_text())
    source = "defaults"
    if path is None and user_config_path().is_file():
        path = user_config_path()
    if path is not None:
        path = Path(path)
        _merge(data, _read_toml(path), str(path))
        source = str(path)
    if overrides:
        _merge(data, overrides, "command line")
    return _build(data, source)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except IsADirectoryError:
        raise ConfigError(f"config path is a directory, not a TOML file: {path}") from None
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
        for key, value in values.items():
            if key not in defaults[section]:
                allowed = ", ".join(defaults[section])
                raise ConfigError(f"unknown key {section}.{key} in {where}; allowed: {allowed}")
            defaults[section][key] = _checked_value(section, key, value, defaults[section][key], where)


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
    config = Config(**sections, source=source)
    _validate(config)
    return config


def _validate(config: Config) -> None:
    where = config.source
    for kind in config.script.order:
        if kind not in SEGMENT_KINDS:
            raise ConfigError(
                f"unknown segment kind {kind!r} in script.order ({where}); allowed: {', '.join(SEGMENT_KINDS)}"
            )
    for item in fields(PauseConfig):
        value = getattr(config.pauses, item.name)
        if not 0 <= value <= 10_000:
            raise ConfigError(f"pauses.{item.name} ({where}) must be 0 to 10000 ms, got {value}")
    if not 0.25 <= config.speech.length_scale <= 4.0:
        raise ConfigError(f"speech.length_scale ({where}) must be 0.25 to 4.0, got {config.speech.length_scale}")
    if not 0 < config.speech.timeout <= 600:
        raise ConfigError(f"speech.timeout ({where}) must be above 0 and at most 600 s")
    if config.output.bitrate not in MP3_BITRATES:
        allowed = ", ".join(map(str, MP3_BITRATES))
        raise ConfigError(f"output.bitrate ({where}) must be one of {allowed} kbit/s, got {config.output.bitrate}")
    for template_name in ("intro", "outro"):
        template = getattr(config.script, template_name)
        try:
            template.format(headline="", show="", date="", byline="")
        except (KeyError, IndexError, ValueError) as error:
            raise ConfigError(
                f"script.{template_name} ({where}) has a bad field {error}; "
                "allowed: {headline}, {show}, {date}, {byline}"
            ) from None
