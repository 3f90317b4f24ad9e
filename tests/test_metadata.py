"""A podcast-grade episode, read back: chapters, transcript, JSON chapters, cover, music, output options, info."""

from __future__ import annotations

import itertools
import json
import re

import numpy as np
import pytest
import soundfile
from mutagen.id3 import ID3, CTOCFlags
from mutagen.mp3 import MP3
from typer.testing import CliRunner

from newscast import ConfigError, build_episode, build_script, load_config, read_article
from newscast.cli import app
from newscast.loudness import integrated_loudness, true_peak_db
from newscast.metadata import default_cover, webvtt
from newscast.models import Cue
from newscast.speech.text import speakable, split_sentences

from .conftest import EXAMPLE_ARTICLE, SECONDS_PER_CHARACTER, jpeg_bytes

CHAPTER_TITLES = [
    "Coastal city brings back its century-old ferry with electric engines",
    "Highlights",
    "Story",
    "How the batteries work",
    "What riders say",
]


@pytest.fixture
def built(tmp_path, tone_config):
    output = tmp_path / "ferry.mp3"
    episode = build_episode(EXAMPLE_ARTICLE, tone_config, output=output)
    return episode, build_script(read_article(EXAMPLE_ARTICLE), tone_config)


def parse_vtt(text: str) -> list[tuple[float, float, str]]:
    def seconds(stamp: str) -> float:
        hours, minutes, rest = stamp.split(":")
        return int(hours) * 3600 + int(minutes) * 60 + float(rest)

    assert text.startswith("WEBVTT\n\n")
    cues = []
    for block in text.strip().split("\n\n")[1:]:
        if block.startswith("NOTE "):  # a WebVTT comment (newscast's ties the transcript to its MP3)
            continue
        number, timing, *lines = block.split("\n")
        start, end = timing.split(" --> ")
        assert number.isdigit()
        cues.append((seconds(start), seconds(end), " ".join(lines)))
    return cues


@pytest.mark.slow
def test_id3_chapters_match_the_segment_timeline(built):
    episode, script = built
    tags = ID3(episode.path)
    (toc,) = tags.getall("CTOC")
    assert toc.flags == CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED
    chapters = [tags[f"CHAP:{element_id}"] for element_id in toc.child_element_ids]
    assert [chapter.sub_frames["TIT2"].text[0] for chapter in chapters] == CHAPTER_TITLES
    # each chapter starts where its first segment's audio starts: the highlights, the first paragraph, the headings
    kinds = [segment.kind for segment in script.segments]
    headings = [index for index, kind in enumerate(kinds) if kind == "heading"]
    first_of = [0, kinds.index("highlights"), kinds.index("body"), *headings]
    expected = [0.0] + [episode.timeline[index][0] for index in first_of[1:]]
    assert [chapter.start_time / 1000 for chapter in chapters] == pytest.approx(expected, abs=0.001)
    assert [chapter.end_time for chapter in chapters[:-1]] == [chapter.start_time for chapter in chapters[1:]]
    assert chapters[-1].end_time == round(episode.duration * 1000)
    samples, rate = soundfile.read(episode.path)
    assert chapters[-1].end_time / 1000 == pytest.approx(len(samples) / rate, abs=0.001)


@pytest.mark.slow
def test_transcript_has_a_cue_per_sentence_timed_to_the_audio(built):
    episode, script = built
    cues = parse_vtt(episode.path.with_suffix(".vtt").read_text())
    sentences = [sentence for segment in script.segments for sentence in split_sentences(segment.text)]
    assert [text for _, _, text in cues] == sentences  # the article's words, not the spoken form
    assert any("$2.50" in text for text in sentences)  # ...which the speech says as "two dollars and fifty cents"
    first_start, first_end, headline = cues[0]
    assert first_start == 0
    assert first_end == pytest.approx(len(speakable(headline)) * SECONDS_PER_CHARACTER, abs=0.002)
    starts = [start for start, _, _ in cues]
    assert starts == sorted(starts)
    assert all(end > start for start, end, _ in cues)
    samples, rate = soundfile.read(episode.path, dtype="float32")
    for start, end, _ in cues:  # every cue's middle is heard; every gap between paragraphs is silent
        middle = int((start + end) / 2 * rate)
        assert np.abs(samples[middle - 100 : middle + 100]).max() > 0.05
    for (_, end), (start, _) in itertools.pairwise(episode.timeline):
        gap = samples[int((end + 0.05) * rate) : int((start - 0.05) * rate)]
        if len(gap):
            assert np.abs(gap).max() < 0.01


@pytest.mark.slow
def test_sentence_silence_spaces_the_cues(tmp_path):
    config = load_config(overrides={"speech": {"engine": "tone", "sentence_silence": 0.4}})
    episode = build_episode(EXAMPLE_ARTICLE, config, output=tmp_path / "spaced.mp3")
    cues = parse_vtt(episode.path.with_suffix(".vtt").read_text())
    gaps = [later[0] - earlier[1] for earlier, later in itertools.pairwise(cues)]
    # the shortest pause between segments, the list items': a whole number of MP3 frames (576 samples at 16 kHz)
    assert min(gaps) == pytest.approx(0.3, abs=576 / 2 / 16_000)
    assert pytest.approx(0.4, abs=0.002) in gaps  # between sentences of one paragraph: exact, inside one piece


@pytest.mark.slow
def test_json_chapters_follow_podcasting_2_0(built):
    episode, _ = built
    data = json.loads(episode.path.with_suffix(".chapters.json").read_text())
    assert data["version"] == "1.2.0"
    assert [chapter["title"] for chapter in data["chapters"]] == CHAPTER_TITLES
    assert [chapter["startTime"] for chapter in data["chapters"]] == pytest.approx(
        [chapter.start for chapter in episode.chapters], abs=0.001
    )


@pytest.mark.slow
def test_tags_carry_the_cover_and_the_mp3_a_seekable_header(built):
    episode, _ = built
    tags = ID3(episode.path)
    (cover,) = tags.getall("APIC")
    assert cover.mime == "image/png" and cover.type == 3
    assert cover.data == default_cover()
    head = episode.path.read_bytes()[: 16_000 + len(cover.data)]
    assert b"Info" in head or b"Xing" in head  # the LAME/Xing frame players read the duration from
    assert MP3(episode.path).info.length == pytest.approx(episode.duration, abs=0.1)


@pytest.mark.slow
def test_info_command_reads_the_episode_back(built):
    episode, _ = built
    result = CliRunner().invoke(app, ["info", str(episode.path), "--format", "json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    assert info["duration"] == pytest.approx(episode.duration, abs=0.01)
    assert info["loudness"] == pytest.approx(-19.0, abs=0.5)
    assert info["true_peak"] <= -0.5
    assert info["tags"]["title"] == CHAPTER_TITLES[0]
    assert info["cover"] is True
    assert [chapter["title"] for chapter in info["chapters"]] == CHAPTER_TITLES
    text = CliRunner().invoke(app, ["info", str(episode.path)]).stdout
    assert re.search(r"loudness\s+-19\.\d LUFS", text)
    assert "How the batteries work" in text


def test_info_on_something_that_is_not_an_mp3_is_one_clean_line(tmp_path):
    bogus = tmp_path / "notes.mp3"
    bogus.write_text("not audio")
    result = CliRunner().invoke(app, ["info", str(bogus)])
    assert result.exit_code == 1
    assert "error:" in result.stderr and "Traceback" not in result.output


@pytest.mark.slow
def test_stereo_44k_episode_meets_the_stereo_target(tmp_path):
    config = load_config(
        overrides={"speech": {"engine": "tone"}, "output": {"stereo": True, "sample_rate": 44_100, "bitrate": 128}}
    )
    episode = build_episode(EXAMPLE_ARTICLE, config, output=tmp_path / "stereo.mp3")
    samples, rate = soundfile.read(episode.path, dtype="float32", always_2d=True)
    assert rate == 44_100 and samples.shape[1] == 2
    assert len(samples) / rate == pytest.approx(episode.duration, abs=0.01)
    assert integrated_loudness(samples, rate) == pytest.approx(-16.0, abs=0.5)
    assert MP3(episode.path).info.bitrate == 128_000


def write_music(path, seconds=20.0, rate=44_100):
    times = np.arange(int(seconds * rate)) / rate
    chord = sum(np.sin(2 * np.pi * f * times) for f in (220, 277, 330)) / 3
    soundfile.write(path, (0.4 * chord).astype(np.float32), rate)


@pytest.mark.slow
def test_intro_and_outro_music(tmp_path):
    write_music(tmp_path / "theme.wav")
    (tmp_path / "show.toml").write_text(
        '[speech]\nengine = "tone"\n[music]\nintro = "theme.wav"\noutro = "theme.wav"\nlead_in = 3.0\ntail = 4.0\n'
    )
    config = load_config(tmp_path / "show.toml")  # music paths are read from the config file's folder
    plain = build_episode(
        EXAMPLE_ARTICLE, load_config(overrides={"speech": {"engine": "tone"}}), output=tmp_path / "a.mp3"
    )
    episode = build_episode(EXAMPLE_ARTICLE, config, output=tmp_path / "music.mp3")
    assert episode.timeline[0][0] == pytest.approx(3.0, abs=0.001)  # speech starts after the lead-in
    assert episode.chapters[0].start == 0
    # lead-in, tail, fade; the pauses under music are exact, those between pieces a whole number of frames
    assert episode.duration == pytest.approx(plain.duration + 3.0 + 4.0 + 3.0, abs=576 / 16_000)
    samples, rate = soundfile.read(episode.path, dtype="float32")

    def level(start, end):
        return float(np.sqrt(np.mean(samples[int(start * rate) : int(end * rate)] ** 2)))

    assert level(0.5, 2.0) > 0.03  # the theme alone
    last_end = episode.timeline[-1][1]
    assert level(last_end + 1.5, last_end + 3.5) > 0.03  # the theme after the last words
    assert level(episode.duration - 0.2, episode.duration) < level(last_end + 1.5, last_end + 3.5) / 4  # faded
    # ducked: between the first segment and the next, the music is well under the lead-in
    first_end, second_start = episode.timeline[0][1], episode.timeline[1][0]
    assert level(first_end + 0.05, second_start - 0.05) < level(0.5, 2.0) / 4
    assert integrated_loudness(samples, rate) == pytest.approx(-19.0, abs=0.5)
    assert true_peak_db(samples) <= -0.5  # speech and music together stay under the ceiling


def test_missing_music_or_cover_is_a_config_error(tmp_path):
    (tmp_path / "show.toml").write_text('[music]\nintro = "nowhere.wav"\n')
    with pytest.raises(ConfigError, match=r"music.intro .*no such file: .*nowhere.wav"):
        load_config(tmp_path / "show.toml")
    with pytest.raises(ConfigError, match=r"show\.cover"):
        load_config(overrides={"show": {"cover": str(tmp_path / "cover.jpg")}})


def test_custom_cover(tmp_path):
    jpeg = tmp_path / "cover.jpg"
    jpeg.write_bytes(jpeg_bytes())  # a cover must now look like real cover art (the image checks)
    config = load_config(overrides={"speech": {"engine": "tone"}, "show": {"cover": str(jpeg)}})
    episode = build_episode(EXAMPLE_ARTICLE, config, output=tmp_path / "c.mp3")
    (cover,) = ID3(episode.path).getall("APIC")
    assert cover.mime == "image/jpeg" and cover.data == jpeg.read_bytes()


def test_webvtt_escapes_the_arrow_and_formats_hours():
    text = webvtt((Cue("a --> b", 3725.5, 3726.25),))
    assert "01:02:05.500 --> 01:02:06.250\na \u2192 b" in text
