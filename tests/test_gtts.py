"""gTTS's real request code against a faked transport (responses): no request leaves the machine."""

from __future__ import annotations

import base64
import io
import itertools
import re
from urllib.parse import unquote

import numpy as np
import pytest
import requests
import responses
import soundfile

from newscast import EngineError, build_episode, load_config
from newscast.speech import create_engine, list_voices, resolve_engine_name
from newscast.speech import gtts as gtts_engine

from .conftest import EXAMPLE_ARTICLE

BATCH_URL = re.compile(r"https://translate\.google\.com/_/TranslateWebserverUi/data/batchexecute.*")
CLIP_SECONDS = 0.5


def mp3_clip(seconds: float = CLIP_SECONDS, rate: int = 24_000) -> bytes:
    t = np.arange(int(seconds * rate)) / rate
    buffer = io.BytesIO()
    soundfile.write(buffer, (0.3 * np.sin(2 * np.pi * 330 * t)).astype(np.float32), rate, format="MP3")
    return buffer.getvalue()


def batchexecute_body(audio: bytes) -> str:
    encoded = base64.b64encode(audio).decode()
    return ")]}'\n\n" + f'[["wrb.fr","jQ1olc","[\\"{encoded}\\"]",null,null,null,"generic"]]\n'


def gtts_settings(**speech):
    return load_config(overrides={"speech": {"engine": "gtts", **speech}})


@responses.activate
def test_gtts_speech_is_decoded_to_pcm():
    responses.add(responses.POST, BATCH_URL, body=batchexecute_body(mp3_clip()))
    engine = create_engine("gtts", gtts_settings().speech)
    audio = engine.synthesize("The ferry sailed again on Monday.")
    assert audio.sample_rate == 24_000
    assert audio.duration == pytest.approx(CLIP_SECONDS, abs=0.01)
    assert np.abs(audio.samples).max() > 0.2
    assert len(responses.calls) == 1
    assert "The ferry sailed again" in unquote(responses.calls[0].request.body)


@pytest.mark.slow
@responses.activate
def test_long_text_is_sent_in_pieces_and_joined():
    responses.add(responses.POST, BATCH_URL, body=batchexecute_body(mp3_clip()))
    text = "The ferry sailed again on Monday, quieter than ever. " * 6  # gTTS cuts at 100 characters
    audio = create_engine("gtts", gtts_settings().speech).synthesize(text)
    assert len(responses.calls) > 1
    assert audio.duration == pytest.approx(CLIP_SECONDS * len(responses.calls), abs=0.05)


@pytest.fixture
def sleeps(monkeypatch):
    """Record the backoff sleeps instead of waiting them out."""
    waited: list[float] = []
    monkeypatch.setattr(gtts_engine, "back_off", waited.append)
    return waited


@responses.activate
def test_429_is_retried_after_a_backoff_then_succeeds(sleeps):
    responses.add(responses.POST, BATCH_URL, status=429)
    responses.add(responses.POST, BATCH_URL, status=429)
    responses.add(responses.POST, BATCH_URL, body=batchexecute_body(mp3_clip()))
    audio = create_engine("gtts", gtts_settings().speech).synthesize("Hello there.")
    assert audio.duration == pytest.approx(CLIP_SECONDS, abs=0.01)
    assert len(responses.calls) == 3
    assert len(sleeps) == 2
    assert 0.25 <= sleeps[0] <= 0.5 and 0.5 <= sleeps[1] <= 1.0  # doubled each time, with jitter


@responses.activate
def test_retry_after_header_is_honoured(sleeps):
    responses.add(responses.POST, BATCH_URL, status=503, headers={"Retry-After": "3"})
    responses.add(responses.POST, BATCH_URL, body=batchexecute_body(mp3_clip()))
    create_engine("gtts", gtts_settings().speech).synthesize("Hello there.")
    assert sleeps == [3]


@responses.activate
def test_persistent_server_errors_end_in_one_clear_message(sleeps):
    responses.add(responses.POST, BATCH_URL, status=500)
    engine = create_engine("gtts", gtts_settings(retries=3).speech)
    with pytest.raises(EngineError, match=r"failed after 4 tries: HTTP 500 .*--engine piper"):
        engine.synthesize("Hello there.")
    assert len(responses.calls) == 4


@pytest.mark.parametrize(
    ("fault", "described"),
    [
        (requests.Timeout("read timed out"), "no answer within the timeout"),
        (requests.ConnectionError("connection reset by peer"), "the connection failed or was reset"),
    ],
)
@responses.activate
def test_timeouts_and_resets_are_retried_then_reported(sleeps, fault, described):
    responses.add(responses.POST, BATCH_URL, body=fault)
    responses.add(responses.POST, BATCH_URL, body=fault)
    engine = create_engine("gtts", gtts_settings(retries=1).speech)
    with pytest.raises(EngineError, match=f"after 2 tries: {described}"):
        engine.synthesize("Hello there.")
    responses.replace(responses.POST, BATCH_URL, body=batchexecute_body(mp3_clip()))
    assert engine.synthesize("Hello there.").duration == pytest.approx(CLIP_SECONDS, abs=0.01)


@responses.activate
def test_client_errors_are_not_retried(sleeps):
    responses.add(responses.POST, BATCH_URL, status=403)
    with pytest.raises(EngineError, match=r"gTTS failed: 403 .*--engine piper"):
        create_engine("gtts", gtts_settings().speech).synthesize("Hello there.")
    assert len(responses.calls) == 1


@responses.activate
def test_requests_carry_a_timeout():
    responses.add(responses.POST, BATCH_URL, body=batchexecute_body(mp3_clip()))
    create_engine("gtts", gtts_settings(timeout=7.5).speech).synthesize("Hello there.")
    assert responses.calls[0].request.req_kwargs["timeout"] == 7.5


def test_throttle_spaces_request_starts(monkeypatch):
    # A fake clock that only moves when the throttle sleeps: the spacing is exact, whatever the machine's load.
    clock = [100.0]
    monkeypatch.setattr(gtts_engine.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(gtts_engine.time, "sleep", lambda seconds: clock.__setitem__(0, clock[0] + seconds))
    throttle = gtts_engine.Throttle(rate=50)
    started = []
    for _ in range(6):
        throttle.wait()
        started.append(clock[0])
    gaps = [later - earlier for earlier, later in itertools.pairwise(started)]
    assert gaps == pytest.approx([0.02] * 5)


def test_unsupported_language():
    with pytest.raises(EngineError, match="does not speak language 'xx'"):
        create_engine("gtts", gtts_settings(language="xx").speech)


@responses.activate
def test_auto_picks_gtts_when_google_answers():
    responses.add(responses.HEAD, "https://translate.google.com/", status=200)
    assert resolve_engine_name(load_config().speech)[0] == "gtts"


@responses.activate
def test_auto_falls_back_to_piper_when_google_does_not_answer():
    # responses refuses every URL not registered: the same as being offline.
    name, reason = resolve_engine_name(load_config().speech)
    assert name == "piper"
    assert "did not answer" in reason


@pytest.mark.waits
@responses.activate
def test_gtts_episode_end_to_end(tmp_path):
    responses.add(responses.POST, BATCH_URL, body=batchexecute_body(mp3_clip(0.3)))
    output = tmp_path / "gtts.mp3"
    episode = build_episode(EXAMPLE_ARTICLE, gtts_settings(), output=output)
    samples, rate = soundfile.read(output)
    assert rate == 24_000
    assert episode.engine == "gtts"
    assert len(samples) / rate == pytest.approx(episode.duration, abs=0.05)
    assert len(samples) / rate > 0.3 * len(episode.timeline)


def test_voices_lists_gtts_languages():
    voices, notes = list_voices("gtts", load_config().speech)
    assert ("en", "English") in {(voice.name, voice.language) for voice in voices}
    assert all(voice.status == "online" for voice in voices)
    assert "co.uk" in notes[0]


def test_offline_fails_fast_without_retrying(sleeps):
    # no `responses` here: the real transport runs, and the test guard makes every host name fail to resolve
    engine = create_engine("gtts", gtts_settings(retries=4).speech)
    with pytest.raises(EngineError, match=r"cannot reach Google's speech endpoint .*--engine piper"):
        engine.synthesize("Hello there.")
    assert sleeps == []  # no backoff: there is nothing to wait for


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello there.", ["Hello there."]),
        ("  ", []),
        ("First, a clause. Then a sentence!", ["First, a clause. Then a sentence!"]),
        ("— ... —", []),
        ("A" * 120, ["A" * 100, "A" * 20]),
        ("word " * 30, ["word " * 19 + "word", "word " * 9 + "word"]),
        (
            "One sentence is here. " * 6,
            ["One sentence is here. " * 3 + "One sentence is here.", "One sentence is here. One sentence is here."],
        ),
        ("北京是中国的首都。上海是最大的城市。", ["北京是中国的首都。上海是最大的城市。"]),
    ],
)
def test_text_is_cut_into_requests_of_at_most_100_characters(text, expected):
    chunks = gtts_engine.chunk_text(text)
    assert chunks == expected
    assert all(len(chunk) <= 100 for chunk in chunks)
