from __future__ import annotations

import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newscast import ConfigError, load_config
from newscast.config import SEGMENT_KINDS, default_config_text, user_config_path


def write(tmp_path, text):
    path = tmp_path / "newscast.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults():
    config = load_config()
    assert config.script.order == ("headline", "highlights", "body")
    assert config.speech.engine == "auto"
    assert config.output.directory == "audio"
    assert config.source == "defaults"


def test_user_file_overrides_only_what_it_names(tmp_path):
    config = load_config(write(tmp_path, '[script]\norder = ["headline", "body"]\n[pauses]\nparagraph = 900\n'))
    assert config.script.order == ("headline", "body")
    assert config.pauses.paragraph == 900
    assert config.pauses.heading == load_config().pauses.heading


def test_user_config_dir_is_picked_up():
    path = user_config_path()
    path.parent.mkdir(parents=True)
    path.write_text('[show]\nname = "Morning Brief"\n')
    assert load_config().show.name == "Morning Brief"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[scrip]\norder = []\n", r"unknown section \[scrip\].*allowed: \[show\], \[script\]"),
        ("[script]\nordr = []\n", r"unknown key script.ordr.*allowed: order, intro, outro"),
        ('[script]\norder = ["headline", "weather"]\n', r"unknown segment kind 'weather'.*allowed: intro, headline"),
        ("[pauses]\nparagraph = -5\n", r"pauses.paragraph .* must be 0 to 10000 ms, got -5"),
        ('[pauses]\nparagraph = "long"\n', r"pauses.paragraph .* must be a whole number, got 'long'"),
        ("[speech]\nslow = 1\n", r"speech.slow .* must be true or false"),
        ("[speech]\nlength_scale = 9\n", r"length_scale .* must be 0.25 to 4.0"),
        ("[output]\nbitrate = 65\n", r"output.bitrate .* must be one of 64, 80"),
        ('[script]\nintro = "Hello {listener}"\n', r"script.intro .* bad field 'listener'"),
        ("[show]\nname = = 1\n", r"invalid TOML in .*newscast.toml: .*line 2"),
        ("script = 3\n", r"\[script\] .* must be a table"),
        # each engine's table, against the Options the engine declares
        ('[speech.gtts]\ntdl = "co.uk"\n', r"unknown key speech.gtts.tdl in .*newscast.toml; allowed: tld, slow"),
        ("[speech.piper]\nlength_scale = 9\n", r"speech.piper.length_scale \(.*\) must be 0.25 to 4.0, got 9.0"),
        ("[speech.gtts]\nretries = 1.5\n", r"speech.gtts.retries in .* must be a whole number"),
        ("[speech.nope]\nx = 1\n", r"unknown table \[speech.nope\] in .*no such engine; allowed: .*\[speech.gtts\]"),
        ("[speech]\nretries = 11\n", r"speech.retries \(.*\) must be 0 to 10, got 11"),
    ],
)
def test_bad_config_names_the_problem(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message):
        load_config(write(tmp_path, text))


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml")


def test_default_file_is_valid_toml_listing_every_kind():
    data = tomllib.loads(default_config_text())
    assert set(data) == {
        "show",
        "script",
        "roundup",
        "pauses",
        "speech",
        "output",
        "music",
        "feed",
        "cache",
        "follow",
        "pronunciations",
    }
    for kind in SEGMENT_KINDS:
        assert kind in default_config_text()


toml_values = st.one_of(
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.text(max_size=20),
    st.lists(st.sampled_from([*SEGMENT_KINDS, "weather"]), max_size=5),
)


@pytest.mark.fuzz
@given(
    section=st.sampled_from(["show", "script", "pauses", "speech", "output", "other"]),
    key=st.sampled_from(["name", "order", "intro", "paragraph", "engine", "bitrate", "timeout", "x"]),
    value=toml_values,
)
def test_any_override_loads_or_raises_config_error(section, key, value):
    try:
        config = load_config(overrides={section: {key: value}})
    except ConfigError as error:
        assert str(error)
    else:
        assert config.source == "defaults"


def test_default_toml_says_what_the_declarations_say():
    from newscast.config import _SECTIONS, declared, declared_defaults, defaults_of
    from newscast.speech import options_class

    shipped = tomllib.loads(default_config_text())
    engines = {name: shipped["speech"].pop(name) for name in ("piper", "gtts")}
    assert shipped == declared_defaults()  # [pronunciations]' examples are comments
    for name, table in engines.items():
        assert table == defaults_of(options_class(name)), name
    for cls in [*_SECTIONS.values(), options_class("piper"), options_class("gtts")]:
        for item in declared(cls):
            assert item.metadata["setting"].help, f"{cls.__name__}.{item.name} has no help"


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"speech": {"timeout": 0}}, r"speech.timeout .* must be above 0 and at most 600 s, got 0"),
        ({"cache": {"max_size_mb": -1}}, r"cache.max_size_mb .* must be 0 \(no bound\) or more, got -1"),
        (
            {"output": {"sample_rate": 11025}},
            r"output.sample_rate .* must be 0 \(the engine's\) or one of 16000, .* Hz, got 11025",
        ),
        ({"music": {"duck": 3.0}}, r"music.duck .* must be -60 to 0, got 3.0"),
        ({"roundup": {"order": "oldest"}}, r"roundup.order .* must be one of given, newest, got 'oldest'"),
    ],
)
def test_each_declared_range_is_enforced(override, message):
    with pytest.raises(ConfigError, match=message):
        load_config(overrides=override)


def test_engine_tables_and_the_old_flat_keys_give_the_engine_its_settings(tmp_path):
    from newscast.speech.gtts import GttsOptions
    from newscast.speech.piper import PiperOptions

    table = load_config(write(tmp_path, '[speech.gtts]\ntld = "co.uk"\n[speech.piper]\nlength_scale = 1.2\n')).speech
    flat = load_config(overrides={"speech": {"tld": "co.uk", "length_scale": 1.2}}).speech  # as before the tables
    for speech in (table, flat):
        assert speech.options("gtts", GttsOptions) == GttsOptions(tld="co.uk")
        assert speech.options("piper", PiperOptions) == PiperOptions(length_scale=1.2)
    assert load_config().speech.options("gtts", GttsOptions) == GttsOptions()


def test_a_plugin_engine_brings_its_own_table(tmp_path, monkeypatch):
    from dataclasses import dataclass

    from newscast import speech as engines
    from newscast.config import EngineOptions, setting
    from newscast.speech import create_engine

    @dataclass(frozen=True)
    class EchoOptions(EngineOptions):
        pitch: int = setting(100, "how high it speaks", between=(50, 200))

    class EchoEngine:
        name = "echo"
        Options = EchoOptions

        def __init__(self, settings):
            self.pitch = settings.options("echo", EchoOptions).pitch

    monkeypatch.setitem(engines._registered, "echo", EchoEngine)  # as register_engine does, undone after
    speech = load_config(write(tmp_path, '[speech]\nengine = "echo"\n[speech.echo]\npitch = 150\n')).speech
    assert create_engine("echo", speech).pitch == 150
    assert create_engine("echo", load_config().speech).pitch == 100
    with pytest.raises(ConfigError, match=r"speech.echo.pitch .* must be 50 to 200, got 20"):
        load_config(write(tmp_path, "[speech.echo]\npitch = 20\n"))
