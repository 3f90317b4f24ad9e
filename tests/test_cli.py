"""The command line through typer's CliRunner: output, exit codes, clean errors."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib

import pytest
import soundfile
from typer.testing import CliRunner

from newscast.cli import app

from .conftest import DATA, EXAMPLE_ARTICLE

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(arg) for arg in args])


def test_script_json_contract():
    result = run("script", EXAMPLE_ARTICLE, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["title"].startswith("Coastal city brings back")
    assert data["segments"][0] == {"kind": "headline", "text": data["title"], "pause_ms": 700}
    assert {segment["kind"] for segment in data["segments"]} == {"headline", "highlights", "body", "heading"}


def test_script_text_is_one_segment_per_paragraph():
    result = run("script", DATA / "wrapped-wire.txt")
    assert result.exit_code == 0
    paragraphs = result.stdout.strip().split("\n\n")
    assert paragraphs[0] == "Scientists count record number of nesting sea turtles on remote atoll"
    assert paragraphs[-1].endswith('"We need ten more like it."')


def test_script_several_articles_as_json_list():
    result = run("script", EXAMPLE_ARTICLE, DATA / "flattened-orchard.txt", "-f", "json")
    assert result.exit_code == 0
    assert [item["title"][:10] for item in json.loads(result.stdout)] == ["Coastal ci", "Late frost"]


def test_build_with_tone_engine(tmp_path):
    output = tmp_path / "out.mp3"
    result = run("build", EXAMPLE_ARTICLE, "-o", output, "--engine", "tone")
    assert result.exit_code == 0, result.output
    assert "engine: tone" in result.stderr
    assert f"wrote {output}" in " ".join(result.stderr.split())
    samples, rate = soundfile.read(output)
    assert len(samples) / rate > 10


def test_build_with_config_file(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('[script]\norder = ["headline"]\n[speech]\nengine = "tone"\n')
    output = tmp_path / "out.mp3"
    result = run("build", EXAMPLE_ARTICLE, "-o", output, "--config", config)
    assert result.exit_code == 0, result.output
    samples, rate = soundfile.read(output)
    headline = "Coastal city brings back its century-old ferry with electric engines"
    assert len(samples) / rate == pytest.approx(len(headline) * 0.01, abs=0.05)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["script", "missing.txt"], 2, "error: no such file: missing.txt"),
        (
            ["build", EXAMPLE_ARTICLE, "--engine", "espeak"],
            2,
            "unknown speech engine 'espeak'; allowed: auto, gtts, piper",
        ),
        (
            ["build", EXAMPLE_ARTICLE, "--engine", "piper", "--voice", "en_GB-nobody-medium"],
            1,
            "Piper voice 'en_GB-nobody-medium' is not downloaded and cannot be fetched",
        ),
        (["script", EXAMPLE_ARTICLE, "--config", "nope.toml"], 2, "config file not found: nope.toml"),
    ],
)
def test_errors_are_one_clean_line(args, code, message, tmp_path):
    result = run(*args, *(["-o", tmp_path / "x.mp3"] if args[0] == "build" else []))
    assert result.exit_code == code
    assert message in " ".join(result.stderr.split())
    assert "Traceback" not in result.output
    assert not (tmp_path / "x.mp3").exists()


def test_output_path_that_is_a_directory(tmp_path):
    result = run("build", EXAMPLE_ARTICLE, "--engine", "tone", "-o", tmp_path)
    assert result.exit_code == 1
    assert "is a directory" in result.stderr


def test_debug_shows_the_traceback():
    result = run("--debug", "script", "missing.txt")
    assert result.exit_code == 2
    assert "Traceback" in result.stderr


def test_config_command_prints_the_defaults():
    result = run("config")
    assert result.exit_code == 0
    assert tomllib.loads(result.stdout)["script"]["order"] == ["headline", "highlights", "body"]


@pytest.mark.subprocess
def test_python_dash_m_entry_point():
    result = subprocess.run(
        [sys.executable, "-m", "newscast", "script", str(EXAMPLE_ARTICLE)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert result.stdout.startswith("Coastal city brings back")
    assert "ffmpeg" not in result.stderr
