"""The MP3 as players read it: chapters in time order, resampling without aliases, the output presets."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from newscast import ConfigError, build_episode, load_config
from newscast.episode import resample

from .conftest import DATA, EXAMPLE_ARTICLE

ROUNDUP = [EXAMPLE_ARTICLE, DATA / "flattened-orchard.txt", DATA / "wrapped-wire.txt"]


@pytest.mark.slow
def test_chap_frames_are_stored_in_time_order(tmp_path, tone_config):
    """ffprobe lists chapters in the order the CHAP frames are stored; mutagen loads them in that order too."""
    episode = build_episode(ROUNDUP, tone_config, output=tmp_path / "roundup.mp3")
    assert len(episode.chapters) >= 4
    tags = ID3(episode.path)
    frames = tags.getall("CHAP")
    assert [frame.element_id for frame in frames] == [f"chp{n}" for n in range(len(episode.chapters))]
    starts = [frame.start_time for frame in frames]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    assert [str(frame.sub_frames["TIT2"].text[0]) for frame in frames] == [c.title for c in episode.chapters]
    (toc,) = tags.getall("CTOC")
    assert list(toc.child_element_ids) == [frame.element_id for frame in frames]
    assert MP3(episode.path).info.length == pytest.approx(episode.duration, abs=0.1)  # the audio is intact


def _level_at(samples: np.ndarray, rate: int, frequency: float) -> float:
    """dBFS of the strongest bin near ``frequency`` (Hann window, amplitude-corrected)."""
    window = np.hanning(len(samples))
    spectrum = np.abs(np.fft.rfft(samples * window)) / (window.sum() / 2)
    bins = np.fft.rfftfreq(len(samples), 1 / rate)
    near = (bins > frequency - 200) & (bins < frequency + 200)
    return float(20 * np.log10(spectrum[near].max() + 1e-12))


def test_resampling_filters_what_the_new_rate_cannot_hold():
    """A 10 kHz tone at 44.1 kHz taken to 16 kHz (Nyquist 8 kHz) must vanish, not fold back to 6 kHz."""
    rate = 44_100
    tone = (0.5 * np.sin(2 * np.pi * 10_000 * np.arange(rate) / rate)).astype(np.float32)
    low = resample(tone, rate, 16_000)
    assert len(low) == pytest.approx(16_000, abs=2)
    assert _level_at(low[1000:-1000], 16_000, 6_000) < -60  # audioop.ratecv left an alias at -10.5 dBFS
    speech_band = (0.5 * np.sin(2 * np.pi * 1_000 * np.arange(rate) / rate)).astype(np.float32)
    assert _level_at(resample(speech_band, rate, 16_000)[1000:-1000], 16_000, 1_000) == pytest.approx(-6.0, abs=0.2)


def test_a_music_bed_is_resampled_without_alias(tmp_path):
    """The bed's 10 kHz tone at 44.1 kHz in an episode at 16 kHz: nothing of it is heard at 6 kHz."""
    rate = 44_100
    seconds = np.arange(3 * rate) / rate
    soundfile.write(tmp_path / "bed.wav", 0.5 * np.sin(2 * np.pi * 10_000 * seconds), rate)
    config = load_config(
        overrides={
            "speech": {"engine": "tone"},
            "output": {"sample_rate": 16_000},
            "music": {"intro": str(tmp_path / "bed.wav"), "lead_in": 2.0},
        }
    )
    episode = build_episode(EXAMPLE_ARTICLE, config, output=tmp_path / "bed.mp3")
    samples, decoded_rate = soundfile.read(episode.path, dtype="float32")
    assert decoded_rate == 16_000
    lead = samples[4000:28000]  # the bed alone, before the first words
    assert _level_at(lead, decoded_rate, 6_000) < -60


@pytest.mark.slow
def test_apple_preset_sets_rate_bitrate_and_channels(tmp_path):
    config = load_config(overrides={"speech": {"engine": "tone"}, "output": {"preset": "apple"}})
    assert (config.output.sample_rate, config.output.bitrate, config.output.stereo) == (44_100, 128, True)
    episode = build_episode(EXAMPLE_ARTICLE, config, output=tmp_path / "apple.mp3")
    info = MP3(episode.path).info
    assert (info.sample_rate, info.bitrate, info.channels) == (44_100, 128_000, 2)
    lean = load_config().output
    assert (lean.sample_rate, lean.bitrate, lean.stereo) == (0, 64, False)


def test_keys_beside_a_preset_win_and_a_bad_preset_names_the_good_ones(tmp_path):
    (tmp_path / "show.toml").write_text('[output]\npreset = "apple"\nbitrate = 192\n')
    output = load_config(tmp_path / "show.toml").output
    assert (output.bitrate, output.sample_rate, output.stereo) == (192, 44_100, True)
    with pytest.raises(ConfigError, match=r'output\.preset .*"apple".*got \'itunes\''):
        load_config(overrides={"output": {"preset": "itunes"}})
