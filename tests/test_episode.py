"""Pipeline with the tone engine: decode what was written and measure it."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from newscast import EngineError, build_episode, build_script, load_config, read_article
from newscast.episode import default_output_path, slugify
from newscast.loudness import integrated_loudness, true_peak_db
from newscast.speech.cache import ClipCache
from newscast.speech.text import speakable, split_sentences

from .conftest import EXAMPLE_ARTICLE, SECONDS_PER_CHARACTER, ToneEngine


def spoken_sentences(segment):
    return [speakable(sentence) for sentence in split_sentences(segment.text)]


def expected_seconds(script):
    """The tone engine speaks 10 ms per character of each sentence; sentences join with no gap by default."""
    return sum(
        sum(len(text) for text in spoken_sentences(s)) * SECONDS_PER_CHARACTER + s.pause_ms / 1000
        for s in script.segments
    )


def test_episode_decodes_with_the_right_duration_and_tags(tmp_path, tone_config):
    output = tmp_path / "episode.mp3"
    episode = build_episode(EXAMPLE_ARTICLE, tone_config, output=output)
    script = build_script(read_article(EXAMPLE_ARTICLE), tone_config)

    samples, rate = soundfile.read(output, dtype="float32")
    assert rate == 16_000
    assert len(samples) / rate == pytest.approx(expected_seconds(script), abs=0.05)
    assert episode.duration == pytest.approx(len(samples) / rate, abs=0.05)
    assert integrated_loudness(samples, rate) == pytest.approx(-19.0, abs=0.5)  # mono podcast target
    assert true_peak_db(samples) <= -0.5  # ceiling -1 dBTP, with room for the MP3 codec's overshoot
    assert episode.loudness == pytest.approx(-19.0, abs=0.3)

    tags = ID3(output)
    assert tags["TIT2"].text == ["Coastal city brings back its century-old ferry with electric engines"]
    assert tags["TPE1"].text == ["Marisol Ortega and Daniel Whitcombe"]  # names only, the outlet apart
    assert tags["TALB"].text == ["newscast"]
    assert str(tags["TDRC"].text[0]) == "2017-03-06"
    assert tags.version[:2] == (2, 3)
    info = MP3(output).info
    assert info.bitrate == 64_000


def test_timeline_puts_each_segment_where_its_audio_is(tmp_path, tone_config):
    output = tmp_path / "episode.mp3"
    episode = build_episode(EXAMPLE_ARTICLE, tone_config, output=output)
    script = build_script(read_article(EXAMPLE_ARTICLE), tone_config)
    assert len(episode.timeline) == len(script.segments)
    start, end = episode.timeline[0]
    assert start == 0
    assert end == pytest.approx(len(script.segments[0].text) * SECONDS_PER_CHARACTER, abs=0.002)
    samples, rate = soundfile.read(output, dtype="float32")
    # the headline's tone plays inside its span, and the pause after it is silent
    middle = int((start + end) / 2 * rate)
    assert np.abs(samples[middle - 200 : middle + 200]).max() > 0.1
    gap = episode.timeline[1][0] - end
    # pieces join at MP3 frame boundaries: a pause is the whole number of frames (576 samples) nearest its length
    assert gap == pytest.approx(script.segments[0].pause_ms / 1000, abs=576 / 2 / rate)
    quiet = samples[int((end + 0.1) * rate) : int((end + gap - 0.1) * rate)]
    assert np.abs(quiet).max() < 0.02


def test_default_output_name_is_date_and_slug(tmp_path, tone_config, monkeypatch):
    monkeypatch.chdir(tmp_path)
    episode = build_episode(EXAMPLE_ARTICLE, tone_config)
    assert (
        episode.path.as_posix() == "audio/2017-03-06-coastal-city-brings-back-its-century-old-ferry-with-electric.mp3"
    )
    assert (tmp_path / episode.path).is_file()
    script = build_script(read_article(EXAMPLE_ARTICLE), tone_config)
    assert default_output_path(script, tone_config) == episode.path


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Caf\u00e9 owners cheer: a \u201cquiet street\u201d rule!", "cafe-owners-cheer-a-quiet-street-rule"),
        ("\u2603", "snowman2"),  # transliterated (anyascii), as the issue asks of headlines in any script
        ("\u2605\u2606", "episode-ee9983f5"),  # nothing to transliterate: a hash of the text
    ],
)
def test_slugify(title, slug):
    assert slugify(title) == slug


@pytest.mark.slow
def test_rebuild_uses_the_clip_cache(tmp_path, tone_config):
    build_episode(EXAMPLE_ARTICLE, tone_config, output=tmp_path / "a.mp3")
    first = len(ToneEngine.calls)
    assert first > 0
    build_episode(EXAMPLE_ARTICLE, tone_config, output=tmp_path / "b.mp3")
    assert len(ToneEngine.calls) == first  # nothing synthesised again
    a, _ = soundfile.read(tmp_path / "a.mp3")
    b, _ = soundfile.read(tmp_path / "b.mp3")
    assert np.array_equal(a, b)


def test_failed_build_leaves_no_file_and_resumes_from_cache(tmp_path, tone_config):
    output = tmp_path / "episode.mp3"
    ToneEngine.fail_on_call = 5
    with pytest.raises(EngineError, match="failed on call 5"):
        build_episode(EXAMPLE_ARTICLE, tone_config, output=output)
    assert list(tmp_path.iterdir()) == []
    ToneEngine.fail_on_call = None
    ToneEngine.calls = []
    build_episode(EXAMPLE_ARTICLE, tone_config, output=output)
    script = build_script(read_article(EXAMPLE_ARTICLE), tone_config)
    unique = {text for segment in script.segments for text in spoken_sentences(segment)}
    assert len(ToneEngine.calls) == len(unique) - 4  # four came from the cache
    assert output.is_file()


def test_cache_entries_are_whole_files(tmp_path):
    cache = ClipCache(tmp_path)
    from .conftest import tone_for

    cache.put("tone:", "hello", tone_for("hello"))
    entries = [path for path in tmp_path.rglob("*") if path.name != "CACHEDIR.TAG"]  # the cache's own tag
    assert [p.suffix for p in entries if p.is_file()] == [".wav"]
    audio = cache.get("tone:", "hello")
    assert audio is not None and len(audio.samples) == len(tone_for("hello").samples)
    assert cache.get("tone:", "other") is None


def test_cache_prunes_the_least_recently_used_clips(tmp_path):
    import os

    from .conftest import tone_for

    texts = [f"clip number {n}" for n in range(5)]
    cache = ClipCache(tmp_path)
    for age, text in enumerate(texts):
        cache.put("tone:", text, tone_for(text))
        path = cache.path_for("tone:", text)
        os.utime(path, (1_000_000 + age, 1_000_000 + age))  # clip 0 is the oldest
    size = cache.path_for("tone:", texts[0]).stat().st_size
    assert cache.get("tone:", texts[0]) is not None  # reading it makes it the newest
    bounded = ClipCache(tmp_path, max_bytes=2 * size)
    assert bounded.prune() == 3
    assert [bounded.get("tone:", text) is not None for text in texts] == [True, False, False, False, True]
    assert ClipCache(tmp_path).prune() == 0  # no bound, nothing removed


@pytest.mark.slow
def test_build_keeps_the_cache_under_its_bound(tmp_path, isolated):
    config = load_config(overrides={"speech": {"engine": "tone"}, "cache": {"max_size_mb": 0}})
    build_episode(EXAMPLE_ARTICLE, config, output=tmp_path / "a.mp3")
    clips = list((isolated / "cache").rglob("*.wav"))
    total = sum(p.stat().st_size for p in clips)
    small = load_config(overrides={"speech": {"engine": "tone"}, "cache": {"max_size_mb": 1}})
    assert total > 1_000_000  # the example's clips outgrow a 1 MB bound
    build_episode(EXAMPLE_ARTICLE, small, output=tmp_path / "b.mp3")
    assert sum(p.stat().st_size for p in (isolated / "cache").rglob("*.wav")) <= 1_000_000


def test_episode_file_mode_follows_the_umask(tmp_path, tone_config):
    import os

    previous = os.umask(0o022)
    try:
        episode = build_episode(EXAMPLE_ARTICLE, tone_config, output=tmp_path / "e.mp3")
    finally:
        os.umask(previous)
    assert episode.path.stat().st_mode & 0o777 == 0o644
