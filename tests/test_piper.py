"""A few real builds with the bundled Piper voice, decoded and measured."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile
from typer.testing import CliRunner

from newscast import EngineError, build_episode, load_config
from newscast.cli import app
from newscast.speech import create_engine
from newscast.speech.piper import bundled_model_path, download_voice

pytestmark = pytest.mark.piper

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


def test_the_voice_is_not_optimised_again_on_load(monkeypatch):
    """The compiled voice is optimised once, when it is made; a load only reads it (the original, Piper's export,
    is folded already: onnxruntime's optimisations only slowed every cold build's start)."""
    import onnxruntime

    from newscast.speech import piper
    from newscast.speech.compiled_voice import compile_voice

    compile_voice(bundled_model_path())
    levels = []
    real = onnxruntime.InferenceSession

    def session(path, sess_options=None, **kwargs):
        levels.append(sess_options.graph_optimization_level)
        return real(path, sess_options=sess_options, **kwargs)

    monkeypatch.setattr(onnxruntime, "InferenceSession", session)
    voice = piper._load_session_voice(bundled_model_path(), 1)
    assert levels == [onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL]
    assert len(list(voice.synthesize("Hello."))) == 1


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


def test_speaker_on_a_single_speaker_voice_is_a_clear_error():
    with pytest.raises(EngineError, match="single speaker"):
        create_engine("piper", load_config(overrides={"speech": {"speaker": "2"}}).speech)


@pytest.mark.subprocess
def test_an_engine_whose_clips_are_all_cached_does_not_load_onnxruntime():
    probe = (
        "import sys; from newscast import load_config; from newscast.speech import create_engine; "
        "engine = create_engine('piper', load_config().speech); "
        "print(engine.speaker, 'onnxruntime' in sys.modules, 'piper' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["None", "False", "False"]


@pytest.mark.parametrize(
    "broken",
    ["{not json", '{"num_speakers": 1}', '{"num_symbols": 1, "num_speakers": 1, "audio": {}, "espeak": {}, '
     '"phoneme_id_map": {}}'],
)  # fmt: skip
def test_a_broken_voice_config_is_a_clear_error_when_the_engine_starts(tmp_path, monkeypatch, broken):
    model = tmp_path / "en_GB-broken-medium.onnx"
    model.write_bytes(b"")
    Path(f"{model}.json").write_text(broken)
    monkeypatch.setattr("newscast.speech.piper.voice_model_path", lambda voice: model)
    with pytest.raises(EngineError, match="cannot read Piper voice config"):
        create_engine("piper", load_config().speech)


@pytest.fixture
def voice_server(httpserver, monkeypatch):
    """Piper's download URLs pointed at a local server that publishes the bundled voice as en_GB-test-medium."""
    import piper.download_voices

    monkeypatch.setattr(
        piper.download_voices,
        "URL_FORMAT",
        httpserver.url_for("/{lang_code}-{voice_name}-{voice_quality}{extension}"),
    )
    return httpserver


def test_named_voice_is_downloaded_once_verified_and_used(voice_server, isolated):
    model = bundled_model_path()
    voice_server.expect_oneshot_request("/en_GB-test-medium.onnx").respond_with_data(model.read_bytes())
    voice_server.expect_oneshot_request("/en_GB-test-medium.onnx.json").respond_with_data(
        Path(f"{model}.json").read_bytes()
    )
    settings = load_config(overrides={"speech": {"voice": "en_GB-test-medium"}}).speech
    engine = create_engine("piper", settings)
    assert engine.model_path == isolated / "voices" / "en_GB-test-medium.onnx"
    assert engine.synthesize("Hello.").duration > 0.3
    # the second use needs no server: the one-shot handlers are spent, and nothing else was left around
    assert create_engine("piper", settings).model_path == engine.model_path
    assert sorted(p.name for p in (isolated / "voices").iterdir()) == [
        "en_GB-test-medium.onnx",
        "en_GB-test-medium.onnx.json",
    ]
    result = CliRunner().invoke(app, ["voices", "--engine", "piper"])
    assert "en_GB-test-medium\ten\tdownloaded" in result.stdout


def test_a_download_that_is_not_a_voice_leaves_nothing(voice_server, isolated):
    voice_server.expect_request("/en_GB-test-medium.onnx").respond_with_data(b"<html>not a model</html>")
    voice_server.expect_request("/en_GB-test-medium.onnx.json").respond_with_data(b"{}")
    with pytest.raises(EngineError, match="cannot load Piper voice"):
        download_voice("en_GB-test-medium")
    assert list((isolated / "voices").iterdir()) == []


def test_unknown_voice_name_is_a_clear_error(voice_server):
    voice_server.expect_request("/en_GB-nobody-low.onnx").respond_with_data("Not found", status=404)
    with pytest.raises(EngineError, match="there is no Piper voice named 'en_GB-nobody-low'"):
        download_voice("en_GB-nobody-low")
