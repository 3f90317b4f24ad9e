"""A few real builds with the bundled Piper voice, decoded and measured."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile

from newscast import build_episode, load_config
from newscast.speech import create_engine

pytestmark = pytest.mark.slow

SHORT_PAGE = """Harbor ferry sails again

By Ana Ruiz

The old ferry crossed the bay on Monday.

Riders said it was quiet.
"""


def test_bundled_voice_speaks(tmp_path):
    engine = create_engine("piper", load_config().speech)
    audio = engine.synthesize("The old ferry crossed the bay on Monday.")
    assert audio.sample_rate == 22_050
    assert 1.0 < audio.duration < 6.0
    rms = float(np.sqrt(np.mean(audio.samples**2)))
    assert rms > 0.02


def test_real_piper_build_end_to_end(tmp_path):
    page = tmp_path / "ferry.txt"
    page.write_text(SHORT_PAGE)
    output = tmp_path / "ferry.mp3"
    config = load_config(overrides={"speech": {"engine": "piper"}})
    episode = build_episode(page, config, output=output)
    samples, rate = soundfile.read(output, dtype="float32")
    assert rate == 22_050
    assert episode.engine == "piper"
    assert len(episode.timeline) == 3  # headline and two paragraphs
    assert len(samples) / rate == pytest.approx(episode.duration, abs=0.05)
    assert 3.0 < episode.duration < 15.0
    # each segment's span carries speech
    for start, end in episode.timeline:
        span = samples[int(start * rate) : int(end * rate)]
        assert float(np.sqrt(np.mean(span**2))) > 0.02


def test_length_scale_slows_the_voice():
    text = "The old ferry crossed the bay on Monday."
    normal = create_engine("piper", load_config().speech).synthesize(text)
    slow = create_engine("piper", load_config(overrides={"speech": {"length_scale": 1.5}}).speech).synthesize(text)
    assert slow.duration > normal.duration * 1.25
