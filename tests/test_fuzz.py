"""Fuzzing the command line: random bytes, random HTML, random TOML and random arguments for every command.

Whatever comes in, the answer keeps the error contract: exit 0, 1 or 2, never a traceback, and a failure is
one line that starts with ``error:``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from newscast.cli import app

from .conftest import EXAMPLE_ARTICLE

pytestmark = pytest.mark.fuzz

FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
BASE = "https://example.org/news"


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def assert_contract(result) -> None:
    output = result.output + (result.stderr or "")
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1, 2), (result.exit_code, output)
    assert "Traceback" not in output
    if result.exit_code:
        errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
        assert len(errors) == 1, result.stderr


TAGS = ["p", "div", "h1", "h2", "span", "article", "ul", "li", "a", "title", "script", "style", "table", "td"]
html_pages = st.recursive(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=40),
    lambda inner: st.builds(
        lambda tag, children: f"<{tag}>{''.join(children)}</{tag}>", st.sampled_from(TAGS), st.lists(inner, max_size=4)
    ),
    max_leaves=20,
).map(lambda body: f"<!DOCTYPE html><html><head><title>t</title></head><body>{body}</body></html>")

toml_values = st.one_of(
    st.integers(-(10**6), 10**6), st.floats(allow_nan=False), st.booleans(), st.text(max_size=12),
    st.lists(st.text(max_size=8), max_size=3),
)  # fmt: skip
KEYS = {
    "show": ["name", "cover"], "script": ["order", "intro", "outro"], "speech": ["engine", "timeout", "workers"],
    "output": ["bitrate", "sample_rate", "stereo"], "pauses": ["segment"], "music": ["intro", "level"],
    "cache": ["max_size_mb"], "roundup": ["order", "intro"], "bogus": ["key"],
}  # fmt: skip


def toml_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').encode("unicode_escape").decode() + '"'
    if isinstance(value, list):
        return "[" + ", ".join(toml_text(item) for item in value) + "]"
    return repr(value)


configs = st.one_of(
    st.dictionaries(
        st.sampled_from(sorted(KEYS)), st.dictionaries(st.sampled_from(["name", "order", "timeout", "bitrate",
        "level", "max_size_mb", "engine", "cover", "intro", "key", "segment", "stereo"]), toml_values, max_size=3),
        max_size=3,
    ).map(lambda tables: "".join(
        f"[{name}]\n" + "".join(f"{key} = {toml_text(value)}\n" for key, value in keys.items())
        for name, keys in tables.items())),
    st.text(max_size=200),
)  # fmt: skip


def write(folder: Path, name: str, data: bytes | str) -> Path:
    path = folder / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass"))
    return path


def every_command(folder: Path, article: Path) -> list[list[str]]:
    mp3 = folder / "episode.mp3"
    mp3.write_bytes(article.read_bytes())
    return [
        ["script", str(article)],
        ["script", str(article), "-f", "json"],
        ["build", str(article), "-e", "tone", "-o", str(folder / "out.mp3")],
        ["build", "--from-list", str(article), "-e", "tone", "-o", str(folder / "list.mp3")],
        ["info", str(mp3)],
        ["feed", str(folder), "--base-url", BASE],
        ["batch", "--from-list", str(article), "--out-dir", str(folder / "batch"), "--config", str(article)],
    ]


@FUZZ
@given(st.one_of(st.binary(max_size=3000), html_pages.map(str.encode)))
def test_random_bytes_and_html_through_every_command(data):
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        article = write(folder, "article.html", data)
        for args in every_command(folder, article):
            assert_contract(invoke(*args))


@FUZZ
@given(configs)
def test_random_toml_through_every_command(text):
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        config = write(folder, "c.toml", text)
        for args in (
            ["script", str(EXAMPLE_ARTICLE), "-c", str(config)],
            ["build", str(EXAMPLE_ARTICLE), "-e", "tone", "-c", str(config), "-o", str(folder / "e.mp3")],
            ["feed", str(folder), "-c", str(config), "--base-url", BASE],
            ["voices", "--engine", "tone", "-c", str(config)],
            ["batch", str(folder / "missing.txt"), "--out-dir", str(folder / "b"), "-c", str(config)],
        ):
            assert_contract(invoke(*args))


argument = st.one_of(
    st.sampled_from(["-", "--", "[/]", "[red]x[/red]", "-o", "-e", "--format", "--config", "/dev/null", "/dev/zero",
                     "/", ".", "http://127.0.0.1:9/x", "--force", "--workers", "-1", "json", "tone"]),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12),
)  # fmt: skip


@FUZZ
@given(
    st.sampled_from(["script", "build", "info", "feed", "voices", "config", "batch"]), st.lists(argument, max_size=5)
)
def test_random_arguments_to_every_command(command, args):
    with tempfile.TemporaryDirectory() as name:
        result = CliRunner().invoke(app, [command, *args, *(["-e", "tone"] if command == "build" else [])],
                                    env={"NEWSCAST_OUTPUT": name})  # fmt: skip
        assert_contract(result)
