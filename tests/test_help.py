"""Every command's --help reads in full: no text lost to markup, no Python types, the hints a user needs."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from newscast.cli import BuildDisplay, app
from newscast.pipeline import Progress

MUST_SHOW = {
    "": ["script", "build", "feed", "serve", "batch", "follow", "info", "voices", "config", "Turn news articles"],
    "script": [
        "Usage: newscast script [OPTIONS] ARTICLE...",
        "saved HTML",
        "URLs",
        "plain-text",
        "standard input",
        "--format",
        "text|json",
    ],
    "build": [
        "Usage: newscast build [OPTIONS] [ARTICLE...]",
        "[default: audio/<date>-<slug>.mp3]",
        "[default: the user cache dir]",
        "ARTICLE",
        "roundup",
        "--feed",
    ],
    "feed": ["[default: DIR/feed.xml]", "[default: show.name]", "1400 to 3000", "PSP-1", "[feed]"],
    "serve": [
        "Usage: newscast serve [OPTIONS] DIR",
        "--host",
        "--port",
        "--base-url",
        "[default: the address listened on]",
        "byte-range",
        "0.0.0.0",
    ],
    "batch": ["pip install 'newscast[dask]'", "[default: a local cluster]", "[default: the cores]", "[default: audio]"],
    "follow": ["Usage: newscast follow [OPTIONS] [FEED...]", "--out-dir", "--roundup", "--since", "cron"],
    "info": ["MP3", "text|json"],
    "voices": ["[default: every engine]", "--download NAME"],
    "config": ["--path"],
}


@pytest.mark.parametrize("command", list(MUST_SHOW))
def test_help_shows_its_full_text(command, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    result = CliRunner().invoke(app, [*([command] if command else []), "--help"])
    assert result.exit_code == 0, result.output
    flowing = " ".join(result.output.split())  # a long line may wrap
    for text in MUST_SHOW[command]:
        assert text in flowing, f"{command} --help lacks {text!r}:\n{result.output}"
    assert not re.search(r"<(bool|str|int|path|list\[str\])>", result.output)  # Python types, not what to type
    assert not re.search(r"\S \.(\s|$)|\(\)|''", result.output)  # what text swallowed by markup leaves behind


def test_progress_shows_the_engine_then_segments_with_an_eta_then_encoding():
    stream = io.StringIO()
    console = Console(file=stream, force_terminal=True, width=100, color_system=None)
    with BuildDisplay(console) as report:
        report(Progress("engine", message="gtts: Google answered"))
        console.file.flush()
        engine_at = len(stream.getvalue())
        for done in range(6):
            report(Progress("speak", done, 5))
            report.progress.refresh()
        report(Progress("encode", 5, 5))
        report.progress.refresh()
    shown = stream.getvalue()
    assert shown.index("engine: gtts: Google answered") < engine_at
    assert "0/?" not in shown
    assert re.search(r"speaking .*0/5", shown) and re.search(r"speaking .*5/5", shown)
    assert re.search(r"eta \d+:\d\d:\d\d|eta -:--:--", shown)
    assert shown.index("encoding MP3") > shown.index("speaking")


@pytest.mark.slow
def test_progress_is_quiet_when_piped(tmp_path):
    result = CliRunner().invoke(
        app, ["build", "examples/harbor-ferry.txt", "-e", "tone", "-o", str(tmp_path / "a.mp3")]
    )
    assert result.exit_code == 0, result.output
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("engine: tone") and lines[-1].startswith("wrote ") and len(lines) == 2


@pytest.mark.dask
def test_messages_keep_their_square_brackets(tmp_path):
    """Rich markup swallowed "[dask]" in the hint and "[draft]" in file names; every printed value is escaped."""
    missing = tmp_path / "notes[dask].txt"
    result = CliRunner().invoke(app, ["build", str(missing), "-e", "tone"])
    assert result.exit_code == 2 and f"no such file: {missing}" in " ".join(result.stderr.split())
    article = tmp_path / "ferry[draft].txt"
    article.write_text(Path("examples/harbor-ferry.txt").read_text())
    result = CliRunner().invoke(app, ["build", str(article), "-e", "tone", "-o", str(tmp_path / "out[final].mp3")])
    assert result.exit_code == 0 and f"wrote {tmp_path / 'out[final].mp3'}" in " ".join(result.stderr.split())
