"""Episodes stitched from cached pieces: a rebuild that keeps the speech encodes, decodes and levels nothing,
every clip is levelled alone, and the episode's loudness is added up from what the pieces stored."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest
import soundfile
from typer.testing import CliRunner

from newscast import build_episode, load_config, mp3
from newscast.audio import Level
from newscast.cli import app
from newscast.loudness import LoudnessMeter, clip_loudness, integrated_loudness
from newscast.speech.cache import ClipCache

from .conftest import EXAMPLE_ARTICLE, ToneEngine


@pytest.fixture
def counted(monkeypatch):
    """How often pieces are encoded and clips read from the cache."""
    counts = {"encode": 0, "clip reads": 0, "pieces kept": 0}
    real_encode, real_get, real_put = mp3.encode, ClipCache.get, ClipCache.put_piece

    def encode(*args, **kwargs):
        counts["encode"] += 1
        return real_encode(*args, **kwargs)

    def get(self, *args, **kwargs):
        counts["clip reads"] += 1
        return real_get(self, *args, **kwargs)

    def put_piece(self, *args, **kwargs):
        counts["pieces kept"] += 1
        return real_put(self, *args, **kwargs)

    monkeypatch.setattr(mp3, "encode", encode)
    monkeypatch.setattr(ClipCache, "get", get)
    monkeypatch.setattr(ClipCache, "put_piece", put_piece)
    return counts


def decoded(path):
    samples, rate = soundfile.read(path, dtype="float32")
    return samples, rate


def test_a_rebuild_with_other_pauses_copies_the_pieces(tmp_path, counted):
    first = build_episode(EXAMPLE_ARTICLE, load_config(overrides={"speech": {"engine": "tone"}}), tmp_path / "a.mp3")
    assert counted["pieces kept"] == first.segments
    counted.update({"encode": 0, "clip reads": 0, "pieces kept": 0})
    ToneEngine.calls = []
    changed = load_config(overrides={"speech": {"engine": "tone"}, "pauses": {"segment": 1200, "paragraph": 900}})
    second = build_episode(EXAMPLE_ARTICLE, changed, tmp_path / "b.mp3")
    assert counted == {"encode": 0, "clip reads": 0, "pieces kept": 0} and ToneEngine.calls == []
    assert second.duration > first.duration + 3
    a, rate = decoded(first.path)
    b, _ = decoded(second.path)
    for (start_a, end_a), (start_b, end_b) in zip(first.timeline, second.timeline, strict=True):
        assert end_a - start_a == pytest.approx(end_b - start_b, abs=1e-9)
        here, there = a[round(start_a * rate) : round(end_a * rate)], b[round(start_b * rate) : round(end_b * rate)]
        assert np.abs(here - there).max() < 1e-3  # the same frames, decoded after other silences
    assert [cue.text for cue in second.cues] == [cue.text for cue in first.cues]


def test_an_order_change_reuses_the_pieces_and_a_bitrate_change_does_not(tmp_path, counted):
    build_episode(EXAMPLE_ARTICLE, load_config(overrides={"speech": {"engine": "tone"}}), tmp_path / "a.mp3")
    counted["encode"] = 0
    reordered = load_config(overrides={"speech": {"engine": "tone"}, "script": {"order": ["body", "headline"]}})
    build_episode(EXAMPLE_ARTICLE, reordered, tmp_path / "b.mp3")
    assert counted["encode"] == 0
    counted["pieces kept"] = 0
    louder = load_config(overrides={"speech": {"engine": "tone"}, "output": {"bitrate": 96}})
    episode = build_episode(EXAMPLE_ARTICLE, louder, tmp_path / "c.mp3")
    assert counted["pieces kept"] == episode.segments


def test_the_correcting_pass_keeps_its_pieces_for_the_next_build(tmp_path, counted, monkeypatch):
    from newscast import episode as assembly

    monkeypatch.setattr(assembly, "RETRY_ABOVE_LU", -1.0)  # every episode takes the second pass
    config = load_config(overrides={"speech": {"engine": "tone"}})
    first = build_episode(EXAMPLE_ARTICLE, config, tmp_path / "a.mp3")
    assert counted["pieces kept"] == 2 * first.segments
    counted["encode"] = 0
    build_episode(EXAMPLE_ARTICLE, config, tmp_path / "b.mp3")
    assert counted["encode"] == 0
    assert np.array_equal(decoded(first.path)[0], decoded(tmp_path / "b.mp3")[0])


def tone(seconds: float, amplitude: float, rate: int = 16_000) -> np.ndarray:
    times = np.arange(round(seconds * rate)) / rate
    return (amplitude * np.sin(2 * np.pi * 440 * times)).astype(np.float32)


def test_a_clip_is_levelled_by_itself_alone():
    level = Level(target=-19.0, ceiling=-1.0, rate=16_000)
    quiet = tone(2.0, 0.01)
    alone, energies = level.apply(quiet)
    level.apply(tone(3.0, 0.5))  # another clip first changes nothing
    again, _ = level.apply(quiet)
    assert np.array_equal(alone, again)
    assert clip_loudness(alone, 16_000)[0] == pytest.approx(-19.0, abs=0.05)
    meter = LoudnessMeter(16_000)
    meter.add(alone)
    assert energies == pytest.approx(meter.energies(), rel=1e-3)  # the levelled clip's own step energies


def test_a_clip_counts_as_the_episode_will_count_it_between_pauses():
    rate = 16_000
    clips = [tone(seconds, 0.3) for seconds in (0.5, 0.7, 1.1, 2.3, 0.9)] * 3
    level = Level(target=-19.0, ceiling=-1.0, rate=rate)
    pause = np.zeros(round(0.5 * rate), dtype=np.float32)
    episode = np.concatenate([piece for clip in clips for piece in (level.apply(clip)[0], pause)])
    for shift in (0, 400, 800, 1200):  # wherever the episode's 100 ms grid falls
        samples = np.concatenate((np.zeros(shift, dtype=np.float32), episode))
        assert integrated_loudness(samples, rate) == pytest.approx(-19.0, abs=0.25)  # within the 0.3 LU rule


def test_a_clip_shorter_than_a_block_is_measured_over_its_length_and_silence_keeps_its_level():
    level = Level(target=-19.0, ceiling=-1.0, rate=16_000)
    short, _ = level.apply(tone(0.25, 0.01))
    meter = LoudnessMeter(16_000)
    meter.add(short)
    assert -0.691 + 10 * math.log10(sum(meter.energies()) / len(short)) == pytest.approx(-19.0, abs=0.05)
    silence = np.zeros(8_000, dtype=np.float32)
    assert np.array_equal(level.apply(silence)[0], silence)


@pytest.mark.parametrize("output", [{}, {"stereo": True}, {"preset": "apple"}])
def test_the_episode_loudness_is_added_up_from_the_pieces(tmp_path, monkeypatch, output):
    metered = []
    real_add = LoudnessMeter.add

    def add(self, samples):
        metered.append(len(samples))
        return real_add(self, samples)

    monkeypatch.setattr(LoudnessMeter, "add", add)
    config = load_config(overrides={"speech": {"engine": "tone"}, "output": output})
    episode = build_episode(EXAMPLE_ARTICLE, config, tmp_path / "e.mp3")
    monkeypatch.setattr(LoudnessMeter, "add", real_add)
    assert metered == []  # no meter ran over the stream (each clip's own measure gave its step energies)
    samples, rate = soundfile.read(episode.path, dtype="float32", always_2d=True)
    measured = integrated_loudness(samples if samples.shape[1] == 2 else samples[:, 0], rate)
    assert episode.loudness == pytest.approx(measured, abs=0.1)
    assert measured == pytest.approx(config.output.loudness, abs=0.3)


@pytest.mark.parametrize("output", [{}, {"preset": "apple"}])
def test_each_segment_is_heard_inside_its_span(tmp_path, output):
    config = load_config(overrides={"speech": {"engine": "tone"}, "output": output})
    episode = build_episode(EXAMPLE_ARTICLE, config, tmp_path / "e.mp3")
    samples, rate = soundfile.read(episode.path, dtype="float32", always_2d=True)
    samples = samples[:, 0]
    edge = round(0.004 * rate)
    for start, end in episode.timeline:
        if end - start < 0.1:
            continue
        first, last = round(start * rate), round(end * rate)
        body = np.abs(samples[first + 4 * edge : last - 4 * edge]).max()
        if first:
            assert np.abs(samples[max(0, first - 4 * edge) : first]).max() < body / 20  # silence before it
        assert np.abs(samples[first + 2 * edge : first + 4 * edge]).max() > body / 3  # and its tone right away
        if last < len(samples):  # (the episode ends with its last words)
            assert np.abs(samples[last : last + 4 * edge]).max() < body / 20  # silence after it


def test_no_cache_speaks_everything_and_keeps_nothing(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "scratch"))
    (tmp_path / "scratch").mkdir()
    cache = tmp_path / "cache"
    arguments = ["build", str(EXAMPLE_ARTICLE), "-e", "tone", "--cache-dir", str(cache), "-o", str(tmp_path / "a.mp3")]
    assert CliRunner().invoke(app, arguments).exit_code == 0
    entries = sorted(cache.rglob("*"))
    spoken = len(ToneEngine.calls)
    ToneEngine.calls = []
    arguments[-1] = str(tmp_path / "b.mp3")
    result = CliRunner().invoke(app, [*arguments, "--no-cache"])
    assert result.exit_code == 0, result.output
    assert len(ToneEngine.calls) == spoken  # nothing came from the cache
    assert sorted(cache.rglob("*")) == entries  # nor went into it
    assert list((tmp_path / "scratch").iterdir()) == []  # the build's own scratch folder is gone


def test_the_cache_keeps_and_prunes_pieces_beside_clips(tmp_path):
    config = load_config(overrides={"speech": {"engine": "tone"}, "cache": {"directory": str(tmp_path / "c")}})
    build_episode(EXAMPLE_ARTICLE, config, tmp_path / "a.mp3", cache=ClipCache(tmp_path / "c"))
    pieces, clips = list((tmp_path / "c").rglob("*.piece")), list((tmp_path / "c").rglob("*.wav"))
    assert pieces and clips
    cache = ClipCache(tmp_path / "c", max_bytes=1)  # a folder holding pieces is the cache's own
    assert cache.prune() == len(pieces) + len(clips)
    assert not list((tmp_path / "c").rglob("*.piece"))


# A child process whose engine imports nothing heavy until it is asked to speak: the first build speaks (and
# loads numpy), the rebuild after a pause change must find every piece and load none of the audio stack.
CHILD = """
import json, sys
from newscast.cli import main
from newscast.models import Audio
from newscast.speech import register_engine


class Hum:
    name = "hum"

    def __init__(self, settings):
        pass

    def identity(self):
        return "hum"

    def synthesize(self, text):
        import numpy as np

        times = np.arange(round(len(text) * 0.01 * 16000)) / 16000
        return Audio((0.3 * np.sin(2 * np.pi * 330 * times)).astype(np.float32), 16000)


register_engine("hum", Hum)
sys.argv = ["newscast", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
heavy = ("numpy", "soundfile", "soxr", "onnxruntime", "lameenc", "piper")
print(json.dumps(sorted(name for name in heavy if name in sys.modules)), file=sys.stderr)
"""


@pytest.mark.subprocess
def test_a_rebuild_from_cached_pieces_does_not_load_the_audio_stack(tmp_path):
    (tmp_path / "pauses.toml").write_text("[pauses]\nsegment = 900\nparagraph = 600\n")
    build = [sys.executable, "-c", CHILD, "build", str(EXAMPLE_ARTICLE), "-e", "hum", "-o", str(tmp_path / "e.mp3")]

    def loaded(*extra: str) -> list[str]:
        result = subprocess.run([*build, *extra], capture_output=True, text=True, check=True)
        return json.loads(result.stderr.strip().splitlines()[-1])

    assert "numpy" in loaded()  # the first build speaks
    assert loaded("-c", str(tmp_path / "pauses.toml")) == []
    samples, _ = soundfile.read(tmp_path / "e.mp3")
    assert len(samples) > 0


@pytest.mark.parametrize(
    ("lengths", "order"),
    [
        ([], []),
        ([5], [0]),
        ([10, 10, 10, 10, 10, 10, 10, 10, 5, 15], [0, 1, 2, 3, 4, 5, 6, 7, 9, 8]),  # the last 20%: longest first
        ([100, 1, 2, 3], [0, 3, 2, 1]),
    ],
)
def test_the_last_share_of_the_speech_is_handed_out_longest_first(lengths, order):
    from newscast.pipeline import submission_order

    assert submission_order(lengths) == order
