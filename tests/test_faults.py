"""Fault injection: output that cannot be written, a full disk, two builds racing, SIGKILL and Ctrl-C mid-build.

Whatever happens, nothing half-written is left at the output path and a rerun resumes from the clip cache.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import soundfile
from typer.testing import CliRunner

from newscast import AudioError, build_episode
from newscast.cli import app

from .conftest import EXAMPLE_ARTICLE

# A slow tone engine in a child process: each sentence takes 50 ms and is logged, so a test can stop the build
# part way and count what a rerun had to speak again.
CHILD = """
import sys, time, zlib
import numpy as np
from newscast.cli import main
from newscast.models import Audio
from newscast.speech import register_engine

LOG = sys.argv[1]


class SlowTone:
    name = "slowtone"
    workers = 1

    def __init__(self, settings):
        pass

    def identity(self):
        return "slowtone"

    def synthesize(self, text):
        time.sleep(0.05)
        with open(LOG, "a") as log:
            log.write(text.replace("\\n", " ") + "\\n")
        rate = 16000
        frequency = 200 + zlib.crc32(text.encode()) % 600
        count = round(len(text) * 0.01 * rate)
        return Audio((0.5 * np.sin(2 * np.pi * frequency * np.arange(count) / rate)).astype(np.float32), rate)

register_engine("slowtone", SlowTone)
sys.argv = ["newscast", *sys.argv[2:]]
main()
"""


def child_build(tmp_path: Path, output: Path) -> subprocess.Popen:
    log = tmp_path / "spoken.log"
    command = [
        sys.executable,
        "-c",
        CHILD,
        str(log),
        "build",
        str(EXAMPLE_ARTICLE),
        "-e",
        "slowtone",
        "-o",
        str(output),
    ]
    env = {**os.environ, "NEWSCAST_CACHE_DIR": str(tmp_path / "cache")}
    return subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def spoken(tmp_path: Path) -> list[str]:
    log = tmp_path / "spoken.log"
    return log.read_text().splitlines() if log.exists() else []


def wait_for_clips(tmp_path: Path, count: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while len(list((tmp_path / "cache").rglob("*.wav"))) < count:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.02)


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.startswith("."))


@pytest.mark.parametrize("stop", ["SIGKILL", "SIGINT"])
def test_a_build_stopped_midway_leaves_nothing_and_resumes_from_the_cache(tmp_path, stop):
    output = tmp_path / "out" / "ferry.mp3"
    process = child_build(tmp_path, output)
    wait_for_clips(tmp_path, 5, process)
    process.send_signal(getattr(signal, stop))
    _, stderr = process.communicate(timeout=30)
    if stop == "SIGINT":  # Ctrl-C: a clean message and exit code 130
        assert process.returncode == 130
        assert "interrupted" in stderr and "Traceback" not in stderr
        assert leftovers(output.parent) == []
    else:
        assert process.returncode == -signal.SIGKILL
    assert not output.exists()
    first_run = spoken(tmp_path)

    rerun = child_build(tmp_path, output)
    _, stderr = rerun.communicate(timeout=60)
    assert rerun.returncode == 0, stderr
    resumed = spoken(tmp_path)[len(first_run) :]
    assert len(first_run) >= 5
    assert not set(resumed) & set(first_run[:5])  # what was cached was not spoken again
    assert leftovers(output.parent) == []  # a killed build's temporary file is swept by the next one
    samples, rate = soundfile.read(output)
    assert len(samples) / rate > 10


def test_output_folder_is_created(tmp_path, tone_config):
    output = tmp_path / "new" / "deeper" / "episode.mp3"
    build_episode(EXAMPLE_ARTICLE, tone_config, output=output)
    assert output.is_file() and output.with_suffix(".vtt").is_file()


def test_output_under_a_file_is_a_clean_error(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    result = CliRunner().invoke(app, ["build", str(EXAMPLE_ARTICLE), "-e", "tone", "-o", str(blocker / "x.mp3")])
    assert result.exit_code == 1
    assert "cannot write to" in result.stderr and "Traceback" not in result.output


def test_output_folder_that_is_not_writable(tmp_path, monkeypatch):
    import tempfile

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refused)  # what a read-only folder answers (root ignores chmod)
    result = CliRunner().invoke(app, ["build", str(EXAMPLE_ARTICLE), "-e", "tone", "-o", str(tmp_path / "x.mp3")])
    assert result.exit_code == 1
    assert f"cannot write to {tmp_path}: Permission denied" in " ".join(result.stderr.split())
    assert list(tmp_path.iterdir()) == []


def test_disk_full_while_encoding_leaves_nothing(tmp_path, tone_config, monkeypatch):
    calls = {"count": 0}
    real_write = soundfile.SoundFile.write

    def full_after_a_while(self, data):
        calls["count"] += 1
        if calls["count"] > 3:
            raise RuntimeError("Error writing to file: No space left on device")
        return real_write(self, data)

    monkeypatch.setattr(soundfile.SoundFile, "write", full_after_a_while)
    with pytest.raises(AudioError, match="No space left on device"):
        build_episode(EXAMPLE_ARTICLE, tone_config, output=tmp_path / "full.mp3")
    assert list(tmp_path.iterdir()) == []


def test_disk_full_while_writing_a_sidecar_leaves_nothing(tmp_path, tone_config, monkeypatch):
    real_write_text = Path.write_text

    def full(self, *args, **kwargs):
        if self.name.endswith(".part"):
            raise OSError(28, "No space left on device")
        return real_write_text(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", full)
    with pytest.raises(AudioError, match="No space left on device"):
        build_episode(EXAMPLE_ARTICLE, tone_config, output=tmp_path / "full.mp3")
    assert list(tmp_path.iterdir()) == []


def test_two_builds_of_the_same_output_at_once(tmp_path, tone_config):
    output = tmp_path / "same.mp3"
    errors: list[BaseException] = []

    def build() -> None:
        try:
            build_episode(EXAMPLE_ARTICLE, tone_config, output=output)
        except BaseException as error:  # collected and asserted on below
            errors.append(error)

    threads = [threading.Thread(target=build) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    samples, rate = soundfile.read(output)
    assert len(samples) / rate > 10
    assert sorted(path.name for path in tmp_path.iterdir()) == ["same.chapters.json", "same.mp3", "same.vtt"]
