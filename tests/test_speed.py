"""What keeps newscast fast: an unchanged episode is not built again, start-up skips the audio stack, and the
cheaper levelling maths gives the same answers as the plain versions."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys

import numpy as np
import pytest
import soundfile
from mutagen.id3 import ID3
from typer.testing import CliRunner

from newscast import build_episode, load_config
from newscast.cli import app
from newscast.loudness import _running_min, limit
from newscast.metadata import FINGERPRINT_TAG, sidecar_paths
from newscast.pipeline import build_fingerprint, episode_script

from .conftest import EXAMPLE_ARTICLE, ToneEngine

runner = CliRunner()
HEAVY = ("numpy", "soundfile", "onnxruntime", "trafilatura", "lxml", "mutagen", "pydub", "requests")


def run(*args):
    return runner.invoke(app, [str(arg) for arg in args])


def test_unchanged_rebuild_is_up_to_date_and_leaves_the_file_alone(tmp_path):
    output = tmp_path / "e.mp3"
    assert run("build", EXAMPLE_ARTICLE, "-e", "tone", "-o", output).exit_code == 0
    before = output.stat().st_mtime_ns, [path.stat().st_mtime_ns for path in sidecar_paths(output)]
    ToneEngine.calls = []
    result = run("build", EXAMPLE_ARTICLE, "-e", "tone", "-o", output)
    assert result.exit_code == 0, result.output
    assert "is up to date" in " ".join(result.stderr.split())
    assert "--force" in result.stderr
    assert (output.stat().st_mtime_ns, [path.stat().st_mtime_ns for path in sidecar_paths(output)]) == before
    assert ToneEngine.calls == []


def test_force_builds_an_up_to_date_episode_again(tmp_path):
    output = tmp_path / "e.mp3"
    assert run("build", EXAMPLE_ARTICLE, "-e", "tone", "-o", output).exit_code == 0
    os.utime(output, ns=(0, 0))
    result = run("build", EXAMPLE_ARTICLE, "-e", "tone", "-o", output, "--force")
    assert result.exit_code == 0, result.output
    assert f"wrote {output}" in " ".join(result.stderr.split())
    assert output.stat().st_mtime_ns > 0  # written again


def test_the_fingerprint_is_kept_in_the_episode_tags(tmp_path):
    config = load_config(overrides={"speech": {"engine": "tone"}})
    episode = build_episode(EXAMPLE_ARTICLE, config, output=tmp_path / "e.mp3")
    script = episode_script([EXAMPLE_ARTICLE], config)
    assert episode.fingerprint == build_fingerprint(script, config)
    assert ID3(tmp_path / "e.mp3").getall(f"TXXX:{FINGERPRINT_TAG}")[0].text[0] == episode.fingerprint
    assert not episode.up_to_date


@pytest.mark.slow
@pytest.mark.parametrize(
    "change",
    [
        {"pauses": {"segment": 900}},  # the clips stay, the episode does not
        {"script": {"order": ["headline", "body"]}},
        {"output": {"bitrate": 96}},
        {"show": {"name": "Another show"}},
        {"speech": {"length_scale": 1.1}},
    ],
)
def test_a_changed_setting_builds_again(tmp_path, change):
    config = load_config(overrides={"speech": {"engine": "tone"}})
    output = tmp_path / "e.mp3"
    build_episode(EXAMPLE_ARTICLE, config, output=output)
    changed = load_config(overrides={"speech": {"engine": "tone"}, **change})
    episode = build_episode(EXAMPLE_ARTICLE, changed, output=output)
    assert not episode.up_to_date
    assert build_episode(EXAMPLE_ARTICLE, changed, output=output).up_to_date


def test_settings_that_do_not_change_the_audio_keep_it_up_to_date(tmp_path):
    config = load_config(overrides={"speech": {"engine": "tone"}})
    output = tmp_path / "e.mp3"
    build_episode(EXAMPLE_ARTICLE, config, output=output)
    other = load_config(overrides={"speech": {"engine": "tone", "workers": 3}, "cache": {"max_size_mb": 7}})
    assert build_episode(EXAMPLE_ARTICLE, other, output=output).up_to_date


@pytest.mark.slow
def test_a_changed_music_file_builds_again(tmp_path):
    music = tmp_path / "bed.wav"
    tone = (0.1 * np.sin(2 * np.pi * 220 * np.arange(16_000 * 3) / 16_000)).astype(np.float32)
    soundfile.write(music, tone, 16_000)
    config = load_config(overrides={"speech": {"engine": "tone"}, "music": {"intro": str(music)}})
    output = tmp_path / "e.mp3"
    build_episode(EXAMPLE_ARTICLE, config, output=output)
    assert build_episode(EXAMPLE_ARTICLE, config, output=output).up_to_date
    soundfile.write(music, tone[: 16_000 * 2], 16_000)  # same path, other music
    assert not build_episode(EXAMPLE_ARTICLE, config, output=output).up_to_date


def test_a_missing_sidecar_or_foreign_file_builds_again(tmp_path):
    config = load_config(overrides={"speech": {"engine": "tone"}})
    output = tmp_path / "e.mp3"
    build_episode(EXAMPLE_ARTICLE, config, output=output)
    sidecar_paths(output)[0].unlink()
    assert not build_episode(EXAMPLE_ARTICLE, config, output=output).up_to_date
    assert sidecar_paths(output)[0].is_file()
    output.write_bytes(b"not an mp3 at all")
    episode = build_episode(EXAMPLE_ARTICLE, config, output=output)
    assert not episode.up_to_date
    samples, rate = soundfile.read(output)
    assert len(samples) / rate == pytest.approx(episode.duration, abs=0.05)


def test_changed_script_builds_again(tmp_path):
    config = load_config(overrides={"speech": {"engine": "tone"}})
    script = episode_script([EXAMPLE_ARTICLE], config)
    edited = dataclasses.replace(script, segments=script.segments[:-1])
    assert build_fingerprint(script, config) != build_fingerprint(edited, config)
    assert build_fingerprint(script, config) == build_fingerprint(episode_script([EXAMPLE_ARTICLE], config), config)


PROBE = """
import json, sys
from newscast.cli import main
sys.argv = ["newscast", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(name for name in {heavy} if name in sys.modules)), file=sys.stderr)
"""


def loaded_modules(*args: str, heavy: tuple[str, ...] = HEAVY) -> list[str]:
    """The heavy modules a real `newscast ARGS` process imported."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=heavy), *args], capture_output=True, text=True, check=True
    )
    return json.loads(result.stderr.strip().splitlines()[-1])


@pytest.mark.subprocess
def test_help_and_script_do_not_load_the_audio_stack():
    assert loaded_modules("--help") == []
    assert loaded_modules("script", str(EXAMPLE_ARTICLE)) == []


@pytest.mark.subprocess
def test_help_and_script_do_not_load_what_only_a_build_needs():
    # importlib.metadata (15 ms) serves the version and the engine registry; the speech normaliser (num2words)
    # and piper serve only speaking; pydantic comes only with typer 0.29, which pyproject.toml keeps out
    later = ("importlib.metadata", "newscast.speech.text", "num2words", "piper", "pydantic")
    assert loaded_modules("--help", heavy=later) == []
    assert loaded_modules("script", str(EXAMPLE_ARTICLE), heavy=later) == []


@pytest.mark.subprocess
def test_an_up_to_date_build_does_not_load_the_audio_stack(tmp_path):
    output = tmp_path / "e.mp3"
    build_episode(EXAMPLE_ARTICLE, load_config(overrides={"speech": {"engine": "tone"}}), output=output)
    # the child reads the same (isolated) config; the tone engine is not even needed to see nothing changed
    assert loaded_modules("build", str(EXAMPLE_ARTICLE), "-e", "tone", "-o", str(output)) == ["mutagen"]


def test_limiter_moving_average_matches_a_convolution():
    rng = np.random.default_rng(3)
    samples = (0.4 * rng.standard_normal(50_000)).astype(np.float32)
    rate, ceiling_db = 22_050, -3.0
    limited = limit(samples, rate, ceiling_db)
    # the same limiter with the direct convolution it replaced
    width = round(0.005 * rate)
    wanted = np.minimum(1.0, 10 ** (ceiling_db / 20) / np.maximum(np.abs(samples).astype(np.float64), 1e-12))
    envelope = np.pad(_running_min(wanted, 2 * width + 1), width // 2, mode="edge")
    kernel = np.ones(2 * (width // 2) + 1)
    reference = samples * np.convolve(envelope, kernel / len(kernel), mode="valid")
    assert np.max(np.abs(limited - reference)) < 1e-6
    assert np.abs(limited).max() <= 10 ** (ceiling_db / 20) + 1e-6


def test_clip_edges_are_faded_to_silence(tmp_path):
    config = load_config(overrides={"speech": {"engine": "tone"}, "pauses": {"fade": 8}})
    episode = build_episode(EXAMPLE_ARTICLE, config, output=tmp_path / "e.mp3")
    samples, rate = soundfile.read(tmp_path / "e.mp3")
    for start, end in episode.timeline[1:4]:
        first, last = round(start * rate), round(end * rate)
        edge = round(0.002 * rate)  # the first and last 2 ms of an 8 ms fade stay quiet
        body = np.abs(samples[first + 4 * edge : last - 4 * edge]).max()
        assert np.abs(samples[first : first + edge]).max() < body / 3
        assert np.abs(samples[last - edge : last]).max() < body / 3


@pytest.mark.slow
def test_the_second_pass_reads_the_kept_samples_back(tmp_path, monkeypatch):
    from newscast import episode as assembly

    config = load_config(overrides={"speech": {"engine": "tone"}})
    once = build_episode(EXAMPLE_ARTICLE, config, output=tmp_path / "once.mp3")
    monkeypatch.setattr(assembly, "RETRY_ABOVE_LU", -1.0)  # every episode takes the second pass
    twice = build_episode(EXAMPLE_ARTICLE, config, output=tmp_path / "twice.mp3")
    a, _ = soundfile.read(tmp_path / "once.mp3")
    b, _ = soundfile.read(tmp_path / "twice.mp3")
    assert len(a) == len(b)
    assert twice.duration == pytest.approx(once.duration)
    assert twice.loudness == pytest.approx(-19.0, abs=0.3)
    assert np.corrcoef(a, b)[0, 1] > 0.99  # the same audio, at most a small gain apart


@pytest.mark.slow
def test_assembly_does_not_hold_the_episode_in_memory(tmp_path):
    import tracemalloc

    from newscast.episode import write_episode
    from newscast.models import Audio, Clip, Part, Script, Segment

    # 20 minutes: the two threads that level and encode ahead hold about 10 MB of working arrays whatever the
    # length, which next to a 10-minute episode's 20 MB of PCM looked like holding it
    rate, minutes, clip_seconds = 16_000, 20, 5
    segments = [Segment("body", f"paragraph {n}", 300) for n in range(minutes * 60 // clip_seconds)]
    speech = (0.1 * np.random.default_rng(0).standard_normal(rate * clip_seconds)).astype(np.float32)

    def part(segment):  # speech made when asked for, as the pipeline's parts give it
        return Part(segment, (), lambda: Clip(segment, Audio(speech.copy(), rate)))

    config = load_config()
    tracemalloc.start()
    try:
        parts = (part(segment) for segment in segments)
        episode = write_episode(Script("Ten minutes", tuple(segments)), parts, tmp_path / "e.mp3", config, "test")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    pcm_bytes = episode.duration * rate * 2
    assert episode.duration > minutes * 60
    assert peak < 0.5 * pcm_bytes  # the samples kept for a second pass live in a scratch file


def test_a_stale_sidecar_builds_again(tmp_path):
    # A transcript left by another build of this name (a kill between the renames) is not "up to date".
    config = load_config(overrides={"speech": {"engine": "tone"}})
    output, other = tmp_path / "e.mp3", tmp_path / "other" / "e.mp3"
    build_episode(EXAMPLE_ARTICLE, config, output=output)
    build_episode(EXAMPLE_ARTICLE, load_config(overrides={"speech": {"engine": "tone"}, "pauses": {"paragraph": 900}}),
                  output=other)  # fmt: skip
    transcript = sidecar_paths(output)[0]
    transcript.write_bytes(sidecar_paths(other)[0].read_bytes())  # another build's transcript beside this MP3
    episode = build_episode(EXAMPLE_ARTICLE, config, output=output)
    assert not episode.up_to_date
    assert transcript.read_bytes() != sidecar_paths(other)[0].read_bytes()


def test_a_changed_language_voice_file_builds_again(tmp_path):
    voice = tmp_path / "fr.onnx"
    voice.write_bytes(b"a")
    config = load_config(overrides={"speech": {"engine": "tone", "voices": {"fr": str(voice)}}})
    script = episode_script([EXAMPLE_ARTICLE], config)
    before = build_fingerprint(script, config)
    voice.write_bytes(b"another voice")
    assert build_fingerprint(script, config) != before


def test_the_command_line_leaves_its_objects_to_the_exit(monkeypatch):
    """No last cyclic collection over a build's objects at exit: it only delayed the end of a cold build."""
    import gc

    from newscast.cli import main

    monkeypatch.setattr(sys, "argv", ["newscast", "--help"])
    try:
        with pytest.raises(SystemExit):
            main()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_installed_engines_are_looked_up_once_per_process(monkeypatch):
    import importlib.metadata

    from newscast import speech

    calls = []
    real = importlib.metadata.entry_points
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda **kw: calls.append(kw) or real(**kw))
    speech._entry_points.cache_clear()
    try:
        assert {"piper", "gtts"} <= set(speech.available_engines())
        assert {"piper", "gtts"} <= set(speech.available_engines())
        assert speech._load_factory("piper").__name__ == "PiperEngine"
        assert len(calls) == 1  # every build of a batch asked again: 15 ms each
    finally:
        speech._entry_points.cache_clear()


def test_a_built_in_engine_is_made_without_scanning_installed_packages(monkeypatch):
    from newscast import speech

    def no_scan():
        raise AssertionError("scanned every distribution's metadata")

    monkeypatch.setattr(speech, "_entry_points", no_scan)
    engine = speech.create_engine("piper", load_config().speech)
    assert type(engine).__name__ == "PiperEngine"
    assert speech._load_factory("gtts").__name__ == "GttsEngine"


def test_plugins_and_built_in_engines_are_all_listed(monkeypatch):
    from newscast import speech

    class Plugin:
        name = "plugin-tts"

    monkeypatch.setattr(speech, "_entry_points", lambda: ())
    assert {"piper", "gtts"} <= set(speech.available_engines())  # even where the entry points are not installed
    speech.register_engine("plugin-tts", lambda settings: Plugin())
    try:
        assert {"piper", "gtts", "plugin-tts"} <= set(speech.available_engines())
    finally:
        speech._registered.pop("plugin-tts")


def test_guessing_a_language_reads_the_heads_of_the_lists_and_a_few_whole(monkeypatch):
    from pathlib import Path

    from newscast.articles import language

    language.stoplist.cache_clear()
    language._heads.cache_clear()
    read = []
    real = Path.open

    def counting_open(self, *args, **kwargs):
        file = real(self, *args, **kwargs)
        read.append((self.stem, file))
        return file

    monkeypatch.setattr(Path, "open", counting_open)
    try:
        text = "The council said on Tuesday that the bridge would open in the spring, after the repairs to the road."
        assert language.guess_language(text * 2) == "en"
        files = len(language._stoplist_files())
        assert len(read) > files  # every list's head, then the candidates' whole lists
        assert language.stoplist.cache_info().currsize <= 8  # the few candidates and rivals, not 100 lists
        english = language.stoplist("en")
        head = language._heads()["en"]
        assert 80 <= len(head) <= 100 and head <= english and {"the", "of", "and"} <= head
        assert "" not in english and len(english) > 300
    finally:
        language.stoplist.cache_clear()
        language._heads.cache_clear()


def test_the_version_is_read_beside_an_installed_copy(tmp_path, monkeypatch):
    import importlib.metadata

    import newscast

    installed = tmp_path / "site-packages"
    (installed / "newscast").mkdir(parents=True)
    (installed / "newscast-9.8.7.dist-info").mkdir()
    (installed / "newscast-9.8.7.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.4\nName: newscast\nVersion: 9.8.7\nSummary: x\n\nVersion: 0.0.0 in the description\n"
    )
    monkeypatch.setattr(newscast, "__file__", str(installed / "newscast" / "__init__.py"))

    def no_scan(name):
        raise AssertionError("scanned sys.path")

    monkeypatch.setattr(importlib.metadata, "version", no_scan)
    assert newscast._version() == "9.8.7"


def test_an_editable_installs_version_is_read_on_sys_path(tmp_path, monkeypatch):
    """An editable install's dist-info is in site-packages, away from the source: found there, no scan."""
    import importlib.metadata

    import newscast

    (tmp_path / "src" / "newscast").mkdir(parents=True)
    (tmp_path / "site-packages" / "newscast-4.5.6.dist-info").mkdir(parents=True)
    (tmp_path / "site-packages" / "newscast-4.5.6.dist-info" / "METADATA").write_text(
        "Name: newscast\nVersion: 4.5.6\n"
    )
    monkeypatch.setattr(newscast, "__file__", str(tmp_path / "src" / "newscast" / "__init__.py"))
    monkeypatch.setattr(sys, "path", [str(tmp_path / "missing"), str(tmp_path / "site-packages"), *sys.path])

    def no_scan(name):
        raise AssertionError("scanned sys.path")

    monkeypatch.setattr(importlib.metadata, "version", no_scan)
    assert newscast._version() == "4.5.6"


def test_two_installed_versions_are_left_to_importlib_metadata(tmp_path, monkeypatch):
    import importlib.metadata

    import newscast

    (tmp_path / "newscast").mkdir()
    for version in ("1.0", "2.0"):
        (tmp_path / f"newscast-{version}.dist-info").mkdir()
        (tmp_path / f"newscast-{version}.dist-info" / "METADATA").write_text(f"Version: {version}\n")
    monkeypatch.setattr(newscast, "__file__", str(tmp_path / "newscast" / "__init__.py"))
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "2.0 (importlib.metadata)")
    assert newscast._version() == "2.0 (importlib.metadata)"


def test_the_version_is_the_installed_distributions():
    import importlib.metadata

    import newscast

    assert newscast._version() == importlib.metadata.version("newscast")


def test_a_built_in_engine_that_fails_to_import_is_a_clean_error(monkeypatch):
    from newscast import speech
    from newscast.errors import EngineError

    monkeypatch.setitem(speech.BUILT_IN, "piper", "newscast.speech.no_such_module:PiperEngine")
    with pytest.raises(EngineError, match="speech engine 'piper' failed to load"):
        speech.create_engine("piper", load_config().speech)


def test_an_unreadable_version_beside_the_copy_falls_back(tmp_path, monkeypatch):
    import importlib.metadata

    import newscast

    (tmp_path / "newscast").mkdir()
    (tmp_path / "newscast-1.0.dist-info").mkdir()
    (tmp_path / "newscast-1.0.dist-info" / "METADATA").write_bytes(b"Name: newscast\n\xff\xfe broken\n")
    monkeypatch.setattr(newscast, "__file__", str(tmp_path / "newscast" / "__init__.py"))
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "1.2.3")
    assert newscast._version() == "1.2.3"


class _FakeLibc:
    def __init__(self):
        self.calls = []

    def mallopt(self, parameter, value):
        self.calls.append((parameter, value))
        return 1


def test_the_command_line_raises_the_malloc_thresholds(monkeypatch):
    import ctypes

    from newscast import cli, process

    libc = _FakeLibc()
    monkeypatch.setattr(process.sys, "platform", "linux")
    monkeypatch.setattr(ctypes, "CDLL", lambda name: libc)
    monkeypatch.setattr(sys, "argv", ["newscast", "--help"])
    with pytest.raises(SystemExit) as exit_:
        cli.main()
    assert exit_.value.code == 0
    assert libc.calls == [(-3, 64 << 20), (-1, 256 << 20)]  # M_MMAP_THRESHOLD, M_TRIM_THRESHOLD


def test_the_malloc_thresholds_are_left_alone_without_glibc(monkeypatch):
    import ctypes

    from newscast import process

    def no_glibc(name):
        raise OSError("libc.so.6: cannot open shared object file")

    monkeypatch.setattr(process.sys, "platform", "linux")
    monkeypatch.setattr(ctypes, "CDLL", no_glibc)
    assert process.keep_freed_memory() is False
    libc = _FakeLibc()
    monkeypatch.setattr(ctypes, "CDLL", lambda name: libc)
    monkeypatch.setattr(process.sys, "platform", "darwin")
    assert process.keep_freed_memory() is False and libc.calls == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_the_malloc_thresholds_take_on_this_machine():
    import platform

    from newscast import process

    if platform.libc_ver()[0] != "glibc":
        pytest.skip("not glibc")
    assert process.keep_freed_memory() is True


BLAS_PROBE = """
import os, sys
from newscast import cli
sys.argv = ["newscast", "--help"]
try:
    cli.main()
except SystemExit:
    pass
import numpy  # what a build imports next, after the command line has set up the process
threads = len(os.listdir("/proc/self/task")) if os.path.isdir("/proc/self/task") else 1
print(os.environ.get("OPENBLAS_NUM_THREADS"), threads)
"""


def _blas_probe(**environment: str) -> list[str]:
    env = {name: value for name, value in os.environ.items() if name != "OPENBLAS_NUM_THREADS"}
    result = subprocess.run(
        [sys.executable, "-c", BLAS_PROBE], env={**env, **environment}, capture_output=True, text=True, check=True
    )
    return result.stdout.split()[-2:]  # after the help


def test_a_command_starts_no_blas_threads():
    """numpy's OpenBLAS started a spinning thread per core at import: 0.1 s of CPU on every command."""
    variable, threads = _blas_probe()
    assert variable == "1"
    assert threads == "1"  # the main thread alone: no OpenBLAS pool beside it


def test_a_users_blas_threads_are_kept():
    assert _blas_probe(OPENBLAS_NUM_THREADS="2")[0] == "2"


def test_blas_threads_are_left_alone_once_numpy_is_loaded(monkeypatch):
    from newscast import process

    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    assert "numpy" in sys.modules  # as in this test process
    assert process.quiet_blas() is False
    assert "OPENBLAS_NUM_THREADS" not in os.environ
