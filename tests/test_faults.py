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

import numpy as np
import pytest
import soundfile
from typer.testing import CliRunner

from newscast import AudioError, OutputError, build_episode
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


@pytest.mark.subprocess
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


def test_disk_full_while_writing_the_episode_leaves_nothing(tmp_path, tone_config, monkeypatch):
    real_open = Path.open

    class FullAfterAWhile:
        """The episode's file on a disk that fills up after three writes."""

        def __init__(self, file):
            self.file, self.writes = file, 0

        def write(self, data):
            self.writes += 1
            if self.writes > 3:
                raise OSError(28, "No space left on device")
            return self.file.write(data)

        def __getattr__(self, name):
            return getattr(self.file, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc_info):
            self.file.close()

    def open_on_a_full_disk(self, mode="r", *args, **kwargs):
        file = real_open(self, mode, *args, **kwargs)
        return FullAfterAWhile(file) if self.name.endswith(".part") and "w" in mode else file

    monkeypatch.setattr(Path, "open", open_on_a_full_disk)
    with pytest.raises(OutputError, match="No space left on device"):
        build_episode(EXAMPLE_ARTICLE, tone_config, output=tmp_path / "full.mp3")
    assert list(tmp_path.iterdir()) == []


def test_an_encoder_failure_is_a_clean_error_and_leaves_nothing(tmp_path, tone_config, monkeypatch):
    import lameenc

    real = lameenc.Encoder

    class Refusing:
        def __init__(self):
            self.encoder = real()

        def __getattr__(self, name):
            return getattr(self.encoder, name)

        def encode(self, pcm):
            raise RuntimeError("LAME encoding failed")  # what lameenc raises when LAME refuses its settings

    monkeypatch.setattr(lameenc, "Encoder", Refusing)
    with pytest.raises(AudioError, match="encoding the MP3 failed: LAME encoding failed"):
        build_episode(EXAMPLE_ARTICLE, tone_config, output=tmp_path / "broken.mp3")
    assert list(tmp_path.iterdir()) == []


def test_disk_full_while_writing_a_sidecar_leaves_nothing(tmp_path, tone_config, monkeypatch):
    real_write_text = Path.write_text

    def full(self, *args, **kwargs):
        if self.name.endswith(".part"):
            raise OSError(28, "No space left on device")
        return real_write_text(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", full)
    with pytest.raises(OutputError, match="No space left on device"):
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


# --- Hostile input and bad luck (issue 14) -------------------------------------------------------------------

HOSTILE_ARTICLE = """Harbour board approves night ferry trial

Updated 0910 GMT (1710 HKT) May 4, 2021

The harbour board voted on Tuesday to run a night ferry between the two piers for a six-month trial.

Boats will leave every forty minutes from ten in the evening until two in the morning, the board said.
"""


def one_error_line(stderr: str) -> str:
    """The error contract: no traceback, and exactly one line that starts with ``error:``."""
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, stderr
    return errors[0]


def run_child(*args: str, stdin=None, timeout: float = 60, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """``python -m newscast ...`` in a child with its address space capped at 3 GB, so a runaway read fails fast."""
    import resource

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))

    return subprocess.run(
        [sys.executable, "-m", "newscast", *args], capture_output=True, text=True, timeout=timeout,
        preexec_fn=cap, stdin=stdin, cwd=cwd,
    )  # fmt: skip


@pytest.mark.subprocess
@pytest.mark.parametrize(
    "args",
    [("script", "/dev/zero"), ("script", "/dev/urandom"), ("build", "--from-list", "/dev/zero", "-e", "tone"),
     ("script", "--config", "/dev/zero", "x.txt"), ("script", "-")],
    ids=["zero", "urandom", "from-list", "config", "stdin"],
)  # fmt: skip
def test_endless_devices_are_refused_after_a_bounded_read(args):
    with open("/dev/zero", "rb") as zero:
        result = run_child(*args, stdin=zero)
    assert result.returncode == 2, result.stderr
    assert "over" in one_error_line(result.stderr)


@pytest.mark.subprocess
def test_an_endless_fifo_is_refused_after_a_bounded_read(tmp_path):
    fifo = tmp_path / "endless.txt"
    os.mkfifo(fifo)

    def pour() -> None:
        try:
            with open(fifo, "wb") as pipe:
                while True:
                    pipe.write(b"The ferry sails again. " * 4096)
        except (BrokenPipeError, OSError):
            return

    threading.Thread(target=pour, daemon=True).start()
    result = run_child("script", str(fifo))
    assert result.returncode == 2
    assert "over 20 MB" in one_error_line(result.stderr)


class SlowServer:
    """A server on 127.0.0.1 that accepts and then trickles (one byte every ``interval`` s) or never answers."""

    def __init__(self, mode: str, interval: float = 0.05) -> None:
        import socket

        self.mode, self.interval = mode, interval
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.port = self.socket.getsockname()[1]
        self.stop = threading.Event()
        self.connections: list = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.connections.append(connection)
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection) -> None:
        connection.recv(65536)
        if self.mode == "hang":
            self.stop.wait()
            return
        body = b"<html><head><title>Trickle</title></head><body>" + b"x" * 200
        head = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        try:
            connection.sendall(head)
            for byte in body:
                if self.stop.wait(self.interval):
                    return
                connection.sendall(bytes([byte]))
        except OSError:
            return

    def close(self) -> None:
        self.stop.set()
        self.socket.close()
        for connection in self.connections:
            connection.close()


@pytest.fixture
def slow_server(request):
    server = SlowServer(request.param)
    yield server
    server.close()


@pytest.mark.waits
@pytest.mark.parametrize("slow_server", ["trickle"], indirect=True)
def test_a_trickling_url_ends_at_the_total_deadline(slow_server, monkeypatch):
    from newscast.articles import read_article, web

    monkeypatch.setattr(web, "FETCH_DEADLINE", 1.0)
    started = time.monotonic()
    with pytest.raises(Exception) as caught:
        read_article(f"http://127.0.0.1:{slow_server.port}/story")
    assert time.monotonic() - started < 3
    assert type(caught.value).__name__ == "ArticleError"
    assert "did not finish within 1 s" in str(caught.value)


@pytest.mark.waits
@pytest.mark.parametrize("slow_server", ["hang"], indirect=True)
def test_gtts_behind_a_proxy_that_never_answers_gives_up_in_time(slow_server, monkeypatch):
    from newscast import EngineError, load_config
    from newscast.speech import create_engine, resolve_engine_name

    proxy = f"http://127.0.0.1:{slow_server.port}"
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.setenv(name, proxy)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    settings = load_config(overrides={"speech": {"engine": "gtts", "timeout": 1.0, "retries": 4}}).speech
    started = time.monotonic()
    with pytest.raises(EngineError, match="no answer"):
        create_engine("gtts", settings).synthesize("The night ferry starts on Friday.")
    assert time.monotonic() - started < 3  # one request's deadline, not five full waits and back-offs

    auto = load_config().speech  # timeout 10 s: the probe still decides within about two seconds
    started = time.monotonic()
    assert resolve_engine_name(auto)[0] == "piper"
    assert time.monotonic() - started < 2.5


@pytest.mark.parametrize("name", ["[/]", "missing[red]file[/red].txt", "[bold]x[/bold"], ids=["close", "tags", "open"])
def test_rich_markup_in_user_text_is_printed_as_is(name):
    result = CliRunner().invoke(app, ["script", name])
    assert result.exit_code == 2
    assert one_error_line(result.stderr) == f"error: no such file: {name}"


@pytest.mark.dask
def test_batch_table_prints_titles_as_written(monkeypatch):
    import newscast.batch as batch

    def fake_run_batch(sources, out_dir, config, **options):
        return [batch.ArticleResult(sources[0], batch.BUILT, "x.mp3", "Ferry [/] returns [red]now", 61.0, 1.0),
                batch.ArticleResult(sources[1], batch.FAILED, reason="gone: b[/b]")]  # fmt: skip

    monkeypatch.setattr(batch, "run_batch", fake_run_batch)
    result = CliRunner().invoke(app, ["batch", "a.txt", "b[/b].txt", "--out-dir", "out"], terminal_width=200)
    assert result.exit_code == 1, result.output
    assert "Ferry [/] returns [red]now" in result.stderr
    assert "gone: b[/b]" in result.stderr


@pytest.mark.parametrize("failure", [AssertionError(), OSError(28, "No space left on device")], ids=repr)
def test_a_clip_cache_on_a_full_disk_only_costs_speed(tmp_path, tone_config, monkeypatch, failure):
    from types import SimpleNamespace

    import newscast.speech.cache as cache_module

    def full(*args, **kwargs):
        raise failure

    if isinstance(failure, AssertionError):  # what soundfile raises when the disk takes fewer bytes than it wrote
        monkeypatch.setattr(soundfile, "write", full)  # the cache imports soundfile where it writes a clip
    else:
        monkeypatch.setattr(cache_module, "tempfile", SimpleNamespace(mkstemp=full))
    episode = build_episode(EXAMPLE_ARTICLE, tone_config, output=tmp_path / "ep.mp3")
    assert episode.duration > 10 and (tmp_path / "ep.mp3").is_file()


@pytest.mark.subprocess
def test_a_clip_cache_write_error_leaves_no_exception_noise(tmp_path):
    """In a child: the cache's writes fail as on a full disk; nothing is printed but the build's own lines."""
    code = (
        "import io, os, sys\n"
        "class Full(io.RawIOBase):\n"
        "    def __init__(self, fd, *args, **kwargs): self.fd = fd\n"
        "    def writable(self): return True\n"
        "    def seekable(self): return True\n"
        "    def tell(self): return 0\n"
        "    def seek(self, *args): return 0\n"
        "    def write(self, data): raise OSError(28, 'No space left on device')\n"
        "    def close(self): os.close(self.fd); super().close()\n"
        "os.fdopen = Full\n"
        "import tests.conftest\n"
        "from newscast.cli import main\n"
        f"sys.argv = ['newscast', 'build', {str(EXAMPLE_ARTICLE)!r}, '-e', 'tone', '-o', {str(tmp_path / 'e.mp3')!r}]\n"
        "main()\n"
    )
    env = {**os.environ, "NEWSCAST_CACHE_DIR": str(tmp_path / "cache")}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120,
                            cwd=Path(__file__).parent.parent)  # fmt: skip
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr, result.stderr
    assert result.returncode == 0, result.stderr


def test_feed_in_a_read_only_folder_is_one_clean_line(tmp_path, monkeypatch):
    import tempfile

    folder = tmp_path / "show"
    folder.mkdir()
    real_open = Path.open

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    def read_only_open(self, mode="r", *args, **kwargs):
        if self.parent == folder and any(flag in mode for flag in "wax+"):
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, mode, *args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", refused)  # what a read-only folder answers (root ignores chmod)
    monkeypatch.setattr(Path, "open", read_only_open)
    result = CliRunner().invoke(app, ["feed", str(folder), "--base-url", "https://example.org/news"])
    assert result.exit_code == 1, result.output
    assert "Permission denied" in one_error_line(result.stderr)
    assert result.exception is None or isinstance(result.exception, SystemExit)


class BrokenEngine:
    """A plugin with a bug: its error is not a NewscastError."""

    name = "broken"

    def __init__(self, settings) -> None:
        pass

    def identity(self) -> str:
        return "broken"

    def synthesize(self, text: str):
        raise ValueError("plugin bug: bad sample\nformat")


def test_an_unexpected_exception_is_one_line_exit_1_and_a_hint(tmp_path, monkeypatch):
    import newscast.speech

    monkeypatch.setitem(newscast.speech._registered, "broken", BrokenEngine)
    result = CliRunner().invoke(app, ["build", str(EXAMPLE_ARTICLE), "-e", "broken", "-o", str(tmp_path / "b.mp3")])
    assert result.exit_code == 1
    line = one_error_line(result.stderr)
    assert "ValueError: plugin bug: bad sample format" in line and "--debug" in line
    assert isinstance(result.exception, SystemExit)
    debug = CliRunner().invoke(
        app, ["--debug", "build", str(EXAMPLE_ARTICLE), "-e", "broken", "-o", str(tmp_path / "b.mp3")]
    )
    assert debug.exit_code == 1 and "Traceback" in debug.stderr


@pytest.mark.subprocess
def test_an_unexpected_exception_in_a_child_process_prints_no_traceback(tmp_path):
    code = (
        "import sys\n"
        "import newscast.pipeline as pipeline\n"
        "def boom(*args, **kwargs): raise KeyError('a library broke')\n"
        "pipeline.read_article = boom\n"
        "from newscast.cli import main\n"
        f"sys.argv = ['newscast', 'script', {str(EXAMPLE_ARTICLE)!r}]\n"
        "main()\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "KeyError" in one_error_line(result.stderr) and "--debug" in result.stderr


# Lost or wrong data


def _clips(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.wav"))


def _damage(entry: Path, damage: str) -> None:
    data = bytearray(entry.read_bytes())
    if damage == "truncate":
        data = data[: len(data) // 2]
    else:
        data[len(data) // 2 : len(data) // 2 + 64] = os.urandom(64)
    entry.write_bytes(bytes(data))


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["truncate", "garble"])
def test_corrupt_cache_entries_are_spoken_again(tmp_path, tone_config, isolated, damage):
    from .conftest import ToneEngine

    first = build_episode(EXAMPLE_ARTICLE, tone_config, output=tmp_path / "first.mp3")
    spoken = len(ToneEngine.calls)
    clips = _clips(isolated / "cache")
    assert len(clips) == spoken
    for clip in clips:
        _damage(clip, damage)
    for piece in (isolated / "cache").rglob("*.piece"):
        piece.unlink()  # so the segments need their clips again
    ToneEngine.calls = []
    second = build_episode(EXAMPLE_ARTICLE, tone_config, output=tmp_path / "second.mp3")
    assert len(ToneEngine.calls) == spoken  # every damaged clip was spoken again
    assert second.duration == pytest.approx(first.duration, abs=0.01)
    a, _ = soundfile.read(tmp_path / "first.mp3")
    b, _ = soundfile.read(tmp_path / "second.mp3")
    assert len(a) == len(b) and float(abs(a - b).max()) < 1e-3


@pytest.mark.parametrize("damage", ["truncate", "garble"])
def test_corrupt_pieces_are_deleted_and_encoded_again(tmp_path, tone_config, isolated, damage):
    from .conftest import ToneEngine

    build_episode(EXAMPLE_ARTICLE, tone_config, output=tmp_path / "first.mp3")
    pieces = {path: path.read_bytes() for path in (isolated / "cache").rglob("*.piece")}
    assert pieces
    for piece in pieces:
        _damage(piece, damage)
    ToneEngine.calls = []
    build_episode(EXAMPLE_ARTICLE, tone_config, output=tmp_path / "second.mp3")
    assert ToneEngine.calls == []  # the clips were whole: encoded again from them, not spoken
    # each damaged entry was deleted and the same piece written again in its place
    assert {path: path.read_bytes() for path in (isolated / "cache").rglob("*.piece")} == pieces
    a, _ = soundfile.read(tmp_path / "first.mp3")
    b, _ = soundfile.read(tmp_path / "second.mp3")
    assert np.array_equal(a, b)


def test_cache_refuses_a_folder_of_the_users_own_files(tmp_path):
    from newscast import ConfigError
    from newscast.speech.cache import ClipCache

    folder = tmp_path / "music"
    (folder / "ab").mkdir(parents=True)
    own = [folder / "song.wav", folder / "ab" / "take.wav"]
    for path in own:
        soundfile.write(path, [0.1] * 16000, 16000)
    with pytest.raises(ConfigError, match="not a newscast clip cache"):
        ClipCache(folder, max_bytes=1).prune()
    result = CliRunner().invoke(
        app, ["build", str(EXAMPLE_ARTICLE), "-e", "tone", "--cache-dir", str(folder), "-o", str(tmp_path / "e.mp3")]
    )
    assert result.exit_code == 2
    assert "not a newscast clip cache" in one_error_line(result.stderr)
    assert all(path.is_file() for path in own)


def test_cache_prunes_only_its_own_entries(tmp_path):
    from newscast.speech.cache import ClipCache

    from .conftest import tone_for

    cache = ClipCache(tmp_path / "cache", max_bytes=1)
    cache.put("tone:", "a clip", tone_for("a clip"))
    stray = next((tmp_path / "cache").glob("*/")) / "notes.wav"  # dropped in later by someone else
    stray.write_bytes(b"RIFF")
    assert cache.prune() == 1
    assert stray.is_file() and cache.get("tone:", "a clip") is None


def _build(*args: str):
    return CliRunner().invoke(app, ["build", *args, "-e", "tone"])


def test_output_that_is_an_input_is_refused(tmp_path):
    article = tmp_path / "article.txt"
    article.write_text(HOSTILE_ARTICLE)
    for output in (article, tmp_path / "." / "article.txt"):
        result = _build(str(article), "-o", str(output))
        assert result.exit_code == 2
        assert "is one of the articles" in one_error_line(result.stderr)
    transcript_input = tmp_path / "ep.vtt"
    transcript_input.write_text(HOSTILE_ARTICLE)
    result = _build(str(transcript_input), "-o", str(tmp_path / "ep.mp3"))  # its transcript would replace the input
    assert result.exit_code == 2
    assert article.read_text() == HOSTILE_ARTICLE and transcript_input.read_text() == HOSTILE_ARTICLE


@pytest.mark.parametrize("name", ["ep.vtt", "ep.chapters.json", "feed.xml"])
def test_output_with_a_sidecar_name_is_refused(tmp_path, name):
    result = _build(str(EXAMPLE_ARTICLE), "-o", str(tmp_path / name))
    assert result.exit_code == 2
    assert "sidecar" in one_error_line(result.stderr) or "feed" in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("kind", ["device", "fifo"])
def test_output_that_is_not_a_regular_file_is_refused(tmp_path, kind):
    import stat

    target = tmp_path / "full"
    if kind == "device":
        os.mknod(target, stat.S_IFCHR | 0o666, os.makedev(1, 7))  # /dev/full's numbers, in the test's own folder
    else:
        os.mkfifo(target)
    result = _build(str(EXAMPLE_ARTICLE), "-o", str(target))
    assert result.exit_code == 2
    assert "not a regular file" in one_error_line(result.stderr)
    mode = target.lstat().st_mode
    assert stat.S_ISCHR(mode) if kind == "device" else stat.S_ISFIFO(mode)


def test_feed_output_that_is_a_device_or_an_episode_is_refused(tmp_path):
    import stat

    device = tmp_path / "full"
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    (tmp_path / "ep.mp3").write_bytes(b"ID3")
    for target, code in ((device, 1), (tmp_path / "ep.mp3", 2)):
        result = CliRunner().invoke(
            app, ["feed", str(tmp_path), "--base-url", "https://example.org", "-o", str(target)]
        )
        assert result.exit_code == code
        one_error_line(result.stderr)
    assert stat.S_ISCHR(device.lstat().st_mode) and (tmp_path / "ep.mp3").read_bytes() == b"ID3"


def test_output_dash_streams_the_mp3_to_stdout(tmp_path, monkeypatch):
    import io

    monkeypatch.chdir(tmp_path)
    result = _build(str(EXAMPLE_ARTICLE), "-o", "-")
    assert result.exit_code == 0, result.stderr
    samples, rate = soundfile.read(io.BytesIO(result.stdout_bytes))
    assert len(samples) / rate > 10
    assert list(tmp_path.iterdir()) == []


def test_sidecars_of_another_build_are_not_published_with_the_mp3(tmp_path, tone_config):
    import shutil

    from newscast import load_config
    from newscast.feed import read_item
    from newscast.metadata import read_info

    folder = tmp_path / "show"
    build_episode(EXAMPLE_ARTICLE, tone_config, output=folder / "ep.mp3")
    assert read_item(folder / "ep.mp3").transcript is not None
    slower = load_config(overrides={"speech": {"engine": "tone"}, "pauses": {"paragraph": 1500}})
    build_episode(EXAMPLE_ARTICLE, slower, output=tmp_path / "new" / "ep.mp3")
    for name in ("ep.vtt", "ep.chapters.json"):  # killed after the sidecars were renamed, before the MP3 was
        shutil.copy(tmp_path / "new" / name, folder / name)
    item = read_item(folder / "ep.mp3")
    assert item.transcript is None and item.chapters is None
    assert read_info(folder / "ep.mp3").sidecars == {"transcript": "stale", "chapters": "stale"}
    feed = CliRunner().invoke(app, ["feed", str(folder), "--base-url", "https://example.org/news"])
    assert feed.exit_code == 0
    xml = (folder / "feed.xml").read_text()
    assert "ep.vtt" not in xml and "ep.chapters.json" not in xml
    info = CliRunner().invoke(app, ["info", str(folder / "ep.mp3")])
    assert "sidecars    transcript stale, chapters stale" in info.stdout


def test_guid_comes_from_the_article_not_the_path_typed(tmp_path, tone_config, monkeypatch):
    from newscast.metadata import episode_guid
    from newscast.pipeline import episode_script

    monkeypatch.chdir(tmp_path)
    Path("a.txt").write_text(HOSTILE_ARTICLE)
    typed = {
        episode_guid(episode_script([path], tone_config)) for path in ("a.txt", "./a.txt", str(tmp_path / "a.txt"))
    }
    assert len(typed) == 1

    undated = [
        "Night ferry trial approved\n\nThe harbour board voted to run a night ferry for six months.\n",
        "Library opens on Sundays\n\nThe city library will open its doors on Sundays from next month.\n",
    ]
    guids = set()
    for text in undated:
        monkeypatch.setattr(sys, "stdin", type("In", (), {"buffer": __import__("io").BytesIO(text.encode())})())
        guids.add(episode_guid(episode_script(["-"], tone_config)))
    assert len(guids) == 2


NON_LATIN = [
    "北京的新渡轮今天开始运营\n\n市政府说，这艘电动渡轮每天将运送数千名乘客穿过港口。官员们表示，这是该市十年来最大的交通投资。\n",
    "東京の図書館が日曜日も開館へ\n\n市立図書館は来月から日曜日も開館すると発表した。利用者からは歓迎の声が上がっている。\n",
]


def test_headlines_without_latin_letters_get_their_own_names(tmp_path, monkeypatch):
    from newscast.episode import slugify

    assert slugify("北京的新渡轮") != slugify("東京の図書館") and "episode" not in slugify("北京的新渡轮")
    assert slugify("★ ☆ ★").startswith("episode-") and slugify("★ ☆ ★") != slugify("☆ ★ ☆")
    monkeypatch.chdir(tmp_path)
    for number, text in enumerate(NON_LATIN):
        Path(f"{number}.txt").write_text(text, encoding="utf-8")
        assert _build(f"{number}.txt").exit_code == 0
    assert len(list((tmp_path / "audio").glob("*.mp3"))) == 2


def test_a_different_article_never_overwrites_an_episode_by_name(tmp_path, monkeypatch):
    from mutagen.id3 import ID3

    monkeypatch.chdir(tmp_path)
    first = HOSTILE_ARTICLE
    second = HOSTILE_ARTICLE.replace("six-month", "year-long").replace("forty", "thirty")
    Path("first.txt").write_text(first)
    Path("second.txt").write_text(second)
    assert _build("first.txt").exit_code == 0
    (episode,) = (tmp_path / "audio").glob("*.mp3")
    guid = str(ID3(episode)["TGID"].text[0])
    assert _build("second.txt").exit_code == 0
    assert str(ID3(episode)["TGID"].text[0]) == guid  # the first article's episode is still there
    assert len(list((tmp_path / "audio").glob("*.mp3"))) == 2
    assert _build("first.txt").exit_code == 0  # the same article again replaces its own episode
    assert len(list((tmp_path / "audio").glob("*.mp3"))) == 2


def test_build_and_batch_name_an_undated_article_the_same(tmp_path, tone_config):
    from newscast.batch import episode_name
    from newscast.episode import default_output_path
    from newscast.pipeline import episode_script

    article = tmp_path / "undated.txt"
    article.write_text("Night ferry trial approved\n\nThe harbour board voted to run a night ferry for six months.\n")
    script = episode_script([article], tone_config)
    assert not script.date
    assert default_output_path(script, tone_config).name == episode_name(script, str(article))
    assert episode_name(script, str(article)).startswith("undated-")


def test_comm_frame_carries_the_file_name_not_the_local_path(tmp_path, tone_config):
    from mutagen.id3 import ID3

    build_episode(EXAMPLE_ARTICLE, tone_config, output=tmp_path / "ep.mp3")
    tags = ID3(tmp_path / "ep.mp3")
    assert [str(frame.text[0]) for frame in tags.getall("COMM")] == [EXAMPLE_ARTICLE.name]
    assert str(EXAMPLE_ARTICLE.parent) not in repr(tags)


def test_empty_order_is_a_config_error_at_load(tmp_path):
    from newscast import ConfigError, load_config

    config = tmp_path / "c.toml"
    config.write_text("[script]\norder = []\n")
    with pytest.raises(ConfigError, match=r"script\.order"):
        load_config(config)
    result = CliRunner().invoke(app, ["script", str(EXAMPLE_ARTICLE), "--config", str(config)])
    assert result.exit_code == 2
    assert "script.order" in one_error_line(result.stderr)


@pytest.mark.parametrize("key", ["music.intro", "show.cover"])
def test_bad_music_or_cover_is_found_before_any_speech(tmp_path, capfd, key):
    from .conftest import ToneEngine

    section, name = key.split(".")
    (tmp_path / "theme.mp3").write_text("not audio at all, just some text\n" * 20)
    config = tmp_path / "c.toml"
    config.write_text(f'[{section}]\n{name} = "theme.mp3"\n')
    result = CliRunner().invoke(
        app, ["build", str(EXAMPLE_ARTICLE), "-e", "tone", "-c", str(config), "-o", str(tmp_path / "e.mp3")]
    )
    assert result.exit_code in (1, 2)
    assert "theme.mp3" in one_error_line(result.stderr)
    assert ToneEngine.calls == []  # nothing was spoken first
    assert "Note:" not in capfd.readouterr().err  # libmpg123's own lines stay hidden


def test_errors_are_classed_by_meaning(tmp_path):
    from newscast import ArticleError, InputError
    from newscast.files import write_atomically
    from newscast.serve import open_server

    with pytest.raises(OutputError, match="is a directory") as written:
        write_atomically(tmp_path, "text")
    assert written.value.exit_code == 1
    with pytest.raises(InputError, match="no such folder") as missing:
        open_server(tmp_path / "missing")
    assert missing.value.exit_code == 2
    assert not isinstance(missing.value, ArticleError)  # a folder of episodes is not an article
    assert issubclass(ArticleError, InputError)
