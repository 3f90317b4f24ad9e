"""Several articles in one episode: the show's intro, each story after a transition, chapters per story."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pytest
import soundfile
from mutagen.id3 import ID3
from typer.testing import CliRunner

from newscast import build_episode, load_config, read_article
from newscast.cli import app
from newscast.loudness import integrated_loudness
from newscast.script import build_roundup

from .conftest import DATA, EXAMPLE_ARTICLE

ORCHARD = DATA / "flattened-orchard.txt"
QUARRY = DATA / "quarry-lake.html"
FERRY_TITLE = "Coastal city brings back its century-old ferry with electric engines"


def test_roundup_script_introduces_and_links_every_story(tone_config):
    articles = [read_article(EXAMPLE_ARTICLE), read_article(ORCHARD), read_article(QUARRY)]
    script = build_roundup(articles, tone_config, today=date(2026, 11, 25))
    titles = [article.headline for article in articles]
    assert script.stories == tuple(titles)
    assert script.title == "newscast: Wednesday, November 25, 2026"
    intro, first = script.segments[0], script.segments[1]
    assert intro.kind == "show_intro" and all(title in intro.text for title in titles)
    assert first.kind == "transition" and first.text == f"First: {titles[0]}." and first.story == 1
    transitions = [s for s in script.segments if s.kind == "transition"]
    assert [t.text for t in transitions[1:]] == [f"Next: {title}." for title in titles[1:]]
    assert not [s for s in script.segments if s.kind == "headline"]  # the transition speaks it
    assert script.segments[-1].kind == "show_outro" and script.segments[-1].pause_ms == 0
    assert [s.story for s in script.segments if s.kind == "body"] == sorted(
        s.story for s in script.segments if s.kind == "body"
    )


def test_newest_order_sorts_by_article_date(tone_config):
    config = load_config(overrides={"roundup": {"order": "newest"}})
    articles = [read_article(ORCHARD), read_article(EXAMPLE_ARTICLE)]
    dates = [article.iso_date for article in articles]
    script = build_roundup(articles, config)
    assert script.stories[0] == articles[dates.index(max(dates))].headline


@pytest.mark.slow
def test_roundup_episode_has_a_chapter_per_story_and_its_sections(tmp_path):
    sting = tmp_path / "sting.wav"
    rate = 22_050
    soundfile.write(sting, (0.3 * np.sin(2 * np.pi * 660 * np.arange(rate) / rate)).astype(np.float32), rate)
    config = load_config(overrides={"speech": {"engine": "tone"}, "roundup": {"sting": str(sting)}})
    output = tmp_path / "roundup.mp3"
    episode = build_episode([EXAMPLE_ARTICLE, ORCHARD], config, output=output)
    titles = [chapter.title for chapter in episode.chapters]
    orchard = read_article(ORCHARD).headline
    assert titles[0].startswith("newscast: ")
    assert titles[1] == FERRY_TITLE
    assert "How the batteries work" in titles  # a section inside the first story
    assert titles.index(orchard) > titles.index("How the batteries work")
    assert titles[-1] == "Outro"
    # the sting plays at the start of the second story's chapter, before its transition is spoken
    second = episode.chapters[titles.index(orchard)]
    samples, rate = soundfile.read(output, dtype="float32")
    spoken_at = next(start for start, _ in episode.timeline if start > second.start)
    assert spoken_at - second.start == pytest.approx(1.0 + 0.4, abs=0.01)  # the sting and a breath
    assert np.abs(samples[int((second.start + 0.5) * rate) :][:400]).max() > 0.05
    cues = episode.path.with_suffix(".vtt").read_text()
    assert "First: " + FERRY_TITLE in cues and "Next: " + orchard in cues
    chapters = json.loads(episode.path.with_suffix(".chapters.json").read_text())["chapters"]
    assert [chapter["title"] for chapter in chapters] == titles
    assert len(ID3(output).getall("CHAP")) == len(titles)
    assert integrated_loudness(samples, rate) == pytest.approx(-19.0, abs=0.5)


@pytest.mark.slow
def test_build_from_list_file(tmp_path):
    listing = tmp_path / "today.txt"
    listing.write_text(f"# today's stories\n{EXAMPLE_ARTICLE}\n\n{ORCHARD}\n")
    result = CliRunner().invoke(
        app, ["build", "--from-list", str(listing), "-e", "tone", "-o", str(tmp_path / "r.mp3")]
    )
    assert result.exit_code == 0, result.output
    assert ID3(tmp_path / "r.mp3")["TDES"].text[0].startswith("In this episode: " + FERRY_TITLE)


def test_empty_list_file_is_a_usage_error(tmp_path):
    listing = tmp_path / "none.txt"
    listing.write_text("# nothing today\n")
    result = CliRunner().invoke(app, ["build", "--from-list", str(listing), "-e", "tone"])
    assert result.exit_code == 2
    assert "names no articles" in result.stderr
